// components/highlight: only whole words stay highlighted.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page } = require("./helpers");
const { keepWholeWords } = load("components/highlight");

const HTML = '<html><body><article><p>The <mark data-md-highlight>net</mark> promoter, the inter<mark data-md-highlight>net</mark>, <mark data-md-highlight>net</mark>work and «<mark data-md-highlight>net</mark>» 2<mark data-md-highlight>net</mark>.</p><p><mark>net</mark>work (not a search mark)</p></article></body></html>';

test("marks inside a longer word are taken off, whole words keep theirs", () => {
  const { document } = page(HTML);
  const removed = keepWholeWords(document);
  assert.equal(removed, 3);
  const kept = [...document.querySelectorAll("mark[data-md-highlight]")].map((m) => m.parentNode.textContent);
  assert.equal(kept.length, 2, "'The net promoter' and '«net»'");
  assert.equal(document.querySelector("p").textContent, "The net promoter, the internet, network and «net» 2net.");
  assert.equal(document.querySelectorAll("mark:not([data-md-highlight])").length, 1, "other marks are left alone");
});

test("a page with no highlight is left as it is", () => {
  const { document } = page("<html><body><p>Internet</p></body></html>");
  assert.equal(keepWholeWords(document), 0);
});
