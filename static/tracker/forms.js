// Issue 13 item 2: after an invalid submit, focus goes to the error summary at the top of the
// form (role=alert), whose links lead to each field; not to <body>.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.getElementById("error-summary");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        var field = link && document.getElementById(link.getAttribute("href").slice(1));
        if (field) {
          event.preventDefault();
          field.focus();
          field.scrollIntoView({ block: "center" });
        }
      });
    }
  });
})();
