"""The Content-Security-Policy (kb/csp.py): on every page, blocking what the
sanitiser is there to stop, and silent in normal use.

The tour of every page (tests/tour.py) records each violation the browser
reports; the tests here walk what the tour does not (instant navigation, the
lightbox, the palette, search), and plant an event handler and an inline
script past the sanitiser on purpose, by editing a built page on its way to
the browser, to see the policy stop them.
"""

from __future__ import annotations

import re

import pytest

from kb import csp

CSP_META = 'meta[http-equiv="Content-Security-Policy"]'
# Every violation, as the page saw it (the console is also watched: a
# violation in a worker reaches the console only).
LISTEN = """() => {
  window.__kbCsp = [];
  document.addEventListener('securitypolicyviolation',
    e => window.__kbCsp.push(e.violatedDirective + ' ' + (e.blockedURI || '') + ' ' + (e.sample || '')));
}"""


def violations_in_console(tab) -> list[str]:
    return [m for m in tab.console_errors if "Content Security Policy" in m]


# -- function level ---------------------------------------------------------------


def test_inline_scripts_are_hashed_and_data_blocks_and_files_are_not():
    page = (
        '<script>var a = 1;</script><script src="x.js"></script>'
        '<script id="__config" type="application/json">{"a": 1}</script><script type="module">b()</script>'
    )
    assert csp.inline_scripts(page) == ["var a = 1;", "b()"]
    # The hash a browser computes over the script's exact text (openssl dgst -sha256 -binary | base64).
    assert csp.sha256("var a = 1;") == "'sha256-+dZ6udsWxNVoGfScAq7t5IIF5UJb4F6RhjbN6oe1p4w='"


def test_the_policy_allows_the_site_alone_and_no_inline_script_without_its_hash():
    policy = csp.policy({"'sha256-abc'"}, set())
    directives = dict(d.split(" ", 1) for d in policy.split("; "))
    assert directives["script-src"] == "'self' 'sha256-abc'"
    assert directives["object-src"] == "'none'" and directives["base-uri"] == "'self'"
    for name in ("default-src", "style-src", "img-src", "font-src", "connect-src", "worker-src"):
        assert directives[name].startswith("'self'"), name
    assert "unsafe" not in policy and "*" not in policy and "http" not in policy


def test_the_meta_comes_before_every_script_and_replaces_an_older_one():
    page = '<html><head><meta charset="utf-8"><script>x()</script></head><body></body></html>'
    once = csp.add_meta(page, "default-src 'self'")
    assert once.index("Content-Security-Policy") < once.index("<script>")
    assert once.index("<meta charset") < once.index("Content-Security-Policy")
    assert csp.add_meta(once, "default-src 'none'").count("Content-Security-Policy") == 1


def test_what_the_first_paint_and_the_parser_wait_for_is_preloaded_ahead_of_the_policy():
    """Chromium's preload scanner stops at a policy in a <meta>: the page's
    stylesheets and parser-blocking scripts are announced before it."""
    page = (
        '<html><head><meta charset="utf-8"><link rel="stylesheet" href="a.css?v=1&amp;x=2">'
        '<link rel="stylesheet" href="print.css" media="print"><link rel="icon" href="i.svg">'
        '<link rel="stylesheet" href="https://elsewhere.example/x.css"><script>inline()</script></head>'
        '<body><script src="../b.js"></script><script src="c.js" defer></script><script async src="d.js"></script>'
        '<script type="module" src="e.js"></script><script src="//elsewhere.example/f.js"></script>'
        '<script src="../b.js"></script><script src="g.json" type="application/json"></script></body></html>'
    )
    assert csp.preloads(page) == [("a.css?v=1&x=2", "style"), ("../b.js", "script")]
    once = csp.add_meta(page, "default-src 'self'")
    head = once[: once.index("</head>")]
    assert head.index("<meta charset") < head.index('rel="preload"') < head.index("Content-Security-Policy")
    assert '<link rel="preload" href="a.css?v=1&amp;x=2" as="style" data-kb-preload>' in head
    assert '<link rel="preload" href="../b.js" as="script" data-kb-preload>' in head
    # Written again (a preview rebuild), nothing doubles.
    assert csp.add_meta(once, "default-src 'none'").count('rel="preload"') == 2


