// patches/: history held back while a landing is in flight; the lightbox
// closed when a link inside it is followed.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, event } = require("./helpers");
const { createNavigation, patchHistory } = load("patches/history");
const { patchLightbox } = load("patches/lightbox");

// A window with just what the patch touches; history writes are recorded.
function fakeWindow(href) {
  const { document, window } = page("<body><a href='#x'>link</a><p>text</p></body>");
  const writes = [];
  const win = {
    document,
    location: { href },
    scrollX: 0,
    scrollY: 340,
    history: {
      state: null,
      replaceState(state, title, url) {
        writes.push({ state, url });
        if (url != null) win.location.href = new URL(url, win.location.href).href;
      }
    },
    listeners: {},
    addEventListener(type, fn) { (win.listeners[type] = win.listeners[type] || []).push(fn); },
    fire(type) { (win.listeners[type] || []).forEach((fn) => fn({})); }
  };
  return { win, writes, window };
}

test("while a navigation is in flight, nobody else writes history", () => {
  const { win, writes } = fakeWindow("http://h/a/#p-one");
  const nav = createNavigation(win.location.href);
  patchHistory(win, nav);
  nav.pending = true;
  win.history.replaceState({}, "", "http://h/a/#section-two");
  win.history.replaceState({ x: 0, y: 5 }, "");
  assert.deepEqual(writes, []);
});

test("after landing, a rewrite of the fragment is held until the reader moves", () => {
  const { win, writes } = fakeWindow("http://h/a/#p-one");
  const nav = createNavigation(win.location.href);
  patchHistory(win, nav);
  win.history.replaceState({}, "", "#section-two"); // navigation.tracking, late
  assert.deepEqual(writes, []);
  win.history.replaceState({ x: 0, y: 1 }, "", "http://h/a/#p-one"); // the same URL: fine
  win.history.replaceState({ x: 0, y: 1 }, "", "http://h/b/"); // another page: fine
  assert.equal(writes.length, 2);
  win.fire("wheel"); // the reader scrolls: tracking may follow again
  assert.ok(nav.released);
  win.history.replaceState({ x: 0, y: 2 }, "", "http://h/b/#section-two");
  assert.equal(writes.length, 3);
});

test("Material's empty state gets the real offset, so Back restores the place", () => {
  const { win, writes } = fakeWindow("http://h/a/");
  patchHistory(win, createNavigation(win.location.href));
  win.history.replaceState({}, "");
  assert.deepEqual(writes[0].state, { x: 0, y: 340 });
  win.history.replaceState([], "");
  assert.deepEqual(writes[1].state, []);
});

test("the page script's own writes always pass, and the pin follows them", () => {
  const { win, writes } = fakeWindow("http://h/a/");
  const nav = createNavigation(win.location.href);
  const own = patchHistory(win, nav);
  nav.pending = true;
  own.replace({ y: 3 }, "http://h/a/#p-two");
  assert.equal(nav.pin, "http://h/a/#p-two");
  own.recordOffset();
  assert.deepEqual(writes.map((w) => w.state), [{ y: 3 }, { x: 0, y: 340 }]);
});

test("keys that scroll and a press outside the controls release the hold; a press on a link does not", () => {
  const { win, window } = fakeWindow("http://h/a/");
  const nav = createNavigation(win.location.href);
  patchHistory(win, nav);
  const doc = win.document;
  doc.querySelector("a").dispatchEvent(event(window, "pointerdown"));
  doc.dispatchEvent(event(window, "keydown", { key: "a" }));
  assert.equal(nav.released, false);
  doc.dispatchEvent(event(window, "keydown", { key: "PageDown" }));
  assert.equal(nav.released, true);
  nav.released = false;
  doc.querySelector("p").dispatchEvent(event(window, "pointerdown"));
  assert.equal(nav.released, true);
});

test("a link followed inside the lightbox closes it; elsewhere nothing happens", () => {
  const { document, window } = page('<div class="glightbox-container"><a href="#strategy">node</a></div><a id="out" href="#x">out</a>');
  let closed = 0;
  patchLightbox(document, () => ({ close() { closed += 1; } }));
  document.getElementById("out").dispatchEvent(event(window, "click"));
  assert.equal(closed, 0);
  document.querySelector(".glightbox-container a").dispatchEvent(event(window, "click"));
  assert.equal(closed, 1);
  // No lightbox on the page: no error.
  const other = page('<div class="glightbox-container"><a href="#s">n</a></div>');
  patchLightbox(other.document);
  other.document.querySelector("a").dispatchEvent(event(other.window, "click"));
});
