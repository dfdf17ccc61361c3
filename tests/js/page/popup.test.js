// _/popup.js: where an overlay goes next to what it is about.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page } = require("./helpers");
const popup = load("_/popup");

const VIEW = { width: 400, height: 800, header: 56 };

test("below the host, aligned with its left edge", () => {
  assert.deepEqual(popup.placement({ top: 100, bottom: 120, left: 30 }, { width: 200, height: 100 }, VIEW), { top: 126, left: 30 });
});

test("above when there is no room below and room above the header", () => {
  const spot = popup.placement({ top: 700, bottom: 720, left: 30 }, { width: 200, height: 150 }, VIEW);
  assert.equal(spot.top, 700 - 150 - 6);
  // No room above either (the header): it stays below.
  assert.equal(popup.placement({ top: 100, bottom: 720, left: 30 }, { width: 200, height: 150 }, VIEW).top, 726);
});

test("never past either side of the viewport, even when wider than it", () => {
  assert.equal(popup.placement({ top: 0, bottom: 10, left: 350 }, { width: 200, height: 10 }, VIEW).left, 192);
  assert.equal(popup.placement({ top: 0, bottom: 10, left: -40 }, { width: 200, height: 10 }, VIEW).left, 8);
  assert.equal(popup.placement({ top: 0, bottom: 10, left: 100 }, { width: 900, height: 10 }, VIEW).left, 8);
});

test("one box per id, made on first use, at the end of the body", () => {
  const { document } = page("<body><p>x</p></body>");
  const a = popup.box(document, "kb-x", { "class": "kb-tip", role: "tooltip" });
  const b = popup.box(document, "kb-x", { "class": "other" });
  assert.equal(a, b);
  assert.equal(document.body.lastElementChild, a);
  assert.equal(a.getAttribute("role"), "tooltip");
});

test("describedBy adds and takes away one id, keeping the others", () => {
  const { document } = page('<a id="a" aria-describedby="kb-editorial-note">x</a><a id="b">y</a>');
  const a = document.getElementById("a"), b = document.getElementById("b");
  popup.describedBy(a, "kb-tip", true);
  popup.describedBy(a, "kb-tip", true);
  assert.equal(a.getAttribute("aria-describedby"), "kb-editorial-note kb-tip");
  popup.describedBy(a, "kb-tip", false);
  assert.equal(a.getAttribute("aria-describedby"), "kb-editorial-note");
  popup.describedBy(b, "kb-preview", true);
  popup.describedBy(b, "kb-preview", false);
  assert.equal(b.hasAttribute("aria-describedby"), false);
});
