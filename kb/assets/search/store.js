/*
 * Index loading: the shared part (meta.json) first, then only the parts a
 * query needs (kb/search.py writes them): shards by term prefix, one fragment
 * per page shown, filter lists. Each part is fetched once and kept. The
 * offline edition (file://) has the whole index inlined in the configuration
 * Material hands the worker, and never fetches.
 *
 * A part that cannot be fetched, takes too long or is not what kb/search.py
 * writes raises an IndexError naming the part: the dialog says so
 * (kb/assets/search/messages.js), it never waits forever.
 */
"use strict";

var VERSION = 2;
var TIMEOUT_MS = 20000;

function IndexError(message, part) {
  var error = new Error(message);
  error.name = "IndexError";
  error.part = part || "";
  return error;
}

function isIndexError(error) {
  return !!error && error.name === "IndexError";
}

/* fetch(url) -> parsed JSON, or an IndexError that says what went wrong. */
function fetchJSON(fetcher, url, label, timeout) {
  var controller = typeof AbortController === "function" ? new AbortController() : null;
  var timer = null;
  var expired = new Promise(function (_, reject) {
    timer = setTimeout(function () {
      if (controller) controller.abort();
      reject(IndexError("the search index part " + label + " took more than " + Math.round(timeout / 1000) +
        " s to load", label));
    }, timeout);
  });
  var loaded = Promise.resolve()
    .then(function () { return fetcher(url, controller ? { signal: controller.signal } : {}); })
    .then(function (response) {
      if (!response.ok) throw IndexError("the search index part " + label + " is missing (HTTP " + response.status + ")", label);
      return response.text();
    }, function (error) {
      throw IndexError("the search index part " + label + " could not be loaded (" + (error && error.message || error) + ")", label);
    })
    .then(function (text) {
      try {
        return JSON.parse(text);
      } catch (err) {
        throw IndexError("the search index part " + label + " is damaged (not JSON)", label);
      }
    });
  return Promise.race([loaded, expired]).then(function (value) {
    clearTimeout(timer);
    return value;
  }, function (error) {
    clearTimeout(timer);
    throw isIndexError(error) ? error : IndexError(String(error && error.message || error), label);
  });
}

function check(ok, label, what) {
  if (!ok) throw IndexError("the search index part " + label + " is damaged (" + what + ")", label);
}

function checkMeta(meta, label) {
  check(meta && typeof meta === "object", label, "not an object");
  check(meta.v === VERSION, label, "version " + JSON.stringify(meta.v) + ", expected " + VERSION);
  check(Array.isArray(meta.shards) && meta.shards.length > 0, label, "no shard list");
  check(typeof meta.docs === "number" && typeof meta.pages === "number", label, "no counts");
  return meta;
}

function checkShard(shard, label) {
  check(shard && Array.isArray(shard.s) && Array.isArray(shard.w), label, "not a shard");
  shard.s.forEach(function (entry) {
    check(Array.isArray(entry) && entry.length === 6 && typeof entry[0] === "string", label, "a bad entry");
  });
  return shard;
}

function checkFragment(page, label) {
  check(page && typeof page.u === "string" && typeof page.t === "string" && Array.isArray(page.d), label,
    "not a page");
  return page;
}

/*
 * config: Material's search configuration (search_index.json), with either
 * kb_index (everything, inline) or kb_index_url (the meta, relative to base).
 * base: the site's root URL. fetcher: fetch.
 */
function Store(config, base, fetcher, timeout) {
  this.inline = config && config.kb_index || null;
  this.url = config && config.kb_index_url ? new URL(config.kb_index_url, base).href : null;
  this.fetcher = fetcher;
  this.timeout = timeout || TIMEOUT_MS;
  this.parts = new Map();
  if (!this.inline && !this.url) throw IndexError("the search configuration names no index", "search_index.json");
}

Store.prototype.part = function (relative, validate) {
  var self = this;
  var cached = this.parts.get(relative);
  if (cached) return cached;
  var promise;
  if (this.inline) {
    promise = Promise.resolve().then(function () { return validate(self.fromInline(relative), relative); });
  } else {
    var url = relative === "meta.json" ? this.url : new URL(relative, this.url).href;
    var label = url.replace(/^.*?\/search\//, "search/");
    promise = fetchJSON(this.fetcher, url, label, this.timeout).then(function (data) { return validate(data, label); });
  }
  // A failed part may be tried again by the next query.
  promise.catch(function () { self.parts.delete(relative); });
  this.parts.set(relative, promise);
  return promise;
};

Store.prototype.fromInline = function (relative) {
  var all = this.inline, m;
  if (relative === "meta.json") return all.meta;
  if ((m = /^s\/(\d+)\.json$/.exec(relative))) return all.shards[+m[1]];
  if ((m = /^f\/(\d+)\.json$/.exec(relative))) return all.fragments[+m[1]];
  if ((m = /^x\/(.+)\.json$/.exec(relative))) return all.filters[m[1]];
  return undefined;
};

Store.prototype.meta = function () { return this.part("meta.json", checkMeta); };
Store.prototype.shard = function (i) { return this.part("s/" + i + ".json", checkShard); };
Store.prototype.fragment = function (p) { return this.part("f/" + p + ".json", checkFragment); };
Store.prototype.filter = function (name) {
  return this.part("x/" + name + ".json", function (data, label) {
    check(data && typeof data === "object", label, "not a filter");
    return data;
  });
};

/* The shard a word lives in: its longest prefix that is a shard key. */
function shardOf(keys, word) {
  for (var length = Math.min(word.length, 6); length > 0; length--) {
    var i = keys.index.get(word.slice(0, length));
    if (i !== undefined) return i;
  }
  return keys.index.get("");
}

/* The shards whose keys start with `prefix` (for a word still being typed). */
function shardsUnder(keys, prefix) {
  var out = [];
  keys.list.forEach(function (key, i) { if (key.length > prefix.length && key.lastIndexOf(prefix, 0) === 0) out.push(i); });
  return out;
}

function keyIndex(list) {
  var index = new Map();
  list.forEach(function (key, i) { index.set(key, i); });
  return { list: list, index: index };
}

module.exports = {
  Store: Store, IndexError: IndexError, isIndexError: isIndexError, fetchJSON: fetchJSON,
  shardOf: shardOf, shardsUnder: shardsUnder, keyIndex: keyIndex, VERSION: VERSION
};
