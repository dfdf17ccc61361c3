// components/previews/extract.js: what a preview shows, read from built pages.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, article, builtArticles } = require("./helpers");
const { previewable, previewOf } = load("components/previews/extract");
const dom = load("_/dom");

test("the preview of a passage: its words only, its article's title, author and themes", () => {
  const { document } = article();
  const passage = [...document.querySelectorAll("article p[id]")].find((p) => p.querySelector(".kb-disciplines"));
  const preview = previewOf(document, passage.id);
  assert.equal(preview.title, "Is Customer Experience New?");
  assert.ok(preview.byline.startsWith("Dave Lewan · "), preview.byline);
  assert.ok(!preview.text.includes("¶"));
  assert.ok(!preview.text.includes(passage.querySelector(".kb-discipline").textContent.trim()));
  assert.ok(preview.text.length > 40);
});

test("no preview for a heading, an unknown id or a page without an author", () => {
  const { document } = article();
  assert.equal(previewOf(document, document.querySelector("article h2[id]").id), null);
  assert.equal(previewOf(document, "p-not-here"), null);
  const bare = page("<!doctype html><html><head><title>Glossary - Site</title></head><body><article class='md-content__inner'><p id='p-a'>Words</p></article></body></html>");
  assert.deepEqual(previewOf(bare.document, "p-a"), { title: "Glossary", byline: "", text: "Words" });
});

test("every passage of every built article previews its own words (KB_SITE)", (t) => {
  const pages = builtArticles();
  if (!pages.length) return t.skip("KB_SITE not given: run through pytest (tests/test_js_units.py)");
  for (const { file, document } of pages) {
    const title = dom.cleanText(document.querySelector(".md-content__inner h1"));
    for (const passage of document.querySelectorAll(".md-content__inner :is(p, li)[id^='p-']")) {
      const preview = previewOf(document, passage.id);
      assert.ok(preview && preview.text, file + "#" + passage.id);
      assert.equal(preview.title, title, file);
    }
  }
});

const LINKS = `<header class="md-header"><a id="h" href="/articles/b/#p-x">h</a></header>
<div class="md-content"><p>
<a id="other" href="http://h/articles/b/#p-x">other</a>
<a id="same" href="http://h/articles/a/#p-y">same page</a>
<a id="nohash" href="http://h/articles/b/">no fragment</a>
<a id="foreign" href="http://elsewhere/articles/b/#p-x">foreign</a>
<a id="term" class="kb-term" href="http://h/glossary/#cx">term</a>
<a id="mark" class="kb-anchor" href="http://h/articles/b/#p-x"></a>
</p></div>`;

test("previewable: a passage of another page of this site, linked from the content", () => {
  const { document } = page(LINKS);
  const here = "http://h/articles/a/";
  const ok = (id) => previewable(document.getElementById(id), here);
  assert.ok(ok("other"));
  for (const id of ["h", "same", "nohash", "foreign", "term", "mark"]) assert.ok(!ok(id), id);
  assert.ok(!previewable(document.getElementById("other"), "file:///x/articles/a/index.html"), "offline: no fetch");
  assert.ok(!previewable(null, here));
});
