"""At 1000 articles every generated index is still complete and correct.

No browser and no MkDocs: the knowledge-base pass (kb.pipeline, the same
extension, collector and renderer as the build) runs over the real sources
plus synthetic articles made of the seed paragraphs, and each index is
checked against the plan the articles were generated from (not against the
build's own bookkeeping). Build time at this size is measured, side by side
with bare Material, by `python -m kb benchmark --articles 1000`.
"""

from __future__ import annotations

import multiprocessing
import re
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from early import early

from kb import pipeline, render
from kb.devtools import ROOT
from kb.tools import synthetic

COUNT = 1000


def render_in_child(articles: str) -> tuple[list[str], dict[str, str], dict[str, dict]]:
    """The pass over the real sources plus the synthetic articles in
    `articles`: (problems, page HTML by URL, extras by synthetic slug). Run
    in a child process (the work is Python: in a thread it would hold the
    lock the browser tests' driver needs)."""
    sources = pipeline.read_sources(ROOT / "docs")
    synthetic_sources = {f"articles/{p.name}": p.read_text(encoding="utf-8") for p in Path(articles).glob("*.md")}
    sources.update(synthetic_sources)
    build, pages = pipeline.run_build(sources)
    by_url = {build.index.urls[src]: html for src, html in pages.items()}
    extras = {Path(src).stem: build.extras(src) for src in synthetic_sources}
    return [str(p) for p in build.problems], by_url, extras


@early
def big(tmp_path_factory):
    articles = tmp_path_factory.mktemp("scale") / "articles"
    plan = synthetic.write(COUNT, articles)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as child:
        problems, by_url, extras = child.submit(render_in_child, str(articles)).result()
    assert problems == []
    return plan, Site(by_url, extras)


class Site:
    """The pages as the pass rendered them, by URL, and the article extras."""

    def __init__(self, by_url: dict[str, str], extras: dict[str, dict]):
        self.by_url, self._extras = by_url, extras

    def extras(self, slug: str) -> dict:
        return self._extras[slug]


def read(site: Site, url: str) -> str:
    return site.by_url[url.rstrip("/") + "/" if url else ""]


def between(html: str, start_marker: str, end_marker: str = "</ul>") -> str:
    start = html.index(start_marker)
    return html[start : html.index(end_marker, start)]


@pytest.mark.parametrize("theme", synthetic.THEMES)
def test_theme_listings_are_complete(big, theme):
    plan, site = big
    listing = between(read(site, f"themes/{theme}"), 'class="kb-article-list"')
    listed = set(re.findall(r'href="\.\./\.\./articles/(synthetic-\d{4})/"', listing))
    assert listed == {a.slug for a in plan if theme in a.themes}


def test_disciplines_index_is_bounded_counted_and_points_to_the_rest(big):
    """Each discipline lists its first passages (articles in title order),
    says how many there are in all, and links to the article index filtered
    by the discipline, where every article that speaks to it is listed."""
    plan, site = big
    page = read(site, "disciplines")
    index = read(site, "articles")
    for discipline in synthetic.DISCIPLINES:
        block = between(page, f'data-discipline="{discipline}"', "</div>")
        linked = re.findall(r'href="\.\./articles/(synthetic-\d{4})/#p-[\w-]+"', block)
        expected = [a.slug for a in sorted(plan, key=lambda a: a.slug) for d in a.marks.values() if d == discipline]
        assert len(re.findall(r'href="\.\./articles/[^"/]+/#p-', block)) == render.DISCIPLINE_PASSAGES
        assert Counter(linked) <= Counter(expected), discipline
        total = int(re.search(r'class="kb-count">(\d+) passages', block).group(1))
        assert total >= len(expected), discipline  # the five real articles count too
        assert f'href="../articles/?discipline={discipline}"' in block
        in_index = set(
            re.findall(rf'data-disciplines="[^"]*\b{discipline}\b[^"]*"[^>]*><a href="(synthetic-\d{{4}})/"', index)
        )
        assert in_index == set(expected), discipline


def test_every_synthetic_article_is_backlinked_from_the_next(big):
    plan, site = big
    for article, successor in zip(plan, plan[1:], strict=False):
        urls = [b["url"] for b in site.extras(article.slug)["backlinks"]]
        assert any(u.startswith(f"../{successor.slug}/#p-") for u in urls), article.slug


