"""Measure search quality in a real browser: this site against bare Material.

    python -m kb.tools.search_eval                  # both sites, the five articles
    python -m kb.tools.search_eval --json out.json  # and the figures as JSON
    python -m kb benchmark                          # the same rows, in the benchmark table

Each query of tests/data/search_eval.yaml is typed into Material's search box
in headless Chromium (the value set, then a keyup, as a keystroke does), and
the ranked result items are read from the page. For every item the link a
reader follows is its best match: the item's heading when Material shows it
with a snippet (the page itself matched best), otherwise its first section or
passage link. From those:

- MRR@10: 1 / rank of the first item on an answering article (0 past 10);
- success@1 and @3: that rank is 1, or at most 3;
- landing: the top item's link, opened in a fresh tab, shows an answering
  passage inside the viewport (a wrong article never lands);
- zero-result queries; latency: ms from the keyup to the first result item.

A query marked `leading: glossary/#term` is a glossary term typed on its own:
its glossary entry may come first and is not counted against the article.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from kb.devtools import ROOT
from kb.tools.sites import build, make_projects

EVAL_FILE = ROOT / "tests" / "data" / "search_eval.yaml"
# Written by someone who had not read the ranking code, never used to tune it.
HELDOUT_FILE = ROOT / "tests" / "data" / "search_heldout.yaml"
START_PAGE = ""


@dataclass
class Query:
    query: str
    kind: str
    answers: list[tuple[str, str]]  # (page URL "articles/x/", passage id)
    leading: str | None = None  # "glossary/#nps"

    @property
    def pages(self) -> set[str]:
        return {page for page, _ in self.answers}


@dataclass
class Outcome:
    query: str
    kind: str
    rank: int | None  # 1-based rank of the answering article, None if absent
    landed: bool | None  # None: not checked (landing off, or not in the sample)
    results: list[str]  # the followed link of each item, site-relative
    latency_ms: float | None
    leading_first: bool | None = None  # the glossary entry came first (leading queries)


@dataclass
class Report:
    site: str
    outcomes: list[Outcome] = field(default_factory=list)

    def metrics(self) -> dict:
        n = len(self.outcomes)
        ranks = [o.rank for o in self.outcomes]
        latencies = [o.latency_ms for o in self.outcomes if o.latency_ms is not None]
        checked = [o for o in self.outcomes if o.landed is not None]
        return {
            "queries": n,
            "mrr10": sum(1 / r for r in ranks if r and r <= 10) / n,
            "success1": sum(1 for r in ranks if r == 1) / n,
            "success3": sum(1 for r in ranks if r and r <= 3) / n,
            # over the queries whose landing was checked (all, unless sampled)
            "landing": (sum(1 for o in checked if o.landed) / len(checked)) if checked else float("nan"),
            "landing_checked": len(checked),
            "zero_results": sum(1 for o in self.outcomes if not o.results),
            "latency_ms_median": statistics.median(latencies) if latencies else float("nan"),
            "latency_ms_p95": sorted(latencies)[int(0.95 * (len(latencies) - 1))] if latencies else float("nan"),
        }

    def by_kind(self) -> dict[str, dict]:
        kinds: dict[str, Report] = {}
        for o in self.outcomes:
            kinds.setdefault(o.kind, Report(self.site)).outcomes.append(o)
        return {k: r.metrics() for k, r in kinds.items()}


def page_url(src: str) -> str:
    """'articles/x.md' -> 'articles/x/' (directory URLs)."""
    stem = src[:-3]
    if stem == "index" or stem.endswith("/index"):
        return stem[:-5]
    return stem + "/"


def load(path: Path = EVAL_FILE) -> list[Query]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    articles = data["articles"]
    queries = []
    for entry in data["queries"]:
        answers = []
        for answer in entry["answers"]:
            key, passage = answer.split("#")
            answers.append((page_url(articles[key]), passage))
        leading = entry.get("leading")
        if leading is True:  # the held-out set's form: any glossary entry may come first
            leading = "glossary/"
        queries.append(Query(entry["query"], entry["kind"], answers, leading or None))
    return queries


# Runs in the page: empty the box, wait for the list to empty, then set the
# query and time the keyup until the first item (or "no results") appears.
_RUN_QUERY = """async query => {
  const input = document.querySelector('.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const meta = document.querySelector('.md-search-result__meta');
  const none = JSON.parse(document.querySelector('#__config').textContent)
    .translations['search.result.none'];
  const settle = () => new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
  input.value = '';
  input.dispatchEvent(new KeyboardEvent('keyup'));
  for (let i = 0; i < 500 && list.querySelector('.md-search-result__item'); i++) await settle();
  const start = performance.now();
  const done = new Promise(resolve => {
    const check = () => {
      if (list.querySelector('.md-search-result__item')) return resolve(performance.now() - start);
      if (meta.textContent.trim() === none) return resolve(null);
    };
    const observer = new MutationObserver(check);
    observer.observe(list.parentNode, {childList: true, subtree: true, characterData: true});
    // A bound, not a wait: it resolves as soon as results or "none" show (30 s: a loaded CI machine).
    setTimeout(() => { observer.disconnect(); resolve(undefined); }, 30000);
  });
  input.value = query;
  input.dispatchEvent(new KeyboardEvent('keyup'));
  const latency = await done;
  await settle();
  const items = [...list.querySelectorAll('.md-search-result__item')].map(item => {
    const links = [...item.querySelectorAll('a.md-search-result__link')];
    const head = links[0].querySelector('article');
    const headTeaser = [...head.children].some(c => !c.matches('.md-search-result__icon, h1, h2, nav'));
    const best = headTeaser || links.length === 1 ? links[0] : links[1];
    return best.href;
  });
  return {latency: latency === undefined ? -1 : latency, items};
}"""

# An answering passage in the viewport. A bare Material site has no passage
# ids: there the passage is the paragraph or list item whose first five words
# make the id (kb.passages.passage_id, mirrored).
_IN_VIEW = """ids => ids.some(id => {
  const slug = text => 'p-' + (text.match(/[\\p{L}\\p{N}_’']+/gu) || []).slice(0, 5).join(' ')
    .normalize('NFKD').replace(/[^\\x00-\\x7f]/g, '').replace(/[^\\w\\s-]/g, '').trim().toLowerCase()
    .replace(/[\\s_-]+/g, '-').replace(/^-+|-+$/g, '');
  const el = document.getElementById(id) ||
    [...document.querySelectorAll('article p, article li')].find(e => slug(e.textContent) === id);
  if (!el) return false;
  const r = el.getBoundingClientRect();
  return r.bottom > 0 && r.top < window.innerHeight && r.height > 0;
})"""


def relative(href: str, base: str) -> str:
    return href[len(base) :] if href.startswith(base) else href


def strip(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    return parts.path.lstrip("/"), parts.fragment


def evaluate(browser, base: str, queries: list[Query], landing: bool | int = True) -> list[Outcome]:
    """Type every query on `base` (served site root, ending in '/').

    `landing`: open the top result and check it lands (True: for every
    query; an int n: for every n-th query, a sample that keeps the test
    suite fast; False: never). A top result on a wrong article never lands."""

    def warm_up(tab):
        tab.locator(".md-search__input").first.click()
        tab.keyboard.type("customer")  # the index starts loading
        tab.wait_for_selector(".md-search-result__item", timeout=30000)

    return _run(browser, base, queries, landing, _RUN_QUERY, warm_up)


def _run(browser, base: str, queries: list[Query], landing: bool | int, script: str, warm_up=None) -> list[Outcome]:
    """Each query through `script` in one tab, the top result opened in another."""
    every = 1 if landing is True else int(landing)
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    tab.goto(base + START_PAGE)
    if warm_up:
        warm_up(tab)
    viewer = context.new_page()
    outcomes = []
    for q in queries:
        # The tab in front is the one at work: a tab in the background gets
        # no animation frames and slowed timers, which the query waits on.
        tab.bring_to_front()
        answer = tab.evaluate(script, q.query)
        results = [relative(href, base) for href in answer["items"]]
        outcomes.append(_outcome(q, results, answer["latency"], viewer, base, every, len(outcomes)))
    context.close()
    return outcomes


# Pagefind queried directly (its JavaScript API): each result's link
# is its best sub-result (a heading's anchor) where it has one, else the page.
_PAGEFIND_QUERY = """async query => {
  if (!window.__pf) { window.__pf = await import('/pagefind/pagefind.js'); await window.__pf.init(); }
  const start = performance.now();
  const search = await window.__pf.search(query);
  const data = await Promise.all(search.results.slice(0, 10).map(r => r.data()));
  const latency = performance.now() - start;
  return {latency, items: data.map(d => {
    const sub = (d.sub_results || []).find(s => s.url.includes('#'));
    return new URL(sub ? sub.url : d.url, location.href).href;
  })};
}"""


def evaluate_pagefind(browser, base: str, queries: list[Query], landing: bool | int = True) -> list[Outcome]:
    """The same queries against Pagefind's index of the same site (made with
    `python -m kb.tools.search_bench`), read the same way as `evaluate`."""
    return _run(browser, base, queries, landing, _PAGEFIND_QUERY)


def _outcome(q: Query, results: list[str], latency, viewer, base: str, every: int, position: int) -> Outcome:
    pages = [strip(r)[0] for r in results]
    leading_first = None
    if q.leading:
        anchor = strip(q.leading)[1]
        leading_first = (
            bool(pages) and pages[0] == strip(q.leading)[0] and (not anchor or strip(results[0])[1] == anchor)
        )
    counted = [(p, r) for p, r in zip(pages, results, strict=True) if not (q.leading and p == strip(q.leading)[0])]
    rank = next((i for i, (p, _) in enumerate(counted, 1) if p in q.pages), None)
    landed = None
    sampled = every > 0 and position % every == 0
    if sampled and counted and counted[0][0] in q.pages:
        viewer.bring_to_front()
        viewer.goto(base + counted[0][1])
        viewer.wait_for_load_state("load")
        viewer.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")
        ids = [passage for page, passage in q.answers if page == counted[0][0]]
        landed = viewer.evaluate(_IN_VIEW, ids)
    elif sampled:
        landed = False
    valid = isinstance(latency, (int, float)) and latency >= 0
    return Outcome(q.query, q.kind, rank, landed, results, latency if valid else None, leading_first)


def measure_sites(bases: dict[str, str], queries: list[Query] | None = None, landing: bool = True) -> dict[str, Report]:
    """{name: served base URL} -> {name: Report}, one Chromium for all."""
    from playwright.sync_api import sync_playwright

    from kb.devtools import launch_chromium

    queries = queries if queries is not None else load()
    reports = {}
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        for name, base in bases.items():
            reports[name] = Report(name, evaluate(browser, base, queries, landing))
        browser.close()
    return reports


ROWS = [
    ("Search MRR@10", "mrr10", "{:.2f}"),
    ("Search success@1", "success1", "{:.0%}"),
    ("Search success@3", "success3", "{:.0%}"),
    ("Top result lands on the answering passage", "landing", "{:.0%}"),
    ("Zero-result queries", "zero_results", "{:d}"),
    ("Keystroke to first result (ms, median)", "latency_ms_median", "{:.1f}"),
    ("Keystroke to first result (ms, p95)", "latency_ms_p95", "{:.1f}"),
]


def table(reports: dict[str, Report]) -> str:
    ours, bare = reports["ours"].metrics(), reports["bare"].metrics()
    lines = [
        f"Search quality on {ours['queries']} queries (tests/data/search_eval.yaml)\n",
        "| Measure | This site | Bare Material |",
        "| --- | ---: | ---: |",
    ]
    for label, key, fmt in ROWS:
        lines.append(f"| {label} | {fmt.format(ours[key])} | {fmt.format(bare[key])} |")
    lines += [
        "",
        "| Kind | n | MRR@10 this / bare | success@1 this / bare | landing this / bare |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    kinds_ours, kinds_bare = reports["ours"].by_kind(), reports["bare"].by_kind()
    for kind, m in kinds_ours.items():
        b = kinds_bare[kind]
        lines.append(
            f"| {kind} | {m['queries']} | {m['mrr10']:.2f} / {b['mrr10']:.2f} | "
            f"{m['success1']:.0%} / {b['success1']:.0%} | {m['landing']:.0%} / {b['landing']:.0%} |"
        )
    return "\n".join(lines)


def misses(report: Report) -> str:
    lines = []
    for o in report.outcomes:
        if o.rank != 1 or o.landed is False:
            lines.append(f"- [{o.kind}] {o.query!r}: rank {o.rank}, landed {o.landed}, top {o.results[:3]}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, help="write every outcome and metric to this file")
    parser.add_argument("--misses", action="store_true", help="list the queries each site gets wrong")
    parser.add_argument("--only", choices=("ours", "bare"), help="measure one site only")
    args = parser.parse_args(argv)

    from kb.devtools import free_port, serve

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        projects = make_projects(workdir, 0)
        bases, servers = {}, []
        for name, project in projects.items():
            if args.only and name != args.only:
                continue
            port = free_port()
            bases[name] = f"http://127.0.0.1:{port}/"
            build(project, workdir / f"site-{name}", bases[name])
            servers.append(serve(workdir / f"site-{name}", port))
        try:
            reports = measure_sites(bases)
        finally:
            for server in servers:
                server.shutdown()
    if len(reports) == 2:
        print(table(reports))
    else:
        for name, report in reports.items():
            print(name, {k: round(v, 3) for k, v in report.metrics().items()})
    if args.misses:
        for name, report in reports.items():
            print(f"\nMisses, {name}:\n{misses(report)}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    name: {"metrics": r.metrics(), "by_kind": r.by_kind(), "outcomes": [asdict(o) for o in r.outcomes]}
                    for name, r in reports.items()
                },
                indent=1,
            ),
            encoding="utf-8",
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