def test_the_offline_shim_script_is_rebuilt_from_the_vendored_file():
    from kb.devtools import ROOT

    shim = (ROOT / "overrides/assets/javascripts/vendor" / csp.SHIM).read_text(encoding="utf-8")
    script = csp.shim_script(shim, "../assets/x.js")
    assert script is not None and script.startswith("postMessage=function c(s,n){")
    assert 'filename:"../assets/x.js"' in script
    # The text written into the frame, as the shim's template literal writes it.
    template = re.search(r"<script>(postMessage=\$\{c\};.*?)<\\/script>", shim).group(1)
    assert template.replace("${c}", "").replace("${d}", "").replace("${e}", "../assets/x.js") == re.sub(
        r"function [cd]\(.*?\)\{.*?\}(?=;importScripts=|;addEventListener)", "", script
    )


def _page(script: str) -> str:
    return f'<html><head><meta charset="utf-8"><script>{script}</script></head><body><p>x</p></body></html>'


def _build(site, kept, pages: dict[str, str], others: dict[str, str]) -> None:
    """One build as the hook runs it: `pages` pass through MkDocs'
    on_post_page (AsBuilt.page), `others` are written behind its back."""
    as_built = csp.AsBuilt(kept)
    for rel, html in pages.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(as_built.page(rel, html), encoding="utf-8")
    for rel, html in others.items():
        (site / rel).write_text(html, encoding="utf-8")
    as_built.finish(site)


def _as_apply_writes(tmp_path, pages: dict[str, str]) -> dict[str, str]:
    site = tmp_path / "reference"
    for rel, html in pages.items():
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(html, encoding="utf-8")
    csp.apply(site)
    return {rel: (site / rel).read_text(encoding="utf-8") for rel in pages}


def test_pages_written_with_the_last_policy_come_out_as_a_pass_over_the_site(tmp_path):
    kept, site = tmp_path / "cache" / "csp.json", tmp_path / "site"
    pages = {"index.html": _page("a()"), "x/index.html": _page("b()")}
    others = {"404.html": _page("c()")}
    for build in range(2):  # the first build keeps the policy, the second writes it with each page
        _build(site, kept, pages, others)
        built = {rel: (site / rel).read_text(encoding="utf-8") for rel in [*pages, *others]}
        assert built == _as_apply_writes(tmp_path / str(build), {**pages, **others})
    assert kept.is_file()


def test_a_new_inline_script_gives_every_page_the_new_policy(tmp_path):
    kept, site = tmp_path / "cache" / "csp.json", tmp_path / "site"
    _build(site, kept, {"index.html": _page("a()"), "x/index.html": _page("b()")}, {})
    # The theme changed one page's script: the page written first got the last policy, which lacks it.
    changed = {"index.html": _page("a()"), "x/index.html": _page("b2()")}
    _build(site, kept, changed, {})
    home = (site / "index.html").read_text(encoding="utf-8")
    assert csp.sha256("b2()") in home and csp.sha256("b()") not in home
    assert {rel: (site / rel).read_text(encoding="utf-8") for rel in changed} == _as_apply_writes(tmp_path, changed)


def test_the_offline_frame_script_alone_makes_every_page_written_again(tmp_path):
    """The shim file is in every build (a vendored file); only pages that
    use it (the offline edition) need a policy of their own."""
    from kb.devtools import ROOT

    shim = (ROOT / "overrides/assets/javascripts/vendor" / csp.SHIM).read_text(encoding="utf-8")
    kept, site = tmp_path / "cache" / "csp.json", tmp_path / "site"
    pages = {"index.html": _page("a()")}
    _build(site, kept, pages, {})
    as_built = csp.AsBuilt(kept)
    (site / "index.html").write_text(as_built.page("index.html", pages["index.html"]), encoding="utf-8")
    assert as_built.finish(site, shim) == 0, "nothing written again"
    config = '<script id="__config" type="application/json">{"search": "assets/w.js"}</script>'
    framed = _page("a()").replace("</head>", f'{config}<script src="{csp.SHIM}"></script></head>')
    as_built = csp.AsBuilt(kept)
    (site / "index.html").write_text(as_built.page("index.html", framed), encoding="utf-8")
    assert as_built.finish(site, shim) == 1, "the framed page written again, with its frame's script"
    assert csp.sha256(csp.shim_script(shim, "assets/w.js")) in (site / "index.html").read_text(encoding="utf-8")


