/*
 * Results in Material's shape: groups of items, one group per page, each item
 * {location, title, text, score, terms}; the text is the authors' own words
 * with the matched whole words in <mark> (never a piece of a longer word: the
 * marks come from the same word splitting as the index), escaped.
 */
"use strict";

var W = require("./words");

var PER_PAGE = 5;
var SNIPPET = 300;

function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

/* The matched words of a text, as [start, end] ranges of the original. */
function marks(text, clauses) {
  var want = new Set();
  clauses.forEach(function (c) {
    c.spellings.forEach(function (parts) { parts.forEach(function (alts) { alts.forEach(function (_, s) { want.add(s); }); }); });
  });
  if (!want.size) return [];
  return W.words(text).filter(function (x) { return !W.STOP[x.w] && want.has(W.stem(x.w)); })
    .map(function (x) { return [x.start, x.end]; });
}

function highlight(text, ranges, limit) {
  var start = 0, end = text.length;
  if (limit && text.length > limit) {
    var first = ranges.length ? ranges[0][0] : 0;
    start = Math.max(0, first - Math.floor(limit / 3));
    if (start > 0) start = text.indexOf(" ", start) + 1 || start;
    end = Math.min(text.length, start + limit);
    if (end < text.length) { var cut = text.lastIndexOf(" ", end); if (cut > start) end = cut; }
  }
  var out = start > 0 ? "… " : "", at = start;
  ranges.forEach(function (r) {
    if (r[0] < at || r[1] > end) return;
    out += escapeHTML(text.slice(at, r[0])) + "<mark>" + escapeHTML(text.slice(r[0], r[1])) + "</mark>";
    at = r[1];
  });
  out += escapeHTML(text.slice(at, end)) + (end < text.length ? " …" : "");
  return out;
}

/* The words every passage of a group matched: the page link highlights them. */
function groupTerms(items) {
  var terms = {};
  items.forEach(function (item) {
    Object.keys(item.terms).forEach(function (t) { if (item.terms[t]) terms[t] = true; });
  });
  return terms;
}

/*
 * ranked: [[doc, score], ...], best first; a doc knows its page (u, t, k).
 * One group per page, in the order of its best passage, at most PER_PAGE
 * passages each; a passage whose snippet repeats one already in the group
 * (the same words twice on a page) is left out.
 */
function group(ranked, clauses) {
  var groups = new Map(), order = [];
  ranked.forEach(function (entry) {
    var page = entry[0].page;
    var list = groups.get(page);
    if (!list) { groups.set(page, list = []); order.push(page); }
    if (list.length < PER_PAGE) list.push(entry);
  });
  return order.map(function (page) {
    var entries = groups.get(page), best = entries[0][1];
    var items = entries.map(function (entry) {
      var d = entry[0];
      var ranges = marks(d.text, clauses);
      var terms = {};
      ranges.forEach(function (r) { terms[d.text.slice(r[0], r[1]).toLowerCase()] = true; });
      var headRanges = marks(d.head, clauses);
      headRanges.forEach(function (r) { terms[d.head.slice(r[0], r[1]).toLowerCase()] = true; });
      if (!ranges.length && !headRanges.length) {
        clauses.forEach(function (c) {
          var hit = c.spellings.some(function (parts) {
            return parts.every(function (alts) { return d.seq.some(function (s) { return alts.has(s); }); });
          });
          terms[c.words.join(" ")] = hit || pageHas(page, c);
        });
      }
      var title = d.head || page.t;
      return {
        location: page.u + (d.anchor ? "#" + d.anchor : ""),
        title: highlight(title, marks(title, clauses), 0),
        text: "<p>" + highlight(d.text, ranges, SNIPPET) + "</p>",
        score: entry[1],
        terms: terms
      };
    });
    // The page's own top section, if it matched, heads the group (with its
    // snippet); otherwise a plain heading links the page.
    var top = items.filter(function (item) { return item.location === page.u; })[0];
    var head = top ? { location: page.u, title: escapeHTML(page.t), text: top.text, score: top.score, terms: top.terms }
      : { location: page.u, title: escapeHTML(page.t), text: "", score: best * 0.5, terms: groupTerms(items) };
    var seen = new Set(head.text ? [head.text] : []);
    var rest = items.filter(function (item) {
      if (item.location === page.u || seen.has(item.text)) return false;
      seen.add(item.text);
      return true;
    });
    return [head].concat(rest);
  });
}

/* The clause matches the page's title, author or source. */
function pageHas(page, clause) {
  return clause.spellings.some(function (parts) {
    return parts.every(function (alts) {
      var found = false;
      alts.forEach(function (_, s) { if (page.tf && page.tf.get(s)) found = true; });
      return found;
    });
  });
}

/* A message in the dialog instead of results (an index part that failed). */
function notice(title, text) {
  return [[{ location: "", title: escapeHTML(title), text: "<p>" + escapeHTML(text) + "</p>", score: 0, terms: {} }]];
}

module.exports = {
  escapeHTML: escapeHTML, marks: marks, highlight: highlight, group: group, notice: notice, PER_PAGE: PER_PAGE
};
