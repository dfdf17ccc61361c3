"""The sidebar stays short at any size: articles are not listed in it.

Material renders the whole navigation into every page; with every article in
the sidebar, a site of N articles writes N links into each of its N pages
(at 1000 articles, 312 KB of each page and most of the build time). Instead
the sidebar names the sections (Articles, Themes, Glossary, Disciplines) and
the Articles page is the browsable, filterable index of every article. An
article still shows where it sits (the Articles section is marked current,
and the breadcrumb names it) and links to the previous and next article in
the one order used everywhere: by title.

The skip link goes to the page's title (skip_to_title, below).

Works on MkDocs' navigation objects by duck typing; no MkDocs import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

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
