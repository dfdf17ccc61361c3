"""Deep links land every time, down to the sentence (issue 14).

The site is built with site_url equal to the served address (conftest `site`),
so Material's instant navigation and navigation.tracking are really on.
Nothing here sleeps: every wait is for a state the page exposes. The landing
script marks the landed element with a lasting [data-kb-landed] and puts the
landed URL on <html data-kb-landed="...">.
"""

from __future__ import annotations

import re
from urllib.request import urlopen

import pytest
from test_features_browser import EMPTY_CLIPBOARD, glossary_definitions

from conftest import ALIAS, ALIASED, PHONE
from test_indexes import articles

ARTICLE = "articles/is-customer-experience-new/"

# Every kind of cross-page passage link on the site: where it is, how to find it.
KINDS = ["disciplines", "inline", "backlink", "appears"]

PICK = """([selector, index, only]) => {
  const here = location.pathname;
  const links = selector
    ? [...document.querySelectorAll(selector)]
    : [...document.querySelectorAll('.md-content__inner :is(p, li)[id^="p-"] a[href*="#"]')].filter(a =>
        !a.matches('.kb-term, .kb-anchor, .kb-discipline, .kb-chip, .headerlink') &&
        !a.closest('.kb-article-header, .kb-article-footer, .kb-backlinks, .kb-passages, .kb-appears'));
  const cross = links.filter(a => { const u = new URL(a.href);
    return u.pathname !== here && u.hash.length > 1 && (!only || u.pathname.includes(only)); });
  document.querySelectorAll('[data-test-pick]').forEach(a => a.removeAttribute('data-test-pick'));
  if (!cross.length) return [0, null];
  const a = cross[index % cross.length];
  a.setAttribute('data-test-pick', '');
  return [cross.length, a.href];
}"""

LANDED = """([href, id]) => document.documentElement.getAttribute('data-kb-landed') === href &&
  !!document.getElementById(id) && document.getElementById(id).hasAttribute('data-kb-landed')"""

IN_VIEW = """id => { const el = document.getElementById(id);
  const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
  const r = el.getBoundingClientRect();
  return {top: r.top, header, height: innerHeight, ok: r.top >= header - 1 && r.top < innerHeight - 8}; }"""

# The section a passage belongs to: the last TOC heading before it.
SECTION = """id => { const el = document.getElementById(id);
  const links = [...document.querySelectorAll('.md-nav--secondary a.md-nav__link')];
  let want = null;
  for (const a of links) { const h = document.getElementById(decodeURIComponent(a.hash.slice(1)));
    if (h && (h === el || (h.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_FOLLOWING))) want = a.hash; }
  const active = document.querySelector('.md-nav--secondary a.md-nav__link--active');
  return {want, active: active ? active.hash : null}; }"""

# Material writes history 100 ms (offset) and 250 ms (navigation.tracking)
# after the viewport last moved. "Quiet" = the offset of this entry is
# recorded and nothing scrolled for 300 ms, so those writes have had their go.
QUIET_INIT = """addEventListener('scroll', () => { window.__kbLastScroll = performance.now(); }, true);"""
QUIET = """() => history.state && typeof history.state.y === 'number' &&
  Math.abs(history.state.y - scrollY) < 2 && performance.now() - (window.__kbLastScroll || 0) > 300"""


def slugs() -> list[str]:
    return sorted(articles())


def wait_ready(page, url: str) -> None:
    page.wait_for_function("u => document.documentElement.getAttribute('data-kb-landed') === u", arg=url)


def open_page(page, url: str) -> None:
    page.goto(url)
    wait_ready(page, page.url)


def follow(page, href: str, phone: bool) -> str:
    """Click (or tap) the picked link; wait until its passage has landed."""
    passage_id = href.split("#", 1)[1]
    link = page.locator("[data-test-pick]")
    link.tap() if phone else link.click()
    page.wait_for_function(LANDED, arg=[href, passage_id])
    return passage_id


