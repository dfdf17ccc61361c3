// _/hover.js and _/pointer.js: when an overlay about an element opens and closes.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, event } = require("./helpers");
const { watchHover } = load("_/hover");
const { watchPointer } = load("_/pointer");

const HTML = '<p><a id="host" class="t" href="#a"><b>term</b></a> and <a id="other" class="t" href="#b">other</a> <span id="plain">x</span></p><div id="box"><a href="#c">in box</a></div>';

function setUp() {
  const { document, window } = page(HTML);
  const seen = [];
  const watch = watchHover(document, {
    box: "box", delay: 5, host: (node) => (node && node.closest ? node.closest("a.t") : null)
  }, (kind, host, how) => seen.push([kind, host.id, how].filter(Boolean).join(" ")));
  const fire = (el, type, props) => el.dispatchEvent(event(window, type, props));
  const $ = (selector) => document.querySelector(selector);
  return { document, window, seen, watch, fire, $ };
}

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

test("it opens once the pointer has rested on the host, not when it passes by", async () => {
  const { seen, fire, $ } = setUp();
  fire($("#host b"), "pointerover", { pointerType: "mouse" });
  fire($("#host b"), "pointerout", { pointerType: "mouse", relatedTarget: $("#plain") });
  await pause(20);
  assert.deepEqual(seen, []);
  fire($("#host b"), "pointerover", { pointerType: "mouse" });
  await pause(20);
  assert.deepEqual(seen, ["open host hover"]);
});

test("it stays while the pointer moves onto the overlay, closes after it leaves both", async () => {
  const { seen, watch, fire, $ } = setUp();
  watch.open($("#host"), "hover");
  fire($("#host"), "pointerout", { pointerType: "mouse", relatedTarget: $("#box a") });
  fire($("#box a"), "pointerover", { pointerType: "mouse" });
  await pause(350);
  assert.deepEqual(seen, ["open host hover"]);
  fire($("#box a"), "pointerout", { pointerType: "mouse", relatedTarget: $("#plain") });
  await pause(350);
  assert.deepEqual(seen, ["open host hover", "close host"]);
});

test("keyboard focus opens it at once; leaving the host closes it", () => {
  const { seen, fire, $ } = setUp();
  fire($("#host"), "focusin");
  fire($("#host"), "focusout", { relatedTarget: $("#other") });
  fire($("#other"), "focusin");
  assert.deepEqual(seen, ["open host focus", "close host", "open other focus"]);
});

test("Escape, a press elsewhere and another host each close it", () => {
  const { document, seen, watch, fire, $ } = setUp();
  watch.open($("#host"), "tap");
  fire(document, "keydown", { key: "Escape" });
  watch.open($("#host"), "tap");
  fire($("#box a"), "pointerdown", { pointerType: "touch" });
  assert.equal(seen.length, 3, "a press inside the overlay keeps it");
  fire($("#plain"), "pointerdown", { pointerType: "touch" });
  watch.open($("#host"), "focus");
  watch.open($("#other"), "focus");
  assert.deepEqual(seen, ["open host tap", "close host", "open host tap", "close host", "open host focus", "close host", "open other focus"]);
  assert.equal(watch.state.how, "focus");
});

test("touch does not hover", async () => {
  const { seen, fire, $ } = setUp();
  fire($("#host"), "pointerover", { pointerType: "touch" });
  await pause(20);
  assert.deepEqual(seen, []);
});

test("replay: what the reader was on when the feature came; unwatch stops it all", () => {
  const { document, seen, watch, fire, $ } = setUp();
  const clicks = [];
  watch.also("click", (event) => clicks.push(event.target.id));
  fire($("#plain"), "click");
  watch.replay({ over: $("#other"), type: "mouse" });
  watch.replay({ over: $("#host b"), type: "touch" }); // a touch rests on nothing
  assert.deepEqual(seen, ["open other hover"]);
  watch.unwatch();
  assert.deepEqual(seen, ["open other hover", "close other"]);
  fire($("#host"), "focusin");
  fire(document, "keydown", { key: "Escape" });
  fire($("#plain"), "click");
  assert.equal(seen.length, 2);
  assert.deepEqual(clicks, ["plain"], "the extra listener went with the rest");
});

test("the pointer's kind comes from the last press; what it is over, from the last move", () => {
  const { document, window } = page(HTML);
  const pointer = watchPointer(document);
  assert.equal(pointer.type, "mouse");
  document.getElementById("host").dispatchEvent(event(window, "pointerdown", { pointerType: "touch" }));
  assert.equal(pointer.type, "touch");
  document.getElementById("other").dispatchEvent(event(window, "pointerover", { pointerType: "touch" }));
  assert.equal(pointer.type, "touch");
  assert.equal(pointer.over.id, "other");
  document.getElementById("plain").dispatchEvent(event(window, "pointerover", { pointerType: "mouse" }));
  assert.equal(pointer.type, "mouse");
});
