// The visible text of a part of the page, white space folded, mapped back
// to the DOM positions it came from: what quotes are searched in and cut
// from. Building and searching the map are pure; only `textMapOf` and
// `rangeOf` touch the DOM.
"use strict";

var dom = require("../_/dom");
var SPACE = /\s/;

// chunks: [[node, text], ...] in document order ->
// {text, lower, points: [[node, offset], ...]}, one point per character kept.
function buildTextMap(chunks) {
  var text = "", points = [], space = true;
  chunks.forEach(function (chunk) {
    var value = chunk[1];
    for (var i = 0; i < value.length; i++) {
      var ch = value[i];
      if (SPACE.test(ch)) {
        if (space) continue;
        ch = " ";
        space = true;
      } else {
        space = false;
      }
      text += ch;
      points.push([chunk[0], i]);
    }
  });
  return { text: text, lower: text.toLowerCase(), points: points };
}

// Where a text directive's words are in the map: [from, to) or null.
function findInMap(map, directive) {
  var start = dom.squash(directive.start).toLowerCase();
  var end = dom.squash(directive.end).toLowerCase();
  var prefix = dom.squash(directive.prefix).toLowerCase();
  var suffix = dom.squash(directive.suffix).toLowerCase();
  if (!start) return null;
  for (var from = 0; ;) {
    var i = map.lower.indexOf(start, from);
    if (i < 0) return null;
    from = i + 1;
    if (prefix && !dom.squash(map.lower.slice(0, i)).endsWith(prefix)) continue;
    var stop = i + start.length;
    if (end) {
      var j = map.lower.indexOf(end, stop);
      if (j < 0) return null;
      stop = j + end.length;
    }
    if (suffix && !dom.squash(map.lower.slice(stop)).startsWith(suffix)) continue;
    return [i, stop];
  }
}

// The text nodes of `scope` that are the authors' words, as chunks.
function textMapOf(scope) {
  var doc = scope.ownerDocument;
  var walker = doc.createTreeWalker(scope, 4 /* NodeFilter.SHOW_TEXT */);
  var chunks = [];
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    var parent = node.parentElement;
    if (parent && !parent.closest(dom.SKIP_TEXT)) chunks.push([node, node.nodeValue]);
  }
  return buildTextMap(chunks);
}

// A DOM Range over the map's characters [from, to).
function rangeOf(map, from, to) {
  var first = map.points[from], last = map.points[to - 1];
  var range = first[0].ownerDocument.createRange();
  range.setStart(first[0], first[1]);
  range.setEnd(last[0], last[1] + 1);
  return range;
}

module.exports = { buildTextMap: buildTextMap, findInMap: findInMap, textMapOf: textMapOf, rangeOf: rangeOf };

// The Range of a text directive's words inside `scope`, or null.
function findQuote(scope, directive) {
  var map = textMapOf(scope);
  var found = findInMap(map, directive);
  return found ? rangeOf(map, found[0], found[1]) : null;
}

module.exports.findQuote = findQuote;