def assert_landed(page, href: str, passage_id: str, kind: str = "") -> None:
    assert page.url == href, kind
    view = page.evaluate(IN_VIEW, passage_id)
    assert view["ok"], (kind, href, view, page.evaluate("scrollY"))
    section = page.evaluate(SECTION, passage_id)
    if section["want"]:
        assert section["active"] == section["want"], section


@pytest.fixture(scope="module")
def device_pages(chromium):
    """One tab per device, kept for the module."""
    made = {}
    yield made
    for page in made.values():
        page.context.close()


@pytest.fixture
def contexts(device_pages, chromium, base_url):
    """`contexts(device, rate)`: that tab, its CPU slowed `rate` times for
    this test only. Chromium's throttle keeps a core busy for as long as it
    is on, even on an idle page, so it is lifted when the test ends."""
    throttled = []

    def get(device: str, rate: int):
        if device not in device_pages:
            kwargs = dict(PHONE) if device == "phone" else {"viewport": {"width": 1280, "height": 800}}
            context = chromium.new_context(**kwargs)
            context.add_init_script(QUIET_INIT)
            page = context.new_page()
            page.set_default_timeout(30000)
            page.errors = []
            page.on("pageerror", lambda e, p=page: p.errors.append(str(e)))
            page.cdp = context.new_cdp_session(page)
            device_pages[device] = page
        page = device_pages[device]
        page.errors = []  # this test's
        if rate > 1:
            page.cdp.send("Emulation.setCPUThrottlingRate", {"rate": rate})
            throttled.append(page)
        return page

    yield get
    for page in throttled:
        page.cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})


# -- landing --------------------------------------------------------------------

# One walk per device and throttle through every kind of link, each followed
# with instant navigation from where the last one landed (stale timers of the
# page left behind are exactly what used to rewrite the URL): the disciplines
# page -> its passage list -> article -> inline link -> article -> "Linked
# from" -> article -> a glossary term -> glossary -> "Appears in" -> article.
WALK = [
    ("disciplines", ".kb-passages a", None),
    ("inline", None, None),
    ("backlink", ".kb-backlinks a", "/articles/"),
    ("term", "a.kb-term", "/glossary/"),
    ("appears", ".kb-appears a", None),
]


@pytest.mark.parametrize("device,rate", [("desktop", 1), ("desktop", 4), ("phone", 1), ("phone", 4)])
def test_every_kind_of_cross_page_passage_link_lands_with_its_own_url(contexts, base_url, device, rate):
    page = contexts(device, rate)
    phone = device == "phone"
    seed = {"desktop": 0, "phone": 2}[device] + rate  # a different sample per combination
    source = base_url + "disciplines/"
    open_page(page, source)
    kinds = []
    for n, (kind, selector, only) in enumerate(WALK):
        count, href = page.evaluate(PICK, [selector, seed + n, only])
        assert count and href, f"no {kind} link on {page.url}"
        if kind == "term" and phone:
            # On touch a term shows its definition; its link goes on.
            page.locator("[data-test-pick]").tap()
            page.locator(".kb-definition[data-visible] a").evaluate(
                "a => { document.querySelector('[data-test-pick]').removeAttribute('data-test-pick');"
                "       a.setAttribute('data-test-pick', ''); }"
            )
        passage_id = follow(page, href, phone)
        assert_landed(page, href, passage_id, kind)
        # Material's delayed history writes come and go: the URL stays.
        page.wait_for_function(QUIET)
        assert page.url == href, kind
        assert page.evaluate(IN_VIEW, passage_id)["ok"]
        kinds.append(kind)
    assert set(KINDS) <= set(kinds)
    # All of it instant navigation, not one reload.
    assert page.evaluate("performance.getEntriesByType('navigation')[0].name") == source
    assert page.errors == []


# The slow device is the phone: Back/Forward and cold loads run throttled
# there, and at full speed on the desktop (the walk above does both at both).
SLOW = {"desktop": 1, "phone": 4}


