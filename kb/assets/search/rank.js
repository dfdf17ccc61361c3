/*
 * Ranking, in two passes over an index loaded in parts (kb/assets/search/store.js).
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

var W = require("./words");
var codec = require("./codec");
var Q = require("./query");
var S = require("./store");
var snippets = require("./snippets");

var KIND = { article: 1, glossary: 0.45, theme: 0.35, page: 0.25 };
var LEAD = 4;            // a glossary or theme page whose name is the query
var PAGES_SHOWN = 10;    // pages whose text is fetched, ranked exactly and shown
var NEAR_PREFIX_SHARDS = 4;
var PREFIX_ALTERNATIVES = 40;
var SLOT = 4096;
var TERM = "#";          // a glossary term's token: kb/search.py TERM_PREFIX
var EXACT_FORM = 1.25;
var FORMS = 4;
var LABEL_WORDS = 4;     // a passage this short is a label
var LABEL = 0.5;           // kb/search.py FORMS: the forms a posting marks   // a passage with the word as typed, over one with only its stem         // document key: page * SLOT + passage number

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

/* The stems a typed word may match, each with a weight. */
Engine.prototype.alternatives = function (w, last) {
  var alts = new Map(), self = this;
  alts.forms = new Set([w]);  // the word as typed, and the words a typo most likely meant
  var put = function (s, weight) { if (!alts.has(s) || alts.get(s) < weight) alts.set(s, weight); };
  var exact = W.stem(w);
  // The stemmer takes one suffix at a time: "accidental" -> "accident",
  // while the text's "accident" -> "accid". The stem's own stem too, then.
  var again = W.stem(exact);
  if (again !== exact && this.stems.has(again)) put(again, 0.9);
  if (this.stems.has(exact)) {
    put(exact, 1);
    // A longer word or a near spelling never weighs more than the word typed:
    // among 10,000 articles "culture" also begins "culture-protestant", rarer.
    alts.exact = exact;
    alts.cap = this.idf(exact);
  }
  var alias = this.aliases.get(w);
  if (alias !== undefined && this.stems.has(alias)) put(alias, 1);
  if (last && w.length >= 2) {
    var count = 0;
    [this.shardOf(w)].concat(this.prefixShards(w)).forEach(function (i) {
      (self.shardWords.get(i) || []).forEach(function (x) {
        if (count < PREFIX_ALTERNATIVES && x.w.length > w.length && x.w.lastIndexOf(w, 0) === 0) {
          put(x.s, 0.75);
          count++;
        }
      });
    });
  }
  if (!this.vocab.has(w) && alias === undefined && w.length >= 5) {
    var shards = [this.shardOf(w)].concat(this.typoShards(w));
    shards.filter(function (i, at) { return shards.indexOf(i) === at; }).forEach(function (i) {
      (self.shardWords.get(i) || []).forEach(function (x) {
        if (W.editDistanceOne(w, x.w)) { put(x.s, 0.7); alts.forms.add(x.w); }
      });
    });
  }
  return alts;
};

Engine.prototype.resolve = function (clauses) {
  var self = this;
  clauses.forEach(function (c) {
    c.spellings = c.spellings.map(function (parts) {
      return parts.map(function (part) {
        return part.exact !== undefined ? new Map([[part.exact, 1]]) : self.alternatives(part.word, part.last);
      });
    });
    if (c.term !== undefined) {
      var token = self.termIds[c.term] ? TERM + self.termIds[c.term] : null;
      c.token = token && self.stems.has(token) ? token : undefined;
      c.termId = c.token ? self.termIds[c.term] : undefined;
      c.idf = c.token ? self.idf(c.token) : self.termIdf(c);
    }
  });
  return clauses;
};

/*
 * A glossary term counts the same however it is spelled. In the articles it
 * is found as the build found it: the glossary's own matcher (any spelling,
 * as a phrase, plurals and hyphens too) wrote a token per term into the
 * index, with its document frequency. Elsewhere (the glossary, theme pages)
 * its spellings are matched word by word and share one document frequency,
 * the largest of theirs (as a search engine's synonym query does), so a rare
 * spelling does not outweigh the common one.
 */
Engine.prototype.termIdf = function (clause) {
  var self = this, df = 0;
  clause.spellings.forEach(function (parts) {
    var spelling = Infinity;
    parts.forEach(function (alts) {
      var most = 0;
      alts.forEach(function (_, s) { var e = self.stems.get(s); if (e && e.df > most) most = e.df; });
      spelling = Math.min(spelling, most);
    });
    if (spelling !== Infinity && spelling > df) df = spelling;
  });
  return Math.log(1 + (this.meta.docs - df + 0.5) / (df + 0.5));
};