def test_a_damaged_kept_policy_is_a_first_build(tmp_path):
    kept, site = tmp_path / "csp.json", tmp_path / "site"
    kept.write_text("{not json", encoding="utf-8")
    _build(site, kept, {"index.html": _page("a()")}, {})
    assert csp.sha256("a()") in (site / "index.html").read_text(encoding="utf-8")


# -- the built site -------------------------------------------------------------


def test_every_page_carries_the_policy_before_any_script(site):
    for path in sorted(site.rglob("*.html")):
        url = path.relative_to(site).as_posix()
        html = path.read_text(encoding="utf-8")
        assert html.count('http-equiv="Content-Security-Policy"') == 1, url
        assert html.index("Content-Security-Policy") < html.index("<script"), url
        content = re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', html).group(1)
        assert "'unsafe-inline'" not in content and "object-src 'none'" in content, url
        # Every inline script of the page is allowed by its hash.
        for script in csp.inline_scripts(html):
            assert csp.sha256(script) in content, (url, script[:80])


def test_materials_script_is_fetched_with_the_stylesheets_not_when_the_parser_reaches_it(page, base_url):
    """With the policy in a <meta>, the preload scanner does not read ahead:
    Material's script at the end of the body would be fetched only when the
    parser got there, after the stylesheets and the first paint. The head's
    preload fetches it (a resource fetched by a <link>, not by its <script>)."""
    page.goto(base_url + "articles/is-customer-experience-new/")
    fetched = page.evaluate(
        """() => Object.fromEntries(performance.getEntriesByType('resource')
             .filter(r => /bundle\\.[0-9a-f]+\\.min\\.js|\\.css$/.test(r.name))
             .map(r => [r.name.split('/').pop(), r.initiatorType]))"""
    )
    bundles = {name: how for name, how in fetched.items() if name.startswith("bundle.")}
    assert list(bundles.values()) == ["link"], fetched
    assert fetched.get("kb.css") == "link", fetched


def test_the_icon_costs_no_request_and_is_the_sites_favicon(site, page, base_url):
    """The theme's favicon is written into each page as a data: URI
    (kb/mkdocs_adapter.inline_favicon): Lighthouse's simulation started the
    icon's request with Material's script and let it slow that script down
    (README, "A page as light as bare Material's"). It is the same picture,
    and a browser draws it."""
    from html import unescape
    from urllib.parse import unquote

    from kb.devtools import ROOT, read_config

    favicon = (ROOT / "docs" / read_config(ROOT / "mkdocs.yml")["theme"]["favicon"]).read_text(encoding="utf-8")
    for path in ("articles/is-customer-experience-new/index.html", "index.html", "404.html"):
        html = (site / path).read_text(encoding="utf-8")
        icons = [unescape(h) for h in re.findall(r'<link rel="icon" href="([^"]*)"', html)]
        assert len(icons) == 1 and icons[0].startswith("data:image/svg+xml,"), (path, icons)
        assert unquote(icons[0].split(",", 1)[1]) == " ".join(favicon.split()).replace('"', "'"), path
    page.goto(base_url + "articles/is-customer-experience-new/")
    drawn = page.evaluate(
        """href => new Promise(done => { const img = new Image();
             img.onload = () => done([img.naturalWidth, img.naturalHeight]); img.onerror = () => done(null);
             img.src = href; })""",
        icons[0],
    )
    assert drawn and drawn[0] > 0 and drawn[1] > 0, drawn
    assert not [u for u in page.requested_urls if "favicon" in u], page.requested_urls


