// Words: the same splitting and stemming the build keys the index with
// (kb/search_text.py; tests/test_search_index.py compares the two on real text).
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const W = require("../../../kb/assets/search/words.js");

test("British spellings are folded into American ones", () => {
  assert.equal(W.american("organisation"), W.american("organization"));
  assert.equal(W.american("colour"), "color");
  assert.equal(W.american("behaviour"), "behavior");
});

test("word endings share a stem", () => {
  assert.equal(W.stem("measuring"), W.stem("measure"));
  assert.equal(W.stem("measured"), W.stem("measures"));
  assert.notEqual(W.stem("internet"), W.stem("net"));
});

test("words keep their offsets in the original text, accents folded one for one", () => {
  const text = "Café touch-points, DaveLewan.com";
  const list = W.words(text);
  const plain = W.plain(list).map((x) => [x.w, text.slice(x.start, x.end)]);
  assert.deepEqual(plain, [["cafe", "Café"], ["touch", "touch"], ["points", "points"], ["davelewan", "DaveLewan"], ["com", "com"]]);
  assert.ok(list.some((x) => x.joined && x.w === "touchpoints"));
});

test("one edit apart, and not two", () => {
  assert.ok(W.editDistanceOne("measure", "meausre"));
  assert.ok(W.editDistanceOne("measure", "measur"));
  assert.ok(!W.editDistanceOne("measure", "pleasures"));
  assert.ok(!W.editDistanceOne("measure", "measure"));
});

test("bad input: nothing to split gives no words", () => {
  assert.deepEqual(W.words(""), []);
  assert.deepEqual(W.words("?!… — ,;:"), []);
  assert.deepEqual(W.words(undefined).map((x) => x.w), ["undefined"]);  // String(value): never a throw
});
