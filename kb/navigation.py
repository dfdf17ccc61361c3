"""The sidebar stays short at any size: articles are not listed in it.

Material renders the whole navigation into every page; with every article in
the sidebar, a site of N articles writes N links into each of its N pages
(at 1000 articles, 312 KB of each page and most of the build time). Instead
the sidebar names the sections (Articles, Themes, Glossary, Disciplines) and
the Articles page is the browsable, filterable index of every article. An
article still shows where it sits (the Articles section is marked current,
and the breadcrumb names it) and links to the previous and next article in
the one order used everywhere: by title.

Works on MkDocs' navigation objects by duck typing; no MkDocs import.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .articles import is_article


def articles_out_of_sidebar(items: list) -> None:
    """Remove article pages from every section of the navigation tree (the
    pages keep their parent, so breadcrumbs and the current section work)."""
    for item in items:
        children = getattr(item, "children", None)
        if children:
            item.children = [c for c in children if not _is_article_page(c)]
            articles_out_of_sidebar(item.children)


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
