"""Small text helpers shared by the modules."""

from __future__ import annotations

import functools
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
# The same words for text with no combining mark outside \w (nearly all
# text): a short class, about three times faster than one with every mark.
_PLAIN_WORD = re.compile(r"[\w’']+")


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
    return _word_pattern(text).findall(text)


def first_words(text: str, count: int) -> list[str]:
    """`words(text)[:count]`, reading no further than it needs."""
    found = []
    for match in _word_pattern(text).finditer(text):
        found.append(match.group(0))
        if len(found) == count:
            break
    return found


def _word_pattern(text: str) -> re.Pattern[str]:
    if text.isascii() or not any(_is_mark(c) for c in set(text) if c > "\x7f"):
        return _PLAIN_WORD
    return _WORD


@functools.lru_cache(maxsize=8192)
def _is_mark(char: str) -> bool:
    """A combining mark `\\w` leaves out (one of MARKS)."""
    return unicodedata.category(char)[0] == "M" and not char.isalnum() and char != "_"


def excerpt(text: str, max_words: int = 30) -> str:
    """About `max_words` words, cut at a word boundary, with an ellipsis."""
    parts = " ".join(text.split()).split(" ")
    if len(parts) <= max_words:
        return " ".join(parts)
    return " ".join(parts[:max_words]).rstrip(",;:—–-") + " …"


def collapse(text: str) -> str:
    return " ".join(text.split())


# Characters that change how text reads without showing: bidirectional
# overrides, embeddings and isolates (U+202A-202E, U+2066-2069), control
# characters, zero-width spaces and joiners that are not part of a script's
# spelling (U+200B, U+2060-2064, U+FEFF). ZWJ and ZWNJ (U+200C, U+200D)
# belong to the spelling of several scripts and stay.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_IGNORABLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e\u2060-\u206f\ufeff]"
)


def invisible(text: str) -> str | None:
    """The first character of `text` that changes how it reads without
    showing, named ("U+202E RIGHT-TO-LEFT OVERRIDE"), or None."""
    match = _INVISIBLE.search(text)
    if not match:
        return None
    char = match.group(0)
    return f"U+{ord(char):04X} {unicodedata.name(char, 'CONTROL CHARACTER')}"


def same_key(text: str) -> str:
    """What two names are the same under: Unicode normalisation (NFC and
    NFD alike), case (as a case-insensitive file system compares), and
    zero-width or formatting characters a reader cannot see."""
    return " ".join(unicodedata.normalize("NFKC", _IGNORABLE.sub("", text)).casefold().split())
