// Deep links that land every time, down to the sentence.
//
// Every paragraph and list item of a page has a stable id (p-first-five-words)
// and a link mark (a.kb-anchor) added at build time; headings have Material's
// permalink (a.headerlink). This script:
//
//  1. lands every link to page/#id on that passage: address bar and history
//     hold exactly the URL followed, the passage sits below the sticky header,
//     is highlighted and carries a lasting [data-kb-landed] attribute, and the
//     table of contents marks its section. Works on cold loads, with Material's
//     instant navigation, on Back/Forward and on slow CPUs.
//  2. copies a passage's link from its mark, and a sentence's link (URL Text
//     Fragment anchored to the passage id) or a quote with its citation from a
//     text selection;
//  3. previews another article's passage on hover or focus, and shows a
//     glossary term's definition on tap instead of leaving the page;
//  4. explains links to passages that moved or were removed.
//
// Why landing needs care (Material for MkDocs 9.x, navigation.instant):
//  - navigation.tracking rewrites the address bar to the heading in view with
//    history.replaceState({}, "", url), 250 ms after the viewport last moved.
//    A click that follows a scroll (every click on a link below the fold)
//    leaves that timer running: it fires after instant navigation pushed the
//    new URL and writes the OLD page's heading as the new page's fragment.
//  - Material also records the scroll offset of the current history entry
//    100 ms after the viewport last moved. When that fires after the push, the
//    new entry gets the old page's offset as its state; once the page is
//    fetched, Material takes the state for a Back/Forward visit and scrolls to
//    that offset instead of the passage: the wrong passage under a slow CPU.
//  - The tracking's empty state {} also makes Back restore to the page top.
// So while a navigation is in flight, and until the reader scrolls on their
// own after landing, history writes by others are held back (see guardHistory).
(function () {
  "use strict";

  var doc = document;
  var root = doc.documentElement;
  var FILE = location.protocol === "file:";
  var PASSAGE = "p[id], li[id]";
  var SKIP_TEXT = ".kb-anchor, .kb-expansions, .kb-disciplines, .kb-alias, .headerlink, [hidden]";

  // -- small helpers ---------------------------------------------------------

  function make(tag, attrs, text) {
    var el = doc.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { el.setAttribute(key, attrs[key]); });
    if (text != null) el.textContent = text;
    return el;
  }

  function squash(text) {
    return String(text || "").replace(/\s+/g, " ").trim();
  }

  function decodeId(hash) {
    var id = String(hash || "").replace(/^#/, "").split(":~:")[0];
    try { return decodeURIComponent(id); } catch (error) { return id; }
  }

  function pageUrl(href) {
    var url = new URL(href, location.href);
    url.hash = "";
    return url.href;
  }

  function samePage(a, b) {
    var x = new URL(a, location.href), y = new URL(b, location.href);
    return x.origin === y.origin && x.pathname === y.pathname && x.search === y.search;
  }

  function headerBottom() {
    var header = doc.querySelector(".md-header");
    return header ? Math.max(0, header.getBoundingClientRect().bottom) : 0;
  }

  function article() {
    return doc.querySelector(".md-content__inner") || doc.body;
  }

  // Visible text of a passage or a preview, without link marks and badges.
  function cleanText(el) {
    var copy = el.cloneNode(true);
    copy.querySelectorAll(SKIP_TEXT).forEach(function (node) { node.remove(); });
    return squash(copy.textContent);
  }

  function articleMeta(from) {
    var scope = from || doc;
    var h1 = scope.querySelector(".md-content__inner h1") || scope.querySelector("h1");
    var author = scope.querySelector(".kb-article-header .kb-author") || scope.querySelector(".kb-author");
    var themes = [].map.call(scope.querySelectorAll(".kb-article-header .kb-chip"),
                             function (chip) { return squash(chip.textContent); });
    return {
      title: h1 ? cleanText(h1) : squash((scope.title || "").split(" - ")[0]),
      author: author ? squash(author.textContent) : "",
      themes: themes
    };
  }

  // The element a fragment names: an alias span lands on its passage.
  function targetFor(id, scope) {
    if (!id) return null;
    var el = (scope || doc).getElementById
      ? (scope || doc).getElementById(id)
      : (scope || doc).querySelector('[id="' + id.replace(/["\\]/g, "\\$&") + '"]');
    if (el && el.classList.contains("kb-alias")) el = el.parentElement.closest("[id]") || el.parentElement;
    return el;
  }

  // -- toast: in the header band, never over the text being read --------------

  var toast;
  function announce(message) {
    if (!toast || !toast.isConnected) {
      toast = make("div", { "class": "kb-toast", role: "status", "aria-live": "polite" });
      doc.body.appendChild(toast);
    }
    toast.textContent = message;
    toast.setAttribute("data-visible", "");
    clearTimeout(announce.timer);
    announce.timer = setTimeout(function () { toast.removeAttribute("data-visible"); }, 2400);
  }

  // -- clipboard ----------------------------------------------------------------

  function copy(text, html) {
    if (navigator.clipboard && window.isSecureContext) {
      if (html && window.ClipboardItem && navigator.clipboard.write) {
        var item = new ClipboardItem({
          "text/plain": new Blob([text], { type: "text/plain" }),
          "text/html": new Blob([html], { type: "text/html" })
        });
        return navigator.clipboard.write([item]).catch(function () { return legacyCopy(text, html); });
      }
      return navigator.clipboard.writeText(text).catch(function () { return legacyCopy(text, html); });
    }
    return legacyCopy(text, html);
  }

  // file:// and plain http: the copy event still works there.
  function legacyCopy(text, html) {
    return new Promise(function (resolve, reject) {
      function fill(event) {
        event.clipboardData.setData("text/plain", text);
        if (html) event.clipboardData.setData("text/html", html);
        event.preventDefault();
      }
      doc.addEventListener("copy", fill, true);
      var ok = false;
      try { ok = doc.execCommand("copy"); } catch (error) { ok = false; }
      doc.removeEventListener("copy", fill, true);
      ok ? resolve() : reject(new Error("copy refused"));
    });
  }

  // -- history guard ------------------------------------------------------------
  //
  // pin: the URL the reader followed. While a navigation is in flight (pending)
  // every replaceState by others is held back; after landing, only URL
  // rewrites are, until the reader scrolls, types or drags on their own
  // (released). Material's empty tracking state gets the real offset so Back
  // restores the position.

  var nav = { pin: location.href, pending: false, released: false, token: 0 };
  var nativeReplace = history.replaceState;

  function ownReplace(state, url) {
    nativeReplace.call(history, state, "", url);
    nav.pin = location.href;
  }

  history.replaceState = function (state, title, url) {
    if (nav.pending) return undefined;
    if (url != null && !nav.released) {
      var next;
      try { next = new URL(url, location.href); } catch (error) { next = null; }
      if (next && next.href !== nav.pin && samePage(next.href, nav.pin)) return undefined;
    }
    if (state && typeof state === "object" && !Array.isArray(state) && Object.keys(state).length === 0) {
      state = { x: window.scrollX, y: window.scrollY };
    }
    return nativeReplace.call(history, state, title, url);
  };

  function release() { nav.released = true; }
  window.addEventListener("wheel", release, { passive: true });
  window.addEventListener("touchmove", release, { passive: true });
  doc.addEventListener("keydown", function (event) {
    if (/^(Arrow|Page|Home|End| )/.test(event.key) || event.key === " ") release();
  }, true);
  doc.addEventListener("pointerdown", function (event) {
    // The scroll bar (outside the content box) or a drag to select text.
    if (!(event.target.closest && event.target.closest("a, button, input, label, .kb-quotebar"))) release();
  }, true);

  // -- landing ---------------------------------------------------------------------

  var landed = null;
  var follow = null; // ResizeObserver keeping the landed passage in place

  function clearLanding() {
    if (landed) landed.removeAttribute("data-kb-landed");
    landed = null;
    if (follow) { follow.disconnect(); follow = null; }
    doc.querySelectorAll(".kb-lost").forEach(function (el) { el.remove(); });
    doc.querySelectorAll("[data-kb-quote]").forEach(function (el) { el.removeAttribute("data-kb-quote"); });
    if (window.CSS && CSS.highlights) CSS.highlights.delete("kb-quote");
    root.removeAttribute("data-kb-landed");
  }

  function flash(target) {
    if (!target) return;
    target.classList.remove("kb-flash");
    void target.offsetWidth; // restart the animation
    target.classList.add("kb-flash");
    clearTimeout(flash.timer);
    flash.timer = setTimeout(function () { target.classList.remove("kb-flash"); }, 2600);
  }

  function margin(el) {
    return parseFloat(getComputedStyle(el).scrollMarginTop) || 0;
  }

  // Scroll so that rect-of-thing sits below the header (as scroll-margin says).
  function align(target, range) {
    var header = headerBottom();
    var top = (range || target).getBoundingClientRect().top;
    var want = range ? header + Math.min(innerHeight / 4, 96) : margin(target);
    if (!range && want < header) want = header + 8;
    var delta = top - want;
    if (Math.abs(delta) > 1) window.scrollTo(window.scrollX, window.scrollY + delta);
  }

  function inView(target, range) {
    var rect = (range || target).getBoundingClientRect();
    return rect.top >= headerBottom() - 1 && rect.top < innerHeight - 8;
  }

  // Wait until the target holds still in view (layout settles: images,
  // Material's own scroll), re-aligning after each shift unless the reader
  // moved first. Then mark it landed.
  function settle(target, range, token, done) {
    var last = null, still = 0, frames = 0;
    align(target, range);
    function step() {
      if (token !== nav.token) return;
      if (nav.released) return done();
      var top = (range || target).getBoundingClientRect().top;
      if (!inView(target, range) || (last !== null && Math.abs(top - last) > 1)) {
        align(target, range);
        still = 0;
        top = (range || target).getBoundingClientRect().top;
      } else {
        still += 1;
      }
      last = top;
      frames += 1;
      if (still >= 3 || frames > 300) return done();
      requestAnimationFrame(step);
    }
    requestAnimationFrame(step);
  }

  // Keep the landed passage where it is while late layout (images) shifts the
  // page, until the reader moves or a few seconds pass.
  function keepInPlace(target, range, token) {
    if (!window.ResizeObserver) return;
    var top = (range || target).getBoundingClientRect().top;
    var until = Date.now() + 4000;
    follow = new ResizeObserver(function () {
      if (token !== nav.token || nav.released || Date.now() > until) {
        if (follow) { follow.disconnect(); follow = null; }
        return;
      }
      var now = (range || target).getBoundingClientRect().top;
      if (Math.abs(now - top) > 1) window.scrollTo(window.scrollX, window.scrollY + now - top);
    });
    follow.observe(article());
  }

  // The table of contents marks the section that holds the landed passage.
  function markSection(target) {
    var links = [].slice.call(doc.querySelectorAll(".md-nav--secondary a.md-nav__link"));
    if (!links.length) return;
    var section = null;
    links.forEach(function (link) {
      var heading = doc.getElementById(decodeId(link.hash));
      if (heading && (heading === target ||
          (heading.compareDocumentPosition(target) & Node.DOCUMENT_POSITION_FOLLOWING))) {
        section = link;
      }
    });
    var passed = true;
    links.forEach(function (link) {
      link.classList.toggle("md-nav__link--active", link === section);
      link.classList.toggle("md-nav__link--passed", passed && !!section);
      if (link === section) passed = false;
    });
  }

  // Unknown #p-... : say so, offer the page top and the closest passage.
  function explainLost(id) {
    var box = make("div", { "class": "kb-lost admonition warning", role: "status" });
    box.appendChild(make("p", { "class": "admonition-title" }, "This passage moved or was removed"));
    var text = make("p", null, "The link pointed to a passage (#" + id + ") that is no longer on this page. ");
    var top = make("a", { href: pageUrl(location.href), "class": "kb-lost-top" }, "Go to the top of the page");
    text.appendChild(top);
    var near = closestPassage(id);
    if (near) {
      text.appendChild(doc.createTextNode(" or read the closest passage: "));
      var link = make("a", { href: "#" + near.id, "class": "kb-lost-near" },
                      "“" + cleanText(near).split(" ").slice(0, 12).join(" ") + " …”");
      text.appendChild(link);
    }
    box.appendChild(text);
    var heading = article().querySelector("h1");
    if (heading) heading.after(box); else article().prepend(box);
    return box;
  }

  function closestPassage(id) {
    var words = id.replace(/^p-/, "").split("-");
    var best = null, score = 1;
    article().querySelectorAll('[id^="p-"]').forEach(function (el) {
      if (el.classList.contains("kb-alias")) return;
      var own = el.id.replace(/^p-/, "").split("-");
      var common = words.filter(function (word) { return own.indexOf(word) >= 0; }).length;
      if (common > score) { best = el; score = common; }
    });
    return best;
  }

  // The :~:text= directive of this landing, if any. Chromium hides it from
  // location, but the navigation entry of a cold load keeps it.
  function textDirective(first) {
    var raw = location.href.indexOf(":~:") >= 0 ? location.href : "";
    if (!raw && first && window.performance && performance.getEntriesByType) {
      var entry = performance.getEntriesByType("navigation")[0];
      if (entry && entry.name.indexOf(":~:") >= 0 && pageUrl(entry.name) === pageUrl(location.href) &&
          decodeId(new URL(entry.name).hash) === decodeId(location.hash)) raw = entry.name;
    }
    var match = /:~:(?:.*&)?text=([^&]*)/.exec(raw);
    if (!match) return null;
    var parts = match[1].split(",").map(function (part) {
      try { return decodeURIComponent(part); } catch (error) { return part; }
    });
    var found = { prefix: "", start: "", end: "", suffix: "" };
    if (parts.length && /-$/.test(parts[0])) found.prefix = parts.shift().slice(0, -1);
    if (parts.length && /^-/.test(parts[parts.length - 1])) found.suffix = parts.pop().slice(1);
    found.start = parts[0] || "";
    found.end = parts[1] || "";
    return found.start ? found : null;
  }

  // A map of the normalised visible text of `scope` back to DOM positions.
  function textMap(scope) {
    var text = "", points = [], space = true;
    var walker = doc.createTreeWalker(scope, NodeFilter.SHOW_TEXT, {
      acceptNode: function (node) {
        var parent = node.parentElement;
        return parent && parent.closest(SKIP_TEXT) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    for (var node = walker.nextNode(); node; node = walker.nextNode()) {
      var value = node.nodeValue;
      for (var i = 0; i < value.length; i++) {
        var ch = value[i];
        if (/\s/.test(ch)) {
          if (space) continue;
          ch = " ";
          space = true;
        } else {
          space = false;
        }
        text += ch;
        points.push([node, i]);
      }
    }
    return { text: text, lower: text.toLowerCase(), points: points };
  }

  function findQuote(scope, directive) {
    var map = textMap(scope);
    var start = squash(directive.start).toLowerCase();
    var end = squash(directive.end).toLowerCase();
    var prefix = squash(directive.prefix).toLowerCase();
    var from = 0;
    while (true) {
      var i = map.lower.indexOf(start, from);
      if (i < 0) return null;
      from = i + 1;
      if (prefix && !squash(map.lower.slice(0, i)).endsWith(prefix)) continue;
      var stop = i + start.length;
      if (end) {
        var j = map.lower.indexOf(end, stop);
        if (j < 0) return null;
        stop = j + end.length;
      }
      var range = doc.createRange();
      range.setStart(map.points[i][0], map.points[i][1]);
      var last = map.points[stop - 1];
      range.setEnd(last[0], last[1] + 1);
      return range;
    }
  }

  function highlightQuote(range, passage) {
    if (window.CSS && CSS.highlights && window.Highlight) {
      CSS.highlights.set("kb-quote", new Highlight(range));
    } else if (range.startContainer === range.endContainer) {
      range.surroundContents(make("mark", { "class": "kb-quote" }));
    }
    (passage || range.commonAncestorContainer.parentElement).setAttribute("data-kb-quote", squash(range.toString()));
  }

  function land(first) {
    var token = ++nav.token;
    var url = location.href;
    clearLanding();
    nav.pending = true;
    var restore = !!(history.state && typeof history.state.y === "number");
    var id = decodeId(location.hash);
    var target = targetFor(id);
    var directive = textDirective(first);
    var range = null;
    if (directive) {
      range = (target && findQuote(target, directive)) || findQuote(article(), directive);
      if (range && !target) target = range.startContainer.parentElement.closest(PASSAGE);
    }

    function done() {
      if (token !== nav.token) return;
      nav.pending = false;
      nav.pin = location.href;
      // The offset Material would have recorded while we held history back.
      if (target && !restore) nativeReplace.call(history, { x: window.scrollX, y: window.scrollY }, "");
      if (target) {
        landed = target;
        target.setAttribute("data-kb-landed", restore ? "restored" : "");
        markSection(target);
        if (!restore) keepInPlace(target, range, token);
      }
      root.setAttribute("data-kb-landed", url);
    }

    if (!id && !range) return done();
    if (!target) {
      if (id.indexOf("__") === 0) return done();
      var box = explainLost(id);
      window.scrollTo(window.scrollX, Math.max(0, box.getBoundingClientRect().top + window.scrollY - headerBottom() - 16));
      root.setAttribute("data-kb-lost", id);
      return done();
    }
    root.removeAttribute("data-kb-lost");
    if (range) highlightQuote(range, target.matches(PASSAGE) ? target : null);
    if (restore) {
      // Back/Forward: Material restores the reader's offset; keep it.
      requestAnimationFrame(function () { requestAnimationFrame(done); });
      return;
    }
    flash(target);
    settle(target, range, token, done);
  }

  // Cold load, and every page instant navigation swaps in.
  var firstLoad = true;
  var shownPath = location.pathname;
  function onDocument() {
    shownPath = location.pathname;
    prepare();
    land(firstLoad);
    firstLoad = false;
  }

  // Material emits each followed or restored URL here (after pushState or
  // popstate, before the page is fetched). Hold history writes from now on.
  // A URL on another page lands when Material has swapped that page in
  // (document$); one on the page shown lands right after Material's scroll.
  // (Material may emit the same URL twice before the new page is in.)
  if (window.location$ && typeof window.location$.subscribe === "function") {
    window.location$.subscribe(function (url) {
      var fetches = url.pathname !== shownPath;
      nav.token += 1; // cancel a landing in progress
      nav.pending = true;
      nav.released = false;
      nav.pin = location.href;
      root.removeAttribute("data-kb-landed");
      hidePreview();
      if (!fetches) {
        // Same page: no fetch, no document$; land after Material's scroll.
        var token = nav.token;
        setTimeout(function () { if (token === nav.token) land(false); }, 0);
      }
    });
  }

  window.addEventListener("hashchange", function () {
    if (nav.pending && nav.pin === location.href) return; // Material's own
    nav.released = false;
    nav.pin = location.href;
    land(false);
  });

  // Material's document$ replays the first page and emits every swapped-in
  // one. Where it never emits (opened from file:// with instant navigation
  // configured, Material not loaded), the first page lands on its own.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onDocument);
  }
  if (doc.readyState === "loading") {
    doc.addEventListener("DOMContentLoaded", function () { if (firstLoad) onDocument(); });
  } else if (firstLoad) {
    onDocument();
  }

  // Per page: keep each glossary definition (Material's tooltips lift the
  // title while they show) and label the links that have previews.
  function prepare() {
    doc.querySelectorAll("a.kb-term[title]").forEach(function (term) {
      term.setAttribute("data-kb-definition", term.getAttribute("title"));
    });
  }

  // -- copy a passage's link ------------------------------------------------------------

  doc.addEventListener("click", function (event) {
    var mark = event.target.closest && event.target.closest("a.kb-anchor, a.headerlink");
    if (!mark || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) return;
    // Ours alone: instant navigation would otherwise reload this very page.
    event.preventDefault();
    event.stopPropagation();
    // Instant navigation rewrites every href to an absolute address.
    var id = decodeId(new URL(mark.href, location.href).hash);
    var url = pageUrl(location.href) + "#" + encodeURIComponent(id).replace(/%2F/g, "/");
    ownReplace(history.state, url);
    nav.released = false;
    var target = doc.getElementById(id);
    flash(target);
    // The tooltip ("Copy link to this passage") goes once the link is copied.
    doc.querySelectorAll(".md-tooltip2--active").forEach(function (tip) { tip.setAttribute("data-kb-dismissed", ""); });
    mark.setAttribute("data-copied", "");
    clearTimeout(mark.kbTimer);
    mark.kbTimer = setTimeout(function () { mark.removeAttribute("data-copied"); }, 2000);
    copy(url).then(function () {
      announce("Link copied");
    }, function () {
      announce("Copy failed: the link is in the address bar");
    });
  }, true); // capture: before Material's own click handling on <body>

  // A discipline selected inside the enlarged diagram: close the lightbox
  // (mkdocs-glightbox's global `lightbox`) so the section it links to shows.
  doc.addEventListener("click", function (event) {
    var node = event.target.closest && event.target.closest(".glightbox-container a");
    if (node && typeof lightbox !== "undefined") {
      lightbox.close(); // eslint-disable-line no-undef
    }
  });

  // The print view's button (overrides/partials/actions.html): a listener
  // here, never an inline onclick, which the Content-Security-Policy blocks.
  doc.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest(".kb-print-button")) window.print();
  });

  // -- sentence links: a toolbar on text selection -----------------------------------------

  var bar = null, barRange = null;

  function quoteBar() {
    if (bar && bar.isConnected) return bar;
    bar = make("div", { "class": "kb-quotebar", role: "toolbar", "aria-label": "Quote" });
    bar.appendChild(make("button", { type: "button", "data-action": "link" }, "Copy link to quote"));
    bar.appendChild(make("button", { type: "button", "data-action": "cite" }, "Copy quote with citation"));
    // Keep the selection when a button is pressed.
    bar.addEventListener("mousedown", function (event) { event.preventDefault(); });
    bar.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button || !barRange) return;
      var quote = quoteOf(barRange);
      if (!quote) return hideBar();
      if (button.getAttribute("data-action") === "link") {
        copy(quote.url).then(function () { announce("Link to quote copied"); },
                             function () { announce("Copy failed"); });
      } else {
        var cite = citation(quote);
        copy(cite.text, cite.html).then(function () { announce("Quote with citation copied"); },
                                        function () { announce("Copy failed"); });
      }
      bar.setAttribute("data-copied", button.getAttribute("data-action"));
      hideBar();
    });
    bar.addEventListener("keydown", function (event) {
      if (event.key === "Escape") { hideBar(); }
    });
    doc.body.appendChild(bar);
    return bar;
  }

  function hideBar() {
    if (bar) bar.removeAttribute("data-visible");
    barRange = null;
  }

  function selectionInArticle() {
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return null;
    var range = selection.getRangeAt(0);
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var passage = start && start.closest(PASSAGE);
    if (!passage || !passage.closest(".md-content__inner") ||
        passage.closest(".kb-article-header, .kb-article-footer, .kb-backlinks, .kb-passages, .kb-appears, nav")) return null;
    if (!squash(range.toString())) return null;
    return range;
  }

  function showBar() {
    var range = selectionInArticle();
    if (!range) return hideBar();
    barRange = range.cloneRange();
    var el = quoteBar();
    el.setAttribute("data-visible", "");
    var rects = range.getClientRects();
    var first = rects[0] || range.getBoundingClientRect();
    var last = rects[rects.length - 1] || first;
    var width = el.offsetWidth, height = el.offsetHeight;
    var touch = lastPointer === "touch";
    // Above the selection; below it on touch screens (the system menu is
    // above) or when the header is in the way. Never over the selected text.
    var top = first.top - height - 8;
    if (touch || top < headerBottom() + 4) top = last.bottom + 8;
    var left = Math.min(Math.max(8, (touch ? last.left : first.left)), doc.documentElement.clientWidth - width - 8);
    el.style.top = (top + window.scrollY) + "px";
    el.style.left = (left + window.scrollX) + "px";
  }

  var lastPointer = "mouse";
  doc.addEventListener("pointerdown", function (event) { lastPointer = event.pointerType || "mouse"; }, true);

  var barTimer;
  doc.addEventListener("selectionchange", function () {
    clearTimeout(barTimer);
    if (bar && bar.contains(doc.activeElement)) return;
    barTimer = setTimeout(showBar, lastPointer === "touch" ? 350 : 150);
  });

  // The selected words as a link: page#passage:~:text=..., the passage id
  // first so browsers without text fragments still land on the paragraph.
  function quoteOf(range) {
    var start = range.startContainer.nodeType === 1 ? range.startContainer : range.startContainer.parentElement;
    var passage = start.closest(PASSAGE);
    if (!passage) return null;
    var scope = passage.contains(range.endContainer) ? passage : article();
    var map = textMap(scope);
    var from = -1, to = -1;
    for (var i = 0; i < map.points.length; i++) {
      var point = map.points[i];
      var inside = range.isPointInRange(point[0], point[1]) &&
                   !(point[0] === range.endContainer && point[1] >= range.endOffset);
      if (inside) { if (from < 0) from = i; to = i + 1; }
    }
    if (from < 0) return null;
    var quote = squash(map.text.slice(from, to));
    if (!quote) return null;
    var words = quote.split(" ");
    var startText = quote, endText = "";
    if (words.length > 10) {
      startText = words.slice(0, 5).join(" ");
      endText = words.slice(-5).join(" ");
    }
    var encode = function (text) {
      return encodeURIComponent(text).replace(/-/g, "%2D").replace(/,/g, "%2C").replace(/&/g, "%26");
    };
    // The same words earlier in the article? Then name the words before them.
    var whole = textMap(article()).lower;
    var before = squash(map.text.slice(0, from));
    var prefix = "";
    var earlier = whole.indexOf(startText.toLowerCase());
    var own = whole.indexOf((before.split(" ").slice(-3).join(" ") + " " + startText).toLowerCase());
    if (earlier >= 0 && own >= 0 && earlier < own + before.split(" ").slice(-3).join(" ").length) {
      prefix = before.split(" ").slice(-3).join(" ");
    }
    var directive = (prefix ? encode(prefix) + "-," : "") + encode(startText) + (endText ? "," + encode(endText) : "");
    var url = pageUrl(location.href) + "#" + passage.id + ":~:text=" + directive;
    return { text: quote, url: url, passage: passage };
  }

  function citation(quote) {
    var meta = articleMeta();
    var who = [meta.author, "“" + meta.title + "”"].filter(Boolean).join(", ");
    var text = "“" + quote.text + "”\n— " + who + "\n" + quote.url;
    var block = make("blockquote");
    block.appendChild(make("p", null, "“" + quote.text + "”"));
    var footer = make("p", null, "— ");
    if (meta.author) footer.appendChild(doc.createTextNode(meta.author + ", "));
    var cite = make("cite");
    cite.appendChild(make("a", { href: quote.url }, meta.title));
    footer.appendChild(cite);
    block.appendChild(footer);
    return { text: text, html: block.outerHTML };
  }

  // -- previews of another article's passage -----------------------------------------------

  var pages = {};          // page URL -> Promise<Document>
  var preview = null, previewFor = null, openTimer, closeTimer;

  function fetchPage(url) {
    if (!pages[url]) {
      pages[url] = fetch(url, { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.text();
      }).then(function (html) {
        return new DOMParser().parseFromString(html, "text/html");
      });
      pages[url].catch(function () { delete pages[url]; });
    }
    return pages[url];
  }

  function previewable(link) {
    if (FILE || !link || !link.href || link.closest(".kb-preview, .md-nav, .md-header, .md-footer")) return false;
    if (link.matches(".kb-anchor, .headerlink, .kb-term, .kb-chip, .kb-discipline, .kb-cycle-node")) return false;
    if (!link.closest(".md-content")) return false;
    var url;
    try { url = new URL(link.href, location.href); } catch (error) { return false; }
    return url.origin === location.origin && !!url.hash && !samePage(url.href, location.href);
  }

  function previewBox() {
    if (preview && preview.isConnected) return preview;
    preview = make("div", { "class": "kb-preview", id: "kb-preview", role: "tooltip" });
    preview.addEventListener("mouseenter", function () { clearTimeout(closeTimer); });
    preview.addEventListener("mouseleave", function () { scheduleClose(); });
    doc.body.appendChild(preview);
    return preview;
  }

  function showPreview(link) {
    var url = new URL(link.href, location.href);
    var id = decodeId(url.hash);
    previewFor = link;
    return fetchPage(pageUrl(url.href)).then(function (page) {
      if (previewFor !== link) return;
      var passage = targetFor(id, page);
      if (!passage || !passage.matches(PASSAGE)) return;
      var meta = articleMeta(page);
      var box = previewBox();
      box.textContent = "";
      box.setAttribute("aria-label", "Preview: " + meta.title);
      var head = make("p", { "class": "kb-preview-title" }, meta.title);
      box.appendChild(head);
      var by = [meta.author, meta.themes.join(", ")].filter(Boolean).join(" · ");
      if (by) box.appendChild(make("p", { "class": "kb-preview-meta" }, by));
      box.appendChild(make("blockquote", { "class": "kb-preview-text" }, cleanText(passage)));
      link.setAttribute("aria-describedby", "kb-preview");
      box.setAttribute("data-visible", "");
      box.setAttribute("data-for", link.href);
      place(box, link);
    }, function () { /* offline or gone: no preview, no noise */ });
  }

  function place(box, link) {
    var rect = link.getBoundingClientRect();
    var width = Math.min(box.offsetWidth, doc.documentElement.clientWidth - 16);
    var height = box.offsetHeight;
    var top = rect.bottom + 6;
    if (top + height > innerHeight && rect.top - height - 6 > headerBottom()) top = rect.top - height - 6;
    var left = Math.min(Math.max(8, rect.left), doc.documentElement.clientWidth - width - 8);
    box.style.top = (top + window.scrollY) + "px";
    box.style.left = (left + window.scrollX) + "px";
  }

  function hidePreview() {
    clearTimeout(openTimer);
    clearTimeout(closeTimer);
    if (previewFor) previewFor.removeAttribute("aria-describedby");
    previewFor = null;
    if (preview) preview.removeAttribute("data-visible");
  }

  function scheduleClose() {
    clearTimeout(closeTimer);
    closeTimer = setTimeout(hidePreview, 300);
  }

  doc.addEventListener("mouseover", function (event) {
    if (lastPointer === "touch") return;
    var link = event.target.closest && event.target.closest("a[href]");
    if (link && previewable(link)) {
      clearTimeout(closeTimer);
      if (previewFor === link) return;
      clearTimeout(openTimer);
      openTimer = setTimeout(function () { showPreview(link); }, 250);
    }
  });
  doc.addEventListener("mouseout", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link && link === previewFor && !(event.relatedTarget && link.contains(event.relatedTarget))) scheduleClose();
    else if (link && !previewFor) clearTimeout(openTimer);
  });
  doc.addEventListener("focusin", function (event) {
    var link = event.target.closest && event.target.closest("a[href]");
    if (link && previewable(link)) { clearTimeout(closeTimer); showPreview(link); }
  });
  doc.addEventListener("focusout", function (event) {
    if (event.target === previewFor) hidePreview();
  });
  doc.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      hidePreview();
      hideTerm();
      hideBar();
    }
  });

  // -- a tap on a glossary term shows its definition ------------------------------------------

  var termBox = null, termFor = null;

  function hideTerm() {
    if (termBox) termBox.removeAttribute("data-visible");
    if (termFor) termFor.setAttribute("aria-expanded", "false");
    termFor = null;
  }

  function showTerm(term) {
    if (!termBox || !termBox.isConnected) {
      termBox = make("div", { "class": "kb-preview kb-definition", id: "kb-definition", role: "dialog",
                              "aria-label": "Definition" });
      doc.body.appendChild(termBox);
    }
    var text = term.getAttribute("data-kb-definition") || term.getAttribute("title") || "";
    var split = text.indexOf(": ");
    termBox.textContent = "";
    termBox.appendChild(make("p", { "class": "kb-preview-title" }, split > 0 ? text.slice(0, split) : squash(term.textContent)));
    termBox.appendChild(make("p", { "class": "kb-preview-text" }, split > 0 ? text.slice(split + 2) : text));
    var more = make("a", { href: term.href, "class": "kb-definition-more" }, "Read the glossary entry");
    termBox.appendChild(make("p", null)).appendChild(more);
    termBox.setAttribute("data-visible", "");
    termFor = term;
    term.setAttribute("aria-expanded", "true");
    term.setAttribute("aria-controls", "kb-definition");
    place(termBox, term);
  }

  doc.addEventListener("click", function (event) {
    var term = event.target.closest && event.target.closest("a.kb-term");
    if (term && lastPointer === "touch" && term !== termFor) {
      event.preventDefault();
      event.stopPropagation();
      showTerm(term);
      return;
    }
    if (termBox && !(event.target.closest && event.target.closest(".kb-definition"))) hideTerm();
  }, true);
})();

