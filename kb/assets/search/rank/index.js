/*
 * Ranking, in two passes over an index loaded in parts (kb/assets/search/store.js).
 * This module: the engine, its loading and the query; terms.js, filters.js,
 * first.js (pass 1) and exact.js (pass 2) add their methods to it.
 *
 * 1. Over the postings of the shards the query's words live in: BM25 from
 *    the impacts the build stored (passage text, and its heading), plus the
 *    page's title, author and source for every passage of the page; glossary
 *    synonyms, British/American spellings, stems, prefix matching for the
 *    word being typed, one typo for words of five letters or more; squared
 *    coverage of the query's clauses; the page-title bonus; filters. The
 *    best pages go on.
 * 2. Over those pages' text (their fragments): the same scores computed
 *    exactly, plus what needs the words in order: query words side by side,
 *    a glossary or theme page leading only when the query is its own name,
 *    a non-article section matching in its own words. Then the snippets.
 *
 * The statistics (passage and page counts, document frequencies, average
 * length) are the whole site's in both passes, so a result's score does not
 * depend on which other pages happened to be loaded.
 */
"use strict";
"use strict";

var W = require("../words");
var codec = require("../codec");
var Q = require("../query");
var S = require("../store");
var snippets = require("../snippets");
var C = require("./constants");
var PAGES_SHOWN = C.PAGES_SHOWN;
var NEAR_PREFIX_SHARDS = C.NEAR_PREFIX_SHARDS;
var SLOT = C.SLOT;
var TERM = C.TERM;

function Engine(store) {
  this.store = store;
  this.meta = null;
  this.stems = new Map();     // stem -> {df, pf, words, raw postings, decoded}
  this.vocab = new Map();     // word -> stem (of the loaded shards)
  this.aliases = new Map();   // word -> stem that lives in another shard
  this.shardWords = new Map();  // shard -> [{w, s, df}], most frequent stems first
  this.loading = new Map();
}

Engine.prototype.ready = function () {
  var self = this;
  if (!this.started) {
    this.started = this.store.meta().then(function (meta) {
      self.meta = meta;
      self.keys = S.keyIndex(meta.shards);
      var table = Q.synonymTable(meta.synonyms);
      self.synonyms = table.synonyms;
      self.groups = table.groups;
      self.kinds = meta.kinds || {};
      self.termIds = meta.terms || [];
      self.lead = new Map(Object.entries(meta.lead || {}));
      self.K1 = meta.k1; self.B = meta.b; self.levels = meta.levels;
      self.weights = meta.weights;
    }, function (error) { self.started = null; throw error; });
  }
  return this.started;
};

/* -- loading --------------------------------------------------------------------- */

Engine.prototype.loadShards = function (list) {
  var self = this;
  return Promise.all(list.filter(function (i, at) { return i !== undefined && list.indexOf(i) === at; })
    .map(function (i) {
      if (!self.loading.has(i)) {
        self.loading.set(i, self.store.shard(i).then(function (shard) { self.addShard(i, shard); },
          function (error) { self.loading.delete(i); throw error; }));
      }
      return self.loading.get(i);
    }));
};

Engine.prototype.addShard = function (i, shard) {
  var self = this, list = [];
  shard.s.forEach(function (e) {
    var entry = { df: e[1], pf: e[2], words: e[3] ? e[3].split(" ") : [], raw: e[4], rawPages: e[5], shard: i };
    self.stems.set(e[0], entry);
    entry.words.forEach(function (w) {
      self.vocab.set(w, e[0]);
      list.push({ w: w, s: e[0], df: e[1] });
    });
  });
  shard.w.forEach(function (pair) { self.aliases.set(pair[0], pair[1]); });
  list.sort(function (a, b) { return b.df - a.df; });
  this.shardWords.set(i, list);
};

Engine.prototype.postings = function (s) {
  var entry = this.stems.get(s);
  if (!entry) return null;
  if (!entry.docs) {
    var flat, pflat;
    try {
      flat = codec.decode(entry.raw);
      pflat = codec.decode(entry.rawPages);
    } catch (error) {
      throw S.IndexError("the search index part s/" + entry.shard + ".json is damaged (" + error.message + ")",
        "s/" + entry.shard + ".json");
    }
    var docs = [], page = 0;
    for (var k = 0; k + 2 < flat.length; k += 3) {
      page += flat[k];
      docs.push(page * SLOT + Math.min(flat[k + 1], SLOT - 1), flat[k + 2]);  // impact + 32 * (forms ^ 1)
    }
    var pages = [];
    page = 0;
    for (k = 0; k + 3 < pflat.length; k += 4) {
      page += pflat[k];
      pages.push(page, pflat[k + 1] / 10, pflat[k + 2], pflat[k + 3]);
    }
    entry.docs = docs;
    entry.pages = pages;
  }
  return entry;
};

Engine.prototype.idf = function (s) {
  var entry = this.stems.get(s), df = entry ? entry.df : 0;
  return Math.log(1 + (this.meta.docs - df + 0.5) / (df + 0.5));
};

