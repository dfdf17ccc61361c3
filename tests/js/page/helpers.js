// Shared by the page-script unit tests: the modules under kb/assets/js,
// required as they are, and pages parsed outside the browser (linkedom).
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const { parseHTML } = require("linkedom");

const ROOT = path.join(__dirname, "..", "..", "..");
const JS = path.join(ROOT, "kb", "assets", "js");

// A module of the page script: load("text/fragment").
function load(name) {
  return require(path.join(JS, name));
}

// {window, document} of an HTML string.
function page(html) {
  const parsed = parseHTML(html);
  settableSelects(parsed.window);
  return parsed;
}

// linkedom's <select> has a value to read but not to set, as browsers do.
function settableSelects(window) {
  const proto = window.HTMLSelectElement && window.HTMLSelectElement.prototype;
  const own = proto && Object.getOwnPropertyDescriptor(proto, "value");
  if (!proto || (own && own.set)) return;
  Object.defineProperty(proto, "value", {
    configurable: true,
    get() {
      const chosen = this.querySelector("option[selected]") || this.querySelector("option");
      return chosen ? chosen.getAttribute("value") || "" : "";
    },
    set(value) {
      this.querySelectorAll("option").forEach((option) => {
        if (option.getAttribute("value") === String(value)) option.setAttribute("selected", "");
        else option.removeAttribute("selected");
      });
    }
  });
}

// A trimmed built article page (fixtures/article.html).
function article() {
  return page(fs.readFileSync(path.join(__dirname, "fixtures", "article.html"), "utf8"));
}

// Every built article page, when the suite hands the built site over
// (KB_SITE, tests/test_js_units.py); [] when run on its own.
function builtArticles() {
  const site = process.env.KB_SITE;
  if (!site) return [];
  const folder = path.join(site, "articles");
  return fs.readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => path.join(folder, entry.name, "index.html"))
    .filter((file) => fs.existsSync(file))
    .map((file) => {
      const parsed = page(fs.readFileSync(file, "utf8"));
      return { file, document: parsed.document, window: parsed.window };
    });
}

// An event with the given properties (linkedom's events take few options).
function event(window, type, props) {
  const made = new window.Event(type, { bubbles: true, cancelable: true });
  Object.keys(props || {}).forEach((key) => {
    Object.defineProperty(made, key, { value: props[key], configurable: true });
  });
  return made;
}

module.exports = { ROOT, JS, load, page, article, builtArticles, event };
