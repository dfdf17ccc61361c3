"""The whole knowledge base: definitions, page records and generated blocks.

The hook drives it in three steps that mirror a two-phase build:

1. `load_definitions` reads the pages that define themes, disciplines and
   glossary terms, before any page is converted;
2. `begin_page` is called for each page just before it is converted (the
   Markdown extension fills the page's record while converting);
3. `compose` runs once every page is converted, and returns, per page, the
   generated HTML for its placeholders and the data its template shows.

Generated content goes where a page says `<!-- kb:NAME [ARG] -->`; the hook
adds the per-entry placeholders of the glossary and disciplines pages itself.
"""

from __future__ import annotations

import datetime as dt
import math
import posixpath
import re
from dataclasses import dataclass, field, replace
from html import escape

import yaml

from . import anchors as anchors_mod
from . import articles as articles_mod
from . import disciplines as disciplines_mod
from . import glossary as glossary_mod
from . import themes as themes_mod
from .passages import PageRecord, PassageContext
from .problems import Problems
from .text import excerpt, slugify

PRINT_DIR = "print/"
PLACEHOLDER = re.compile(r"<!-- kb:(?P<name>[\w-]+)(?:\s+(?P<arg>[\w-]+))?\s*-->")
WORDS_PER_MINUTE = 200


def relative_url(target: str, base: str) -> str:
    """Link from the page at site URL `base` to site URL `target`.

    Both are MkDocs page URLs ("", "articles/", "articles/x/"), with
    directory URLs. The result always points at a folder ("../x/").
    """
    target_path, _, fragment = target.partition("#")
    base_dir = base if base.endswith("/") or base == "" else posixpath.dirname(base) + "/"
    rel = posixpath.relpath("/" + target_path, "/" + base_dir)
    if rel == ".":
        rel = "./"
    elif (target_path.endswith("/") or target_path == "") and not rel.endswith("/"):
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")


def read_front_matter(source: str) -> dict:
    if not source.startswith("---"):
        return {}
    block = source.split("\n---", 1)[0][3:]
    try:
        return yaml.safe_load(block) or {}
    except yaml.YAMLError:
        return {}


@dataclass
class Composed:
    """What `compose` hands back for one page."""

    blocks: dict[str, str] = field(default_factory=dict)  # placeholder text -> HTML
    header: dict | None = None  # article header data
    related: list[dict] = field(default_factory=list)
    backlinks: list[dict] = field(default_factory=list)


