// Confirmations ("Link copied") in the header band, never over the text
// being read; one live region, announced to screen readers.
"use strict";

var dom = require("./dom");

// One toast per page script: its element and timer live on the object.
function createToast(doc) {
  var state = { el: null, timer: 0 };
  function say(message) {
    if (!state.el || !state.el.isConnected) {
      state.el = dom.make(doc, "div", { "class": "kb-toast", role: "status", "aria-live": "polite" });
      doc.body.appendChild(state.el);
    }
    state.el.textContent = message;
    state.el.setAttribute("data-visible", "");
    clearTimeout(state.timer);
    state.timer = setTimeout(function () { state.el.removeAttribute("data-visible"); }, 2400);
  }
  return { state: state, say: say };
}

module.exports = { createToast: createToast };
