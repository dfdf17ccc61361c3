// components/toc: the section of a landed passage is marked in the table of contents.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, article } = require("./helpers");
const toc = load("components/toc");

test("sectionOf: the last section whose heading comes at or before the target", () => {
  const sections = [{ heading: "h1" }, { heading: null }, { heading: "h2" }, { heading: "h3" }];
  const before = (upTo) => (heading) => ["h1", "h2", "h3"].indexOf(heading) <= ["h1", "h2", "h3"].indexOf(upTo);
  assert.equal(toc.sectionOf(sections, before("h2")), 2);
  assert.equal(toc.sectionOf(sections, () => false), -1);
  assert.equal(toc.sectionOf([], () => true), -1);
});

function marks(nav) {
  return [...nav.querySelectorAll("a.md-nav__link")].map((a) =>
    (a.classList.contains("md-nav__link--active") ? "A" : "") + (a.classList.contains("md-nav__link--passed") ? "P" : "-"));
}

test("on a built article: the passage's section is current, the ones above it passed", () => {
  const { document } = article();
  const nav = document.querySelector(".md-nav--secondary");
  const links = [...nav.querySelectorAll("a.md-nav__link")];
  assert.ok(links.length >= 2, "the fixture's table of contents");
  const second = document.getElementById(links[1].getAttribute("href").split("#")[1]);
  let passage = second.nextElementSibling;
  while (passage && !passage.matches("p[id]")) passage = passage.nextElementSibling;
  const mounted = toc.mountTableOfContents(nav, passage);
  assert.equal(mounted.state.current, links[1]);
  assert.deepEqual(marks(nav).slice(0, 3), ["P", "AP", "-"]);
});

test("a passage before the first heading: no section is current", () => {
  const { document } = article();
  const nav = document.querySelector(".md-nav--secondary");
  nav.querySelector("a.md-nav__link").classList.add("md-nav__link--active"); // as Material may have left it
  const first = document.querySelector("article p[id]");
  const mounted = toc.mountTableOfContents(nav, first);
  assert.equal(mounted.state.current, null);
  assert.ok(marks(nav).every((m) => m === "-"), marks(nav));
});

test("a page without a table of contents is left alone", () => {
  const { document } = page('<nav class="md-nav md-nav--secondary"></nav><p id="p-a">x</p>');
  const nav = document.querySelector("nav");
  assert.equal(toc.mountTableOfContents(nav, document.getElementById("p-a")).state.current, null);
});
