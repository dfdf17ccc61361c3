/*
 * Pass 2, over the shown pages' text (their fragments): the same scores
 * computed exactly, plus what needs the words in order: a multi-word
 * spelling as a phrase, query words side by side, a glossary or theme page
 * leading only when the query is its own name, labels below answers.
 */
"use strict";

var W = require("../words");
var snippets = require("../snippets");
var T = require("./terms");
var F = require("./filters");
var C = require("./constants");
var KIND = C.KIND;
var LEAD = C.LEAD;
var SLOT = C.SLOT;
var EXACT_FORM = C.EXACT_FORM;
var LABEL_WORDS = C.LABEL_WORDS;
var LABEL = C.LABEL;
var wordIdf = T.wordIdf, wantedStems = T.wantedStems, phraseIn = T.phraseIn, allows = F.allows;

var methods = {};


/* The documents of one fetched page, as pass 2 scores them. */
methods.pageDocs = function (p, page) {
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

methods.exact = function (pages, clauses, filters, filter, queryKey) {
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


module.exports = { methods: methods };
