// components/print-button: the print view's button prints.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, event } = require("./helpers");
const { mountPrintButton } = load("components/print-button");

test("a click on the print button opens the print dialog, a click elsewhere does not", () => {
  const { document, window } = page('<html><body><nav><button class="kb-print-button">Print <b>now</b></button><a href="#x">back</a></nav></body></html>');
  let printed = 0;
  const mounted = mountPrintButton(document, { win: { print: () => printed++ } });
  document.querySelector("a").dispatchEvent(event(window, "click"));
  assert.equal(printed, 0);
  document.querySelector(".kb-print-button b").dispatchEvent(event(window, "click"));
  assert.equal(printed, 1);
  assert.equal(mounted.state.printed, 1);
  mounted.unmount();
  document.querySelector(".kb-print-button").dispatchEvent(event(window, "click"));
  assert.equal(printed, 1, "no longer listening");
});
