// Search filters in the dialog: a query may narrow the results with
// `theme:…`, `discipline:…` or `author:…`. The worker (kb/assets/search)
// says which filters are in force after each result, on the origin's
// BroadcastChannel "kb-search" (the page cannot read Material's own worker
// messages). This component shows each one as a chip under the result count
// ("Theme: Measuring CX ×"), a button that clears it (the box keeps the rest
// of the query and searches again). While a filter is in force the address bar
// carries the query (?q=…, which Material reads to open search with it on
// load), so a filtered search can be shared and survives a reload.
"use strict";

var dom = require("../../_/dom");

var CHANNEL = "kb-search";
var KEYS = { theme: "Theme", discipline: "Discipline", author: "Author" };

// next(result) for each {type: "result", query, filters, total} the worker
// sends. No BroadcastChannel (file://, old browsers): no chips, search as usual.
function watchSearchFilters(win, next) {
  if (typeof win.BroadcastChannel !== "function") return function () {};
  var channel = new win.BroadcastChannel(CHANNEL);
  channel.onmessage = function (event) {
    var data = event && event.data;
    if (data && data.type === "result" && typeof data.query === "string" && Array.isArray(data.filters)) next(data);
  };
  return function () { channel.close(); };
}

// What a chip says: "Theme: Measuring CX" (the names the filter matched, or
// what was typed when it matched none).
function chipLabel(filter) {
  var key = KEYS[filter.key] || String(filter.key || "");
  var labels = Array.isArray(filter.labels) && filter.labels.length ? filter.labels.join(", ") : String(filter.value || "");
  return key + ": " + labels;
}

// The page's URL with the search query in ?q= (or without it).
function withQuery(href, query) {
  var url = new URL(href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  return url.href;
}

// deps: win, history (the patch's own writes).
function mountSearchFilters(doc, deps) {
  var win = deps.win;
  var state = { query: "", filters: [], el: null, inUrl: false };

  function input() { return doc.querySelector(".md-search__input"); }

  function container() {
    var result = doc.querySelector(".md-search-result");
    if (!result) return null;
    if (!state.el || !state.el.isConnected) {
      state.el = dom.make(doc, "div", { "class": "kb-search-filters", role: "group", "aria-label": "Filters in force" });
      var list = result.querySelector(".md-search-result__list");
      result.insertBefore(state.el, list || null);
    }
    return state.el;
  }

  function clear(filter) {
    var box = input();
    if (!box) return;
    box.value = filter.query;
    box.focus();
    // Material searches on keyup (and on input, depending on its version).
    box.dispatchEvent(new win.Event("input", { bubbles: true }));
    box.dispatchEvent(new win.KeyboardEvent("keyup", { bubbles: true }));
  }

  // Redrawn only when the filters change: Material asks again on focus and
  // on every keystroke, and a chip replaced under the reader's finger would
  // lose the tap.
  function render() {
    var box = container();
    if (!box) return;
    var drawn = JSON.stringify(state.filters);
    if (box.getAttribute("data-drawn") === drawn) return;
    box.setAttribute("data-drawn", drawn);
    while (box.firstChild) box.removeChild(box.firstChild);
    box.hidden = state.filters.length === 0;
    state.filters.forEach(function (filter) {
      // The whole chip is the button: a bigger target for a finger.
      var label = chipLabel(filter);
      var chip = dom.make(doc, "button", { type: "button", "class": "kb-search-filter", "aria-label": "Clear the filter " + label });
      chip.appendChild(dom.make(doc, "span", null, label));
      chip.appendChild(dom.make(doc, "span", { "class": "kb-search-filter__clear", "aria-hidden": "true" }, "×"));
      chip.addEventListener("click", function () { clear(filter); });
      box.appendChild(chip);
    });
  }

  function keepInUrl() {
    var want = state.filters.length ? state.query : "";
    if (!want && !state.inUrl) return;
    var next = withQuery(win.location.href, want);
    if (next !== win.location.href) deps.history.replace(win.history.state, next);
    state.inUrl = !!want;
  }

  var unwatch = watchSearchFilters(win, function (result) {
    var box = input();
    if (box && box.value !== result.query) return;  // an answer to an older query
    state.query = result.query;
    state.filters = result.filters;
    render();
    keepInUrl();
  });
  return { ref: doc, state: state, unmount: unwatch };
}

module.exports = {
  watchSearchFilters: watchSearchFilters, mountSearchFilters: mountSearchFilters, chipLabel: chipLabel, withQuery: withQuery
};
