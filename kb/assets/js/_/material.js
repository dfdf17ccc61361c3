// Material's page script, as the components meet it: its observables of the
// page shown (`document$`: the first page, then each page instant navigation
// swaps in) and of followed URLs (`location$`), when they exist. Without
// them (the offline edition opened from file://, Material not loaded), the
// first page still comes, once. Each watch returns a function that stops it.
"use strict";

function observable(win, name) {
  var value = win[name];
  return value && typeof value.subscribe === "function" ? value : null;
}

function stopper(subscription) {
  return function () { if (subscription && subscription.unsubscribe) subscription.unsubscribe(); };
}

// fn(document) for the page shown now and every page swapped in after.
function watchDocument(win, fn) {
  var doc = win.document, seen = false;
  function once() { if (!seen) { seen = true; fn(doc); } }
  var document$ = observable(win, "document$");
  var subscription = document$ && document$.subscribe(function (page) { seen = true; fn(page || doc); });
  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", once);
  else once();
  return function () {
    doc.removeEventListener("DOMContentLoaded", once);
    stopper(subscription)();
  };
}

// fn(URL) each time Material follows or restores a URL, before it fetches.
function watchLocation(win, fn) {
  var location$ = observable(win, "location$");
  return stopper(location$ && location$.subscribe(fn));
}

module.exports = { watchDocument: watchDocument, watchLocation: watchLocation };
