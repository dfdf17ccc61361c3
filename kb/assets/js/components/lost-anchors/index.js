// Lost anchors: a link to a passage id this page no longer has (#p-...)
// says the passage moved or was removed, and offers the page top and the
// passage whose id shares the most words with the lost one.
"use strict";

var dom = require("../../_/dom");
var url = require("../../_/url");

// The id among `ids` sharing the most words with `id` (two at least). Pure.
function closestId(id, ids) {
  var words = id.replace(/^p-/, "").split("-");
  var best = null, score = 1;
  ids.forEach(function (other) {
    var own = other.replace(/^p-/, "").split("-");
    var common = words.filter(function (word) { return own.indexOf(word) >= 0; }).length;
    if (common > score) { best = other; score = common; }
  });
  return best;
}

// What is lost and what is near it, in `article`.
function watchLostAnchor(article, id) {
  var passages = [].filter.call(article.querySelectorAll('[id^="p-"]'), function (el) {
    return !el.classList.contains("kb-alias");
  });
  var near = closestId(id, passages.map(function (el) { return el.id; }));
  return { id: id, near: near ? article.ownerDocument.getElementById(near) : null };
}

// The notice, under the page title; unmount removes it. A plain click on
// "Go to the top" calls onTop (if given) instead of following the link: the
// page is already here, and Material's instant navigation does not scroll
// on a same-page link before its first page swap (or, before its sitemap
// has arrived, lets the browser load the page again).
function mountLostAnchor(article, id, href, onTop) {
  var doc = article.ownerDocument;
  var state = watchLostAnchor(article, id);
  var box = dom.make(doc, "div", { "class": "kb-lost admonition warning", role: "status" });
  box.appendChild(dom.make(doc, "p", { "class": "admonition-title" }, "This passage moved or was removed"));
  var text = dom.make(doc, "p", null, "The link pointed to a passage (#" + id + ") that is no longer on this page. ");
  var top = dom.make(doc, "a", { href: url.pageUrl(href), "class": "kb-lost-top" }, "Go to the top of the page");
  if (onTop) {
    top.addEventListener("click", function (event) {
      if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
      event.preventDefault();
      event.stopPropagation();
      onTop(top.href);
    });
  }
  text.appendChild(top);
  if (state.near) {
    text.appendChild(doc.createTextNode(" or read the closest passage: "));
    var words = dom.cleanText(state.near).split(" ").slice(0, 12).join(" ");
    text.appendChild(dom.make(doc, "a", { href: "#" + state.near.id, "class": "kb-lost-near" }, "“" + words + " …”"));
  }
  box.appendChild(text);
  var heading = article.querySelector("h1");
  if (heading) heading.after(box); else article.prepend(box);
  return { ref: box, state: state, unmount: function () { box.remove(); } };
}

module.exports = { closestId: closestId, watchLostAnchor: watchLostAnchor, mountLostAnchor: mountLostAnchor };
