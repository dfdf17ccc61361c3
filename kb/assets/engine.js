/*
 * The site's search engine and its quoting rule, for Python: kb/engine.py
 * bundles this module (kb/jsbundle.py) and runs it in V8 embedded in the
 * process (mini-racer), so that `python -m kb mcp` ranks exactly as the
 * search box does and quotes exactly as the page's quote links do. The same
 * modules as the search worker (search/) and the page script (js/text/); the
 * index is handed over whole, as the offline edition has it.
 */
"use strict";

var S = require("./search/store");
var R = require("./search/rank");
var W = require("./search/words");
var fragment = require("./js/text/fragment");

var state = { engine: null };

/* index: {meta, shards, fragments, filters}; resolves once every shard is read. */
function load(index) {
  var engine = new R.Engine(new S.Store({ kb_index: index }, "file:///", null));
  return engine.ready().then(function () {
    return engine.loadShards(index.meta.shards.map(function (_, i) { return i; }));
  }).then(function () {
    state.engine = engine;
    return true;
  });
}

/* The results in the order the search box shows them: [location, score, snippet HTML]. */
function search(query) {
  return state.engine.search(query).then(function (result) {
    var out = [];
    (result.items || []).forEach(function (group) {
      group.forEach(function (item) { out.push([item.location, item.score, item.text || ""]); });
    });
    return JSON.stringify(out);
  });
}

/* The search terms of a text (stop words dropped, stemmed), each once, with its idf. */
function terms(text) {
  var seen = {};
  return JSON.stringify(W.plain(W.words(text)).filter(function (x) { return !W.STOP[x.w]; })
    .map(function (x) { return W.stem(x.w); })
    .filter(function (s) { return seen[s] ? false : (seen[s] = true); })
    .map(function (s) { return [s, state.engine.idf(s)]; }));
}

/* The Python side passes arguments as JSON (call) and waits for a promise
   it can only reach by evaluating an expression: begin() starts the work,
   kbEngine.pending is what to wait for. */
function begin(name, a) {
  state.pending = ({ load: load, search: search })[name](a);
  return true;
}

globalThis.kbEngine = { begin: begin, state: state, terms: terms, directive: fragment.directiveFor };
