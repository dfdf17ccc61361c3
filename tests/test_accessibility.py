"""Accessibility: axe-core finds no WCAG 2.2 AA violation on any page,
in the light and the dark palette."""

from __future__ import annotations

import json

import pytest

from kb.devtools import ROOT
from kb.htmltext import page_urls

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


# What the dark palette changes: colours only.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def violations(tab, rules: list[str] | None = None) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations on the page (or those of `rules`)."""
    if not tab.evaluate("() => 'axe' in window"):
        tab.add_script_tag(path=str(AXE))
    only = {"type": "rule", "values": rules} if rules else {"type": "tag", "values": TAGS}
    # Only violations are worked out in full: a third faster than every result type.
    result = tab.evaluate("only => axe.run(document, {runOnly: only, resultTypes: ['violations']})", only)
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "summary": v["nodes"][0]["failureSummary"][:300],
        }
        for v in result["violations"]
    ]


# Material remembers the reader's palette in localStorage: forget it before
# every page, so each page opens in the light palette its media query picks.
FORGET_PALETTE = (
    "Object.keys(localStorage).filter(k => k.endsWith('__palette')).forEach(k => localStorage.removeItem(k))"
)
SCHEME = "() => document.body.getAttribute('data-md-color-scheme')"
# Colour transitions finished; scroll-driven animations (the matrices' scroll
# hints) run on a scroll timeline and never "finish", so they are not waited for.
SETTLED = "() => document.getAnimations().every(a => a.timeline !== document.timeline || a.playState !== 'running')"


def kind(url: str) -> tuple[str, int]:
    """Pages made from one template and the same components: 'articles/x/'
    and 'articles/y/' are one kind, 'articles/' another."""
    parts = url.strip("/").split("/")
    return parts[0], len(parts)


def test_no_page_has_an_accessibility_violation_light_or_dark(chromium, site, base_url):
    """Every page in the light palette (every rule); then, as a reader does,
    one page of each kind switched to dark with the header's toggle on the
    same page load (the colour rules: the palette changes colours only, the
    same for every page of a kind)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    context = chromium.new_context(color_scheme="light")
    context.add_init_script(FORGET_PALETTE)
    tab = context.new_page()
    found = {}
    try:
        kinds = set()
        for url in page_urls(site):
            tab.goto(base_url + url.lstrip("/"), wait_until="load")
            schemes = ["default"] if kind(url) in kinds else ["default", "slate"]
            kinds.add(kind(url))
            for scheme in schemes:
                if scheme == "slate":
                    tab.locator("label.md-header__button[for^='__palette']:visible").click()
                    tab.wait_for_function(f"() => ({SCHEME})() === 'slate'")
                assert tab.evaluate(SCHEME) == scheme, url
                tab.wait_for_function(SETTLED)
                if v := violations(tab, COLOUR_RULES if scheme == "slate" else None):
                    found[f"{url or '/'} ({scheme})"] = v
    finally:
        context.close()
    assert not found, json.dumps(found, indent=1)[:6000]


def test_axe_would_notice_a_violation(browser, base_url):
    """The check is able to fail: an image without alternative text."""
    tab = browser.new_page()
    tab.goto(base_url)
    tab.evaluate("document.querySelector('article').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")
    assert any(v["rule"] == "image-alt" for v in violations(tab))
    tab.close()


def test_the_dark_check_would_notice_dark_text_on_the_dark_palette(chromium, base_url):
    context = chromium.new_context(color_scheme="dark")
    context.add_init_script(FORGET_PALETTE)
    tab = context.new_page()
    tab.goto(base_url + "articles/is-customer-experience-new/")
    assert tab.evaluate(SCHEME) == "slate"
    assert not violations(tab, COLOUR_RULES)
    tab.evaluate(
        "document.querySelector('.md-content .md-typeset').insertAdjacentHTML('beforeend', '<p style=\"color:#333\">Dark text on the dark palette</p>')"
    )
    assert any(v["rule"] == "color-contrast" for v in violations(tab, COLOUR_RULES))
    context.close()
