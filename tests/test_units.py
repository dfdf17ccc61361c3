"""Small pure functions of the build logic, tested directly."""

from __future__ import annotations

from kb.passages import passage_id
from kb.urls import rebase_links, relative_url, resolve_link, url_of_src


def test_passage_ids_come_from_the_first_five_words():
    assert (
        passage_id("Organizations today seem partly unable to overcome") == "p-organizations-today-seem-partly-unable"
    )
    assert passage_id("There’s the challenge! We have") == "p-theres-the-challenge-we-have"
    assert passage_id("") == "p"


def test_relative_urls_between_pages():
    assert relative_url("articles/x/", "articles/y/") == "../x/"
    assert relative_url("glossary/#nps", "articles/y/") == "../../glossary/#nps"
    assert relative_url("", "themes/journey/") == "../../"
    assert relative_url("articles/x/", "") == "articles/x/"
    assert relative_url("articles/x.html", "themes/journey.html") == "../articles/x.html"


def test_rebased_links_point_to_the_same_targets():
    html = '<a href="../other/#p-a">x</a><a href="../../glossary/#nps">y</a><a href="#p-b">z</a><a href="https://e.org/">w</a>'
    rebased = rebase_links(html, "articles/this/", "print/journey/")
    assert 'href="../../articles/other/#p-a"' in rebased
    assert 'href="../../glossary/#nps"' in rebased
    assert 'href="#p-b"' in rebased and 'href="https://e.org/"' in rebased


def test_links_resolve_to_source_files():
    assert resolve_link("other.md#p-x", "articles/this.md") == ("articles/other.md", "p-x")
    assert resolve_link("../glossary.md", "articles/this.md") == ("glossary.md", "")
    assert resolve_link("https://example.org/", "articles/this.md") is None


def test_urls_of_source_files():
    assert url_of_src("articles/x.md") == "articles/x/"
    assert url_of_src("articles/index.md") == "articles/"
    assert url_of_src("index.md") == ""


def test_an_unwritable_cache_folder_leaves_templates_uncached(tmp_path):
    """`.cache` is a file (or read-only): Jinja compiles the templates again,
    the build goes on (no traceback)."""
    import jinja2

    from kb import build

    (tmp_path / ".cache").write_text("", encoding="utf-8")
    env = jinja2.Environment()
    build.cache_templates(env, tmp_path)
    assert env.bytecode_cache is None
    fine = tmp_path / "project"
    fine.mkdir()
    build.cache_templates(env, fine)
    assert isinstance(env.bytecode_cache, jinja2.FileSystemBytecodeCache)
