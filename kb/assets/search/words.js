/*
 * Words: folding, British and American spellings, splitting, stemming.
 * kb/search_text.py does exactly the same in Python when the build writes the
 * index; tests/test_search_index.py compares the two on real text.
 */
"use strict";

var porterStem = require("./porter");

var STOP = {};
("a an and are as at be but by can could did do does for from had has have how i if in into is it its " +
 "me my of on or our should so than that the their them then there these they this those to too was we " +
 "were what when where which who whom why will with would you your about not no").split(" ")
  .forEach(function (w) { STOP[w] = true; });

var SPELLING = { programme: "program", programmes: "programs", defence: "defense", licence: "license",
  ageing: "aging", judgement: "judgment", enquiry: "inquiry", enquiries: "inquiries", grey: "gray" };

/* Lower case without accents, one character for one (offsets stay valid). */
function fold(text) {
  return text.replace(/[^\x00-\x7f]/g, function (ch) {
    if (ch === "\u2018" || ch === "\u2019") return "'";
    var plain = ch.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    return plain.length === 1 ? plain : ch;
  }).toLowerCase();
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

/* One spelling for British and American forms (both sides of the search). */
var americanCache = new Map();
function american(w) {
  if (w.length < 5) return SPELLING[w] || w;
  var a = americanCache.get(w);
  if (a === undefined) americanCache.set(w, a = SPELLING[w] || toAmerican(w));
  return a;
}

var stemCache = new Map();
function stem(w) {
  var s = stemCache.get(w);
  if (s === undefined) {
    s = w.length > 2 && !/\d/.test(w) ? porterStem(w) : w;
    if (stemCache.size > 50000) stemCache.clear();
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
  var folded = fold(String(text));
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

function plain(list) {
  return list.filter(function (x) { return !x.joined; });
}

/* "Net Promoter Score" -> "netpromoterscore": a spelling's key. */
function joinedKey(text) {
  return plain(words(text)).map(function (x) { return x.w; }).join("");
}

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

module.exports = {
  STOP: STOP, fold: fold, american: american, stem: stem, words: words, plain: plain,
  joinedKey: joinedKey, editDistanceOne: editDistanceOne
};
