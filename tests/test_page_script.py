"""The page script as a reader meets it (kb/assets/js, README "The page
script"): what loads and when, the skip link, glossary definitions and
labels, and nothing moving when the script mounts. On a desktop and on a
phone (conftest PHONE: is_mobile, touch, scale 2), light and dark where
colours matter. Every wait is for a state the page exposes.
"""

from __future__ import annotations

import re

import pytest

from kb.htmltext import built_pages

ARTICLE = "articles/is-customer-experience-new/"
WITHOUT_HEADINGS = "articles/can-we-afford-to-miss-customer-experience/"
READY = "() => document.documentElement.hasAttribute('data-kb-landed')"
EXTRAS = "kb-extras.js"
# overrides/main.html: the inline loader that fetches the page script at DOMContentLoaded
LOADER = r'<script data-kb-page-script="([^"]*assets/kb\.js)">'


def open_ready(tab, url: str) -> None:
    tab.goto(url)
    tab.wait_for_function(READY)


# -- what the site carries ------------------------------------------------------------------


def test_the_page_script_is_generated_deferred_and_has_unminified_copies(site):
    assets = site / "assets"
    for name in ("kb.js", "kb-extras.js"):
        code = (assets / name).read_text(encoding="utf-8")
        debug = (assets / name.replace(".js", ".debug.js")).read_text(encoding="utf-8")
        assert len(code) < 0.8 * len(debug), name
        # Content-Security-Policy ready: no code made from strings, no markup written.
        for banned in ("eval(", "new Function", "innerHTML", "insertAdjacentHTML", "document.write"):
            assert banned not in debug, (name, banned)
    assert EXTRAS in (assets / "kb.js").read_text(encoding="utf-8"), "kb.js names the script it fetches"
    html = (site / ARTICLE / "index.html").read_text(encoding="utf-8")
    assert re.findall(LOADER, html) == ["../../assets/kb.js"], "one loader, the address relative to the page"
    assert not re.search(r"<script[^>]*\bsrc=[^>]*kb\.js", html), "no script tag the parser would wait for"
    assert EXTRAS not in html, "fetched on first use, never by the page itself"


def test_every_page_has_a_skip_link_to_its_title(site):
    for path in built_pages(site):
        html = path.read_text(encoding="utf-8")
        if "md-content__inner" not in html or path.name == "404.html":
            continue  # redirects; the 404 page (a template: no page, no table of contents)
        skip = re.search(r'<a href="#([^"]+)" class="md-skip">', html)
        assert skip, path
        assert re.search(rf'<h1 id="{re.escape(skip.group(1))}"', html), (path, skip.group(1))


# -- loaded on first use ----------------------------------------------------------------------


def test_the_extras_load_on_first_use_and_not_before(page, base_url):
    open_ready(page, base_url + ARTICLE)
    page.wait_for_load_state("networkidle")
    assert not [u for u in page.requested_urls if u.endswith(EXTRAS)], "fetched before any use"
    page.locator("a.kb-term").first.hover()
    page.locator(".kb-definition[data-visible]").wait_for()
    assert len([u for u in page.requested_urls if u.endswith(EXTRAS)]) == 1
    # Instant navigation keeps it: another page needs no second fetch.
    page.locator(".kb-chip").first.click()
    page.wait_for_url("**/themes/**")
    page.wait_for_function(READY)
    page.locator(".md-content a[href*='#p-']").first.hover()
    assert len([u for u in page.requested_urls if u.endswith(EXTRAS)]) == 1
    assert page.console_errors == []


# -- the skip link -------------------------------------------------------------------------------

FOCUS = """() => { const el = document.activeElement; const r = el.getBoundingClientRect();
  const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
  return {tag: el.tagName, id: el.id, text: el.textContent.trim(), top: r.top, header, height: innerHeight,
          inArticle: !!el.closest('.md-content__inner')}; }"""


