/*
 * The index's numbers: base-32 varints, one character per 5 bits (a..z, A..Z,
 * 0..9, "-" and "_"); the last character of each number is one of the first
 * 32. kb/search.py `varints` writes them.
 */
"use strict";

var ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_";
var VALUE = new Int8Array(128).fill(-1);
for (var i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/* The numbers of `text`; throws on a character or an ending no encoder writes. */
function decode(text) {
  var out = [], value = 0, scale = 1;
  if (typeof text !== "string") throw new TypeError("not an encoded list");
  for (var i = 0; i < text.length; i++) {
    var code = text.charCodeAt(i);
    var digit = code < 128 ? VALUE[code] : -1;
    if (digit < 0) throw new TypeError("unexpected character " + JSON.stringify(text[i]) + " at " + i);
    if (digit >= 32) {
      value += (digit - 32) * scale;
      scale *= 32;
    } else {
      out.push(value + digit * scale);
      value = 0;
      scale = 1;
    }
  }
  if (scale !== 1) throw new TypeError("the list ends inside a number");
  return out;
}

function encode(values) {
  var out = "";
  values.forEach(function (v) {
    while (v >= 32) { out += ALPHABET[32 + (v % 32)]; v = Math.floor(v / 32); }
    out += ALPHABET[v];
  });
  return out;
}

module.exports = { decode: decode, encode: encode };
