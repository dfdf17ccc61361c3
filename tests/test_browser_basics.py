"""What a reader sees: pages load cleanly, search works, mobile navigation."""

from __future__ import annotations

import re

import pytest
from tour import DARK_TOGGLE, SCHEME

from kb.htmltext import visible_text


def test_every_page_loads_without_console_errors_or_foreign_requests(tour):
    """Every page, opened by the shared tour (tests/tour.py), down to the
    last pages' late requests."""
    assert len(tour.visits) >= 12
    errors = {v.url: v.console_errors for v in tour.visits if v.console_errors}
    assert errors == {}
    assert all(v.requests for v in tour.visits)
    assert tour.foreign_requests() == set()


def distinctive_phrase(texts: dict[str, str], key: str, words: int = 4) -> str:
    """The first run of `words` long words found in this article only, none
    of them common to most articles (as a person would search)."""

    def tokens(text):
        return [re.sub(r"[^\w’-]", "", w) for w in text.split()]

    common = {
        w.lower()
        for w in tokens(" ".join(texts.values()))
        if sum(w.lower() in t.lower() for t in texts.values()) > len(texts) // 2
    }
    others = " ".join(t for k, t in texts.items() if k != key).lower()
    for sentence in re.split(r"(?<=[.!?])\s+", texts[key]):
        own = tokens(sentence)
        for i in range(len(own) - words + 1):
            window = own[i : i + words]
            if all(len(w) >= 5 and w.lower() not in common for w in window):
                phrase = " ".join(window)
                if phrase.lower() not in others:
                    return phrase
    raise AssertionError(f"no distinctive phrase in {key}")


def article_texts(site) -> dict[str, str]:
    return {
        p.parent.name: visible_text(p.read_text(encoding="utf-8"), skip_classes={"kb-article-header"})
        for p in (site / "articles").glob("*/index.html")
    }


def first_search_result(page, query: str) -> str:
    box = page.locator(".md-search__input").first
    box.click()
    page.keyboard.press("Control+A")  # what an earlier search left in the box goes
    page.keyboard.press("Backspace")
    page.wait_for_function("() => !document.querySelector('.md-search-result__item')")
    # Pasted, then the last key typed: Material's search answers key events
    # (typing key by key is tested in test_search.py).
    box.fill(query[:-1])
    page.keyboard.type(query[-1])
    # Results update as you type: wait for the ones for the whole query.
    last_word = re.findall(r"\w+", query)[-1].lower()
    page.wait_for_function(
        """word => { const a = document.querySelector('.md-search-result__item a');
                     return a && new URL(a.href).searchParams.get('h').toLowerCase().includes(word); }""",
        arg=last_word,
        timeout=10000,
    )
    return page.locator(".md-search-result__item a").first.get_attribute("href")


@pytest.mark.parametrize("width", [1280])
def test_search_lists_the_article_first_for_its_own_phrase(site, page, base_url, width):
    texts = article_texts(site)
    assert len(texts) == 5
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(base_url)
    for slug in texts:
        phrase = distinctive_phrase(texts, slug)
        href = first_search_result(page, phrase)
        assert f"articles/{slug}/" in href, f"searching {phrase!r} led first to {href}"


def test_phrase_picker_refuses_shared_text():
    texts = {"a": "alpha betas gamma delta epsilon zetas", "b": "alpha betas gamma delta epsilon zetas"}
    with pytest.raises(AssertionError):
        distinctive_phrase(texts, "a")


def test_navigation_drawer_opens_on_a_phone(page, base_url):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(base_url + "articles/")
    drawer_nav = page.locator("nav.md-nav--primary")
    assert not drawer_nav.is_visible() or drawer_nav.bounding_box()["x"] < 0
    page.locator("label.md-header__button[for='__drawer']").click()
    # The drawer slides in: wait until it has arrived, not for a set time.
    page.wait_for_function(
        "() => { const r = document.querySelector('nav.md-nav--primary')"
        ".getBoundingClientRect(); return r.x >= 0 && r.width > 200; }"
    )
    box = drawer_nav.bounding_box()
    assert drawer_nav.is_visible() and box["x"] >= 0 and box["width"] > 200
    assert page.get_by_role("link", name="Glossary").first.is_visible()


def test_a_lent_tab_comes_back_as_if_fresh(_phone_tab, base_url):
    """The shared tabs (conftest `page`, `phone`) are reset between tests:
    dirtied here in every way a test can leave one, then lent again."""
    from conftest import _lend

    lender = _lend(_phone_tab)
    tab = next(lender)
    size = dict(tab.viewport_size)
    tab.goto(base_url)
    tab.locator(DARK_TOGGLE).click()  # dark, saved
    tab.wait_for_function(f"() => ({SCHEME})() === 'slate'")
    tab.evaluate("() => sessionStorage.setItem('kb-test', '1')")
    tab.context.grant_permissions(["clipboard-read"], origin=base_url.rstrip("/"))
    # The system turns dark with the page still open: Material saves the
    # palette again, after anything a reset that cleared storage first did.
    tab.emulate_media(color_scheme="dark")
    tab.set_viewport_size({"width": 320, "height": 500})
    tab.mouse.move(100, 200)
    assert tab.requested_urls
    next(lender, None)  # the test ends: reset

    lender = _lend(_phone_tab)
    try:
        tab = next(lender)
        assert tab.url == "about:blank" and tab.viewport_size == size
        assert tab.console_errors == [] and tab.requested_urls == []
        assert tab.evaluate("() => matchMedia('(prefers-color-scheme: light)').matches")
        tab.goto(base_url)
        assert tab.evaluate("() => sessionStorage.getItem('kb-test')") is None
        # The saved dark palette is forgotten: the page follows the system again.
        assert tab.evaluate(SCHEME) == "default"
        permission = "() => navigator.permissions.query({name: 'clipboard-read'}).then(p => p.state)"
        assert tab.evaluate(permission) != "granted"
    finally:
        next(lender, None)
