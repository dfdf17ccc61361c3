// Search highlighting on the page a result opens: Material's
// search.highlight marks every occurrence of the query's words, inside
// longer words too ("net" in "internet"), because it matches substrings. A
// mark with a letter or digit right before or after it is taken off again,
// so only whole words stay highlighted. (The worker cannot prevent it: the
// page's highlighter is Material's own.)
"use strict";

var LETTER = /[\p{L}\p{N}]/u;
var MARK = "mark[data-md-highlight]";

function edge(node, last) {
  var text = node && node.nodeType === 3 ? node.data : "";
  return last ? text.slice(-1) : text.slice(0, 1);
}

// Unwrap the marks under `root` that sit inside a longer word; returns how
// many were taken off.
function keepWholeWords(root) {
  var doc = root.ownerDocument || root;
  var marks = root.querySelectorAll ? root.querySelectorAll(MARK) : [];
  var removed = 0;
  Array.prototype.forEach.call(marks, function (mark) {
    if (!LETTER.test(edge(mark.previousSibling, true) + edge(mark.nextSibling, false))) return;
    var parent = mark.parentNode;
    parent.replaceChild(doc.createTextNode(mark.textContent), mark);
    parent.normalize();
    removed++;
  });
  return removed;
}

// next(root) for every element added to the document that is, or holds, a
// highlight (Material highlights after the page is shown, and again after
// each instant navigation).
function watchHighlights(doc, next) {
  var observer = new doc.defaultView.MutationObserver(function (records) {
    records.forEach(function (record) {
      Array.prototype.forEach.call(record.addedNodes, function (node) {
        if (node.nodeType !== 1) return;
        if (node.matches(MARK)) next(node.parentNode);
        else if (node.querySelector(MARK)) next(node);
      });
    });
  });
  observer.observe(doc.documentElement, { childList: true, subtree: true });
  return function () { observer.disconnect(); };
}

function mountHighlight(doc) {
  var state = { removed: keepWholeWords(doc) };
  var unwatch = watchHighlights(doc, function (root) { state.removed += keepWholeWords(root); });
  return { ref: doc, state: state, unmount: unwatch };
}

module.exports = { keepWholeWords: keepWholeWords, watchHighlights: watchHighlights, mountHighlight: mountHighlight };
