// Quote links: selecting words of an article offers "Copy link to quote" (a
// URL text fragment anchored to the passage id, page/#p-id:~:text=..., so
// browsers without text fragments still land on the paragraph) and "Copy
// quote with citation" (quote, author, article and link, as text and HTML).
"use strict";

var dom = require("../../_/dom");
var url = require("../../_/url");
var clipboard = require("../../_/clipboard");
var fragment = require("../../text/fragment");
var textmap = require("../../text/textmap");
var citation = require("./citation").citation;

var BAR = "kb-quotebar";
// Not a passage of this article: its header, what it quotes of other pages, menus.
var NOT_QUOTED = [".kb-article-header", dom.COPIES, "nav"].join(", ");

function startElement(range) {
  var node = range.startContainer;
  return node.nodeType === 1 ? node : node.parentElement;
}

// The selection, when it starts in a passage of the article's own text.
function selectionInArticle(win) {
  var selection = win.getSelection();
  if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
  var range = selection.getRangeAt(0);
  var start = startElement(range);
  var passage = start && start.closest(dom.PASSAGE);
  if (!passage || !passage.closest(".md-content__inner") || passage.closest(NOT_QUOTED)) return null;
  return dom.squash(range.toString()) ? range : null;
}

// The selected words as {text, url, passage}, or null.
function quoteOf(win, range) {
  var passage = startElement(range).closest(dom.PASSAGE);
  if (!passage) return null;
  var article = dom.articleOf(win.document);
  var map = textmap.textMapOf(passage.contains(range.endContainer) ? passage : article);
  var from = -1, to = -1;
  map.points.forEach(function (point, i) {
    var inside = range.isPointInRange(point[0], point[1]) &&
                 !(point[0] === range.endContainer && point[1] >= range.endOffset);
    if (inside) { if (from < 0) from = i; to = i + 1; }
  });
  if (from < 0) return null;
  var text = dom.squash(map.text.slice(from, to));
  if (!text) return null;
  var before = dom.squash(map.text.slice(0, from));
  var after = dom.squash(map.text.slice(to)); // a suffix for a quote that opens its passage
  var directive = fragment.directiveFor(text, before, textmap.textMapOf(article).lower, after);
  return { text: text, url: url.pageUrl(win.location.href) + "#" + passage.id + ":~:text=" + directive, passage: passage };
}

// next(kind): "select" (the selection changed, after a pause), "close"
// (Escape); "copy" with the button pressed.
function watchQuoteLinks(doc, deps, next) {
  var state = { timer: 0 };
  function selection() {
    clearTimeout(state.timer);
    var bar = doc.getElementById(BAR);
    if (bar && bar.contains(doc.activeElement)) return;
    state.timer = setTimeout(function () { next("select"); }, deps.pointer.type === "touch" ? 350 : 150);
  }
  function key(event) { if (event.key === "Escape") next("close"); }
  doc.addEventListener("selectionchange", selection);
  doc.addEventListener("keydown", key);
  return function () {
    clearTimeout(state.timer);
    doc.removeEventListener("selectionchange", selection);
    doc.removeEventListener("keydown", key);
  };
}

function mountQuoteLinks(doc, deps) {
  var win = doc.defaultView;
  var state = { range: null, copied: null };

  function bar() {
    var el = doc.getElementById(BAR);
    if (el) return el;
    el = dom.make(doc, "div", { id: BAR, "class": "kb-quotebar", role: "toolbar", "aria-label": "Quote" });
    el.appendChild(dom.make(doc, "button", { type: "button", "data-action": "link" }, "Copy link to quote"));
    el.appendChild(dom.make(doc, "button", { type: "button", "data-action": "cite" }, "Copy quote with citation"));
    el.addEventListener("mousedown", function (event) { event.preventDefault(); }); // keep the selection
    el.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (button && state.range) copy(button.getAttribute("data-action"));
    });
    doc.body.appendChild(el);
    return el;
  }

  function copy(action) {
    var quote = quoteOf(win, state.range);
    if (!quote) return hide();
    var said = action === "link" ? "Link to quote copied" : "Quote with citation copied";
    var cite = action === "link" ? { text: quote.url } : citation(quote, dom.articleMeta(doc));
    clipboard.copy(win, cite.text, cite.html).then(function () { deps.toast.say(said); },
                                                   function () { deps.toast.say("Copy failed"); });
    state.copied = action;
    doc.getElementById(BAR).setAttribute("data-copied", action);
    hide();
  }

  function hide() {
    var el = doc.getElementById(BAR);
    if (el) el.removeAttribute("data-visible");
    state.range = null;
  }

  // Above the selection; below it on touch screens (the system menu is
  // above) or when the header is in the way. Never over the selected words.
  function show() {
    var range = selectionInArticle(win);
    if (!range) return hide();
    state.range = range.cloneRange();
    var el = bar();
    el.setAttribute("data-visible", "");
    var rects = range.getClientRects();
    var first = rects[0] || range.getBoundingClientRect();
    var last = rects[rects.length - 1] || first;
    var touch = deps.pointer.type === "touch";
    var top = first.top - el.offsetHeight - 8;
    if (touch || top < dom.headerBottom(doc) + 4) top = last.bottom + 8;
    var width = doc.documentElement.clientWidth;
    var left = Math.min(Math.max(8, touch ? last.left : first.left), width - el.offsetWidth - 8);
    el.style.top = (top + win.scrollY) + "px";
    el.style.left = (left + win.scrollX) + "px";
  }

  var unwatch = watchQuoteLinks(doc, deps, function (kind) {
    if (kind === "select") show(); else hide();
  });
  show(); // a selection made before this script came (see _/later.js)
  return { ref: doc, state: state, unmount: function () { unwatch(); hide(); } };
}

module.exports = { quoteOf: quoteOf, watchQuoteLinks: watchQuoteLinks, mountQuoteLinks: mountQuoteLinks };
