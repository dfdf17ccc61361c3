"""The sidebar stays short at any size: it never lists every article.

Material renders the whole navigation into every page; with every article in
the sidebar, a site of N articles writes N links into each of its N pages
(at 1000 articles, 312 KB of each page and most of the build time). Instead
the sidebar names the sections (Articles, Themes, Glossary, Disciplines) and
the Articles page is the browsable, filterable index of every article. An
article still shows where it sits (the Articles section is marked current,
and the breadcrumb names it) and links to the previous and next article in
the one order used everywhere: by title.

The Articles section is not empty, though: on a phone, the menu opens on the
section of the page being read, and an empty "Articles" panel is a dead end.
It lists a window of at most `WINDOW` articles in title order (on an
article, centred on it, so the reader sees where they are, with its table of
contents; elsewhere the first ones) and a last entry, "All N articles",
leading to the index. Its size is the same at 5 articles and at 10,000.

The skip link goes to the page's title (skip_to_title, below).

Works on MkDocs' navigation objects by duck typing; no MkDocs import (the
hook hands in MkDocs' `Link` class).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from markupsafe import Markup

from .articles import ARTICLES_DIR, is_article
from .disciplines import DISCIPLINES_SRC
from .glossary import GLOSSARY_SRC
from .themes import THEMES_DIR

WINDOW = 5  # articles the Articles section of the menu lists on any page
# The main ways in, by source file: what the page for a missing address
# offers (overrides/404.html, as `kb_main_pages`).
MAIN_PAGES = {
    "index.md": "Home",
    ARTICLES_DIR + "index.md": "Articles",
    THEMES_DIR + "index.md": "Themes",
    GLOSSARY_SRC: "Glossary",
    DISCIPLINES_SRC: "Disciplines",
}


def articles_out_of_sidebar(items: list) -> list:
    """Remove article pages from every section of the navigation tree (the
    pages keep their parent, so breadcrumbs and the current section work).
    Returns the sections they were taken from."""
    emptied = []
    for item in items:
        children = getattr(item, "children", None)
        if children:
            kept = [c for c in children if not _is_article_page(c)]
            if len(kept) < len(children):
                emptied.append(item)
            item.children = kept
            emptied += articles_out_of_sidebar(item.children)
    return emptied


class ArticlesMenu:
    """What the Articles section lists, page by page: MkDocs renders the one
    navigation tree into every page in turn, so `show(page)` sets the
    section's entries before each page is rendered (and `show(None)` for
    pages that are not articles)."""

    def __init__(self, section, articles: Sequence, make_link: Callable[[str, str], object]):
        self.section = section
        self.articles = list(articles)  # article pages, in title order
        self.position = {id(page): i for i, page in enumerate(self.articles)}
        self.fixed = [c for c in section.children if not _is_article_page(c)]  # the index page
        index = next((c for c in self.fixed if getattr(c, "is_index", False)), None)
        self.everything = None
        if index is not None and self.articles:
            count = len(self.articles)
            label = f"All {count} article{'s' if count != 1 else ''}"
            # A class for kb.css: it must not read as one more article's title.
            self.everything = make_link(Markup('<span class="kb-all-articles">{}</span>').format(label), index.url)
            self.everything.parent = section

    def window(self, page) -> list:
        """At most WINDOW articles in title order, `page` among them when it is one."""
        at = self.position.get(id(page))
        start = 0 if at is None else max(0, min(at - WINDOW // 2, len(self.articles) - WINDOW))
        return self.articles[start : start + WINDOW]

    def show(self, page) -> None:
        self.section.children = [*self.fixed, *self.window(page), *([self.everything] if self.everything else [])]


def link_neighbours(pages: Mapping[str, object], order: Iterable[str]) -> None:
    """Previous and next of each article: its neighbours by title. The
    first article follows the Articles index page."""
    ordered = [pages[src] for src in order if src in pages]
    if not ordered:  # no article (or a preview rebuild that changed none)
        return
    for before, page, after in zip([None, *ordered[:-1]], ordered, [*ordered[1:], None], strict=True):
        if before is None:
            before = getattr(page, "parent", None)
            before = getattr(before, "children", [None])[0] if before else None
            before = before if getattr(before, "is_page", False) else None
        page.previous_page, page.next_page = before, after


def _is_article_page(item) -> bool:
    file = getattr(item, "file", None)
    return bool(getattr(item, "is_page", False) and file is not None and is_article(file.src_uri))


# The id of the page title the template writes (overrides/partials/content.html).
TITLE_ID = "__title"


def skip_to_title(page, title_entry: Callable) -> None:
    """Material's skip link ("Skip to content", the first stop of the Tab
    key) goes to the first entry of the page's table of contents. On a page
    whose title the template writes (every article: the title comes from
    front matter), that was the first section heading, past the article's
    opening paragraphs, and on an article without headings there was no
    skip link at all. The title becomes the table's first entry, level 1
    with the sections under it (as Material expects of a page that starts
    with `# Title`: the sidebar still lists the sections), so the skip link
    goes to the start of the article. `title_entry()` makes that entry (an
    MkDocs AnchorLink to TITLE_ID)."""
    if "<h1" in (page.content or ""):
        return  # the page's own `# Title` already leads its table of contents
    entry = title_entry()
    entry.children = list(page.toc)
    page.toc = type(page.toc)([entry])


class NavMemo:
    """Renders the navigation's top-level entries for the theme's
    partials/nav.html (overrides/partials/nav.html calls it as
    `kb_nav_memo`), reusing what it rendered for an earlier page.

    Material renders the whole navigation into every page. An entry that
    does not hold the page being built (Home, Themes, the Glossary, on an
    article) comes out the same on every page where its entries have the
    same addresses relative to the page and the same active state: that is
    the key, with the entries themselves, so what is reused is exactly what
    would be rendered again. An entry that holds the page (its table of
    contents, its window of articles) is rendered for that page alone. One
    NavMemo per build (the navigation and the pages' titles are the build's)."""

    def __init__(self, relative: Callable[[str, object, str], str]):
        self.relative = relative  # (url, page, base_url) -> the address as the page writes it
        self.rendered: dict[tuple, str] = {}
        self.leaves: dict[tuple, str] = {}
        self.reused = 0

    def __call__(self, item, path: str, page, base_url: str, caller: Callable[[], str]) -> str:
        entries = list(_walk(item))
        if page is None or any(entry is page for entry in entries):
            return caller()
        at = getattr(page, "url", None)
        urls = [getattr(entry, "url", None) for entry in entries]
        if isinstance(at, str) and at and not any(isinstance(url, str) and url.startswith(at) for url in urls):
            # No entry under the page: its addresses are those of every page in its folder (see `leaf`).
            key: tuple = ("folder", path, base_url, at.rstrip("/").rpartition("/")[0]) + tuple(
                (id(entry), bool(getattr(entry, "active", False))) for entry in entries
            )
        else:
            key = (path, base_url) + tuple(
                (
                    id(entry),
                    self.relative(url, page, base_url) if isinstance(url, str) else None,
                    bool(getattr(entry, "active", False)),
                )
                for entry, url in zip(entries, urls, strict=True)
            )
        if key in self.rendered:
            self.reused += 1
            return self.rendered[key]
        self.rendered[key] = html = caller()
        return html

    def leaf(self, item, page, caller: Callable[[], str]) -> str:
        """An entry without children that is not the page being built (an
        article of the Articles section's window, "All N articles"), for the
        theme's partials/nav-item.html (overrides/partials/nav-item.html calls
        it). Material writes such an entry from the entry alone and its
        address relative to the page, and that address is the same from
        every page in the same folder (articles/a/ and articles/b/ both write
        ../c/), unless the entry is under the page itself: the key is the
        entry and the folder, not the entry's place in the menu, so an
        article listed in the windows of the five pages around it is
        rendered once."""
        url, at = getattr(item, "url", None), getattr(page, "url", None)
        if not isinstance(url, str) or not isinstance(at, str) or url.startswith(at):
            return caller()
        key = (id(item), at.rstrip("/").rpartition("/")[0], bool(getattr(item, "active", False)))
        if key in self.leaves:
            self.reused += 1
            return self.leaves[key]
        self.leaves[key] = html = caller()
        return html


def _walk(item) -> Iterable:
    yield item
    for child in getattr(item, "children", None) or ():
        yield from _walk(child)
