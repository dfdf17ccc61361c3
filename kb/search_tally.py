"""What the pages say, counted for the search index, and kept up to date.

kb/search.py writes the index; this module counts it. A `Tally` holds, for
each stem, its postings (page, passage, term frequency, the stem's words the
passage has, its length) and page postings (title, author, source), how many
documents each word is in, and each stem's entry as the index writes it.

`mkdocs serve` keeps one Tally between builds. A one-word edit changes the
postings of one passage: `update` takes out what the old passage counted,
puts in what the new one counts, and encodes again only the stems whose
postings changed. Everything an entry depends on is written so that this
gives exactly the entry counting every page afresh gives:

- a stem's words are ordered by how many documents have them (most first,
  then alphabetically), not by where they were first met, so the order
  depends on the counts alone (a posting marks which of the first FORMS
  words its passage has; it keeps them by the word's own number and is
  mapped to the order when encoded);
- the average passage length the BM25 impacts use is rounded to a tenth of
  a word, so an edit rarely moves it; when it does, every entry is encoded
  again from the tally (no page is counted again).

A page added, removed or moved, another glossary, or another posting limit
counts everything again: the page numbers are in every posting.
"""

from __future__ import annotations

import bisect
import json
from array import array
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from .search_text import STOP, stem, words

K1, B = 1.2, 0.6
# A passage shorter than this share of the average counts as that long: a
# title-like list item or a citation gains nothing from being short.
SHORT = 0.5
WEIGHT = {"text": 1.0, "head": 1.5, "title": 0.8, "meta": 3.0}
IMPACT_LEVELS = 31
FORMS = 4
# A glossary term's own token in the index: the passages the build's glossary
# matcher finds it in, under any spelling, as a phrase (kb/glossary.py).
TERM_PREFIX = "#"
# A stem's postings are one array of 32-bit numbers, five to a posting:
# page, passage, twice the term frequency, the stem's words the passage has
# (bits), its length. A tuple each was some 130 bytes a posting and the
# first build's peak of memory (4.8 million postings at 10,000 articles);
# this is 20. Bits past the 31st (a stem with more than 31 words) do not
# fit: the array holds _BIG and the tally the bits.
FIELDS = 5
_BIG = 2**32 - 1
# A term frequency is a sum of the text's and headings' weights (and the
# glossary's matches, by the same weights): in halves, so twice it is whole.
if not all((WEIGHT[part] * 2).is_integer() for part in ("text", "head")):
    raise ValueError("kb/search_tally.py: the text and heading weights must be whole or halves (tf is kept * 2)")
_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-_"


def varints(values) -> str:
    """Non-negative integers as base-32 varints, one character per 5 bits
    (the last character of each number is one of the first 32)."""
    out = []
    for v in values:
        while v >= 32:
            out.append(_ALPHABET[32 + (v & 31)])
            v >>= 5
        out.append(_ALPHABET[v])
    return "".join(out)


def _find(listed: array, p: int, n: int) -> int:
    """Where in a stem's postings (in order of page and passage) the posting
    of passage `n` of page `p` is, or would go."""
    low, high = 0, len(listed) // FIELDS
    while low < high:
        middle = (low + high) // 2
        at = middle * FIELDS
        if listed[at] < p or (listed[at] == p and listed[at + 1] < n):
            low = middle + 1
        else:
            high = middle
    return low * FIELDS


def glossary_key(glossary) -> tuple:
    """What counting needs of the glossary: its terms' ids and spellings."""
    return tuple((t.id, tuple(t.variants)) for t in glossary.terms) if glossary is not None else ()


def term_counts(glossary, text: str, weight: float) -> Counter:
    counts: Counter = Counter()
    if glossary is not None and glossary.terms and text:
        for match in glossary.matcher.finditer(text):
            counts[glossary.term_of(match).id] += weight
    return counts


def title_stems(title: str) -> list[str]:
    return [stem(w) for w, joined in words(title) if not joined and w not in STOP]


