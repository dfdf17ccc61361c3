// Material's worker protocol, and what the dialog shows when things go wrong.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const M = require("../../../kb/assets/search/messages.js");
const F = require("./fixture.js");

async function handler(faults, log, config) {
  const h = new M.Handler(F.BASE, F.fetcher(faults, log), 300);
  assert.deepEqual(await h.handle({ type: M.SETUP, data: { config: config || F.config } }), { type: M.READY });
  return h;
}
const ask = (h, query) => h.handle({ type: M.QUERY, data: query });

test("SETUP is answered READY and a query RESULT, in Material's shape", async () => {
  const answer = await ask(await handler(), "journey");
  assert.equal(answer.type, M.RESULT);
  const item = answer.data.items[0][0];
  assert.deepEqual(Object.keys(item).sort(), ["location", "score", "terms", "text", "title"]);
  assert.ok(Array.isArray(answer.data.suggest));
  assert.deepEqual(answer.data.filters, []);
});

test("bad input: empty, punctuation only and 10,000 characters all get an answer", async () => {
  const h = await handler();
  for (const query of ["", "   ", "?!… ;;", "journey ".repeat(1300), "\u0000\uFFFF", 42]) {
    const answer = await ask(h, query);
    assert.equal(answer.type, M.RESULT, String(query).slice(0, 20));
    assert.ok(Array.isArray(answer.data.items));
  }
  assert.deepEqual((await ask(h, "?!… ;;")).data.items, []);
  await assert.rejects(h.handle({ type: 99 }), /Invalid message type/);
});

for (const [fault, words] of [["missing", /missing \(HTTP 404\)/], ["corrupt", /damaged \(not JSON\)/],
  ["garbled", /damaged|unexpected character/], ["hang", /took more than/], ["offline", /could not be loaded/]]) {
  test(`a ${fault} index part: a clear message in the results, never a spinner`, async () => {
    const h = await handler({ "s/*": fault });
    const answer = await ask(h, "journey");
    assert.equal(answer.type, M.RESULT);
    const [[item]] = answer.data.items;
    assert.match(item.title, /Search is unavailable/);
    assert.match(item.text, words);
    assert.match(item.text, /search\/0123456789\/s\/\d+\.json|s\/\d+\.json/);
    assert.match(item.text, /Reload the page/);
  });
}

test("a missing shared part and a configuration without an index are reported too", async () => {
  const missing = await ask(await handler({ "meta.json": "missing" }), "journey");
  assert.match(missing.data.items[0][0].text, /meta\.json is missing/);
  const none = await ask(await handler({}, [], { lang: ["en"] }), "journey");
  assert.match(none.data.items[0][0].text, /names no index/);
});

test("a part that failed is fetched again by the next query", async () => {
  const faults = { "meta.json": "missing" };
  const h = await handler(faults);
  assert.match((await ask(h, "journey")).data.items[0][0].title, /unavailable/);
  delete faults["meta.json"];
  assert.equal((await ask(h, "journey")).data.items[0][0].location, "articles/journeys/");
});

test("an answer overtaken by a later query is dropped, the last one always comes", async () => {
  const h = await handler();
  const first = ask(h, "jou");
  const last = ask(h, "journey map");
  assert.equal(await first, null);
  assert.equal((await last).data.items[0][0].location, "articles/journeys/");
});
