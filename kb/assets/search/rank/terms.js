/*
 * A query's words as the index knows them: the stems each typed word may
 * match (its stem, the stem's stem, a prefix while typing, one typo), a
 * glossary term's shared weight, and the helpers both passes use.
 */
"use strict";

var W = require("../words");
var C = require("./constants");
var PREFIX_ALTERNATIVES = C.PREFIX_ALTERNATIVES;
var TERM = C.TERM;
var FORMS = C.FORMS;

var methods = {};

methods.alternatives = function (w, last) {
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

methods.resolve = function (clauses) {
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
methods.termIdf = function (clause) {
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

function wantedStems(clauses) {
  var wanted = new Set();
  clauses.forEach(function (c) {
    c.spellings.forEach(function (parts) { parts.forEach(function (alts) { alts.forEach(function (_, s) { wanted.add(s); }); }); });
  });
  return wanted;
}

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


module.exports = { methods: methods, phraseIn: phraseIn, wantedStems: wantedStems, formBits: formBits, wordIdf: wordIdf };
