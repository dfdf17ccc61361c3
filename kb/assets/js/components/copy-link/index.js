// Copy-link: the ¶ mark at the end of a passage (a.kb-anchor) and a
// heading's permalink (a.headerlink) copy the passage's address, put it in
// the address bar and highlight the passage; a toast confirms.
"use strict";

var dom = require("../../_/dom");
var url = require("../../_/url");
var clipboard = require("../../_/clipboard");
var flash = require("../../_/flash").flash;

var MARK = "a.kb-anchor, a.headerlink";

// next(mark, event) for each plain click on a mark inside `el`.
function watchCopyLink(el, next) {
  function click(event) {
    var mark = dom.closest(event, MARK);
    if (!mark || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    next(mark, event);
  }
  // Capture: before Material's instant navigation, which would otherwise
  // load this very page again.
  el.addEventListener("click", click, true);
  return function () { el.removeEventListener("click", click, true); };
}

// deps: win, nav (the navigation state), history (the patch's own writes),
// toast.
function mountCopyLink(el, deps) {
  var win = deps.win, doc = win.document;
  var state = { last: null };
  var unwatch = watchCopyLink(el, function (mark, event) {
    event.preventDefault();
    event.stopPropagation();
    // Instant navigation rewrites every href to an absolute address.
    var id = url.decodeId(new URL(mark.href, win.location.href).hash);
    var link = url.pageUrl(win.location.href) + "#" + url.encodeId(id);
    deps.history.replace(win.history.state, link);
    deps.nav.released = false;
    flash(doc.getElementById(id));
    mark.setAttribute("data-copied", "");
    clearTimeout(mark.kbCopiedTimer);
    mark.kbCopiedTimer = setTimeout(function () { mark.removeAttribute("data-copied"); }, 2000);
    state.last = link;
    clipboard.copy(win, link).then(function () {
      deps.toast.say("Link copied");
    }, function () {
      deps.toast.say("Copy failed: the link is in the address bar");
    });
  });
  return { ref: el, state: state, unmount: unwatch };
}

module.exports = { watchCopyLink: watchCopyLink, mountCopyLink: mountCopyLink };
