"""Themes, glossary, disciplines and deep links, as a person uses them."""

from __future__ import annotations

import re

import pytest

from kb.devtools import ROOT

from test_indexes import articles

ARTICLE = "articles/is-customer-experience-new/"


def wait_in_view(page, element_id: str) -> None:
    page.wait_for_function(
        """id => { const el = document.getElementById(id); if (!el) return false;
                   const header = document.querySelector('.md-header').getBoundingClientRect().bottom;
                   const r = el.getBoundingClientRect(); return r.top >= header - 1 && r.top < innerHeight; }""",
        arg=element_id,
        timeout=5000,
    )


def glossary_definitions() -> dict[str, str]:
    """term id -> first words of its definition, read from docs/glossary.md."""
    text = (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    found = {}
    for heading, body in re.findall(r"^## (.+?)\n(.*?)(?=^## |\Z)", text, flags=re.M | re.S):
        explicit = re.search(r"\{\s*#([\w-]+)\s*\}", heading)
        name = re.sub(r"\s*\{.*\}", "", heading).strip()
        term_id = explicit.group(1) if explicit else re.sub(r"[^\w]+", "-", name.lower()).strip("-")
        paragraphs = [p for p in body.strip().split("\n\n") if not p.startswith("*Also:*")]
        found[term_id] = " ".join(paragraphs[0].split()[:6])
    return found


# -- themes -------------------------------------------------------------


def test_a_theme_chip_leads_to_its_page_listing_exactly_its_articles(page, base_url):
    metas = articles()
    page.goto(base_url + ARTICLE)
    page.locator(".kb-chip", has_text="Omnichannel").click()
    page.wait_for_url("**/themes/omnichannel/")
    # Instant navigation may change the address before it swaps the content in.
    page.locator("article h1", has_text="Omnichannel").wait_for()
    listed = page.locator(".kb-article-list > li > a").all_inner_texts()
    expected = {m["title"] for m in metas.values() if "omnichannel" in m["themes"]}
    assert set(listed) == expected and len(listed) == len(expected)


def test_a_backlink_lands_on_the_linking_passage(page, base_url):
    page.goto(base_url + ARTICLE)
    backlink = page.locator(".kb-backlinks a").first
    href = backlink.get_attribute("href")
    passage_id = href.split("#")[1]
    backlink.click()
    page.wait_for_url(re.compile(re.escape(passage_id)))
    wait_in_view(page, passage_id)
    # The passage we landed on is the one that links back here.
    links = page.locator(f"#{passage_id} a[href*='is-customer-experience-new']")
    assert links.count() >= 1
    # Highlighted on landing: a lasting mark, not the 2.4 s animation class.
    page.wait_for_selector(f"#{passage_id}[data-kb-landed]")


def test_the_theme_matrix_fits_a_phone(page, base_url):
    page.set_viewport_size({"width": 375, "height": 740})
    page.goto(base_url + "themes/")
    wrap = page.locator(".kb-matrix-wrap").bounding_box()
    assert wrap["x"] >= 0 and wrap["x"] + wrap["width"] <= 375
    assert page.locator(".kb-matrix caption").is_visible()


# -- glossary -------------------------------------------------------------


def tooltip_text(page) -> str:
    """The definition a term shows (the page script's glossary tooltips)."""
    tip = page.locator(".kb-definition[data-visible]")
    tip.wait_for(timeout=5000)
    return tip.inner_text()


@pytest.mark.parametrize("how", ["hover", "focus"])
def test_a_marked_term_shows_its_definition(page, base_url, how):
    definitions = glossary_definitions()
    page.goto(base_url + ARTICLE)
    term = page.locator("a.kb-term").nth(2)
    term_id = term.get_attribute("href").split("#")[1]
    term.hover() if how == "hover" else term.focus()
    text = " ".join(tooltip_text(page).split())
    assert definitions[term_id] in text, (term_id, text)
    # Clicking goes to the glossary entry.
    term.click()
    page.wait_for_url(f"**/glossary/#{term_id}")
    wait_in_view(page, term_id)


def test_an_appears_in_link_lands_on_the_passage(page, base_url):
    page.goto(base_url + "glossary/#nps")
    link = page.locator("#nps ~ .kb-appears a").first
    passage_id = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(re.compile(passage_id))
    wait_in_view(page, passage_id)
    assert "NPS" in page.locator(f"#{passage_id}").inner_text()


def test_searching_the_expansion_finds_the_article_that_says_the_abbreviation(page, base_url):
    page.goto(base_url)
    page.locator(".md-search__input").first.click()
    page.keyboard.type("Net Promoter Score")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.md-search-result__item a')].some(a => a.href.includes('is-customer-experience-new'))",
        timeout=10000,
    )


