// Material's page script, as the components meet it: its observables of the
// page shown (`document$`: the first page, then each page instant navigation
// swaps in) and of followed URLs (`location$`), when they exist. Without
// them (Material not loaded) the first page still comes, once. Each watch
// returns a function that stops it.
"use strict";

function observable(win, name) {
  var value = win[name];
  return value && typeof value.subscribe === "function" ? value : null;
}

function stopper(subscription) {
  return function () { if (subscription && subscription.unsubscribe) subscription.unsubscribe(); };
}

// fn(document) for the page shown now and every page swapped in after.
// Material's document$ gives the first page at DOMContentLoaded and replays
// it to a late subscriber (the page script mounts after it). Without it
// (Material not loaded) the first page comes at DOMContentLoaded, or at once
// if that is past; should document$ never emit, it comes at the load event.
function watchDocument(win, fn) {
  var doc = win.document, state = { seen: false };
  function first() { if (!state.seen) { state.seen = true; fn(doc); } }
  var document$ = observable(win, "document$");
  var subscription = document$ && document$.subscribe(function (page) { state.seen = true; fn(page || doc); });
  var wait = document$ ? (doc.readyState === "complete" ? null : "load") : (doc.readyState === "loading" ? "DOMContentLoaded" : null);
  var target = wait === "load" ? win : doc;
  if (wait) target.addEventListener(wait, first); else first();
  return function () {
    if (wait) target.removeEventListener(wait, first);
    stopper(subscription)();
  };
}

// fn(URL) each time Material follows or restores a URL, before it fetches.
function watchLocation(win, fn) {
  var location$ = observable(win, "location$");
  return stopper(location$ && location$.subscribe(fn));
}

module.exports = { watchDocument: watchDocument, watchLocation: watchLocation };
