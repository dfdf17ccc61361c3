"""Repairs for articles transcribed from web pages, as plain functions.

Used by `python -m kb new --from-text` (turning a pasted article into a Markdown
draft) and by the test that proves the published pages lost none of the
authors' sentences. Only transcription damage is repaired; wording is never
touched:

- mis-encoded characters ("mojibake": UTF-8 read as Windows-1252 or
  Latin-1, e.g. ``â€™``, twice-garbled ``Ã¢â‚¬â„¢``, C1 control characters),
  repaired by the ftfy library, plus a stray ``Â`` left over from a no-break
  space whose second byte was lost, which ftfy rightly leaves alone in
  general text but which these articles only ever have as damage;
- look-alike letters from other alphabets inside Latin words (a Greek
  omicron in "adοpt");
- web-page chrome ("Leave a comment", "Back to Top", share buttons);
- pseudo-bullets (``•`` or ``1.`` typed as text) that should be real lists.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import ftfy

# Greek and Cyrillic letters that render like Latin ones. Only replaced when
# they sit inside a word that is otherwise Latin, so real Greek text survives.
LOOKALIKES = str.maketrans(
    {
        # Greek
        "Α": "A",
        "Β": "B",
        "Ε": "E",
        "Ζ": "Z",
        "Η": "H",
        "Ι": "I",
        "Κ": "K",
        "Μ": "M",
        "Ν": "N",
        "Ο": "O",
        "Ρ": "P",
        "Τ": "T",
        "Υ": "Y",
        "Χ": "X",
        "α": "a",
        "ε": "e",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        # Cyrillic
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "O",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "Ѕ": "S",
        "І": "I",
        "Ј": "J",
        "а": "a",
        "е": "e",
        "о": "o",
        "р": "p",
        "с": "c",
        "у": "y",
        "х": "x",
        "ѕ": "s",
        "і": "i",
        "ј": "j",
        "ԁ": "d",
        "һ": "h",
    }
)

# A "word" for look-alike purposes: letters of any script, glued together.
_WORD = re.compile(r"[^\W\d_]+")

# ftfy's repairs of encoding damage, and none of its changes of style: curly
# quotes, full-width letters and HTML entities are left as the author had them.
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,
    fix_character_width=False,
    unescape_html=False,
    normalization="NFC",
    explain=False,
)
# "Â" that was the first byte of a no-break space (C2 A0) whose second byte
# became a plain space, a line end, or vanished.
_STRAY_A_CIRCUMFLEX = re.compile(r"Â(?=[\s\u00a0]|$)")

# Lines that are the web page around the article, not the article.
CHROME_LINES = re.compile(
    r"^(leave a (comment|reply)|\d* ?comments?|back to top|share( this( post| article)?)?( on \w+)?:?"
    r"|tweet|like this:?|print( this)?|email this|related posts?:?|read more)$",
    re.IGNORECASE,
)

_BULLET = re.compile(r"^[•·▪◦‣∙●○■\-\*–]\s*")
_NUMBERED = re.compile(r"^(\d{1,2})[.)]\s+")


def _is_latin(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith("LATIN")


def fix_lookalikes(text: str) -> str:
    """Replace Greek/Cyrillic look-alikes inside otherwise-Latin words."""

    def repair(match: re.Match[str]) -> str:
        word = match.group(0)
        if not any(_is_latin(ch) for ch in word):
            return word  # a genuinely Greek or Cyrillic word: leave it
        return word.translate(LOOKALIKES)

    return _WORD.sub(repair, text)


def fix_mojibake(text: str) -> str:
    """Undo mis-decoded UTF-8 (ftfy), then drop a stray no-break-space Â."""
    text = ftfy.fix_text(text, _FTFY)
    return _STRAY_A_CIRCUMFLEX.sub("", text)


def normalise_spaces(text: str) -> str:
    """No-break and repeated spaces become one ordinary space."""
    return re.sub(r"[ \t\u00a0\u2007\u202f]+", " ", text).strip()


def repair_line(line: str) -> str:
    """Every character-level repair, in a safe order."""
    line = unicodedata.normalize("NFC", line)
    line = fix_mojibake(line)
    line = fix_lookalikes(line)
    return normalise_spaces(line)


@dataclass
class Block:
    """One block of a repaired article: a paragraph or a list item."""

    kind: str  # "p", "ul" (bulleted item) or "ol" (numbered item)
    text: str


def repair_article(raw: str) -> list[Block]:
    """Split raw text into repaired blocks, dropping page chrome."""
    blocks: list[Block] = []
    for raw_line in raw.splitlines():
        line = repair_line(raw_line)
        if not line or CHROME_LINES.match(line):
            continue
        if _BULLET.match(line):
            blocks.append(Block("ul", _BULLET.sub("", line, count=1)))
        elif _NUMBERED.match(line):
            blocks.append(Block("ol", _NUMBERED.sub("", line, count=1)))
        else:
            blocks.append(Block("p", line))
    return blocks


_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][”\"’)]))\s+(?=[A-Z“\"‘(0-9])")


def sentences(text: str) -> list[str]:
    """Split a block into sentences (good enough for a containment check)."""
    return [s.strip() for s in _SENTENCE_END.split(text) if s.strip()]
