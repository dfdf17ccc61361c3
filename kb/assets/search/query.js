/*
 * A query: its filters (`theme:journey`, `discipline:connect`, `author:lewan`,
 * a quoted value for several words) and the rest, its words grouped into
 * clauses: a run of words that spells a glossary term is one clause that any
 * of the term's spellings satisfies ("NPS" finds "Net Promoter Score").
 */
"use strict";

var W = require("./words");

var MAX_WORDS = 32;  // a 10,000-character paste is cut here, not searched word by word
var FILTER = /\b(theme|discipline|author):("[^"]*"|\S+)/gi;

/* { filters: {theme: "journey"}, list: [{key, value, raw, query}], rest } */
function parseFilters(query) {
  var filters = {}, list = [];
  var text = String(query);
  var rest = text.replace(FILTER, function (all, key, value) {
    var k = key.toLowerCase(), v = W.fold(value.replace(/"/g, "")).trim();
    if (v) {
      filters[k] = v;
      list.push({ key: k, value: v, raw: all.trim() });
    }
    return " ";
  });
  // What the box would hold without each filter: the page clears a filter with it.
  list.forEach(function (f) {
    f.query = text.replace(f.raw, " ").replace(/\s+/g, " ").trim();
  });
  return { filters: filters, list: list, rest: rest };
}

/*
 * The clauses of `rest`, before the index is consulted. Each clause has
 * spellings; a spelling is a list of parts that must all match: an exact stem
 * ({exact}) from a glossary spelling, or a typed word ({word, last}) that may
 * also match words beginning with it (the last word, still being typed) or
 * one typo away.
 */
function skeleton(rest, synonyms, groups) {
  var list = W.plain(W.words(rest)).slice(0, MAX_WORDS);
  var dropStop = list.some(function (x) { return !W.STOP[x.w]; });
  var clauses = [], i = 0;
  while (i < list.length) {
    var found = -1, end = i;
    for (var j = Math.min(list.length, i + 5); j > i; j--) {
      var key = list.slice(i, j).map(function (x) { return x.w; }).join("");
      var g = synonyms.get(key);
      if (g === undefined && key.length > 3 && /s$/.test(key)) g = synonyms.get(key.replace(/e?s$/, ""));
      if (g !== undefined && (j - i > 1 || key.length > 1)) { found = g; end = j; break; }
    }
    if (found >= 0) {
      var spellings = groups[found].map(function (stems) {
        return stems.map(function (s) { return { exact: s }; });
      });
      var joined = list.slice(i, end).map(function (x) { return x.w; }).join("");
      spellings.push([{ word: joined, last: false }]);  // "touchpoint" is a word of its own
      clauses.push({ words: list.slice(i, end).map(function (x) { return x.w; }), spellings: spellings, term: found });
      i = end;
    } else if (dropStop && W.STOP[list[i].w]) {
      i++;
    } else {
      clauses.push({ words: [list[i].w], spellings: [[{ word: list[i].w, last: i === list.length - 1 }]] });
      i++;
    }
  }
  return clauses;
}

/* The glossary's spellings: joined key -> group, and each group's stems. */
function synonymTable(groups) {
  var synonyms = new Map(), stems = [];
  (groups || []).forEach(function (group, g) {
    stems.push(group.map(function (spelling) {
      return W.plain(W.words(spelling)).map(function (x) { return W.stem(x.w); });
    }));
    group.forEach(function (spelling) { synonyms.set(W.joinedKey(spelling), g); });
  });
  return { synonyms: synonyms, groups: stems };
}

module.exports = { parseFilters: parseFilters, skeleton: skeleton, synonymTable: synonymTable, MAX_WORDS: MAX_WORDS };
