/*
 * CX knowledge base search worker (kb/search_worker.js, installed over
 * Material's search worker by kb/search.py). It speaks Material's worker
 * protocol (SETUP -> READY, QUERY -> RESULT with items grouped by page), so
 * Material's search box, result list and page highlighting stay as they are.
 *
 * One document per passage; ranking: BM25 over the passage text, its section
 * heading, the page title and the page's author and source; glossary
 * synonyms; British/American spellings; stemming; prefix matching as you
 * type; one-edit typo tolerance for words of five letters or more; a bonus
 * for query words side by side; filters theme:, discipline:, author:.
 */
"use strict";

/*!
 * Porter stemmer from lunr.js 2.3.9 (MIT licence)
 * Copyright (C) 2020 Oliver Nightingale
 * Includes code from - http://tartarus.org/~martin/PorterStemmer/js.txt
 */
var porterStem = (function(){
  var step2list = {
      "ational" : "ate",
      "tional" : "tion",
      "enci" : "ence",
      "anci" : "ance",
      "izer" : "ize",
      "bli" : "ble",
      "alli" : "al",
      "entli" : "ent",
      "eli" : "e",
      "ousli" : "ous",
      "ization" : "ize",
      "ation" : "ate",
      "ator" : "ate",
      "alism" : "al",
      "iveness" : "ive",
      "fulness" : "ful",
      "ousness" : "ous",
      "aliti" : "al",
      "iviti" : "ive",
      "biliti" : "ble",
      "logi" : "log"
    },

    step3list = {
      "icate" : "ic",
      "ative" : "",
      "alize" : "al",
      "iciti" : "ic",
      "ical" : "ic",
      "ful" : "",
      "ness" : ""
    },

    c = "[^aeiou]",          // consonant
    v = "[aeiouy]",          // vowel
    C = c + "[^aeiouy]*",    // consonant sequence
    V = v + "[aeiou]*",      // vowel sequence

    mgr0 = "^(" + C + ")?" + V + C,               // [C]VC... is m>0
    meq1 = "^(" + C + ")?" + V + C + "(" + V + ")?$",  // [C]VC[V] is m=1
    mgr1 = "^(" + C + ")?" + V + C + V + C,       // [C]VCVC... is m>1
    s_v = "^(" + C + ")?" + v;                   // vowel in stem

  var re_mgr0 = new RegExp(mgr0);
  var re_mgr1 = new RegExp(mgr1);
  var re_meq1 = new RegExp(meq1);
  var re_s_v = new RegExp(s_v);

  var re_1a = /^(.+?)(ss|i)es$/;
  var re2_1a = /^(.+?)([^s])s$/;
  var re_1b = /^(.+?)eed$/;
  var re2_1b = /^(.+?)(ed|ing)$/;
  var re_1b_2 = /.$/;
  var re2_1b_2 = /(at|bl|iz)$/;
  var re3_1b_2 = new RegExp("([^aeiouylsz])\\1$");
  var re4_1b_2 = new RegExp("^" + C + v + "[^aeiouwxy]$");

  var re_1c = /^(.+?[^aeiou])y$/;
  var re_2 = /^(.+?)(ational|tional|enci|anci|izer|bli|alli|entli|eli|ousli|ization|ation|ator|alism|iveness|fulness|ousness|aliti|iviti|biliti|logi)$/;

  var re_3 = /^(.+?)(icate|ative|alize|iciti|ical|ful|ness)$/;

  var re_4 = /^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$/;
  var re2_4 = /^(.+?)(s|t)(ion)$/;

  var re_5 = /^(.+?)e$/;
  var re_5_1 = /ll$/;
  var re3_5 = new RegExp("^" + C + v + "[^aeiouwxy]$");

  var porterStemmer = function porterStemmer(w) {
    var stem,
      suffix,
      firstch,
      re,
      re2,
      re3,
      re4;

    if (w.length < 3) { return w; }

    firstch = w.substr(0,1);
    if (firstch == "y") {
      w = firstch.toUpperCase() + w.substr(1);
    }

    // Step 1a
    re = re_1a
    re2 = re2_1a;

    if (re.test(w)) { w = w.replace(re,"$1$2"); }
    else if (re2.test(w)) { w = w.replace(re2,"$1$2"); }

    // Step 1b
    re = re_1b;
    re2 = re2_1b;
    if (re.test(w)) {
      var fp = re.exec(w);
      re = re_mgr0;
      if (re.test(fp[1])) {
        re = re_1b_2;
        w = w.replace(re,"");
      }
    } else if (re2.test(w)) {
      var fp = re2.exec(w);
      stem = fp[1];
      re2 = re_s_v;
      if (re2.test(stem)) {
        w = stem;
        re2 = re2_1b_2;
        re3 = re3_1b_2;
        re4 = re4_1b_2;
        if (re2.test(w)) { w = w + "e"; }
        else if (re3.test(w)) { re = re_1b_2; w = w.replace(re,""); }
        else if (re4.test(w)) { w = w + "e"; }
      }
    }

    // Step 1c - replace suffix y or Y by i if preceded by a non-vowel which is not the first letter of the word (so cry -> cri, by -> by, say -> say)
    re = re_1c;
    if (re.test(w)) {
      var fp = re.exec(w);
      stem = fp[1];
      w = stem + "i";
    }

    // Step 2
    re = re_2;
    if (re.test(w)) {
      var fp = re.exec(w);
      stem = fp[1];
      suffix = fp[2];
      re = re_mgr0;
      if (re.test(stem)) {
        w = stem + step2list[suffix];
      }
    }

    // Step 3
    re = re_3;
    if (re.test(w)) {
      var fp = re.exec(w);
      stem = fp[1];
      suffix = fp[2];
      re = re_mgr0;
      if (re.test(stem)) {
        w = stem + step3list[suffix];
      }
    }

    // Step 4
    re = re_4;
    re2 = re2_4;
    if (re.test(w)) {
      var fp = re.exec(w);
      stem = fp[1];
      re = re_mgr1;
      if (re.test(stem)) {
        w = stem;
      }
    } else if (re2.test(w)) {
      var fp = re2.exec(w);
      stem = fp[1] + fp[2];
      re2 = re_mgr1;
      if (re2.test(stem)) {
        w = stem;
      }
    }

    // Step 5
    re = re_5;
    if (re.test(w)) {
      var fp = re.exec(w);
      stem = fp[1];
      re = re_mgr1;
      re2 = re_meq1;
      re3 = re3_5;
      if (re.test(stem) || (re2.test(stem) && !(re3.test(stem)))) {
        w = stem;
      }
    }

    re = re_5_1;
    re2 = re_mgr1;
    if (re.test(w) && re2.test(w)) {
      re = re_1b_2;
      w = w.replace(re,"");
    }

    // and turn initial Y back to y

    if (firstch == "y") {
      w = firstch.toLowerCase() + w.substr(1);
    }

    return w;
  };

  return porterStemmer;
})();