@pytest.mark.parametrize("device", ["desktop", "phone"])
@pytest.mark.parametrize("path", [ARTICLE, WITHOUT_HEADINGS, ""], ids=["article", "no-headings", "home"])
def test_the_skip_link_moves_the_focus_to_the_start_of_the_article(request, base_url, device, path):
    tab = request.getfixturevalue("phone" if device == "phone" else "page")
    open_ready(tab, base_url + path)
    title = tab.locator(".md-content__inner h1").first.inner_text()
    tab.keyboard.press("Tab")
    skip = tab.locator("a.md-skip")
    assert tab.evaluate("() => document.activeElement.classList.contains('md-skip')")
    assert skip.is_visible(), "shown when focused"
    tab.keyboard.press("Enter")
    tab.wait_for_function("() => document.activeElement.tagName === 'H1'")
    focus = tab.evaluate(FOCUS)
    assert focus["text"] == title and focus["inArticle"], focus
    assert focus["header"] - 1 <= focus["top"] < focus["height"] / 2, focus
    assert tab.url == base_url + path, "a skip link is not a place to link to"
    # The next Tab continues in the article, past the navigation.
    tab.keyboard.press("Tab")
    assert tab.evaluate(FOCUS)["inArticle"]


# -- glossary definitions and labels --------------------------------------------------------------

LOOK = """() => { const box = document.querySelector('.kb-definition[data-visible]'); if (!box) return null;
  const s = getComputedStyle(box), r = box.getBoundingClientRect(), text = box.querySelector('.kb-preview-text');
  function rgb(c) { return c.match(/[\\d.]+/g).slice(0, 3).map(Number); }
  function lum(c) { return rgb(c).map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                        .reduce((a, v, i) => a + v * [0.2126, 0.7152, 0.0722][i], 0); }
  const a = lum(getComputedStyle(text).color), b = lum(s.backgroundColor);
  return {font: parseFloat(getComputedStyle(text).fontSize), radius: s.borderRadius, shadow: s.boxShadow !== 'none',
          className: box.className, contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05),
          left: r.left, right: r.right, width: innerWidth, role: box.getAttribute('role'),
          text: box.innerText}; }"""


# A point of the page's text away from the open definition (and its term).
OUTSIDE = """() => { const box = document.querySelector('.kb-definition').getBoundingClientRect();
  const y = box.bottom + 40 < innerHeight - 10 ? box.bottom + 40 : Math.max(box.top - 40, 80);
  return {x: 12, y}; }"""


def definition_look(tab) -> dict:
    tab.locator(".kb-definition[data-visible]").wait_for()
    return tab.evaluate(LOOK)


def closed(tab) -> None:
    tab.wait_for_selector(".kb-definition[data-visible]", state="detached")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_a_definition_has_one_look_on_desktop_and_phone_readable_and_easy_to_dismiss(
    page, phone, base_url, scheme, tmp_path
):
    looks = {}
    for device, tab in (("desktop", page), ("phone", phone)):
        tab.emulate_media(color_scheme=scheme)
        open_ready(tab, base_url + ARTICLE)
        term = tab.locator("a.kb-term").nth(1)
        term.scroll_into_view_if_needed()
        if device == "phone":
            term.tap()
        else:
            term.hover()
        look = definition_look(tab)
        if device == "phone":
            assert term.get_attribute("aria-expanded") == "true"
        tab.screenshot(path=str(tmp_path / f"definition-{device}-{scheme}.png"))
        assert tab.url == base_url + ARTICLE, "the tap showed the definition instead of leaving"
        assert look["font"] >= 15, look  # the text's size: a reading size, not a label's
        assert look["contrast"] >= 4.5, look
        assert look["left"] >= 0 and look["right"] <= look["width"], look
        looks[device] = look
        # Escape closes it, and so does a press elsewhere.
        tab.keyboard.press("Escape")
        closed(tab)
        if device == "phone":
            term.tap()
            definition_look(tab)
            spot = tab.evaluate(OUTSIDE)
            tab.touchscreen.tap(spot["x"], spot["y"])
        else:
            term.focus()
            assert definition_look(tab)["role"] == "tooltip"
            assert term.get_attribute("aria-describedby") == "kb-definition"
            tab.mouse.click(5, tab.viewport_size["height"] - 5)
        closed(tab)
    same = ("font", "radius", "shadow", "className")
    assert {k: looks["desktop"][k] for k in same} == {k: looks["phone"][k] for k in same}
    assert looks["desktop"]["text"] == looks["phone"]["text"]


