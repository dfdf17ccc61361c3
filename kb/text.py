"""Small text helpers shared by the modules."""

from __future__ import annotations

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s-]")
_SPACES = re.compile(r"[\s_-]+")


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
    return re.findall(r"[\w’']+", text)


def excerpt(text: str, max_words: int = 30) -> str:
    """About `max_words` words, cut at a word boundary, with an ellipsis."""
    parts = " ".join(text.split()).split(" ")
    if len(parts) <= max_words:
        return " ".join(parts)
    return " ".join(parts[:max_words]).rstrip(",;:—–-") + " …"


def collapse(text: str) -> str:
    return " ".join(text.split())
