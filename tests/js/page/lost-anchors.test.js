// components/lost-anchors: a link to a passage that is gone says so.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, article } = require("./helpers");
const lost = load("components/lost-anchors");

test("closestId: the id sharing the most words, two at least", () => {
  const ids = ["p-customers-want-a-seamless-journey", "p-the-journey-starts-online", "p-other"];
  assert.equal(lost.closestId("p-customers-want-a-journey", ids), "p-customers-want-a-seamless-journey");
  assert.equal(lost.closestId("p-journey-online-now", ids), "p-the-journey-starts-online");
  assert.equal(lost.closestId("p-journey-alone", ids), null); // one word in common is chance
  assert.equal(lost.closestId("p-anything", []), null);
});

test("the notice goes under the title, names the id, offers the top and the closest passage", () => {
  const { document } = article();
  const body = document.querySelector("article");
  const first = body.querySelector("p[id]");
  const gone = first.id.replace(/-[^-]+$/, "-gone");
  const mounted = lost.mountLostAnchor(body, gone, "http://h/articles/is-customer-experience-new/#" + gone);
  const box = mounted.ref;
  assert.equal(box.previousElementSibling, body.querySelector("h1"));
  assert.equal(box.getAttribute("role"), "status");
  assert.ok(box.textContent.includes("(#" + gone + ")"));
  assert.equal(box.querySelector("a.kb-lost-top").getAttribute("href"), "http://h/articles/is-customer-experience-new/");
  assert.equal(box.querySelector("a.kb-lost-near").getAttribute("href"), "#" + first.id);
  assert.equal(mounted.state.near, first);
  mounted.unmount();
  assert.equal(body.querySelector(".kb-lost"), null);
});

test("an alias is never offered, and the id is shown as text, never as markup", () => {
  const { document } = page('<article><h1>T</h1><p id="p-a-b-c"><span class="kb-alias" id="p-a-b-x"></span>Words here</p></article>');
  const body = document.querySelector("article");
  const mounted = lost.mountLostAnchor(body, 'p-a-b-<img src=x>', "http://h/x/");
  assert.equal(mounted.state.near.id, "p-a-b-c");
  assert.equal(body.querySelector("img"), null);
});

test("without a title the notice opens the article", () => {
  const { document } = page('<article><p id="p-x">x</p></article>');
  const mounted = lost.mountLostAnchor(document.querySelector("article"), "p-y", "http://h/x/");
  assert.equal(document.querySelector("article").firstElementChild, mounted.ref);
  assert.equal(mounted.ref.querySelector(".kb-lost-near"), null);
});

test("a plain click on 'Go to the top' calls onTop with the page's URL; a modified click is the browser's", () => {
  const { document, window } = article();
  const body = document.querySelector("article");
  const calls = [];
  const mounted = lost.mountLostAnchor(body, "p-gone", "http://h/x/#p-gone", (href) => calls.push(href));
  const top = mounted.ref.querySelector("a.kb-lost-top");
  // linkedom has no MouseEvent: an Event with a mouse event's fields.
  const click = (fields) => Object.assign(new window.Event("click", { bubbles: true, cancelable: true }),
    { button: 0, ctrlKey: false, metaKey: false, shiftKey: false, altKey: false }, fields);
  const plain = click({});
  top.dispatchEvent(plain);
  assert.deepEqual(calls, ["http://h/x/"]);
  assert.equal(plain.defaultPrevented, true);
  const ctrl = click({ ctrlKey: true });
  top.dispatchEvent(ctrl);
  assert.deepEqual(calls, ["http://h/x/"]);
  assert.equal(ctrl.defaultPrevented, false);
});
