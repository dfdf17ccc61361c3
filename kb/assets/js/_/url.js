// Page addresses and fragments: pure functions over strings.
"use strict";

// "#p-some-id:~:text=..." -> "p-some-id" (percent-decoded when it can be).
function decodeId(hash) {
  var id = String(hash || "").replace(/^#/, "").split(":~:")[0];
  try { return decodeURIComponent(id); } catch (error) { return id; }
}

// The fragment of an href, absolute or not ("" when it has none).
function hashOf(href) {
  var at = String(href || "").indexOf("#");
  return at < 0 ? "" : String(href).slice(at);
}

// An id as written in a fragment (slashes kept readable).
function encodeId(id) {
  return encodeURIComponent(id).replace(/%2F/g, "/");
}

// The address without its fragment.
function pageUrl(href, base) {
  var url = new URL(href, base);
  url.hash = "";
  return url.href;
}

function samePage(a, b, base) {
  var x = new URL(a, base), y = new URL(b, base);
  return x.origin === y.origin && x.pathname === y.pathname && x.search === y.search;
}

module.exports = { decodeId: decodeId, hashOf: hashOf, encodeId: encodeId, pageUrl: pageUrl, samePage: samePage };
