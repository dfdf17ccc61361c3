// text/fragment.js: URL text fragments read and written.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");
const { parseTextDirective, encodePart, directiveFor } = load("text/fragment");

test("a directive's four parts: prefix-, start, end, -suffix", () => {
  assert.deepEqual(parseTextDirective("http://h/a/#p-x:~:text=the%20words%20before-,start,end,-after"), {
    prefix: "the words before", start: "start", end: "end", suffix: "after"
  });
  assert.deepEqual(parseTextDirective("#p-x:~:text=only%20this"), { prefix: "", start: "only this", end: "", suffix: "" });
});

test("escaped commas and dashes are part of the words, not of the syntax", () => {
  const found = parseTextDirective("#:~:text=one%2C%20two%2D3,end");
  assert.equal(found.start, "one, two-3");
  assert.equal(found.end, "end");
});

test("other directives around it, and none at all", () => {
  assert.equal(parseTextDirective("#p-x:~:foo=1&text=here&bar=2").start, "here");
  assert.equal(parseTextDirective("http://h/a/#p-x"), null);
  assert.equal(parseTextDirective("#:~:text="), null);
  assert.equal(parseTextDirective(""), null);
  assert.equal(parseTextDirective("#:~:text=%E0%A4%A").start, "%E0%A4%A"); // malformed escape kept
});

test("encoding escapes what the directive syntax reserves", () => {
  assert.equal(encodePart("a-b, c & d"), "a%2Db%2C%20c%20%26%20d");
  assert.deepEqual(parseTextDirective("#:~:text=" + encodePart("a-b, c & d")).start, "a-b, c & d");
});

test("a short quote is named whole; a long one by its first and last five words", () => {
  const article = "one two three four five six seven eight nine ten eleven twelve";
  assert.equal(directiveFor("three four five", "one two", article), "three%20four%20five");
  const long = "one two three four five six seven eight nine ten eleven twelve";
  assert.equal(directiveFor(long, "", article), "one%20two%20three%20four%20five,eight%20nine%20ten%20eleven%20twelve");
});

test("words that come earlier in the article get the three words before them as prefix", () => {
  const article = "the customer is king. we say the customer is king again.";
  const directive = directiveFor("the customer is king", "the customer is king. we say", article);
  assert.equal(directive, "king.%20we%20say-,the%20customer%20is%20king");
  // Round trip: the prefix is read back.
  const parsed = parseTextDirective("#:~:text=" + directive);
  assert.equal(parsed.prefix, "king. we say");
  assert.equal(parsed.start, "the customer is king");
});

test("the first occurrence needs no prefix", () => {
  const article = "the customer is king. we say the customer is king again.";
  assert.equal(directiveFor("The customer is king", "", article), "The%20customer%20is%20king");
});

test("a quote that opens its passage, its words found earlier, gets the three words after it as suffix", () => {
  const article = "the customer is king. we agree. the customer is king of the market.";
  const directive = directiveFor("the customer is king", "", article, "of the market.");
  assert.equal(directive, "the%20customer%20is%20king,-of%20the%20market.");
  const parsed = parseTextDirective("#:~:text=" + directive);
  assert.deepEqual(parsed, { prefix: "", start: "the customer is king", end: "", suffix: "of the market." });
  // Long quotes too: the suffix follows the end words.
  const long = "one two three four five six seven eight nine ten eleven";
  const text = long + " and then " + long + " twelve thirteen";
  assert.match(directiveFor(long, "", text, "twelve thirteen"), /,-twelve%20thirteen$/);
});

test("no suffix when the words come once, when a prefix says which, or with nothing after them", () => {
  const article = "the customer is king. we say the customer is king again.";
  assert.equal(directiveFor("we say", "the customer is king.", article, "the customer"), "we%20say");
  assert.equal(directiveFor("the customer is king", "king. we say", article, "again."),
    "king.%20we%20say-,the%20customer%20is%20king");
  assert.equal(directiveFor("the customer is king", "", article, ""), "the%20customer%20is%20king");
  assert.equal(directiveFor("the customer is king", "", article), "the%20customer%20is%20king");
});