# -- disciplines ----------------------------------------------------------


def test_a_passage_link_in_the_disciplines_index_lands_on_the_paragraph(page, base_url):
    page.goto(base_url + "disciplines/")
    link = page.locator('.kb-passages[data-discipline="measure"] a').nth(1)
    passage_id = link.get_attribute("href").split("#")[1]
    link.click()
    page.wait_for_url(re.compile(passage_id))
    wait_in_view(page, passage_id)
    badge = page.locator(f"#{passage_id} .kb-discipline", has_text="CX Measure")
    assert badge.count() == 1


def test_the_diagram_opens_in_the_lightbox_and_its_links_work(page, base_url):
    page.goto(base_url + "disciplines/")
    page.click("a.kb-enlarge")
    enlarged = page.locator(".glightbox-container .kb-cycle")
    enlarged.wait_for(timeout=5000)
    assert enlarged.locator("title").first.text_content() == "The CX disciplines as a cycle"
    enlarged.locator("a.kb-cycle-node", has_text="Design").click()
    page.wait_for_function("() => !document.querySelector('.glightbox-container')", timeout=5000)
    assert page.url.endswith("#design")
    wait_in_view(page, "design")


def test_the_inline_diagram_links_to_each_section(page, base_url):
    page.goto(base_url + "disciplines/")
    page.locator("figure > svg.kb-cycle a.kb-cycle-node", has_text="Connect").click()
    wait_in_view(page, "connect")


# -- deep links -------------------------------------------------------------


def test_opening_a_paragraph_link_puts_it_in_view(page, base_url):
    passage_id = "p-but-if-you-do-it"
    page.goto(f"{base_url}{ARTICLE}#{passage_id}")
    wait_in_view(page, passage_id)
    page.wait_for_selector(f"#{passage_id}[data-kb-landed]")


def test_a_paragraph_link_followed_with_instant_navigation_lands_too(page, base_url):
    page.goto(base_url + "themes/measurement/")
    link = page.locator("a[href*='integrate-cx-into-business-strategy/#p-further']").first
    link.click()
    page.wait_for_url(re.compile("p-further"))
    wait_in_view(page, "p-further-companies-measure-success-by")
    # Instant navigation swapped the page in place: no full reload happened.
    assert page.evaluate("performance.getEntriesByType('navigation')[0].name").endswith("themes/measurement/")


# The clipboard is the browser's, shared by every tab and test: emptied
# before each copy, so that what is read back was copied by this test.
EMPTY_CLIPBOARD = "() => navigator.clipboard.writeText('')"


def test_the_copy_control_puts_the_passage_url_on_the_clipboard(browser, page, base_url):
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page.goto(base_url + ARTICLE)
    page.evaluate(EMPTY_CLIPBOARD)
    passage = page.locator("#p-there-is-some-truth-to")
    passage.hover()
    control = passage.locator("a.kb-anchor")
    assert control.is_visible()
    control.click()
    # Visible feedback: the mark turns into a tick and a status message shows.
    page.wait_for_function(
        "() => document.querySelector('#p-there-is-some-truth-to a.kb-anchor').hasAttribute('data-copied')",
        timeout=2000,
    )
    page.get_by_role("status").filter(has_text="Link copied").wait_for(timeout=2000)
    assert page.evaluate("navigator.clipboard.readText()") == f"{base_url}{ARTICLE}#p-there-is-some-truth-to"


def test_the_copy_control_is_reachable_by_keyboard(browser, page, base_url):
    browser.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    page.goto(base_url + ARTICLE)
    page.evaluate(EMPTY_CLIPBOARD)
    page.locator("#p-there-is-some-truth-to a.kb-anchor").focus()
    focused = page.evaluate("document.activeElement.getAttribute('aria-label')")
    assert focused == "Copy link to this passage"
    page.keyboard.press("Enter")
    page.wait_for_function(
        "() => document.querySelector('#p-there-is-some-truth-to a.kb-anchor').hasAttribute('data-copied')"
    )
    assert page.evaluate("navigator.clipboard.readText()").endswith("#p-there-is-some-truth-to")
