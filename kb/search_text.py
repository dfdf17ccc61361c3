"""The search engine's words, in Python: the same folding, British and American
spellings, word splitting and Porter stemming as the worker's
kb/assets/search/words.js, so the index the build writes is keyed exactly as
the worker looks words up. tests/test_search_index.py runs both on the same
words (the five articles and a slice of the Brown Corpus) and compares them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "me",
        "my",
        "of",
        "on",
        "or",
        "our",
        "should",
        "so",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "to",
        "too",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "not",
        "no",
    ]  # noqa: SIM905 (the worker's list, written the same way)
)
SPELLING = {
    "programme": "program",
    "programmes": "programs",
    "defence": "defense",
    "licence": "license",
    "ageing": "aging",
    "judgement": "judgment",
    "enquiry": "inquiry",
    "enquiries": "inquiries",
    "grey": "gray",
}
_DIGIT = re.compile(r"[0-9]")  # the worker's \d: ASCII digits only
_COMBINING = re.compile("[\u0300-\u036f]")
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# [\p{L}\p{N}] in the worker; Python's \w without "_" is letters and numbers.
_AN = r"[^\W_]"
_WORD = re.compile(rf"{_AN}+(?:'[^\W\d_]+)?(?:[-./]{_AN}+)*")
_AMERICAN = [
    (re.compile(r"^([a-z]{3,})is(e|es|ed|ing|ation|ations|er|ers)$"), r"\1iz\2"),
    (re.compile(r"^([a-z]{2,})ys(e|es|ed|ing)$"), r"\1yz\2"),
    (re.compile(r"^([a-z]{3,})our(s|ed|ing|able|ite|ites|ful)?$"), r"\1or\2"),
    (re.compile(r"^([a-z]{3,})tre(s)?$"), r"\1ter\2"),
    (re.compile(r"^([a-z]{3,})ogue(s)?$"), r"\1og\2"),
    (re.compile(r"^([a-z]{2,}[aeiou])ll(ed|ing|er|ers)$"), r"\1l\2"),
]


@lru_cache(maxsize=65_536)
def _fold_char(ch: str) -> str:
    if ch in "\u2018\u2019":
        return "'"
    plain = _COMBINING.sub("", unicodedata.normalize("NFKD", ch))
    return plain if len(plain) == 1 else ch


def fold(text: str) -> str:
    """Lower case without accents, one character for one (offsets stay valid)."""
    if not text.isascii():
        text = text.translate({ord(c): _fold_char(c) for c in set(text) if c > "\x7f"})
    return _js_lower(text)


def _js_lower(text: str) -> str:
    # JavaScript's toLowerCase maps one character to one except "İ"; so does
    # Python's lower() but for the same character: keep offsets as the worker does.
    return text.lower() if "\u0130" not in text else "".join(c.lower() for c in text)


@lru_cache(maxsize=200_000)
def american(w: str) -> str:
    if len(w) < 5:
        return SPELLING.get(w, w)
    if w in SPELLING:
        return SPELLING[w]
    for pattern, replacement in _AMERICAN:
        w = pattern.sub(replacement, w, count=1)
    return w


_PARTS = re.compile(r"[-./]")
_POSSESSIVE = re.compile(r"'s$")


def words(text: str) -> list[tuple[str, bool]]:
    """(word, joined) in order: "touch-points" gives "touch", "points" and the
    joined "touchpoints"."""
    out: list[tuple[str, bool]] = []
    for raw in _WORD.findall(fold(text)):
        if not ("-" in raw or "." in raw or "/" in raw or "'" in raw):
            out.append((american(raw), False))  # most words
            continue
        parts = _PARTS.split(raw) if ("-" in raw or "." in raw or "/" in raw) else (raw,)
        for part in parts:
            if "'" in part:
                part = _POSSESSIVE.sub("", part, count=1).replace("'", "")
            if part:
                out.append((american(part), False))
        if len(parts) > 1:
            out.append((american("".join(parts).replace("'", "")), True))
    return out


@lru_cache(maxsize=200_000)
def stem(w: str) -> str:
    return porter(w) if len(w) > 2 and not _DIGIT.search(w) else w


# -- Porter stemmer, as in lunr.js 2.3.9 (MIT licence, Oliver Nightingale),
# -- itself from http://tartarus.org/~martin/PorterStemmer/js.txt

_STEP2 = {
    "ational": "ate",
    "tional": "tion",
    "enci": "ence",
    "anci": "ance",
    "izer": "ize",
    "bli": "ble",
    "alli": "al",
    "entli": "ent",
    "eli": "e",
    "ousli": "ous",
    "ization": "ize",
    "ation": "ate",
    "ator": "ate",
    "alism": "al",
    "iveness": "ive",
    "fulness": "ful",
    "ousness": "ous",
    "aliti": "al",
    "iviti": "ive",
    "biliti": "ble",
    "logi": "log",
}
_STEP3 = {"icate": "ic", "ative": "", "alize": "al", "iciti": "ic", "ical": "ic", "ful": "", "ness": ""}
_c = "[^aeiou]"
_v = "[aeiouy]"
_C = _c + "[^aeiouy]*"
_V = _v + "[aeiou]*"
_MGR0 = re.compile("^(" + _C + ")?" + _V + _C)
_MEQ1 = re.compile("^(" + _C + ")?" + _V + _C + "(" + _V + ")?$")
_MGR1 = re.compile("^(" + _C + ")?" + _V + _C + _V + _C)
_S_V = re.compile("^(" + _C + ")?" + _v)
_1A = re.compile(r"^(.+?)(ss|i)es$")
_1A2 = re.compile(r"^(.+?)([^s])s$")
_1B = re.compile(r"^(.+?)eed$")
_1B2 = re.compile(r"^(.+?)(ed|ing)$")
_1B_2_2 = re.compile(r"(at|bl|iz)$")
_1B_2_3 = re.compile(r"([^aeiouylsz])\1$")
_1B_2_4 = re.compile("^" + _C + _v + "[^aeiouwxy]$")
_1C = re.compile(r"^(.+?[^aeiou])y$")
_2 = re.compile("^(.+?)(" + "|".join(_STEP2) + ")$")
_3 = re.compile("^(.+?)(" + "|".join(_STEP3) + ")$")
_4 = re.compile(r"^(.+?)(al|ance|ence|er|ic|able|ible|ant|ement|ment|ent|ou|ism|ate|iti|ous|ive|ize)$")
_4_2 = re.compile(r"^(.+?)(s|t)(ion)$")
_5 = re.compile(r"^(.+?)e$")
_5_1 = re.compile(r"ll$")
_5_3 = re.compile("^" + _C + _v + "[^aeiouwxy]$")


def porter(w: str) -> str:
    if len(w) < 3:
        return w
    first = w[0]
    if first == "y":
        w = "Y" + w[1:]
    # Step 1a
    if (m := _1A.search(w)) or (m := _1A2.search(w)):
        w = m.group(1) + m.group(2)
    # Step 1b
    if m := _1B.search(w):
        if _MGR0.search(m.group(1)):
            w = w[:-1]
    elif m := _1B2.search(w):
        s = m.group(1)
        if _S_V.search(s):
            w = s
            if _1B_2_2.search(w):
                w = w + "e"
            elif _1B_2_3.search(w):
                w = w[:-1]
            elif _1B_2_4.search(w):
                w = w + "e"
    # Step 1c
    if m := _1C.search(w):
        w = m.group(1) + "i"
    # Step 2
    if (m := _2.search(w)) and _MGR0.search(m.group(1)):
        w = m.group(1) + _STEP2[m.group(2)]
    # Step 3
    if (m := _3.search(w)) and _MGR0.search(m.group(1)):
        w = m.group(1) + _STEP3[m.group(2)]
    # Step 4
    if m := _4.search(w):
        if _MGR1.search(m.group(1)):
            w = m.group(1)
    elif m := _4_2.search(w):
        s = m.group(1) + m.group(2)
        if _MGR1.search(s):
            w = s
    # Step 5
    if m := _5.search(w):
        s = m.group(1)
        if _MGR1.search(s) or (_MEQ1.search(s) and not _5_3.search(s)):
            w = s
    if _5_1.search(w) and _MGR1.search(w):
        w = w[:-1]
    if first == "y":
        w = "y" + w[1:]
    return w
