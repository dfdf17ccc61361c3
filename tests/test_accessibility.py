"""Accessibility: axe-core finds no WCAG 2.2 AA violation on any page,
in the light and the dark palette."""

from __future__ import annotations

import json

import pytest

from kb.devtools import ROOT
from kb.htmltext import page_urls

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]


def violations(tab) -> list[dict]:
    tab.add_script_tag(path=str(AXE))
    result = tab.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [
        {
            "rule": v["id"],
            "impact": v["impact"],
            "nodes": [n["target"] for n in v["nodes"]][:5],
            "summary": v["nodes"][0]["failureSummary"][:300],
        }
        for v in result["violations"]
    ]


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_no_page_has_an_accessibility_violation(browser, site, base_url, scheme):
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    tab = browser.new_page()
    tab.emulate_media(color_scheme=scheme)
    found = {}
    try:
        for url in page_urls(site):
            tab.goto(base_url + url.lstrip("/"))
            tab.wait_for_load_state("networkidle")
            if v := violations(tab):
                found[url or "/"] = v
    finally:
        tab.close()
    assert not found, json.dumps(found, indent=1)[:6000]


def test_axe_would_notice_a_violation(browser, base_url):
    """The check is able to fail: an image without alternative text."""
    tab = browser.new_page()
    tab.goto(base_url)
    tab.evaluate("document.querySelector('article').insertAdjacentHTML('beforeend', '<img src=\"x.png\">')")
    assert any(v["rule"] == "image-alt" for v in violations(tab))
    tab.close()
