"""Themes: one page per theme in docs/themes/, articles tagged in front matter.

A theme exists because its page exists (docs/themes/journey.md defines the
theme "journey"); its front matter may list `keywords` that measure how
strongly an article speaks to it. Listings, related articles and the theme x
article matrix are all generated from the articles' `themes` front matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape

THEMES_DIR = "themes/"


def theme_of(src_uri: str) -> str | None:
    """'themes/journey.md' -> 'journey'; None for other pages."""
    if src_uri.startswith(THEMES_DIR) and src_uri.endswith(".md") and src_uri != THEMES_DIR + "index.md":
        name = src_uri[len(THEMES_DIR):-3]
        return name if "/" not in name else None
    return None


@dataclass
class Theme:
    id: str
    title: str
    keywords: list[str] = field(default_factory=list)

    def strength(self, passages_text: list[str]) -> int:
        """How many passages mention one of the theme's keywords."""
        if not self.keywords:
            return 0
        pattern = re.compile(r"(?<![\w-])(?:" + "|".join(
            r"[\s\-]?".join(map(re.escape, re.split(r"[\s\-]+", k))) for k in self.keywords
        ) + r")", re.IGNORECASE)
        return sum(1 for text in passages_text if pattern.search(text))


@dataclass
class ArticleRef:
    """An article as listings show it."""

    key: str  # src_uri
    title: str
    url: str  # relative to the page being rendered
    description: str
    author: str | None
    themes: list[str]


def related(article_key: str, themes: list[str], others: list[ArticleRef], limit: int = 4) -> list[tuple[ArticleRef, list[str]]]:
    """Articles sharing themes with this one: most shared first, then by title."""
    scored = []
    for other in others:
        if other.key == article_key:
            continue
        shared = [t for t in themes if t in other.themes]
        if shared:
            scored.append((other, shared))
    scored.sort(key=lambda pair: (-len(pair[1]), pair[0].title.casefold()))
    return scored[:limit]


def article_list(articles: list[ArticleRef], css_class: str = "kb-article-list") -> str:
    if not articles:
        return '<p class="kb-empty">No article carries this theme yet.</p>'
    items = []
    for a in sorted(articles, key=lambda a: a.title.casefold()):
        by = f'<span class="kb-by">{escape(a.author)}</span>' if a.author else ""
        items.append(f'<li><a href="{escape(a.url)}">{escape(a.title)}</a>{by}'
                     f'<p>{escape(a.description)}</p></li>')
    # Generated listings repeat what each article says of itself: kept out of
    # search, so results point to the articles.
    return f'<ul class="{css_class}" data-search-exclude>{"".join(items)}</ul>'


def matrix(themes: list[Theme], theme_urls: dict[str, str], articles: list[ArticleRef],
           strengths: dict[tuple[str, str], int]) -> str:
    """Theme rows x article columns. A filled dot: the article carries the
    theme; the number: passages that speak to it."""
    head = "".join(f'<th scope="col"><a href="{escape(a.url)}">{escape(a.title)}</a></th>' for a in articles)
    rows = []
    for theme in themes:
        cells = []
        for a in articles:
            n = strengths.get((theme.id, a.key), 0)
            tagged = theme.id in a.themes
            if tagged:
                label = f"“{a.title}” carries the theme {theme.title}; {n} passage{'s' if n != 1 else ''} speak to it"
                level = 1 + min(n, 6) // 3
                shown = f'● {n}'
            else:
                label = f"“{a.title}” does not carry the theme {theme.title}"
                level = 0
                shown = f'· {n}' if n else '·'
                if n:
                    label += f"; {n} passage{'s' if n != 1 else ''} mention it"
            cells.append(f'<td class="kb-level-{level}" title="{escape(label)}">'
                         f'<span class="kb-visually-hidden">{escape(label)}</span>'
                         f'<span aria-hidden="true">{shown}</span></td>')
        rows.append(f'<tr><th scope="row"><a href="{escape(theme_urls[theme.id])}">{escape(theme.title)}</a></th>'
                    f'{"".join(cells)}</tr>')
    return ('<div class="kb-matrix-wrap" data-search-exclude><table class="kb-matrix">'
            '<caption>Themes by article: ● the article carries the theme; '
            'the number counts its passages that speak to it</caption>'
            f'<thead><tr><td></td>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')
