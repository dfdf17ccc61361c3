// Labels: the title of a control in the content (the ¶ copy mark, a
// discipline badge, an editors' link, a heading's permalink) shows as a
// label on hover and on keyboard focus, where the browser's own tooltip
// shows only on hover, late, and never to the keyboard. The title moves
// into the label while it shows (no double tooltip) and comes back after.
// A click on the control (copying a link) takes the label away.
"use strict";

var popup = require("../../_/popup");
var hover = require("../../_/hover");

var BOX = "kb-tip";
var HOST = "[title], [data-kb-title]";

function host(node) {
  var el = node && node.closest ? node.closest(HOST) : null;
  return el && !el.matches(".kb-term") && el.closest(".md-content") ? el : null;
}

// next("open", control, how) / next("close", control) (_/hover.js), and a
// close when the control is clicked.
function watchTooltips(doc, next) {
  var watch = hover.watchHover(doc, { box: BOX, delay: 400, host: host, keyboardOnly: true }, next);
  watch.also("click", function (event) {
    if (watch.state.host && watch.state.host.contains(event.target)) watch.close();
  });
  return watch;
}

function mountTooltips(doc, deps) {
  var state = { control: null };

  function show(control) {
    if (control.hasAttribute("title")) {
      control.setAttribute("data-kb-title", control.getAttribute("title"));
      control.removeAttribute("title");
    }
    var tip = popup.box(doc, BOX, { "class": "kb-tip", role: "tooltip" });
    tip.textContent = control.getAttribute("data-kb-title");
    popup.describedBy(control, BOX, true);
    tip.setAttribute("data-visible", "");
    popup.place(tip, control, 4);
    state.control = control;
  }

  function hide(control) {
    if (control.hasAttribute("data-kb-title")) {
      control.setAttribute("title", control.getAttribute("data-kb-title"));
      control.removeAttribute("data-kb-title");
    }
    popup.describedBy(control, BOX, false);
    if (state.control !== control) return;
    state.control = null;
    popup.hide(doc, BOX);
  }

  var watch = watchTooltips(doc, function (kind, control) {
    if (kind === "open") show(control); else hide(control);
  });
  watch.replay(deps.pointer);
  return { ref: doc, state: state, unmount: watch.unwatch };
}

module.exports = { watchTooltips: watchTooltips, mountTooltips: mountTooltips };
