// components/filters: the article index's filters.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, event } = require("./helpers");
const state = load("components/filters/state");
const filters = load("components/filters");

test("the address preselects theme, discipline and author; words never", () => {
  assert.deepEqual(state.fromSearch("?theme=culture&discipline=live&author=Dave%20Lewan&words=x"), {
    theme: "culture", discipline: "live", author: "Dave Lewan", words: []
  });
  assert.deepEqual(state.fromSearch(""), { theme: "", discipline: "", author: "", words: [] });
});

test("the words typed: lower case, split on white space", () => {
  assert.deepEqual(state.fromValues({ words: "  Digital   ERA " }).words, ["digital", "era"]);
  assert.deepEqual(state.fromValues({}).words, []);
});

const ITEM = { themes: "journey culture", disciplines: "strategy live", author: "Dave Lewan", text: "is customer experience new? the digital era" };

test("an article passes when it has the theme, the discipline, the author and every word", () => {
  const all = (values) => state.matches(ITEM, state.fromValues(values));
  assert.ok(all({}));
  assert.ok(all({ theme: "culture", discipline: "live", author: "Dave Lewan", words: "digital new" }));
  assert.ok(!all({ theme: "cult" }), "a theme id is matched whole");
  assert.ok(!all({ discipline: "measure" }));
  assert.ok(!all({ author: "Dave" }));
  assert.ok(!all({ words: "digital missing" }));
});

test("the count says how many of how many", () => {
  assert.equal(state.countLabel(5, 5), "5 articles");
  assert.equal(state.countLabel(1, 1), "1 article");
  assert.equal(state.countLabel(2, 5), "2 of 5 articles");
  assert.equal(state.countLabel(0, 5), "0 of 5 articles");
});

// The article index as overrides/partials/kb/article-index.html writes it.
const INDEX = `<div class="kb-index"><form class="kb-index__filters">
<select name="theme"><option value="">All</option><option value="journey">Journey</option><option value="culture">Culture</option></select>
<select name="discipline"><option value="">All</option><option value="live">Live</option></select>
<select name="author"><option value="">All</option><option value="A">A</option><option value="B">B</option></select>
<input type="search" name="words"></form>
<p class="kb-index__count">3 articles</p><ul class="kb-article-list">
<li data-themes="journey" data-disciplines="live" data-author="A"><a href="a/">Alpha</a><p>First digital one</p></li>
<li data-themes="culture journey" data-disciplines="" data-author="B"><a href="b/">Beta</a><p>Second</p></li>
<li data-themes="culture" data-disciplines="live" data-author="B"><a href="c/">Gamma</a><p>Third digital</p></li>
</ul></div>`;

test("mounted on the index: preselected from the address, the count and [data-kb-shown] follow each change", () => {
  const { document, window } = page(INDEX);
  const root = document.querySelector(".kb-index");
  const form = root.querySelector("form");
  const mounted = filters.mountFilters(root, "?theme=culture");
  const shown = () => [...root.querySelectorAll("li")].filter((li) => !li.hidden).map((li) => li.querySelector("a").textContent);
  assert.ok(root.hasAttribute("data-kb-ready"));
  assert.deepEqual(shown(), ["Beta", "Gamma"]);
  assert.equal(root.querySelector(".kb-index__count").textContent, "2 of 3 articles");
  form.querySelector("[name=author]").value = "B";
  form.querySelector("[name=words]").value = "digital";
  form.dispatchEvent(event(window, "input"));
  assert.deepEqual(shown(), ["Gamma"]);
  assert.equal(root.getAttribute("data-kb-shown"), "1");
  assert.equal(mounted.state.shown, 1);
  const submit = event(window, "submit");
  form.dispatchEvent(submit);
  assert.ok(submit.defaultPrevented, "the form never leaves the page");
  mounted.unmount();
  form.querySelector("[name=words]").value = "";
  form.dispatchEvent(event(window, "input"));
  assert.deepEqual(shown(), ["Gamma"], "unmounted: no longer watched");
});
