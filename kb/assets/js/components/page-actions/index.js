// Page actions: "Copy page as Markdown" at the top of an article copies the
// article's Markdown twin (the author's text, its attribution and the
// permanent link of every passage; kb/assistants.py writes it beside the
// page as index.md) to the clipboard, for pasting into a chat with an
// assistant or a colleague. A toast says whether it worked.
"use strict";

var dom = require("../../_/dom");
var clipboard = require("../../_/clipboard");

var BUTTON = "button.kb-copy-markdown";

// next(button, event) for each click on a copy button inside `el`.
function watchPageActions(el, next) {
  function click(event) {
    var button = dom.closest(event, BUTTON);
    if (button) next(button, event);
  }
  el.addEventListener("click", click);
  return function () { el.removeEventListener("click", click); };
}

// The twin's address, from the button's data-kb-markdown (relative to the page).
function markdownUrl(button, pageHref) {
  return new URL(button.getAttribute("data-kb-markdown") || "index.md", pageHref).href;
}

// The twin's text, copied: the clipboard is asked inside the click, with
// the text still to come (a ClipboardItem holding a promise), as browsers
// that allow a copy only during a click require; else copied once fetched.
function copyFetched(win, address) {
  var text = win.fetch(address).then(function (response) {
    if (!response.ok) throw new Error("HTTP " + response.status);
    return response.text();
  });
  var api = win.navigator.clipboard;
  if (api && api.write && win.ClipboardItem && win.isSecureContext) {
    var blob = text.then(function (t) { return new win.Blob([t], { type: "text/plain" }); });
    return api.write([new win.ClipboardItem({ "text/plain": blob })]).then(function () { return text; }, function () {
      return text.then(function (t) { return clipboard.copy(win, t).then(function () { return t; }); });
    });
  }
  return text.then(function (t) { return clipboard.copy(win, t).then(function () { return t; }); });
}

// deps: win, toast. The twin is fetched on click, never before: a page
// that is only read downloads nothing more. From file:// (the offline
// edition) a page cannot fetch another file: there the button is hidden and
// the link beside it opens the Markdown.
function mountPageActions(el, deps) {
  var win = deps.win;
  var state = { copying: null, last: null };
  if (win.location.protocol === "file:") win.document.documentElement.setAttribute("data-kb-file", "");
  var unwatch = watchPageActions(el, function (button, event) {
    event.preventDefault();
    if (state.copying) return;
    button.setAttribute("aria-busy", "true");
    state.copying = copyFetched(win, markdownUrl(button, win.location.href)).then(function (text) {
      state.last = text;
      deps.toast.say("Page copied as Markdown");
    }, function () {
      deps.toast.say("Copy failed: open the Markdown with the button beside it");
    }).then(function () {
      button.removeAttribute("aria-busy");
      state.copying = null;
    });
  });
  return { ref: el, state: state, unmount: unwatch };
}

// The head's <link rel="alternate" type="text/markdown"> (for readers of
// the HTML: crawlers, assistants). Instant navigation keeps the first page's
// <head> and does not carry this link over (its rel is written " alternate":
// see overrides/main.html), so after each page swapped in it is set to the
// page shown, or removed where the page has no twin.
function syncHeadLink(doc) {
  var link = doc.querySelector('link[type="text/markdown"]');
  var view = doc.querySelector("a.kb-view-markdown[href]");
  if (!view) {
    if (link) link.remove();
    return null;
  }
  if (!link) {
    link = doc.createElement("link");
    link.setAttribute("rel", " alternate");
    link.setAttribute("type", "text/markdown");
    link.setAttribute("title", "This article as Markdown");
    doc.head.appendChild(link);
  }
  link.setAttribute("href", view.href);
  return link;
}

module.exports = {
  watchPageActions: watchPageActions, mountPageActions: mountPageActions, markdownUrl: markdownUrl, syncHeadLink: syncHeadLink
};
