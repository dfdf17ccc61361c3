"""The sidebar's sections rendered once per build and place
(kb/navigation.py NavMemo, overrides/partials/nav.html): what a page shows is
what Material would render for it."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path
from types import SimpleNamespace

import material
from mkdocs.utils import normalize_url

from kb import navigation
from kb.devtools import ROOT
from kb.htmltext import built_pages

MEMO_CALL = "{% call kb_nav_memo(nav_item, path, page, base_url) %}{{ item.render(nav_item, path, 1) }}{% endcall %}"


def _body(template: str) -> list[str]:
    """The template's lines without its leading comment and our own comments."""
    template = template.split("-#}\n", 1)[1]
    return [line.strip() for line in template.splitlines() if line.strip() and not line.strip().startswith("{#")]


def test_the_override_is_materials_nav_but_for_the_memo():
    ours = _body((ROOT / "overrides/partials/nav.html").read_text(encoding="utf-8"))
    theirs = _body((Path(material.__file__).parent / "templates/partials/nav.html").read_text(encoding="utf-8"))
    assert MEMO_CALL in ours, "the memo call is there"
    assert [("{{ item.render(nav_item, path, 1) }}" if line == MEMO_CALL else line) for line in ours] == theirs, (
        "Material's partials/nav.html changed: copy it again and keep the one changed line"
    )


def _page(url: str) -> SimpleNamespace:
    return SimpleNamespace(url=url, active=False, children=None)


def _section(*children, active=False) -> SimpleNamespace:
    return SimpleNamespace(url=None, active=active, children=list(children))


def test_a_section_is_reused_only_where_it_renders_the_same():
    rendered = []
    memo = navigation.NavMemo(normalize_url)

    def render(item, page):
        def caller():
            rendered.append(page.url)
            return f"<li>{page.url}</li>"

        return memo(item, "__nav_2", page, "..", caller)

    themes = _section(_page("themes/"), _page("themes/journey/"))
    a, b, deeper = _page("articles/a/"), _page("articles/b/"), _page("articles/a/print/")
    assert render(themes, a) == "<li>articles/a/</li>"
    assert render(themes, b) == "<li>articles/a/</li>", "same depth, same addresses: reused"
    assert rendered == ["articles/a/"]
    render(themes, deeper)
    assert rendered == ["articles/a/", "articles/a/print/"], "other relative addresses: rendered again"
    themes.active = True
    render(themes, b)
    assert rendered[-1] == "articles/b/", "another active state: rendered again"
    journey = themes.children[1]
    render(themes, journey)
    render(themes, journey)
    assert rendered[-2:] == ["themes/journey/"] * 2, "the section holding the page is rendered for it, each time"
    assert memo(themes, "__nav_2", None, "..", lambda: "404") == "404", "no page (404.html): rendered"


def test_every_sidebar_link_of_every_page_resolves(site):
    """The link check (kb/site_links.py) leaves the navigation out; a
    section reused on a page where its addresses differ would break here."""
    nav = re.compile(r'<nav class="md-nav md-nav--primary".*?</ul>\s*</nav>', re.S)
    href = re.compile(r'href="([^"#]*)')
    checked = 0
    for path in built_pages(site):
        folder = posixpath.dirname(path.relative_to(site).as_posix())
        sidebar = nav.search(path.read_text(encoding="utf-8"))
        assert sidebar, path
        for url in href.findall(sidebar.group(0)):
            if url.startswith(("http:", "https:")):  # the repository link
                continue
            # 404.html is served at any depth: its addresses are root-absolute.
            target = site / posixpath.normpath(posixpath.join(folder, url)).lstrip("/")
            assert (target / "index.html").is_file() or target.is_file(), (path, url)
            checked += 1
    assert checked > 100


LEAF_OPEN = '{% call kb_nav_memo.leaf(nav_item, page) %}<li class="{{ class }}">'


def test_the_item_override_is_materials_nav_item_but_for_the_leaf_memo():
    ours = _body((ROOT / "overrides/partials/nav-item.html").read_text(encoding="utf-8"))
    theirs = _body((Path(material.__file__).parent / "templates/partials/nav-item.html").read_text(encoding="utf-8"))
    assert LEAF_OPEN in ours and "</li>{% endcall %}" in ours
    unmemo = {LEAF_OPEN: '<li class="{{ class }}">', "</li>{% endcall %}": "</li>"}
    assert [unmemo.get(line, line) for line in ours] == theirs, (
        "Material's partials/nav-item.html changed: copy it again and keep the one changed branch"
    )


def test_an_entry_is_reused_from_pages_in_the_same_folder_only():
    rendered = []
    memo = navigation.NavMemo(normalize_url)

    def render(entry, page):
        return memo.leaf(entry, page, lambda: rendered.append(page.url) or normalize_url(entry.url, page))

    c = _page("articles/c/")
    assert render(c, _page("articles/a/")) == "../c/"
    assert render(c, _page("articles/b/")) == "../c/", "same folder: reused"
    assert rendered == ["articles/a/"]
    assert render(c, _page("articles/c/print/")) == "../"
    assert render(c, _page("themes/")) == "../articles/c/"
    sub = _page("articles/c/sub/")
    assert render(sub, _page("articles/c/")) == "sub/", "under the page: rendered"
    assert render(sub, _page("articles/d/")) == "../c/sub/"
    assert rendered == ["articles/a/", "articles/c/print/", "themes/", "articles/c/", "articles/d/"]
    assert memo.leaf(c, None, lambda: "404") == "404", "no page (404.html): rendered"


def test_a_section_with_an_entry_under_the_page_is_not_taken_from_the_folders_pages():
    memo = navigation.NavMemo(normalize_url)

    def render(item, page):
        def caller():
            return " ".join(normalize_url(e.url, page) for e in item.children)

        return memo(item, "__nav_3", page, "..", caller)

    section = _section(_page("themes/journey/"), _page("disciplines/"))
    assert render(section, _page("glossary/")) == "../themes/journey/ ../disciplines/"
    assert render(section, _page("articles/")) == "../themes/journey/ ../disciplines/"
    assert render(section, _page("themes/")) == "journey/ ../disciplines/", "under the page: its own addresses"
