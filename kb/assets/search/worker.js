/*
 * The CX knowledge base's search worker: kb/search.py bundles this module and
 * the ones it requires (kb/jsbundle.py) into one classic script and writes it
 * over Material's search worker, so Material's search box, result list,
 * keyboard handling and page highlighting stay as they are.
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

var M = require("./messages");

// The worker file is assets/javascripts/workers/search.*.min.js: the site's root is three folders up.
var handler = new M.Handler(new URL("../../../", self.location.href).href, function (url, options) {
  return fetch(url, options);
});

// The page cannot read Material's worker messages; the filters in force (for
// the dialog's filter chips, drawn by the page) also go out on a channel of
// this origin: {type: "result", query, filters, total} after every result.
var channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("kb-search") : null;

addEventListener("message", function (ev) {
  handler.handle(ev.data).then(function (answer) {
    if (!answer) return;
    postMessage(answer);
    if (channel && answer.type === M.RESULT && ev.data && typeof ev.data.data === "string") {
      channel.postMessage({ type: "result", query: ev.data.data, filters: answer.data.filters || [],
                            total: answer.data.total || 0 });  // fmt: skip
    }
  }, function (error) {
    console.warn(error);
  });
});
