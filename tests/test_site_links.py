"""The link check over the built site (kb/site_links.py), with each page's
links kept by its bytes between builds (pagecache.ByBytes)."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

from kb import site_links


def _site(root, pages: dict[str, str]):
    for rel, html in pages.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(html, encoding="utf-8")
    return root


def _page(body: str) -> str:
    return f"<html><head></head><body><article>{body}</article></body></html>"


def test_kept_links_are_those_of_the_page_as_it_is_now(tmp_path):
    cache, site = tmp_path / "cache", tmp_path / "site"
    _site(site, {"index.html": _page('<a href="x/#here">x</a>'), "x/index.html": _page('<h2 id="here">X</h2>')})
    assert site_links.check(site, cache=cache).broken == []
    assert list(cache.glob("links-*.pickle")), "kept for the next build"
    # The next build: the target lost its id, the linking page is the same bytes (its links come from the cache).
    _site(site, {"x/index.html": _page('<h2 id="gone">X</h2>')})
    assert site_links.check(site, cache=cache).broken == [("index.html", "x/#here", "no element with id 'here'")]
    # And a page whose bytes changed is read again.
    _site(site, {"index.html": _page('<a href="nowhere/">y</a>')})
    assert site_links.check(site, cache=cache).broken == [("index.html", "nowhere/", "no such file")]


def test_a_pages_outcome_is_kept_and_holds_only_while_what_it_read_is_the_same(tmp_path, monkeypatch):
    cache, site = tmp_path / "cache", tmp_path / "site"
    same = _page('<a href="./doc/">d</a> <a href="https://example.org/">x</a>')
    _site(site, {"a/index.html": same, "b/index.html": same, "a/doc/index.html": _page("")})
    first = site_links.check(site, cache=cache)
    assert first.broken == [("b/index.html", "./doc/", "no such file")], "by its path, not its bytes"
    assert first.external == {"https://example.org/": ["a/index.html", "b/index.html"]}
    assert list(cache.glob("link-outcomes-*.pickle"))
    looked = []
    real = site_links.urlsplit
    monkeypatch.setattr(site_links, "urlsplit", lambda url: looked.append(url) or real(url))
    again = site_links.check(site, cache=cache)
    assert (again.broken, again.external, again.without_noopener) == (
        first.broken,
        first.external,
        first.without_noopener,
    )
    assert looked == [""], "no link looked at again (only the site's own address)"
    # A file that appears changes the outcome of a page whose bytes did not change.
    _site(site, {"b/doc/index.html": _page("")})
    assert site_links.check(site, cache=cache).broken == []
    (site / "a/doc/index.html").unlink()
    (site / "a/doc").rmdir()
    assert site_links.check(site, cache=cache).broken == [("a/index.html", "./doc/", "no such file")]


def test_a_preview_check_of_a_few_pages_keeps_the_last_full_set(tmp_path):
    cache, site = tmp_path / "cache", tmp_path / "site"
    _site(site, {"index.html": _page('<a href="x/">x</a>'), "x/index.html": _page("")})
    site_links.check(site, cache=cache)
    (kept,) = cache.glob("links-*.pickle")
    before = kept.read_bytes()
    _site(site, {"x/index.html": _page('<a href="y/">y</a>')})
    assert site_links.check(site, only={"x/index.html"}, cache=cache).broken == [("x/index.html", "y/", "no such file")]
    assert kept.read_bytes() == before


def test_a_damaged_cache_is_no_cache(tmp_path):
    cache, site = tmp_path / "cache", tmp_path / "site"
    _site(site, {"index.html": _page('<a href="x/">x</a>')})
    site_links.check(site, cache=cache)
    for kept in cache.glob("links-*.pickle"):
        kept.write_bytes(b"not a pickle")
    assert site_links.check(site, cache=cache).broken == [("index.html", "x/", "no such file")]


def test_a_cache_damaged_inside_is_no_cache(tmp_path):
    """Damage a pickle does not notice: a changed byte in a kept link still
    unpickles (the kept link then points at a page that is there), and a
    changed frame length makes the unpickler ask for 2**62 bytes
    (MemoryError, a traceback). Either way the page is read again."""
    cache, site = tmp_path / "cache", tmp_path / "site"
    _site(site, {"index.html": _page('<a href="missing-page/">y</a>'), "present-page/index.html": _page("")})
    expected = [("index.html", "missing-page/", "no such file")]
    assert site_links.check(site, cache=cache).broken == expected
    (kept,) = cache.glob("links-*.pickle")
    good = kept.read_bytes()
    assert good.count(b"missing-page/") == 1
    kept.write_bytes(good.replace(b"missing-page/", b"present-page/"))
    assert site_links.check(site, cache=cache).broken == expected, "a damaged kept link hid a broken one"
    frame = good.index(b"\x80" + bytes([pickle.HIGHEST_PROTOCOL]) + b"\x95") + 3
    kept.write_bytes(good[:frame] + (2**62).to_bytes(8, "little") + good[frame + 8 :])
    assert site_links.check(site, cache=cache).broken == expected


def test_the_sites_own_address_is_internal_however_it_is_written(tmp_path):
    """https://host:443/x, HTTPS://Host/x and https://host/x are one address:
    each is checked as a link of the site, not listed as external."""
    site = _site(tmp_path / "site", {"index.html": _page(
        '<a href="https://kb.example.org:443/x/">a</a><a href="HTTPS://KB.example.org/nowhere/">b</a>'
        '<a href="https://kb.example.org:8443/y/" rel="noopener">c</a>'
    ), "x/index.html": _page("")})  # fmt: skip
    report = site_links.check(site, "https://kb.example.org/")
    assert report.broken == [("index.html", "/nowhere/", "no such file")]
    assert list(report.external) == ["https://kb.example.org:8443/y/"], "another port is another site"


def test_the_site_is_listed_in_one_walk_as_site_paths(tmp_path):
    """htmltext.site_files: every file as a site path, sorted; every folder
    (empty ones too, and "." for the root), none of them listed as a file."""
    from kb.htmltext import site_files

    for rel in ("index.html", "articles/x/index.html", "articles/x/index.md", "assets/a b.css"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("", encoding="utf-8")
    (tmp_path / "empty").mkdir()
    files, folders = site_files(tmp_path)
    assert files == ["articles/x/index.html", "articles/x/index.md", "assets/a b.css", "index.html"]
    assert folders == {".", "articles", "articles/x", "assets", "empty"}


def test_a_previews_listing_kept_folder_by_folder_is_the_walks(tmp_path, monkeypatch):
    """site_files(remember=True) (mkdocs serve): each folder is listed again
    only when its time changed, and the listing is always os.walk's: files
    added, removed, a folder gone, one added, a link to a folder (listed,
    not followed)."""
    from kb import htmltext

    monkeypatch.setattr(htmltext, "SETTLED_NS", -(10**18))  # every time settled (see the test after)
    site = tmp_path / "site"
    for rel in ("index.html", "a/x/index.html", "a/y/index.html", "b/c.css"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text("", encoding="utf-8")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "secret.txt").write_text("", encoding="utf-8")
    (site / "linked").symlink_to(tmp_path / "elsewhere", target_is_directory=True)

    def both():
        kept = htmltext.site_files(site, remember=True)
        assert kept == htmltext.site_files(site)
        return kept

    files, folders = both()
    assert "linked" in folders and not any(f.startswith("linked/") for f in files)
    listed = []
    real = htmltext.os.scandir
    monkeypatch.setattr(htmltext.os, "scandir", lambda path: listed.append(path) or real(path))
    (site / "a/x/index.html").write_text("rewritten", encoding="utf-8")  # a page written again: no folder changed
    assert htmltext.site_files(site, remember=True) == (files, folders) and listed == []
    (site / "a/x/index.md").write_text("", encoding="utf-8")
    (site / "a/y/index.html").unlink()
    (site / "a/y").rmdir()
    (site / "d/e").mkdir(parents=True)
    kept = htmltext.site_files(site, remember=True)
    assert sorted(Path(p).relative_to(site).as_posix() for p in listed) == [".", "a", "a/x", "d", "d/e"]
    assert kept == htmltext.site_files(site)


def test_a_folder_or_page_changed_this_moment_is_read_again(tmp_path, monkeypatch):
    """A file system may keep times to a second or two: a folder listed, or a
    page read, within that of its last change is not kept by its time."""
    from kb import htmltext

    site = tmp_path / "site"
    _site(site, {"x/index.html": _page('<a href="../y/#top">y</a>'), "y/index.html": _page('<h2 id="top">Y</h2>')})
    listed, read = [], []
    real_scandir, real_links = htmltext.os.scandir, site_links.page_links
    monkeypatch.setattr(htmltext.os, "scandir", lambda path: listed.append(path) or real_scandir(path))
    monkeypatch.setattr(site_links, "page_links", lambda data: read.append(data) or real_links(data))
    for _ in range(2):
        listed.clear(), read.clear()
        assert site_links.check(site, only={"x/index.html"}).broken == []
        assert len(listed) == 3 and len(read) == 2, "just written: listed and read again"


def test_a_preview_keeps_the_external_links_of_the_pages_it_did_not_check(tmp_path):
    site = tmp_path / "site"
    ext = '<a href="https://{}.example/" rel="noopener">x</a>'
    _site(
        site,
        {
            "a/index.html": _page(ext.format("a")),
            "b/index.html": _page(ext.format("b") + ext.format("shared")),
            "c/index.html": _page(ext.format("shared")),
        },
    )
    report_file = site / "external-links.json"
    full = site_links.check(site)
    report_file.write_text(json.dumps({"external_links": site_links.external_report(report_file, full, None)}))
    # The preview rewrites b (one link gone, one new) and c was removed from the site.
    _site(site, {"b/index.html": _page(ext.format("new"))})
    (site / "c/index.html").unlink()
    partial = site_links.check(site, only={"b/index.html"})
    assert site_links.external_report(report_file, partial, {"b/index.html"}) == {
        "https://a.example/": ["a/index.html"],
        "https://new.example/": ["b/index.html"],
    }
    # A damaged last report is no report: only what was checked.
    report_file.write_text("[")
    assert site_links.external_report(report_file, partial, {"b/index.html"}) == {
        "https://new.example/": ["b/index.html"]
    }


def test_a_previews_check_keeps_what_links_mean_while_the_files_they_name_are_the_same(tmp_path, monkeypatch):
    from kb import htmltext

    monkeypatch.setattr(htmltext, "SETTLED_NS", -(10**18))  # every file's time settled
    site = tmp_path / "site"
    links = '<a href="../y/#top">y</a> <a href="https://example.org/" rel="noopener">e</a> <a href="../z/">z</a>'
    _site(site, {"x/index.html": _page(links), "y/index.html": _page('<h2 id="top">Y</h2>'), "z/index.html": ""})
    only = {"x/index.html"}
    assert site_links.check(site, only=only).broken == []
    looked = []
    real = site_links.urlsplit
    monkeypatch.setattr(site_links, "urlsplit", lambda url: looked.append(url) or real(url))
    # The page changes around the same links (a preview's save, which also gives
    # the search index a new folder): no link is read again.
    _site(site, {"x/index.html": _page("Edited. " + links), "search/1a2b/meta.json": "{}"})
    again = site_links.check(site, only=only)
    assert (again.broken, again.external) == ([], {"https://example.org/": ["x/index.html"]})
    assert looked == [""], "only the site's own address"
    # The page a #fragment points into is read again only when its file changed.
    read = []
    real_links = site_links.page_links
    monkeypatch.setattr(site_links, "page_links", lambda data: read.append(data) or real_links(data))
    _site(site, {"x/index.html": _page("Edited again. " + links)})
    assert site_links.check(site, only=only).broken == []
    assert read == [(site / "x/index.html").read_bytes()], "y/ is the same file: its ids as read before"
    _site(site, {"y/index.html": _page('<h2 id="pot">Y</h2>')})  # the same size, written again
    assert site_links.check(site, only=only).broken == [("x/index.html", "../y/#top", "no element with id 'top'")]
    _site(site, {"y/index.html": _page('<h2 id="gone">Y</h2>')})
    assert site_links.check(site, only=only).broken == [("x/index.html", "../y/#top", "no element with id 'top'")]
    # Another set of files: the links mean something else now.
    (site / "z/index.html").unlink()
    (site / "z").rmdir()
    assert site_links.check(site, only=only).broken == [
        ("x/index.html", "../y/#top", "no element with id 'top'"),
        ("x/index.html", "../z/", "no such file"),
    ]
