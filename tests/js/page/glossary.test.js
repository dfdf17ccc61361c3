// components/glossary: a term's definition.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");
const { splitDefinition } = load("components/glossary");

test("the build's title, 'Label: definition', is split at the first colon and space", () => {
  assert.deepEqual(splitDefinition("Net Promoter Score (NPS): A measure: of loyalty.", "NPS"), {
    label: "Net Promoter Score (NPS)", text: "A measure: of loyalty."
  });
});

test("no label in it: the term's own words are the label", () => {
  assert.deepEqual(splitDefinition("Just a definition.", "  the\n term "), { label: "the term", text: "Just a definition." });
  assert.deepEqual(splitDefinition(": odd", "term"), { label: "term", text: ": odd" });
});
