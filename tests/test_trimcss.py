"""Stylesheets cut to the rules the site can use (kb/trimcss.py): what a rule
needs to stay, and the built site's trimmed stylesheets."""

from __future__ import annotations

import re
from pathlib import Path

import material
import pytest
import tinycss2

from kb import trimcss
from kb.devtools import ROOT
from kb.htmltext import built_pages

MATERIAL_TEMPLATES = Path(material.__file__).parent / "templates"


def used(html: str = "", js: str = "") -> trimcss.Used:
    names = trimcss.Used()
    names.add_markup(html.encode())
    names.add_script(js.encode())
    return names


def trim(css: str, html: str = "", js: str = "") -> str:
    return trimcss.trim_css(css, used(html, js))


def test_a_rule_with_an_unused_class_is_dropped():
    css = ".used{color:red}.unused{color:blue}.used .unused{margin:0}"
    assert trim(css, '<p class="used">') == ".used{color:red}"


def test_ids_count_like_classes():
    css = "#__drawer{top:0}#gone{top:1px}"
    assert trim(css, '<input id="__drawer">') == "#__drawer{top:0}"


def test_a_class_only_the_javascript_uses_is_kept():
    css = ".md-tooltip2{opacity:0}.md-search-result__item{margin:0}.md-banner{display:none}"
    js = 'const tip = h("div", {class: "md-tooltip2"}); item.classList.add("md-search-result__item")'
    assert trim(css, js=js) == ".md-tooltip2{opacity:0}.md-search-result__item{margin:0}"


def test_classes_the_javascript_composes_are_kept():
    """A string the script appends to, or a template's text before ${...},
    is a prefix: every name that starts with it counts as used."""
    css = ".gzoomIn{a:b}.gslide-media{c:d}.md-tag--3{e:f}.glightbox-clean{g:h}.other{i:j}"
    js = 'addClass(e, "g" + t); "gslide-".concat(n); x = `md-tag--${n}`; "glightbox-".concat(skin)'
    assert trim(css, js=js) == ".gzoomIn{a:b}.gslide-media{c:d}.md-tag--3{e:f}.glightbox-clean{g:h}"


def test_inline_scripts_of_a_page_count():
    css = ".glightbox-clean{a:b}"
    html = '<script>const lightbox = GLightbox({"skin": "glightbox-clean"});</script>'
    assert trim(css, html) == css


def test_element_attribute_and_root_rules_are_kept():
    css = "html{color:red}:root{--md-x:1}body{margin:0}[data-md-color-scheme=slate]{--y:2}a:hover,button{z:1}*{box-sizing:border-box}"
    assert trim(css) == css


def test_a_selector_list_is_kept_whole_if_any_selector_could_match():
    """Never pruned: a browser drops a whole list for one selector it does not
    know, so pruning `.unused::-moz-selection` could turn a dead rule on."""
    css = ".unused::-moz-selection,.used::selection{color:red}"
    assert trim(css, '<p class="used">') == css


def test_classes_inside_not_and_is_are_not_required():
    css = ".used:not(.unused){a:b}.used:is(.unused,.other){c:d}.unused .used{e:f}"
    assert trim(css, '<p class="used">') == ".used:not(.unused){a:b}.used:is(.unused,.other){c:d}"


def test_an_attribute_selector_with_an_unused_class_is_dropped():
    css = "[data-md-color-primary=indigo] .md-tabs{a:b}[data-md-color-primary=indigo] .md-header{c:d}"
    assert trim(css, '<header class="md-header">') == "[data-md-color-primary=indigo] .md-header{c:d}"


def test_media_blocks_keep_their_kept_rules_and_empty_ones_go():
    css = (
        "@media screen and (min-width:76.25em){.unused{a:b}.used{c:d}}"
        "@media print{.unused{a:b}}"
        "@supports (display:grid){@media (min-width:10em){.unused{a:b}}}"
    )
    assert trim(css, '<p class="used">') == "@media screen and (min-width:76.25em){.used{c:d}}"


