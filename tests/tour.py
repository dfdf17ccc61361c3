"""One tour of every page, shared by the checks that each need every page
opened once on a desktop: console errors and foreign requests
(test_browser_basics) and axe-core's accessibility audit in the light and the
dark palette (test_accessibility).

Pages are opened in parallel tabs (lanes), each tab its own renderer process,
so two pages load and are audited at once on two cores. Nothing waits on a
clock: each step waits for a state the page exposes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

from kb.devtools import ROOT

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
# What the dark palette changes: colours only.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]

# Material remembers the reader's palette in localStorage: forget it before
# every page, so each page opens in the light palette its media query picks.
FORGET_PALETTE = (
    "Object.keys(localStorage).filter(k => k.endsWith('__palette')).forEach(k => localStorage.removeItem(k))"
)
SCHEME = "() => document.body.getAttribute('data-md-color-scheme')"
# Colour transitions finished; scroll-driven animations (the matrices' scroll
# hints) run on a scroll timeline and never "finish", so they are not waited for.
SETTLED = "() => document.getAnimations().every(a => a.timeline !== document.timeline || a.playState !== 'running')"
DARK_TOGGLE = "label.md-header__button[for^='__palette']:visible"

# axe.run started on a timer, so that evaluate() returns at once and the
# other lane's audit runs at the same time; the result lands on window.
_START_AXE = """only => {
  window.__kbAxe = null;
  setTimeout(() => axe.run(document, {runOnly: only, resultTypes: ['violations']}).then(
    r => { window.__kbAxe = r.violations.map(v => ({rule: v.id, impact: v.impact,
      nodes: v.nodes.slice(0, 5).map(n => n.target), summary: v.nodes[0].failureSummary.slice(0, 300)})); },
    e => { window.__kbAxe = [{rule: 'axe-error', impact: 'critical', nodes: [], summary: String(e)}]; }), 0);
}"""


def start_axe(tab, rules: list[str] | None = None) -> None:
    """Start axe-core's WCAG 2.2 AA audit (or only `rules`) on the page."""
    if not tab.evaluate("() => 'axe' in window"):
        # Through the DevTools protocol: a <script> added to the page would be
        # refused by the site's Content-Security-Policy (kb/csp.py).
        cdp = getattr(tab, "cdp", None) or tab.context.new_cdp_session(tab)
        cdp.send("Runtime.evaluate", {"expression": AXE.read_text(encoding="utf-8")})
    tab.evaluate(_START_AXE, {"type": "rule", "values": rules} if rules else {"type": "tag", "values": TAGS})


def axe_result(tab) -> list[dict]:
    """The violations of the audit started with start_axe."""
    return tab.wait_for_function("() => window.__kbAxe", polling=50, timeout=60000).json_value()


def violations(tab, rules: list[str] | None = None) -> list[dict]:
    """axe-core's WCAG 2.2 AA violations on the page (or those of `rules`)."""
    start_axe(tab, rules)
    return axe_result(tab)


def batches(tabs: list, items: list) -> list[list[tuple]]:
    """`items` dealt to `tabs` in rounds: [[(tab, item), ...], ...]; a round
    opens its pages in every tab before waiting for any of them."""
    return [list(zip(tabs, items[i : i + len(tabs)], strict=False)) for i in range(0, len(items), len(tabs))]


def kind(url: str) -> tuple[str, int]:
    """Pages made from one template and the same components: 'articles/x/'
    and 'articles/y/' are one kind, 'articles/' another."""
    parts = url.strip("/").split("/")
    return parts[0], len(parts)


@dataclass
class Visit:
    url: str
    console_errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    # What the Content-Security-Policy blocked (the browser reports each
    # violation on the console, also those of workers).
    csp_violations: list[str] = field(default_factory=list)
    # {"default" | "slate": violations}; slate on one page of each kind.
    axe: dict[str, list[dict]] = field(default_factory=dict)


@dataclass
class Tour:
    visits: list[Visit]

    def foreign_requests(self) -> set[str]:
        return {u for v in self.visits for u in v.requests if urlsplit(u).hostname != "127.0.0.1"}


def take_tour(
    chromium,
    base_url: str,
    urls: list[str],
    lanes: int = 2,
    plant: str = "",
    in_dark: bool = True,
    bypass_csp: bool = False,
) -> Tour:
    """Open every page of `urls` once in the light palette with every axe
    rule; on the first page of each kind, switch to dark with the header's
    toggle on the same load and audit the colour rules (unless not `in_dark`).
    `plant`: a script run in every page first (for the tests that show the
    tour notices faults); `bypass_csp`: the site's Content-Security-Policy
    not applied (only for those tests: under it, a planted request to
    another host is refused before it is made)."""
    if not AXE.exists():
        raise AssertionError("axe-core is missing: run `npm ci` (make test does)")
    contexts = [
        chromium.new_context(color_scheme="light", viewport={"width": 1280, "height": 800}, bypass_csp=bypass_csp)
        for _ in range(lanes)
    ]
    tabs = []
    for context in contexts:
        context.add_init_script(FORGET_PALETTE + ";" + plant)
        # axe-core in every page from the start: 3 s less than adding it to
        # each page after its load (measured over the 19 pages).
        context.add_init_script(path=str(AXE))
        tab = context.new_page()
        tab.visit = None
        tab.on("console", lambda m, t=tab: m.type == "error" and t.visit.console_errors.append(m.text))
        tab.on(
            "console", lambda m, t=tab: "Content Security Policy" in m.text and t.visit.csp_violations.append(m.text)
        )
        tab.on("pageerror", lambda e, t=tab: t.visit.console_errors.append(str(e)))
        tab.on("request", lambda r, t=tab: t.visit.requests.append(r.url))
        tabs.append(tab)
    visits, kinds = [], set()
    try:
        for batch in batches(tabs, urls):
            for tab, url in batch:
                tab.visit = Visit(url)
                visits.append(tab.visit)
                tab.goto(base_url + url.lstrip("/"), wait_until="commit")
            for tab, url in batch:
                tab.wait_for_load_state("load")
                assert tab.evaluate(SCHEME) == "default", url
                tab.wait_for_function(SETTLED)
                start_axe(tab)
            dark = []
            for tab, url in batch:
                tab.visit.axe["default"] = axe_result(tab)
                if in_dark and kind(url) not in kinds:
                    kinds.add(kind(url))
                    tab.locator(DARK_TOGGLE).click()
                    tab.wait_for_function(f"() => ({SCHEME})() === 'slate'")
                    tab.wait_for_function(SETTLED)
                    start_axe(tab, COLOUR_RULES)
                    dark.append(tab)
            for tab in dark:
                tab.visit.axe["slate"] = axe_result(tab)
        for tab in tabs:
            tab.wait_for_load_state("networkidle")  # the last pages' late requests too
    finally:
        for context in contexts:
            context.close()
    return Tour(visits)
