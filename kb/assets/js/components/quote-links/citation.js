// A quote with its citation, as plain text and as HTML (for pasting into a
// document or a chat). Pure: text in, text out; the HTML is escaped here.
"use strict";

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, function (ch) {
    return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[ch];
  });
}

// quote: {text, url}; meta: {title, author}.
function citation(quote, meta) {
  var who = [meta.author, "“" + meta.title + "”"].filter(Boolean).join(", ");
  var text = "“" + quote.text + "”\n— " + who + "\n" + quote.url;
  var html = "<blockquote><p>“" + escapeHtml(quote.text) + "”</p><p>— " +
    (meta.author ? escapeHtml(meta.author) + ", " : "") +
    '<cite><a href="' + escapeHtml(quote.url) + '">' + escapeHtml(meta.title) + "</a></cite></p></blockquote>";
  return { text: text, html: html };
}

module.exports = { escapeHtml: escapeHtml, citation: citation };
