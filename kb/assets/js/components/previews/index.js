// Passage previews: hovering or focusing a link to another article's
// passage shows that passage, its article, author and themes, without
// leaving the page. Each page is fetched on first use and kept.
"use strict";

var dom = require("../../_/dom");
var url = require("../../_/url");
var popup = require("../../_/popup");
var hover = require("../../_/hover");
var extract = require("./extract");

var BOX = "kb-preview";

// next("open", link, how) / next("close", link), when the reader rests on,
// focuses or leaves a previewable link (_/hover.js).
function watchPreviews(doc, next) {
  var win = doc.defaultView;
  return hover.watchHover(doc, {
    box: BOX,
    delay: 250,
    host: function (node) {
      var link = node && node.closest ? node.closest("a[href]") : null;
      return link && extract.previewable(link, win.location.href) ? link : null;
    }
  }, next);
}

function mountPreviews(doc, deps) {
  var win = doc.defaultView;
  var state = { pages: {}, link: null };

  function fetchPage(address) {
    if (!state.pages[address]) {
      state.pages[address] = win.fetch(address, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(String(response.status));
        return response.text();
      }).then(function (html) {
        return new win.DOMParser().parseFromString(html, "text/html");
      });
      state.pages[address].catch(function () { delete state.pages[address]; });
    }
    return state.pages[address];
  }

  function show(link) {
    var target = new URL(link.href, win.location.href);
    state.link = link;
    fetchPage(url.pageUrl(target.href)).then(function (page) {
      if (state.link !== link) return;
      var preview = extract.previewOf(page, url.decodeId(target.hash));
      if (!preview) return;
      var box = popup.box(doc, BOX, { "class": "kb-preview", role: "tooltip" });
      box.textContent = "";
      box.setAttribute("aria-label", "Preview: " + preview.title);
      box.appendChild(dom.make(doc, "p", { "class": "kb-preview-title" }, preview.title));
      if (preview.byline) box.appendChild(dom.make(doc, "p", { "class": "kb-preview-meta" }, preview.byline));
      box.appendChild(dom.make(doc, "blockquote", { "class": "kb-preview-text" }, preview.text));
      popup.describedBy(link, BOX, true);
      box.setAttribute("data-visible", "");
      box.setAttribute("data-for", link.href);
      popup.place(box, link);
    }, function () { /* offline or gone: no preview, no noise */ });
  }

  function hide(link) {
    if (link) popup.describedBy(link, BOX, false);
    if (state.link === link) state.link = null;
    popup.hide(doc, BOX);
  }

  var watch = watchPreviews(doc, function (kind, link) {
    if (kind === "open") show(link); else hide(link);
  });
  watch.replay(deps.pointer);
  return { ref: doc, state: state, unmount: watch.unwatch };
}

module.exports = { watchPreviews: watchPreviews, mountPreviews: mountPreviews };
