"""At 1000 articles every generated index is still complete and correct.

No browser: the site is built with every feature on, from synthetic articles
made of the seed paragraphs, and each index is checked against the plan the
articles were generated from (not against the hook's own bookkeeping).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from kb.tools import synthetic
from kb.devtools import build_site, copy_project

COUNT = 1000


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    root = tmp_path_factory.mktemp("scale")
    project = copy_project(root / "project")
    plan = synthetic.write(COUNT, project / "docs" / "articles")
    result = build_site(project, root / "site")
    assert result.returncode == 0, result.stderr[-3000:]
    return plan, root / "site"


def read(site: Path, url: str) -> str:
    return (site / url / "index.html").read_text(encoding="utf-8")


def between(html: str, start_marker: str, end_marker: str = "</ul>") -> str:
    start = html.index(start_marker)
    return html[start:html.index(end_marker, start)]


@pytest.mark.parametrize("theme", synthetic.THEMES)
def test_theme_listings_are_complete(big, theme):
    plan, site = big
    listing = between(read(site, f"themes/{theme}"), 'class="kb-article-list"')
    listed = set(re.findall(r'href="\.\./\.\./articles/(synthetic-\d{4})/"', listing))
    assert listed == {a.slug for a in plan if theme in a.themes}


def test_disciplines_index_is_complete(big):
    plan, site = big
    page = read(site, "disciplines")
    for discipline in synthetic.DISCIPLINES:
        block = between(page, f'data-discipline="{discipline}"', "</div>")
        linked = Counter(re.findall(r'href="\.\./articles/(synthetic-\d{4})/#p-[\w-]+"', block))
        expected = Counter(a.slug for a in plan for d in a.marks.values() if d == discipline)
        assert linked == expected, discipline


def test_every_synthetic_article_is_backlinked_from_the_next(big):
    plan, site = big
    for article, successor in zip(plan, plan[1:]):
        footer = between(read(site, f"articles/{article.slug}"), 'class="kb-backlinks"')
        assert f"../{successor.slug}/#p-" in footer, article.slug


def test_glossary_appears_in_lists_every_article_using_an_abbreviation(big):
    plan, site = big
    page = read(site, "glossary")
    block = between(page, '<h2 id="nps">', "</div>")
    listed = {m for m in re.findall(r"<strong>Synthetic article (\d{4})</strong>", block)}
    expected = {a.slug.split("-")[1] for a in plan if any(re.search(r"\bNPS\b", p) for p in a.paragraphs)}
    assert expected and listed == expected


def test_related_articles_share_themes(big):
    plan, site = big
    themes = {a.slug: set(a.themes) for a in plan}
    for article in plan[::97]:
        related = re.findall(r'href="\.\./(synthetic-\d{4})/"',
                             between(read(site, f"articles/{article.slug}"), 'class="kb-related"'))
        assert related and all(themes[r] & themes[article.slug] for r in related)
