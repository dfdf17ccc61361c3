"""Phase 2 of the build: render every generated block from the site index.

A page asks for a block with a placeholder, `<!-- kb:NAME -->` or
`<!-- kb:NAME ARG -->`. Each NAME maps to one small function in `BLOCKS`,
registered with `@block`; the function reads the read-only `SiteIndex`
(kb/collect.py) and renders a Jinja template, `partials/kb/NAME.html`, found
in `overrides/` like Material's own partials (a site owner overrides one by
copying it). Templates are rendered with autoescaping: text from a page's
source can never become markup.

The error for an unknown NAME, `python -m kb blocks` and the README's list of
blocks are all generated from `BLOCKS`.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import jinja2

from . import cards, published, sanitise
from . import disciplines as disciplines_mod
from . import related as related_mod
from . import themes as themes_mod
from .collect import SiteIndex
from .passages import EDITORIAL_NOTE
from .problems import Problems, locate
from .text import excerpt
from .urls import markdown_twin_url, rebase_links, relative_url

PLACEHOLDER = re.compile(r"<!-- kb:(?P<name>[\w-]+)(?:\s+(?P<arg>[\w-]+))?\s*-->")
TEMPLATE_DIR = "partials/kb/"
WORDS_PER_MINUTE = 200
# Bounds that keep every generated page's size independent of the number of
# articles (what is left out is counted and reachable elsewhere).
MATRIX_COLUMNS = 24  # articles shown as columns of a matrix
APPEARS_IN = 12  # articles listed under a glossary entry
DISCIPLINE_PASSAGES = 60  # passages listed under a discipline
PRINT_ARTICLES = 40  # articles printed in full in a theme's print view
OFFLINE_FOLDER = "cx-knowledge-base"  # what the offline edition's zip unpacks to (kb/tools/build_offline.py)


class Templates:
    """The Jinja templates of generated blocks, autoescaped."""

    def __init__(self, env: jinja2.Environment):
        self.env = env.overlay(autoescape=True)

    @classmethod
    def from_dirs(cls, *dirs: Path) -> Templates:
        """For use outside MkDocs: templates looked up in `dirs`, in order."""
        return cls(jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in dirs])))

    def render(self, name: str, **data) -> str:
        return self.env.get_template(f"{TEMPLATE_DIR}{name}.html").render(**data).strip()


@dataclass
class BlockContext:
    """What a block function gets: the index, the page asking, its argument."""

    index: SiteIndex
    templates: Templates
    problems: Problems
    src_uri: str
    arg: str | None = None
    name: str = ""  # the placeholder's NAME, to find its line

    @property
    def page_url(self) -> str:
        return self.index.urls[self.src_uri]

    def link(self, site_url: str) -> str:
        """A relative link from this page to a site URL."""
        return relative_url(site_url, self.page_url)

    def render(self, template: str, **data) -> str:
        return self.templates.render(template, **data)

    def problem(self, what: str, fix: str) -> None:
        record = self.index.records.get(self.src_uri)
        usage = f"<!-- kb:{self.name}"
        line = locate(record.source, (usage, "<!-- kb:")) if record else None
        self.problems.add("docs/" + self.src_uri, line, what, fix)


@dataclass(frozen=True)
class Block:
    name: str
    about: str
    arg: str | None  # what ARG names, if the block takes one
    auto: bool  # inserted by the build itself, not written in pages
    function: Callable[[BlockContext], str | None]
    # What the block shows of one article (index, src_uri, ARG) -> a value to
    # compare; None: it reads more than articles (rendered on every build).
    reads: Callable[[SiteIndex, str, str | None], object] | None = None

    @property
    def usage(self) -> str:
        return f"<!-- kb:{self.name}{' ' + self.arg if self.arg else ''} -->"


BLOCKS: dict[str, Block] = {}


def block(name: str, about: str, arg: str | None = None, auto: bool = False, reads=None):
    """Register a block function under its placeholder NAME. `reads(index,
    src_uri, ARG)`: everything the block shows of one article, as a value to
    compare (a preview build takes the block as the build before rendered
    it while that is the same for every article the edit changed: `Reuse`)."""

    def register(function: Callable[[BlockContext], str | None]):
        BLOCKS[name] = Block(name, about, arg, auto, function, reads)
        return function

    return register


def _article(index: SiteIndex, src_uri: str, arg: str | None):
    """What a listing shows of an article: any of its front matter."""
    return index.articles.get(src_uri)


def _article_and_passages(index: SiteIndex, src_uri: str, arg: str | None):
    """Its front matter, and each passage's id, text, disciplines and terms."""
    record = index.records.get(src_uri)
    passages = [(p.id, p.text, p.disciplines, p.terms) for p in record.passages] if record else None
    return index.articles.get(src_uri), passages


