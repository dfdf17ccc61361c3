// _/url.js: page addresses and fragments.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");
const url = load("_/url");

test("a fragment's id: decoded, without its text directive", () => {
  assert.equal(url.decodeId("#p-one-two"), "p-one-two");
  assert.equal(url.decodeId("#p-caf%C3%A9:~:text=caf%C3%A9"), "p-café");
  assert.equal(url.decodeId("p-plain"), "p-plain");
  assert.equal(url.decodeId(""), "");
  assert.equal(url.decodeId(null), "");
});

test("a malformed escape is kept as written, not thrown", () => {
  assert.equal(url.decodeId("#p-100%-sure"), "p-100%-sure");
});

test("the fragment of an href, relative or absolute", () => {
  assert.equal(url.hashOf("#p-a"), "#p-a");
  assert.equal(url.hashOf("http://h/x/#p-a:~:text=b"), "#p-a:~:text=b");
  assert.equal(url.hashOf("http://h/x/"), "");
  assert.equal(url.hashOf(null), "");
});

test("an id written into a fragment keeps slashes readable and escapes the rest", () => {
  assert.equal(url.encodeId("p-café/x"), "p-caf%C3%A9/x");
  assert.equal(url.encodeId("a b#c"), "a%20b%23c");
});

test("the page of an address: fragment dropped, query kept", () => {
  assert.equal(url.pageUrl("../x/#p-a", "http://h/a/b/"), "http://h/a/x/");
  assert.equal(url.pageUrl("?theme=a#b", "http://h/articles/"), "http://h/articles/?theme=a");
});

test("same page: origin, path and query; the fragment does not count", () => {
  const base = "http://h/articles/x/";
  assert.ok(url.samePage("#p-a", "http://h/articles/x/#p-b", base));
  assert.ok(!url.samePage("../y/#p-a", base, base));
  assert.ok(!url.samePage("?q=1", base, base));
  assert.ok(!url.samePage("https://h/articles/x/", base, base));
});
