// The knowledge base's page script (bundled by kb/jsbundle.py into
// assets/kb.js, fetched at DOMContentLoaded by overrides/main.html's loader
// on every page). Shaped like Material's
// own front end: patches/ hold the global patches, each with the reason it
// must exist; components/ hold the features, each a watch.../mount... pair:
// watchX(el, ..., next) watches `el` and says what happened; mountX(el,
// deps) keeps the feature's state on an object it returns as
// {ref, state, unmount}. Nothing is shared between modules but what this
// entry hands them in `deps`.
//
// This script carries what a page needs at once: landing on a fragment,
// lost-anchor notices, the table of contents mark, copy-link, the skip
// link, the article filters, whole-word search highlights, the search
// dialog's filter chips, the print view's button and the page actions (copy
// as Markdown). What waits for the reader to point, focus, select or tap
// (previews, definitions, labels, quote links) is extras.js, fetched on first
// use (_/later.js).
"use strict";

var material = require("./_/material");
var toast = require("./_/toast");
var pointer = require("./_/pointer");
var later = require("./_/later");
var history = require("./patches/history");
var lightbox = require("./patches/lightbox");
var landing = require("./components/landing");
var copyLink = require("./components/copy-link");
var skipLink = require("./components/skip-link");
var filters = require("./components/filters");
var pageActions = require("./components/page-actions");
var highlight = require("./components/highlight");
var searchFilters = require("./components/search-filters");
var printButton = require("./components/print-button");

var EXTRAS = "kb-extras.js";

// Mounted once, on the document: they watch it by delegation, so the pages
// instant navigation swaps in need nothing more. Landing comes last: the
// page says it has landed (data-kb-landed) once everything is listening.
var ONCE = [
  function (deps) { return copyLink.mountCopyLink(deps.win.document, deps); },
  function (deps) { return skipLink.mountSkipLink(deps.win.document, deps); },
  function (deps) { return pageActions.mountPageActions(deps.win.document, deps); },
  function (deps) { return highlight.mountHighlight(deps.win.document); },
  function (deps) { return searchFilters.mountSearchFilters(deps.win.document, deps); },
  function (deps) { return printButton.mountPrintButton(deps.win.document, deps); },
  function (deps) { return landing.mountLanding(deps.win, deps); }
];

// Mounted on each element of the page shown that matches their selector,
// on the first page and on every page instant navigation swaps in.
var PER_PAGE = [
  [".kb-index", function (el, deps) { return filters.mountFilters(el, deps.win.location.search); }]
];

// Where kb-extras.js is: beside this script, wherever the site is opened
// from (a host, a sub-path, file://).
function extrasUrl(doc) {
  var script = doc.currentScript || doc.querySelector('script[src*="kb.js"]');
  return new URL(EXTRAS, script ? script.src : doc.baseURI).href;
}

function start(win, extras) {
  var doc = win.document;
  var nav = history.createNavigation(win.location.href);
  var deps = {
    win: win,
    nav: nav,
    history: history.patchHistory(win, nav),
    toast: toast.createToast(doc),
    pointer: pointer.watchPointer(doc)
  };
  lightbox.patchLightbox(doc);
  later.loadOnUse(win, deps, extras);
  var mounted = PER_PAGE.map(function () { return new WeakSet(); });
  material.watchDocument(win, function () {
    pageActions.syncHeadLink(doc);
    PER_PAGE.forEach(function (entry, i) {
      doc.querySelectorAll(entry[0]).forEach(function (el) {
        if (mounted[i].has(el)) return;
        mounted[i].add(el);
        entry[1](el, deps);
      });
    });
  });
  // One component per task, in order: none makes a long task of the start.
  ONCE.forEach(function (mount) { soon(function () { mount(deps); }); });
}

function soon(fn) { setTimeout(fn, 0); }

// Fetched once DOMContentLoaded has fired (overrides/main.html), this script
// runs after the task where Material mounts its own components; it still
// mounts one component per task, so that none makes a long task (total
// blocking time). Should it run earlier (loaded some other way), it waits
// for the page to be parsed.
var extras = extrasUrl(document); // document.currentScript is this script only now
if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", function () { soon(function () { start(window, extras); }); });
} else {
  soon(function () { start(window, extras); });
}
