// The two ranking passes over the fixture index, fetched in parts.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { Store } = require("../../../kb/assets/search/store.js");
const { Engine } = require("../../../kb/assets/search/rank");
const F = require("./fixture.js");

function engine(log, faults, config) {
  return new Engine(new Store(config || F.config, F.BASE, F.fetcher(faults, log), 500));
}
const locations = (result) => result.items.map((group) => group.map((item) => item.location));
const all = (result) => locations(result).flat();

test("a query loads the shared part, its words' shards and the pages it shows, not the rest", async () => {
  const log = [];
  const result = await engine(log).search("journey map");
  assert.equal(result.items[0][0].location, "articles/journeys/");
  assert.ok(all(result).includes("articles/journeys/#p-a-journey-map-shows"));
  assert.equal(log[0], "meta.json");
  const shards = log.filter((p) => p.startsWith("s/"));
  const meta = JSON.parse(F.read("meta.json"));
  assert.ok(shards.length >= 1 && shards.length < meta.shards.length / 4, shards.join(" "));
  assert.ok(log.filter((p) => p.startsWith("f/")).length <= 3);
});

test("the same query inline (the offline edition) gives the same results", async () => {
  for (const query of ["journey map", "NPS", "measuring", "theme:journey customers", "interent"]) {
    const parts = await engine([]).search(query);
    const inline = await engine([], {}, F.inlineConfig).search(query);
    assert.deepEqual(locations(inline), locations(parts), query);
  }
});

test("an abbreviation finds its full name and the other way round", async () => {
  const e = engine([]);
  assert.ok(all(await e.search("NPS")).includes("articles/networks/#p-a-net-promoter-score"));
  assert.equal((await e.search("Net Promoter Score")).items[0][0].location, "glossary/");  // the term itself: its entry first
});

test("endings, British spellings and one typo find the word", async () => {
  const e = engine([]);
  assert.ok(all(await e.search("measured")).includes("articles/measuring/#p-we-measure-what-we"));
  assert.ok(all(await e.search("color")).includes("articles/networks/#p-colour-and-behaviour"));
  assert.ok(all(await e.search("interent")).includes("articles/networks/#p-the-internet-changed-how"));
});

test("a word is never found or marked inside another word", async () => {
  const result = await engine([]).search("net result");
  const items = result.items.flat();
  assert.ok(!items.some((i) => /inter<mark>net/i.test(i.text) || /<mark>net<\/mark>work/i.test(i.text)));
  const internet = items.filter((i) => i.location.includes("p-the-internet-changed-how"));
  for (const item of internet) assert.ok(!item.text.includes("<mark>"), item.text);
  assert.ok(!Object.keys(items[0].terms).some((t) => t.includes("internet")));
});

test("the same words twice on a page are shown once", async () => {
  const result = await engine([]).search("internet customers");
  const group = result.items.find((g) => g[0].location === "articles/networks/");
  const texts = group.map((i) => i.text).filter(Boolean);
  assert.equal(texts.length, new Set(texts).size, texts.join("\n"));
});

test("a reference-list entry does not outrank the passage that answers", async () => {
  const result = await engine([]).search("measure what we value");
  assert.equal(result.items[0][1].location, "articles/measuring/#p-we-measure-what-we");
});

test("filters narrow the results and are reported with the query that clears them", async () => {
  const e = engine([]);
  const result = await e.search("theme:journey customers");
  assert.ok(result.items.length > 0);
  for (const location of all(result)) assert.ok(/^articles\/(networks|journeys)\//.test(location), location);
  assert.deepEqual(result.filters.map((f) => [f.key, f.value, f.ids, f.labels, f.query]),
    [["theme", "journey", ["journey"], ["Customer journey"], "customers"]]);
  const design = await e.search("discipline:design");
  assert.deepEqual(all(design).filter((l) => l.includes("#")), ["articles/journeys/#p-a-journey-map-shows"]);
  const author = await e.search("author:hopper");
  assert.deepEqual(locations(author).map((g) => g[0]), ["articles/journeys/"]);
  assert.deepEqual((await e.search("theme:nothing-like-this customers")).items, []);
});
