// URL text fragments (`#p-id:~:text=prefix-,start,end,-suffix`), read and
// written. Pure functions over strings: the page script gives them the
// address and the article's text.
"use strict";

function decodePart(part) {
  try { return decodeURIComponent(part); } catch (error) { return part; }
}

// The text directive of an address, or null: {prefix, start, end, suffix}.
function parseTextDirective(href) {
  var match = /:~:(?:.*&)?text=([^&]*)/.exec(String(href || ""));
  if (!match) return null;
  var parts = match[1].split(",").map(decodePart);
  var found = { prefix: "", start: "", end: "", suffix: "" };
  if (parts.length && /-$/.test(parts[0])) found.prefix = parts.shift().slice(0, -1);
  if (parts.length && /^-/.test(parts[parts.length - 1])) found.suffix = parts.pop().slice(1);
  found.start = parts[0] || "";
  found.end = parts[1] || "";
  return found.start ? found : null;
}

// One term of a directive: the characters the syntax reserves escaped.
function encodePart(text) {
  return encodeURIComponent(text).replace(/-/g, "%2D").replace(/,/g, "%2C").replace(/&/g, "%26");
}

function lastWords(text, n) {
  return text ? text.split(" ").slice(-n).join(" ") : "";
}

function firstWords(text, n) {
  return text ? text.trim().split(" ").slice(0, n).join(" ") : "";
}

// The directive naming `quote` (normalised text), given the text of its
// passage before it (`before`) and the whole article's text in lower case
// (`article`). A long quote is named by its first and last five words; when
// the same opening words come earlier in the article, the three words
// before the quote are given as its prefix. Given the passage's text after
// the quote (`after`, optional), a quote whose opening words come more than
// once in the article and that no prefix sets apart (it opens its passage)
// gets the three words after it as its suffix: a short common quote
// ("customer experience") lands on its own passage, not on the first.
function directiveFor(quote, before, article, after) {
  var words = quote.split(" ");
  var start = quote, end = "";
  if (words.length > 10) {
    start = words.slice(0, 5).join(" ");
    end = words.slice(-5).join(" ");
  }
  var context = lastWords(before, 3), prefix = context;
  var earlier = article.indexOf(start.toLowerCase());
  var own = article.indexOf((prefix + " " + start).toLowerCase());
  if (!(prefix && earlier >= 0 && own >= 0 && earlier < own + prefix.length)) prefix = "";
  var suffix = "";
  if (!context && after && earlier >= 0 && article.indexOf(start.toLowerCase(), earlier + 1) >= 0) {
    suffix = firstWords(after, 3);
  }
  return (prefix ? encodePart(prefix) + "-," : "") + encodePart(start) + (end ? "," + encodePart(end) : "") +
    (suffix ? ",-" + encodePart(suffix) : "");
}

module.exports = { parseTextDirective: parseTextDirective, encodePart: encodePart, directiveFor: directiveFor };
