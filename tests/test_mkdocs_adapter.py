"""kb/mkdocs_adapter.py: the small rules that exist only because MkDocs,
Material and their plugins build the site, on the plain values the hook
hands over. (What they do to a built site: test_injection.py for escaped
titles, test_reader.py and test_trimcss.py for the lightbox, test_take_away.py
for the offline shim, test_serve.py for --dirty previews.)"""

from __future__ import annotations

import logging

from markupsafe import Markup

from kb import mkdocs_adapter as adapter


def test_front_matter_text_is_escaped_for_materials_templates_once():
    meta = {"title": "<img src=x onerror=alert(1)> & co", "safe": Markup("<b>ours</b>"), "themes": ["journey"]}
    adapter.escape_meta(meta)
    assert meta["title"] == "&lt;img src=x onerror=alert(1)&gt; &amp; co"
    assert meta["safe"] == "<b>ours</b>" and meta["themes"] == ["journey"]
    adapter.escape_meta(meta)  # already escaped (Markup): not twice
    assert meta["title"] == "&lt;img src=x onerror=alert(1)&gt; &amp; co"


def test_materials_search_plugin_skips_every_page_keeping_its_other_settings():
    for given, expected in (
        ({}, {"exclude": True}),
        ({"search": {"boost": 2}}, {"boost": 2, "exclude": True}),
        ({"search": "nonsense"}, {"exclude": True}),
    ):
        adapter.search_meta(given)
        assert given["search"] == expected


def test_the_lightbox_is_off_until_a_page_has_something_to_enlarge():
    meta = {}
    adapter.lightbox_off(meta)
    assert meta == {"glightbox": False}
    assert adapter.needs_lightbox('<a href="#big" class="glightbox kb-enlarge">Open</a>')
    assert not adapter.needs_lightbox('<img src="a.png" alt="">')


def test_the_offline_edition_loads_the_search_shim_from_the_site():
    given = ["https://example.org/other.js", adapter.OFFLINE_SHIM_CDN]
    assert adapter.offline_polyfills(given) == ["https://example.org/other.js", adapter.OFFLINE_SHIM_LOCAL]


def test_the_dirty_notice_is_filtered_from_mkdocs_and_properdocs_alike(caplog):
    """`mkdocs serve --dirty` (make preview) and `properdocs serve --dirty`
    would otherwise stop on MkDocs' warning in strict mode."""
    adapter.hush_dirty_notice()
    adapter.hush_dirty_notice()  # the hook is loaded again on every change: one filter still
    notice = "A 'dirty' build is being performed, this will likely lead to inaccurate navigation"
    for name in ("mkdocs.commands.build", "properdocs.commands.build"):
        logger = logging.getLogger(name)
        assert sum(isinstance(f, adapter.DirtyBuildNotice) for f in logger.filters) == 1
        with caplog.at_level(logging.INFO, logger=name):
            logger.warning(notice)
            logger.warning("Doc file 'x.md' contains a link to 'y.md', which is not found")
        assert [r.getMessage() for r in caplog.records if r.name == name] == [
            "Doc file 'x.md' contains a link to 'y.md', which is not found"
        ]
        caplog.clear()


def test_a_small_favicon_of_the_site_becomes_a_data_uri_and_anything_else_stays(tmp_path):
    from urllib.parse import unquote

    svg = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">\n  <circle r="15" fill="#00897b"/></svg>'
    (tmp_path / "assets").mkdir()
    (tmp_path / "assets" / "icon.svg").write_text(svg, encoding="utf-8")
    (tmp_path / "assets" / "icon.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(20))
    (tmp_path / "assets" / "big.png").write_bytes(bytes(adapter.FAVICON_INLINE_MAX + 1))
    uri = adapter.inline_favicon("assets/icon.svg", tmp_path)
    assert uri.startswith("data:image/svg+xml,")
    assert not set('"<># ') & set(uri), "nothing to escape in an attribute or a URL"
    assert unquote(uri.removeprefix("data:image/svg+xml,")) == " ".join(svg.split()).replace('"', "'")
    assert adapter.inline_favicon("assets/icon.png", tmp_path).startswith("data:image/png;base64,iVBORw0KGgo")
    for kept in ("assets/big.png", "assets/missing.svg", "https://example.org/i.svg", "/abs.svg", "", None):
        assert adapter.inline_favicon(kept, tmp_path) == kept


def test_an_inlined_svg_favicon_stays_the_same_picture_and_odd_ones_stay_links(tmp_path):
    """A value quoted with ' inside an attribute quoted with " (a font name)
    keeps its quotes: the icon is the same well-formed SVG; a favicon path
    leading out of docs_dir, or an SVG not in UTF-8, stays the link it was
    (no file outside the site is read into every page, no traceback)."""
    from urllib.parse import unquote
    from xml.etree import ElementTree

    docs = tmp_path / "docs"
    docs.mkdir()
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><text style="font-family:\'Open Sans\'" x="1">A</text></svg>'
    (docs / "quoted.svg").write_text(svg, encoding="utf-8")
    uri = adapter.inline_favicon("quoted.svg", docs)
    assert uri.startswith("data:image/svg+xml,") and not set('"<># ') & set(uri)
    picture = ElementTree.fromstring(unquote(uri.removeprefix("data:image/svg+xml,")))
    assert picture[0].get("style") == "font-family:'Open Sans'"
    (tmp_path / "outside.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    (docs / "latin.svg").write_bytes('<svg xmlns="http://www.w3.org/2000/svg"><title>é</title></svg>'.encode("latin-1"))
    for kept in ("../outside.svg", "latin.svg"):
        assert adapter.inline_favicon(kept, docs) == kept