// The article index (/articles/): filters by theme, discipline, author and
// words, without leaving the page. The list is complete without script; the
// filters appear only where this runs. ?theme=, ?discipline= and ?author=
// in the address preselect a filter (the disciplines page links that way).
(function () {
  "use strict";

  function setUp() {
    var root = document.querySelector(".kb-index");
    if (!root || root.hasAttribute("data-kb-ready")) return;
    root.setAttribute("data-kb-ready", "");
    var form = root.querySelector(".kb-index__filters");
    var items = Array.prototype.slice.call(root.querySelectorAll(".kb-article-list > li"));
    var count = root.querySelector(".kb-index__count");
    var params = new URLSearchParams(location.search);
    ["theme", "discipline", "author"].forEach(function (name) {
      var value = params.get(name);
      if (value && form.elements[name]) form.elements[name].value = value;
    });

    function apply() {
      var theme = form.elements.theme.value;
      var discipline = form.elements.discipline.value;
      var author = form.elements.author.value;
      var words = form.elements.words.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      items.forEach(function (item) {
        var text = item.textContent.toLowerCase();
        var ok = (!theme || (" " + item.dataset.themes + " ").indexOf(" " + theme + " ") >= 0) &&
          (!discipline || (" " + item.dataset.disciplines + " ").indexOf(" " + discipline + " ") >= 0) &&
          (!author || item.dataset.author === author) &&
          words.every(function (w) { return text.indexOf(w) >= 0; });
        item.hidden = !ok;
        if (ok) shown += 1;
      });
      count.textContent = shown === items.length
        ? items.length + (items.length === 1 ? " article" : " articles")
        : shown + " of " + items.length + " articles";
      root.setAttribute("data-kb-shown", String(shown));
    }

    form.hidden = false;
    form.addEventListener("input", apply);
    form.addEventListener("change", apply);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    apply();
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(setUp);
  } else {
    document.addEventListener("DOMContentLoaded", setUp);
  }
})();
