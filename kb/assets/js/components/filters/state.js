// The article index's filters as data: pure functions, no DOM.
"use strict";

var NAMES = ["theme", "discipline", "author"];

// The filters an address preselects: ?theme=, ?discipline=, ?author=.
function fromSearch(search) {
  var params = new URLSearchParams(search || "");
  var state = { theme: "", discipline: "", author: "", words: [] };
  NAMES.forEach(function (name) { state[name] = params.get(name) || ""; });
  return state;
}

// The filters as the form holds them: {theme, discipline, author, words}.
function fromValues(values) {
  return {
    theme: values.theme || "",
    discipline: values.discipline || "",
    author: values.author || "",
    words: String(values.words || "").trim().toLowerCase().split(/\s+/).filter(Boolean)
  };
}

function hasWord(list, word) {
  return (" " + (list || "") + " ").indexOf(" " + word + " ") >= 0;
}

// Whether an article passes: item = {themes, disciplines (space-separated
// ids), author, text (lower case)}.
function matches(item, state) {
  return (!state.theme || hasWord(item.themes, state.theme)) &&
    (!state.discipline || hasWord(item.disciplines, state.discipline)) &&
    (!state.author || item.author === state.author) &&
    state.words.every(function (word) { return item.text.indexOf(word) >= 0; });
}

function countLabel(shown, total) {
  return shown === total ? total + (total === 1 ? " article" : " articles") : shown + " of " + total + " articles";
}

module.exports = { NAMES: NAMES, fromSearch: fromSearch, fromValues: fromValues, matches: matches, countLabel: countLabel };
