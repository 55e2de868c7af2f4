// Warns a minute before the idle limit ends the session (issue 13 item 3). Served from static:
// the Content-Security-Policy allows no inline script. The server stays the authority: this
// only tells the user, and "Stay signed in" makes one signed-in request to move the limit.
(function () {
  "use strict";
  var WARN_BEFORE_MS = 60 * 1000;

  function start() {
    var body = document.body;
    var idleSeconds = parseInt(body.getAttribute("data-session-idle-seconds"), 10);
    var box = document.getElementById("session-expiry-warning");
    if (!idleSeconds || !box) {
      return;
    }
    var text = box.querySelector("[data-session-text]");
    var stay = box.querySelector("[data-session-stay]");
    var login = box.querySelector("[data-session-login]");
    var idleMs = idleSeconds * 1000;
    var warnTimer = null;
    var endTimer = null;

    function here() {
      return window.location.pathname + window.location.search;
    }

    function warn() {
      text.textContent = "Your session will end in 1 minute without activity. " +
        "Anything you have typed but not saved will be lost.";
      stay.hidden = false;
      login.hidden = true;
      box.hidden = false;
    }

    function ended() {
      text.textContent = "Your session has ended. Copy anything you have not saved, " +
        "then sign in again.";
      stay.hidden = true;
      login.href = body.getAttribute("data-login-url") + "?next=" + encodeURIComponent(here());
      login.hidden = false;
      box.hidden = false;
    }

    function schedule() {
      window.clearTimeout(warnTimer);
      window.clearTimeout(endTimer);
      warnTimer = window.setTimeout(warn, Math.max(0, idleMs - WARN_BEFORE_MS));
      endTimer = window.setTimeout(ended, idleMs);
    }

    stay.addEventListener("click", function () {
      var token = document.querySelector("input[name=csrfmiddlewaretoken]");
      fetch(body.getAttribute("data-keepalive-url"), {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRFToken": token ? token.value : "" },
      }).then(function (response) {
        if (response.status === 204) {  // not a redirect to the log-in page
          box.hidden = true;
          schedule();
        } else {
          ended();
        }
      }, ended);
    });

    schedule();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
