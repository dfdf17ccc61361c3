// The print view's button ("Print or save as PDF", overrides/partials/
// actions.html) opens the browser's print dialog. A listener here, never an
// inline onclick: the Content-Security-Policy (kb/csp.py) blocks those.
"use strict";

var dom = require("../../_/dom");

// next(button, event) for each click on a print button inside `el`.
function watchPrintButton(el, next) {
  function click(event) {
    var button = dom.closest(event, ".kb-print-button");
    if (button) next(button, event);
  }
  el.addEventListener("click", click);
  return function () { el.removeEventListener("click", click); };
}

// deps: win.
function mountPrintButton(el, deps) {
  var state = { printed: 0 };
  var unwatch = watchPrintButton(el, function () {
    state.printed++;
    deps.win.print();
  });
  return { ref: el, state: state, unmount: unwatch };
}

module.exports = { watchPrintButton: watchPrintButton, mountPrintButton: mountPrintButton };
