// The index's varint lists.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const codec = require("../../../kb/assets/search/codec.js");

test("numbers round-trip, large and small", () => {
  const values = [0, 1, 31, 32, 1023, 1024, 123456789, 2 ** 40];
  assert.deepEqual(codec.decode(codec.encode(values)), values);
  assert.deepEqual(codec.decode(""), []);
});

test("a damaged list is refused, never read as other numbers", () => {
  assert.throws(() => codec.decode("ab!c"), /unexpected character/);
  assert.throws(() => codec.decode("aZ"), /ends inside a number/);  // Z is a continuation digit
  assert.throws(() => codec.decode(42), /not an encoded list/);
});
