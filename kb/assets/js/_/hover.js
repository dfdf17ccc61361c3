// When an overlay about an element (its "host") opens and closes, the same
// way for previews, definitions and labels (WCAG 1.4.13: dismissible,
// hoverable, persistent): it opens once the pointer has rested on the host,
// at once on keyboard focus; it stays while the pointer is on the host or
// on the overlay; it closes shortly after the pointer left both, when the
// host loses focus, on Escape, on a press elsewhere and on a page change.
// Touch pointers do not hover: components handle taps themselves.
"use strict";

var material = require("./material");

function matches(el, selector) {
  try { return el.matches(selector); } catch (error) { return true; }
}

// options: host(node) -> the host a node belongs to, or null; box: the
// overlay's id; delay: ms the pointer rests before it opens; keyboardOnly:
// focus opens it only when the browser shows the focus (not on a click).
// next("open", host, how) with how "hover" | "focus" | what open() is
// given; next("close", host). Returns {state, open, close, unwatch}.
function watchHover(doc, options, next) {
  var state = { host: null, how: null, openTimer: 0, closeTimer: 0 };

  function inBox(node) {
    var box = doc.getElementById(options.box);
    return !!(box && node && box.contains(node));
  }
  function within(node) {
    return !!node && (inBox(node) || (!!state.host && state.host.contains(node)));
  }
  function open(host, how) {
    if (state.host && state.host !== host) close();
    clearTimeout(state.openTimer);
    clearTimeout(state.closeTimer);
    state.host = host;
    state.how = how;
    next("open", host, how);
  }
  function close() {
    clearTimeout(state.openTimer);
    clearTimeout(state.closeTimer);
    var host = state.host;
    state.host = state.how = null;
    if (host) next("close", host);
  }

  var on = [
    ["pointerover", function (event) {
      if (event.pointerType === "touch") return;
      if (inBox(event.target)) return clearTimeout(state.closeTimer);
      var host = options.host(event.target);
      if (!host) return;
      clearTimeout(state.closeTimer);
      if (host === state.host) return;
      clearTimeout(state.openTimer);
      state.openTimer = setTimeout(function () { open(host, "hover"); }, options.delay);
    }],
    ["pointerout", function (event) {
      if (event.pointerType === "touch" || within(event.relatedTarget)) return;
      var host = options.host(event.target);
      if (host && host.contains(event.relatedTarget)) return;
      if (host || inBox(event.target)) {
        clearTimeout(state.openTimer);
        clearTimeout(state.closeTimer);
        if (state.host) state.closeTimer = setTimeout(close, 300);
      }
    }],
    ["focusin", function (event) {
      var host = options.host(event.target);
      if (!host || host === state.host) return;
      if (options.keyboardOnly && !matches(host, ":focus-visible")) return;
      open(host, "focus");
    }],
    ["focusout", function (event) {
      if (event.target === state.host && !inBox(event.relatedTarget)) close();
    }],
    ["keydown", function (event) { if (event.key === "Escape") close(); }],
    ["pointerdown", function (event) { if (state.host && !within(event.target)) close(); }]
  ];
  on.forEach(function (l) { doc.addEventListener(l[0], l[1], true); });
  var offLocation = material.watchLocation(doc.defaultView, close);

  return {
    state: state,
    open: open,
    close: close,
    // One more listener on the document (capture), gone with the rest.
    also: function (type, fn) {
      on.push([type, fn]);
      doc.addEventListener(type, fn, true);
    },
    // What the reader was on when the feature came (see _/later.js): the
    // focused element, else what the pointer rests on.
    replay: function (pointer) {
      var focused = doc.activeElement && options.host(doc.activeElement);
      var over = pointer.over && pointer.type !== "touch" && options.host(pointer.over);
      if (focused) open(focused, "focus");
      else if (over) open(over, "hover");
    },
    unwatch: function () {
      close();
      on.forEach(function (l) { doc.removeEventListener(l[0], l[1], true); });
      offLocation();
    }
  };
}

module.exports = { watchHover: watchHover };
