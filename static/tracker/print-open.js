// Issue 12 item 5: the Booked section is collapsed on screen (details); a printed worklist must
// show every section, so each collapsed details is opened for printing and closed again after.
(function () {
  "use strict";
  var opened = [];
  function openAll() {
    document.querySelectorAll("details[data-print-open]:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  }
  function restore() {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  }
  window.addEventListener("beforeprint", openAll);
  window.addEventListener("afterprint", restore);
  // Print preview and emulated print media may change the media without the print events.
  var print = window.matchMedia("print");
  var onChange = function (e) { if (e.matches) { openAll(); } else { restore(); } };
  if (print.addEventListener) { print.addEventListener("change", onChange); }
  if (print.matches) { openAll(); }
})();
