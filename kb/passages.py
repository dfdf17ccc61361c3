"""Passages: the paragraphs and list items of every page, made addressable.

A Python-Markdown extension (so it also runs under any generator that runs
Markdown extensions). While a page is converted it:

- gives every paragraph and list item a stable id, derived from its own
  first words ("p-organizations-today-seem-partly-unable"), so editing other
  text never changes it; an explicit `{ #id }` under the passage wins;
- reads discipline marks, a line `{ disciplines="strategy design" }` directly
  under a passage, and reports unknown names or marks attached to nothing;
- marks the first occurrence per section of each glossary term (articles);
- records the links written in each passage, for backlinks;
- adds a link mark to each passage, for copying a deep link.

Everything it learns goes into a `PageRecord` that the hook reads later.
"""

from __future__ import annotations

import heapq
import html
import re
import xml.etree.ElementTree as etree
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import unquote, urlsplit

from markdown import Extension
from markdown.extensions.footnotes import NBSP_PLACEHOLDER
from markdown.postprocessors import Postprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AMP_SUBSTITUTE

from . import bounds, sanitise
from .decorations import MARKS
from .disciplines import DISCIPLINES_SRC
from .glossary import GLOSSARY_SRC, Glossary
from .problems import Problems, line_of, locate, locate_all
from .text import _INVISIBLE as _INVISIBLE_CHAR
from .text import collapse, first_words, invisible, slugify, words
from .urls import relative_src, resolve_link

HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Inside these, text is left alone: no glossary marks in links, code, etc.
NO_MARK = {"a", "code", "pre", "abbr", "kbd", "script", "style", "sup", "sub"}
# Inline raw HTML (<kbd>, …) sits in the tree as placeholders until the end;
# "&" of an entity (&mdash;) as another placeholder.
_STASH = re.compile("\x02wzxhzdk:(\\d+)\x03")
_ESCAPED = re.compile("\x02(\\d+)\x03")
_ONLY_STASH = re.compile("^\\s*(?:\x02wzxhzdk:\\d+\x03\\s*)+$")
_TAG = re.compile(r"<[^>]+>")
_LEFTOVER_MARK = re.compile(r"^\{:?\s*[^}]*\bdisciplines\s*=\s*[^}]*\}$")
# A mark attr_list did not understand stays in the text: "{ disciplines = x }".
_UNPARSED_MARK = re.compile(r"\{:?[^{}]*\bdisciplines?\b[^{}]*\}\s*$", re.I)
_MARK_ATTRS = ("disciplines", "discipline")
_ID_WORDS = 5
EDITORIAL_NOTE = "kb-editorial-note"
# Marks in a passage that are not the author's words: the permalink (¶) `toc`
# adds to headings, a footnote's number and its way back (↩). The page script
# (kb/assets/js/_/dom.js, SKIP_TEXT) and kb/htmltext.py leave out the same.


@dataclass
class Passage:
    id: str
    tag: str
    text: str
    section: str | None  # id of the heading the passage sits under
    section_title: str | None
    heading_path: tuple[str, ...] = ()  # titles of the headings above it, outermost first
    disciplines: list[str] = field(default_factory=list)
    terms: list[str] = field(default_factory=list)  # glossary term ids used
    links: list[tuple[str, str]] = field(default_factory=list)  # (src_uri, fragment)

    def __getstate__(self) -> dict:
        return _as_bytes(self.__dict__, "text")

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(_as_text(state, "text"))


def _as_bytes(state: dict, name: str) -> dict:
    """A record's state to pickle, its long text as UTF-8 bytes: pickling a
    str keeps a UTF-8 copy of it (CPython caches it in the str) for as long
    as the str lives, and a build's records live on after it keeps them
    (kb/pagecache.py): 100 MB at 10,000 articles."""
    return {**state, name: state[name].encode("utf-8", "surrogatepass")}


def _as_text(state: dict, name: str) -> dict:
    return {**state, name: state[name].decode("utf-8", "surrogatepass")}


