// Filters and clauses, before the index is consulted.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const Q = require("../../../kb/assets/search/query.js");

const table = Q.synonymTable([["Net Promoter Score", "NPS", "net promoter"], ["touchpoint", "touch point"]]);

test("filters are read, reported, and each can be taken off the query", () => {
  const parsed = Q.parseFilters('theme:journey author:"Dave Lewan" customer discipline:Connect');
  assert.deepEqual(parsed.filters, { theme: "journey", author: "dave lewan", discipline: "connect" });
  assert.equal(parsed.rest.trim().replace(/\s+/g, " "), "customer");
  const theme = parsed.list.find((f) => f.key === "theme");
  assert.equal(theme.query, 'author:"Dave Lewan" customer discipline:Connect');
});

test("a glossary term typed in any spelling is one clause", () => {
  const clauses = Q.skeleton("net promoter score survey", table.synonyms, table.groups);
  assert.equal(clauses.length, 2);
  assert.equal(clauses[0].term, 0);
  assert.deepEqual(clauses[1].spellings, [[{ word: "survey", last: true }]]);
  assert.equal(Q.skeleton("touch points", table.synonyms, table.groups)[0].term, 1);
});

test("stop words are dropped unless the query is nothing else", () => {
  assert.deepEqual(Q.skeleton("the journey of a customer", table.synonyms, table.groups).map((c) => c.words[0]),
    ["journey", "customer"]);
  assert.equal(Q.skeleton("to be or not", table.synonyms, table.groups).length, 4);
});

test("bad input: empty, punctuation only, 10,000 characters", () => {
  assert.deepEqual(Q.skeleton("", table.synonyms, table.groups), []);
  assert.deepEqual(Q.skeleton("?!?! ... ---", table.synonyms, table.groups), []);
  const long = "customer ".repeat(1200);
  assert.ok(long.length > 10000);
  assert.equal(Q.skeleton(long, table.synonyms, table.groups).length, Q.MAX_WORDS);
  assert.deepEqual(Q.parseFilters("theme:").filters, {});
});
