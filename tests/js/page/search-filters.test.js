// components/search-filters: the filters in force, shown in the search dialog.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page } = require("./helpers");
const { mountSearchFilters, chipLabel, withQuery } = load("components/search-filters");

const HTML = '<html><body><div class="md-search"><input class="md-search__input" value="theme:measure journey"><div class="md-search-result"><div class="md-search-result__meta">2 matching</div><ol class="md-search-result__list"></ol></div></div></body></html>';

function setUp(href) {
  const { document, window } = page(HTML);
  const channels = [];
  class FakeChannel { constructor(name) { this.name = name; channels.push(this); } close() { this.closed = true; } }
  const written = [];
  const win = {
    document, BroadcastChannel: FakeChannel, Event: window.Event, KeyboardEvent: window.Event,
    location: { href: href || "https://h/kb/articles/x/#p-a" }, history: { state: null }
  };
  const deps = { win, history: { replace: (s, url) => { written.push(url); win.location.href = url; } } };
  const mounted = mountSearchFilters(document, deps);
  const send = (data) => channels[0].onmessage({ data });
  return { document, mounted, send, written, channels };
}

const FILTER = { key: "theme", value: "measure", ids: ["measurement"], labels: ["Measuring CX"], query: "journey" };

test("a chip shows each filter by the names it matched, and clears to the rest of the query", () => {
  const { document, send } = setUp();
  send({ type: "result", query: "theme:measure journey", filters: [FILTER], total: 2 });
  const chips = [...document.querySelectorAll(".kb-search-filter")];
  assert.equal(chips.length, 1);
  assert.match(chips[0].textContent, /^Theme: Measuring CX/);
  const clear = chips[0];
  assert.equal(clear.tagName, "BUTTON");
  assert.equal(clear.getAttribute("aria-label"), "Clear the filter Theme: Measuring CX");
  let keyups = 0;
  document.querySelector(".md-search__input").addEventListener("keyup", () => keyups++);
  clear.dispatchEvent(new (document.defaultView.Event)("click"));
  assert.equal(document.querySelector(".md-search__input").value, "journey");
  assert.equal(keyups, 1, "Material searches again");
});

test("the query goes into the address bar while a filter is in force, and out once none is", () => {
  const { send, written } = setUp();
  send({ type: "result", query: "theme:measure journey", filters: [FILTER], total: 2 });
  assert.deepEqual(written, ["https://h/kb/articles/x/?q=theme%3Ameasure+journey#p-a"]);
  send({ type: "result", query: "theme:measure journey", filters: [], total: 2 });
  assert.equal(written[1], "https://h/kb/articles/x/#p-a");
});

test("an answer to an older query is ignored; names are text, never markup", () => {
  const { document, send } = setUp();
  send({ type: "result", query: "theme:meas", filters: [FILTER], total: 2 });
  assert.equal(document.querySelectorAll(".kb-search-filter").length, 0);
  const hostile = { key: "author", value: "x", ids: [], labels: [], query: "" };
  hostile.value = "<img src=x onerror=alert(1)>";
  document.querySelector(".md-search__input").value = "author:<img src=x onerror=alert(1)>";
  send({ type: "result", query: "author:<img src=x onerror=alert(1)>", filters: [hostile], total: 0 });
  assert.equal(document.querySelectorAll(".kb-search-filters img").length, 0);
  assert.match(document.querySelector(".kb-search-filter").textContent, /^Author: <img src=x/);
});

test("labels and addresses, directly", () => {
  assert.equal(chipLabel({ key: "discipline", value: "des", labels: ["CX Design"] }), "Discipline: CX Design");
  assert.equal(chipLabel({ key: "author", value: "lewan", labels: [] }), "Author: lewan");
  assert.equal(withQuery("https://h/a/?x=1#f", "theme:a b"), "https://h/a/?x=1&q=theme%3Aa+b#f");
  assert.equal(withQuery("https://h/a/?q=old#f", ""), "https://h/a/#f");
});

test("the same filters again leave the chips as they are (a tap in progress is not lost)", () => {
  const { document, send } = setUp();
  send({ type: "result", query: "theme:measure journey", filters: [FILTER], total: 2 });
  const first = document.querySelector(".kb-search-filter");
  send({ type: "result", query: "theme:measure journey", filters: [FILTER], total: 2 });
  assert.equal(document.querySelector(".kb-search-filter"), first);
});