def test_font_faces_keyframes_properties_and_charset_stay():
    css = (
        '@charset "UTF-8";'
        "@font-face{font-family:x;src:url(x.woff2)}"
        "@keyframes spin{0%{transform:rotate(0)}to{transform:rotate(1turn)}}"
        "@property --angle{syntax:'<angle>';inherits:false;initial-value:0deg}"
        ".unused{animation:spin 1s}"
    )
    out = trim(css)
    assert out.startswith('@charset "UTF-8";')
    for kept in ("@font-face{", "@keyframes spin{", "@property --angle{"):
        assert kept in out
    assert ".unused" not in out


def test_comments_go_and_declarations_stay_as_written():
    css = "/* a comment */\n.used {\n  color: var(--md-accent-fg-color); /* why */\n  margin: 0 .4rem\n}\n/*# sourceMappingURL=x.css.map*/"
    out = trim(css, '<p class="used">')
    assert "comment" not in out and "sourceMappingURL" not in out
    assert out.startswith(".used {") and "color: var(--md-accent-fg-color);" in out and "margin: 0 .4rem" in out


def test_a_cached_outline_trims_the_same(tmp_path):
    css = ".a{x:1}@media print{.b{y:2}.c{z:3}}@font-face{font-family:f}"
    names = trimcss.Used(["a", "c"])
    first = trimcss.trim_css(css, names, tmp_path)
    trimcss._OUTLINES.clear()  # a new process: the outline comes from the cache folder
    assert len(list(tmp_path.glob("*.pickle"))) == 1
    assert trimcss.trim_css(css, names, tmp_path) == first == ".a{x:1}@media print{.c{z:3}}@font-face{font-family:f}"


def test_output_is_deterministic():
    css = ".b{x:1}@media print{.a{y:2}.c{z:3}}.a,.b{w:4}"
    first = trimcss.trim_css(css, trimcss.Used(["a", "b", "zz", "yy"]))
    again = trimcss.trim_css(css, trimcss.Used(["yy", "zz", "b", "a"]))
    assert first == again == ".b{x:1}@media print{.a{y:2}}.a,.b{w:4}"


def test_a_stylesheet_that_does_not_parse_is_left_whole(tmp_path):
    (tmp_path / "index.html").write_text('<link rel="stylesheet" href="bad.css"><p class="used">')
    bad = ".used{a:b}.unused{c:d}} stray"
    (tmp_path / "bad.css").write_text(bad)
    [result] = trimcss.trim_site(tmp_path)
    assert (tmp_path / "bad.css").read_text() == bad and result.after == result.before


def test_trim_site_reads_each_stylesheet_from_its_source(tmp_path):
    """A `--dirty` preview does not copy unchanged static files again: the
    built file is already trimmed, so the original is read from its source
    folder, and a class a rebuilt page now uses gets its rules back."""
    site, docs = tmp_path / "site", tmp_path / "docs"
    (site / "assets").mkdir(parents=True)
    (docs / "assets").mkdir(parents=True)
    (docs / "assets" / "kb.css").write_text(".a{x:1}.b{y:2}")
    (site / "assets" / "kb.css").write_text(".a{x:1}")  # trimmed by the previous build
    (site / "index.html").write_text('<link rel="stylesheet" href="assets/kb.css"><p class="a b">')
    (site / "sub").mkdir()
    (site / "sub" / "index.html").write_text('<link href="../assets/kb.css" rel="stylesheet"><p class="a">')
    [result] = trimcss.trim_site(site, [docs])
    assert result.path == "assets/kb.css"
    assert (site / "assets" / "kb.css").read_text() == ".a{x:1}.b{y:2}"


