// The worker file: Material's protocol at once, the engine at the first query.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const L = require("../../../kb/assets/search/lazy.js");
const M = require("../../../kb/assets/search/messages.js");
const F = require("./fixture.js");

function lazy(load) {
  const loads = [];
  const h = new L.Lazy(() => { loads.push(1); return load(); }, (engine) => new engine.Handler(F.BASE, F.fetcher(), 300));
  return { h, loads };
}
const setup = { type: L.SETUP, data: { config: F.config } };
const ask = (h, query) => h.handle({ type: L.QUERY, data: query });

test("SETUP and blank queries are answered without loading the engine", async () => {
  const { h, loads } = lazy(() => M);
  assert.deepEqual(await h.handle(setup), { type: L.READY });
  for (const blank of ["", "   ", 42]) {
    assert.deepEqual(await ask(h, blank), { type: L.RESULT, data: { items: [], filters: [], total: 0 } });
  }
  assert.equal(loads.length, 0);
  await assert.rejects(h.handle({ type: 99 }), /Invalid message type/);
});

test("the first query loads the engine once, sets it up and answers as the engine does", async () => {
  const { h, loads } = lazy(() => M);
  await h.handle(setup);
  const [first, second] = await Promise.all([ask(h, "customer"), ask(h, "journey")]);
  assert.equal(first, null); // overtaken by the second, never shown last
  assert.equal(second.type, L.RESULT);
  assert.ok(second.data.items.length > 0);
  const direct = new M.Handler(F.BASE, F.fetcher(), 300);
  await direct.handle(setup);
  assert.deepEqual(await ask(h, "journey"), await ask(direct, "journey"));
  assert.equal(loads.length, 1);
});

test("an engine that cannot be loaded: a notice, and the next query tries again", async () => {
  let fail = true;
  const { h, loads } = lazy(() => { if (fail) throw new Error("NetworkError <x>"); return M; });
  await h.handle(setup);
  const answer = await ask(h, "journey");
  const [[item]] = answer.data.items;
  assert.match(item.title, /Search is unavailable/);
  assert.match(item.text, /could not be loaded \(NetworkError &lt;x&gt;\)\. Reload the page/);
  fail = false;
  assert.ok((await ask(h, "journey")).data.items[0][0].location);
  assert.equal(loads.length, 2);
});
