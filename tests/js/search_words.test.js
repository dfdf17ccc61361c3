// The search worker's word handling, outside the browser.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const worker = require("../../kb/search_worker.js");

test("British spellings are folded into American ones", () => {
  assert.equal(worker.american("organisation"), worker.american("organization"));
  assert.equal(worker.american("colour"), "color");
});

test("one edit apart, and not two", () => {
  assert.ok(worker.editDistanceOne("measure", "meausre") || worker.editDistanceOne("measure", "measur"));
  assert.ok(!worker.editDistanceOne("measure", "pleasures"));
});
