// A collapsed section (the worklist's Booked, a <details>) prints expanded: a printed list
// must show every section's rows, and print media cannot open a <details>. Opened for the
// print only, closed again afterwards as the user left it.
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details[data-print-open]").forEach(function (details) {
      if (!details.open) {
        details.open = true;
        opened.push(details);
      }
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (details) {
      details.open = false;
    });
    opened = [];
  });
})();