def test_a_second_tap_on_a_term_goes_to_its_glossary_entry(phone, base_url):
    open_ready(phone, base_url + ARTICLE)
    term = phone.locator("a.kb-term").first
    term_id = term.get_attribute("href").split("#")[1]
    term.tap()
    definition_look(phone)
    term.tap()
    phone.wait_for_url(f"**/glossary/#{term_id}")


def test_a_control_shows_its_label_on_hover_and_on_keyboard_focus(page, base_url):
    open_ready(page, base_url + ARTICLE)
    badge = page.locator(".kb-discipline").first
    badge.scroll_into_view_if_needed()
    title = badge.get_attribute("title")
    badge.hover()
    tip = page.locator(".kb-tip[data-visible]")
    tip.wait_for()
    assert tip.inner_text() == title
    assert badge.get_attribute("title") is None, "no second tooltip from the browser"
    assert "kb-tip" in badge.get_attribute("aria-describedby")
    page.mouse.move(0, page.viewport_size["height"] - 1)
    page.wait_for_selector(".kb-tip[data-visible]", state="detached")
    assert badge.get_attribute("title") == title
    # From the keyboard: Tab onto an editors' link, whose own description stays.
    link = page.locator("a.kb-editorial").first
    link.evaluate(
        "a => { const all = [...document.querySelectorAll('a[href], button')]; all[all.indexOf(a) - 1].focus(); }"
    )
    page.keyboard.press("Tab")
    tip.wait_for()
    assert tip.inner_text() == "Link added by the editors"
    # Described by the editors' note, and by the label (and its preview) while they show.
    described = link.get_attribute("aria-describedby").split()
    assert described[0] == "kb-editorial-note" and "kb-tip" in described, described
    page.keyboard.press("Escape")
    page.wait_for_selector(".kb-tip[data-visible]", state="detached")
    page.wait_for_function("a => a.getAttribute('aria-describedby') === 'kb-editorial-note'", arg=link.element_handle())


# -- nothing moves ----------------------------------------------------------------------------------

# Every layout shift of the load (this test gives no input, and Chromium
# marks shifts after a navigation started by the driver as "recent input").
SHIFTS = """() => new Promise(resolve => {
  const shifts = [];
  new PerformanceObserver(list => list.getEntries().forEach(e => shifts.push(e.value)))
    .observe({type: 'layout-shift', buffered: true});
  requestAnimationFrame(() => requestAnimationFrame(() => resolve(shifts)));
})"""


FIRST_PAINT = "() => performance.getEntriesByType('paint').some(e => e.name === 'first-contentful-paint')"


@pytest.mark.parametrize("path", [ARTICLE, "articles/?theme=journey"], ids=["article", "article-index"])
def test_nothing_moves_when_the_page_script_comes_after_the_first_paint(phone, base_url, path):
    """As on a slow network: the page script is held until the page has been
    painted, then let through; what it mounts (the index's filters, ...)
    must not push the text about."""
    held = []
    phone.route("**/assets/kb.js", lambda route: held.append(route))
    try:
        with phone.expect_request("**/assets/kb.js"):
            phone.goto(base_url + path, wait_until="commit")
        phone.wait_for_function(FIRST_PAINT)
        phone.wait_for_function("() => document.readyState !== 'loading'")
        phone.evaluate("0")  # a round trip: the route, sent before its reply, has been handled
        assert len(held) == 1, "the page asked for its script"
        held[0].continue_()
        phone.wait_for_function(READY)
        if "articles/?" in path:
            phone.wait_for_selector(".kb-index[data-kb-ready]")
            assert "of" in phone.inner_text(".kb-index__count"), "the filter from the address is applied"
        assert phone.evaluate(SHIFTS) == []
    finally:
        phone.unroute("**/assets/kb.js")


