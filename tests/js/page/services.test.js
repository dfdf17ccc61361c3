// _/later.js (features loaded on first use), _/toast.js, _/clipboard.js, _/flash.js.
"use strict";
const test = require("node:test");
const assert = require("node:assert/strict");
const { load, page, event } = require("./helpers");
const { loadOnUse } = load("_/later");
const { createToast } = load("_/toast");
const { copy } = load("_/clipboard");
const { flash } = load("_/flash");

const HTML = '<html><head></head><body><header id="top"><a href="#x">menu</a></header><div class="md-content"><p>Text <a class="kb-term" href="/glossary/#cx">CX</a></p></div></body></html>';

function setUp() {
  const { document, window } = page(HTML);
  const win = { document, location: { href: "http://h/a/" }, getSelection: () => ({ isCollapsed: true }) };
  const deps = { win, pointer: { type: "mouse", over: null, tapped: null } };
  const loader = loadOnUse(win, deps, "http://h/assets/kb-extras.js");
  const scripts = () => [...document.head.querySelectorAll("script")].map((s) => s.getAttribute("src"));
  const fire = (el, type, props) => { const e = event(window, type, props); el.dispatchEvent(e); return e; };
  return { document, window, win, deps, loader, scripts, fire };
}

test("nothing is fetched until the reader points at, focuses or selects in the content", () => {
  const { document, scripts, fire } = setUp();
  fire(document.querySelector("#top a"), "pointerover", { pointerType: "mouse" });
  fire(document.querySelector("#top a"), "focusin");
  assert.deepEqual(scripts(), []);
  fire(document.querySelector(".md-content p"), "pointerover", { pointerType: "mouse" });
  fire(document.querySelector(".md-content p"), "focusin");
  assert.deepEqual(scripts(), ["http://h/assets/kb-extras.js"], "fetched once");
});

test("a selection fetches it too", () => {
  const { document, win, scripts, fire } = setUp();
  win.getSelection = () => ({ isCollapsed: false });
  fire(document, "selectionchange");
  assert.equal(scripts().length, 1);
});

test("a term tapped before it came is held for it, then handed over; the extras mount with the deps", () => {
  const { document, deps, loader, fire } = setUp();
  const term = document.querySelector(".kb-term");
  deps.pointer.type = "touch";
  const tap = fire(term, "click");
  assert.ok(tap.defaultPrevented, "the glossary does not open");
  assert.equal(deps.pointer.tapped, term);
  let mounted = null;
  document.dispatchEvent(new (document.defaultView.CustomEvent)("kb:extras", { detail: { mount: (d) => (mounted = d) && "ok" } }));
  assert.equal(mounted, deps);
  assert.equal(loader.state.mounted, "ok");
  const again = fire(term, "click");
  assert.ok(!again.defaultPrevented, "from now on the extras handle taps themselves");
});

test("a mouse click on a term is a plain link", () => {
  const { document, fire, scripts } = setUp();
  const click = fire(document.querySelector(".kb-term"), "click");
  assert.ok(!click.defaultPrevented);
  assert.equal(scripts().length, 0);
});

test("if the extras cannot load, a held tap goes on to the glossary", () => {
  const { document, win, deps, fire } = setUp();
  deps.pointer.type = "touch";
  fire(document.querySelector(".kb-term"), "click");
  document.head.querySelector("script").dispatchEvent(event(document.defaultView, "error"));
  const term = document.querySelector(".kb-term");
  assert.notEqual(win.location.href, "http://h/a/");
  assert.equal(win.location.href, term.href);
});

test("the toast: one live region, its message shown, then hidden", async () => {
  const { document } = page("<body></body>");
  const toast = createToast(document);
  toast.say("Link copied");
  toast.say("Copied again");
  const regions = document.querySelectorAll(".kb-toast");
  assert.equal(regions.length, 1);
  assert.equal(regions[0].getAttribute("role"), "status");
  assert.equal(regions[0].textContent, "Copied again");
  assert.ok(regions[0].hasAttribute("data-visible"));
  clearTimeout(toast.state.timer);
});

test("copy: the Clipboard API in a secure context, the copy event elsewhere", async () => {
  const written = [];
  const secure = {
    isSecureContext: true,
    navigator: { clipboard: { writeText: async (text) => written.push(text) } },
    document: {}
  };
  await copy(secure, "http://h/a/#p-x");
  assert.deepEqual(written, ["http://h/a/#p-x"]);

  const data = {};
  const listeners = [];
  const plain = {
    isSecureContext: false,
    navigator: {},
    document: {
      addEventListener: (type, fn) => listeners.push(fn),
      removeEventListener: () => {},
      execCommand: () => {
        listeners.forEach((fn) => fn({ clipboardData: { setData: (t, v) => (data[t] = v) }, preventDefault() {} }));
        return true;
      }
    }
  };
  await copy(plain, "text", "<b>html</b>");
  assert.deepEqual(data, { "text/plain": "text", "text/html": "<b>html</b>" });
  plain.document.execCommand = () => false;
  await assert.rejects(copy(plain, "text"));
});

test("flash: the highlight class, restarted, then gone", async () => {
  const { document } = page('<p id="a">x</p>');
  const p = document.getElementById("a");
  flash(p);
  flash(p);
  assert.ok(p.classList.contains("kb-flash"));
  clearTimeout(p.kbFlashTimer);
  flash(null); // nothing to highlight: no error
});