def test_only_scripts_the_pages_load_are_read(tmp_path):
    """lunr's language files serve the search worker kb/search.py replaces;
    what no page or loaded script names cannot put a class on a page."""
    (tmp_path / "index.html").write_text('<link rel="stylesheet" href="s.css"><script src="app.js"></script>')
    (tmp_path / "app.js").write_text('importScripts("worker.js"); el.className = "from-app"')
    (tmp_path / "worker.js").write_text('x = "from-worker"')
    (tmp_path / "unused.js").write_text('x = "from-unused"')
    (tmp_path / "s.css").write_text(".from-app{a:b}.from-worker{c:d}.from-unused{e:f}")
    trimcss.trim_site(tmp_path)
    assert (tmp_path / "s.css").read_text() == ".from-app{a:b}.from-worker{c:d}"


# -- the built site -------------------------------------------------------


def selector_names(css: str) -> set[str]:
    """Every class and id a stylesheet's selectors require."""
    names: set[str] = set()

    def walk(items):
        for item in items:
            if item[0] == "rule":
                names.update(name for selector in item[1] for name in selector)
            elif item[0] == "group":
                walk(item[2])

    walk(trimcss.outline(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)))
    return names


def test_the_site_ships_a_trimmed_main_css_with_the_rules_its_pages_use(site):
    [built] = sorted((site / "assets" / "stylesheets").glob("main.*.min.css"))
    original = (MATERIAL_TEMPLATES / "assets" / "stylesheets" / built.name).read_text(encoding="utf-8")
    trimmed = built.read_text(encoding="utf-8")
    assert len(trimmed) < 0.8 * len(original), "trimmed"
    page_names = set()
    for path in built_pages(site):
        for value in re.findall(r'\s(?:class|id)="([^"]*)"', path.read_text(encoding="utf-8")):
            page_names.update(value.split())
    styled = selector_names(original) & page_names
    assert {"md-header", "md-nav__link", "md-typeset", "md-footer", "md-search__input"} <= styled
    assert styled <= selector_names(trimmed), sorted(styled - selector_names(trimmed))
    # Built at run time by Material's script: no page has them, the CSS keeps them.
    for name in ("md-search-result__item", "md-search-result__article", "md-tooltip2__inner"):
        assert name not in page_names and name in selector_names(trimmed)
    # Features this site does not use.
    for name in ("md-banner", "md-consent", "md-tabs"):
        assert name in selector_names(original) and name not in selector_names(trimmed)
    assert "sourceMappingURL" not in trimmed


def test_every_stylesheet_the_pages_link_is_trimmed(site):
    linked = trimcss.scan(site)[1]
    assert "assets/kb.css" in linked and "assets/stylesheets/glightbox.min.css" in linked
    assert any(p.startswith("assets/stylesheets/palette.") for p in linked)
    ours = (site / "assets" / "kb.css").read_text(encoding="utf-8")
    assert "The knowledge base's own styles" in (ROOT / "docs" / "assets" / "kb.css").read_text(encoding="utf-8")
    assert "The knowledge base's own styles" not in ours, "passed through the trimmer (comments go)"
    for path in linked:
        assert "sourceMappingURL" not in (site / path).read_text(encoding="utf-8"), path


def test_a_rebuild_takes_each_pages_facts_from_the_cache_by_its_bytes(tmp_path, monkeypatch):
    """Each page's facts are kept by its bytes in .cache/kb-css: a rebuild
    with the same pages reads none again and finds the same names; a page
    that changed is read again."""
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "a" / "index.html").write_bytes(b'<link rel="stylesheet" href="../x.css"><p class="kept one">a</p>')
    (site / "index.html").write_bytes(b'<div id="top" class="two"><script>go("three")</script></div>')
    (site / "x.css").write_text(".one{}", encoding="utf-8")
    cache = tmp_path / "cache"
    trimcss._FACTS.clear()  # the in-process copy (a preview's): not what this test is about
    used, linked = trimcss.scan(site, cache)
    assert {"kept", "one", "two", "top"} <= used.names and linked == ["x.css"]
    trimcss._FACTS.clear()

    def not_again(html):
        raise AssertionError(f"read again: {html[:40]!r}")

    monkeypatch.setattr(trimcss, "page_facts", not_again)
    again, linked_again = trimcss.scan(site, cache)
    assert again.names == used.names and linked_again == linked
    trimcss._FACTS.clear()
    (site / "index.html").write_bytes(b'<div class="changed"></div>')
    with pytest.raises(AssertionError, match="read again"):
        trimcss.scan(site, cache)