@dataclass
class KnowledgeBase:
    context: PassageContext = field(default_factory=PassageContext)
    themes: list[themes_mod.Theme] = field(default_factory=list)
    disciplines: list[disciplines_mod.Discipline] = field(default_factory=list)
    articles: dict[str, articles_mod.Article] = field(default_factory=dict)
    records: dict[str, PageRecord] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)  # src_uri -> page title
    urls: dict[str, str] = field(default_factory=dict)  # src_uri -> site URL, once composed
    _refs: list | None = None  # article refs with site URLs, cached per compose
    _marked: dict = field(default_factory=dict)  # page URL -> marked passages, cached per compose
    _contents: dict[str, str] = field(default_factory=dict)  # src_uri -> converted HTML, during compose
    offline_edition_url: str | None = None  # the published offline zip, if any

    @property
    def problems(self) -> Problems:
        return self.context.problems

    @property
    def glossary(self) -> glossary_mod.Glossary:
        return self.context.glossary

    # -- step 1 ---------------------------------------------------------
    def load_definitions(self, sources: dict[str, str]) -> None:
        """`sources`: src_uri -> file text, for every Markdown page."""
        self.problems.clear()
        self.articles.clear()
        self.records.clear()
        self.themes = []
        for src_uri in sorted(sources):
            if theme_id := themes_mod.theme_of(src_uri):
                meta = read_front_matter(sources[src_uri])
                keywords = meta.get("keywords") or []
                if not isinstance(keywords, list):
                    self.problems.add("docs/" + src_uri, 1, "'keywords' must be a list.",
                                      "write 'keywords: [word, other phrase]'.")
                    keywords = []
                self.themes.append(themes_mod.Theme(theme_id, meta.get("title") or theme_id.title(), keywords))
        if not self.themes:
            self.problems.add("docs/themes/", None, "no theme is defined.",
                              "add one page per theme, e.g. docs/themes/journey.md.")

        if glossary_mod.GLOSSARY_SRC in sources:
            self.context.glossary = glossary_mod.parse(sources[glossary_mod.GLOSSARY_SRC], self.problems)
        else:
            self.context.glossary = glossary_mod.Glossary()

        if disciplines_mod.DISCIPLINES_SRC in sources:
            self.disciplines = disciplines_mod.parse(sources[disciplines_mod.DISCIPLINES_SRC], self.problems)
        else:
            self.disciplines = []
        self.context.disciplines = {d.id: d.name for d in self.disciplines}

    @property
    def theme_ids(self) -> list[str]:
        return [t.id for t in self.themes]

    # -- step 2 ---------------------------------------------------------
    def begin_page(self, src_uri: str, meta: dict, source: str, title: str | None) -> None:
        is_article = articles_mod.is_article(src_uri)
        if is_article:
            article = articles_mod.validate(src_uri, meta, source, self.theme_ids, self.problems)
            if article:
                self.articles[src_uri] = article
        self.titles[src_uri] = (meta.get("title") if isinstance(meta.get("title"), str) else None) or title or src_uri
        record = PageRecord(src_uri=src_uri, source=source, is_article=is_article)
        self.records[src_uri] = record
        self.context.page = record

    def prepare_markdown(self, src_uri: str, markdown: str) -> str:
        """Add the per-entry placeholders of the pages that define things."""
        if src_uri == glossary_mod.GLOSSARY_SRC and self.glossary.terms:
            return _glossary_markdown(markdown)
        if src_uri == disciplines_mod.DISCIPLINES_SRC:
            return _after_each_section(
                markdown, lambda d: f"<!-- kb:discipline-passages {d} -->" if d in self.context.disciplines else "")
        if theme_id := themes_mod.theme_of(src_uri):
            if "<!-- kb:theme-articles" not in markdown:
                markdown = markdown.rstrip() + "\n\n## Articles on this theme\n\n<!-- kb:theme-articles -->\n"
            return markdown.rstrip() + (f"\n\n[Print this theme: all its articles on one page]"
                                        f"(../{PRINT_DIR}{theme_id}.md){{ .kb-print-link }}\n")
        return markdown

    def print_pages(self) -> dict[str, str]:
        """src_uri -> Markdown of the "print this theme" page of each theme."""
        pages = {}
        for theme in self.themes:
            pages[f"{PRINT_DIR}{theme.id}.md"] = (
                "---\n"
                f"title: \"{theme.title}: every article, for printing\"\n"
                f"description: \"All the articles on {theme.title.lower()}, on one page, ready to print.\"\n"
                "search:\n  exclude: true\nhide:\n  - navigation\n  - toc\n---\n\n"
                f"# {theme.title}: every article\n\n"
                f"<!-- kb:theme-print {theme.id} -->\n"
            )
        return pages

    def end_page(self) -> None:
        self.context.page = None

    # -- step 3 ---------------------------------------------------------
    def compose(self, urls: dict[str, str], contents: dict[str, str]) -> dict[str, Composed]:
        """`urls`: src_uri -> site URL; `contents`: src_uri -> converted HTML."""
        self.urls = dict(urls)
        self._refs = None
        self._marked = {}
        self._contents = contents
        self._check_glossary_usage()
        self._check_discipline_coverage()
        backlinks = self._backlinks()
        result: dict[str, Composed] = {}
        for src_uri, html in contents.items():
            page_url = urls[src_uri]
            composed = Composed()
            for match in PLACEHOLDER.finditer(html):
                block = self._render(match["name"], match["arg"], src_uri, page_url, urls)
                if block is not None:
                    composed.blocks[match.group(0)] = block
            if src_uri in self.articles:
                self._article_extras(src_uri, page_url, urls, backlinks.get(src_uri, []), composed)
            result[src_uri] = composed
        return result

    # -- generated blocks -------------------------------------------------
    def _site_refs(self, urls: dict[str, str]) -> list[themes_mod.ArticleRef]:
        """Every article, sorted by title, with site URLs (computed once)."""
        if self._refs is None:
            self._refs = [
                themes_mod.ArticleRef(key, a.title, urls[key], a.description, a.author, a.themes)
                for key, a in sorted(self.articles.items(), key=lambda kv: kv[1].title.casefold())
            ]
        return self._refs

    @staticmethod
    def _relative(refs: list[themes_mod.ArticleRef], page_url: str) -> list[themes_mod.ArticleRef]:
        return [replace(ref, url=relative_url(ref.url, page_url)) for ref in refs]

    def _article_refs(self, page_url: str, urls: dict[str, str]) -> list[themes_mod.ArticleRef]:
        return self._relative(self._site_refs(urls), page_url)

    def _theme_urls(self, page_url: str, urls: dict[str, str]) -> dict[str, str]:
        return {t.id: relative_url(urls[f"{themes_mod.THEMES_DIR}{t.id}.md"], page_url) for t in self.themes}

    def _marked_passages(self, page_url: str, urls: dict[str, str]) -> list[disciplines_mod.MarkedPassage]:
        """Every marked passage, linked from `page_url`. The disciplines page
        asks once for its matrix and once per discipline: built once per page."""
        if page_url in self._marked:
            return self._marked[page_url]
        marked = self._marked[page_url] = []
        for key, article in sorted(self.articles.items(), key=lambda kv: kv[1].title.casefold()):
            for passage in self.records[key].passages:
                if passage.disciplines:
                    marked.append(disciplines_mod.MarkedPassage(
                        relative_url(f"{urls[key]}#{passage.id}", page_url), article.title, article.author,
                        passage.text, passage.disciplines, key))
        return marked

    def _render(self, name: str, arg: str | None, src_uri: str, page_url: str, urls: dict[str, str]) -> str | None:
        file = "docs/" + src_uri
        if name == "article-list":
            return themes_mod.article_list(self._article_refs(page_url, urls))
        if name == "theme-articles":
            theme = arg or themes_mod.theme_of(src_uri)
            if theme not in self.theme_ids:
                self.problems.add(file, None, f"'<!-- kb:theme-articles {arg or ''} -->' names no known theme.",
                                  "use it on a theme page, or name a theme: " + ", ".join(self.theme_ids) + ".")
                return None
            return themes_mod.article_list([a for a in self._article_refs(page_url, urls) if theme in a.themes])
        if name == "theme-list":
            urls_by_theme = self._theme_urls(page_url, urls)
            items = []
            for t in self.themes:
                count = sum(1 for a in self.articles.values() if t.id in a.themes)
                items.append(f'<li><a href="{urls_by_theme[t.id]}">{escape(t.title)}</a> '
                             f'<span class="kb-count">{count} article{"s" if count != 1 else ""}</span></li>')
            return f'<ul class="kb-theme-list" data-search-exclude>{"".join(items)}</ul>'
        if name == "theme-matrix":
            refs = self._article_refs(page_url, urls)
            strengths = {}
            for theme in self.themes:
                for ref in refs:
                    texts = [p.text for p in self.records[ref.key].passages]
                    strengths[(theme.id, ref.key)] = theme.strength(texts)
            return themes_mod.matrix(self.themes, self._theme_urls(page_url, urls), refs, strengths)
        if name == "disciplines-diagram":
            svg = disciplines_mod.cycle_svg(self.disciplines)
            return (f'<figure class="kb-diagram">{svg}'
                    '<figcaption>The disciplines form a cycle: select one to read about it. '
                    '<a href="#kb-cycle-large" class="glightbox kb-enlarge" data-type="inline" '
                    'data-width="90vw" data-height="90vh">Open the diagram larger</a></figcaption>'
                    f'<div hidden><div id="kb-cycle-large" class="kb-cycle-large">'
                    f'{disciplines_mod.cycle_svg(self.disciplines, "kb-cycle-lb")}</div></div></figure>')
        if name == "discipline-matrix":
            refs = [(r.key, r.title, r.url) for r in self._article_refs(page_url, urls)]
            return disciplines_mod.coverage_matrix(self.disciplines, refs, self._marked_passages(page_url, urls))
        if name == "discipline-passages":
            discipline = next((d for d in self.disciplines if d.id == arg), None)
            if discipline is None:
                return None
            return disciplines_mod.passages_block(discipline, self._marked_passages(page_url, urls))
        if name == "theme-print":
            return self._theme_print(arg, src_uri, page_url, urls)
        if name == "offline-edition":
            if self.offline_edition_url:
                href = self.offline_edition_url
                return (f'<p class="kb-offline"><a href="{escape(href)}" rel="noopener">Download the offline edition</a> '
                        '(a zip: unzip it and open <code>cx-knowledge-base/index.html</code>; search included).</p>')
            return ('<p class="kb-offline">The offline edition is a zip of this site that works without a '
                    'network: build it with <code>make offline</code>, unzip it and open '
                    '<code>cx-knowledge-base/index.html</code>.</p>')
        if name == "glossary-letters":
            return glossary_mod.letter_index(self.glossary)
        if name == "glossary-appears":
            return self._appears_in(arg, page_url, urls)
        self.problems.add(file, None, f"unknown placeholder '<!-- kb:{name} -->'.",
                          "use one of: article-list, theme-list, theme-articles, theme-matrix, "
                          "disciplines-diagram, discipline-matrix, offline-edition.")
        return None

    def _theme_print(self, theme_id: str | None, src_uri: str, page_url: str, urls: dict[str, str]) -> str | None:
        theme = next((t for t in self.themes if t.id == theme_id), None)
        if theme is None:
            self.problems.add("docs/" + src_uri, None, f"'<!-- kb:theme-print {theme_id} -->' names no known theme.",
                              "name one of: " + ", ".join(self.theme_ids) + ".")
            return None
        sections = []
        for key, article in sorted(self.articles.items(), key=lambda kv: kv[1].title.casefold()):
            if theme.id not in article.themes:
                continue
            byline = ", ".join(x for x in (article.author, article.source and f"first published on {article.source}",
                                           article.published and _date_label(article.published)) if x)
            body = rebase_links(self._contents.get(key, ""), urls[key], page_url)
            sections.append(f'<section class="kb-print-article"><h1>{escape(article.title)}</h1>'
                            f'<p class="kb-byline">{escape(byline)}</p>{body}</section>')
        return "".join(sections)

    def _appears_in(self, term_id: str | None, page_url: str, urls: dict[str, str]) -> str:
        groups = []
        for key, article in sorted(self.articles.items(), key=lambda kv: kv[1].title.casefold()):
            links = [
                f'<a href="{relative_url(urls[key] + "#" + p.id, page_url)}">“{escape(excerpt(p.text, 8))}”</a>'
                for p in self.records[key].passages if term_id in p.terms
            ]
            if links:
                groups.append(f'<li><strong>{escape(article.title)}</strong>: {" · ".join(links)}</li>')
        return f'<div class="kb-appears" data-search-exclude><p>Appears in:</p><ul>{"".join(groups)}</ul></div>'

    def _backlinks(self) -> dict[str, list[tuple[str, str, str]]]:
        """target src_uri -> [(source src_uri, passage id, passage text)], as written."""
        found: dict[str, list[tuple[str, str, str]]] = {}
        for src_uri, record in self.records.items():
            for passage in record.passages:
                for target, _fragment in passage.links:
                    entry = (src_uri, passage.id, passage.text)
                    if entry not in found.setdefault(target, []):
                        found[target].append(entry)
        return found

    def _article_extras(self, src_uri: str, page_url: str, urls: dict[str, str],
                        backlinks: list[tuple[str, str, str]], composed: Composed) -> None:
        article = self.articles[src_uri]
        theme_urls = self._theme_urls(page_url, urls)
        titles = {t.id: t.title for t in self.themes}
        minutes = max(1, math.ceil(self.records[src_uri].word_count / WORDS_PER_MINUTE))
        composed.header = {
            "author": article.author,
            "author_role": article.author_role,
            "source": article.source,
            "published": article.published.isoformat() if article.published else None,
            "published_label": _date_label(article.published) if article.published else None,
            "minutes": minutes,
            "title_editorial": article.title_editorial,
            "themes": [{"id": t, "title": titles.get(t, t), "url": theme_urls.get(t, "")} for t in article.themes],
        }
        # Ranked on site URLs; only the few shown are made relative.
        for ref, shared in themes_mod.related(src_uri, article.themes, self._site_refs(urls)):
            composed.related.append({"title": ref.title, "url": relative_url(ref.url, page_url),
                                     "description": ref.description, "shared": [titles.get(t, t) for t in shared]})
        for source, passage_id, text in backlinks:
            composed.backlinks.append({
                "title": self.titles.get(source, source),
                "url": relative_url(urls[source] + "#" + passage_id, page_url),
                "excerpt": excerpt(text, 20),
            })

    # -- published anchors ------------------------------------------------
    def published(self, urls: dict[str, str]) -> dict[str, list[str]]:
        """Site URL -> every anchor the page serves (headings, passages, aliases)."""
        return {urls[src]: sorted(set(record.anchors)) for src, record in self.records.items() if src in urls}

    def check_published(self, registry: dict[str, list[str]] | None, urls: dict[str, str],
                        redirect_maps: dict[str, str]) -> None:
        if registry is None:
            return
        src_of_url = {url: src for src, url in urls.items()}
        redirects = anchors_mod.redirect_urls(redirect_maps, anchors_mod.url_of_src)
        anchors_mod.check(registry, self.published(urls), redirects, src_of_url, self.problems)

    # -- site-wide checks -------------------------------------------------
    def _article_records(self) -> list[PageRecord]:
        """Every article page, valid front matter or not: one bad field must
        not make the rest of the site look unused."""
        return [r for r in self.records.values() if r.is_article]

    def _check_glossary_usage(self) -> None:
        used = {t for record in self._article_records() for p in record.passages for t in p.terms}
        for term in self.glossary.terms:
            if term.id not in used:
                self.problems.add("docs/" + glossary_mod.GLOSSARY_SRC, term.line,
                                  f"the term '{term.label}' occurs in no article.",
                                  "remove the entry, or add the spelling the articles use to its '*Also:*' line.")

    def _check_discipline_coverage(self) -> None:
        for record in self._article_records():
            if not any(p.disciplines for p in record.passages):
                self.problems.add("docs/" + record.src_uri, None, "no passage of this article is marked with a discipline.",
                                  "add a line like { disciplines=\"strategy\" } directly under at least one "
                                  "passage; known: " + ", ".join(self.context.disciplines) + ".")


