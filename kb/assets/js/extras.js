// The features that wait for the reader (bundled into assets/kb-extras.js,
// fetched by kb.js on first use, see _/later.js): passage previews,
// glossary definitions, labels and quote links. Each is a watch.../mount...
// pair like those of index.js, mounted once on the document with the deps
// kb.js hands over (the pointer, the toast, ...).
"use strict";

var previews = require("./components/previews");
var glossary = require("./components/glossary");
var tooltips = require("./components/tooltips");
var quoteLinks = require("./components/quote-links");

var EXTRAS = [
  previews.mountPreviews,
  glossary.mountGlossary,
  tooltips.mountTooltips,
  quoteLinks.mountQuoteLinks
];

function mount(deps) {
  var doc = deps.win.document;
  return EXTRAS.map(function (mountOne) { return mountOne(doc, deps); });
}

document.dispatchEvent(new CustomEvent("kb:extras", { detail: { mount: mount } }));
