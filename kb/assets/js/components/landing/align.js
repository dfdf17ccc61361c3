// Putting a landed passage (or quoted words) below the sticky header and
// keeping it there while the page settles, unless the reader moves first.
"use strict";

var dom = require("../../_/dom");

function rectOf(target, range) {
  return (range || target).getBoundingClientRect();
}

// Scroll so that the target's top sits where its scroll-margin says (a
// quote: a little lower, so the words above it show).
function align(win, target, range) {
  var doc = win.document;
  var header = dom.headerBottom(doc);
  var want = range ? header + Math.min(win.innerHeight / 4, 96)
                   : parseFloat(win.getComputedStyle(target).scrollMarginTop) || 0;
  if (!range && want < header) want = header + 8;
  var delta = rectOf(target, range).top - want;
  if (Math.abs(delta) > 1) win.scrollTo(win.scrollX, win.scrollY + delta);
}

function inView(win, target, range) {
  var top = rectOf(target, range).top;
  return top >= dom.headerBottom(win.document) - 1 && top < win.innerHeight - 8;
}

// Wait until the target holds still in view (images load, Material scrolls
// too), re-aligning after each shift unless the reader moved; then done().
function settle(win, nav, token, target, range, done) {
  var last = null, still = 0, frames = 0;
  align(win, target, range);
  function step() {
    if (token !== nav.token) return;
    if (nav.released) return done();
    var top = rectOf(target, range).top;
    if (!inView(win, target, range) || (last !== null && Math.abs(top - last) > 1)) {
      align(win, target, range);
      still = 0;
      top = rectOf(target, range).top;
    } else {
      still += 1;
    }
    last = top;
    frames += 1;
    if (still >= 3 || frames > 300) return done();
    win.requestAnimationFrame(step);
  }
  win.requestAnimationFrame(step);
}

// After landing: hold the target where it is while late layout shifts the
// page, until the reader moves or four seconds pass. Returns the observer.
function keepInPlace(win, nav, token, target, range, watched) {
  if (!win.ResizeObserver) return null;
  var top = rectOf(target, range).top;
  var until = Date.now() + 4000;
  var observer = new win.ResizeObserver(function () {
    if (token !== nav.token || nav.released || Date.now() > until) {
      observer.disconnect();
      return;
    }
    var now = rectOf(target, range).top;
    if (Math.abs(now - top) > 1) win.scrollTo(win.scrollX, win.scrollY + now - top);
  });
  observer.observe(watched);
  return observer;
}

module.exports = { align: align, inView: inView, settle: settle, keepInPlace: keepInPlace };
