// _/dom.js: the helpers every component uses.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { load, page, article, builtArticles, JS } = require("./helpers");
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

test("what is skipped is the one list of decorations the build reads too (decorations.json)", () => {
  const list = JSON.parse(fs.readFileSync(path.join(JS, "_", "decorations.json"), "utf8"));
  assert.deepEqual(dom.SKIP_TEXT.split(", "), [...list.marks.map((c) => "." + c), "[hidden]"]);
  assert.deepEqual(dom.COPIES.split(", "), list.copies.map((c) => "." + c));
  const { document } = page('<p id="p-a">Words<span class="kb-disciplines">CX Design</span><a class="kb-anchor"></a>' +
                            '<span class="kb-new-badge">New!</span></p>');
  assert.equal(dom.cleanText(document.querySelector("p")), "WordsNew!", "a class not in the list is read as text");
});

test("every passage of the built site, read without the marks, is the passage the build recorded", (t) => {
  const pages = builtArticles();
  if (!pages.length) return t.skip("KB_SITE not given: run through pytest (tests/test_js_units.py)");
  const records = fs.readFileSync(path.join(process.env.KB_SITE, "passages.jsonl"), "utf8").trim().split("\n").map(JSON.parse);
  const byPage = new Map(pages.map(({ file, document }) => [path.relative(process.env.KB_SITE, path.dirname(file)), document]));
  let compared = 0;
  for (const record of records) {
    const folder = new URL(record.url).pathname.replace(/^\/|\/$/g, "");
    const passage = byPage.get(folder).getElementById(record.id);
    assert.equal(dom.cleanText(passage), dom.squash(record.text), record.url);
    compared++;
  }
  assert.ok(compared >= 50, compared);
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