def test_every_page_loads_the_page_script_once(site):
    for path in built_pages(site):
        html = path.read_text(encoding="utf-8")
        if "md-content__inner" in html:
            assert len(re.findall(LOADER, html)) == 1, path


NAVIGATION = "() => performance.getEntriesByType('navigation')[0]"


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_page_script_holds_up_neither_domcontentloaded_nor_material(request, base_url, device):
    """While the page script is still on its way (held here, as on a slow
    network), the page is parsed, DOMContentLoaded has fired and Material
    has mounted its components (its search reacts); the page script is asked
    for only then, and lands the page once it comes. A `<script defer>`
    holds DOMContentLoaded, and Material's start-up with it, until it has
    arrived."""
    tab = request.getfixturevalue("phone" if device == "phone" else "page")
    held = []
    tab.route("**/assets/kb.js", lambda route: held.append(route))
    try:
        with tab.expect_request("**/assets/kb.js"):
            tab.goto(base_url + ARTICLE, wait_until="domcontentloaded")
        timing = tab.evaluate(NAVIGATION + ".toJSON()")
        assert timing["domContentLoadedEventEnd"] > 0, "DOMContentLoaded did not wait for the page script"
        asked = tab.evaluate(
            "() => performance.getEntriesByType('resource').filter(e => e.name.endsWith('/assets/kb.js'))"
            ".map(e => e.startTime)"
        )
        assert all(t >= timing["domContentLoadedEventStart"] for t in asked), (asked, timing)
        # Material's components are mounted without it: its search dialog opens.
        tab.wait_for_function("() => window.component$ !== undefined && document.querySelector('.md-search')")
        tab.evaluate("() => document.getElementById('__search').click()")
        tab.wait_for_function("() => document.getElementById('__search').checked")
        assert not tab.evaluate(READY), "the page has not landed without its script"
        assert len(held) == 1, "asked for once"
        held[0].continue_()
        tab.wait_for_function(READY)
    finally:
        tab.unroute("**/assets/kb.js")


# -- the build step ----------------------------------------------------------------------------


def _hook():
    import importlib.util

    from kb.devtools import ROOT

    spec = importlib.util.spec_from_file_location("kb_hook_under_test", ROOT / "hooks" / "knowledge_base.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _config(tmp_path):
    from mkdocs.config.defaults import MkDocsConfig

    (tmp_path / "docs").mkdir()
    config = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    config.load_dict({"site_name": "x", "docs_dir": str(tmp_path / "docs"), "site_dir": str(tmp_path / "site")})
    errors, warnings = config.validate()
    assert not errors, errors
    config.plugins._current_plugin = None  # as during a build's events (File.generated reads it)
    return config


def test_the_build_adds_the_page_script_and_refuses_a_file_it_would_hide(tmp_path, caplog):
    from mkdocs.structure.files import File, Files

    hook, config = _hook(), _config(tmp_path)
    files = Files([])
    hook._add_page_script(files, config)
    added = sorted(f.src_uri for f in files)
    assert added == ["assets/kb-extras.debug.js", "assets/kb-extras.js", "assets/kb.debug.js", "assets/kb.js"]
    assert "kb-extras.js" in files.get_file_from_path("assets/kb.js").content_string

    stale = Files([File("assets/kb.js", config.docs_dir, config.site_dir, True)])
    with caplog.at_level("ERROR"):
        hook._add_page_script(stale, config)
    assert "docs/assets/kb.js: the page script is generated from kb/assets/js" in caplog.text
    assert "Fix: remove it" in caplog.text


def test_the_trimmed_stylesheet_keeps_what_only_the_extras_build(site):
    """kb/trimcss.py reads the scripts the pages load, and the ones they
    name: kb-extras.js, named by kb.js, builds these at run time."""
    css = (site / "assets" / "kb.css").read_text(encoding="utf-8")
    for name in ("kb-definition", "kb-tip", "kb-quotebar", "kb-preview-text", "kb-toast", "kb-lost"):
        assert f".{name}" in css, name