Engine.prototype.pageIdf = function (s) {
  var entry = this.stems.get(s), pf = entry ? entry.pf : 0;
  return Math.log(1 + (this.meta.pages - pf + 0.5) / (pf + 0.5));
};

Engine.prototype.shardOf = function (word) { return S.shardOf(this.keys, word); };

/* The shards a word still being typed may continue into (a few at most). */
Engine.prototype.prefixShards = function (word) {
  var under = S.shardsUnder(this.keys, word);
  return under.length <= NEAR_PREFIX_SHARDS ? under : [];
};

Engine.prototype.typoShards = function (w) {
  return [this.shardOf(w[0] + w.slice(2)), this.shardOf(w[1] + w[0] + w.slice(2))];
};

/* Every shard the query's words need, then those that only a first look shows. */
Engine.prototype.loadFor = function (clauses) {
  var self = this, first = [];
  clauses.forEach(function (c) {
    if (c.term !== undefined && self.termIds[c.term]) first.push(self.shardOf(TERM + self.termIds[c.term]));
  });
  eachPart(clauses, function (part) {
    if (part.exact !== undefined) first.push(self.shardOf(part.exact));
    else {
      var stem = W.stem(part.word);
      first.push(self.shardOf(part.word), self.shardOf(stem), self.shardOf(W.stem(stem)));
      if (part.last && part.word.length >= 2) first = first.concat(self.prefixShards(part.word));
    }
  });
  return this.loadShards(first).then(function () {
    var second = [];
    eachPart(clauses, function (part) {
      if (part.word === undefined || self.vocab.has(part.word)) return;
      var alias = self.aliases.get(part.word);
      if (alias !== undefined) second.push(self.shardOf(alias));
      else if (part.word.length >= 5) second = second.concat(self.typoShards(part.word));
    });
    return self.loadShards(second);
  });
};

function eachPart(clauses, fn) {
  clauses.forEach(function (c) { c.spellings.forEach(function (parts) { parts.forEach(fn); }); });
}


/* The commonest word that begins with the last word typed (Material shows it). */
Engine.prototype.suggest = function (clauses) {
  if (!clauses.length) return [];
  var last = clauses[clauses.length - 1];
  if (last.term !== undefined) return [];
  var w = last.words[0], best = null, bestCount = -1, self = this;
  if (w.length < 2) return [];
  [this.shardOf(w)].concat(this.prefixShards(w)).forEach(function (i) {
    (self.shardWords.get(i) || []).forEach(function (x) {
      if (x.w.length > w.length && x.w.lastIndexOf(w, 0) === 0 && !/\d/.test(x.w) && x.df > bestCount) {
        best = x.w;
        bestCount = x.df;
      }
    });
  });
  return best ? [best] : [];
};

/* -- a query ------------------------------------------------------------------------------- */

Engine.prototype.search = function (query) {
  var self = this;
  return this.ready().then(function () {
    var parsed = Q.parseFilters(query);
    var clauses = Q.skeleton(parsed.rest, self.synonyms, self.groups);
    var active = describe(parsed.list, self.meta);
    if (!clauses.length && !parsed.list.length) return { items: [], filters: [], total: 0 };
    return Promise.all([self.loadFor(clauses), self.filterSets(parsed.filters)]).then(function (loaded) {
      var filter = loaded[1];
      self.resolve(clauses);
      var queryKey = clauses.map(function (c) { return c.words.join(""); }).join("");
      var ranked = self.candidates(clauses, filter, queryKey);
      var shown = ranked.slice(0, PAGES_SHOWN).map(function (x) { return x[0]; });
      return Promise.all(shown.map(function (p) {
        return self.store.fragment(p).then(function (page) { return self.pageDocs(p, page); });
      })).then(function (pages) {
        var docs = self.exact(pages, clauses, parsed.filters, filter, queryKey);
        return {
          items: snippets.group(docs.slice(0, 120), clauses),
          suggest: self.suggest(clauses),
          filters: active,
          total: ranked.length
        };
      });
    });
  });
};

/* The filters in force, for the dialog: what each is, and the query without it. */
function describe(list, meta) {
  return list.map(function (f) {
    var names = f.key === "theme" ? meta.themes || {} : f.key === "discipline" ? meta.disciplines || {} : {};
    var ids = Object.keys(names).filter(function (id) {
      return id === f.value || W.fold(names[id] || "").indexOf(f.value) >= 0;
    });
    return { key: f.key, value: f.value, ids: ids, labels: ids.map(function (id) { return names[id]; }), query: f.query };
  });
}

[require("./terms"), require("./filters"), require("./first"), require("./exact")].forEach(function (part) {
  Object.keys(part.methods).forEach(function (name) { Engine.prototype[name] = part.methods[name]; });
});

module.exports = { Engine: Engine, SLOT: SLOT, PAGES_SHOWN: PAGES_SHOWN, describe: describe };