var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var K1 = 1.2, B = 0.6;
var WEIGHT = { text: 1, head: 1.5, title: 0.8, meta: 3 };
var KIND = { article: 1, glossary: 0.45, theme: 0.35, page: 0.25 };
var STOP = {};
("a an and are as at be but by can could did do does for from had has have how i if in into is it its " +
 "me my of on or our should so than that the their them then there these they this those to too was we " +
 "were what when where which who whom why will with would you your about not no").split(" ")
  .forEach(function (w) { STOP[w] = true; });
var SPELLING = { programme: "program", programmes: "programs", defence: "defense", licence: "license",
  ageing: "aging", judgement: "judgment", enquiry: "inquiry", enquiries: "inquiries", grey: "gray" };

var config = null, engine = null, loading = null;

/* -- words ---------------------------------------------------------------- */

/* Lower case without accents, one character for one (offsets stay valid). */
function fold(text) {
  return text.replace(/[^\x00-\x7f]/g, function (ch) {
    if (ch === "\u2018" || ch === "\u2019") return "'";
    var plain = ch.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return plain.length === 1 ? plain : ch;
  }).toLowerCase();
}

/* One spelling for British and American forms (both sides of the search). */
var americanCache = new Map();
function american(w) {
  if (w.length < 5) return SPELLING[w] || w;
  var a = americanCache.get(w);
  if (a === undefined) americanCache.set(w, a = SPELLING[w] || toAmerican(w));
  return a;
}