@pytest.mark.parametrize("device,rate", list(SLOW.items()))
def test_back_and_forward_restore_the_page_url_and_position(contexts, base_url, device, rate):
    page = contexts(device, rate)
    phone = device == "phone"
    open_page(page, base_url + "disciplines/")
    _, first = page.evaluate(PICK, [".kb-passages a", 3, None])
    first_id = follow(page, first, phone)
    assert_landed(page, first, first_id)
    page.wait_for_function(QUIET)
    # On to another article from a backlink further down this one.
    _, second = page.evaluate(PICK, [".kb-backlinks a", 1, None])
    page.locator("[data-test-pick]").scroll_into_view_if_needed()
    page.wait_for_function(QUIET)
    left_at = page.evaluate("scrollY")
    second_id = follow(page, second, phone)
    assert_landed(page, second, second_id)
    page.wait_for_function(QUIET)

    page.go_back()
    wait_ready(page, first)
    assert page.url == first
    assert abs(page.evaluate("scrollY") - left_at) <= 2
    page.go_forward()
    wait_ready(page, second)
    assert page.url == second
    assert page.evaluate(IN_VIEW, second_id)["ok"]
    assert page.errors == []


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_cold_load_lands_below_the_header(contexts, base_url, device):
    page = contexts(device, SLOW[device])
    for slug in slugs()[:2]:
        html = urlopen(base_url + f"articles/{slug}/").read().decode()
        ids = re.findall(r'<(?:p|li) id="(p-[^"]+)"', html)
        href = base_url + f"articles/{slug}/#{ids[len(ids) * 2 // 3]}"
        page.goto(href)
        page.wait_for_function(LANDED, arg=[href, ids[len(ids) * 2 // 3]])
        assert_landed(page, href, ids[len(ids) * 2 // 3])


def test_a_passage_on_the_same_page_lands_and_keeps_its_url(contexts, base_url):
    page = contexts("desktop", 1)
    open_page(page, base_url + "glossary/")
    page.evaluate("document.querySelector('a.kb-letters, .kb-letters a').setAttribute('data-test-pick', '')")
    href = page.locator("[data-test-pick]").evaluate("a => a.href")
    page.locator("[data-test-pick]").click()
    target = href.split("#")[1]
    page.wait_for_function(LANDED, arg=[href, target])
    assert_landed(page, href, target)


# -- lost anchors -------------------------------------------------------------------


def test_an_unknown_passage_is_explained_and_offers_the_page_top(page, base_url):
    href = base_url + ARTICLE + "#p-this-passage-is-long-gone"
    page.goto(href)
    wait_ready(page, href)
    notice = page.locator(".kb-lost")
    assert "moved or was removed" in notice.inner_text()
    assert notice.is_visible()
    top = notice.locator("a.kb-lost-top")
    assert top.get_attribute("href") == base_url + ARTICLE
    top.click()
    wait_ready(page, base_url + ARTICLE)
    assert page.url == base_url + ARTICLE
    try:
        page.wait_for_function("() => scrollY === 0 && !document.querySelector('.kb-lost')", timeout=10000)
    except Exception:  # say what the page shows instead
        state = page.evaluate("() => [scrollY, !!document.querySelector('.kb-lost'), location.href, history.state]")
        raise AssertionError(f"not at the top without the notice: {state}") from None
    page.go_back()  # the notice's entry is kept: Back explains again
    page.wait_for_function("() => !!document.querySelector('.kb-lost')")
    assert page.url == href


def test_an_alias_lands_on_its_passage(edited_site, page):
    # A paragraph whose opening words were rewritten keeps its old id as an
    # alias (README, "Links that never rot"): the edited copy has one.
    site, base = edited_site
    html = (site / ALIASED / "index.html").read_text(encoding="utf-8")
    passage_id = re.search(rf'<p\b[^>]*\bid="(p-[^"]+)"[^>]*><span class="kb-alias" id="{ALIAS}">', html).group(1)
    href = f"{base}{ALIASED}#{ALIAS}"
    page.goto(href)
    page.wait_for_function(LANDED, arg=[href, passage_id])
    assert page.locator(".kb-lost").count() == 0
    assert page.evaluate(IN_VIEW, passage_id)["ok"]


# -- the copy-link control ------------------------------------------------------------


def test_the_copy_mark_is_a_24px_target_its_tooltip_goes_and_the_toast_covers_no_text(browser, page, base_url):
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    open_page(page, base_url + ARTICLE)
    page.evaluate(EMPTY_CLIPBOARD)
    passage = page.locator("p[id^='p-']").nth(3)
    passage_id = passage.get_attribute("id")
    mark = passage.locator("a.kb-anchor")
    passage.scroll_into_view_if_needed()
    mark.hover()
    box = mark.bounding_box()
    assert box["width"] >= 24 and box["height"] >= 24, box
    tip = page.locator(".kb-tip[data-visible]", has_text="Copy link to this passage")
    tip.wait_for()
    mark.click()
    page.wait_for_function(
        "id => document.querySelector('#' + id + ' a.kb-anchor').hasAttribute('data-copied')", arg=passage_id
    )
    toast = page.get_by_role("status").filter(has_text="Link copied")
    toast.wait_for()
    assert not tip.is_visible()
    assert page.evaluate("navigator.clipboard.readText()") == f"{base_url}{ARTICLE}#{passage_id}"
    assert page.url == f"{base_url}{ARTICLE}#{passage_id}"
    # The toast sits in the header band: it hides no visible part of any text.
    overlap = page.evaluate("""() => {
        const t = document.querySelector('.kb-toast').getBoundingClientRect();
        const header = document.querySelector('.md-header').getBoundingClientRect();
        const hits = [...document.querySelectorAll('.md-content :is(p, li, h1, h2, h3)')].filter(el => {
            const r = el.getBoundingClientRect(), top = Math.max(r.top, header.bottom);
            return r.bottom > top && top < t.bottom && r.bottom > t.top && r.left < t.right && r.right > t.left; });
        return {inHeader: t.bottom <= header.bottom, hits: hits.length}; }""")
    assert overlap == {"inHeader": True, "hits": 0}


# -- sentence links --------------------------------------------------------------------

SELECT = """([id, sentence]) => {
  const p = document.getElementById(id);
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const i = n.nodeValue.indexOf(sentence);
    if (i >= 0) { const r = document.createRange(); r.setStart(n, i); r.setEnd(n, i + sentence.length);
      const s = getSelection(); s.removeAllRanges(); s.addRange(r); return true; }
  }
  return false; }"""


def a_sentence(page) -> tuple[str, str]:
    """A passage below the fold and its second sentence, from one text node."""
    return page.evaluate("""() => {
      const ps = [...document.querySelectorAll('.md-content__inner > p[id^="p-"]')];
      for (const p of ps.slice(4)) {
        for (const n of p.childNodes) {
          if (n.nodeType !== 3) continue;
          const parts = n.nodeValue.split(/(?<=[.!?])\\s+/);
          if (parts.length >= 3 && parts[1].split(' ').length >= 6) return [p.id, parts[1]];
        }
      }
      return null; }""")


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_a_quote_link_copied_here_highlights_the_same_sentence_cold_elsewhere(request, chromium, base_url, device):
    page = request.getfixturevalue("phone" if device == "phone" else "page")
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    open_page(page, base_url + ARTICLE)
    page.evaluate(EMPTY_CLIPBOARD)
    passage_id, sentence = a_sentence(page)
    assert page.evaluate(SELECT, [passage_id, sentence])
    bar = page.locator(".kb-quotebar[data-visible]")
    bar.wait_for()
    # The toolbar never covers the selected words.
    covered = page.evaluate("""() => { const b = document.querySelector('.kb-quotebar').getBoundingClientRect();
        return [...getSelection().getRangeAt(0).getClientRects()].some(r =>
            r.left < b.right && r.right > b.left && r.top < b.bottom && r.bottom > b.top); }""")
    assert not covered
    bar.get_by_role("button", name="Copy link to quote").click()
    page.get_by_role("status").filter(has_text="Link to quote copied").wait_for()
    url = page.evaluate("navigator.clipboard.readText()")
    assert url.startswith(f"{base_url}{ARTICLE}#{passage_id}:~:text=")

    # With citation: plain text and HTML, quote, author, article and link.
    assert page.evaluate(SELECT, [passage_id, sentence])
    bar.wait_for()
    bar.get_by_role("button", name="Copy quote with citation").click()
    page.get_by_role("status").filter(has_text="Quote with citation copied").wait_for()
    copied = page.evaluate("""async () => { const [item] = await navigator.clipboard.read();
        const out = {}; for (const t of item.types) out[t] = await (await item.getType(t)).text(); return out; }""")
    meta = articles()["is-customer-experience-new"]
    for kind in ("text/plain", "text/html"):
        text = copied[kind]
        assert sentence in text and meta["author"] in text and meta["title"].replace("?", "") in text, (kind, text)
    assert url in copied["text/plain"]
    assert f'href="{url.replace("&", "&amp;")}"' in copied["text/html"]

    # A colleague's browser: nothing of the writer's in it.
    reader = chromium.new_context(**(PHONE if device == "phone" else {}))
    cold = reader.new_page()
    cold.goto(url)
    cold.wait_for_function("id => document.getElementById(id).hasAttribute('data-kb-quote')", arg=passage_id)
    assert cold.get_attribute(f"#{passage_id}", "data-kb-quote") == " ".join(sentence.split())
    assert cold.evaluate("CSS.highlights.get('kb-quote').size") == 1
    rect = cold.evaluate("""() => { const r = [...CSS.highlights.get('kb-quote')][0].getBoundingClientRect();
        return {top: r.top, header: document.querySelector('.md-header').getBoundingClientRect().bottom, h: innerHeight}; }""")
    assert rect["header"] <= rect["top"] < rect["h"], rect
    reader.close()


QUOTE_STYLE = """id => { const bg = el => getComputedStyle(el, '::highlight(kb-quote)').backgroundColor;
  const quoted = document.querySelector('[data-kb-quote]'), other = [...document.querySelectorAll('.md-typeset > p[id]')]
    .find(p => p.id !== id);
  return {quoted: bg(quoted), inside: [...quoted.querySelectorAll('*')].map(bg), other: bg(other),
          nav: bg(document.querySelector('.md-nav__link')), body: bg(document.body)}; }"""


def test_a_quote_is_coloured_and_nothing_else_carries_the_quote_style(page, base_url):
    """The quoted words take the quote colour, in the passage and in any link
    within it; no other element of the page has a quote style to compute (a
    page-wide ::highlight() rule made every element's style costlier in each
    of the page's full style recalculations)."""
    page.goto(base_url + ARTICLE + "#p-ok-so-customer-experience-or:~:text=Customer%20Experience")
    page.wait_for_function("() => CSS.highlights.has('kb-quote')")
    style = page.evaluate(QUOTE_STYLE, "p-ok-so-customer-experience-or")
    none = "rgba(0, 0, 0, 0)"
    assert style["quoted"] != none and set(style["inside"]) == {style["quoted"]}, style
    assert (style["other"], style["nav"], style["body"]) == (none, none, none), style


# -- previews ---------------------------------------------------------------------------


def passage_text(html: str, passage_id: str) -> str:
    body = re.search(rf'<(p|li)\b[^>]*\bid="{re.escape(passage_id)}"[^>]*>(.*?)</\1>', html, re.S).group(2)
    body = re.sub(
        r'<span class="kb-expansions".*?</span>|<a aria-label="Copy link[^>]*></a>|'
        r'<span class="kb-disciplines".*?</span>',
        "",
        body,
        flags=re.S,
    )
    import html as htmllib

    return " ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", body)).split())


@pytest.mark.parametrize("how", ["focus", "hover"])
def test_a_link_to_another_articles_passage_previews_it(page, base_url, how):
    open_page(page, base_url + ARTICLE)
    _, href = page.evaluate(PICK, [".kb-backlinks a" if how == "focus" else None, 1, None])
    link = page.locator("[data-test-pick]")
    link.scroll_into_view_if_needed()
    boxes = page.evaluate(
        "() => [...document.querySelectorAll('.md-content p')].map(p => p.getBoundingClientRect().top)"
    )
    if how == "focus":
        # From the keyboard: Tab onto the link from the element before it.
        page.evaluate(
            "() => { const a = document.querySelector('[data-test-pick]'); a.previousElementSibling?.focus(); }"
        )
        link.focus()
    else:
        link.hover()
    preview = page.locator(".kb-preview[data-visible]")
    preview.wait_for()
    target_page, passage_id = href.split("#")
    html = urlopen(target_page).read().decode()
    title = re.search(r"<h1[^>]*>(.*?)</h1>", html, re.S).group(1)
    author = re.search(r'<span class="kb-author">(.*?)</span>', html)
    text = " ".join(preview.inner_text().split())
    assert passage_text(html, passage_id) in text
    assert " ".join(re.sub("<[^>]+>", "", title).split()).replace("&#39;", "'") in text
    if author:
        assert author.group(1) in text
    # Described by the preview (an editors' link keeps its note too).
    assert preview.get_attribute("id") in link.get_attribute("aria-describedby").split()
    assert preview.get_attribute("role") == "tooltip"
    # An overlay: nothing on the page moved.
    assert (
        page.evaluate("() => [...document.querySelectorAll('.md-content p')].map(p => p.getBoundingClientRect().top)")
        == boxes
    )
    page.keyboard.press("Escape")
    page.wait_for_selector(".kb-preview[data-visible]", state="detached")
    assert page.console_errors == []


def test_previews_stay_silent_offline(site, page):
    tab = page
    tab.goto((site / "articles" / "is-customer-experience-new" / "index.html").as_uri())
    tab.wait_for_function("() => document.documentElement.hasAttribute('data-kb-landed')")
    tab.locator(".kb-backlinks a").first.focus()
    tab.locator(".kb-backlinks a").first.hover()
    # Offline there is no fetch at all: the state says so, no error is logged.
    assert tab.evaluate("() => !document.querySelector('.kb-preview')")
    assert tab.console_errors == []


def test_a_tap_on_a_glossary_term_shows_its_definition_on_a_phone(phone, base_url):
    definitions = glossary_definitions()
    page = phone
    open_page(page, base_url + ARTICLE)
    term = page.locator("a.kb-term").nth(1)
    term_id = term.get_attribute("href").split("#")[1]
    term.tap()
    box = page.locator(".kb-definition[data-visible]")
    box.wait_for()
    assert definitions[term_id] in " ".join(box.inner_text().split())
    assert page.url == base_url + ARTICLE
    assert term.get_attribute("aria-expanded") == "true"
    box.get_by_role("link", name="Read the glossary entry").tap()
    wait_ready(page, base_url + f"glossary/#{term_id}")
    assert page.url == base_url + f"glossary/#{term_id}"


def test_a_quote_that_opens_its_passage_and_occurs_earlier_carries_the_words_after_it(page, chromium, base_url):
    """The words "The customer experience" open two passages of the article: the link
    to the second names the words after it (a text-fragment suffix), so a
    browser that follows text fragments itself finds that one, not the
    first; and this site's landing highlights it there."""
    article, passage_id = "articles/customer-experience-in-the-digital-era/", "p-the-customer-experience-is-the"
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    open_page(page, base_url + article)
    page.evaluate(EMPTY_CLIPBOARD)
    assert page.evaluate(SELECT, [passage_id, "The customer experience"])
    bar = page.locator(".kb-quotebar[data-visible]")
    bar.wait_for()
    bar.get_by_role("button", name="Copy link to quote").click()
    page.get_by_role("status").filter(has_text="Link to quote copied").wait_for()
    url = page.evaluate("navigator.clipboard.readText()")
    assert url == f"{base_url}{article}#{passage_id}:~:text=The%20customer%20experience,-is%20the%20totality", url
    reader = chromium.new_context()  # a colleague's browser, opening the link cold
    cold = reader.new_page()
    cold.goto(url)
    cold.wait_for_function("id => document.getElementById(id).hasAttribute('data-kb-quote')", arg=passage_id)
    assert cold.get_attribute(f"#{passage_id}", "data-kb-quote") == "The customer experience"
    reader.close()
