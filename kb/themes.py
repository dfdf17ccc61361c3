"""Themes: one page per theme in docs/themes/, articles tagged in front matter.

A theme exists because its page exists (docs/themes/journey.md defines the
theme "journey"); its front matter may list `keywords` that measure how
strongly an article speaks to it. Listings, related articles and the theme x
article matrix (kb/render.py) are generated from the articles' `themes` front
matter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

THEMES_DIR = "themes/"


def theme_of(src_uri: str) -> str | None:
    """'themes/journey.md' -> 'journey'; None for other pages."""
    if src_uri.startswith(THEMES_DIR) and src_uri.endswith(".md") and src_uri != THEMES_DIR + "index.md":
        name = src_uri[len(THEMES_DIR) : -3]
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
        pattern = re.compile(
            r"(?<![\w-])(?:"
            + "|".join(r"[\s\-]?".join(map(re.escape, re.split(r"[\s\-]+", k))) for k in self.keywords)
            + r")",
            re.IGNORECASE,
        )
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
