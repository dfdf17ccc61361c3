"""The glossary: parsed from docs/glossary.md, the one place a term is defined.

An entry in docs/glossary.md looks like this:

    ## Net Promoter Score (NPS)

    *Also:* net promoter

    Two to four sentences of definition, in our own words.

The heading is the term; a trailing "(ABC)" is its abbreviation; the optional
"*Also:*" line lists other spellings ("omni channel, omni-channel"). Tooltips,
glossary links, search expansions and the "Appears in" lists are all derived
from these entries.
"""

from __future__ import annotations

import functools
import html
import re
from dataclasses import dataclass, field

import markdown

from .problems import Problems
from .text import slugify

GLOSSARY_SRC = "glossary.md"

_HEADING = re.compile(r"^##\s+(?P<text>.+?)\s*(?:\{\s*#(?P<id>[\w-]+)\s*\})?\s*$")
_ABBREVIATION = re.compile(r"^(?P<name>.+?)\s*\((?P<abbr>[A-Z][A-Za-z0-9&]*[A-Z0-9])\)$")
_ALSO = re.compile(r"^\*Also:\*\s*(?P<variants>.*)$")
_TAGS = re.compile(r"<[^>]+>")


@functools.lru_cache(maxsize=4096)
def plain_text(markdown_text: str) -> str:
    """Markdown -> the plain text it displays ("R&D", "snake_case", "2 * 5").

    Cached: a definition is shown in every tooltip of every article, and a
    Markdown conversion costs a millisecond (17 s of a 1000-article build)."""
    rendered = markdown.markdown(markdown_text)
    return " ".join(html.unescape(_TAGS.sub("", rendered)).split())


@dataclass
class Term:
    id: str
    name: str  # "Net Promoter Score"
    abbreviation: str | None  # "NPS"
    variants: list[str]  # every spelling that marks the term in an article
    definition: str  # Markdown, as written
    line: int  # line of the heading in docs/glossary.md

    @property
    def label(self) -> str:
        return f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name

    @property
    def plain_definition(self) -> str:
        """The definition as a reader sees it, without markup: Markdown is
        rendered (emphasis, links, escapes, entities), then reduced to text."""
        return plain_text(self.definition)

    @property
    def tooltip(self) -> str:
        return f"{self.label}: {self.plain_definition}"


@dataclass
class Glossary:
    terms: list[Term] = field(default_factory=list)
    _matcher: re.Pattern[str] | None = None
    _lookup: dict[str, Term] = field(default_factory=dict)

    def by_id(self, term_id: str) -> Term | None:
        return next((t for t in self.terms if t.id == term_id), None)

    @property
    def matcher(self) -> re.Pattern[str] | None:
        """One regex for every variant of every term, longest first.

        Abbreviations (all capitals) match case-sensitively, so "CX" never
        matches inside ordinary words; other variants ignore case and accept
        a space, a hyphen or nothing between their parts, and a plural "s".
        A plain alternation (no group per term: those made it five times
        slower); `term_of` maps a match back to its term.
        """
        if self._matcher is None and self.terms:
            alternatives = sorted({v for t in self.terms for v in t.variants}, key=lambda v: -len(v))
            self._matcher = re.compile(r"(?<![\w-])(?:" + "|".join(map(_variant_pattern, alternatives)) + r")(?![\w-])")
            self._lookup = {}
            for term in self.terms:
                for variant in term.variants:
                    self._lookup.setdefault(_lookup_key(variant), term)
        return self._matcher

    def term_of(self, match: re.Match[str]) -> Term:
        text = match.group(0)
        for candidate in (text, text[:-1], text[:-2]):  # as written, minus a plural "s" / "es"
            if term := self._lookup.get(_lookup_key(candidate)):
                return term
        raise KeyError(f"no glossary term for {text!r}")


def _lookup_key(text: str) -> str:
    """Abbreviations keep their case; other spellings lose case, spaces, hyphens."""
    return text if text.isupper() else re.sub(r"[\s\-]+", "", text).lower()


def _variant_pattern(variant: str) -> str:
    if variant.isupper():
        return re.escape(variant) + "s?"
    pieces = [re.escape(p) for p in re.split(r"[\s\-]+", variant)]
    return "(?i:" + r"[\s\-]?".join(pieces) + "(?:s|es)?)"


def parse(source: str, problems: Problems, file: str = "docs/" + GLOSSARY_SRC) -> Glossary:
    """Read every entry; report duplicates, empty definitions and disorder."""
    glossary = Glossary()
    lines = source.splitlines()
    entries: list[tuple[int, re.Match[str], list[str]]] = []
    in_front_matter = bool(lines) and lines[0].strip() == "---"
    for number, line in enumerate(lines, 1):
        if in_front_matter:
            if number > 1 and line.strip() == "---":
                in_front_matter = False
            continue
        if heading := _HEADING.match(line):
            entries.append((number, heading, []))
        elif entries:
            entries[-1][2].append(line)

    seen_variants: dict[str, Term] = {}
    for number, heading, body in entries:
        text = plain_text(heading["text"].strip())  # Markdown, as readers see it
        abbreviation = None
        name = text
        if match := _ABBREVIATION.match(text):
            name, abbreviation = match["name"].strip(), match["abbr"]
        term_id = heading["id"] or slugify(text)

        variants = [name] + ([abbreviation] if abbreviation else [])
        definition_lines = []
        for line in body:
            if also := _ALSO.match(line.strip()):
                variants += [v.strip() for v in also["variants"].split(",") if v.strip()]
            elif not line.lstrip().startswith("<!--"):
                definition_lines.append(line)
        definition = "\n".join(definition_lines).strip()

        term = Term(term_id, name, abbreviation, variants, definition, number)
        if not definition:
            problems.add(
                file,
                number,
                f"the term '{text}' has an empty definition.",
                "write two to four sentences under the heading, in your own words.",
            )
        for variant in variants:
            key = _lookup_key(variant)
            if key in seen_variants and seen_variants[key] is not term:
                other = seen_variants[key]
                problems.add(
                    file,
                    number,
                    f"duplicate term: '{variant}' is already defined by '{other.label}' (line {other.line}).",
                    "define each term once: merge the two entries or remove the spelling from one of them.",
                )
            else:
                seen_variants.setdefault(key, term)
        glossary.terms.append(term)

    for previous, current in zip(glossary.terms, glossary.terms[1:], strict=False):
        if current.label.casefold() < previous.label.casefold():
            problems.add(
                file,
                current.line,
                f"'{current.label}' comes after '{previous.label}' but sorts before it.",
                "keep the entries in alphabetical order.",
            )
    return glossary


def letter_index(glossary: Glossary) -> str:
    """HTML: A-Z, each letter linking to its first term (or greyed out)."""
    first_of: dict[str, Term] = {}
    for term in glossary.terms:
        first_of.setdefault(term.label[0].upper(), term)
    cells = []
    for letter in "ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        if letter in first_of:
            cells.append(f'<a href="#{first_of[letter].id}">{letter}</a>')
        else:
            cells.append(f'<span aria-hidden="true">{letter}</span>')
    return '<nav class="kb-letters" aria-label="Glossary by letter">' + "".join(cells) + "</nav>"
