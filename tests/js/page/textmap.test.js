// text/textmap.js: the visible text of a passage, mapped back to the DOM.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, article } = require("./helpers");
const { buildTextMap, findInMap, textMapOf } = load("text/textmap");

test("white space is folded to one space and trimmed at the start; each kept character has its point", () => {
  const a = { name: "a" }, b = { name: "b" };
  const map = buildTextMap([[a, "  Hello,\n  big "], [b, "  World "]]);
  assert.equal(map.text, "Hello, big World ");
  assert.equal(map.lower, "hello, big world ");
  assert.equal(map.points.length, map.text.length);
  assert.deepEqual(map.points[0], [a, 2]); // "H"
  assert.deepEqual(map.points[map.text.indexOf("W")], [b, 2]);
});

test("a directive is found case-blind, from its start words to its end words", () => {
  const map = buildTextMap([[{}, "One two three. Four five six. Seven eight."]]);
  assert.deepEqual(findInMap(map, { start: "four FIVE", end: "", prefix: "" }), [15, 24]);
  const [from, to] = findInMap(map, { start: "two", end: "eight", prefix: "" });
  assert.equal(map.text.slice(from, to), "two three. Four five six. Seven eight");
});

test("a prefix picks the occurrence it precedes; white space in the directive does not matter", () => {
  const map = buildTextMap([[{}, "the king said. then the  king  said again"]]);
  const [from] = findInMap(map, { start: "the king", end: "", prefix: "said. then" });
  assert.equal(from, map.text.lastIndexOf("the king"));
  assert.equal(findInMap(map, { start: " the   king ", end: "", prefix: "" })[0], 0);
});

test("a suffix picks the occurrence it follows", () => {
  const map = buildTextMap([[{}, "The customer matters. Then the  customer  wins again"]]);
  const [from, to] = findInMap(map, { start: "the customer", end: "", prefix: "", suffix: "wins  again" });
  assert.equal(from, map.text.lastIndexOf("the customer"));
  assert.equal(map.text.slice(from, to), "the customer");
  assert.equal(findInMap(map, { start: "the customer", end: "", prefix: "", suffix: "loses" }), null);
});

test("what is not there is not found", () => {
  const map = buildTextMap([[{}, "alpha beta"]]);
  assert.equal(findInMap(map, { start: "gamma", end: "", prefix: "" }), null);
  assert.equal(findInMap(map, { start: "alpha", end: "gamma", prefix: "" }), null);
  assert.equal(findInMap(map, { start: "beta", end: "", prefix: "zeta" }), null);
  assert.equal(findInMap(map, { start: "", end: "", prefix: "" }), null);
});

test("a built passage's text leaves out link marks, badges and hidden text", () => {
  const { document } = article();
  const passage = [...document.querySelectorAll("p[id]")].find((p) => p.querySelector(".kb-disciplines"));
  assert.ok(passage, "the fixture has a passage with a discipline badge");
  const map = textMapOf(passage);
  const badges = passage.querySelector(".kb-disciplines").textContent.trim();
  assert.ok(badges && !map.text.includes(badges), badges);
  assert.ok(!map.text.includes("¶"));
  assert.ok(map.text.startsWith(passage.textContent.trim().slice(0, 20)));
});

test("an alias span and [hidden] text are not quoted", () => {
  const { document } = page('<p id="p-a"><span class="kb-alias" id="p-old">old</span>Kept <span hidden>gone</span>words</p>');
  assert.equal(textMapOf(document.getElementById("p-a")).text, "Kept words");
});
