"""Small text helpers shared by the modules."""

from __future__ import annotations

import re
import sys
import unicodedata


def _marks() -> str:
    """A regex class body of every combining mark that `\\w` leaves out
    (vowel signs, viramas, accents written apart): without them "हिन्दी"
    falls apart into "ह", "न", "द". Marks live in planes 0, 1 and 14; read
    from the running Python's Unicode tables (a few milliseconds)."""
    ranges: list[tuple[int, int]] = []
    for cp in [*range(0x20000), *range(0xE0000, 0xE1000)]:
        char = chr(cp)
        if unicodedata.category(char)[0] == "M" and not re.match(r"\w", char):
            if ranges and ranges[-1][1] == cp - 1:
                ranges[-1] = (ranges[-1][0], cp)
            else:
                ranges.append((cp, cp))
    assert sys.maxunicode >= 0xE0FFF
    return "".join(re.escape(chr(a)) + ("-" + re.escape(chr(b)) if b > a else "") for a, b in ranges)


MARKS = _marks()
_NON_WORD = re.compile(rf"[^\w\s{MARKS}-]")
_SPACES = re.compile(r"[\s_-]+")
_WORD = re.compile(rf"[\w’'{MARKS}]+")


def slugify(text: str, keep_unicode: bool = False) -> str:
    """Lower-case ASCII slug: "Omni-channel (CX)!" -> "omni-channel-cx".

    With `keep_unicode`, letters of any script are kept ("καλημέρα-κόσμε"),
    for text that has no ASCII letters at all."""
    if keep_unicode:
        text = unicodedata.normalize("NFC", text)
    else:
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = _NON_WORD.sub("", text).strip().lower()
    return _SPACES.sub("-", text).strip("-")


def words(text: str) -> list[str]:
    """Words, as a reader sees them: letters with their marks, in any script."""
    return _WORD.findall(text)


def excerpt(text: str, max_words: int = 30) -> str:
    """About `max_words` words, cut at a word boundary, with an ellipsis."""
    parts = " ".join(text.split()).split(" ")
    if len(parts) <= max_words:
        return " ".join(parts)
    return " ".join(parts[:max_words]).rstrip(",;:—–-") + " …"


def collapse(text: str) -> str:
    return " ".join(text.split())
