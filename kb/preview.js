/* mkdocs serve only (kb/preview.py): reload the page when a newer build of
   the site is ready. The same protocol as MkDocs' own reload script
   (mkdocs/livereload), from a same-origin file instead of an inline script,
   so a Content-Security-Policy without 'unsafe-inline' keeps it working.
   The server answers /livereload/EPOCH/ID with the newest build's epoch as
   soon as it is newer than EPOCH (or after a minute with the same one). */
(function () {
  "use strict";
  var me = document.currentScript;
  var epoch = parseFloat(me.getAttribute("data-epoch")) || 0;
  var id = me.getAttribute("data-request") || "0";
  var request = null;
  var timer = null;

  function poll() {
    stop();
    request = new XMLHttpRequest();
    request.onloadend = function () {
      if (parseFloat(this.responseText) > epoch) {
        location.reload();
      } else {
        timer = setTimeout(poll, this.status === 200 ? 0 : 3000);
      }
    };
    request.open("GET", "/livereload/" + epoch + "/" + id);
    request.send();
  }

  function stop() {
    if (request) request.abort();
    if (timer) clearTimeout(timer);
    request = timer = null;
  }

  function whenVisible() {
    if (document.visibilityState === "visible") poll();
    else stop();
  }

  if (document.readyState === "complete") whenVisible();
  else window.addEventListener("load", whenVisible);
  document.addEventListener("visibilitychange", whenVisible);
  window.addEventListener("beforeunload", stop);
})();
