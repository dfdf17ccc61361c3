"""An article's Markdown twin: the author's own Markdown (after repair), with
the permanent URL of every passage in an HTML comment after it, the links
made absolute, and the site's own syntax taken out (discipline marks,
explicit ids and aliases, generated-block placeholders). kb/assistants.py
publishes it beside the article's page.

The passages are the build's records (kb/passages.py gives every paragraph
and list item its id); this module finds, in the source, the block each one
came from. It reads the source as Python-Markdown does, block by block:
fenced and indented code, raw HTML blocks and comments (never touched),
headings, blockquotes, admonitions, `markdown` HTML blocks and list items
(containers, read again inside), footnote definitions, tables, paragraphs.
A passage whose block it cannot find is listed at the end of the twin, so
no URL is ever lost; `Twin.unplaced` says which.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from urllib.parse import quote

from .passages import Passage, fingerprint, passage_id

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^\s{0,3}#{1,6}(\s|$)")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_ITEM = re.compile(r"^(\s*)([-*+]|\d{1,9}[.)])(\s+|$)")
_ATTR_ONLY = re.compile(r"^\s*\{:?\s*[^{}]*\}\s*$")
_ATTR_VALUE = r"""(?:[#.][\w:-]+|[\w:-]+=(?:"[^"]*"|'[^']*'|[^\s}]+))"""
_TRAILING_ATTRS = re.compile(r"\s*\{:?\s*" + _ATTR_VALUE + r"(?:\s+" + _ATTR_VALUE + r")*\s*\}\s*$")
_EXPLICIT_ID = re.compile(r"(?:^|[\s{])#([^\s}]+)")
_PLACEHOLDER = re.compile(r"^\s*<!--\s*kb:.*-->\s*$")
_ADMONITION = re.compile(r"^(\s*)(?:!!!|\?\?\?\+?)\s*[\w-]+")
_FOOTNOTE = re.compile(r"^\[\^([^\]]+)\]:\s?")
_BLOCK_TAGS = (
    "address|article|aside|blockquote|body|caption|center|dd|details|dialog|dir|div|dl|dt|fieldset|"
    "figcaption|figure|footer|form|h[1-6]|header|hr|html|iframe|legend|li|main|menu|nav|noscript|ol|"
    "p|pre|script|section|style|summary|table|tbody|td|tfoot|th|thead|tr|ul|video|audio|object|embed"
)
_HTML_BLOCK = re.compile(rf"^\s{{0,3}}</?({_BLOCK_TAGS})(\s|/?>|$)", re.I)
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_MD_SYNTAX = re.compile(r"[*_`~]|\\(?=[^\w\s])")
_TAG = re.compile(r"<[^>]+>")
_INLINE_LINK = re.compile(
    r"(?<!\\)(?P<text>!?\[(?:[^\[\]]|\[[^\]]*\])*\])\((?P<url><[^>]*>|[^()\s]+)(?P<title>\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)"
)
_REFERENCE = re.compile(r"^(?P<lead>\s{0,3}\[(?!\^)[^\]]+\]:\s*)(?P<url><[^>]*>|\S+)(?P<rest>.*)$")
_HTML_ATTR = re.compile(r"""(?P<lead>\s(?:href|src)\s*=\s*)(?P<q>["'])(?P<url>[^"']*)(?P=q)""", re.I)
_WINDOW = 8  # how far ahead in the records a block looks for its passage
_BACKTICKS = re.compile(r"(?<!\\)`+")


def _outside_code(line: str, change) -> str:
    """`change` applied to the parts of a line outside its code spans (a run
    of backticks up to the next run of the same length, as CommonMark reads
    them); the spans themselves are the author's, byte for byte."""
    out, done, at = [], 0, 0
    while (opening := _BACKTICKS.search(line, at)) is not None:
        ticks = opening.group(0)
        closing = re.compile(rf"(?<!`){ticks}(?!`)").search(line, opening.end())
        if closing is None:
            at = opening.end()  # no span: the backticks are text
            continue
        out += [change(line[done : opening.start()]), line[opening.start() : closing.end()]]
        done = at = closing.end()
    out.append(change(line[done:]))
    return "".join(out)


@dataclass(eq=False)
class Block:
    kind: str  # "passage" or "heading"
    lines: list[int] = field(default_factory=list)  # source lines of its own text
    explicit_id: str | None = None
    direct: bool = True  # a paragraph of the container being read (merged into a list item)
    title: bool = False  # an admonition's title: its URL goes on a line of its own under it


@dataclass
class Parsed:
    blocks: list[Block] = field(default_factory=list)
    code: set[int] = field(default_factory=set)  # left exactly as written
    drop: set[int] = field(default_factory=set)  # the site's syntax: attribute lists, placeholders
    raw: set[int] = field(default_factory=set)  # raw HTML and comments: no URL is put inside


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def parse(lines: list[str]) -> Parsed:
    out = Parsed()
    out.blocks = _parse([(i, line.expandtabs(4)) for i, line in enumerate(lines)], out)
    return out


def _parse(view: list[tuple[int, str]], out: Parsed) -> list[Block]:
    """The blocks of `view` ((source line, text with its container's prefix
    removed) pairs), in order."""
    blocks: list[Block] = []
    state = {"current": None, "last": None}  # the paragraph being read; the block an attribute list may follow
    i = 0
    while i < len(view):
        i = _step(view, i, out, blocks, state)
    return blocks


def _step(view, i: int, out: Parsed, blocks: list[Block], state: dict) -> int:
    """Read the block that starts at view[i]; return where the next one starts."""
    index, line = view[i]
    stripped = line.strip()
    current = state["current"]
    if not stripped:
        state["current"] = None
        return i + 1
    if _ATTR_ONLY.match(line) and state["last"] is not None:
        if ids := _EXPLICIT_ID.findall(line):
            state["last"].explicit_id = ids[0]
        out.drop.add(index)
        return i + 1
    state["last"] = None
    if current is not None and _SETEXT.match(line) and not _ITEM.match(line):
        current.kind, state["current"] = "heading", None
        return i + 1
    for reader in (_fence, _comment, _heading, _admonition, _quote, _item, _footnote, _html_block, _table, _code):
        nxt = reader(view, i, out, blocks, state)
        if nxt is not None:
            state["current"] = None
            return nxt
    if current is None:
        current = state["current"] = Block("passage")
        blocks.append(current)
    current.lines.append(index)
    state["last"] = current
    return i + 1


def _fence(view, i, out, blocks, state):
    match = _FENCE.match(view[i][1])
    if not match:
        return None
    marker = match.group(1)
    out.code.add(view[i][0])
    j = i + 1
    while j < len(view):
        out.code.add(view[j][0])
        closing = view[j][1].strip()
        j += 1
        if closing.startswith(marker[0] * len(marker)) and not closing.strip(marker[0]):
            break
    return j


def _comment(view, i, out, blocks, state):
    line = view[i][1]
    if not line.lstrip().startswith("<!--"):
        return None
    if _PLACEHOLDER.match(line):
        out.drop.add(view[i][0])
        return i + 1
    j, rest = i, line.lstrip()[4:]
    while True:
        out.raw.add(view[j][0])
        if "-->" in rest or j + 1 >= len(view):
            return j + 1
        j += 1
        rest = view[j][1]


def _heading(view, i, out, blocks, state):
    if not _HEADING.match(view[i][1]):
        return None
    blocks.append(Block("heading", [view[i][0]]))
    return i + 1


def _container(view, j: int, indent: int) -> tuple[list[tuple[int, str]], int]:
    """The lines from view[j] on that are blank or indented `indent` or more,
    with that indentation removed (an admonition's or a footnote's body)."""
    body = []
    while j < len(view) and (not view[j][1].strip() or _indent(view[j][1]) >= indent):
        body.append((view[j][0], view[j][1][indent:]))
        j += 1
    while body and not body[-1][1].strip():
        body.pop()
    return body, j


def _nested(children: list[Block]) -> list[Block]:
    for child in children:
        child.direct = False
    return children


def _admonition(view, i, out, blocks, state):
    match = _ADMONITION.match(view[i][1])
    if not match:
        return None
    title = Block("passage", [view[i][0]], title=True, direct=False)
    body, j = _container(view, i + 1, len(match.group(1)) + 4)
    blocks.append(title)
    blocks.extend(_nested(_parse(body, out)))
    return j


def _quote(view, i, out, blocks, state):
    if not _QUOTE.match(view[i][1]):
        return None
    body, j = [], i
    while j < len(view):
        index, line = view[j]
        if _QUOTE.match(line):
            body.append((index, _QUOTE.sub("", line, count=1)))
        elif line.strip() and body and body[-1][1].strip() and not _starts_block(line):
            body.append((index, line))  # a lazy continuation of the quoted paragraph
        else:
            break
        j += 1
    blocks.extend(_nested(_parse(body, out)))
    return j


def _starts_block(line: str) -> bool:
    return bool(
        _ITEM.match(line) or _HEADING.match(line) or _FENCE.match(line) or _QUOTE.match(line) or _HTML_BLOCK.match(line)
    )


def _item(view, i, out, blocks, state):
    match = _ITEM.match(view[i][1])
    if not match:
        return None
    width = match.end() if view[i][1][match.end() :].strip() else len(match.group(1)) + len(match.group(2)) + 1
    body, j, blank = [(view[i][0], view[i][1][match.end() :])], i + 1, False
    while j < len(view):
        index, line = view[j]
        if not line.strip():
            body.append((index, ""))
            blank = True
        elif _indent(line) >= width:
            body.append((index, line[width:]))
            blank = False
        elif not blank and not _starts_block(line):
            body.append((index, line.lstrip()))  # lazy continuation
        else:
            break
        j += 1
    children = _parse(body, out)
    item = Block("passage", direct=False)
    for child in children:
        if child.kind == "passage" and child.direct:
            item.lines += child.lines
            item.explicit_id = item.explicit_id or child.explicit_id
    blocks.append(item)
    blocks.extend(_nested([c for c in children if not (c.kind == "passage" and c.direct)]))
    return j


def _footnote(view, i, out, blocks, state):
    match = _FOOTNOTE.match(view[i][1])
    if not match:
        return None
    note = Block("passage", [view[i][0]], explicit_id=f"fn:{match.group(1)}", direct=False)
    body, j = _container(view, i + 1, 4)
    for child in _parse(body, out):
        if child.kind == "passage":
            note.lines += child.lines
    blocks.append(note)
    return j


def _html_block(view, i, out, blocks, state):
    match = _HTML_BLOCK.match(view[i][1])
    if not match:
        return None
    tag = match.group(1).lower()
    if re.search(r"\smarkdown(\s*=|\s|>)", view[i][1]) and not view[i][1].lstrip().startswith("</"):
        depth, j = 0, i
        while j < len(view):  # to the tag that closes it
            depth += len(re.findall(rf"<{tag}\b", view[j][1], re.I)) - len(
                re.findall(rf"</{tag}\s*>", view[j][1], re.I)
            )
            if depth <= 0:
                break
            j += 1
        out.raw.update({view[i][0], view[min(j, len(view) - 1)][0]})
        blocks.extend(_nested(_parse(view[i + 1 : j], out)))
        return j + 1
    j = i
    while j < len(view) and view[j][1].strip():
        out.raw.add(view[j][0])
        j += 1
    return j


def _table(view, i, out, blocks, state):
    if not view[i][1].lstrip().startswith("|"):
        return None
    j = i
    while j < len(view) and view[j][1].strip():
        j += 1
    return j


def _code(view, i, out, blocks, state):
    if state["current"] is not None or _indent(view[i][1]) < 4:
        return None
    j = i
    while j < len(view) and (not view[j][1].strip() or _indent(view[j][1]) >= 4):
        j += 1
    while j > i and not view[j - 1][1].strip():
        j -= 1
    out.code.update(index for index, _ in view[i:j])
    return j


# -- which passage each block is -------------------------------------------------------


def plain(markdown_text: str) -> str:
    """The words a block of Markdown shows, near enough to find its passage id."""
    text = re.sub(r"^\s*(?:>\s?)+", "", markdown_text, flags=re.M)
    text = "\n".join(
        _outside_code(line, lambda part: _INLINE_LINK.sub(lambda m: m["text"].lstrip("!").strip("[]"), part))
        for line in text.split("\n")
    )
    text = re.sub(r"<(https?://[^>\s]+)>", r"\1", text)
    text = _ITEM.sub("", text, count=1)
    # An admonition's title: the quoted one, else its type ("!!! note" shows "Note").
    text = re.sub(r"^\s*(?:!!!|\?\?\?\+?)\s*([\w-]+)\s*$", lambda m: m.group(1).capitalize(), text)
    text = re.sub(r"^\s*(?:!!!|\?\?\?\+?)\s*[\w-]+\s*", "", text)
    text = _FOOTNOTE.sub("", text.lstrip())
    return html.unescape(_MD_SYNTAX.sub("", _TAG.sub("", text)))


def align(parsed: Parsed, lines: list[str], passages: list[Passage]) -> dict[Block, Passage]:
    """Which passage each block is: an explicit id (an editor's, a
    footnote's) wherever it is; else, in document order, by the id its first
    words make, or by the fingerprint of its text."""
    by_id = {p.id: p for p in passages}
    found: dict[Block, Passage] = {}
    taken: set[str] = set()
    start = 0
    for block in parsed.blocks:
        if block.kind != "passage" or not block.lines:
            continue
        if block.explicit_id in by_id and block.explicit_id not in taken:
            found[block] = by_id[block.explicit_id]
            taken.add(block.explicit_id)
            continue
        text = plain("\n".join(lines[n] for n in sorted(block.lines)))
        wanted = passage_id(text)
        window = [(k, p) for k, p in enumerate(passages[start:], start) if p.id not in taken][:_WINDOW]
        match = next(((k, p) for k, p in window if p.id == wanted or _numbered(p.id, wanted)), None)
        if match is None:
            sketch = fingerprint(text)
            match = next(((k, p) for k, p in window if _close(sketch, fingerprint(p.text))), None)
        if match is not None:
            found[block] = match[1]
            taken.add(match[1].id)
            start = match[0] + 1
    return found


def _numbered(candidate: str, wanted: str) -> bool:
    """'p-same-words-2' for a second paragraph that opens like another."""
    head, _, tail = candidate.rpartition("-")
    return head == wanted and tail.isdigit()


def _close(a: str, b: str) -> bool:
    return len(set(a.split(".")) & set(b.split("."))) >= 4


# -- writing ----------------------------------------------------------------------------


def fragment(passage_id_: str) -> str:
    """A passage id as a URL fragment: percent-encoded where a URL (or the
    HTML comment that carries it) could not hold it as written."""
    return quote(passage_id_, safe="-_.~!$&'()*+,;=:@/")


@dataclass(frozen=True)
class Twin:
    markdown: str  # the body: the source with URLs, links absolute, site syntax out
    placed: frozenset[str]  # ids of the passages given their URL beside their text
    unplaced: tuple[str, ...]  # ids listed at the end instead


def body(source_body: str, passages: list[Passage], page_url: str, link) -> Twin:
    """The twin's body. `link(url)` -> the absolute URL of a link written in
    the source, or None to leave it as written."""
    lines = source_body.split("\n")
    parsed = parse(lines)
    placed = align(parsed, lines, passages)
    suffix: dict[int, str] = {}
    after: dict[int, str] = {}
    for block, passage in placed.items():
        comment = f"<!-- {page_url}#{fragment(passage.id)} -->"
        last = max(block.lines)
        if block.title:
            after[last] = " " * (_indent(lines[last]) + 4) + comment
        else:
            suffix[last] = " " + comment
    out = []
    for n, line in enumerate(lines):
        if n in parsed.drop:
            continue
        if n not in parsed.code:
            if _HEADING.match(line):
                line = _TRAILING_ATTRS.sub("", line)
            line = _absolute_links(line, link, raw=n in parsed.raw)
        out.append(line + suffix.get(n, ""))
        if n in after:
            out.append(after[n])
    ids = {p.id for p in placed.values()}
    unplaced = tuple(p.id for p in passages if p.id not in ids)
    if unplaced:
        listed = "\n".join(f"  {page_url}#{fragment(pid)}" for pid in unplaced)
        out += ["", f"<!-- Passages of this article, in its order:\n{listed}\n-->"]
    text = re.sub(r"\n{3,}", "\n\n", "\n".join(out)).strip() + "\n"
    return Twin(text, frozenset(p.id for p in placed.values()), unplaced)


def _absolute_links(line: str, link, raw: bool) -> str:
    def inline(match: re.Match[str]) -> str:
        url = match["url"]
        angled = url.startswith("<")
        new = link(url[1:-1] if angled else url)
        if new is None:
            return match.group(0)
        return f"{match['text']}({'<' + new + '>' if angled else new}{match['title'] or ''})"

    def attribute(match: re.Match[str]) -> str:
        new = link(html.unescape(match["url"]))
        return match.group(0) if new is None else f"{match['lead']}{match['q']}{html.escape(new)}{match['q']}"

    if raw:
        return _HTML_ATTR.sub(attribute, line)
    reference = _REFERENCE.match(line)
    if reference and not _INLINE_LINK.search(line):
        url = reference["url"]
        new = link(url[1:-1] if url.startswith("<") else url)
        return line if new is None else f"{reference['lead']}{new}{reference['rest']}"
    return _outside_code(line, lambda part: _HTML_ATTR.sub(attribute, _INLINE_LINK.sub(inline, part)))
