"""The link check over the built site (kb/site_links.py), with each page's
links kept by its bytes between builds (pagecache.ByBytes)."""

from __future__ import annotations

import pickle

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
