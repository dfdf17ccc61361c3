"""Phase 1 of the build: collect a read-only index of the whole site.

Two steps, because MkDocs converts pages one by one:

- `read_definitions` reads the pages that define things (theme pages, the
  glossary, the disciplines page) from their Markdown sources, before any
  page is converted; the Markdown extension needs them while converting;
- `collect` runs once every page is converted and returns a `SiteIndex`:
  articles, passages, themes, glossary, disciplines, links between passages
  and the URL of every page. Nothing changes it afterwards; every generated
  block is rendered from it (kb/render.py).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from . import disciplines as disciplines_mod
from . import frontmatter
from . import glossary as glossary_mod
from . import related as related_mod
from . import themes as themes_mod
from .articles import Article
from .passages import PageRecord, Passage
from .problems import Problems


@dataclass(frozen=True)
class Definitions:
    """What the site defines: read from sources before pages are converted."""

    themes: tuple[themes_mod.Theme, ...] = ()
    glossary: glossary_mod.Glossary = field(default_factory=glossary_mod.Glossary)
    disciplines: tuple[disciplines_mod.Discipline, ...] = ()

    @property
    def theme_ids(self) -> list[str]:
        return [t.id for t in self.themes]

    @property
    def theme_titles(self) -> dict[str, str]:
        return {t.id: t.title for t in self.themes}

    @property
    def discipline_names(self) -> dict[str, str]:
        return {d.id: d.name for d in self.disciplines}


def read_definitions(sources: Mapping[str, str], problems: Problems) -> Definitions:
    """`sources`: src_uri -> file text, for every Markdown page."""
    themes = []
    for src_uri in sorted(sources):
        if theme_id := themes_mod.theme_of(src_uri):
            meta = frontmatter.read(sources[src_uri], "docs/" + src_uri, problems).meta
            keywords = meta.get("keywords") or []
            if not isinstance(keywords, list):
                problems.add(
                    "docs/" + src_uri,
                    frontmatter.line_of_key(sources[src_uri], "keywords"),
                    "'keywords' must be a list.",
                    "write 'keywords: [word, other phrase]'.",
                )
                keywords = []
            title = meta.get("title")
            if title is not None and not isinstance(title, str):
                problems.add(
                    "docs/" + src_uri,
                    frontmatter.line_of_key(sources[src_uri], "title"),
                    f"'title' must be text, not {type(title).__name__}.",
                    "write 'title:' followed by plain text (quote it if it contains ': ').",
                )
                title = None
            themes.append(themes_mod.Theme(theme_id, title or theme_id.title(), [str(k) for k in keywords]))
    if not themes:
        problems.add(
            "docs/themes/", None, "no theme is defined.", "add one page per theme, e.g. docs/themes/journey.md."
        )
    glossary = (
        glossary_mod.parse(sources[glossary_mod.GLOSSARY_SRC], problems)
        if glossary_mod.GLOSSARY_SRC in sources
        else glossary_mod.Glossary()
    )
    disciplines = (
        disciplines_mod.parse(sources[disciplines_mod.DISCIPLINES_SRC], problems)
        if disciplines_mod.DISCIPLINES_SRC in sources
        else []
    )
    return Definitions(tuple(themes), glossary, tuple(disciplines))


@dataclass(frozen=True)
class Backlink:
    """A passage of one page that links to another page."""

    source: str  # src_uri of the linking page
    passage_id: str
    text: str


@dataclass(frozen=True)
class MarkedPassage:
    """A passage marked with disciplines, as the disciplines index shows it."""

    article_key: str  # src_uri
    passage_id: str
    text: str
    disciplines: tuple[str, ...]


@dataclass(frozen=True)
class Ranking:
    """The related-articles ranking and the profiles it was ranked from, as
    kept between builds (kb/build.py): `collect` reuses it when no profile
    changed."""

    profiles: Mapping[str, related_mod.Profile]
    related: Mapping[str, tuple[related_mod.Related, ...]]


@dataclass(frozen=True)
class SiteIndex:
    """Everything the renderer may read. Built once per build; read-only."""

    definitions: Definitions
    articles: Mapping[str, Article]  # src_uri -> article, in title order
    records: Mapping[str, PageRecord]  # src_uri -> what the page contributed
    titles: Mapping[str, str]  # src_uri -> page title
    urls: Mapping[str, str]  # src_uri -> site URL ("articles/x/")
    contents: Mapping[str, str]  # src_uri -> converted HTML (for print views)
    backlinks: Mapping[str, tuple[Backlink, ...]]  # target src_uri -> links to it
    marked: tuple[MarkedPassage, ...]  # marked passages, articles in title order
    related: Mapping[str, tuple[related_mod.Related, ...]] = field(default_factory=dict)  # best first
    settings: Mapping[str, object] = field(default_factory=dict)
    profiles: Mapping[str, related_mod.Profile] = field(default_factory=dict)  # what `related` was ranked from

    @property
    def themes(self) -> tuple[themes_mod.Theme, ...]:
        return self.definitions.themes

    @property
    def glossary(self) -> glossary_mod.Glossary:
        return self.definitions.glossary

    @functools.cached_property
    def term_labels(self) -> dict[str, str]:
        """Each glossary term's label by its id (asked for on every article page)."""
        return {t.id: t.label for t in self.glossary.terms}

    @functools.cached_property
    def term_uses(self) -> dict[str, tuple[tuple[str, tuple[Passage, ...]], ...]]:
        """Each glossary term's passages, by article in title order (the
        glossary's "Appears in": one pass over the passages, not one per term)."""
        uses: dict[str, list[tuple[str, list[Passage]]]] = {}
        for key in self.articles:
            found: dict[str, list[Passage]] = {}
            for passage in self.records[key].passages:
                for term in dict.fromkeys(passage.terms):
                    found.setdefault(term, []).append(passage)
            for term, passages in found.items():
                uses.setdefault(term, []).append((key, passages))
        return {term: tuple((key, tuple(ps)) for key, ps in found) for term, found in uses.items()}

    @property
    def disciplines(self) -> tuple[disciplines_mod.Discipline, ...]:
        return self.definitions.disciplines

    def theme_url(self, theme_id: str) -> str:
        return self.urls.get(f"{themes_mod.THEMES_DIR}{theme_id}.md", "")

    def theme(self, theme_id: str | None) -> themes_mod.Theme | None:
        return next((t for t in self.themes if t.id == theme_id), None)

    def passage_url(self, src_uri: str, passage_id: str) -> str:
        return f"{self.urls[src_uri]}#{passage_id}"

    def articles_with_theme(self, theme_id: str) -> list[Article]:
        return [a for a in self.articles.values() if theme_id in a.themes]


