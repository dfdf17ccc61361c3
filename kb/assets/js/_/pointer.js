// The reader's pointer, as the components need it: its kind ("mouse",
// "touch", "pen") from the last press, and what it is over. One object,
// shared by the page script and the features that load on first use.
"use strict";

function watchPointer(doc) {
  var pointer = { type: "mouse", over: null };
  doc.addEventListener("pointerdown", function (event) { pointer.type = event.pointerType || "mouse"; }, true);
  doc.addEventListener("pointerover", function (event) {
    if (event.pointerType === "mouse") pointer.type = "mouse";
    pointer.over = event.target;
  }, true);
  return pointer;
}

module.exports = { watchPointer: watchPointer };