function toAmerican(w) {
  return w
    .replace(/^([a-z]{3,})is(e|es|ed|ing|ation|ations|er|ers)$/, "$1iz$2")
    .replace(/^([a-z]{2,})ys(e|es|ed|ing)$/, "$1yz$2")
    .replace(/^([a-z]{3,})our(s|ed|ing|able|ite|ites|ful)?$/, "$1or$2")
    .replace(/^([a-z]{3,})tre(s)?$/, "$1ter$2")
    .replace(/^([a-z]{3,})ogue(s)?$/, "$1og$2")
    .replace(/^([a-z]{2,}[aeiou])ll(ed|ing|er|ers)$/, "$1l$2");
}

var stemCache = new Map();
function stem(w) {
  var s = stemCache.get(w);
  if (s === undefined) {
    s = w.length > 2 && !/\d/.test(w) ? porterStem(w) : w;
    stemCache.set(w, s);
  }
  return s;
}

/*
 * Words with offsets. "touch-points" and "e-commerce" give their parts and
 * the joined word ("touchpoints"), "DaveLewan.com" gives "davelewan", "com"
 * and "davelewancom": each at the position of its first part.
 */
var WORD = /[\p{L}\p{N}]+(?:'[\p{L}]+)?(?:[-.\/][\p{L}\p{N}]+)*/gu;
function words(text) {
  var out = [], m, position = 0;
  var folded = fold(text);
  WORD.lastIndex = 0;
  while ((m = WORD.exec(folded))) {
    var raw = m[0], start = m.index;
    var parts = raw.split(/[-.\/]/);
    var offset = start;
    for (var i = 0; i < parts.length; i++) {
      var part = parts[i].replace(/'s$/, "").replace(/'/g, "");
      if (part) out.push({ w: american(part), start: offset, end: offset + parts[i].length, pos: position++ });
      offset += parts[i].length + 1;
    }
    if (parts.length > 1) {
      var joined = american(parts.join("").replace(/'/g, ""));
      out.push({ w: joined, start: start, end: start + raw.length, pos: position - parts.length, joined: true });
    }
  }
  return out;
}

/* -- the index -------------------------------------------------------------- */

function Engine(data) {
  this.pages = data.pages;
  this.themes = data.themes || {};
  this.disciplines = data.disciplines || {};
  this.docs = [];
  this.postings = new Map();   // stem -> [doc, weighted tf, doc, weighted tf, ...]
  this.pagePostings = new Map();  // stem -> [page, weighted tf, ...]: title, author, source
  this.vocab = new Map();      // word -> stem
  this.synonyms = new Map();   // joined spelling -> group index
  this.groups = [];
  var lengths = 0, self = this;
  data.pages.forEach(function (page, p) {
    var pageTf = new Map();
    words(page.t).map(function (x) { return [x.w, WEIGHT.title]; })
      .concat(words(page.a + " " + page.s).map(function (x) { return [x.w, WEIGHT.meta]; }))
      .forEach(function (x) {
        var s = stem(x[0]);
        if (!self.vocab.has(x[0])) self.vocab.set(x[0], s);
        pageTf.set(s, (pageTf.get(s) || 0) + x[1]);
      });
    pageTf.forEach(function (value, s) {
      var list = self.pagePostings.get(s);
      if (!list) self.pagePostings.set(s, list = []);
      list.push(p, value);
    });
    page.titleStems = words(page.t).filter(function (x) { return !x.joined && !STOP[x.w]; })
      .map(function (x) { return stem(x.w); });
    page.first = self.docs.length;
    page.count = page.d.length;
    page.d.forEach(function (d, n) {
      var id = self.docs.length;
      var text = words(d[2]);
      var tf = new Map();
      var add = function (w, weight) {
        var s = stem(w);
        if (!self.vocab.has(w)) self.vocab.set(w, s);
        tf.set(s, (tf.get(s) || 0) + weight);
      };
      text.forEach(function (x) { add(x.w, WEIGHT.text); });
      words(d[1]).forEach(function (x) { add(x.w, WEIGHT.head); });
      tf.forEach(function (value, s) {
        var list = self.postings.get(s);
        if (!list) self.postings.set(s, list = []);
        list.push(id, value);
      });
      var seq = text.filter(function (x) { return !x.joined; }).map(function (x) { return stem(x.w); });
      self.docs.push({ page: p, n: n, anchor: d[0], head: d[1], text: d[2],
                       disciplines: d[3] ? d[3].split(" ") : [], len: seq.length + 4, seq: seq });
      lengths += seq.length + 4;
    });
  });
  this.avglen = lengths / Math.max(1, this.docs.length);
  (data.synonyms || []).forEach(function (group, g) {
    self.groups.push(group.map(function (spelling) {
      return words(spelling).filter(function (x) { return !x.joined; }).map(function (x) { return stem(x.w); });
    }));
    group.forEach(function (spelling) { self.synonyms.set(joinedKey(spelling), g); });
  });
}

function joinedKey(text) {
  return words(text).filter(function (x) { return !x.joined; }).map(function (x) { return x.w; }).join("");
}

Engine.prototype.idf = function (s) {
  var list = this.postings.get(s);
  var df = list ? list.length / 2 : 0;
  return Math.log(1 + (this.docs.length - df + 0.5) / (df + 0.5));
};

function editDistanceOne(a, b) {
  var la = a.length, lb = b.length;
  if (Math.abs(la - lb) > 1 || a === b) return false;
  var i = 0, j = 0, edits = 0;
  while (i < la && j < lb) {
    if (a[i] === b[j]) { i++; j++; continue; }
    if (++edits > 1) return false;
    if (la > lb) i++;
    else if (lb > la) j++;
    else if (i + 1 < la && a[i] === b[j + 1] && a[i + 1] === b[j]) { i += 2; j += 2; }  // swapped letters
    else { i++; j++; }
  }
  return edits + (la - i) + (lb - j) <= 1;
}

/* The stems a query word may match, each with a weight. */
Engine.prototype.alternatives = function (w, last) {
  var alts = new Map();
  var put = function (s, weight) { if (!alts.has(s) || alts.get(s) < weight) alts.set(s, weight); };
  var exact = stem(w);
  if (this.postings.has(exact) || this.pagePostings.has(exact)) put(exact, 1);
  var self = this, count = 0;
  if (last && w.length >= 2) {
    this.vocab.forEach(function (s, v) {
      if (count < 40 && v.length > w.length && v.lastIndexOf(w, 0) === 0) { put(s, 0.75); count++; }
    });
  }
  if (!this.vocab.has(w) && w.length >= 5) {
    this.vocab.forEach(function (s, v) { if (editDistanceOne(w, v)) put(s, 0.7); });
  }
  return alts;
};

/* -- a query -------------------------------------------------------------------- */

function parseFilters(query) {
  var filters = {};
  var rest = query.replace(/\b(theme|discipline|author):("[^"]*"|\S+)/gi, function (_, key, value) {
    filters[key.toLowerCase()] = fold(value.replace(/"/g, ""));
    return " ";
  });
  return { filters: filters, rest: rest };
}

Engine.prototype.clauses = function (text) {
  var list = words(text).filter(function (x) { return !x.joined; });
  var dropStop = list.some(function (x) { return !STOP[x.w]; });
  var clauses = [], i = 0;
  while (i < list.length) {
    // The longest run of words that spells a glossary term ("net promoter score", "touch point").
    var found = -1, end = i;
    for (var j = Math.min(list.length, i + 5); j > i; j--) {
      var key = list.slice(i, j).map(function (x) { return x.w; }).join("");
      var g = this.synonyms.get(key);
      if (g === undefined && key.length > 3 && /s$/.test(key)) g = this.synonyms.get(key.replace(/e?s$/, ""));
      if (g !== undefined && (j - i > 1 || key.length > 1)) { found = g; end = j; break; }
    }
    if (found >= 0) {
      var spellings = this.groups[found].map(function (stems) {
        return stems.map(function (s) { return new Map([[s, 1]]); });
      });
      // The joined spelling ("touchpoint") is a word of its own.
      var joined = list.slice(i, end).map(function (x) { return x.w; }).join("");
      spellings.push([this.alternatives(joined, false)]);
      clauses.push({ words: list.slice(i, end).map(function (x) { return x.w; }), spellings: spellings,
                     term: found });
      i = end;
    } else if (dropStop && STOP[list[i].w]) {
      i++;
    } else {
      var w = list[i].w;
      clauses.push({ words: [w], spellings: [[this.alternatives(w, i === list.length - 1)]] });
      i++;
    }
  }
  return clauses;
};

Engine.prototype.search = function (query) {
  var parsed = parseFilters(query);
  var clauses = this.clauses(parsed.rest);
  if (!clauses.length && !Object.keys(parsed.filters).length) return { items: [] };
  var self = this, scores = new Map(), matched = new Map();
  clauses.forEach(function (clause, c) {
    var best = new Map();  // doc -> best score for this clause
    clause.spellings.forEach(function (parts) {
      // Every part of a spelling must be present: score the rarest-first sum.
      var partial = null;
      parts.forEach(function (alts) {
        var here = new Map(), bonus = new Map();
        alts.forEach(function (weight, s) {
          var list = self.postings.get(s) || [];
          var idf = self.idf(s);
          for (var k = 0; k < list.length; k += 2) {
            var doc = list[k], tf = list[k + 1], d = self.docs[doc];
            var value = weight * idf * tf * (K1 + 1) / (tf + K1 * (1 - B + B * d.len / self.avglen));
            if (!here.has(doc) || here.get(doc) < value) here.set(doc, value);
          }
          // Title, author and source: the same for every passage of the page.
          var pages = self.pagePostings.get(s) || [];
          var pageIdf = Math.log(1 + (self.pages.length - pages.length / 2 + 0.5) / (pages.length / 2 + 0.5));
          for (k = 0; k < pages.length; k += 2) {
            var page = self.pages[pages[k]], ptf = pages[k + 1];
            var extra = weight * pageIdf * ptf * (K1 + 1) / (ptf + K1) * 0.5;
            for (var n = page.first; n < page.first + page.count; n++) {
              if (!bonus.has(n) || bonus.get(n) < extra) bonus.set(n, extra);
            }
          }
        });
        bonus.forEach(function (extra, doc) { here.set(doc, (here.get(doc) || 0) + extra); });
        if (partial === null) partial = here;
        else {
          var next = new Map();
          partial.forEach(function (value, doc) { if (here.has(doc)) next.set(doc, value + here.get(doc)); });
          partial = next;
        }
      });
      (partial || new Map()).forEach(function (value, doc) {
        if (!best.has(doc) || best.get(doc) < value) best.set(doc, value);
      });
    });
    best.forEach(function (value, doc) {
      scores.set(doc, (scores.get(doc) || 0) + value);
      var m = matched.get(doc);
      if (!m) matched.set(doc, m = []);
      m.push(c);
    });
  });
  if (!clauses.length) this.docs.forEach(function (_, doc) { scores.set(doc, 1); matched.set(doc, []); });

  var filters = parsed.filters;
  var wanted = new Set();
  clauses.forEach(function (c) {
    c.spellings.forEach(function (parts) { parts.forEach(function (alts) { alts.forEach(function (_, s) { wanted.add(s); }); }); });
  });
  var queryKey = clauses.map(function (c) { return c.words.join(""); }).join("");
  var ranked = [];
  scores.forEach(function (score, doc) {
    var d = self.docs[doc], page = self.pages[d.page];
    if (!self.passes(d, page, filters)) return;
    var coverage = clauses.length ? matched.get(doc).length / clauses.length : 1;
    score *= coverage * coverage;
    score *= self.proximity(d, clauses, matched.get(doc));
    if (page.k === "article") score *= titleBonus(page, wanted);
    var kind = KIND[page.k] || KIND.page;
    // A glossary entry or a theme page leads only when the query is its name.
    if (page.k !== "article" && queryKey && (headKey(d) === queryKey || joinedKey(page.t) === queryKey ||
        self.isTermQuery(clauses, d))) kind = 4;
    // Outside the articles, a section must match in its own words.
    if (page.k !== "article" && !self.marks(d.text + " " + d.head, clauses).length) return;
    score *= kind;
    score *= 1 - Math.min(d.n, 50) * 0.0005;  // earlier passages first on ties
    ranked.push([doc, score]);
  });
  ranked.sort(function (a, b) { return b[1] - a[1]; });
  return { items: this.group(ranked.slice(0, 120), clauses), suggest: this.suggest(clauses) };
};

function headKey(d) {
  if (d.headKey === undefined) d.headKey = joinedKey(d.head.replace(/\(.*\)/, ""));
  return d.headKey;
}

/* A query that says the page's title: the more of the title, the higher. */
function titleBonus(page, wanted) {
  if (!page.titleStems.length) return 1;
  var hit = page.titleStems.filter(function (s) { return wanted.has(s); }).length / page.titleStems.length;
  return 1 + 0.6 * hit * hit + (hit === 1 ? 1.5 : 0);
}

/* The clause matches the page's title, author or source. */
Engine.prototype.pageHas = function (page, clause) {
  var p = this.pages.indexOf(page), self = this;
  return clause.spellings.some(function (parts) {
    return parts.every(function (alts) {
      var found = false;
      alts.forEach(function (_, s) {
        var list = self.pagePostings.get(s) || [];
        for (var k = 0; k < list.length; k += 2) if (list[k] === p) found = true;
      });
      return found;
    });
  });
};

Engine.prototype.isTermQuery = function (clauses, d) {
  if (clauses.length !== 1 || clauses[0].term === undefined) return false;
  var page = this.pages[d.page];
  if (page.k !== "glossary") return false;
  var group = this.groups[clauses[0].term];
  var head = words(d.head.replace(/\(.*\)/, "")).filter(function (x) { return !x.joined; })
    .map(function (x) { return stem(x.w); }).join(" ");
  return group.some(function (stems) { return head === stems.join(" "); });
};

Engine.prototype.passes = function (d, page, filters) {
  if (filters.theme) {
    var self = this, t = filters.theme;
    if (!page.th.some(function (id) { return id === t || fold(self.themes[id] || "").indexOf(t) >= 0; })) return false;
  }
  if (filters.author && fold(page.a).indexOf(filters.author) < 0) return false;
  if (filters.discipline) {
    var names = this.disciplines, want = filters.discipline;
    if (!d.disciplines.some(function (id) { return id === want || fold(names[id] || "").indexOf(want) >= 0; })) return false;
  }
  return true;
};

/* Query words side by side in the passage, in order: up to twice the score. */
Engine.prototype.proximity = function (d, clauses, hit) {
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
};

Engine.prototype.suggest = function (clauses) {
  if (!clauses.length) return [];
  var last = clauses[clauses.length - 1];
  if (last.term !== undefined) return [];
  var w = last.words[0], best = null, bestCount = -1, self = this;
  if (w.length < 2) return [];
  this.vocab.forEach(function (s, v) {
    if (v.length > w.length && v.lastIndexOf(w, 0) === 0 && !/\d/.test(v)) {
      var list = self.postings.get(s), n = list ? list.length : 0;
      if (n > bestCount) { best = v; bestCount = n; }
    }
  });
  return best ? [best] : [];
};

/* -- results in Material's shape -------------------------------------------------- */

function escapeHTML(text) {
  return text.replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

/* The matched words of a text, as [start, end] ranges of the original. */
Engine.prototype.marks = function (text, clauses) {
  var want = new Set();
  clauses.forEach(function (c) {
    c.spellings.forEach(function (parts) { parts.forEach(function (alts) { alts.forEach(function (_, s) { want.add(s); }); }); });
  });
  return words(text).filter(function (x) { return !STOP[x.w] && want.has(stem(x.w)); })
    .map(function (x) { return [x.start, x.end]; });
};

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

Engine.prototype.group = function (ranked, clauses) {
  var self = this, groups = new Map(), order = [];
  ranked.forEach(function (entry) {
    var d = self.docs[entry[0]];
    var list = groups.get(d.page);
    if (!list) { groups.set(d.page, list = []); order.push(d.page); }
    if (list.length < 5) list.push(entry);
  });
  return order.map(function (p) {
    var page = self.pages[p], entries = groups.get(p);
    var best = entries[0][1];
    var items = entries.map(function (entry) {
      var d = self.docs[entry[0]];
      var ranges = self.marks(d.text, clauses);
      var terms = {};
      ranges.forEach(function (r) { terms[d.text.slice(r[0], r[1]).toLowerCase()] = true; });
      var headRanges = self.marks(d.head, clauses);
      headRanges.forEach(function (r) { terms[d.head.slice(r[0], r[1]).toLowerCase()] = true; });
      clauses.forEach(function (c) {
        var hit = c.spellings.some(function (parts) {
          return parts.every(function (alts) {
            return d.seq.some(function (s) { return alts.has(s); });
          });
        });
        if (!ranges.length && !headRanges.length) terms[c.words.join(" ")] = hit || self.pageHas(page, c);
      });
      var title = page.k === "article" ? (d.head || page.t) : (d.head || page.t);
      return {
        location: page.u + (d.anchor ? "#" + d.anchor : ""),
        title: highlight(title, self.marks(title, clauses), 0),
        text: "<p>" + highlight(d.text, ranges, 300) + "</p>",
        score: entry[1],
        terms: terms
      };
    });
    // The page's own top section, if it matched, heads the group (with its
    // snippet); otherwise a plain heading links the page.
    var top = items.filter(function (item) { return item.location === page.u; })[0];
    var head = top ? { location: page.u, title: escapeHTML(page.t), text: top.text, score: top.score, terms: top.terms }
      : { location: page.u, title: escapeHTML(page.t), text: "", score: best * 0.5, terms: groupTerms(items) };
    return [head].concat(items.filter(function (item) { return item.location !== page.u; }));
  });
};

/* -- the protocol -------------------------------------------------------------------- */

function load() {
  if (!loading) {
    loading = (config.kb_index ? Promise.resolve(config.kb_index)
      : fetch(new URL(config.kb_index_url, new URL("../../../", self.location.href)).href)
          .then(function (r) { return r.json(); }))
      .then(function (data) { engine = new Engine(data); });
  }
  return loading;
}

async function handler(message) {
  switch (message.type) {
    case SETUP:
      config = message.data.config;
      return { type: READY };
    case QUERY:
      var query = message.data || "";
      if (!query.trim()) return { type: RESULT, data: { items: [] } };
      try {
        await load();
        return { type: RESULT, data: engine.search(query) };
      } catch (err) {
        console.warn("Search failed for " + JSON.stringify(query), err);
        return { type: RESULT, data: { items: [] } };
      }
    default:
      throw new TypeError("Invalid message type");
  }
}

if (typeof module !== "undefined") {
  module.exports = { Engine: Engine, words: words, american: american, editDistanceOne: editDistanceOne };
} else {
  addEventListener("message", async function (ev) { postMessage(await handler(ev.data)); });
}