def _article_and_disciplines(index: SiteIndex, src_uri: str, arg: str | None):
    """Its front matter, and the disciplines of each passage."""
    record = index.records.get(src_uri)
    return index.articles.get(src_uri), [p.disciplines for p in record.passages] if record else None


def _marked_with(index: SiteIndex, src_uri: str, arg: str | None):
    """Its front matter, and the passages marked with the discipline `arg`."""
    record = index.records.get(src_uri)
    marked = [(p.id, p.text, p.disciplines) for p in record.passages if arg in p.disciplines] if record else None
    return index.articles.get(src_uri), marked


def _using(index: SiteIndex, src_uri: str, arg: str | None):
    """Its front matter, and the passages that use the glossary term `arg`."""
    record = index.records.get(src_uri)
    return index.articles.get(src_uri), [(p.id, p.text) for p in record.passages if arg in p.terms] if record else None


def _printed(index: SiteIndex, src_uri: str, arg: str | None):
    """Its front matter; if the print view of the theme `arg` shows it
    whole, its passages and converted page too."""
    article = index.articles.get(src_uri)
    if article is None or arg not in article.themes:
        return article
    shown = index.articles_with_theme(arg)[:PRINT_ARTICLES]
    if not any(a.src_uri == src_uri for a in shown):
        return article
    return _article_and_passages(index, src_uri, arg), index.contents.get(src_uri)


def _nothing(index: SiteIndex, src_uri: str, arg: str | None):
    return None


@dataclass
class Reuse:
    """A preview build's blocks: `before`, as the last build rendered them
    (by page, NAME and ARG: the output and what rendering reported), taken
    again while what the block `reads` of each `changed` article (its record
    or article object is not the last build's) is the same in `last` (the
    last build's index) as now. `changed` None: everything may have changed
    (dependencies.changed). `now` collects this build's, for the next."""

    last: SiteIndex | None
    changed: set[str] | None
    before: dict = field(default_factory=dict)
    now: dict = field(default_factory=dict)

    def kept(self, found: Block, ctx: BlockContext) -> tuple[str | None, tuple] | None:
        if self.changed is None or self.last is None or found.reads is None or ctx.src_uri in self.changed:
            return None
        kept = self.before.get((ctx.src_uri, found.name, ctx.arg))
        if kept is None:
            return None
        reads = found.reads
        arg = ctx.arg
        same = all(reads(self.last, src, arg) == reads(ctx.index, src, arg) for src in self.changed)
        return kept if same else None


def has_placeholder(html: str) -> bool:
    """Whether a converted page asks for a generated block."""
    return "<!-- kb:" in html


def render_page(
    index: SiteIndex, templates: Templates, problems: Problems, src_uri: str, html: str, reuse: Reuse | None = None
) -> str:
    """`html` with every placeholder replaced by its rendered block (an
    unknown one was reported by `check_placeholders` and is left out);
    `reuse` (a preview build): blocks the last build rendered (`Reuse`)."""

    def replace(match: re.Match[str]) -> str:
        name, arg = match["name"], match["arg"]
        found = BLOCKS.get(name)
        if found is None:
            return match.group(0)
        ctx = BlockContext(index, templates, problems, src_uri, arg, name)
        if reuse is None:
            rendered = found.function(ctx)
        else:
            kept = reuse.kept(found, ctx)
            if kept is None:
                ctx.problems = Problems()  # what this block reports, kept with it
                kept = (found.function(ctx), tuple(ctx.problems))
            reuse.now[(src_uri, name, arg)] = kept
            rendered = kept[0]
            problems.report(kept[1])
        return match.group(0) if rendered is None else rendered

    return PLACEHOLDER.sub(replace, html) if "<!-- kb:" in html else html


