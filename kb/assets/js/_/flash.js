// The short highlight of a passage just landed on or linked to (kb.css,
// .kb-flash: a 2.4 s animation, a plain outline where motion is reduced).
// Its timer lives on the element it highlights.
"use strict";

function flash(target) {
  if (!target) return;
  clearTimeout(target.kbFlashTimer);
  target.classList.remove("kb-flash");
  void target.offsetWidth; // restart the animation
  target.classList.add("kb-flash");
  target.kbFlashTimer = setTimeout(function () { target.classList.remove("kb-flash"); }, 2600);
}

module.exports = { flash: flash };
