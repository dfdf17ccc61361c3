// What a preview shows, read from the page it points into: the passage's
// text (the authors' words only) and its article's title, author and
// themes. Works on any parsed document, so it is tested on built pages.
"use strict";

var dom = require("../../_/dom");

var NOT_PREVIEWED = ".kb-anchor, .headerlink, .kb-term, .kb-chip, .kb-discipline, .kb-cycle-node";

// Whether `link` gets a preview, on the page at `here`: a passage of another
// page of this site, linked from the content (not a mark, term or chip).
function previewable(link, here) {
  if (!link || !link.href || link.closest(".kb-preview, .md-nav, .md-header, .md-footer")) return false;
  if (link.matches(NOT_PREVIEWED) || !link.closest(".md-content")) return false;
  var to, from;
  try { to = new URL(link.href, here); from = new URL(here); } catch (error) { return false; }
  if (from.protocol === "file:") return false; // the offline edition: no fetch from file://
  return to.origin === from.origin && !!to.hash && (to.pathname !== from.pathname || to.search !== from.search);
}

// The preview of passage `id` in document `page`, or null when the id is not
// a passage there: {title, byline, text}.
function previewOf(page, id) {
  var passage = dom.targetFor(page, id);
  if (!passage || !passage.matches(dom.PASSAGE)) return null;
  var meta = dom.articleMeta(page);
  return {
    title: meta.title,
    byline: [meta.author, meta.themes.join(", ")].filter(Boolean).join(" · "),
    text: dom.cleanText(passage)
  };
}

module.exports = { previewable: previewable, previewOf: previewOf };
