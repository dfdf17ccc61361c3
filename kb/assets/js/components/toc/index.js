// Table of contents: the section holding the passage a link landed on is
// marked current (Material marks only what scrolls past, and a landed
// paragraph is often below its heading's reach).
"use strict";

var url = require("../../_/url");

// The links of the table of contents in `nav`, each with its heading.
function watchTableOfContents(nav, doc) {
  return [].slice.call(nav.querySelectorAll("a.md-nav__link")).map(function (link) {
    return { link: link, heading: doc.getElementById(url.decodeId(url.hashOf(link.getAttribute("href")))) };
  });
}

// Index of the last section whose heading is `target` or comes before it;
// -1 when none does. `before(heading)` says whether a heading does. Pure.
function sectionOf(sections, before) {
  var found = -1;
  sections.forEach(function (section, i) {
    if (section.heading && before(section.heading)) found = i;
  });
  return found;
}

// Mark the section of `target` current, and it and every section above it
// passed.
function mountTableOfContents(nav, target) {
  var doc = nav.ownerDocument;
  var sections = watchTableOfContents(nav, doc);
  var current = sectionOf(sections, function (heading) {
    // 4: Node.DOCUMENT_POSITION_FOLLOWING (the target follows the heading)
    return heading === target || (heading.compareDocumentPosition(target) & 4) !== 0;
  });
  // Before the first heading: no section is current (Material's marks go).
  sections.forEach(function (section, i) {
    section.link.classList.toggle("md-nav__link--active", i === current);
    section.link.classList.toggle("md-nav__link--passed", i <= current);
  });
  return { ref: nav, state: { current: current < 0 ? null : sections[current].link } };
}

module.exports = { watchTableOfContents: watchTableOfContents, sectionOf: sectionOf, mountTableOfContents: mountTableOfContents };