@dataclass
class PageRecord:
    """What one page contributes to the site-wide indexes."""

    src_uri: str
    source: str  # the whole file, front matter included, for line numbers
    is_article: bool
    passages: list[Passage] = field(default_factory=list)
    headings: list[tuple[str, str]] = field(default_factory=list)  # (id, title)
    aliases: list[str] = field(default_factory=list)  # old ids kept alive
    fingerprints: dict[str, str] = field(default_factory=dict)  # passage id or alias -> fingerprint
    word_count: int = 0
    targets: set[str] = field(default_factory=set)  # src_uris of the files its relative links point at

    def line_of(self, needle: str) -> int | None:
        return line_of(self.source, needle)

    def __getstate__(self) -> dict:
        return _as_bytes(self.__dict__, "source")

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(_as_text(state, "source"))

    @property
    def anchors(self) -> list[str]:
        return [h for h, _ in self.headings] + [p.id for p in self.passages] + self.aliases


@dataclass
class PassageContext:
    """Shared by the extension and the hook: the current page and the rules."""

    glossary: Glossary = field(default_factory=Glossary)
    disciplines: dict[str, str] = field(default_factory=dict)  # id -> name
    problems: Problems = field(default_factory=Problems)
    page: PageRecord | None = None


def passage_id(text: str) -> str:
    """'p-' and the slug of the passage's first five words. Text in a
    script with no Latin transliteration keeps its own letters."""
    first = " ".join(first_words(text, _ID_WORDS))
    slug = slugify(first) or slugify(first, keep_unicode=True)
    return f"p-{slug}" if slug else "p"


@lru_cache(maxsize=32_768)  # a passage's is asked for again (its section's, its twin's)
def fingerprint(text: str) -> str:
    """A bottom-8 sketch of the passage's word trigrams (the 8 smallest
    CRC32s): two versions of one passage (a typo fixed, a sentence added)
    share most of it; two passages that only open with the same words share
    almost none."""
    tokens = [w.lower() for w in words(text)]
    grams = {" ".join(tokens[i : i + 3]).encode() for i in range(max(1, len(tokens) - 2))}
    return ".".join(f"{h >> 8:06x}" for h in heapq.nsmallest(8, map(zlib.crc32, grams)))


SECTION = "s:"  # the prefix of a heading's fingerprint
SECTION_PASSAGES = 7


def section_fingerprint(title: str, texts: list[str]) -> str:
    """A heading's fingerprint: one hash for its title and one for each of
    the first passages of its section (each the smallest of its own sketch,
    so a small edit of one passage rarely moves it)."""
    hashes = {fingerprint(text).split(".")[0] for text in [title, *texts[:SECTION_PASSAGES]] if words(text)}
    return SECTION + ".".join(sorted(hashes))


def same_passage(recorded: str, current: str) -> bool:
    """Whether two fingerprints are of (versions of) the same passage, or,
    for headings, the same section: one that still has its title or any of
    its first passages (renamed, or with paragraphs added or rewritten),
    where an id moved onto another section shares neither."""
    if not recorded or not current:
        return True  # nothing recorded (an old registry entry): nothing to compare
    if recorded.startswith(SECTION) or current.startswith(SECTION):
        a, b = set(recorded.removeprefix(SECTION).split(".")), set(current.removeprefix(SECTION).split("."))
        return recorded.startswith(SECTION) == current.startswith(SECTION) and bool(a & b)
    a, b = set(recorded.split(".")), set(current.split("."))
    common = len(a & b)
    return common >= 3 or 2 * common >= min(len(a), len(b))


def _tree_text(text: str) -> str:
    """Text (or an attribute) put into the Markdown tree. Python-Markdown's
    serializer leaves an "&" alone when it looks like the start of an entity,
    so a literal "&amp;" would reach the reader as "&": escape every "&" here
    (the serializer then leaves these as they are)."""
    return text.replace("&", "&amp;")


def _itertext(element: etree.Element):
    """The element's text, without the marks that are not the author's
    (kb/decorations.py: the permalink `toc` adds to headings, a footnote's
    number and its way back), and not the no-break space the footnotes
    extension puts before the ↩ (a placeholder until the end)."""
    if element.text:
        yield element.text.replace(NBSP_PLACEHOLDER, " ")
    for child in element:
        if not MARKS & set((child.get("class") or "").split()):
            yield from _itertext(child)
        if child.tail:
            yield child.tail.replace(NBSP_PLACEHOLDER, " ")


def _describe(element: etree.Element) -> str:
    names = {
        "img": "picture",
        "dd": "definition",
        "dt": "defined term",
        "td": "table cell",
        "th": "table header",
        "table": "table",
        "pre": "code block",
        "code": "piece of code",
        "a": "link",
    }
    if element.tag == "p" and len(element) and element[0].tag == "img":
        return "picture"
    return names.get(element.tag, f"<{element.tag}> element")


