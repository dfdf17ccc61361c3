// components/page-actions: "Copy page as Markdown".
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, event } = require("./helpers");
const { mountPageActions, markdownUrl } = load("components/page-actions");

const HTML = '<html><head></head><body><article><button type="button" class="kb-copy-markdown" data-kb-markdown="index.md">Copy</button><p>Text</p></article></body></html>';

function setUp(protocol, fetched, clipboardOk) {
  const { document, window } = page(HTML);
  const said = [], copied = [], fetchedUrls = [];
  const win = {
    document,
    location: { href: protocol + "//h/kb/articles/x/", protocol },
    isSecureContext: true,
    navigator: { clipboard: { writeText: (t) => (clipboardOk ? (copied.push(t), Promise.resolve()) : Promise.reject(new Error("no"))) } },
    fetch: (u) => { fetchedUrls.push(u); return fetched; }
  };
  const mounted = mountPageActions(document, { win, toast: { say: (m) => said.push(m) } });
  const click = () => document.querySelector("button").dispatchEvent(event(window, "click"));
  return { document, mounted, said, copied, fetchedUrls, click };
}

test("the twin's address is read from the button, relative to the page", () => {
  const { document } = page(HTML);
  assert.equal(markdownUrl(document.querySelector("button"), "https://h/kb/articles/x/"), "https://h/kb/articles/x/index.md");
});

test("a click fetches the twin once, copies its text and says so", async () => {
  const response = Promise.resolve({ ok: true, text: () => Promise.resolve("# Title\n\ntext <!-- url -->\n") });
  const { mounted, said, copied, fetchedUrls, click } = setUp("https:", response, true);
  assert.deepEqual(fetchedUrls, [], "nothing fetched before the click");
  click();
  click(); // a second click while copying does nothing
  await mounted.state.copying;
  assert.deepEqual(fetchedUrls, ["https://h/kb/articles/x/index.md"]);
  assert.deepEqual(copied, ["# Title\n\ntext <!-- url -->\n"]);
  assert.deepEqual(said, ["Page copied as Markdown"]);
  assert.equal(mounted.state.copying, null);
});

test("a failed fetch says so and leaves the button usable", async () => {
  const { mounted, said, copied, document, click } = setUp("https:", Promise.resolve({ ok: false, status: 404 }), true);
  click();
  await mounted.state.copying;
  assert.deepEqual(copied, []);
  assert.match(said[0], /^Copy failed/);
  assert.equal(document.querySelector("button").getAttribute("aria-busy"), null);
});

test("from file:// the page marks itself, so the copy button is hidden (the link stays)", () => {
  const { document } = setUp("file:", Promise.resolve({ ok: true }), true);
  assert.ok(document.documentElement.hasAttribute("data-kb-file"));
});

test("the head's Markdown link follows the page instant navigation shows, and goes where there is no twin", () => {
  const { syncHeadLink } = load("components/page-actions");
  const { document } = page('<html><head><link rel=" alternate" type="text/markdown" href="index.md"></head><body><a class="kb-view-markdown" href="http://h/articles/y/index.md">md</a></body></html>');
  assert.equal(syncHeadLink(document).getAttribute("href"), "http://h/articles/y/index.md");
  assert.equal(document.querySelectorAll("link[rel=alternate]").length, 0, "never Material's [rel=alternate]");
  document.querySelector(".kb-view-markdown").remove();
  assert.equal(syncHeadLink(document), null);
  assert.equal(document.querySelectorAll('link[type="text/markdown"]').length, 0);
});