def test_a_damaged_or_unwritable_outline_cache_only_costs_time(tmp_path, monkeypatch):
    """.cache/kb-css/<key>.pickle: a changed byte that still unpickles, a
    file cut short, or a folder that cannot be written: the stylesheet is
    parsed again, with no traceback."""
    css = ".md-a{color:red}.md-b{color:blue}"
    used = trimcss.Used(["md-a"])
    monkeypatch.setattr(trimcss, "_OUTLINES", {})
    expected = trimcss.trim_css(css, used, tmp_path)
    (kept,) = tmp_path.glob("*.pickle")
    kept.write_bytes(kept.read_bytes().replace(b"red", b"tan"))
    monkeypatch.setattr(trimcss, "_OUTLINES", {})
    assert trimcss.trim_css(css, used, tmp_path) == expected == ".md-a{color:red}"
    kept.write_bytes(kept.read_bytes()[:10])
    monkeypatch.setattr(trimcss, "_OUTLINES", {})
    assert trimcss.trim_css(css, used, tmp_path) == expected
    blocked = tmp_path / "file"
    blocked.write_text("", encoding="utf-8")
    monkeypatch.setattr(trimcss, "_OUTLINES", {})
    assert trimcss.trim_css(css, used, blocked / "kb-css") == expected


def test_only_a_preview_keeps_each_pages_facts_in_the_process(tmp_path, monkeypatch):
    """A build's process ends after its one pass: every page's facts kept
    in memory to its end would only weigh (10,000 pages: 170 MB). `mkdocs
    serve` keeps them (`remember`), and its next pass reads no unchanged page."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_bytes(b'<p class="one">a</p>')
    trimcss._FACTS.clear()
    trimcss.scan(site)
    assert trimcss._FACTS == {}
    used, _ = trimcss.scan(site, remember=True)
    assert "one" in used.names and len(trimcss._FACTS) == 1

    def not_again(html):
        raise AssertionError(f"read again: {html[:40]!r}")

    monkeypatch.setattr(trimcss, "page_facts", not_again)
    assert "one" in trimcss.scan(site, remember=True)[0].names
    monkeypatch.undo()
    # A page's stylesheets are found once with its facts; each is listed while its file is there.
    (site / "a").mkdir()
    (site / "a" / "index.html").write_bytes(b'<link rel="stylesheet" href="../s.css"><p class="two">b</p>')
    (site / "s.css").write_text(".two{}", encoding="utf-8")
    assert trimcss.scan(site, remember=True)[1] == ["s.css"]
    monkeypatch.setattr(trimcss, "page_facts", not_again)
    assert trimcss.scan(site, remember=True)[1] == ["s.css"]
    (site / "s.css").unlink()
    assert trimcss.scan(site, remember=True)[1] == []
    trimcss._FACTS.clear()


def test_a_build_holds_no_pages_facts_past_the_page(tmp_path, monkeypatch):
    """A build's pass (not `mkdocs serve`) looks at each page's facts and
    lets them go: none is kept by its path for the rest of the pass (at
    10,000 pages that was the warm rebuild's peak of memory)."""
    site = tmp_path / "site"
    for name in ("a", "b"):
        (site / name).mkdir(parents=True)
        (site / name / "index.html").write_text(f'<p class="{name}-class">x</p>', encoding="utf-8")

    def kept_by_path(*args, **kwargs):
        raise AssertionError("a page's facts kept by its path in a build")

    monkeypatch.setattr(trimcss, "parsed_once", kept_by_path)
    used, _ = trimcss.scan(site, tmp_path / "cache")
    assert {"a-class", "b-class"} <= used.names