_RELATIVE_LINK = re.compile(r'(?P<attr>href|src)="(?P<url>(?![a-z][\w+.-]*:|#|/)[^"]+)"')


def rebase_links(html: str, from_url: str, to_url: str) -> str:
    """Relative links of HTML made for the page at `from_url`, rewritten to
    work from the page at `to_url` (both site URLs)."""
    from_dir = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"

    def rebase(match: re.Match[str]) -> str:
        path, hash_, fragment = match["url"].partition("#")
        target = posixpath.normpath(posixpath.join(from_dir, path)) if path else from_url
        if path.endswith("/") and not target.endswith("/"):
            target += "/"
        new = relative_url("" if target == "." else target, to_url)  # normpath: "." is the site root
        return f'{match["attr"]}="{new}{hash_}{fragment}"'

    return _RELATIVE_LINK.sub(rebase, html)


def _date_label(date: dt.date) -> str:
    return f"{date.day} {date:%B %Y}"


def _glossary_markdown(markdown: str) -> str:
    """Letter index before the first entry; "Appears in" after each entry."""
    with_appears = _after_each_section(markdown, lambda term_id: f"<!-- kb:glossary-appears {term_id} -->",
                                       id_of=lambda text, explicit: explicit or slugify(text))
    first = re.search(r"^## ", with_appears, flags=re.M)
    if not first:
        return with_appears
    return with_appears[:first.start()] + "<!-- kb:glossary-letters -->\n\n" + with_appears[first.start():]


def _after_each_section(markdown: str, placeholder, id_of=None) -> str:
    """Insert a placeholder at the end of every '## ' section."""
    heading = re.compile(r"^##\s+(?P<text>.+?)\s*(?:\{\s*#(?P<id>[\w-]+)[^}]*\})?\s*$")
    lines = markdown.splitlines()
    out, current = [], None
    for line in lines:
        match = heading.match(line)
        if match:
            if current:
                out += ["", placeholder(current), ""]
            current = id_of(match["text"], match["id"]) if id_of else match["id"]
        out.append(line)
    if current:
        out += ["", placeholder(current), ""]
    return "\n".join(out) + "\n"
