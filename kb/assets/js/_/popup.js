// Overlays next to what they are about (previews, definitions, labels, the
// quote toolbar): absolutely placed outside the page flow, so showing one
// never moves the text (no layout shift).
"use strict";

var dom = require("./dom");

// Where a box of `size` goes next to `rect` (the thing it is about), in
// viewport pixels: below it, or above when there is no room below and room
// above (under the header); never past either side. Pure.
function placement(rect, size, view) {
  var gap = view.gap == null ? 6 : view.gap;
  var width = Math.min(size.width, view.width - 16);
  var top = rect.bottom + gap;
  if (top + size.height > view.height && rect.top - size.height - gap > view.header) {
    top = rect.top - size.height - gap;
  }
  var left = Math.min(Math.max(8, rect.left), view.width - width - 8);
  return { top: top, left: left };
}

// Place `box` next to element `host`, in document coordinates.
function place(box, host, gap) {
  var doc = host.ownerDocument, win = doc.defaultView;
  var spot = placement(host.getBoundingClientRect(), { width: box.offsetWidth, height: box.offsetHeight }, {
    width: doc.documentElement.clientWidth, height: win.innerHeight, header: dom.headerBottom(doc), gap: gap
  });
  box.style.top = (spot.top + win.scrollY) + "px";
  box.style.left = (spot.left + win.scrollX) + "px";
}

// The page's one box with this id, made on first use.
function box(doc, id, attrs) {
  var el = doc.getElementById(id);
  if (!el) {
    el = dom.make(doc, "div", Object.assign({ id: id }, attrs));
    doc.body.appendChild(el);
  }
  return el;
}

// The box with this id hidden (it stays in the page for the next time).
function hide(doc, id) {
  var el = doc.getElementById(id);
  if (el) el.removeAttribute("data-visible");
}

// Add (or take away) an overlay's id in `el`'s aria-describedby, keeping
// whatever else describes it (an editors' link keeps its note).
function describedBy(el, id, add) {
  var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (x) { return x && x !== id; });
  if (add) ids.push(id);
  if (ids.length) el.setAttribute("aria-describedby", ids.join(" "));
  else el.removeAttribute("aria-describedby");
}

module.exports = { placement: placement, place: place, box: box, hide: hide, describedBy: describedBy };