def test_glossary_appears_in_is_bounded_and_counts_the_rest(big):
    plan, site = big
    page = read(site, "glossary")
    block = between(page, '<h2 id="nps">', "</div>")
    listed = re.findall(r"<strong>([^<]+)</strong>", block)
    expected = {a.slug for a in plan if any(re.search(r"\bNPS\b", p) for p in a.paragraphs)}
    assert len(listed) == render.APPEARS_IN
    more = int(re.search(r"and in (\d+) more article", block).group(1))
    assert len(listed) + more >= len(expected) > render.APPEARS_IN
    assert 'href="../?q=Net%20Promoter%20Score"' in block


def test_generated_pages_do_not_grow_with_the_site(big):
    """Every generated page but the article index (one line per article) and
    the theme listings (each article once per theme) stays bounded."""
    plan, site = big
    for url in ("", "glossary", "disciplines", "themes", "print/journey", "print/culture"):
        size = len(read(site, url).encode())
        assert size < 900_000, f"/{url}: {size} bytes at {len(plan)} articles"


def test_related_articles_share_themes(big):
    plan, site = big
    themes = {a.slug: set(a.themes) for a in plan}
    for article in plan[::97]:
        related = [r["url"].split("/")[1] for r in site.extras(article.slug)["related"]]
        assert related and all(themes[r] & themes[article.slug] for r in related if r in themes)


# -- the real-prose corpus (kb/tools/prose.py), which every scale figure uses --

PROSE_COUNT = 400


@pytest.fixture(scope="module")
def prose_plan():
    from kb.tools import prose

    return prose.plan(PROSE_COUNT)


def test_prose_articles_never_repeat_a_paragraph(prose_plan):
    paragraphs = [p for a in prose_plan for p in a.paragraphs]
    assert len(paragraphs) > 10 * PROSE_COUNT / 2
    repeated = [p[:60] for p, n in Counter(paragraphs).items() if n > 1]
    assert repeated == []
    for article in prose_plan:  # nor a sentence within one article
        sentences = [s for p in article.paragraphs for s in re.split(r"(?<=[.!?])\s+", p) if len(s.split()) >= 8]
        assert len(sentences) == len(set(sentences)), article.slug


def test_prose_markdown_compresses_like_prose_not_like_recombined_seeds(prose_plan, tmp_path):
    """Real prose gzips about 3:1; the seed recombiner about 45:1. The
    generated Markdown, all files in one stream (as a .tar.gz would), stays
    at or under 3.5:1. (At 10,000 articles: README, "Search".)"""
    import gzip

    from kb.tools import prose

    titles = {a.slug: a.title for a in prose_plan}
    data = "".join(prose.markdown(a, titles) for a in prose_plan).encode()
    ratio = len(data) / len(gzip.compress(data, 9))
    assert 2.0 < ratio <= 3.5, ratio
    seeds = "".join(synthetic.markdown(a, {x.slug: "p-x" for x in synthetic.plan(200)}) for a in synthetic.plan(200))
    assert len(seeds.encode()) / len(gzip.compress(seeds.encode(), 9)) > 10  # what the seed mode would hide


def test_prose_articles_carry_themes_and_marks_as_real_articles_do(prose_plan):
    counts = Counter(len(a.themes) for a in prose_plan)
    assert set(counts) <= {1, 2, 3, 4} and len(counts) >= 3, counts
    themes = Counter(t for a in prose_plan for t in a.themes)
    assert set(themes) == set(synthetic.THEMES)
    assert all(a.marks for a in prose_plan)  # the build requires a mark per article
    marked = sum(len(a.marks) for a in prose_plan) / sum(len(a.paragraphs) for a in prose_plan)
    assert 0.2 < marked < 0.5, marked
    assert len({a.title for a in prose_plan}) == len({a.slug for a in prose_plan}) == PROSE_COUNT
    assert sum(bool(a.author) for a in prose_plan) > PROSE_COUNT / 8
    assert sum(bool(a.source) for a in prose_plan) > PROSE_COUNT / 4
    assert sum(bool(a.headings) for a in prose_plan) > PROSE_COUNT / 5


def test_prose_articles_pass_every_check_of_the_build(tmp_path):
    """The strict build's own checks (front matter, marks, glossary, links),
    through kb.pipeline, on the real sources plus 60 prose articles."""
    from kb.tools import prose

    articles = tmp_path / "articles"
    prose.write(60, articles)
    sources = pipeline.read_sources(ROOT / "docs")
    sources.update({f"articles/{p.name}": p.read_text(encoding="utf-8") for p in articles.glob("*.md")})
    problems, pages = pipeline.run(sources)
    assert [str(p) for p in problems] == []
    assert len([u for u in pages if u.startswith("articles/")]) == 60 + 6
