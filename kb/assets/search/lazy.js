/*
 * The engine at the first query. Material starts its search worker with
 * every page, long before anyone searches, so what the worker file holds is
 * paid for by every first load. The worker file (worker.js) holds only this:
 * Material's protocol, answered at once for SETUP (READY, the configuration
 * kept), and the engine (messages.js and what it requires, a second file,
 * kb/search.py) loaded when the first QUERY comes, then handed the kept
 * SETUP and every query in turn, in the order they came. A blank query
 * (Material sends one as the page starts) is answered without it, and an
 * answer overtaken by a later query is dropped (null), as messages.js does.
 *
 * load(): a promise of the engine module ({Handler}); make(engine): its
 * Handler. Should the engine fail to load, each query is answered with a
 * notice (never a spinner) and the next query tries again.
 */
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;

function Lazy(load, make) {
  this.load = load;
  this.make = make;
  this.setup = null;
  this.handler = null; // a promise of the engine's Handler, once asked for
  this.latest = 0;
}

Lazy.prototype.handle = function (message) {
  var type = message && message.type;
  if (type === SETUP) {
    this.setup = message;
    this.handler = null; // a new configuration: the engine is set up again
    return Promise.resolve({ type: READY });
  }
  if (type !== QUERY) return Promise.reject(new TypeError("Invalid message type"));
  var self = this, id = ++this.latest;
  if (typeof message.data !== "string" || !message.data.trim()) {
    return Promise.resolve({ type: RESULT, data: { items: [], filters: [], total: 0 } });
  }
  if (!this.handler) this.handler = this.start();
  var handler = this.handler;
  return handler.then(function (h) { return h.handle(message); }, function (error) {
    if (self.handler === handler) self.handler = null; // the next query tries again
    return { type: RESULT, data: unavailable(error) };
  }).then(function (answer) { return id === self.latest ? answer : null; });
};

Lazy.prototype.start = function () {
  var self = this;
  return new Promise(function (resolve) { resolve(self.load()); }).then(function (engine) {
    var handler = self.make(engine);
    return self.setup ? handler.handle(self.setup).then(function () { return handler; }) : handler;
  });
};

function escapeHTML(text) {
  return String(text).replace(/[&<>"']/g, function (c) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
  });
}

// The engine's own notice, in Material's result shape (snippets.notice).
function unavailable(error) {
  var reason = error && error.message ? error.message : String(error || "unknown error");
  var text = "The search engine could not be loaded (" + reason + "). Reload the page to try again.";
  var item = { location: "", title: "Search is unavailable", text: "<p>" + escapeHTML(text) + "</p>", score: 0, terms: {} };
  return { items: [[item]], filters: [], total: 0, error: reason };
}

module.exports = { Lazy: Lazy, SETUP: SETUP, READY: READY, QUERY: QUERY, RESULT: RESULT };
