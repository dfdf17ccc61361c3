// DOM helpers shared by the components. No state: every function works on
// what it is given (a document, an element), so the tests can hand it a
// document parsed outside the browser.
"use strict";

// A passage: every paragraph and list item with an id (given at build time).
var PASSAGE = "p[id], li[id]";
// Decorations that are not the authors' words: link marks, badges, aliases,
// a footnote's number and its way back (kb/passages.py, NOT_TEXT).
var SKIP_TEXT = ".kb-anchor, .kb-expansions, .kb-disciplines, .kb-alias, .headerlink, .footnote-ref, " +
  ".footnote-backref, [hidden]";

function make(doc, tag, attrs, text) {
  var el = doc.createElement(tag);
  Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
  if (text != null) el.textContent = text;
  return el;
}

function squash(text) {
  return String(text || "").replace(/\s+/g, " ").trim();
}

// Visible text of a passage or a preview, without link marks and badges.
function cleanText(el) {
  var copy = el.cloneNode(true);
  copy.querySelectorAll(SKIP_TEXT).forEach(function (node) { node.remove(); });
  return squash(copy.textContent);
}

// The article of the page shown (Material's content element).
function articleOf(doc) {
  return doc.querySelector(".md-content__inner") || doc.body;
}

// Where the sticky header ends, in viewport pixels.
function headerBottom(doc) {
  var header = doc.querySelector(".md-header");
  return header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
}

// The element a fragment names: an alias span lands on its passage.
function targetFor(scope, id) {
  if (!id) return null;
  var el = scope.getElementById
    ? scope.getElementById(id)
    : scope.querySelector('[id="' + id.replace(/["\\]/g, "\\$&") + '"]');
  if (el && el.classList.contains("kb-alias")) el = el.parentElement.closest("[id]") || el.parentElement;
  return el;
}

// Title, author and themes of an article (this page or a fetched one).
function articleMeta(scope) {
  var h1 = scope.querySelector(".md-content__inner h1") || scope.querySelector("h1");
  var author = scope.querySelector(".kb-article-header .kb-author") || scope.querySelector(".kb-author");
  var themes = [].map.call(scope.querySelectorAll(".kb-article-header .kb-chip"),
                           function (chip) { return squash(chip.textContent); });
  return {
    title: h1 ? cleanText(h1) : squash((scope.title || "").split(" - ")[0]),
    author: author ? squash(author.textContent) : "",
    themes: themes
  };
}

// The closest element matching `selector` from an event's target, if any.
function closest(event, selector) {
  var target = event.target;
  return target && target.closest ? target.closest(selector) : null;
}

module.exports = {
  PASSAGE: PASSAGE,
  SKIP_TEXT: SKIP_TEXT,
  make: make,
  squash: squash,
  cleanText: cleanText,
  articleOf: articleOf,
  headerBottom: headerBottom,
  targetFor: targetFor,
  articleMeta: articleMeta,
  closest: closest
};
