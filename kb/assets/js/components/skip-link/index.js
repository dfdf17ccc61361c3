// The skip link ("Skip to content", the first stop of the Tab key) goes to
// the start of the article, its title, on every page (the build points it
// there: kb/navigation.py), and moves the keyboard focus there too, so the
// next Tab continues in the text. The address bar keeps the page's URL.
"use strict";

var dom = require("../../_/dom");
var url = require("../../_/url");

// next(target, event) for each activation of the skip link.
function watchSkipLink(doc, next) {
  function click(event) {
    var link = dom.closest(event, "a.md-skip");
    if (!link) return;
    // Instant navigation rewrites every href to an absolute address.
    var id = url.decodeId(new URL(link.href, doc.baseURI).hash);
    var target = id && doc.getElementById(id);
    if (target) next(target, event);
  }
  // Capture: before instant navigation takes the click for a page change.
  doc.addEventListener("click", click, true);
  return function () { doc.removeEventListener("click", click, true); };
}

function mountSkipLink(doc) {
  var win = doc.defaultView;
  var state = { target: null };
  var unwatch = watchSkipLink(doc, function (target, event) {
    event.preventDefault();
    event.stopPropagation();
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    var top = target.getBoundingClientRect().top + win.scrollY - dom.headerBottom(doc) - 8;
    win.scrollTo(win.scrollX, Math.max(0, top));
    state.target = target;
  });
  return { ref: doc, state: state, unmount: unwatch };
}

module.exports = { watchSkipLink: watchSkipLink, mountSkipLink: mountSkipLink };
