// kubectl-claude dashboard: the only script. It refreshes the Status view's body in place
// (every page reads fine without it). Served as a file: the CSP allows no inline script.
"use strict";
(function () {
  var el = document.getElementById("status-body");
  if (!el || !window.fetch) return;
  var url = el.getAttribute("data-refresh");
  function tick() {
    fetch(url, { credentials: "same-origin", redirect: "manual" })
      .then(function (r) {
        if (r.status !== 200) throw new Error("stop");
        return r.text();
      })
      .then(function (html) {
        // The server escapes every cluster string; this HTML is its own rendering.
        el.innerHTML = html;
        setTimeout(tick, 15000);
      })
      .catch(function () { /* signed out or unreachable: stop refreshing */ });
  }
  setTimeout(tick, 15000);
})();
