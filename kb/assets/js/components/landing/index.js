// Landing on a fragment: any link to page/#id, followed inside the site
// (instant navigation), opened cold, or come back to with Back/Forward,
// leaves exactly that URL in the address bar and history, puts the passage
// below the sticky header, highlights it, marks its section in the table of
// contents, and gives it a lasting [data-kb-landed] attribute (<html> gets
// the landed URL in its own [data-kb-landed]: the tests wait for both).
// A text fragment (#p-id:~:text=...) highlights the quoted words too. Why
// this needs care: patches/history.js.
"use strict";

var dom = require("../../_/dom");
var url = require("../../_/url");
var material = require("../../_/material");
var flash = require("../../_/flash").flash;
var fragment = require("../../text/fragment");
var textmap = require("../../text/textmap");
var align = require("./align");
var lostAnchors = require("../lost-anchors");
var toc = require("../toc");

// The :~:text= directive of this landing, if any. Chromium hides it from
// location, but the navigation entry of a cold load keeps it.
function textDirective(win, first) {
  var href = win.location.href;
  var raw = href.indexOf(":~:") >= 0 ? href : "";
  var timing = win.performance;
  if (!raw && first && timing && timing.getEntriesByType) {
    var entry = timing.getEntriesByType("navigation")[0];
    if (entry && entry.name.indexOf(":~:") >= 0 && url.pageUrl(entry.name) === url.pageUrl(href) &&
        url.decodeId(new URL(entry.name).hash) === url.decodeId(win.location.hash)) raw = entry.name;
  }
  return fragment.parseTextDirective(raw);
}

function highlightQuote(win, range, passage) {
  if (win.CSS && win.CSS.highlights && win.Highlight) {
    win.CSS.highlights.set("kb-quote", new win.Highlight(range));
  } else if (range.startContainer === range.endContainer) {
    range.surroundContents(dom.make(win.document, "mark", { "class": "kb-quote" }));
  }
  (passage || range.commonAncestorContainer.parentElement).setAttribute("data-kb-quote", dom.squash(range.toString()));
}

// next(kind, url): "navigate" when Material follows or restores a URL
// (before it fetches), "hash" on a fragment change, "page" for the first
// page and each page swapped in.
function watchLanding(win, next) {
  function hash() { next("hash"); }
  var offLocation = material.watchLocation(win, function (followed) { next("navigate", followed); });
  win.addEventListener("hashchange", hash);
  var offDocument = material.watchDocument(win, function () { next("page"); });
  return function () {
    offLocation();
    offDocument();
    win.removeEventListener("hashchange", hash);
  };
}

// deps: win, nav (navigation state), history (the patch's own writes).
function mountLanding(win, deps) {
  var doc = win.document, root = doc.documentElement, nav = deps.nav;
  var state = { landed: null, follow: null, lost: null, first: true, shown: win.location.pathname };

  function clear() {
    if (state.landed) state.landed.removeAttribute("data-kb-landed");
    state.landed = null;
    if (state.follow) state.follow.disconnect();
    state.follow = null;
    if (state.lost) state.lost.unmount();
    state.lost = null;
    root.removeAttribute("data-kb-lost");
    doc.querySelectorAll("[data-kb-quote]").forEach(function (el) { el.removeAttribute("data-kb-quote"); });
    if (win.CSS && win.CSS.highlights) win.CSS.highlights.delete("kb-quote");
    root.removeAttribute("data-kb-landed");
  }

  function land(first) {
    var token = ++nav.token;
    var href = win.location.href;
    clear();
    nav.pending = true;
    var restore = !!(win.history.state && typeof win.history.state.y === "number");
    var id = url.decodeId(win.location.hash);
    var article = dom.articleOf(doc);
    var target = dom.targetFor(doc, id);
    var directive = textDirective(win, first);
    var range = null;
    if (directive) {
      range = (target && textmap.findQuote(target, directive)) || textmap.findQuote(article, directive);
      if (range && !target) target = range.startContainer.parentElement.closest(dom.PASSAGE);
    }

    function done() {
      if (token !== nav.token) return;
      nav.pending = false;
      nav.pin = win.location.href;
      if (target && !restore) deps.history.recordOffset();
      if (target) {
        state.landed = target;
        target.setAttribute("data-kb-landed", restore ? "restored" : "");
        doc.querySelectorAll(".md-nav--secondary").forEach(function (list) { toc.mountTableOfContents(list, target); });
        if (!restore) state.follow = align.keepInPlace(win, nav, token, target, range, article);
      }
      root.setAttribute("data-kb-landed", href);
    }

    if (!id && !range) return done();
    if (!target) {
      if (id.indexOf("__") === 0) return done(); // Material's own (__drawer, __search, ...)
      state.lost = lostAnchors.mountLostAnchor(article, id, win.location.href, toTop);
      var top = state.lost.ref.getBoundingClientRect().top + win.scrollY - dom.headerBottom(doc) - 16;
      win.scrollTo(win.scrollX, Math.max(0, top));
      root.setAttribute("data-kb-lost", id);
      return done();
    }
    if (range) highlightQuote(win, range, target.matches(dom.PASSAGE) ? target : null);
    if (restore) {
      // Back/Forward: Material restores the reader's offset; keep it.
      win.requestAnimationFrame(function () { win.requestAnimationFrame(done); });
      return;
    }
    flash(target);
    align.settle(win, nav, token, target, range, done);
  }

  // "Go to the top" on a lost-anchor notice: a new history entry for the
  // page without the fragment (Back returns to the notice), landed on like
  // any other, at the top.
  function toTop(pageHref) {
    win.history.pushState(null, "", pageHref);
    nav.released = false;
    land(false);
    win.scrollTo(win.scrollX, 0);
    deps.history.recordOffset();
  }

  var unwatch = watchLanding(win, function (kind, followed) {
    if (kind === "navigate") {
      // From now on, history writes by others are held back. A URL on another
      // page lands once Material has swapped that page in ("page"); one on the
      // page shown lands right after Material's own scroll. (Material may
      // emit the same URL twice before the new page is in.)
      nav.token += 1; // cancels a landing in progress
      nav.pending = true;
      nav.released = false;
      nav.pin = win.location.href;
      root.removeAttribute("data-kb-landed");
      if (followed.pathname === state.shown) {
        var token = nav.token;
        setTimeout(function () { if (token === nav.token) land(false); }, 0);
      }
    } else if (kind === "hash") {
      if (nav.pending && nav.pin === win.location.href) return; // Material's own
      nav.released = false;
      nav.pin = win.location.href;
      land(false);
    } else {
      state.shown = win.location.pathname;
      land(state.first);
      state.first = false;
    }
  });
  return { ref: doc, state: state, unmount: unwatch };
}

module.exports = { textDirective: textDirective, watchLanding: watchLanding, mountLanding: mountLanding };
