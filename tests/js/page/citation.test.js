// components/quote-links/citation.js: a quote with its citation.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load } = require("./helpers");
const { citation, escapeHtml } = load("components/quote-links/citation");

const QUOTE = { text: "Trust was king!", url: "http://h/a/#p-x:~:text=Trust&x=1" };

test("plain text: the quote, who said it and where, and the link", () => {
  const cite = citation(QUOTE, { title: "Is CX New?", author: "Dave Lewan" });
  assert.equal(cite.text, "“Trust was king!”\n— Dave Lewan, “Is CX New?”\nhttp://h/a/#p-x:~:text=Trust&x=1");
});

test("HTML: a blockquote with the title as a cited link; everything escaped", () => {
  const cite = citation({ text: "a <b> & c", url: 'http://h/"x"' }, { title: "T <i>", author: "O'Brien & Co" });
  assert.equal(cite.html,
    "<blockquote><p>“a &lt;b&gt; &amp; c”</p><p>— O&#39;Brien &amp; Co, " +
    '<cite><a href="http://h/&quot;x&quot;">T &lt;i&gt;</a></cite></p></blockquote>');
  assert.ok(citation(QUOTE, { title: "T", author: "" }).html.includes('href="http://h/a/#p-x:~:text=Trust&amp;x=1"'));
});

test("no author: the title alone", () => {
  const cite = citation(QUOTE, { title: "T", author: "" });
  assert.ok(cite.text.includes("\n— “T”\n"));
  assert.ok(cite.html.includes("<p>— <cite>"));
  assert.equal(escapeHtml("&<>\"'"), "&amp;&lt;&gt;&quot;&#39;");
});