_COMMENT = re.compile(r"<!--(?P<body>.*?)(?:-->|\Z)", re.S)
_FENCE = re.compile(r"^\s*(```|~~~)", re.M)


def _usages(auto: bool = False) -> str:
    return ", ".join(b.usage for b in BLOCKS.values() if b.auto == auto)


def check_placeholders(src_uri: str, source: str, is_article: bool, problems: Problems) -> None:
    """Every `<!-- kb:… -->` a page's author wrote, read from the Markdown
    source with its line: a malformed one (which Markdown would keep as a
    comment, silently showing nothing), an unknown name, a missing, extra or
    unexpected argument, a block the build adds itself, any block inside an
    article (an article is the author's text, not an index), and a comment
    that is never closed (it would hide the rest of the page)."""
    file = "docs/" + src_uri
    text = _outside_code(source)
    for match in _COMMENT.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if not match.group(0).endswith("-->"):
            problems.add(
                file,
                line,
                "a comment '<!--' is never closed: everything after it would be hidden from readers.",
                "close it with '-->' on the same or a later line, or remove it.",
            )
            break
        body = match["body"]
        if not re.match(r"\s*kb\s*:", body):
            continue
        shown = " ".join(match.group(0).split())[:60]
        strict = PLACEHOLDER.fullmatch(match.group(0))
        words = re.sub(r"^\s*kb\s*:\s*", "", body).split()
        block = BLOCKS.get(words[0]) if words else None
        if block is None:
            what = f"unknown placeholder '{shown}'."
            fix = "use one of: " + _usages() + "."
        elif is_article:
            what = f"the placeholder '{shown}' is inside an article: generated blocks belong on the site's own pages."
            fix = "remove it; the article is the author's text (listings and matrices are on the home, theme and index pages)."
        elif block.auto:
            what = f"'{shown}' is added by the build itself, not written in pages."
            fix = "remove it; these are written by hand: " + _usages() + "."
        elif len(words) > (2 if block.arg else 1):
            what = f"the placeholder '{shown}' has more than {'one argument' if block.arg else 'its name'}."
            fix = f"write it as {block.usage}."
        elif not strict:
            what = f"the placeholder '{shown}' is not written as the build reads it, so it would show nothing."
            fix = f"write it exactly as {block.usage}: one space after '<!--' and before '-->', no space after 'kb:'."
        else:
            continue
        problems.add(file, line, what, fix)


def _outside_code(source: str) -> str:
    """`source` with fenced code blocks blanked (lines kept), where a
    placeholder or comment is an example, not an instruction."""
    out, fenced = [], False
    for line in source.split("\n"):
        if _FENCE.match(line):
            fenced = not fenced
            out.append("")
        else:
            out.append("" if fenced else line)
    return "\n".join(out)