def collect(
    definitions: Definitions,
    articles: Mapping[str, Article],
    records: Mapping[str, PageRecord],
    titles: Mapping[str, str],
    urls: Mapping[str, str],
    contents: Mapping[str, str],
    settings: Mapping[str, object] | None = None,
    previous: SiteIndex | Ranking | None = None,
) -> SiteIndex:
    """The site index, from what the conversion of every page recorded;
    `previous`: the last build's (`mkdocs serve`), whose ranking of related
    articles is kept when no article's profile changed."""
    ordered = dict(sorted(((k, a) for k, a in articles.items() if k in urls), key=lambda kv: kv[1].title.casefold()))
    backlinks: dict[str, list[Backlink]] = {}
    for src_uri, record in records.items():
        for passage in record.passages:
            for target, _fragment in passage.links:
                entry = Backlink(src_uri, passage.id, passage.text)
                if entry not in backlinks.setdefault(target, []):
                    backlinks[target].append(entry)
    marked = tuple(
        MarkedPassage(key, p.id, p.text, tuple(p.disciplines))
        for key in ordered
        for p in records[key].passages
        if p.disciplines
    )
    profiles = {
        key: related_mod.Profile(
            key,
            article.title,
            frozenset(article.themes),
            frozenset(d for p in records[key].passages for d in p.disciplines),
            frozenset(t for p in records[key].passages for t in p.terms),
            frozenset(target for p in records[key].passages for target, _ in p.links if target in ordered),
        )
        for key, article in ordered.items()
    }
    if previous is not None and previous.profiles == profiles:
        related = (
            previous.related if isinstance(previous.related, MappingProxyType) else MappingProxyType(previous.related)
        )
    else:
        related = MappingProxyType({k: tuple(v) for k, v in related_mod.rank(profiles).items()})
    return SiteIndex(
        related=related,
        profiles=MappingProxyType(profiles),
        definitions=definitions,
        articles=MappingProxyType(ordered),
        records=MappingProxyType(dict(records)),
        titles=MappingProxyType(dict(titles)),
        urls=MappingProxyType(dict(urls)),
        contents=MappingProxyType(dict(contents)),
        backlinks=MappingProxyType({k: tuple(v) for k, v in backlinks.items()}),
        marked=marked,
        settings=MappingProxyType(dict(settings or {})),
    )
