"""The site as a reader meets it: on a phone, on paper, in a feed reader, at a
wrong address, and in its conventions (last updated, suggest an edit, no
stray lightbox arrows, readable diagram in every state).

Expected data comes from docs/ (articles' front matter, pages); every page
is served from 127.0.0.1 and driven in Debian's Chromium.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from urllib.parse import urljoin
from urllib.request import urlopen

import pytest
import yaml
from early import early
from tour import SCHEME

from kb.devtools import ROOT, QuietHandler, build_site, copy_project, pdf_text, serve
from kb.htmltext import built_pages, page_urls

from conftest import PHONE

ARTICLES = sorted(p for p in (ROOT / "docs" / "articles").glob("*.md") if p.name != "index.md")
SCHEMES = ["light", "dark"]
# The palette Material picks for each (from the media query, nothing saved).
PALETTE = {"light": "default", "dark": "slate"}


def in_scheme(tab, url: str, scheme: str) -> None:
    """Open `url` with the system set to `scheme`; check Material followed it."""
    tab.emulate_media(color_scheme=scheme)
    tab.goto(url)
    assert tab.evaluate(SCHEME) == PALETTE[scheme]


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    return yaml.safe_load(text.split("---", 2)[1])


def pages(site: Path) -> list[str]:
    return [url.lstrip("/") for url in page_urls(site)]


# -- Phones -------------------------------------------------------------------


PHONE_WIDTHS = [375, 320]


def test_no_page_scrolls_sideways_on_a_phone(phone, site, base_url):
    """Mobile emulation widens the layout viewport (innerWidth) to fit whatever
    overflows, so the page is measured against the phone's own width: each
    page once per width, turned from 375 to 320 px wide on the same load. (The
    dark palette changes colours only: the matrices and diagram are checked
    in both palettes below.)"""
    tab = phone
    wide = []
    for url in pages(site):
        tab.set_viewport_size({"width": PHONE_WIDTHS[0], "height": 740})
        tab.goto(base_url + url)
        for width in PHONE_WIDTHS:
            tab.set_viewport_size({"width": width, "height": 740})
            tab.wait_for_function("w => innerWidth <= w || document.scrollingElement.scrollWidth > w", arg=width)
            scroll_width, inner_width = tab.evaluate("[document.scrollingElement.scrollWidth, innerWidth]")
            if scroll_width > width or inner_width > width:
                wide.append((url, width, scroll_width, inner_width))
    assert not wide, f"pages wider than a phone (url, phone width, scrollWidth, innerWidth): {wide}"


MATRIX_PAGES = ["themes/", "disciplines/"]

# Every word of a column heading on one line: a word broken across lines has
# more than one client rectangle.
BROKEN_WORDS = """wrap => {
  const broken = [];
  for (const th of wrap.querySelectorAll("thead th")) {
    const walker = document.createTreeWalker(th, NodeFilter.SHOW_TEXT);
    for (let node; (node = walker.nextNode()); ) {
      for (const m of node.data.matchAll(/\\S+/g)) {
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""


@pytest.mark.parametrize("url", MATRIX_PAGES)
@pytest.mark.parametrize("scheme", SCHEMES)
def test_a_matrix_scrolls_in_its_own_box_on_a_phone(phone, base_url, url, scheme):
    tab = phone
    in_scheme(tab, base_url + url, scheme)
    wrap = tab.locator(".kb-matrix-wrap").first
    wrap.scroll_into_view_if_needed()
    box = wrap.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["viewport"]["width"]
    # The table is wider than the phone and scrolls inside its box.
    assert wrap.evaluate("w => w.scrollWidth > w.clientWidth")
    # A visible line says so.
    hint = wrap.evaluate(
        "w => { const s = getComputedStyle(w, '::before'); return [s.visibility, parseFloat(s.height), s.content]; }"
    )
    assert hint[0] == "visible" and hint[1] > 0 and "sideways" in hint[2], hint
    # Headings break between words, never inside one.
    assert wrap.evaluate(BROKEN_WORDS) == []
    # The caption is as wide as the box at most: nothing of it is cut.
    caption = wrap.locator("caption").bounding_box()
    assert caption["x"] >= box["x"] - 1 and caption["x"] + caption["width"] <= box["x"] + box["width"] + 1
    # Scrolled to the end, the row headings are still in view at the left.
    first_heading = wrap.locator("tbody th[scope=row]").first
    before = first_heading.bounding_box()["x"]
    wrap.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
    tab.wait_for_function("w => w.scrollLeft > 0", arg=wrap.element_handle())
    after = first_heading.bounding_box()["x"]
    assert box["x"] - 0.5 <= after <= before, (box["x"], before, after)
    # ... and a cell that was off screen is now inside the box.
    last_cell = wrap.locator("tbody tr").first.locator("td").last.bounding_box()
    assert last_cell["x"] + last_cell["width"] <= box["x"] + box["width"] + 1


@pytest.mark.parametrize("url", MATRIX_PAGES)
def test_a_matrix_that_fits_shows_no_scroll_hint(page, base_url, url):
    tab = page
    tab.set_viewport_size({"width": 1280, "height": 900})
    tab.goto(base_url + url)
    wrap = tab.locator(".kb-matrix-wrap").first
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")
    hint = wrap.evaluate(
        "w => { const s = getComputedStyle(w, '::before'); return [s.visibility, parseFloat(s.height)]; }"
    )
    assert hint == ["hidden", 0], hint


# -- The disciplines diagram ----------------------------------------------------


def _luminance(rgb):
    def channel(c):
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _parse(colour: str):
    """'rgb(1, 2, 3)' / 'rgba(1, 2, 3, 0.5)' / 'color(srgb r g b / a)' -> (r, g, b, a) in 0-255."""
    numbers = [float(n) for n in re.findall(r"[\d.]+", colour)]
    if colour.startswith("color("):
        r, g, b = (n * 255 for n in numbers[:3])
        return r, g, b, numbers[3] if len(numbers) > 3 else 1.0
    return (*numbers[:3], numbers[3] if len(numbers) > 3 else 1.0)


def _over(top, bottom):
    r, g, b, a = top
    return tuple(a * c + (1 - a) * d for c, d in zip((r, g, b), bottom[:3], strict=True))


def contrast(foreground: str, background: str, page_background: str) -> float:
    page = _parse(page_background)[:3]
    back = _over(_parse(background), page)
    fore = _over(_parse(foreground), back)
    light, dark = sorted((_luminance(fore), _luminance(back)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


NODE_COLOURS = """a => [...a.querySelectorAll('text')].map(t => [getComputedStyle(t).fill,
  getComputedStyle(a.querySelector('circle')).fill, getComputedStyle(document.body).backgroundColor])"""


@pytest.mark.parametrize("scheme", SCHEMES)
def test_every_state_of_the_diagram_nodes_has_4_5_to_1_contrast(page, base_url, scheme):
    tab = page
    tab.set_viewport_size({"width": 1280, "height": 900})
    in_scheme(tab, base_url + "disciplines/", scheme)
    nodes = tab.locator("#kb-cycle a.kb-cycle-node")
    count = nodes.count()
    expected = len(re.findall(r"^## ", (ROOT / "docs" / "disciplines.md").read_text(encoding="utf-8"), re.M))
    assert count >= 6 and count <= max(expected, 6)
    low = []
    states = {}
    for i in range(count):
        node = nodes.nth(i)
        name = node.get_attribute("aria-label")
        tab.mouse.move(0, 0)
        tab.evaluate("() => document.activeElement && document.activeElement.blur()")
        states["rest"] = node.evaluate(NODE_COLOURS)
        node.hover()
        tab.wait_for_function("a => a.matches(':hover')", arg=node.element_handle())
        states["hover"] = node.evaluate(NODE_COLOURS)
        tab.mouse.move(0, 0)
        node.focus()
        tab.wait_for_function("a => a.matches(':focus')", arg=node.element_handle())
        states["focus"] = node.evaluate(NODE_COLOURS)
        for state, texts in states.items():
            for fill, circle, background in texts:
                ratio = contrast(fill, circle, background)
                if ratio < 4.5:
                    low.append((name, state, fill, circle, round(ratio, 2)))
        # A state must look different from rest, or hover/focus would be invisible.
        assert states["hover"][0][1] != states["rest"][0][1], name
    # The words in the middle of the cycle, on the page itself.
    for fill, background in tab.evaluate("""() => [...document.querySelectorAll('#kb-cycle .kb-cycle-centre')]
        .map(t => [getComputedStyle(t).fill, getComputedStyle(document.body).backgroundColor])"""):
        ratio = contrast(fill, background, background)
        if ratio < 4.5:
            low.append(("centre", "rest", fill, background, round(ratio, 2)))
    assert not low, low


def test_the_lightbox_with_one_item_has_no_arrows(page, base_url):
    page.goto(base_url + "disciplines/")
    page.locator(".kb-enlarge").click()
    page.wait_for_selector(".glightbox-container .kb-cycle")
    buttons = page.locator(".glightbox-container .gprev, .glightbox-container .gnext")
    assert buttons.count() == 2  # GLightbox draws them ...
    assert not buttons.first.is_visible() and not buttons.last.is_visible()  # ... and they stay hidden
    assert page.locator(".glightbox-container .gclose").is_visible()
    page.keyboard.press("Escape")
    page.wait_for_function("() => !document.querySelector('.glightbox-container')")


# -- Print ----------------------------------------------------------------------


def glossary_definitions() -> dict[str, str]:
    """Term -> the first sentence of its definition, from docs/glossary.md."""
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    found = {}
    for section in re.split(r"^## ", text, flags=re.M)[1:]:
        term, _, body = section.partition("\n")
        paragraphs = [p for p in re.split(r"\n\s*\n", body) if p.strip() and not p.strip().startswith("*Also")]
        if paragraphs:
            first = " ".join(paragraphs[0].split())
            found[term.strip()] = re.split(r"(?<=\.)\s", first)[0][:60]
    return found


def test_a_printed_article_keeps_its_byline_and_prints_terms_plainly(page, base_url, tmp_path):
    path = next(p for p in ARTICLES if front_matter(p).get("author"))
    meta = front_matter(path)
    text = pdf_text(page, base_url + f"articles/{path.stem}/", tmp_path / "a.pdf")
    terms_on_page = page.locator("article a.kb-term").count()
    assert meta["author"] in text
    assert "Last updated" in text
    assert "Suggest an edit" not in text
    assert terms_on_page > 0
    definitions = glossary_definitions()
    assert definitions, "no glossary definitions read from docs/glossary.md"
    for term, definition in definitions.items():
        # Never in brackets after the term; at most once (the definitions at the end).
        assert text.count(definition) <= 1, (term, definition)
        assert "[" + term not in text


def test_a_printed_article_keeps_the_editorial_note(page, base_url, tmp_path):
    path = next(p for p in ARTICLES if front_matter(p).get("title_editorial"))
    page.goto(base_url + f"articles/{path.stem}/")
    note = page.locator(".kb-editorial-note").first.inner_text().strip()
    text = pdf_text(page, page.url, tmp_path / "a.pdf")
    assert note and " ".join(note.split()) in text


def test_a_print_view_on_screen_has_a_way_back_a_print_button_and_short_lines(page, site, base_url):
    # Behaviour and layout, the same in both palettes (the accessibility test
    # checks each page's colours in both).
    themes = sorted(p.parent.name for p in (site / "print").glob("*/index.html"))
    assert themes
    tab = page
    tab.set_viewport_size({"width": 1280, "height": 900})
    for theme in themes:
        tab.goto(base_url + f"print/{theme}/")
        # Print: the button calls the browser's print.
        tab.evaluate("() => { window.__printed = 0; window.print = () => { window.__printed += 1; }; }")
        tab.get_by_role("button", name=re.compile("Print")).click()
        tab.wait_for_function("() => window.__printed === 1")
        # Lines of a readable length: at most about 75 characters.
        chars = tab.evaluate("""() => {
            const p = document.querySelector('.kb-print-article p');
            const probe = document.createElement('span');
            probe.textContent = '0'.repeat(50);
            p.appendChild(probe);
            const ch = probe.getBoundingClientRect().width / 50;
            probe.remove();
            return p.getBoundingClientRect().width / ch;
        }""")
        assert 40 < chars <= 75, chars
        # The way back leads to the theme's page.
        back = tab.get_by_role("link", name=re.compile("^.?\\s*Back to"))
        back.click()
        tab.wait_for_url(f"**/themes/{theme}/")
        assert tab.locator("h1").first.is_visible()


@pytest.fixture(scope="module")
def culture_printed(browser, base_url, tmp_path_factory) -> str:
    """The culture theme's print view, printed to PDF once for the tests below."""
    tab = browser.new_page()
    text = pdf_text(tab, base_url + "print/culture/", tmp_path_factory.mktemp("print") / "p.pdf")
    tab.close()
    return text


def test_a_print_view_prints_without_its_bar(culture_printed):
    text = culture_printed
    assert "Back to" not in text and "Print or save as PDF" not in text


def test_a_print_view_keeps_bylines_and_editorial_notes(culture_printed):
    in_theme = [front_matter(p) for p in ARTICLES if "culture" in front_matter(p).get("themes", [])]
    text = culture_printed
    for meta in in_theme:
        if meta.get("author"):
            assert meta["author"] in text, meta["title"]
        if meta.get("title_editorial"):
            assert "given by the editors" in text, meta["title"]


# -- Feed --------------------------------------------------------------------------


def test_the_feed_lists_every_article_by_publication_date(site, base_url):
    import feedparser

    feed = feedparser.parse((site / "feed_rss_created.xml").read_bytes())
    assert not feed.bozo, feed.get("bozo_exception")
    metas = {front_matter(p)["title"]: (p, front_matter(p)) for p in ARTICLES}
    titles = [entry.title for entry in feed.entries]
    assert sorted(titles) == sorted(metas)
    stamps = [entry.published_parsed for entry in feed.entries]
    assert stamps == sorted(stamps, reverse=True), "newest first"
    for entry in feed.entries:
        path, meta = metas[entry.title]
        assert entry.link.endswith(f"/articles/{path.stem}/")
        assert (site / "articles" / path.stem / "index.html").exists()
        if meta.get("published"):
            published = meta["published"]
            assert dt.date(*entry.published_parsed[:3]) == published, entry.title
        if meta.get("author"):
            assert entry.author == meta["author"], entry.title
        # Categories are the themes' titles, as readers see them on the site.
        themes = {p.stem: front_matter(p)["title"] for p in (ROOT / "docs" / "themes").glob("*.md")}
        assert sorted(tag.term for tag in entry.tags) == sorted(themes[t] for t in meta["themes"])
        assert entry.summary == meta["description"]


def test_every_page_announces_the_feed(site, base_url):
    """Feed readers find the feed from any page: a <link rel="alternate"> in
    every page's head (read from the built pages: it is for programs, not
    seen), pointing at a feed the server answers."""
    feed = base_url + "feed_rss_created.xml"
    missing = []
    for path, url in zip(built_pages(site), page_urls(site), strict=True):
        html = path.read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        hrefs = [
            urljoin(base_url + url.lstrip("/"), href)
            for link in re.findall(r'<link[^>]*rel="alternate"[^>]*>', head)
            if 'type="application/rss+xml"' in link
            for href in re.findall(r'href="([^"]*)"', link)
        ]
        if feed not in hrefs:
            missing.append(url)
    assert not missing, missing
    with urlopen(feed) as response:
        assert response.status == 200 and b"<rss" in response.read()


# -- Last updated, suggest an edit --------------------------------------------------


def test_every_page_from_a_source_says_when_it_was_last_updated(site):
    today = dt.date.today()
    missing = []
    for url in pages(site):
        if url.startswith("print/") or url == "404.html":
            continue
        html = (site / url / "index.html").read_text(encoding="utf-8")
        found = re.search(r'class="md-source-file__fact kb-updated">Last updated\s*<time datetime="([\d-]+)">', html)
        if not found:
            missing.append(url)
            continue
        assert dt.date.fromisoformat(found.group(1)) <= today + dt.timedelta(days=1), url
    assert not missing, missing


@early
def edit_build(tmp_path_factory):
    """A scratch copy (not a git repository) built with an edit address: the
    build must stay strict-green without git history (its pages then say
    nothing of when they changed, rather than the build's date)."""
    project = copy_project(tmp_path_factory.mktemp("project"))
    site_dir = tmp_path_factory.mktemp("edit-site")
    result = build_site(project, site_dir, {"EDIT_URI": "https://example.org/kb/edit/main/docs/"})
    assert result.returncode == 0, result.stderr
    return site_dir


@pytest.fixture(scope="module")
def edit_site(edit_build):
    site_dir = edit_build
    server = serve(site_dir)
    yield site_dir, f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_suggest_an_edit_links_to_the_source_and_asks_no_other_host(page, edit_site):
    site_dir, url = edit_site
    tab = page
    requested = tab.requested_urls
    path = ARTICLES[0]
    tab.goto(url + f"articles/{path.stem}/")
    link = tab.get_by_role("link", name="Suggest an edit to this page")
    assert link.get_attribute("href") == f"https://example.org/kb/edit/main/docs/articles/{path.name}"
    assert tab.locator(".md-source, [data-md-component=source]").count() == 0  # no repository widget
    assert "Last updated" not in tab.locator(".kb-page-facts").inner_text()  # no history here
    tab.goto(url + "glossary/")
    assert (
        tab.get_by_role("link", name="Suggest an edit to this page").get_attribute("href").endswith("/docs/glossary.md")
    )
    tab.goto(url + "print/culture/")  # generated: there is no source to edit
    assert tab.locator(".kb-edit-link").count() == 0
    assert requested and all(r.startswith(url) for r in requested), [r for r in requested if not r.startswith(url)]


def test_without_an_edit_address_there_is_no_edit_link(site):
    html = (site / "articles" / ARTICLES[0].stem / "index.html").read_text(encoding="utf-8")
    assert "kb-edit-link" not in html and "Last updated" in html


# -- 404 ----------------------------------------------------------------------------


class NotFoundHandler(QuietHandler):
    """Like a static host: a missing path gets 404.html with status 404."""

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if not path.exists():
            body = (Path(self.directory) / "404.html").read_bytes()
            self.send_response(404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()

            return io.BytesIO(body)
        return super().send_head()


@pytest.fixture(scope="module")
def host(site):
    server = serve(site, handler_class=NotFoundHandler)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


ENTRY_POINTS = {
    "Home": "",
    "Articles": "articles/",
    "Themes": "themes/",
    "Glossary": "glossary/",
    "Disciplines": "disciplines/",
}


def test_the_404_page_offers_search_and_the_main_pages(phone, site, host):
    # Behaviour, the same in both palettes (colours: the accessibility test).
    tab = phone
    response = tab.goto(host + "articles/is-cx-new/")
    assert response.status == 404
    assert tab.locator("h1").first.inner_text() == "Page not found"
    assert tab.evaluate("document.scrollingElement.scrollWidth") <= PHONE["viewport"]["width"]
    for name, target in ENTRY_POINTS.items():
        link = tab.locator(".kb-404-entries").get_by_role("link", name=name, exact=True)
        assert link.evaluate("a => a.href") == host + target
        assert (site / target / "index.html").exists()
    # Served at any depth, so the links are absolute paths in the file.
    raw = (site / "404.html").read_text(encoding="utf-8")
    entries = raw[raw.index('class="kb-404-entries"') :]
    assert re.findall(r'href="([^"]*)"', entries)[: len(ENTRY_POINTS)] == ["/" + t for t in ENTRY_POINTS.values()]
    # The search box holds the words of the address, and searching opens the
    # site's search with them.
    box = tab.get_by_role("searchbox", name="Search for")
    assert box.input_value() == "is cx new"
    box.fill("omnichannel")
    box.press("Enter")
    tab.wait_for_url("**/?q=omnichannel")
    tab.wait_for_function("() => document.querySelector('[data-md-component=search-query]').value === 'omnichannel'")
    tab.wait_for_selector(".md-search-result__item")
    # The entry points work from a page deep in a missing path too.
    tab.goto(host + "a/b/c/missing/")
    tab.locator(".kb-404-entries").get_by_role("link", name="Glossary", exact=True).click()
    tab.wait_for_url(host + "glossary/")
    assert all(r.startswith(host) for r in tab.requested_urls)


# -- Transcription repairs (kb/transcription.py) -------------------------------------


@pytest.mark.parametrize(
    "damaged, repaired",
    [
        ("it\u00e2\u20ac\u2122s", "it\u2019s"),  # UTF-8 read as Windows-1252
        ("don\u00e2\x80\x99t", "don\u2019t"),  # ... as Latin-1: C1 controls
        ("\u00c3\u00a2\u00e2\u201a\u00ac\u00e2\u201e\u00a2 twice", "\u2019 twice"),  # garbled twice
        ("caf\u00c3\u00a9 at \u00c2\u00a35", "caf\u00e9 at \u00a35"),
        ("the past.\u00c2", "the past."),  # stray half of a no-break space
        ("ad\u03bfpt", "adopt"),  # Greek omicron in a Latin word
        ("\u201ccurly\u201d it\u2019s", "\u201ccurly\u201d it\u2019s"),  # the authors' quotes stay curly
        (
            "\u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1",
            "\u03ba\u03b1\u03bb\u03b7\u03bc\u03ad\u03c1\u03b1",
        ),  # real Greek stays
    ],
)
def test_transcription_repairs_mojibake_with_ftfy_and_keeps_the_articles_own_repairs(damaged, repaired):
    from kb import transcription

    assert transcription.repair_line(damaged) == repaired
