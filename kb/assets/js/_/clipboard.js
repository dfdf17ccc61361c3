// Copy text (and HTML, for a citation) to the clipboard.
"use strict";

// The async Clipboard API where the page is a secure context; the copy
// event elsewhere (file:// and plain http), where the API is missing.
function copy(win, text, html) {
  var clipboard = win.navigator.clipboard;
  if (clipboard && win.isSecureContext) {
    var fallback = function () { return legacyCopy(win.document, text, html); };
    if (html && win.ClipboardItem && clipboard.write) {
      var item = new win.ClipboardItem({
        "text/plain": new win.Blob([text], { type: "text/plain" }),
        "text/html": new win.Blob([html], { type: "text/html" })
      });
      return clipboard.write([item]).catch(fallback);
    }
    return clipboard.writeText(text).catch(fallback);
  }
  return legacyCopy(win.document, text, html);
}

function legacyCopy(doc, text, html) {
  return new Promise(function (resolve, reject) {
    function fill(event) {
      event.clipboardData.setData("text/plain", text);
      if (html) event.clipboardData.setData("text/html", html);
      event.preventDefault();
    }
    doc.addEventListener("copy", fill, true);
    var ok = false;
    try { ok = doc.execCommand("copy"); } catch (error) { ok = false; }
    doc.removeEventListener("copy", fill, true);
    if (ok) resolve(); else reject(new Error("copy refused"));
  });
}

module.exports = { copy: copy };
