// Why this patch must exist: the disciplines diagram opens enlarged in
// mkdocs-glightbox's lightbox, and its nodes are links to sections of the
// page under it. A node followed inside the lightbox must close it, or the
// section it links to stays hidden behind the lightbox. glightbox offers no
// option for this; its instance is the page's `const lightbox`, declared by
// the plugin's inline script (a global binding, not a property of window).
"use strict";

function pageLightbox() {
  return typeof lightbox !== "undefined" ? lightbox : null; // eslint-disable-line no-undef
}

function patchLightbox(doc, find) {
  find = find || pageLightbox;
  doc.addEventListener("click", function (event) {
    var node = event.target.closest && event.target.closest(".glightbox-container a");
    var open = node && find();
    if (open && typeof open.close === "function") open.close();
  });
}

module.exports = { patchLightbox: patchLightbox };
