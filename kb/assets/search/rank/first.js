/*
 * Pass 1, over the postings of the shards the query's words live in: BM25
 * from the impacts the build stored, the page's title, author and source,
 * coverage of the query's clauses, the page-title bonus, filters. The best
 * pages go on to pass 2 (exact.js).
 */
"use strict";

var T = require("./terms");
var F = require("./filters");
var C = require("./constants");
var KIND = C.KIND;
var LEAD = C.LEAD;
var SLOT = C.SLOT;
var EXACT_FORM = C.EXACT_FORM;
var wordIdf = T.wordIdf, formBits = T.formBits, wantedStems = T.wantedStems, allows = F.allows;

var methods = {};

methods.candidates = function (clauses, filter, queryKey) {
  var self = this, K1 = this.K1, B = this.B, levels = this.levels;
  var data = clauses.map(function (clause) {
    var spellings = clause.spellings.map(function (parts) {
      var share = clause.idf !== undefined ? 1 / parts.length : 1;
      return parts.map(function (alts) {
        var text = new Map(), page = new Map();
        alts.forEach(function (weight, s) {
          var entry = self.postings(s);
          if (!entry) return;
          var idf = (clause.idf !== undefined ? clause.idf : wordIdf(self, alts, s)) * share, docs = entry.docs;
          var typed = clause.idf === undefined && parts.length === 1 ? formBits(entry, alts.forms) : 0;
          for (var k = 0; k < docs.length; k += 2) {
            var q = docs[k + 1] % (levels + 1), present = (Math.floor(docs[k + 1] / (levels + 1)) ^ 1);
            var value = weight * idf * (q / levels) * (K1 + 1) * (present & typed ? EXACT_FORM : 1);
            var key = docs[k];
            if (!(text.get(key) >= value)) text.set(key, value);
          }
          var pageIdf = self.pageIdf(s), pages = entry.pages;
          for (k = 0; k < pages.length; k += 4) {
            var ptf = pages[k + 1];
            var extra = weight * pageIdf * ptf * (K1 + 1) / (ptf + K1) * 0.5;
            if (!(page.get(pages[k]) >= extra)) page.set(pages[k], extra);
          }
        });
        return { text: text, page: page };
      });
    });
    if (!clause.token) return spellings;
    // The term's token for the articles; its words for the other pages.
    spellings.forEach(function (parts) { parts.elsewhere = true; });
    var text = new Map(), page = new Map(), entry = self.postings(clause.token);
    for (var k = 0; k < entry.docs.length; k += 2) {
      text.set(entry.docs[k], clause.idf * (entry.docs[k + 1] / levels) * (K1 + 1));
    }
    var pageIdf = self.pageIdf(clause.token);
    for (k = 0; k < entry.pages.length; k += 4) {
      var ptf = entry.pages[k + 1];
      page.set(entry.pages[k], pageIdf * ptf * (K1 + 1) / (ptf + K1) * 0.5);
    }
    var token = [{ text: text, page: page }];
    token.articles = true;
    return [token].concat(spellings);
  });
  // Which passages to score: any that matched a part, and each page matched
  // by its title, author or source alone (its first passage stands for it).
  var keys = new Set();
  data.forEach(function (spellings) {
    spellings.forEach(function (parts) {
      parts.forEach(function (part) {
        part.text.forEach(function (_, key) { keys.add(key); });
        part.page.forEach(function (_, p) { keys.add(p * SLOT); });
      });
    });
  });
  if (!clauses.length) {
    if (filter.docs) filter.docs.forEach(function (key) { keys.add(key); });
    else if (filter.pages) filter.pages.forEach(function (p) { keys.add(p * SLOT); });
  }
  var titles = this.titleHits(clauses);
  var pageBest = new Map();
  keys.forEach(function (key) {
    if (!allows(filter, key)) return;
    var p = Math.floor(key / SLOT), n = key % SLOT, score = 0, matched = 0;
    var article = !self.kinds[p];
    data.forEach(function (spellings) {
      var best = -1;
      spellings.forEach(function (parts) {
        if ((parts.elsewhere && article) || (parts.articles && !article)) return;
        var sum = 0;
        for (var i = 0; i < parts.length; i++) {
          var t = parts[i].text.get(key), x = parts[i].page.get(p);
          if (t === undefined && x === undefined) return;
          sum += (t || 0) + (x || 0);
        }
        if (sum > best) best = sum;
      });
      if (best >= 0) { score += best; matched++; }
    });
    if (clauses.length) {
      if (!matched) return;
      var coverage = matched / clauses.length;
      score *= coverage * coverage;
    } else {
      score = 1;
    }
    var kind = self.kinds[p];
    if (!kind) score *= titleBonus(titles.get(p));
    else score *= self.leads(p, queryKey, clauses) ? LEAD : (KIND[kind] || KIND.page);
    score *= 1 - Math.min(n, 50) * 0.0005;
    if (!(pageBest.get(p) >= score)) pageBest.set(p, score);
  });
  var ranked = Array.from(pageBest.entries());
  ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
  return ranked;
};

/* A glossary or theme page whose name (or a section's) is the query. */
methods.leads = function (p, queryKey, clauses) {
  var pages = queryKey ? this.lead.get(queryKey) : null;
  if (pages && pages.indexOf(p) >= 0) return true;
  return this.kinds[p] === "glossary" && clauses.length === 1 && clauses[0].term !== undefined;
};

/* page -> {hits, length}: how much of each page's title the query says. */
methods.titleHits = function (clauses) {
  var self = this, wanted = wantedStems(clauses), out = new Map();
  wanted.forEach(function (s) {
    var entry = self.postings(s);
    if (!entry) return;
    for (var k = 0; k < entry.pages.length; k += 4) {
      var p = entry.pages[k], length = entry.pages[k + 2], count = entry.pages[k + 3];
      if (!count) continue;
      var hit = out.get(p);
      if (!hit) out.set(p, hit = { hits: 0, length: length });
      hit.hits += count;
    }
  });
  return out;
};

function wantedStems(clauses) {
  var wanted = new Set();
  clauses.forEach(function (c) {
    c.spellings.forEach(function (parts) { parts.forEach(function (alts) { alts.forEach(function (_, s) { wanted.add(s); }); }); });
  });
  return wanted;
}

function titleBonus(hit) {
  if (!hit || !hit.length) return 1;
  var h = Math.min(1, hit.hits / hit.length);
  return 1 + 0.6 * h * h + (h === 1 ? 1.5 : 0);
}

module.exports = { methods: methods };
