"""Accessibility: axe-core finds no WCAG 2.2 AA violation on any page,
in the light and the dark palette."""

from __future__ import annotations

import json

from tour import COLOUR_RULES, SCHEME, take_tour, violations


def test_no_page_has_an_accessibility_violation_light_or_dark(tour):
    """Every page in the light palette (every rule); then, as a reader does,
    one page of each kind switched to dark with the header's toggle on the
    same page load (the colour rules: the palette changes colours only, the
    same for every page of a kind). The pages are opened by the shared tour
    (tests/tour.py)."""
    assert len(tour.visits) >= 12
    assert sum("slate" in v.axe for v in tour.visits) >= 6  # one of each kind
    found = {f"{v.url or '/'} ({scheme})": found for v in tour.visits for scheme, found in v.axe.items() if found}
    assert not found, json.dumps(found, indent=1)[:6000]


# Faults planted in a page: an image without alternative text, a console
# error, a request to another host (TEST-NET-1: reaches nobody).
PLANT = """addEventListener('load', () => {
  document.querySelector('article').insertAdjacentHTML('beforeend', '<img src="x.png">');
  console.error('planted error');
  fetch('http://192.0.2.1/planted').catch(() => {});
});"""


def test_the_tour_would_notice_a_violation_a_console_error_and_a_foreign_request(chromium, base_url):
    """The shared tour is able to fail on each thing it records. The page's
    Content-Security-Policy refuses the planted request before it leaves
    (the tour records that refusal); without the policy, the request itself."""
    seen = take_tour(chromium, base_url, ["themes/"], lanes=1, plant=PLANT, in_dark=False)
    (visit,) = seen.visits
    assert any(v["rule"] == "image-alt" for v in visit.axe["default"])
    assert any("planted error" in e for e in visit.console_errors)
    assert any("192.0.2.1" in v for v in visit.csp_violations), visit.csp_violations
    assert seen.foreign_requests() == set()
    bare = take_tour(chromium, base_url, ["themes/"], lanes=1, plant=PLANT, in_dark=False, bypass_csp=True)
    assert bare.foreign_requests() == {"http://192.0.2.1/planted"}


def test_the_dark_check_would_notice_dark_text_on_the_dark_palette(page, base_url):
    tab = page  # nothing saved in its storage: the palette follows the system
    tab.emulate_media(color_scheme="dark")
    tab.goto(base_url + "articles/is-customer-experience-new/")
    assert tab.evaluate(SCHEME) == "slate"
    assert not violations(tab, COLOUR_RULES)
    # Coloured through the CSSOM: a style attribute in markup is refused by
    # the site's Content-Security-Policy.
    tab.evaluate(
        """() => { const p = document.createElement('p'); p.textContent = 'Dark text on the dark palette';
                   p.style.color = '#333'; document.querySelector('.md-content .md-typeset').append(p); }"""
    )
    assert any(v["rule"] == "color-contrast" for v in violations(tab, COLOUR_RULES))
