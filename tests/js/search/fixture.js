// The small index tests/test_search_index.py writes (fixture/), served to the
// worker's modules by a fake fetch that can also lose, damage or stall a part.
"use strict";
const fs = require("fs");
const path = require("path");

const ROOT = path.join(__dirname, "fixture");
const BASE = "http://127.0.0.1:8000/";
const META = "search/0123456789/meta.json";

function read(relative) {
  return fs.readFileSync(path.join(ROOT, relative), "utf8");
}

/* A fetch over fixture/: `faults` maps a part's name (s/3.json) to "missing", "corrupt", "garbled" or "hang". */
function fetcher(faults, log) {
  faults = faults || {};
  return function (url, options) {
    const relative = url.slice(url.indexOf("/0123456789/") + "/0123456789/".length);
    if (log) log.push(relative);
    const fault = faults[relative] || (relative.startsWith("s/") && faults["s/*"]);
    if (fault === "hang") {
      return new Promise((resolve, reject) => {
        if (options && options.signal) options.signal.addEventListener("abort", () => reject(new Error("aborted")));
      });
    }
    if (fault === "offline") return Promise.reject(new TypeError("Failed to fetch"));
    const exists = fs.existsSync(path.join(ROOT, relative));
    if (fault === "missing" || !exists) return Promise.resolve({ ok: false, status: 404, text: () => Promise.resolve("") });
    let text = read(relative);
    if (fault === "corrupt") text = text.slice(0, Math.floor(text.length / 2));
    // Valid JSON, but postings no encoder writes.
    if (fault === "garbled") text = text.replace(/(\[\s*"[^"]+",\s*\d+,\s*\d+,\s*"[^"]*",\s*")([^"]*)"/g, '$1$2!"');
    return Promise.resolve({ ok: true, status: 200, text: () => Promise.resolve(text) });
  };
}

const config = { lang: ["en"], separator: "[\\s\\-]+", kb_index_url: META };
const inlineConfig = { lang: ["en"], kb_index: JSON.parse(read("inline.json")) };

module.exports = { fetcher, config, inlineConfig, BASE, read };