def test_no_page_reports_a_violation_in_the_tour(tour):
    found = {v.url: v.csp_violations for v in tour.visits if v.csp_violations}
    assert found == {}, found


def test_instant_navigation_lightbox_palette_and_search_run_under_the_policy(page, base_url):
    """What a reader does after the first page: every page brought in by
    instant navigation runs its inline scripts under the first page's policy."""
    page.goto(base_url)
    page.evaluate(LISTEN)
    page.locator("a[href$='disciplines/']:visible").first.click()
    page.wait_for_url("**/disciplines/")
    assert page.evaluate("performance.getEntriesByType('navigation')[0].name") == base_url  # no reload
    page.locator("label.md-header__button[for^='__palette']:visible").click()
    page.wait_for_function("() => document.body.getAttribute('data-md-color-scheme') === 'slate'")
    page.locator(".md-search__input").first.click()
    page.keyboard.type("journey map")
    page.locator(".md-search-result__item").first.wait_for(timeout=10000)
    assert page.evaluate("window.__kbCsp") == []
    # The lightbox, on a page opened directly (mkdocs-glightbox loads its
    # script in the head of the pages that use it: instant navigation from
    # another page does not bring it, with or without the policy).
    page.goto(base_url + "disciplines/")
    page.evaluate(LISTEN)
    page.click("a.kb-enlarge")
    page.locator(".glightbox-container .kb-cycle").wait_for(timeout=5000)
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.glightbox-container')", timeout=5000)
    assert page.evaluate("window.__kbCsp") == []
    assert violations_in_console(page) == []


PLANTED = (
    '<img src="missing.png" onerror="window.__kbRan = (window.__kbRan || []).concat(\'onerror\')">'
    '<p id="kb-planted" onclick="window.__kbRan = (window.__kbRan || []).concat(\'onclick\')">planted</p>'
    "<script>window.__kbRan = (window.__kbRan || []).concat('script')</script>"
)


def test_a_handler_planted_past_the_sanitiser_is_blocked(page, base_url):
    """A built article edited on its way to the browser, as if a template
    or a hand edit had put them there: an onerror, an onclick and an inline
    script. None runs, and the browser reports each."""
    url = base_url + "articles/is-customer-experience-new/"

    def plant(route):
        response = route.fetch()
        body = response.text()
        assert "Content-Security-Policy" in body
        route.fulfill(response=response, body=body.replace("<article", PLANTED + "<article", 1))

    page.route(url, plant)
    try:
        page.goto(url)
        page.locator("#kb-planted").click()
        # Each refusal is reported on the console: wait for the three.
        while len(violations_in_console(page)) < 3:
            page.wait_for_event("console", timeout=10000)
    finally:
        page.unroute(url)
    assert page.evaluate("window.__kbRan || []") == []
    reports = violations_in_console(page)
    assert sum("inline event handler" in r for r in reports) == 2, reports
    assert sum("inline script" in r for r in reports) == 1, reports
    assert page.locator(CSP_META).count() == 1


@pytest.mark.parametrize(
    "kept_text",
    [
        '{"scripts": [1], "styles": []}',  # not text: the policy could not be written (a traceback)
        '{"scripts": "abc", "styles": []}',
        # text that is no hash: it would reach the page's <meta> as it is, and cut it short
        '{"scripts": ["\'sha256-x\\">y\'"], "styles": []}',
    ],
)
def test_a_kept_policy_of_anything_but_hashes_is_a_first_build(tmp_path, kept_text):
    kept, site = tmp_path / "csp.json", tmp_path / "site"
    kept.write_text(kept_text, encoding="utf-8")
    pages = {"index.html": _page("a()"), "x/index.html": _page("b()")}
    _build(site, kept, pages, {})
    assert {rel: (site / rel).read_text(encoding="utf-8") for rel in pages} == _as_apply_writes(tmp_path, pages)
