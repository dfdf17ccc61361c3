// Glossary tooltips: a dotted term shows its definition, one look
// everywhere (kb.css, .kb-definition): on hover and on keyboard focus (a
// tooltip describing the term), and on a tap on touch screens, where the
// tap no longer leaves the page (a small dialog with a link to the entry;
// a second tap on the term goes on to the glossary). Escape, a tap or click
// elsewhere and a page change close it. The definition is the term's title,
// written at build time; it moves into the box the first time it shows, so
// the browser's own tooltip never doubles it.
"use strict";

var dom = require("../../_/dom");
var popup = require("../../_/popup");
var hover = require("../../_/hover");

var TERM = "a.kb-term";
var BOX = "kb-definition";

// "Label: definition" (as the build writes it) -> {label, text}. Pure.
function splitDefinition(title, fallback) {
  var split = title.indexOf(": ");
  return split > 0 ? { label: title.slice(0, split), text: title.slice(split + 2) }
                   : { label: dom.squash(fallback), text: title };
}

function definitionOf(term) {
  if (term.hasAttribute("title")) {
    term.setAttribute("data-kb-definition", term.getAttribute("title"));
    term.removeAttribute("title");
  }
  return splitDefinition(term.getAttribute("data-kb-definition") || "", term.textContent);
}

// next("open", term, how) with how "hover" | "focus" | "tap", next("close",
// term). Returns the hover watch (_/hover.js), with taps added.
function watchGlossary(doc, deps, next) {
  var watch = hover.watchHover(doc, {
    box: BOX,
    delay: 250,
    host: function (node) { return node && node.closest ? node.closest(TERM) : null; }
  }, next);
  function tap(event) {
    var term = dom.closest(event, TERM);
    if (!term || deps.pointer.type !== "touch") return;
    if (term === watch.state.host && watch.state.how === "tap") return; // a second tap goes on
    event.preventDefault();
    event.stopPropagation();
    watch.open(term, "tap");
  }
  watch.also("click", tap);
  return watch;
}

function mountGlossary(doc, deps) {
  var state = { term: null };

  function show(term, how) {
    var definition = definitionOf(term);
    var tapped = how === "tap";
    var box = popup.box(doc, BOX, { "class": "kb-preview kb-definition" });
    box.textContent = "";
    box.setAttribute("role", tapped ? "dialog" : "tooltip");
    box.setAttribute("aria-label", "Definition: " + definition.label);
    box.appendChild(dom.make(doc, "p", { "class": "kb-preview-title" }, definition.label));
    box.appendChild(dom.make(doc, "p", { "class": "kb-preview-text" }, definition.text));
    var more = dom.make(doc, "a", { href: term.href, "class": "kb-definition-more" }, "Read the glossary entry");
    if (!tapped) more.setAttribute("tabindex", "-1"); // the term itself is the keyboard's way there
    box.appendChild(dom.make(doc, "p")).appendChild(more);
    if (tapped) {
      popup.describedBy(term, BOX, false);
      term.setAttribute("aria-expanded", "true");
      term.setAttribute("aria-controls", BOX);
    } else {
      popup.describedBy(term, BOX, true);
    }
    box.setAttribute("data-visible", "");
    popup.place(box, term);
    state.term = term;
  }

  function hide(term) {
    if (term.hasAttribute("aria-expanded")) term.setAttribute("aria-expanded", "false");
    popup.describedBy(term, BOX, false);
    if (state.term !== term) return;
    state.term = null;
    popup.hide(doc, BOX);
  }

  var watch = watchGlossary(doc, deps, function (kind, term, how) {
    if (kind === "open") show(term, how); else hide(term);
  });
  // A term tapped while this script was on its way (see _/later.js).
  var tapped = deps.pointer.tapped;
  deps.pointer.tapped = null;
  if (tapped && tapped.isConnected) watch.open(tapped, "tap");
  else watch.replay(deps.pointer);
  return { ref: doc, state: state, unmount: watch.unwatch };
}

module.exports = { splitDefinition: splitDefinition, watchGlossary: watchGlossary, mountGlossary: mountGlossary };
