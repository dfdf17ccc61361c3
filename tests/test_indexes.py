"""Generated indexes match their sources: front matter, marks, the glossary.

The expectations are read straight from the Markdown here, independently of
the build hook, so a bug in the hook cannot hide in both places at once.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml

from kb.devtools import ROOT
from kb.htmltext import page_path

DOCS = ROOT / "docs"
MARK = re.compile(r'^\s*\{\s*disciplines="([^"]+)"\s*\}\s*$')


def theme_ids() -> list[str]:
    """The themes, as docs/themes/ defines them (one page each)."""
    return sorted(p.stem for p in (DOCS / "themes").glob("*.md") if p.name != "index.md")


def discipline_ids() -> set[str]:
    """The disciplines, as the headings of docs/disciplines.md define them."""
    text = (DOCS / "disciplines.md").read_text(encoding="utf-8")
    return set(re.findall(r"^## .*\{\s*#([\w-]+)\s+\.discipline\s*\}", text, flags=re.M))


def front_matter(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8").split("\n---", 1)[0][3:])


def articles() -> dict[str, dict]:
    return {p.stem: front_matter(p) for p in sorted((DOCS / "articles").glob("*.md")) if p.name != "index.md"}


def marks() -> dict[str, list[str]]:
    """discipline -> [article slug, ...] (with repeats), from the Markdown."""
    found = defaultdict(list)
    for slug in articles():
        for line in (DOCS / "articles" / f"{slug}.md").read_text(encoding="utf-8").splitlines():
            if m := MARK.match(line):
                for d in m.group(1).split():
                    found[d].append(slug)
    return found


def html(site: Path, url: str) -> str:
    return page_path(site, url).read_text(encoding="utf-8")


def hrefs(fragment: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', fragment)


def block(page_html: str, css_class: str) -> str:
    start = page_html.index(f'class="{css_class}')
    return page_html[start : page_html.index("</ul>", start)]


@pytest.mark.parametrize("theme", theme_ids())
def test_theme_page_lists_exactly_the_articles_carrying_it(site, theme):
    listed = {h.strip("./").split("/")[-1] for h in hrefs(block(html(site, f"themes/{theme}/"), "kb-article-list"))}
    expected = {slug for slug, meta in articles().items() if theme in meta["themes"]}
    assert listed == expected


def test_every_theme_has_at_least_two_articles():
    assert len(theme_ids()) == 4
    for theme in theme_ids():
        assert sum(theme in m["themes"] for m in articles().values()) >= 2, theme


def test_article_header_shows_attribution_and_theme_chips(site):
    for slug, meta in articles().items():
        page = html(site, f"articles/{slug}/")
        header = page[
            page.index('class="kb-article-header') : page.index("</div>", page.index('class="kb-article-header'))
        ]
        chips = [h.strip("./").split("/")[-1] for h in hrefs(block(header, "kb-chips"))]
        assert chips == meta["themes"], slug
        if meta.get("source_url"):
            assert f'<a href="{meta["source_url"]}" rel="noopener">{meta["source"]}</a>' in header
        for repair in meta.get("transcription", []):
            assert repair.replace("’", "&rsquo;") in header or repair in header, (slug, repair)
        if meta.get("author"):
            assert meta["author"] in header
        if meta.get("source"):
            assert meta["source"] in header
        if meta.get("published"):
            assert f'datetime="{meta["published"]}"' in header
        assert re.search(r"\d+ min read", header)


def links_between() -> set[frozenset[str]]:
    """Pairs of articles one of which links to a passage of the other."""
    link = re.compile(r"\]\(([\w-]+)\.md#p-[\w-]+\)")
    pairs = set()
    for slug in articles():
        for target in link.findall((DOCS / "articles" / f"{slug}.md").read_text(encoding="utf-8")):
            if target != slug:
                pairs.add(frozenset((slug, target)))
    return pairs


def test_related_articles_are_few_and_their_reasons_are_true(site):
    metas, linked = articles(), links_between()
    titles = {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8").split("\n---", 1)[0][3:])["title"]
        for p in (DOCS / "themes").glob("*.md")
        if p.name != "index.md"
    }
    for slug, meta in metas.items():
        page = html(site, f"articles/{slug}/")
        section = block(page, "kb-related")
        items = re.findall(r'<li><a href="([^"]+)">[^<]*</a>\s*<span class="kb-shared">([^<]*)</span>', section)
        assert 1 <= len(items) <= 3, slug
        for href, reasons in items:
            other = href.strip("./").split("/")[-1]
            assert ("links to the other" in reasons) == (frozenset((slug, other)) in linked), (slug, other)
            if "both are about" in reasons:
                about = reasons.split("both are about ", 1)[1]
                for theme in set(meta["themes"]) - set(metas[other]["themes"]):
                    assert titles[theme] not in about, (slug, other, theme)


def test_backlinks_list_every_written_link_to_the_article(site):
    """For each link written in a passage of one article to another, the
    target lists the passage under "Linked from"."""
    link = re.compile(r"\]\(([\w-]+)\.md#(p-[\w-]+)\)")
    for slug in articles():
        source = (DOCS / "articles" / f"{slug}.md").read_text(encoding="utf-8")
        for target, _ in link.findall(source):
            if target == slug:
                continue
            footer = block(html(site, f"articles/{target}/"), "kb-backlinks")
            assert f"../{slug}/#p-" in footer, f"{target} does not list the link from {slug}"


def test_disciplines_index_lists_every_marked_passage(site):
    page = html(site, "disciplines/")
    for discipline, slugs in marks().items():
        start = page.index(f'data-discipline="{discipline}"')
        section = page[start : page.index("</div>", start)]
        linked = [h.split("/")[-2] for h in hrefs(section)]
        assert sorted(linked) == sorted(slugs), discipline


def test_every_article_contributes_and_every_discipline_spans_two_articles():
    by_discipline = marks()
    assert len(discipline_ids()) == 6
    assert set(by_discipline) == discipline_ids()
    for discipline, slugs in by_discipline.items():
        assert len(set(slugs)) >= 2, discipline
    assert set().union(*map(set, by_discipline.values())) == set(articles())


def test_glossary_has_25_terms_alphabetical_with_letter_index(site):
    page = html(site, "glossary/")
    terms = re.findall(r'<h2 id="([\w-]+)">(.*?)<a class="headerlink"', page)
    assert len(terms) >= 25
    names = [re.sub("<[^>]+>", "", name).strip() for _, name in terms]
    assert names == sorted(names, key=str.casefold)
    letters = page[page.index('class="kb-letters"') : page.index("</nav>", page.index('class="kb-letters"'))]
    for _term_id, name in zip([t for t, _ in terms], names, strict=False):
        first_of_letter = next(
            t for t, n in zip([t for t, _ in terms], names, strict=False) if n[0].upper() == name[0].upper()
        )
        assert f'href="#{first_of_letter}">{name[0].upper()}</a>' in letters


def test_every_glossary_term_appears_in_and_links_to_real_passages(site):
    page = html(site, "glossary/")
    for term_id in re.findall(r'<h2 id="([\w-]+)">', page):
        start = page.index(f'<h2 id="{term_id}">')
        appears = page[
            page.index('class="kb-appears"', start) : page.index("</div>", page.index('class="kb-appears"', start))
        ]
        links = hrefs(appears)
        assert links, f"{term_id} lists no passage"
        for link in links:
            url, fragment = link.split("#")
            target = html(site, "glossary/" + url)
            assert f'id="{fragment}"' in target.replace("../", "")


def test_each_terms_passages_are_found_in_one_pass_as_a_scan_per_term_finds_them(base_sources):
    """SiteIndex.term_uses (what "Appears in" lists): for every term, the
    articles in title order and their passages that use it, each once."""
    from kb import pipeline

    kb, _ = pipeline.run_build(base_sources)
    index = kb.index
    assert index.term_uses
    for term in index.glossary.terms:
        scanned = [(key, tuple(p for p in index.records[key].passages if term.id in p.terms)) for key in index.articles]
        assert index.term_uses.get(term.id, ()) == tuple((k, ps) for k, ps in scanned if ps), term.id


def test_terms_are_marked_once_per_section(site):
    for slug in articles():
        page = html(site, f"articles/{slug}/")
        body = page[page.index("<article") : page.index("</article>")]
        for section in re.split(r"<h[23] ", body):
            marked = re.findall(r'class="kb-term" href="[^"]*#([\w-]+)"', section)
            assert len(marked) == len(set(marked)), (slug, marked)


def test_abbreviations_and_their_expansions_are_one_synonym_group_in_the_search_index(site):
    """The search index (kb/search.py) groups every glossary spelling of a
    term, read here from docs/glossary.md, so either finds the other; the
    authors' text itself carries nothing hidden."""
    import json

    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    meta = json.loads((site / stub["config"]["kb_index_url"]).read_text(encoding="utf-8"))
    groups = [set(g) for g in meta["synonyms"]]
    glossary = (DOCS / "glossary.md").read_text(encoding="utf-8")
    pairs = re.findall(r"^## (.+?) \(([A-Z][A-Za-z]*[A-Z])\)", glossary, flags=re.M)
    assert pairs
    for name, abbreviation in pairs:
        assert any({name, abbreviation} <= g for g in groups), (name, abbreviation)
    for slug in articles():
        assert "kb-expansions" not in html(site, f"articles/{slug}/")


def test_passage_ids_are_unique_and_on_every_paragraph(site):
    for slug in articles():
        page = html(site, f"articles/{slug}/")
        body = page[page.index("<article") : page.index("</article>")]
        ids = re.findall(r'\sid="([^"]+)"', body)
        assert len(ids) == len(set(ids)), slug
        assert not re.search(r"<p>(?!\s*</p>)", body.split('class="kb-article-footer')[0]), (
            f"{slug}: a paragraph has no id"
        )
