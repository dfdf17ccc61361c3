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
    kb-site.json          what this is: the site's address, its files

Everything comes from the build's records (the site index of kb/collect.py
and the sources it read), once; nothing here parses built HTML. The same
records feed `python -m kb mcp` (kb/mcp_server.py), which serves these files.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import os
import pickle
import re
import shutil
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple
from urllib.parse import quote

import yaml

from . import frontmatter
from . import twin as twin_mod
from .collect import SiteIndex
from .disciplines import DISCIPLINES_SRC
from .glossary import GLOSSARY_SRC
from .passages import PageRecord
from .urls import markdown_twin_url, resolve_link, url_of_src

LLMS = "llms.txt"
LLMS_FULL = "llms-full.txt"
PASSAGES = "passages.jsonl"
SCHEMA = "passages.schema.json"
GLOSSARY = "glossary.json"
MANIFEST = "kb-site.json"  # what this site is: its address and its files for assistants
SCHEMA_SOURCE = Path(__file__).with_name("passages.schema.json")
LICENCE = (
    "The author's work, under the author's rights: republished here with attribution, "
    "not under the site's MIT licence. To reuse it, ask the author or the original publisher."
)

# libyaml's emitter where installed (seven times faster; the same text, and
# control characters such as U+0085 escaped, where PyYAML's writes them raw).
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)

# -- the Markdown twin ---------------------------------------------------------------


def _link(src_uri: str, index: SiteIndex, site_url: str):
    """A link written in the article's source -> its absolute URL on the
    hosted site (a page, a passage, a picture), or None (another site's)."""

    def absolute(url: str) -> str | None:
        target = resolve_link(url, src_uri)
        if target is None:
            return None
        path, fragment = target
        address = site_url + (url_of_src(path) if path.endswith(".md") else quote(path))
        return address + (f"#{fragment}" if fragment else "")

    return absolute


def made_of(kept: Kept) -> tuple:
    """What an article's kept files were made from (a changed one: the memo is saved)."""
    return kept.body_from, kept.twin_from, kept.rows_from


class Kept(NamedTuple):
    """What the last build made of one article (`mkdocs serve`, and .cache/
    between builds), each by what it was made from: the whole twin (its body
    from `body_at` on), the article's passages as JSON Lines. What they were
    made from is kept as a digest (`_digest`): sources and passages kept
    whole would double what a big site's cache holds and loads."""

    body_from: bytes
    twin: twin_mod.Twin
    body_at: int
    twin_from: tuple = ()
    rows_from: bytes = b""
    lines: str = ""


def _digest(*parts) -> bytes:
    return hashlib.blake2b(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL), digest_size=16).digest()


def markdown_twin(
    src_uri: str, index: SiteIndex, site_url: str, updated: dt.date | None = None, memo: dict | None = None
) -> twin_mod.Twin:
    """The article's own Markdown, attributed, with each passage's URL.
    `memo`: src_uri -> Kept, from an earlier build (`mkdocs serve`)."""
    article = index.articles[src_uri]
    record: PageRecord = index.records[src_uri]
    page_url = site_url + url_of_src(src_uri)
    match = frontmatter.BLOCK.match(record.source)
    source = record.source[match.end() :] if match else record.source
    key = _digest(source, [(p.id, p.text) for p in record.passages], page_url, site_url)
    kept = memo.get(src_uri) if memo is not None else None
    if kept is None or kept.body_from != key:
        body = twin_mod.body(source, record.passages, page_url, _link(src_uri, index, site_url))
    else:
        body = dataclasses.replace(kept.twin, markdown=kept.twin.markdown[kept.body_at :])
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
    byline = markdown_text(attribution(index, src_uri))
    made_from = (tuple(meta.items()), byline)
    if kept is None or kept.body_from != key or kept.twin_from != made_from:
        head = yaml.dump(meta, Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=1000)
        start = f"---\n{head}---\n\n# {markdown_text(article.title)}\n\n*{byline}*\n\n"
        twin = dataclasses.replace(body, markdown=start + body.markdown)
        rows = (kept.rows_from, kept.lines) if kept is not None else (b"", "")
        kept = Kept(key, twin, len(start), made_from, *rows)
    if memo is not None:
        memo[src_uri] = kept
    return kept.twin


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#|!])")


def markdown_text(text: str) -> str:
    """Text from front matter, shown as text in Markdown (one line, every
    character Markdown could read as syntax escaped): a title or an author
    can never become a link, a list item or markup."""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", _one_line(text))


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
    """One record per passage of every article, in title order. URLs are
    the hosted site's permanent ones, in every edition (the offline
    edition's own pages are files, not addresses to cite)."""
    dates = dates or {}
    return [row for src_uri in index.articles for row in article_rows(index, src_uri, site_url, dates.get(src_uri))]


