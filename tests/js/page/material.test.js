// _/material.js: Material's observables, and the page without them.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");
const material = load("_/material");

// A document and window that record listeners; readyState as given.
function fakeWindow(readyState, observables) {
  const listeners = {};
  const on = (type, fn) => { (listeners[type] = listeners[type] || []).push(fn); };
  const off = (type, fn) => { listeners[type] = (listeners[type] || []).filter((f) => f !== fn); };
  const fire = (type) => (listeners[type] || []).slice().forEach((fn) => fn({}));
  const doc = { readyState, addEventListener: on, removeEventListener: off };
  return { document: doc, addEventListener: on, removeEventListener: off, fire, ...observables };
}

// A subject as Material's: subscribe(fn) -> {unsubscribe}; next(value).
function subject(replay) {
  const subscribers = new Set();
  let last;
  return {
    subscribe(fn) {
      subscribers.add(fn);
      if (replay && last !== undefined) fn(last);
      return { unsubscribe: () => subscribers.delete(fn) };
    },
    next(value) { last = value; subscribers.forEach((fn) => fn(value)); }
  };
}

test("a deferred script before DOMContentLoaded: the first page comes once, from document$", () => {
  const document$ = subject(true);
  const win = fakeWindow("interactive", { document$ });
  const seen = [];
  material.watchDocument(win, (page) => seen.push(page));
  assert.deepEqual(seen, []);
  document$.next(win.document); // Material, at DOMContentLoaded
  win.fire("load");
  assert.equal(seen.length, 1);
  document$.next(win.document); // instant navigation swaps a page in
  assert.equal(seen.length, 2);
});

test("subscribed late: document$ replays the page shown", () => {
  const document$ = subject(true);
  const win = fakeWindow("complete", { document$ });
  document$.next(win.document);
  const seen = [];
  material.watchDocument(win, (page) => seen.push(page));
  assert.equal(seen.length, 1);
});

test("document$ that never emits: the page comes at the load event, once", () => {
  const win = fakeWindow("interactive", { document$: subject(true) });
  const seen = [];
  material.watchDocument(win, (page) => seen.push(page));
  win.fire("DOMContentLoaded");
  assert.equal(seen.length, 0);
  win.fire("load");
  win.fire("load");
  assert.equal(seen.length, 1);
});

test("without Material: at DOMContentLoaded, or at once when it is past", () => {
  const loading = fakeWindow("loading", {});
  const seen = [];
  material.watchDocument(loading, (page) => seen.push(page));
  assert.equal(seen.length, 0);
  loading.fire("DOMContentLoaded");
  assert.equal(seen.length, 1);
  const later = fakeWindow("interactive", {});
  material.watchDocument(later, (page) => seen.push(page));
  assert.equal(seen.length, 2);
  assert.equal(seen[1], later.document);
});

test("location$: each followed URL; the returned function stops watching", () => {
  const location$ = subject(false);
  const win = fakeWindow("complete", { location$ });
  const seen = [];
  const stop = material.watchLocation(win, (url) => seen.push(url));
  location$.next("u1");
  stop();
  location$.next("u2");
  assert.deepEqual(seen, ["u1"]);
  assert.doesNotThrow(() => material.watchLocation(fakeWindow("complete", {}), () => {})());
});
