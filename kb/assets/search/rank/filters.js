/*
 * Filters (`theme:`, `author:`, `discipline:`): the pages or passages they
 * allow, from the index's filter lists.
 */
"use strict";

var W = require("../words");
var codec = require("../codec");
var C = require("./constants");
var SLOT = C.SLOT;

var methods = {};

/* {pages: Set|null, docs: Set|null, none: bool}: what the filters allow. */
methods.filterSets = function (filters) {
  var self = this, meta = this.meta, jobs = [], out = { pages: null, docs: null, active: false };
  var available = new Set(meta.filters || []);
  function intersect(set) { out.pages = out.pages ? new Set([...out.pages].filter(function (p) { return set.has(p); })) : set; }
  function matching(names, value) {
    return Object.keys(names).filter(function (id) { return id === value || W.fold(names[id] || "").indexOf(value) >= 0; });
  }
  if (filters.theme) {
    out.active = true;
    var themes = matching(meta.themes || {}, filters.theme).filter(function (id) { return available.has("theme-" + id); });
    jobs.push(Promise.all(themes.map(function (id) { return self.store.filter("theme-" + id); })).then(function (parts) {
      var set = new Set();
      parts.forEach(function (part) { pagesOf(part.pages).forEach(function (p) { set.add(p); }); });
      intersect(set);
    }));
  }
  if (filters.author) {
    out.active = true;
    jobs.push(self.store.filter("authors").then(function (part) {
      var set = new Set();
      (part.authors || []).forEach(function (pair) {
        if (W.fold(pair[0]).indexOf(filters.author) >= 0) pagesOf(pair[1]).forEach(function (p) { set.add(p); });
      });
      intersect(set);
    }));
  }
  if (filters.discipline) {
    out.active = true;
    var ids = matching(meta.disciplines || {}, filters.discipline)
      .filter(function (id) { return available.has("discipline-" + id); });
    jobs.push(Promise.all(ids.map(function (id) { return self.store.filter("discipline-" + id); })).then(function (parts) {
      var set = new Set();
      parts.forEach(function (part) {
        var flat = codec.decode(part.docs), page = 0;
        for (var k = 0; k + 1 < flat.length; k += 2) { page += flat[k]; set.add(page * SLOT + flat[k + 1]); }
      });
      out.docs = set;
    }));
  }
  return Promise.all(jobs).then(function () { return out; });
};

function pagesOf(text) {
  var out = [], page = 0;
  codec.decode(text).forEach(function (d) { page += d; out.push(page); });
  return out;
}

function allows(filter, key) {
  if (filter.pages && !filter.pages.has(Math.floor(key / SLOT))) return false;
  if (filter.docs && !filter.docs.has(key)) return false;
  return true;
}

module.exports = { methods: methods, allows: allows };