/* The stems of a spelling of several words, one after another in `seq`. */
function phraseIn(seq, parts) {
  for (var i = 0; i + parts.length <= seq.length; i++) {
    var k = 0;
    while (k < parts.length && parts[k].has(seq[i + k])) k++;
    if (k === parts.length) return true;
  }
  return false;
}

/* -- filters ----------------------------------------------------------------------- */

/* {pages: Set|null, docs: Set|null, none: bool}: what the filters allow. */
Engine.prototype.filterSets = function (filters) {
  var self = this, meta = this.meta, jobs = [], out = { pages: null, docs: null, active: false };
  var available = new Set(meta.filters || []);
  function intersect(set) { out.pages = out.pages ? new Set([...out.pages].filter(function (p) { return set.has(p); })) : set; }
  function matching(names, value) {
    return Object.keys(names).filter(function (id) { return id === value || W.fold(names[id] || "").indexOf(value) >= 0; });
  }
  if (filters.theme) {
    out.active = true;
    var themes = matching(meta.themes || {}, filters.theme).filter(function (id) { return available.has("theme-" + id); });
    jobs.push(Promise.all(themes.map(function (id) { return self.store.filter("theme-" + id); })).then(function (parts) {
      var set = new Set();
      parts.forEach(function (part) { pagesOf(part.pages).forEach(function (p) { set.add(p); }); });
      intersect(set);
    }));
  }
  if (filters.author) {
    out.active = true;
    jobs.push(self.store.filter("authors").then(function (part) {
      var set = new Set();
      (part.authors || []).forEach(function (pair) {
        if (W.fold(pair[0]).indexOf(filters.author) >= 0) pagesOf(pair[1]).forEach(function (p) { set.add(p); });
      });
      intersect(set);
    }));
  }
  if (filters.discipline) {
    out.active = true;
    var ids = matching(meta.disciplines || {}, filters.discipline)
      .filter(function (id) { return available.has("discipline-" + id); });
    jobs.push(Promise.all(ids.map(function (id) { return self.store.filter("discipline-" + id); })).then(function (parts) {
      var set = new Set();
      parts.forEach(function (part) {
        var flat = codec.decode(part.docs), page = 0;
        for (var k = 0; k + 1 < flat.length; k += 2) { page += flat[k]; set.add(page * SLOT + flat[k + 1]); }
      });
      out.docs = set;
    }));
  }
  return Promise.all(jobs).then(function () { return out; });
};

function pagesOf(text) {
  var out = [], page = 0;
  codec.decode(text).forEach(function (d) { page += d; out.push(page); });
  return out;
}

function allows(filter, key) {
  if (filter.pages && !filter.pages.has(Math.floor(key / SLOT))) return false;
  if (filter.docs && !filter.docs.has(key)) return false;
  return true;
}

/* -- pass 1: the postings ----------------------------------------------------------------- */