def article_rows(index: SiteIndex, src_uri: str, site_url: str, updated: dt.date | None) -> list[dict]:
    """The records of one article's passages (passage_rows)."""
    themes = index.definitions.theme_titles
    disciplines = index.definitions.discipline_names
    terms = index.term_labels
    article = index.articles[src_uri]
    record = index.records[src_uri]
    page_url = site_url + url_of_src(src_uri)
    rows = []
    for passage in record.passages:
        url = f"{page_url}#{twin_mod.fragment(passage.id)}"
        rows.append(
            {
                "id": passage.id,
                "url": url,
                "article": {
                    "title": article.title,
                    "url": page_url,
                    "markdown": site_url + markdown_twin_url(url_of_src(src_uri)),
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


def _shared_rows_from(index: SiteIndex, site_url: str) -> tuple:
    """What every article's records are made from besides its own: names of
    themes, disciplines and terms, the site's name and address (copied: a
    key must not change with the dicts it was read from)."""
    definitions = index.definitions
    return (
        tuple(definitions.theme_titles.items()),
        tuple(definitions.discipline_names.items()),
        tuple(index.term_labels.items()),
        index.settings.get("site_name"),
        site_url,
    )


def _article_lines(
    index: SiteIndex, src_uri: str, site_url: str, updated: dt.date | None, memo: dict | None, shared: tuple
) -> str:
    """The article's records as JSON Lines, kept in `memo` (its Kept, made
    by markdown_twin in this build) by everything they are made from
    (`shared`: _shared_rows_from)."""
    record = index.records[src_uri]
    kept = memo.get(src_uri) if memo is not None else None
    made_from = b""
    if kept is not None:
        # The passages' ids and texts, the source and the addresses are in the
        # twin's key, made by this build (markdown_twin runs first).
        passages = [(p.heading_path, p.disciplines, p.terms) for p in record.passages]
        made_from = _digest(kept.body_from, index.articles[src_uri], passages, record.fingerprints, updated, shared)
        if kept.rows_from == made_from:
            return kept.lines
    lines = "".join(_json_line(row) for row in article_rows(index, src_uri, site_url, updated))
    if kept is not None:
        memo[src_uri] = kept._replace(rows_from=made_from, lines=lines)
    return lines


def glossary_rows(index: SiteIndex, site_url: str) -> list[dict]:
    base = site_url + url_of_src(GLOSSARY_SRC)
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


def llms_txt(index: SiteIndex, site_url: str, seen: Seen | None = None) -> str:
    """The llms.txt format (https://llmstxt.org/): H1, a summary in a
    blockquote, notes, then H2 sections of links with one-line descriptions.
    `seen` (mkdocs serve): each article's line, kept while its article is
    the same object."""
    name = index.settings.get("site_name") or "CX Knowledge Base"
    summary = index.settings.get("site_description") or ""
    lines = [f"# {markdown_text(name)}", "", f"> {markdown_text(summary)}", ""]
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
        lines += [f"## Articles: {markdown_text(theme.title)}", ""]
        for article in articles:
            kept = seen.listed.get(article.src_uri) if seen is not None else None
            if kept is None or kept[0] is not article:
                url = site_url + markdown_twin_url(url_of_src(article.src_uri))
                by = f" (by {markdown_text(article.author)})" if article.author else ""
                line = f"- [{markdown_text(article.title)}]({url}): {markdown_text(article.description)}{by}"
                kept = (article, line)
                if seen is not None:
                    seen.listed[article.src_uri] = kept
            lines.append(kept[1])
        lines.append("")
    glossary_url = site_url + url_of_src(GLOSSARY_SRC)
    lines += ["## Glossary", ""]
    lines.append(
        f"- [Glossary]({glossary_url}): {len(index.glossary.terms)} customer-experience terms, "
        "each defined in two to four sentences, with the passages that use it"
    )
    lines.append(f"- [Glossary as data]({site_url}{GLOSSARY}): every term, its spellings and definition, as JSON")
    lines += ["", "## Disciplines", ""]
    names = ", ".join(markdown_text(d.name) for d in index.disciplines)
    lines.append(
        f"- [The CX disciplines]({site_url}{url_of_src(DISCIPLINES_SRC)}): "
        f"{names}: each introduced, with the passages of every article that speak to it"
    )
    lines += ["", "## Optional", ""]
    lines.append(f"- [Every article in full]({site_url}{LLMS_FULL}): the text of every article, with attribution")
    lines.append(f"- [Every passage as data]({site_url}{PASSAGES}): one JSON record per passage (JSON Lines)")
    lines.append(f"- [Schema of the passages]({site_url}{SCHEMA}): JSON Schema of {PASSAGES}")
    return "\n".join(lines) + "\n"


LLMS_FULL_BETWEEN = "\n\n"  # before each article's twin in llms-full.txt


def llms_full_title(index: SiteIndex) -> str:
    """llms-full.txt's first line; each article's twin follows after a blank line."""
    name = index.settings.get("site_name") or "CX Knowledge Base"
    return f"# {markdown_text(name)}: every article in full\n"


def llms_full_pieces(index: SiteIndex, twins: Mapping[str, twin_mod.Twin]) -> list[str]:
    """llms-full.txt in pieces: its title, then each article's twin after a blank line."""
    pieces = [llms_full_title(index)]
    for src_uri in index.articles:
        pieces += (LLMS_FULL_BETWEEN, twins[src_uri].markdown)
    return pieces


# -- writing ----------------------------------------------------------------------


@dataclasses.dataclass
class Seen:
    """`mkdocs serve`: the objects each article's kept files (`Kept`) were
    last made from, so that a preview build takes them without digesting
    the article again: a page the build did not convert keeps its record
    and article objects. And each big file as it was written, piece by
    piece, to write it again only from the first piece that changed."""

    basis: tuple = ()  # the site's address and the names every record shows (_shared_rows_from)
    made: dict = dataclasses.field(default_factory=dict)  # src_uri -> (record, article, updated)
    listed: dict = dataclasses.field(default_factory=dict)  # src_uri -> (article, its llms.txt line)
    files: dict = dataclasses.field(default_factory=dict)  # path -> [(piece, its length in bytes)]

    def same(self, index: SiteIndex, src_uri: str, updated: dt.date | None) -> bool:
        made = self.made.get(src_uri)
        return (
            made is not None
            and made[0] is index.records[src_uri]
            and made[1] is index.articles[src_uri]
            and made[2] == updated
        )


def _write_pieces(path: Path, pieces: list[str], seen: Seen | None) -> None:
    """`path` holds the pieces joined. With `seen` (mkdocs serve): what it
    held after the last build is known by piece, and the file is written
    again only from the first piece that differs (it stays as it was if
    none does); a file of another size than was written is written whole."""
    before = seen.files.get(str(path)) if seen is not None else None
    start = offset = 0
    if before is not None and path.is_file() and path.stat().st_size == sum(size for _, size in before):
        while start < min(len(before), len(pieces)) and before[start][0] == pieces[start]:
            offset += before[start][1]
            start += 1
        if start == len(before) == len(pieces):
            return
    else:
        before = []
    written = before[:start]
    with path.open("r+b" if start else "wb") as out:
        out.seek(offset)
        out.truncate()
        run: list[str] = []  # written some hundred pieces at a time
        for n in range(start, len(pieces)):
            piece = pieces[n]
            if n < len(before) and before[n][0] is piece:  # the same piece as the last build's: its size known
                size = before[n][1]
            else:
                size = len(piece.encode("utf-8"))
            written.append((piece, size))
            run.append(piece)
            if len(run) >= _RUN:
                out.write("".join(run).encode("utf-8"))
                run = []
        out.write("".join(run).encode("utf-8"))
    if seen is not None:
        seen.files[str(path)] = written


_RUN = 256


def _json_line(row: dict) -> str:
    """One JSON Lines record: UTF-8 as written, but the line and paragraph
    separators escaped, which some readers take for line ends."""
    text = json.dumps(row, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029") + "\n"


def _write_twin(root: str, page_url: str, twin: twin_mod.Twin, kept: bool) -> None:
    """The article's Markdown twin beside its page (`page_url`) in the site
    at `root`; `kept`: the twin the last build of `mkdocs serve` wrote, so
    there already unless the file is gone. (Paths as strings: 10,000 a save.)"""
    target = os.path.join(root, markdown_twin_url(page_url))
    if kept and os.path.exists(target):
        return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    Path(target).write_text(twin.markdown, encoding="utf-8")


def _write_served(site_dir: Path, index: SiteIndex, site_url: str, dates, memo, serving: bool, seen: Seen, shared):
    """`write` for `mkdocs serve`: an article made from the same objects as
    in the last build is taken whole (`seen`), and llms-full.txt and
    passages.jsonl are written again only from the first article that
    changed."""
    if memo is None or seen.basis != shared:
        seen.basis, seen.made, seen.listed = shared, {}, {}
    before = {src: kept.twin for src, kept in (memo or {}).items()}
    same = {src for src in index.articles if src in before and seen.same(index, src, dates.get(src))}
    twins = {
        src: before[src] if src in same else markdown_twin(src, index, site_url, dates.get(src), memo)
        for src in index.articles
    }
    for gone in set(memo or ()) - set(twins):
        del memo[gone]
    root = os.fspath(site_dir)
    for src_uri, twin in twins.items():
        _write_twin(root, index.urls[src_uri], twin, serving and before.get(src_uri) is twin)
    (site_dir / LLMS).write_text(llms_txt(index, site_url, seen), encoding="utf-8")
    _write_pieces(site_dir / LLMS_FULL, llms_full_pieces(index, twins), seen)
    lines = [
        memo[src].lines if src in same else _article_lines(index, src, site_url, dates.get(src), memo, shared)
        for src in index.articles
    ]
    _write_pieces(site_dir / PASSAGES, lines, seen)  # article by article: not one big copy
    seen.made = {src: (index.records[src], index.articles[src], dates.get(src)) for src in index.articles}
    seen.listed = {src: kept for src, kept in seen.listed.items() if src in index.articles}
    return [(src, pid) for src, twin in twins.items() for pid in twin.unplaced]


def _write_streamed(site_dir: Path, index: SiteIndex, site_url: str, dates, memo, serving: bool, shared):
    """`write` for a build: article by article, each of its files written
    as it is made, not every twin and record held at once (the memo may be
    read from disk one article at a time, pagecache.Shelf)."""
    before = {src: kept.twin for src, kept in memo.items()} if serving and memo is not None else {}
    for gone in set(memo or ()) - set(index.articles):
        del memo[gone]
    unplaced = []
    with (
        (site_dir / LLMS_FULL).open("w", encoding="utf-8") as full,
        (site_dir / PASSAGES).open("w", encoding="utf-8") as rows,
    ):
        full.write(llms_full_title(index))
        for src_uri in index.articles:
            twin = markdown_twin(src_uri, index, site_url, dates.get(src_uri), memo)
            _write_twin(os.fspath(site_dir), index.urls[src_uri], twin, serving and before.get(src_uri) is twin)
            full.write(LLMS_FULL_BETWEEN)
            full.write(twin.markdown)
            rows.write(_article_lines(index, src_uri, site_url, dates.get(src_uri), memo, shared))
            unplaced += [(src_uri, pid) for pid in twin.unplaced]
    (site_dir / LLMS).write_text(llms_txt(index, site_url), encoding="utf-8")
    return unplaced


def write(
    site_dir: Path,
    index: SiteIndex,
    site_url: str,
    dates: Mapping[str, dt.date] | None = None,
    memo: dict | None = None,
    serving: bool = False,
    seen: Seen | None = None,
) -> list[tuple[str, str]]:
    """Write every file above into the built site (each twin where this
    edition keeps its page: beside index.html, or as x.md beside x.html
    offline). Returns (src_uri, passage id) of each passage listed at the end
    of its twin rather than beside its text. `memo`: what the last build made
    of each article (src_uri -> Kept), kept up to date; `serving`: the memo is
    the one `mkdocs serve` keeps, so a twin it kept is on disk already;
    `seen`: what serve's last build made them from (Seen), with `memo`."""
    site_url = site_url if site_url.endswith("/") else site_url + "/"
    dates = dates or {}
    shared = _shared_rows_from(index, site_url)
    site_dir.mkdir(parents=True, exist_ok=True)
    if seen is not None:
        unplaced = _write_served(site_dir, index, site_url, dates, memo, serving, seen, shared)
    else:
        unplaced = _write_streamed(site_dir, index, site_url, dates, memo, serving, shared)
    passages = sum(len(index.records[src].passages) for src in index.articles)
    shutil.copyfile(SCHEMA_SOURCE, site_dir / SCHEMA)
    (site_dir / GLOSSARY).write_text(
        json.dumps({"terms": glossary_rows(index, site_url)}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    manifest = {
        "about": "A CX knowledge base built for readers and AI assistants (README, 'For AI assistants').",
        "name": index.settings.get("site_name") or "CX Knowledge Base",
        "site_url": site_url,
        "articles": len(index.articles),
        "passages": passages,
        "files": {"llms": LLMS, "llms_full": LLMS_FULL, "passages": PASSAGES, "schema": SCHEMA, "glossary": GLOSSARY},
    }
    (site_dir / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return unplaced