def blocks_markdown() -> str:
    """The list of blocks, as the README shows it."""
    rows = ["| Placeholder | What it shows |", "| --- | --- |"]
    for b in BLOCKS.values():
        note = " (added by the build)" if b.auto else ""
        rows.append(f"| `{b.usage}` | {b.about}{note} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    """`python -m kb blocks`: the placeholders a page can use."""
    sys.stdout.write(blocks_markdown() + "\n")
    return 0


# -- article listings -----------------------------------------------------


def _article_items(ctx: BlockContext, articles) -> list[dict]:
    return [
        {"url": ctx.link(ctx.index.urls[a.src_uri]), "title": a.title, "author": a.author, "description": a.description}
        for a in articles
    ]


@block("article-list", "every article, by title, with author and summary", reads=_article)
def article_list(ctx: BlockContext) -> str:
    return ctx.render("article-list", articles=_article_items(ctx, ctx.index.articles.values()))


@block(
    "article-index",
    "every article, filterable by theme, discipline and author, with dates",
    reads=_article_and_disciplines,
)
def article_index(ctx: BlockContext) -> str:
    index = ctx.index
    marked: dict[str, set[str]] = {}
    for p in index.marked:
        marked.setdefault(p.article_key, set()).update(p.disciplines)
    titles = index.definitions.theme_titles
    names = index.definitions.discipline_names
    articles = []
    for a in index.articles.values():
        articles.append(
            {
                "url": ctx.link(index.urls[a.src_uri]),
                "title": a.title,
                "author": a.author,
                "description": a.description,
                "themes": [{"id": t, "title": titles.get(t, t)} for t in a.themes],
                "disciplines": sorted(marked.get(a.src_uri, ())),
                "published": a.published.isoformat() if a.published else "",
                "published_label": date_label(a.published) if a.published else "",
            }
        )
    authors = sorted({a.author for a in index.articles.values() if a.author}, key=str.casefold)
    return ctx.render(
        "article-index",
        articles=articles,
        themes=index.themes,
        authors=authors,
        disciplines=[{"id": d, "name": n} for d, n in names.items()],
    )


@block("recent-articles", "the six most recently published articles, and a link to all of them", reads=_article)
def recent_articles(ctx: BlockContext) -> str:
    dated = sorted(
        ctx.index.articles.values(),
        key=lambda a: (a.published is None, -(a.published.toordinal() if a.published else 0), a.title.casefold()),
    )
    index_url = ctx.index.urls.get("articles/index.md")
    return ctx.render(
        "recent-articles",
        articles=_article_items(ctx, dated[:6]),
        total=len(dated),
        index_url=ctx.link(index_url) if index_url is not None else None,
    )


@block("theme-articles", "the articles that carry a theme (on a theme page: its own)", arg="THEME", reads=_article)
def theme_articles(ctx: BlockContext) -> str | None:
    theme = ctx.index.theme(ctx.arg or themes_mod.theme_of(ctx.src_uri))
    if theme is None:
        ctx.problem(
            f"'<!-- kb:theme-articles {ctx.arg or ''} -->' names no known theme.",
            "use it on a theme page, or name a theme: " + ", ".join(ctx.index.definitions.theme_ids) + ".",
        )
        return None
    return ctx.render("article-list", articles=_article_items(ctx, ctx.index.articles_with_theme(theme.id)))


@block("theme-list", "every theme, with its number of articles", reads=_article)
def theme_list(ctx: BlockContext) -> str:
    themes = [
        {
            "url": ctx.link(ctx.index.theme_url(t.id)),
            "title": t.title,
            "count": len(ctx.index.articles_with_theme(t.id)),
        }
        for t in ctx.index.themes
    ]
    return ctx.render("theme-list", themes=themes)


@block(
    "theme-matrix",
    "themes by article: which article carries which theme, and how strongly",
    reads=_article_and_passages,
)
def theme_matrix(ctx: BlockContext) -> str:
    everything = list(ctx.index.articles.values())
    articles = everything[:MATRIX_COLUMNS]
    rows = []
    for theme in ctx.index.themes:
        cells = []
        for a in articles:
            n = theme.strength([p.text for p in ctx.index.records[a.src_uri].passages])
            cells.append({"n": n, "tagged": theme.id in a.themes, "article": a.title})
        rows.append({"theme": theme.title, "url": ctx.link(ctx.index.theme_url(theme.id)), "cells": cells})
    columns = [{"title": a.title, "url": ctx.link(ctx.index.urls[a.src_uri])} for a in articles]
    return ctx.render(
        "theme-matrix", columns=columns, rows=rows, more=len(everything) - len(articles), index_url=_index_url(ctx)
    )


# -- disciplines ----------------------------------------------------------


@block("disciplines-diagram", "the disciplines as a cycle, each node linking to its section", reads=_nothing)
def disciplines_diagram(ctx: BlockContext) -> str:
    return ctx.render("disciplines-diagram", cycle=disciplines_mod.cycle(ctx.index.disciplines))


@block("discipline-matrix", "marked passages per discipline and article", reads=_article_and_disciplines)
def discipline_matrix(ctx: BlockContext) -> str:
    everything = list(ctx.index.articles.values())
    articles = everything[:MATRIX_COLUMNS]
    counts = {(p.article_key, d): 0 for p in ctx.index.marked for d in p.disciplines}
    for p in ctx.index.marked:
        for d in p.disciplines:
            counts[(p.article_key, d)] += 1
    rows = [
        {
            "id": d.id,
            "name": d.name,
            "short": d.short,
            "cells": [{"n": counts.get((a.src_uri, d.id), 0), "article": a.title} for a in articles],
        }
        for d in ctx.index.disciplines
    ]
    columns = [{"title": a.title, "url": ctx.link(ctx.index.urls[a.src_uri])} for a in articles]
    return ctx.render(
        "discipline-matrix", columns=columns, rows=rows, more=len(everything) - len(articles), index_url=_index_url(ctx)
    )


@block(
    "discipline-passages",
    "every passage marked with a discipline",
    arg="DISCIPLINE",
    auto=True,
    reads=_marked_with,
)
def discipline_passages(ctx: BlockContext) -> str | None:
    discipline = next((d for d in ctx.index.disciplines if d.id == ctx.arg), None)
    if discipline is None:
        return None
    mine = [p for p in ctx.index.marked if discipline.id in p.disciplines]
    passages = []
    for p in mine[:DISCIPLINE_PASSAGES]:
        article = ctx.index.articles[p.article_key]
        passages.append(
            {
                "url": ctx.link(ctx.index.passage_url(p.article_key, p.passage_id)),
                "article": article.title,
                "author": article.author,
                "excerpt": excerpt(p.text, 30),
            }
        )
    return ctx.render(
        "discipline-passages",
        discipline=discipline,
        passages=passages,
        total=len(mine),
        article_count=len({p.article_key for p in mine}),
        more=len(mine) - len(passages),
        index_url=_index_url(ctx, f"?discipline={discipline.id}"),
    )


# -- glossary -------------------------------------------------------------


@block("glossary-letters", "A to Z, each letter linking to its first term", auto=True, reads=_nothing)
def glossary_letters(ctx: BlockContext) -> str:
    first_of: dict[str, str] = {}
    for term in ctx.index.glossary.terms:
        first_of.setdefault(term.label[0].upper(), term.id)
    return ctx.render("glossary-letters", letters=[(c, first_of.get(c)) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"])


@block(
    "glossary-appears",
    "the passages of each article that use a term",
    arg="TERM",
    auto=True,
    reads=_using,
)
def glossary_appears(ctx: BlockContext) -> str:
    groups, more = [], 0
    for key, passages in ctx.index.term_uses.get(ctx.arg, ()):
        article = ctx.index.articles[key]
        if len(groups) == APPEARS_IN:
            more += 1
            continue
        links = [{"url": ctx.link(ctx.index.passage_url(key, p.id)), "excerpt": excerpt(p.text, 8)} for p in passages]
        groups.append({"article": article.title, "links": links})
    term = ctx.index.glossary.by_id(ctx.arg)
    return ctx.render(
        "glossary-appears",
        groups=groups,
        more=more,
        search_url=ctx.link("") + "?q=" + quote(term.name if term else ctx.arg or ""),
    )


# -- print views and the offline edition ----------------------------------


@block("theme-print", "every article of a theme on one page, for printing", arg="THEME", auto=True, reads=_printed)
def theme_print(ctx: BlockContext) -> str | None:
    theme = ctx.index.theme(ctx.arg)
    if theme is None:
        ctx.problem(
            f"'<!-- kb:theme-print {ctx.arg} -->' names no known theme.",
            "name one of: " + ", ".join(ctx.index.definitions.theme_ids) + ".",
        )
        return None
    articles, editorial_links = [], False
    everything = ctx.index.articles_with_theme(theme.id)
    for article in everything[:PRINT_ARTICLES]:
        byline = ", ".join(
            x
            for x in (
                article.author,
                article.source and f"first published on {article.source}",
                article.published and date_label(article.published),
            )
            if x
        )
        # Sanitised before its links are rebased: an address that only a
        # parser reads as a script (java&#10;script:) is gone, not rebased into a path.
        body = sanitise.clean(ctx.index.contents.get(article.src_uri, ""))
        body = rebase_links(body, ctx.index.urls[article.src_uri], ctx.page_url)
        body, had_note = _EDITORIAL_NOTE.subn("", body)  # one per page, below
        editorial_links = editorial_links or bool(had_note)
        articles.append(
            {
                "title": article.title,
                "byline": byline or "Author not named in the source",
                "editorial": article.title_editorial,
                "body": body,
            }
        )
    rest = [{"title": a.title, "url": ctx.link(ctx.index.urls[a.src_uri])} for a in everything[PRINT_ARTICLES:]]
    printed = [a.src_uri for a in everything[:PRINT_ARTICLES]]
    return ctx.render(
        "theme-print",
        articles=articles,
        rest=rest,
        definitions=definitions(ctx.index, printed),
        editorial_note=EDITORIAL_NOTE if editorial_links else None,
    )


@block("offline-edition", "where to get the offline edition of the site")
def offline_edition(ctx: BlockContext) -> str:
    """A download link: to the zip published with the site (KB_OFFLINE_ZIP),
    or to a copy kept elsewhere (OFFLINE_EDITION_URL); in the offline edition
    itself, that this is it; else, that the published site has it."""
    settings = ctx.index.settings
    url, size = settings.get("offline_edition_url"), None
    if settings.get("offline_zip") is not None and settings["offline_zip"].is_file():
        url = url or ctx.link(published.OFFLINE_ZIP)
        size = settings["offline_zip"].stat().st_size
    return ctx.render(
        "offline-edition",
        url=url,
        size_mb=f"{size / 1_000_000:.1f}" if size else None,
        reading_it=bool(settings.get("offline")),
        folder=OFFLINE_FOLDER,
    )


_EDITORIAL_NOTE = re.compile(rf'<p hidden="(?:hidden)?" id="{EDITORIAL_NOTE}">[^<]*</p>')


def _index_url(ctx: BlockContext, query: str = "") -> str | None:
    url = ctx.index.urls.get("articles/index.md")
    return ctx.link(url) + query if url is not None else None


# -- what an article's template shows -------------------------------------


def article_extras(index: SiteIndex, src_uri: str) -> dict | None:
    """Header, related articles and backlinks of an article page, for its
    templates (overrides/partials/article-header.html and -footer.html)."""
    article = index.articles.get(src_uri)
    if article is None:
        return None
    page_url = index.urls[src_uri]
    titles = index.definitions.theme_titles
    record = index.records[src_uri]
    header = {
        "author": article.author,
        "author_role": article.author_role,
        "source": article.source,
        "source_url": article.source_url,
        "transcription": list(article.transcription),
        "published": article.published.isoformat() if article.published else None,
        "published_label": date_label(article.published) if article.published else None,
        "minutes": max(1, math.ceil(record.word_count / WORDS_PER_MINUTE)),
        "title_editorial": article.title_editorial,
        "themes": [
            {"id": t, "title": titles.get(t, t), "url": relative_url(index.theme_url(t), page_url)}
            for t in article.themes
        ],
    }
    terms = index.term_labels
    disciplines = index.definitions.discipline_names
    related = [
        {
            "title": index.articles[r.key].title,
            "url": relative_url(index.urls[r.key], page_url),
            "description": index.articles[r.key].description,
            "reasons": related_mod.reasons(r, titles, disciplines, terms),
        }
        for r in index.related.get(src_uri, ())
    ]
    backlinks = [
        {
            "title": index.titles.get(b.source, b.source),
            "url": relative_url(index.passage_url(b.source, b.passage_id), page_url),
            "excerpt": excerpt(b.text, 20),
        }
        for b in index.backlinks.get(src_uri, ())
    ]
    return {
        "card": cards.card_path(page_url),
        "markdown": relative_url(markdown_twin_url(page_url), page_url),
        "header": header,
        "related": related,
        "backlinks": backlinks,
        "definitions": definitions(index, [src_uri]),
    }


def definitions(index: SiteIndex, keys: list[str]) -> list[dict]:
    """The glossary terms the given articles use, defined, for the end of a
    printout (on paper, dotted terms print plainly)."""
    used = {t for key in keys for p in index.records[key].passages for t in p.terms}
    return [{"label": t.label, "definition": t.plain_definition} for t in index.glossary.terms if t.id in used]


def date_label(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"