class PassageTreeprocessor(Treeprocessor):
    def __init__(self, md, context: PassageContext):
        super().__init__(md)
        self.context = context

    # -- walking ---------------------------------------------------------
    def run(self, root: etree.Element) -> None:
        page = self.context.page
        if page is None:
            return
        self.page = page
        self.used_ids = {el.get("id") for el in root.iter() if el.get("id")}
        self.next_number: dict[str, int] = {}
        self.section: tuple[str | None, str | None] = (None, None)
        self.outline: list[tuple[int, str]] = []  # (level, title) of the headings above
        self.marked_in_section: set[str] = set()
        self.file = "docs/" + page.src_uri
        page.word_count = len(words(self._text(root)))
        self.editorial_links = False
        self._decode_fragments(root)
        self._walk(root)
        self._heading_fingerprints()
        self._external_links(root)
        self._leftover_marks(root)
        self._mangled_attributes(root)
        if self.editorial_links:
            note = etree.SubElement(root, "p", {"id": EDITORIAL_NOTE, "hidden": "hidden"})
            note.text = "Link added by the editors, not by the author."

    def _heading_fingerprints(self) -> None:
        """A heading's anchor is pinned to its section like a passage's to
        its text (`section_fingerprint`): a renamed heading that keeps its id
        (README), or a section with paragraphs added, still matches; an id
        moved onto another section, or a new heading that takes a published
        id, does not."""
        texts: dict[str | None, list[str]] = {}
        for passage in self.page.passages:
            texts.setdefault(passage.section, []).append(passage.text)
        for heading_id, title in self.page.headings:
            if texts.get(heading_id):  # a title alone is too short to tell a rename from a takeover
                title = title.removesuffix("¶").strip()
                self.page.fingerprints.setdefault(heading_id, section_fingerprint(title, texts[heading_id]))

    def _decode_fragments(self, root: etree.Element) -> None:
        """A link to a passage in another script, copied from an address
        bar, arrives percent-encoded ("#p-%E0%A4%B9…"): written here as the
        id itself, which browsers follow alike and MkDocs can check."""
        for anchor in root.iter("a"):
            href = anchor.get("href", "")
            path, hash_, fragment = href.partition("#")
            if hash_ and "%" in fragment and not urlsplit(href).scheme:
                anchor.set("href", f"{path}#{unquote(fragment)}")

    def _external_links(self, root: etree.Element) -> None:
        """External links open nothing with access to this page (noopener).
        A Markdown link or image whose address runs script or carries its own
        content fails here, where MkDocs would otherwise read it as a page
        path (and stop on an assertion); it is left pointing nowhere."""
        for element in root.iter():
            for name in ("href", "src"):
                target = element.get(name)
                if target is None:
                    continue
                # Markdown keeps entities in addresses as written ("java&#10;script:"),
                # some of them as placeholders of its own until the end: the
                # source's spelling is what the message looks for.
                written = self._unstash(target)
                found = sanitise.attribute_findings(element.tag, name, html.unescape(written))
                for finding in found:
                    self._problem(finding.what, finding.fix, needle=(written, *finding.needles))
                if found:
                    element.set(name, "#")
        for anchor in root.iter("a"):
            href = anchor.get("href", "")
            if resolve_link(href, self.page.src_uri) is None and urlsplit(href).scheme in ("http", "https", ""):
                rel = set((anchor.get("rel") or "").split()) | {"noopener"}
                anchor.set("rel", " ".join(sorted(rel)))
        # The files the page's links and pictures point at: a conversion kept
        # for reuse (kb/pagecache.py) is reused only while they all exist.
        for element in root.iter():
            for name in ("href", "src"):
                target = resolve_link(element.get(name) or "", self.page.src_uri)
                if target is not None and target[0] != self.page.src_uri:
                    self.page.targets.add(target[0])

    def _mangled_attributes(self, root: etree.Element) -> None:
        """attr_list turns the characters of a name it cannot use into
        underscores ('{ "x" }' gives an attribute '_', '{0"' one '0_'): a name
        with an underscore that the source does not hold was made so, and
        has nothing to point at; the attribute list is found under the
        element's own text."""
        folded = None
        for element in root.iter():
            if not any("_" in n for n in element.attrib):
                continue
            folded = folded if folded is not None else self.page.source.casefold()
            for name in [n for n in element.attrib if "_" in n and n.casefold() not in folded]:
                element.attrib.pop(name)
                text = self._text(element)
                start = locate(self.page.source, (text[:40], " ".join(text.split()[:3]))) if text else None
                lines = self.page.source.split("\n")
                line = next((n for n in range(start or 1, len(lines) + 1) if "{" in lines[n - 1]), start)
                self.context.problems.add(
                    self.file,
                    line,
                    "an attribute list holds something that is not a name=value pair "
                    "(a quote or a line break in the wrong place), which would be published as an attribute '_'.",
                    'write it as { #id .class name="value" }, on one line, quotes closed.',
                )

    def _unstash(self, value: str) -> str:
        """An attribute as its author wrote it: Markdown's placeholders for
        "&" and for stashed text put back."""
        stash = self.md.htmlStash.rawHtmlBlocks

        def back(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return str(stash[index]) if index < len(stash) else ""

        value = _STASH.sub(back, value.replace(AMP_SUBSTITUTE, "&"))
        return _ESCAPED.sub(lambda m: chr(int(m.group(1))), value)

    def _leftover_marks(self, root: etree.Element) -> None:
        """A mark attr_list placed somewhere no passage is (an image, a
        definition, a table cell) or spelled differently is never dropped
        silently."""
        for element in root.iter():
            for name in list(element.attrib):
                if re.sub(r"[^a-z]", "", name.lower()) not in _MARK_ATTRS:
                    continue
                value = element.attrib.pop(name)
                if not value:
                    what = f"the discipline mark was not understood ('{name}' with no quoted value)."
                    fix = "write it exactly as { disciplines=\"strategy design\" }: no spaces around '=', quoted."
                elif name != "disciplines":
                    what = f"the mark '{name}=\"{value}\"' is not a discipline mark (misspelled)."
                    fix = f'write it exactly as {{ disciplines="{value}" }} (lower case, plural).'
                else:
                    what = f"a discipline mark is attached to a {_describe(element)}, not to a passage."
                    fix = (
                        "put the mark on its own line directly under a paragraph or list item of text; "
                        "pictures, tables, definitions and code cannot carry one."
                    )
                self._problem(what, fix, needle=_mark_needles(name, value) if value else name)

    def _walk(self, parent: etree.Element) -> None:
        for child in list(parent):
            if child.tag in HEADINGS:
                self._heading(child)
            elif child.tag == "p" or child.tag == "li":
                self._passage(child)
            elif child.tag not in ("pre", "table", "script", "style", "dl"):
                self._walk(child)

    def _heading(self, heading: etree.Element) -> None:
        title = self._text(heading)
        shown = title.removesuffix("¶").rstrip()  # without the permalink's mark
        for what, value in (("heading", shown), ("id", heading.get("id") or "")):
            if hidden := invisible(value):
                self._problem(
                    f"the {what} '{shown if what == 'heading' else value}' holds an invisible character "
                    f"({hidden}): it would read (or link) differently from what it is.",
                    "retype the heading without it (it often comes with text copied from another page).",
                    needle=(shown[:30], value, *_INVISIBLE_CHAR.findall(value)[:1]),
                )
        if "disciplines" in heading.attrib:
            heading.attrib.pop("disciplines")
            self._problem(
                f"a discipline mark is attached to the heading '{title}'.",
                "put the mark on its own line directly under a paragraph or list item.",
                needle="disciplines=",
            )
        self._aliases(heading)
        self.section = (heading.get("id"), title)
        level = int(heading.tag[1])
        while self.outline and self.outline[-1][0] >= level:
            self.outline.pop()
        self.outline.append((level, title))
        self.marked_in_section = set()
        if heading.get("id"):
            self.page.headings.append((heading.get("id"), title))

    # -- one passage -----------------------------------------------------
    def _text(self, element: etree.Element) -> str:
        """The passage's readable text, raw-HTML placeholders resolved."""
        stash = self.md.htmlStash.rawHtmlBlocks

        def unstash(match: re.Match[str]) -> str:
            index = int(match.group(1))
            return _TAG.sub("", str(stash[index])) if index < len(stash) else ""

        raw = "".join(_itertext(element)).replace(AMP_SUBSTITUTE, "&")
        raw = _ESCAPED.sub(lambda m: chr(int(m.group(1))), raw)  # "\\*" is kept as a placeholder
        return collapse(html.unescape(_STASH.sub(unstash, raw)))

    def _passage(self, element: etree.Element) -> None:
        if element.tag == "p" and len(element) == 0 and _ONLY_STASH.match(element.text or ""):
            return  # a raw HTML block: Markdown unwraps it later; not prose
        text = self._text(element)
        if _LEFTOVER_MARK.match(text):
            self._problem(
                "a discipline mark is attached to nothing (a blank line separates it from its passage).",
                "remove the blank line so the mark sits directly under the paragraph or list item.",
                needle=text.strip("{} :"),
            )
            element.clear()
            return
        if not text:
            return
        if unparsed := _UNPARSED_MARK.search(text):
            self._problem(
                f"the mark '{unparsed.group(0).strip()}' was not understood and would show as text.",
                "write it on its own line directly under the passage, exactly as "
                "{ disciplines=\"strategy design\" }: lower case, no spaces around '=', quoted.",
                needle=unparsed.group(0).strip()[:12],
            )
        if "disciplines" in element.attrib and not self.page.is_article:
            element.attrib.pop("disciplines")
            self._problem(
                "a discipline mark on a page that is not an article.",
                "discipline marks belong under passages of articles (docs/articles/); remove it here.",
                needle="disciplines=",
            )

        aliases = self._aliases(element)
        passage = Passage(
            self._assign_id(element, text), element.tag, text, *self.section, tuple(t for _, t in self.outline)
        )
        sketch = fingerprint(text)
        for anchor in [passage.id, *aliases]:
            self.page.fingerprints[anchor] = sketch
        passage.disciplines = self._disciplines(element, text)
        passage.links = self._links(element)
        if self.page.is_article and self.context.glossary.terms:
            self._mark_terms(element, passage)
        self._decorate(element, passage)
        self.page.passages.append(passage)

        # A list item may hold nested lists or paragraphs; give those ids too.
        for child in list(element):
            if child.tag in ("ul", "ol", "blockquote", "div"):
                self._walk(child)

    def _aliases(self, element: etree.Element) -> list[str]:
        """`{ aliases="old-id other-id" }`: old anchors that land here too."""
        raw = element.attrib.pop("aliases", None)
        if not raw:
            return []
        kept = []
        for position, alias in enumerate(raw.replace(",", " ").split()):
            if alias in self.used_ids:
                lines = _lines_of_id(self.page.source, alias)
                here = locate(self.page.source, (f'aliases="{raw}"', alias))
                others = [str(n) for n in lines if n != here]
                where = (
                    f"on line {', '.join(others)}"
                    if others
                    else "as the id of a passage or heading, made from its words"
                )
                self._problem(
                    f"the alias '{alias}' is already an id on this page ({where}).",
                    "each id or alias may appear once per page; remove one of them.",
                    needle=(f'aliases="{raw}"', alias),
                )
                continue
            self.used_ids.add(alias)
            self.page.aliases.append(alias)
            kept.append(alias)
            marker = etree.Element("span", {"id": alias, "class": "kb-alias"})
            marker.tail = element.text
            element.text = None
            element.insert(position, marker)
        return kept

    def _assign_id(self, element: etree.Element, text: str) -> str:
        if element.get("id"):
            return element.get("id")
        base = passage_id(text)
        # The next free number for each opening: 20,000 paragraphs that open
        # alike take linear time, not a scan past every earlier one.
        candidate, n = base, self.next_number.get(base, 2)
        while candidate in self.used_ids:
            candidate, n = f"{base}-{n}", n + 1
        self.next_number[base] = n
        self.used_ids.add(candidate)
        element.set("id", candidate)
        return candidate

    def _disciplines(self, element: etree.Element, text: str) -> list[str]:
        if "disciplines" not in element.attrib:
            return []
        raw = element.attrib.pop("disciplines")
        known = self.context.disciplines
        if raw is None:  # attr_list read '{ disciplines = "x" }' as a bare name
            # Its own line: the first mark with spaces at or after the passage.
            start = locate(self.page.source, (text[:40], " ".join(text.split()[:4]))) or 1
            line = next(
                (
                    n
                    for n, source_line in enumerate(self.page.source.split("\n")[start - 1 :], start)
                    if re.search(r"\bdisciplines\s+=|\bdisciplines=\s", source_line)
                ),
                None,
            ) or locate(self.page.source, ("disciplines",))
            self.context.problems.add(
                self.file,
                line,
                "the discipline mark was not understood (spaces around '=').",
                "write it exactly as { disciplines=\"strategy\" }: no spaces around '=', quoted.",
            )
            return []
        names = raw.replace(",", " ").split()
        if not names:
            self._problem(
                "a discipline mark names no discipline.",
                'write e.g. { disciplines="strategy" } with one or more of: ' + ", ".join(known) + ".",
                needle=_mark_needles("disciplines", raw),
            )
        good = []
        for name in names:
            if name in known:
                good.append(name)
            else:
                self._problem(
                    f"unknown discipline '{name}' in a discipline mark.",
                    "use one of: " + ", ".join(known) + f" (defined by the headings of docs/{DISCIPLINES_SRC}).",
                    needle=_mark_needles("disciplines", raw),
                )
        if good:
            element.set("data-disciplines", " ".join(good))
        return good

    def _links(self, element: etree.Element) -> list[tuple[str, str]]:
        links = []
        for anchor in list(element.iter("a")):
            href = anchor.get("href", "")
            target = resolve_link(href, self.page.src_uri)
            if target is not None and target[0] != self.page.src_uri:
                links.append(target)
                if self.page.is_article:
                    self._mark_editorial(anchor)
        return links

    def _mark_editorial(self, anchor: etree.Element) -> None:
        """A link from an author's sentence to another page of this site was
        added by the editors: say so, to the eye (kb.css), on hover (title)
        and to screen readers (a description), leaving the sentence itself
        exactly the author's."""
        anchor.set("class", " ".join(filter(None, [anchor.get("class"), "kb-editorial"])))
        anchor.set("title", "Link added by the editors")
        anchor.set("aria-describedby", EDITORIAL_NOTE)
        self.editorial_links = True

    # -- glossary marks ----------------------------------------------------
    def _mark_terms(self, element: etree.Element, passage: Passage) -> None:
        """Wrap the first occurrence per section of each term in a link."""
        glossary = self.context.glossary
        href_base = relative_src(GLOSSARY_SRC, self.page.src_uri)
        # Usage counts every occurrence, even inside a link or code, where
        # the term is not marked.
        used: list[str] = []
        for match in glossary.matcher.finditer(passage.text):
            if (term_id := glossary.term_of(match).id) not in used:
                used.append(term_id)
        passage.terms = used
        if not used:
            return  # nothing to mark (most passages): the tree is not walked

        def mark(text: str | None) -> tuple[str | None, list[etree.Element]]:
            if not text:
                return text, []
            new_nodes: list[etree.Element] = []
            head, position = None, 0
            for match in glossary.matcher.finditer(text):
                term = glossary.term_of(match)
                if term.id in self.marked_in_section:
                    continue
                self.marked_in_section.add(term.id)
                link = etree.Element(
                    "a", {"class": "kb-term", "href": f"{href_base}#{term.id}", "title": _tree_text(term.tooltip)}
                )
                link.text = match.group(0)
                before = text[position : match.start()]
                if new_nodes:
                    new_nodes[-1].tail = before
                else:
                    head = before
                new_nodes.append(link)
                position = match.end()
            if not new_nodes:
                return text, []
            new_nodes[-1].tail = text[position:]
            return head, new_nodes

        def visit(node: etree.Element) -> None:
            node.text, nodes = mark(node.text)
            for offset, new in enumerate(nodes):
                node.insert(offset, new)
            for child in list(node):
                if child in nodes:
                    continue
                if child.tag not in NO_MARK and child.tag not in ("ul", "ol"):
                    visit(child)
                child.tail, tail_nodes = mark(child.tail)
                index = list(node).index(child)
                for offset, new in enumerate(tail_nodes, 1):
                    node.insert(index + offset, new)

        visit(element)
        # (Search finds "Net Promoter Score" where the text says "NPS" through
        # the glossary's spellings in its own index, kb/search.py: nothing
        # hidden is added to the authors' text.)
        passage.terms = used

    # -- decorations -------------------------------------------------------
    def _decorate(self, element: etree.Element, passage: Passage) -> None:
        """Discipline badges and the copy-link mark, both kept out of search."""
        position = next((i for i, c in enumerate(element) if c.tag in ("ul", "ol")), len(element))
        # A badge repeating the passage's own words ("CX Strategy" on the list
        # item "CX Strategy") says nothing: the mark still indexes the passage.
        shown = [
            d
            for d in passage.disciplines
            if self.context.disciplines[d].casefold() != passage.text.strip(" .:").casefold()
        ]
        if shown:
            badges = etree.Element("span", {"class": "kb-disciplines", "data-search-exclude": ""})
            href = relative_src(DISCIPLINES_SRC, self.page.src_uri)
            for discipline in shown:
                badge = etree.SubElement(
                    badges,
                    "a",
                    {
                        "class": "kb-discipline",
                        "href": f"{href}#{discipline}",
                        "title": _tree_text(
                            f"This passage speaks to {self.context.disciplines[discipline]}: see the disciplines index"
                        ),
                    },
                )
                badge.text = _tree_text(self.context.disciplines[discipline])
            element.insert(position, badges)
            position += 1
        mark = etree.Element(
            "a",
            {
                "class": "kb-anchor",
                "href": f"#{passage.id}",
                "aria-label": "Copy link to this passage",
                "title": "Copy link to this passage",
                "data-search-exclude": "",
            },
        )
        element.insert(position, mark)

    def _problem(self, what: str, fix: str, needle: str | tuple[str, ...]) -> None:
        needles = (needle,) if isinstance(needle, str) else needle
        self.context.problems.add(self.file, locate(self.page.source, needles), what, fix)


class SafetyPostprocessor(Postprocessor):
    """The page's HTML as it will be published (raw HTML blocks and
    md_in_html included): everything kb/sanitise.py would not publish fails,
    with the line it was written on."""

    def __init__(self, md, context: PassageContext):
        super().__init__(md)
        self.context = context

    def run(self, text: str) -> str:
        page = self.context.page
        if page is None:
            return text
        file = "docs/" + page.src_uri
        found, duplicates = sanitise.scan(text)
        for finding in found:
            line = locate(page.source, finding.needles)
            self.context.problems.add(file, line, finding.what, finding.fix)
        for duplicate in duplicates:
            lines = _lines_of_id(page.source, duplicate)
            places = f" (lines {', '.join(map(str, lines[:-1]))} and {lines[-1]})" if len(lines) > 1 else ""
            self.context.problems.add(
                file,
                lines[-1] if lines else None,
                f"the id '{duplicate}' is given to two elements of this page{places}: a link to it would "
                "land on the first one only, and a published anchor could be taken over.",
                "give each heading, passage and raw HTML element its own id.",
            )
        return text


def _mark_needles(name: str, value: str) -> tuple[str, ...]:
    """How a mark may be written: quoted either way, or bare."""
    return (f'{name}="{value}"', f"{name}='{value}'", f"{name}={value}", f"{name}=")


def _lines_of_id(source: str, element_id: str) -> list[int]:
    """Where an id is written: { #id }, id="id", or a heading whose words make it."""
    for needle in (f"#{element_id}", f'id="{element_id}"', f"id='{element_id}'", element_id):
        if lines := locate_all(source, needle):
            return lines
    return []


class PassageExtension(Extension):
    def __init__(self, context: PassageContext, **kwargs):
        self.context = context
        super().__init__(**kwargs)

    def _report(self, needle: str, what: str, fix: str) -> None:
        page = self.context.page
        if page is not None:
            self.context.problems.add("docs/" + page.src_uri, locate(page.source, (needle,)), what, fix)

    def extendMarkdown(self, md) -> None:
        # Priority 5, registered after `toc`: heading ids exist, and MkDocs'
        # own anchor extractor (also 5, registered later) sees passage ids,
        # so links to them are validated like links to headings.
        # First of all, before Markdown reads any block: nesting it would
        # recurse into without end is flattened and reported (kb/bounds.py).
        md.preprocessors.register(bounds.DepthGuard(md, self._report), "kb_depth", 40)
        md.treeprocessors.register(PassageTreeprocessor(md, self.context), "kb_passages", 5)
        # Last of all, once raw HTML is back in the page.
        md.postprocessors.register(SafetyPostprocessor(md, self.context), "kb_safety", 1)
