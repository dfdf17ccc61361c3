"""What an AI assistant reads: the knowledge base as text and data, down to
the passage, written next to the site after the build.

    llms.txt              the site in the llms.txt format: title, summary,
                          links to every article (by theme), the glossary,
                          the disciplines index and the files below
    llms-full.txt         every article's text with its attribution
    articles/x/index.md   each article's Markdown twin: the author's Markdown
                          (after repair), attribution in front matter, the
                          permanent URL of every passage in a comment, none
                          of the site's generated blocks
    passages.jsonl        one JSON record per passage of every article
    passages.schema.json  its JSON Schema
    glossary.json         every glossary term with its spellings and definition

Everything comes from the build's records (the site index of kb/collect.py
and the sources it read), once; nothing here parses built HTML. The same
records feed `python -m kb mcp` (kb/mcp_server.py), which serves these files.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import yaml

from . import frontmatter
from .collect import SiteIndex
from .disciplines import DISCIPLINES_SRC
from .glossary import GLOSSARY_SRC
from .passages import PageRecord, Passage, fingerprint, passage_id
from .urls import markdown_twin_url, resolve_link

LLMS = "llms.txt"
LLMS_FULL = "llms-full.txt"
PASSAGES = "passages.jsonl"
SCHEMA = "passages.schema.json"
GLOSSARY = "glossary.json"
SCHEMA_SOURCE = Path(__file__).with_name("passages.schema.json")
LICENCE = (
    "The author's work, under the author's rights: republished here with attribution, "
    "not under the site's MIT licence. To reuse it, ask the author or the original publisher."
)

# libyaml's emitter where installed (seven times faster), else PyYAML's own.
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# -- the article's Markdown, block by block ---------------------------------------

_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")
_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*$")
_ITEM = re.compile(r"^(\s*)(?:[-*+]|\d{1,9}[.)])\s+")
_ATTR_ONLY = re.compile(r"^\s*\{:?\s*[^{}]*\}\s*$")
_ATTR_VALUE = r"""(?:[#.][\w-]+|[\w:-]+=(?:"[^"]*"|'[^']*'|[^\s}]+))"""
_TRAILING_ATTRS = re.compile(r"\s*\{:?\s*" + _ATTR_VALUE + r"(?:\s+" + _ATTR_VALUE + r")*\s*\}\s*$")
_EXPLICIT_ID = re.compile(r"(?:^|\s)#([\w-]+)")
_PLACEHOLDER = re.compile(r"^\s*<!--\s*kb:[^>]*-->\s*$")
_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>(?:[^\[\]]|\[[^\]]*\])*)\]\((?P<url>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")
_MD_SYNTAX = re.compile(r"[*_`~]|\\(?=[^\w\s])")
_TAG = re.compile(r"<[^>]+>")


@dataclass
class _Block:
    kind: str  # "passage", "heading", "other"
    first: int  # index of its first line
    last: int  # index of its last line
    explicit_id: str | None = None


def _blocks(lines: list[str]) -> list[_Block]:
    """Split a page body into the units the passage extension makes passages
    of (paragraphs, list items) and the rest. Attribute-list lines under a
    block (marks, explicit ids) belong to it."""
    blocks: list[_Block] = []
    fence: str | None = None
    current: _Block | None = None
    in_list = False
    for i, line in enumerate(lines):
        if fence is not None:
            if line.strip().startswith(fence):
                fence = None
            continue
        if match := _FENCE.match(line):
            fence, current = match.group(1)[:3], None
            continue
        if not line.strip():
            current = None
            continue
        if _ATTR_ONLY.match(line) and blocks and blocks[-1].last >= i - 1:
            block = blocks[-1]
            if ids := _EXPLICIT_ID.findall(line):
                block.explicit_id = ids[0]
            continue
        if _PLACEHOLDER.match(line):
            current = None
            continue
        if _HEADING.match(line):
            blocks.append(_Block("heading", i, i))
            current, in_list = None, False
            continue
        if _ITEM.match(line):
            current = _Block("passage", i, i)
            blocks.append(current)
            in_list = True
            continue
        if line.lstrip().startswith(("|", "<")) and current is None:
            current = _Block("other", i, i)
            blocks.append(current)
            continue
        indented = line.startswith(("  ", "\t"))
        if current is None and in_list and indented and blocks:
            current = blocks[-1]  # a loose list item's next paragraph
        if current is None:
            if line.startswith(("    ", "\t")) and not in_list:
                current = _Block("other", i, i)  # indented code
            else:
                current = _Block("passage", i, i)
                in_list = False
            blocks.append(current)
        current.last = i
    return blocks


def _plain(markdown_text: str) -> str:
    """The words a block of Markdown displays, near enough to find its passage id."""
    text = _LINK.sub(lambda m: m["text"], markdown_text)
    text = _ITEM.sub("", text, count=1).lstrip("> ")
    text = _TRAILING_ATTRS.sub("", text)
    return html.unescape(_MD_SYNTAX.sub("", _TAG.sub("", text)))


def _align(
    blocks: list[_Block], lines: list[str], passages: list[Passage], known: Mapping[str, str] | None = None
) -> dict[int, Passage]:
    """Which passage each block is: by its id (the passage's first words, or
    its explicit id), else by fingerprint (`known`: each passage's, by id, as
    the page recorded them), in document order."""
    known = known or {}
    found: dict[int, Passage] = {}
    start = 0
    for number, block in enumerate(blocks):
        if block.kind != "passage":
            continue
        text = _plain(" ".join(lines[block.first : block.last + 1]))
        wanted = block.explicit_id or passage_id(text)
        sketch = None
        for k in range(start, min(start + 8, len(passages))):
            candidate = passages[k]
            if (
                candidate.id == wanted
                or candidate.id.startswith(wanted + "-")
                and candidate.id[len(wanted) + 1 :].isdigit()
            ):
                found[number], start = candidate, k + 1
                break
            sketch = sketch or fingerprint(text)
            if _close(sketch, known.get(candidate.id) or fingerprint(candidate.text)):
                found[number], start = candidate, k + 1
                break
    return found


def _close(a: str, b: str) -> bool:
    x, y = set(a.split(".")), set(b.split("."))
    return len(x & y) >= 4


def _absolute(markdown_text: str, src_uri: str, index: SiteIndex, site_url: str) -> str:
    """Links to other pages and files of the site, as absolute URLs."""

    def rewrite(match: re.Match[str]) -> str:
        url = match["url"]
        target = resolve_link(url, src_uri)
        if target is None:
            return match.group(0)
        path, fragment = target
        if path in index.urls:
            absolute = site_url + index.urls[path]
        else:
            absolute = site_url + quote(path)
        if fragment:
            absolute += "#" + fragment
        return f"{match['bang']}[{match['text']}]({absolute}{match['title'] or ''})"

    return _LINK.sub(rewrite, markdown_text)


@dataclass(frozen=True)
class Twin:
    markdown: str
    placed: frozenset[str]  # ids of the passages given their URL


def markdown_twin(src_uri: str, index: SiteIndex, site_url: str, updated: dt.date | None = None) -> Twin:
    """The article's own Markdown, attributed, with each passage's URL."""
    article = index.articles[src_uri]
    record: PageRecord = index.records[src_uri]
    page_url = site_url + index.urls[src_uri]
    match = frontmatter.BLOCK.match(record.source)
    body = record.source[match.end() :] if match else record.source
    lines = body.split("\n")
    blocks = _blocks(lines)
    placed = _align(blocks, lines, record.passages, record.fingerprints)
    drop: set[int] = set()
    suffix: dict[int, str] = {}
    for number, block in enumerate(blocks):
        if block.kind == "heading":
            lines[block.first] = _TRAILING_ATTRS.sub("", lines[block.first])
        elif number in placed:
            suffix[block.last] = f" <!-- {page_url}#{placed[number].id} -->"
    for i, line in enumerate(lines):
        if _ATTR_ONLY.match(line) or _PLACEHOLDER.match(line):
            drop.add(i)
    out = []
    for i, line in enumerate(lines):
        if i in drop:
            continue
        line = _TRAILING_ATTRS.sub("", line) if i in suffix else line
        out.append(line + suffix.get(i, ""))
    text = _absolute("\n".join(out), src_uri, index, site_url)
    text = re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"
    meta = {
        "title": article.title,
        "author": article.author,
        "author_role": article.author_role,
        "source": article.source,
        "source_url": article.source_url,
        "published": article.published.isoformat() if article.published else None,
        "updated": updated.isoformat() if updated else None,
        "url": page_url,
        "themes": [index.definitions.theme_titles.get(t, t) for t in article.themes],
        "license": LICENCE,
        "repaired": list(article.transcription) or None,
    }
    meta = {k: v for k, v in meta.items() if v is not None}
    head = yaml.dump(meta, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1000)
    byline = attribution(index, src_uri)
    markdown = f"---\n{head}---\n\n# {_one_line(article.title)}\n\n*{_one_line(byline)}*\n\n{text}"
    return Twin(markdown, frozenset(p.id for p in placed.values()))


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def attribution(index: SiteIndex, src_uri: str) -> str:
    """'By Jane Doe, first published on example.com (2017-02-20).'"""
    article = index.articles[src_uri]
    parts = [f"By {article.author}" if article.author else "Author not named in the source"]
    if article.source:
        parts.append(f"first published on {article.source}")
    text = ", ".join(parts)
    if article.published:
        text += f" ({article.published.isoformat()})"
    return text + "."


# -- passages as data -------------------------------------------------------------


def citation(index: SiteIndex, src_uri: str, url: str) -> str:
    """A ready citation: author, title, publisher, date, site, URL."""
    article = index.articles[src_uri]
    site = index.settings.get("site_name") or "CX Knowledge Base"
    parts = [article.author or "Author not named in the source", f"“{article.title}”"]
    if article.source:
        parts.append(article.source)
    if article.published:
        parts.append(article.published.isoformat())
    parts.append(f"in {site}")
    return ", ".join(parts) + f". {url}"


def passage_rows(index: SiteIndex, site_url: str, dates: Mapping[str, dt.date] | None = None) -> list[dict]:
    """One record per passage of every article, in title order."""
    dates = dates or {}
    themes = index.definitions.theme_titles
    disciplines = index.definitions.discipline_names
    terms = {t.id: t.label for t in index.glossary.terms}
    rows = []
    for src_uri, article in index.articles.items():
        record = index.records[src_uri]
        page_url = site_url + index.urls[src_uri]
        updated = dates.get(src_uri)
        for passage in record.passages:
            url = f"{page_url}#{passage.id}"
            rows.append(
                {
                    "id": passage.id,
                    "url": url,
                    "article": {
                        "title": article.title,
                        "url": page_url,
                        "markdown": site_url + markdown_twin_url(index.urls[src_uri]),
                        "author": article.author,
                        "source": article.source,
                        "published": article.published.isoformat() if article.published else None,
                    },
                    "heading_path": list(passage.heading_path),
                    "text": passage.text,
                    "themes": [{"id": t, "title": themes.get(t, t)} for t in article.themes],
                    "disciplines": [{"id": d, "name": disciplines.get(d, d)} for d in passage.disciplines],
                    "glossary_terms": [{"id": t, "term": terms.get(t, t)} for t in passage.terms],
                    "fingerprint": record.fingerprints.get(passage.id, ""),
                    "updated": updated.isoformat() if updated else None,
                    "citation": citation(index, src_uri, url),
                }
            )
    return rows


def glossary_rows(index: SiteIndex, site_url: str) -> list[dict]:
    base = site_url + index.urls.get(GLOSSARY_SRC, "glossary/")
    return [
        {
            "id": term.id,
            "term": term.name,
            "abbreviation": term.abbreviation,
            "spellings": term.variants,
            "definition": term.plain_definition,
            "url": f"{base}#{term.id}",
        }
        for term in index.glossary.terms
    ]


# -- llms.txt ---------------------------------------------------------------------


def llms_txt(index: SiteIndex, site_url: str) -> str:
    """The llms.txt format (https://llmstxt.org/): H1, a summary in a
    blockquote, notes, then H2 sections of links with one-line descriptions."""
    name = index.settings.get("site_name") or "CX Knowledge Base"
    summary = index.settings.get("site_description") or ""
    lines = [f"# {_one_line(name)}", "", f"> {_one_line(summary)}", ""]
    lines += [
        "Every article links to a Markdown copy of itself (its URL followed by `index.md`), with its "
        "attribution in front matter and the permanent URL of every passage in a comment after it. "
        f"`{PASSAGES}` holds every passage as data (schema: `{SCHEMA}`); a passage's URL "
        "(`…/#p-…`) keeps pointing at the same passage after any edit.",
        "",
    ]
    for theme in index.themes:
        articles = index.articles_with_theme(theme.id)
        if not articles:
            continue
        lines += [f"## Articles: {_one_line(theme.title)}", ""]
        for article in articles:
            url = site_url + markdown_twin_url(index.urls[article.src_uri])
            by = f" (by {_one_line(article.author)})" if article.author else ""
            lines.append(f"- [{_link_text(article.title)}]({url}): {_one_line(article.description)}{by}")
        lines.append("")
    glossary_url = site_url + index.urls.get(GLOSSARY_SRC, "glossary/")
    lines += ["## Glossary", ""]
    lines.append(
        f"- [Glossary]({glossary_url}): {len(index.glossary.terms)} customer-experience terms, "
        "each defined in two to four sentences, with the passages that use it"
    )
    lines.append(f"- [Glossary as data]({site_url}{GLOSSARY}): every term, its spellings and definition, as JSON")
    lines += ["", "## Disciplines", ""]
    names = ", ".join(d.name for d in index.disciplines)
    lines.append(
        f"- [The CX disciplines]({site_url}{index.urls.get(DISCIPLINES_SRC, 'disciplines/')}): "
        f"{names}: each introduced, with the passages of every article that speak to it"
    )
    lines += ["", "## Optional", ""]
    lines.append(f"- [Every article in full]({site_url}{LLMS_FULL}): the text of every article, with attribution")
    lines.append(f"- [Every passage as data]({site_url}{PASSAGES}): one JSON record per passage (JSON Lines)")
    lines.append(f"- [Schema of the passages]({site_url}{SCHEMA}): JSON Schema of {PASSAGES}")
    return "\n".join(lines) + "\n"


def _link_text(text: str) -> str:
    return _one_line(text).replace("[", r"\[").replace("]", r"\]")


def llms_full(index: SiteIndex, twins: Mapping[str, Twin]) -> str:
    name = index.settings.get("site_name") or "CX Knowledge Base"
    parts = [f"# {_one_line(name)}: every article in full\n"]
    for src_uri in index.articles:
        parts.append(twins[src_uri].markdown)
    return "\n\n".join(parts)


# -- writing ----------------------------------------------------------------------


def write(
    site_dir: Path, index: SiteIndex, site_url: str, dates: Mapping[str, dt.date] | None = None
) -> list[tuple[str, str]]:
    """Write every file above into the built site. Returns (src_uri, passage
    id) of any passage that could not be placed in its Markdown twin."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    dates = dates or {}
    twins = {src: markdown_twin(src, index, site_url, dates.get(src)) for src in index.articles}
    missing = []
    for src_uri, twin in twins.items():
        target = site_dir / markdown_twin_url(index.urls[src_uri])
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(twin.markdown, encoding="utf-8")
        missing += [(src_uri, p.id) for p in index.records[src_uri].passages if p.id not in twin.placed]
    (site_dir / LLMS).write_text(llms_txt(index, site_url), encoding="utf-8")
    (site_dir / LLMS_FULL).write_text(llms_full(index, twins), encoding="utf-8")
    with (site_dir / PASSAGES).open("w", encoding="utf-8") as out:
        for row in passage_rows(index, site_url, dates):
            out.write(json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n")
    shutil.copyfile(SCHEMA_SOURCE, site_dir / SCHEMA)
    (site_dir / GLOSSARY).write_text(
        json.dumps({"terms": glossary_rows(index, site_url)}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    return missing