@dataclass
class _Doc:
    """What one passage counts: per stem its frequency and the numbers of
    the stem's words it has (bits), its length, its glossary terms."""

    tf: dict[str, float]
    has: dict[str, int]
    length: int
    terms: list[list]
    words: set[str]


class Tally:
    """The counted pages (see the module's docstring). `pages` are
    kb.search.Page records in the index's order."""

    def __init__(self, glossary, max_postings: int, remember: bool = True) -> None:
        self.glossary = glossary
        # Keep each text's words and terms for the next update (`mkdocs serve`);
        # a one-off build counts each text once and keeps nothing.
        self.remember = remember
        self.glossary_key = glossary_key(glossary)
        self.max_postings = max_postings
        # Each text's words and glossary terms, and each heading's terms: a
        # passage counted again (an edit's old text) is not read again.
        self._words: dict[str, tuple[str, array, int]] = {}
        self._terms: dict[str, Counter] = {}
        self._heads: dict[str, Counter] = {}
        self._clear()

    def _clear(self) -> None:
        """Nothing counted (what each text holds is kept: the same glossary's)."""
        self.pages: list = []
        self.postings: dict[str, array] = {}  # FIELDS numbers a posting: page, n, twice tf, words' bits, length
        self._bits: dict[tuple[str, int, int], int] = {}  # (stem, page, n) -> words' bits too big for the array
        self.page_postings: dict[str, list[tuple]] = defaultdict(list)  # (page, weight*10, title stems, in title)
        self.forms: dict[str, dict[str, int]] = {}  # stem -> word -> its number (never reused)
        self.word_stem: dict[str, tuple[str, int]] = {}  # word -> (its stem, its number)
        self.word_docs: Counter = Counter()  # word -> documents (passages, page titles) that have it
        self.total_length = 0
        self.docs = 0
        self.doc_terms: list[list | None] = []  # per page, per passage: [[term id, tf], ...]
        self.title_terms: list[list] = []
        self.entries: dict[str, list] = {}  # stem -> [stem, df, pf, words, postings, page postings]
        self.sizes: dict[str, int] = {}  # stem -> its entry's bytes in a shard (kb/search.py splits by them)
        self.avglen = 0.0
        self._impacts: dict[tuple[int, int], int] = {}  # (twice the tf, length) -> impact level
        self._recounted: Counter | None = None  # (during an update: see `update`)
        self._moved: dict[str, dict[tuple[int, int], list]] | None = None
        self._retitled: set[str] | None = None

    def fits(self, glossary, max_postings: int) -> bool:
        return glossary_key(glossary) == self.glossary_key and max_postings == self.max_postings

    # -- counting ----------------------------------------------------------------

    def update(self, pages: list) -> set[str] | None:
        """Count `pages`: from the pages counted before, only what changed.
        The stems whose entries changed, or None when every entry was
        encoded again."""
        if [(p.url, p.kind) for p in pages] != [(p.url, p.kind) for p in self.pages]:
            self._count_all(pages)
            return None
        touched: set[str] = set()
        # What the edit changed, to tell which touched stems' entries are the same.
        self._recounted, self._moved, self._retitled = Counter(), defaultdict(dict), set()
        try:
            for p, (old, new) in enumerate(zip(self.pages, pages, strict=True)):
                if old != new:
                    self._update_page(p, old, new, touched)
            self.pages = list(pages)
            before = self.avglen
            if self._average() != before:
                self._encode_all()
                return None
            changed = {s for s in touched if self._changes_entry(s)}
            for s in changed:
                self._encode(s)
            return changed
        finally:
            self._recounted = self._moved = self._retitled = None

    def _changes_entry(self, s: str) -> bool:
        """Whether what the edit did to the stem's postings changes its entry.
        A one-word edit changes the length of its passage, so the posting of
        every stem in it; most keep their strength (one of IMPACT_LEVELS), and
        their entries stay as they are (a common stem's is encoded from
        thousands of postings)."""
        moved = self._moved.get(s, {})
        if s in self._retitled or any(before is None or after is None for before, after in moved.values()):
            return True  # a page posting changed, or a passage gained or lost the stem
        if any(self._recounted.get(w) for w in self.forms.get(s, ())):
            return True  # a word's count changed: their order may have
        first = self._first(s)
        return any(self._strength(first, *before) != self._strength(first, *after) for before, after in moved.values())

    def _count_all(self, pages: list) -> None:
        self._clear()
        for p, page in enumerate(pages):
            self._page_meta(p, page, +1, None)
            terms = [] if page.kind == "article" else None
            for n in range(len(page.docs)):
                doc = self._add(p, n, page, None)
                if terms is not None:
                    terms.append(doc.terms)
            self.doc_terms.append(terms)
        self.pages = list(pages)
        self._average()
        self._encode_all()

    def _update_page(self, p: int, old, new, touched: set[str]) -> None:
        if (old.title, old.author, old.source) != (new.title, new.author, new.source):
            self._page_meta(p, old, -1, touched)
            self._page_meta(p, new, +1, touched)
        terms = self.doc_terms[p]
        for n in range(max(len(old.docs), len(new.docs))):
            same = n < len(old.docs) and n < len(new.docs) and old.docs[n] == new.docs[n]
            if same and (n in old.termless) == (n in new.termless):
                continue
            if n < len(old.docs):
                self._remove(p, n, old, touched)
            if n < len(new.docs):
                doc = self._add(p, n, new, touched)
                if terms is not None:
                    terms[n:n + 1] = [doc.terms]  # fmt: skip
        if terms is not None:
            del terms[len(new.docs):]  # fmt: skip

    def _page_meta(self, p: int, page, sign: int, touched: set[str] | None) -> None:
        """The page's title, author and source: its page postings."""
        stems = title_stems(page.title)
        ptf: Counter = Counter()
        seen = set()
        for w, _ in words(page.title):
            ptf[stem(w)] += WEIGHT["title"]
            self._form(w)
            seen.add(w)
        for w, _ in words(page.author + " " + page.source):
            ptf[stem(w)] += WEIGHT["meta"]
            self._form(w)
            seen.add(w)
        self._count_words(seen, sign)
        if page.kind == "article":
            in_title = term_counts(self.glossary, page.title, WEIGHT["title"])
            in_title.update(term_counts(self.glossary, page.author + " " + page.source, WEIGHT["meta"]))
            if sign > 0:
                title_terms = [[t, round(v, 2)] for t, v in sorted(in_title.items())]
                self.title_terms[p:p + 1] = [title_terms]  # fmt: skip
            for t, value in in_title.items():
                ptf[TERM_PREFIX + t] += value
        elif sign > 0:
            self.title_terms[p:p + 1] = [[]]  # fmt: skip
        for s, value in ptf.items():
            listed = self.page_postings[s]
            if sign > 0:
                bisect.insort(listed, (p, round(value * 10), len(stems), stems.count(s)))
            else:
                del listed[bisect.bisect_left(listed, (p,))]
                if not listed:
                    del self.page_postings[s]
            if touched is not None:
                touched.add(s)
                self._retitled.add(s)

    def _add(self, p: int, n: int, page, touched: set[str] | None) -> _Doc:
        doc = self._doc(page, n)
        self.total_length += doc.length
        self.docs += 1
        self._count_words(doc.words, +1)
        postings, length = self.postings, doc.length
        for s, value in doc.tf.items():
            has = doc.has.get(s, 0)
            if has >= _BIG:
                self._bits[(s, p, n)], has = has, _BIG
            if (listed := postings.get(s)) is None:
                listed = postings[s] = array("I")
            if touched is None:  # counting every page, in order
                listed.extend((p, n, int(value * 2), has, length))
            else:
                at = _find(listed, p, n)
                listed[at:at] = array("I", (p, n, int(value * 2), has, length))
                touched.add(s)
                self._moved[s].setdefault((p, n), [None, None])[1] = (value, doc.has.get(s, 0), length)
        return doc

    def _remove(self, p: int, n: int, page, touched: set[str]) -> None:
        doc = self._doc(page, n)
        self.total_length -= doc.length
        self.docs -= 1
        self._count_words(doc.words, -1)
        for s, value in doc.tf.items():
            self._moved[s].setdefault((p, n), [None, None])[0] = (value, doc.has.get(s, 0), doc.length)
            listed = self.postings[s]
            at = _find(listed, p, n)
            if listed[at + 3] == _BIG:
                del self._bits[(s, p, n)]
            del listed[at : at + FIELDS]
            if not listed:
                del self.postings[s]
            touched.add(s)

    def _count_words(self, found, sign: int) -> None:
        word_docs = self.word_docs
        if self._recounted is not None:  # (an update: the net change of each word's count)
            for w in found:
                self._recounted[w] += sign
        for w in found:
            word_docs[w] += sign
            if word_docs[w] <= 0:
                del word_docs[w]

    def _doc(self, page, n: int) -> _Doc:
        _anchor, head, text, _disciplines = page.docs[n]
        tf: dict[str, float] = defaultdict(float)
        terms: list[list] = []
        if page.kind == "article":
            found = Counter() if n in page.termless else Counter(self._text_terms(text))
            if (in_head := self._heads.get(head)) is None:
                in_head = self._heads[head] = term_counts(self.glossary, head, WEIGHT["head"])
            found.update(in_head)
            terms = [[t, round(v, 2)] for t, v in sorted(found.items())]
            for t, value in found.items():
                tf[TERM_PREFIX + t] += value
        has: dict[str, int] = {}
        text_words, text_times, length = self._words_of(text)
        head_words, head_times, _ = self._words_of(head)
        # Weights 1 and 1.5 add up exactly, in any order.
        for weight, found_words, found_times in ((WEIGHT["text"], text_words, text_times),
                                                 (WEIGHT["head"], head_words, head_times)):  # fmt: skip
            for w, times in zip(found_words, found_times, strict=True):
                s, i = self.word_stem.get(w) or self._form(w)
                tf[s] += weight * times
                has[s] = has.get(s, 0) | 1 << i
        return _Doc(tf, has, length + 4, terms, {*text_words, *head_words})

    def _form(self, w: str) -> tuple[str, int]:
        """The word's stem and its number among the stem's words (numbered
        when first met, never again: the order written is by counts)."""
        found = self.word_stem.get(w)
        if found is None:
            known = self.forms.get(s := stem(w))
            if known is None:
                known = self.forms[s] = {}
            found = self.word_stem[w] = (s, known.setdefault(w, len(known)))
        return found

    def _words_of(self, text: str) -> tuple[list[str], Sequence[int], int]:
        """The text's distinct words in the order met, how often each, and its
        length in words (joined forms not counted)."""
        found = self._words.get(text)
        if found is None:
            all_words = words(text)
            times = Counter(w for w, _ in all_words)
            length = sum(1 for _, joined in all_words if not joined)
            if not self.remember:
                return list(times), list(times.values()), length
            found = self._words[text] = (" ".join(times), array("I", times.values()), length)
        joined, times, length = found
        return (joined.split(" ") if joined else []), times, length

    def _text_terms(self, text: str) -> Counter:
        if (found := self._terms.get(text)) is None:
            found = term_counts(self.glossary, text, WEIGHT["text"])
            if self.remember:
                self._terms[text] = found
        return found

    def forget_texts(self) -> None:
        """Keep the words and terms of the texts the pages have now (an
        edited passage's old text goes): once the old texts are a fifth of
        what is kept, not at every edit."""
        if len(self._words) <= 1.2 * 2 * self.docs:
            return
        texts = {t for page in self.pages for d in page.docs for t in (d[1], d[2])}
        self._words = {t: v for t, v in self._words.items() if t in texts}
        self._terms = {t: v for t, v in self._terms.items() if t in texts}
        self._heads = {t: v for t, v in self._heads.items() if t in texts}

    # -- encoding ----------------------------------------------------------------

    def _average(self) -> float:
        """The average passage length, to a tenth of a word (see the module)."""
        average = round(self.total_length / max(1, self.docs), 1)
        if average != self.avglen:
            self.avglen, self._impacts = average, {}
        return average

    def _encode_all(self) -> None:
        self.entries, self.sizes = {}, {}
        for s in sorted(set(self.postings) | set(self.page_postings)):
            self._encode(s)
            if not self.remember:  # a one-off build: what is encoded is not counted again
                self.postings.pop(s, None)

    def order(self, s: str) -> list[str]:
        """The stem's words, in the documents of most first."""
        counts = self.word_docs
        return sorted((w for w in self.forms.get(s, ()) if w in counts), key=lambda w: (-counts[w], w))

    def _first(self, s: str, order: list[str] | None = None) -> list[tuple[int, int]]:
        """(word's number, place) of the stem's first FORMS words in `order`."""
        number = self.forms.get(s, {})
        return [(number[w], i) for i, w in enumerate((self.order(s) if order is None else order)[:FORMS])]

    def _level(self, tf: float, length: int) -> int:
        """A posting's BM25 impact, one of IMPACT_LEVELS."""
        avglen, levels = self.avglen or 1.0, IMPACT_LEVELS
        shortest = SHORT * avglen
        norm = tf / (tf + K1 * (1 - B + B * (length if length > shortest else shortest) / avglen))
        return max(1, min(levels, round(levels * norm)))

    @staticmethod
    def _mark(first: list[tuple[int, int]], bits: int) -> int:
        """Which of the stem's first forms (`first`, from `_first`) the passage has."""
        return sum(1 << i for bit, i in first if bits >> bit & 1)

    def _strength(self, first: list[tuple[int, int]], tf: float, has: int, length: int) -> int:
        """A posting as `_encode` writes it but its place: impact and forms."""
        return self._level(tf, length) + (IMPACT_LEVELS + 1) * (self._mark(first, has) ^ 1)

    def _encode(self, s: str) -> None:
        """The stem's entry: [stem, df, pf, words, postings, page postings]."""
        postings, page_postings = self.postings.get(s, ()), self.page_postings.get(s, ())
        if not postings and not page_postings:
            self.entries.pop(s, None)
            self.sizes.pop(s, None)
            return
        order = self.order(s)
        first = self._first(s, order)
        marks: dict[int, int] = {}
        levels, impacts = IMPACT_LEVELS, self._impacts
        docs = []
        fields = iter(postings)
        for p, n, twice, has, length in zip(fields, fields, fields, fields, fields, strict=True):
            if (level := impacts.get((twice, length))) is None:
                level = impacts[(twice, length)] = self._level(twice / 2, length)
            if (mark := marks.get(has)) is None:
                mark = self._mark(first, self._bits[(s, p, n)] if has == _BIG else has)
                if has != _BIG:
                    marks[has] = mark
            # The impact (5 bits) and which first forms the passage has (the bits
            # above, flipped so the usual "the first form only" costs nothing): `_strength`.
            docs.append((p, n, level + (levels + 1) * (mark ^ 1)))
        df = len(docs)
        if df > self.max_postings:  # the strongest postings; df stays exact for the ranking
            docs = sorted(sorted(docs, key=lambda d: -(d[2] % (levels + 1)))[: self.max_postings])
        flat, last = [], 0
        for p, n, q in docs:
            flat += (p - last, n, q)
            last = p
        pflat, last = [], 0
        for p, value, tlen, tcount in page_postings:
            pflat += (p - last, value, tlen, tcount)
            last = p
        entry = self.entries[s] = [s, df, len(page_postings), " ".join(order), varints(flat), varints(pflat)]
        self.sizes[s] = len(json.dumps(entry, ensure_ascii=False)) + 1