Engine.prototype.candidates = function (clauses, filter, queryKey) {
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
Engine.prototype.leads = function (p, queryKey, clauses) {
  var pages = queryKey ? this.lead.get(queryKey) : null;
  if (pages && pages.indexOf(p) >= 0) return true;
  return this.kinds[p] === "glossary" && clauses.length === 1 && clauses[0].term !== undefined;
};

/* page -> {hits, length}: how much of each page's title the query says. */
Engine.prototype.titleHits = function (clauses) {
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

/* -- pass 2: the pages' text ----------------------------------------------------------------- */

/* The documents of one fetched page, as pass 2 scores them. */
Engine.prototype.pageDocs = function (p, page) {
  var weights = this.weights;
  if (page.docs) return page;
  page.p = p;
  page.th = page.th || [];
  page.a = page.a || "";
  page.s = page.s || "";
  page.tf = new Map();
  W.words(page.t).map(function (x) { return [x.w, weights.title]; })
    .concat(W.words(page.a + " " + page.s).map(function (x) { return [x.w, weights.meta]; }))
    .forEach(function (x) { var s = W.stem(x[0]); page.tf.set(s, (page.tf.get(s) || 0) + x[1]); });
  page.tt = new Map(page.tt || []);
  page.titleStems = W.plain(W.words(page.t)).filter(function (x) { return !W.STOP[x.w]; })
    .map(function (x) { return W.stem(x.w); });
  page.docs = page.d.map(function (d, n) {
    var text = W.words(d[2]), tf = new Map();
    var add = function (w, weight) { var s = W.stem(w); tf.set(s, (tf.get(s) || 0) + weight); };
    text.forEach(function (x) { add(x.w, weights.text); });
    W.words(d[1]).forEach(function (x) { add(x.w, weights.head); });
    var seq = W.plain(text).map(function (x) { return W.stem(x.w); });
    return { page: page, n: n, key: p * SLOT + n, anchor: d[0], head: d[1], text: d[2],
             disciplines: d[3] ? d[3].split(" ") : [], terms: new Map(d[4] || []), len: seq.length + 4, seq: seq,
             tf: tf };  // fmt: skip
  });
  return page;
};

Engine.prototype.exact = function (pages, clauses, filters, filter, queryKey) {
  var self = this, K1 = this.K1, B = this.B, avglen = this.meta.avglen;
  var shortest = (this.meta.short || 0) * avglen;
  var wanted = wantedStems(clauses), ranked = [];
  pages.forEach(function (page) {
    page.docs.forEach(function (d) {
      if (!passes(d, page, filters, self.meta) || !allows(filter, d.key)) return;
      var score = 0, hit = [];
      clauses.forEach(function (clause, c) {
        var best = -1, term = clause.idf !== undefined;
        if (clause.token && page.k === "article") {
          var ttf = d.terms.get(clause.termId), ptf = page.tt.get(clause.termId);
          if (ttf) {
            var tdl = Math.max(d.len, shortest);
            best = clause.idf * ttf * (K1 + 1) / (ttf + K1 * (1 - B + B * tdl / avglen));
          }
          if (ptf) best = Math.max(best, 0) + self.pageIdf(clause.token) * ptf * (K1 + 1) / (ptf + K1) * 0.5;
          // The spelling typed ("empathetic", not only "empathy") in the passage.
          if (ttf && hasForm(d, new Set([clause.words.join("")]))) best *= EXACT_FORM;
          if (best >= 0) { score += best; hit.push(c); }
          return;
        }
        clause.spellings.forEach(function (parts) {
          var sum = 0, share = term ? 1 / parts.length : 1, inText = 0;
          for (var i = 0; i < parts.length; i++) {
            var here = -1, bonus = -1;
            parts[i].forEach(function (weight, s) {
              var tf = d.tf.get(s);
              if (tf) {
                var dl = Math.max(d.len, shortest);
                var idf = (term ? clause.idf : wordIdf(self, parts[i], s)) * share;
                var value = weight * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * dl / avglen));
                if (value > here) here = value;
              }
              var ptf = page.tf.get(s);
              if (ptf) {
                var extra = weight * self.pageIdf(s) * ptf * (K1 + 1) / (ptf + K1) * 0.5;
                if (extra > bonus) bonus = extra;
              }
            });
            if (here < 0 && bonus < 0) return;
            if (here >= 0) inText++;
            sum += Math.max(here, 0) + Math.max(bonus, 0);
          }
          // A spelling of several words is a phrase: its words one after
          // another in the passage or its heading (or all in the page's title).
          if (parts.length > 1 && inText && !phraseIn(d.seq, parts) && !phraseIn(headSeq(d), parts)) {
            if (inText === parts.length || !parts.every(function (alts) { return hasAny(page.tf, alts); })) return;
          }
          // The word as typed (not only its stem) in the passage: "wholesomeness"
          // before "wholesome", "demographics" before "demographic".
          if (!term && parts.length === 1 && parts[0].forms && hasForm(d, parts[0].forms)) sum *= EXACT_FORM;
          if (sum > best) best = sum;
        });
        if (best >= 0) { score += best; hit.push(c); }
      });
      var matched = hit.length;
      if (clauses.length) {
        if (!matched) return;
        var coverage = matched / clauses.length;
        score *= coverage * coverage;
        score *= proximity(d, clauses, hit);
      } else {
        score = 1;
      }
      if (page.k === "article") score *= pageTitleBonus(page, wanted);
      // A label ("CX Strategy", an item of a list of names) is not an answer
      // unless the query says all of it.
      if (isLabel(d) && !d.seq.every(function (s) { return wanted.has(s) || W.STOP[s]; })) score *= LABEL;
      var kind = KIND[page.k] || KIND.page;
      if (page.k !== "article" && queryKey && (headKey(d) === queryKey || W.joinedKey(page.t) === queryKey ||
          isTermQuery(self, clauses, d))) kind = LEAD;
      // Outside the articles, a section must match in its own words.
      if (page.k !== "article" && !snippets.marks(d.text + " " + d.head, clauses).length) return;
      score *= kind;
      score *= 1 - Math.min(d.n, 50) * 0.0005;  // earlier passages first on ties
      ranked.push([d, score]);
    });
  });
  ranked.sort(function (a, b) { return b[1] - a[1] || a[0].key - b[0].key; });
  return ranked;
};

