// _/dom.js: the helpers every component uses.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, article } = require("./helpers");
const dom = load("_/dom");

test("make: an element with attributes and text, never markup", () => {
  const { document } = page("<body></body>");
  const el = dom.make(document, "p", { "class": "x", "data-a": "1" }, "<b>not bold</b>");
  assert.equal(el.getAttribute("class"), "x");
  assert.equal(el.getAttribute("data-a"), "1");
  assert.equal(el.children.length, 0);
  assert.equal(el.textContent, "<b>not bold</b>");
});

test("squash folds white space", () => {
  assert.equal(dom.squash("  a \n\t b  "), "a b");
  assert.equal(dom.squash(null), "");
});

test("an alias lands on its passage; an unknown id on nothing", () => {
  const { document } = page('<article><p id="p-new"><span class="kb-alias" id="p-old"></span>Text</p></article>');
  assert.equal(dom.targetFor(document, "p-old").id, "p-new");
  assert.equal(dom.targetFor(document, "p-new").id, "p-new");
  assert.equal(dom.targetFor(document, "p-none"), null);
  assert.equal(dom.targetFor(document, ""), null);
});

test("an article's title, author and themes, from the built page", () => {
  const { document } = article();
  const meta = dom.articleMeta(document);
  assert.equal(meta.title, "Is Customer Experience New?");
  assert.equal(meta.author, "Dave Lewan");
  assert.ok(meta.themes.length >= 1 && meta.themes.every((t) => t && t === t.trim()), meta.themes);
});

test("cleanText keeps the authors' words only", () => {
  const { document } = article();
  const passage = document.querySelector("p[id] .kb-anchor").parentElement;
  const text = dom.cleanText(passage);
  assert.ok(!text.includes("¶") && text === text.trim() && !/\s\s/.test(text));
  assert.ok(passage.querySelector(".kb-anchor"), "the page itself is left as it was");
});

test("cleanText leaves out a footnote's number and its way back, as the build does", () => {
  const { document } = page(
    '<p id="p-x">A note<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">1</a></sup> here.</p>' +
    '<li id="fn:1"><p>The note.&#160;<a class="footnote-backref" href="#fnref:1">&#8617;</a></p></li>'
  );
  assert.equal(dom.cleanText(document.getElementById("p-x")), "A note here.");
  assert.equal(dom.cleanText(document.getElementById("fn:1")), "The note.");
});

test("closest: from an event's target", () => {
  const { document, window } = page('<a href="#x"><b>in</b></a>');
  let found = null;
  document.addEventListener("click", (event) => { found = dom.closest(event, "a[href]"); });
  document.querySelector("b").dispatchEvent(new window.Event("click", { bubbles: true }));
  assert.equal(found, document.querySelector("a"));
});
