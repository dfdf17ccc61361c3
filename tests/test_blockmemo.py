"""Material's header and __config rendered once per build and depth
(kb/blockmemo.py, overrides/main.html): each page still shows its own
title, and its addresses are its own."""

from __future__ import annotations

import html as htmllib
import json
import posixpath
import re
from types import SimpleNamespace

from mkdocs.utils import weak_property

from kb import blockmemo
from kb.blockmemo import MARKER
from kb.htmltext import built_pages


class _Page:
    """Like MkDocs' Page: `title` a weak property, `meta` a dict."""

    def __init__(self, url: str, title: str, meta: dict | None = None):
        self.url, self._title, self.meta = url, title, meta or {}

    @weak_property
    def title(self):
        return self._title


def _header(page) -> str:
    """What Material's header writes of the page: its title, as it reads it."""
    title = page.meta["title"] if page.meta and page.meta.get("title") else page.title
    return f"<header>{title}</header>"


def test_the_header_is_rendered_once_per_depth_with_each_pages_title():
    memo = blockmemo.BlockMemo()
    calls = []

    def render(page, base_url="../.."):
        def caller():
            calls.append(page.url)
            return _header(page)

        return memo.titled("header", page, base_url, caller)

    a = _Page("articles/a/", "A & <b>")
    b = _Page("articles/b/", "Plain", {"title": "From <front> matter"})
    c = _Page("articles/c/", "Third")
    assert render(a) == "<header>A & <b></header>"
    assert render(b) == "<header>From <front> matter</header>", "meta's title first, as Material"
    assert render(c) == "<header>Third</header>"
    assert calls == ["articles/a/"], "rendered once for the three"
    assert a.title == "A & <b>" and "title" not in vars(a), "the page's title is its own again"
    assert b.meta == {"title": "From <front> matter"}
    render(_Page("glossary/", "Glossary"), "..")
    render(_Page("themes/x/", "Theme"))
    assert calls[1:] == ["glossary/", "themes/x/"], "another depth or folder: rendered again"
    assert memo.titled("header", None, "..", lambda: "404") == "404", "no page: rendered"


def test_a_block_that_does_not_write_the_title_once_is_rendered_for_each_page():
    memo = blockmemo.BlockMemo()
    twice = []

    def render(page):
        def caller():
            twice.append(page.url)
            return f"{page.title}|{str(page.title).upper()}|{page.title}"

        return memo.titled("header", page, "..", caller)

    assert render(_Page("x/", "one")) == "one|ONE|one"
    assert render(_Page("y/", "two")) == "two|TWO|two"
    assert twice == ["x/", "x/", "y/", "y/"], "tried with the marker, then rendered as it is"
    assert MARKER not in render(_Page("z/", "three"))


def test_a_block_the_same_at_a_depth_is_reused():
    memo = blockmemo.BlockMemo()
    calls = []

    def render(url, base_url):
        page = SimpleNamespace(url=url)
        return memo.same("config", page, base_url, lambda: calls.append(url) or f"base={base_url}")

    assert render("articles/a/", "../..") == "base=../.."
    assert render("articles/b/", "../..") == "base=../.."
    assert render("glossary/", "..") == "base=.."
    assert calls == ["articles/a/", "glossary/"]
    assert memo.reused == 1


_TOPIC = re.compile(r'data-md-component="header-topic">\s*<span class="md-ellipsis">\s*(.*?)\s*</span>', re.S)
_OG_TITLE = re.compile(r'<meta property="og:title" content="(.*?)">')
_CONFIG = re.compile(r'<script id="__config" type="application/json">(.*?)</script>', re.S)
_LOGO = re.compile(r'<a href="([^"]*)" title="[^"]*" class="md-header__button md-logo"')


def test_every_page_shows_its_own_title_and_addresses(site):
    checked = 0
    pages = list(built_pages(site))
    for path in pages:
        rel = path.relative_to(site).as_posix()
        text = path.read_text(encoding="utf-8")
        topic, og = _TOPIC.search(text), _OG_TITLE.search(text)
        assert topic and og, rel
        folder = posixpath.dirname(rel)
        config = json.loads(htmllib.unescape(_CONFIG.search(text).group(1)))
        if rel == "404.html":  # served at any depth: root-absolute addresses
            continue
        if rel != "index.html":  # the home page's og:title is the site's name
            assert topic.group(1) == og.group(1), rel
        assert posixpath.normpath(posixpath.join(folder, config["base"])) == ".", rel
        worker = posixpath.normpath(posixpath.join(folder, config["search"]))
        assert (site / worker).is_file(), rel
        home = posixpath.normpath(posixpath.join(folder, _LOGO.search(text).group(1)))
        assert (site / home / "index.html").is_file() and home == ".", rel
        checked += 1
    assert checked == len(pages) - 1 > 10