/* The bits of the forms of a stem's entry that are the word as typed. */
function formBits(entry, forms) {
  var bits = 0;
  if (!forms) return 0;
  for (var i = 0; i < Math.min(entry.words.length, FORMS); i++) if (forms.has(entry.words[i])) bits |= 1 << i;
  return bits;
}

function wordIdf(engine, alts, s) {
  var idf = engine.idf(s);
  return alts.cap !== undefined && s !== alts.exact ? Math.min(idf, alts.cap) : idf;
}

/* A few words: a name, a heading repeated as a list item ("CX Live!"). */
function isLabel(d) {
  return d.seq.length <= LABEL_WORDS;
}

function hasForm(d, forms) {
  if (!d.forms) {
    d.forms = new Set();
    W.words(d.text + " " + d.head).forEach(function (x) { d.forms.add(x.w); });
  }
  for (var f of forms) if (d.forms.has(f)) return true;
  return false;
}

function headSeq(d) {
  if (d.headSeq === undefined) d.headSeq = W.plain(W.words(d.head)).map(function (x) { return W.stem(x.w); });
  return d.headSeq;
}

function hasAny(map, alts) {
  var found = false;
  alts.forEach(function (_, s) { if (map.get(s)) found = true; });
  return found;
}

function headKey(d) {
  if (d.headKey === undefined) d.headKey = W.joinedKey(d.head.replace(/\(.*\)/, ""));
  return d.headKey;
}

function pageTitleBonus(page, wanted) {
  if (!page.titleStems.length) return 1;
  var hit = page.titleStems.filter(function (s) { return wanted.has(s); }).length / page.titleStems.length;
  return 1 + 0.6 * hit * hit + (hit === 1 ? 1.5 : 0);
}

function isTermQuery(engine, clauses, d) {
  if (clauses.length !== 1 || clauses[0].term === undefined || d.page.k !== "glossary") return false;
  var group = engine.groups[clauses[0].term];
  var head = W.plain(W.words(d.head.replace(/\(.*\)/, ""))).map(function (x) { return W.stem(x.w); }).join(" ");
  return group.some(function (stems) { return head === stems.join(" "); });
}

function passes(d, page, filters, meta) {
  if (filters.theme) {
    var t = filters.theme, names = meta.themes || {};
    if (!page.th.some(function (id) { return id === t || W.fold(names[id] || "").indexOf(t) >= 0; })) return false;
  }
  if (filters.author && W.fold(page.a).indexOf(filters.author) < 0) return false;
  if (filters.discipline) {
    var want = filters.discipline, dn = meta.disciplines || {};
    if (!d.disciplines.some(function (id) { return id === want || W.fold(dn[id] || "").indexOf(want) >= 0; })) return false;
  }
  return true;
}

/* Query words side by side in the passage, in order: up to twice the score. */
function proximity(d, clauses, hit) {
  if (!hit || hit.length < 2) return 1;
  var stems = clauses.map(function (c) {
    var set = new Set();
    c.spellings.forEach(function (parts) {
      parts[0].forEach(function (_, s) { set.add(s); });
      parts[parts.length - 1].forEach(function (_, s) { set.add(s); });
    });
    return set;
  });
  var pairs = 0, adjacent = 0;
  for (var c = 0; c + 1 < clauses.length; c++) {
    pairs++;
    var seq = d.seq, a = stems[c], b = stems[c + 1];
    for (var i = 0; i + 1 < seq.length; i++) {
      if (a.has(seq[i]) && (b.has(seq[i + 1]) || (i + 2 < seq.length && b.has(seq[i + 2])))) { adjacent++; break; }
    }
  }
  return 1 + adjacent / pairs;
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

module.exports = { Engine: Engine, SLOT: SLOT, PAGES_SHOWN: PAGES_SHOWN, describe: describe };
