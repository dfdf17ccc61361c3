// Features that are not needed for the first paint (passage previews,
// glossary definitions, labels, quote links) come in a second script,
// kb-extras.js, loaded the first time the reader points at, focuses or
// selects something in the content, or taps a glossary term. Until then the
// page pays for none of it: not its bytes, not its start-up.
//
// What the reader did before it came is not lost: the extras find it on
// `deps.pointer` (what the pointer is over, a term tapped) and in the page
// (the focused element, the selection). A tap on a term is held (the
// definition shows instead of the glossary opening); should the script fail
// to load, the tap goes on to the glossary.
"use strict";

var dom = require("./dom");

var CONTENT = ".md-content";

// deps: win, pointer, and whatever the extras take (nav, toast, ...).
function loadOnUse(win, deps, src) {
  var doc = win.document;
  var state = { loading: false, mounted: null };
  var listeners = [
    [doc, "pointerover", function (event) { if (dom.closest(event, CONTENT)) load(); }],
    [doc, "focusin", function (event) { if (dom.closest(event, CONTENT)) load(); }],
    [doc, "selectionchange", function () {
      var selection = win.getSelection();
      if (selection && !selection.isCollapsed) load();
    }],
    [doc, "click", function (event) {
      var term = dom.closest(event, "a.kb-term");
      if (!term || deps.pointer.type !== "touch") return;
      event.preventDefault();
      event.stopPropagation();
      deps.pointer.tapped = term;
      load();
    }]
  ];
  listeners.forEach(function (l) { l[0].addEventListener(l[1], l[2], true); });

  function off() {
    listeners.forEach(function (l) { l[0].removeEventListener(l[1], l[2], true); });
  }

  function load() {
    if (state.loading) return;
    state.loading = true;
    var script = dom.make(doc, "script", { src: src });
    function ready(event) {
      doc.removeEventListener("kb:extras", ready);
      off();
      state.mounted = event.detail.mount(deps);
    }
    doc.addEventListener("kb:extras", ready);
    script.addEventListener("error", function () {
      off();
      if (deps.pointer.tapped) win.location.href = deps.pointer.tapped.href;
    });
    doc.head.appendChild(script);
  }

  return { state: state, load: load, unmount: off };
}

module.exports = { loadOnUse: loadOnUse };
