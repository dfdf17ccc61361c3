/*
 * Material's worker protocol: SETUP (the configuration of search_index.json)
 * -> READY; QUERY (the box's text) -> RESULT {items, suggest}, plus, for the
 * dialog's filter chips, `filters` (each filter in force: key, value, the
 * theme or discipline ids and names it matched, and `query`, the box's text
 * without it) and `total` (pages that matched). Every QUERY gets a RESULT:
 * when part of the index cannot be loaded the result is one item that says
 * so, never a spinner that waits forever.
 */
"use strict";

var S = require("./store");
var R = require("./rank");
var snippets = require("./snippets");

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;

/* base: the site's root URL; fetcher: fetch. */
function Handler(base, fetcher, timeout) {
  this.base = base;
  this.fetcher = fetcher;
  this.timeout = timeout;
  this.engine = null;
  this.failure = null;
  this.latest = 0;
}

Handler.prototype.handle = function (message) {
  switch (message && message.type) {
    case SETUP:
      try {
        var config = message.data && message.data.config;
        this.engine = new R.Engine(new S.Store(config, this.base, this.fetcher, this.timeout));
        this.failure = null;
      } catch (error) {
        this.engine = null;
        this.failure = error;
      }
      return Promise.resolve({ type: READY });
    case QUERY:
      // Material sends a query per keystroke; parts load at their own pace, so
      // an answer overtaken by a later query is dropped (null), never shown last.
      var self = this, id = ++this.latest;
      var query = typeof message.data === "string" ? message.data : "";
      var current = function (answer) { return id === self.latest ? answer : null; };
      if (!query.trim()) return Promise.resolve(result({ items: [], filters: [], total: 0 }));
      if (!this.engine) return Promise.resolve(result(failed(this.failure)));
      return this.engine.search(query).then(result, function (error) {
        if (typeof console !== "undefined") console.warn("Search failed for " + JSON.stringify(query.slice(0, 200)), error);
        return result(failed(error));
      }).then(current);
    default:
      return Promise.reject(new TypeError("Invalid message type"));
  }
};

function result(data) {
  return { type: RESULT, data: data };
}

function failed(error) {
  var reason = error && error.message ? error.message : String(error || "unknown error");
  var title = S.isIndexError(error) ? "Search is unavailable: part of its index could not be loaded"
    : "Search is unavailable: the query could not be run";
  var items = snippets.notice(title, reason.charAt(0).toUpperCase() + reason.slice(1) + ". Reload the page to try again.");
  return { items: items, filters: [], total: 0, error: reason };
}

module.exports = { Handler: Handler, SETUP: SETUP, READY: READY, QUERY: QUERY, RESULT: RESULT };
