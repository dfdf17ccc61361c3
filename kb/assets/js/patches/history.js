// Why this patch must exist: Material for MkDocs 9.x (navigation.instant)
// writes history behind the reader's back, on timers, and those writes can
// land after the reader followed a link:
//  - navigation.tracking rewrites the address bar to the heading in view
//    (history.replaceState({}, "", url)) 250 ms after the viewport last
//    moved. A click after a scroll (any link below the fold) leaves that
//    timer running: it fires after instant navigation pushed the new URL and
//    writes the OLD page's heading as the new page's fragment.
//  - Material records the scroll offset of the current entry 100 ms after
//    the viewport last moved. Fired after the push, it gives the new entry
//    the old page's offset; Material then takes the page for a Back/Forward
//    visit and scrolls to that offset instead of the passage.
//  - The tracking's empty state {} makes Back restore to the page top.
// So while a navigation is in flight (`nav.pending`) every replaceState by
// others is held back; after landing, only rewrites of the URL within the
// page are, until the reader scrolls, types or drags (`nav.released`).
// Material's empty state gets the real offset, so Back restores the place.
// This is the only place `history` is patched.
"use strict";

// The navigation state the landing and this patch share: the URL the reader
// followed (`pin`), whether a navigation is in flight, whether the reader
// has moved since, and a token that cancels a landing in progress.
function createNavigation(href) {
  return { pin: href, pending: false, released: false, token: 0 };
}

function patchHistory(win, nav) {
  var history = win.history, doc = win.document;
  var native = history.replaceState;

  function samePage(a, b) {
    return a.origin === b.origin && a.pathname === b.pathname && a.search === b.search;
  }

  history.replaceState = function (state, title, url) {
    if (nav.pending) return undefined;
    if (url != null && !nav.released) {
      var next = null, pin = null;
      try { next = new URL(url, win.location.href); pin = new URL(nav.pin); } catch (error) { next = null; }
      if (next && next.href !== pin.href && samePage(next, pin)) return undefined;
    }
    if (state && typeof state === "object" && !Array.isArray(state) && Object.keys(state).length === 0) {
      state = { x: win.scrollX, y: win.scrollY };
    }
    return native.call(history, state, title, url);
  };

  // The reader's own moves end the hold.
  function release() { nav.released = true; }
  win.addEventListener("wheel", release, { passive: true });
  win.addEventListener("touchmove", release, { passive: true });
  doc.addEventListener("keydown", function (event) {
    if (/^(Arrow|Page|Home|End| )/.test(event.key)) release();
  }, true);
  doc.addEventListener("pointerdown", function (event) {
    // The scroll bar (outside the content box) or a drag to select text.
    if (!(event.target.closest && event.target.closest("a, button, input, label, .kb-quotebar"))) release();
  }, true);

  return {
    // Our own writes: never held back; the pin follows them.
    replace: function (state, url) {
      native.call(history, state, "", url);
      nav.pin = win.location.href;
    },
    // The offset Material would have recorded while its writes were held.
    recordOffset: function () {
      native.call(history, { x: win.scrollX, y: win.scrollY }, "");
    }
  };
}

module.exports = { createNavigation: createNavigation, patchHistory: patchHistory };
