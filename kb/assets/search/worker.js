/*
 * The CX knowledge base's search worker: kb/search.py bundles this module
 * (kb/jsbundle.py) into one classic script and writes it over Material's
 * search worker, so Material's search box, result list, keyboard handling
 * and page highlighting stay as they are. Material starts the worker with
 * every page: this file is only the protocol (lazy.js); the engine is a
 * second file, engine.js and what it requires, loaded at the first query:
 *
 *   words.js, porter.js   folding, spellings, word splitting, stemming
 *   codec.js              the index's varint lists
 *   store.js              loading the index in parts (or inline, offline)
 *   query.js              filters and clauses
 *   rank/                 the two ranking passes (first.js, exact.js)
 *   snippets.js           results in Material's shape
 *   messages.js           Material's worker protocol
 */
"use strict";

var L = require("./lazy");

// The engine's file name, beside this file: written in by the build (kb/search.py).
var ENGINE = "kb-search-engine.js";

// Where this file is: its own address in a worker; in the offline edition
// (file://, Material's iframe-worker shim runs it as a <script> in a frame
// whose address is the page's), the script element's.
var here = (typeof document !== "undefined" && document.currentScript && document.currentScript.src) ||
  self.location.href;

function loadEngine() {
  // importScripts is synchronous in a worker; the shim's returns a promise.
  return Promise.resolve(importScripts(new URL(ENGINE, here).href)).then(function () {
    if (!self.kbSearchEngine) throw new Error("the engine's file did not define it");
    return self.kbSearchEngine;
  });
}

// The worker file is assets/javascripts/workers/search.*.min.js: the site's root is three folders up.
var handler = new L.Lazy(loadEngine, function (engine) {
  return new engine.Handler(new URL("../../../", self.location.href).href, function (url, options) {
    return fetch(url, options);
  });
});

// The page cannot read Material's worker messages; the filters in force (for
// the dialog's filter chips, drawn by the page) also go out on a channel of
// this origin: {type: "result", query, filters, total} after every result.
var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("kb-search") : null;

addEventListener("message", function (ev) {
  handler.handle(ev.data).then(function (answer) {
    if (!answer) return;
    postMessage(answer);
    if (channel && answer.type === L.RESULT && ev.data && typeof ev.data.data === "string") {
      channel.postMessage({ type: "result", query: ev.data.data, filters: answer.data.filters || [],
                            total: answer.data.total || 0 });  // fmt: skip
    }
  }, function (error) {
    console.warn(error);
  });
});
