"""Search at scale, this site's engine and Pagefind over the same built site
(what `python -m kb benchmark` reports in its search rows).

    python -m kb.tools.search_bench SITE            # a site built already (gzip-served here)

For each engine, in headless Chromium, on an article page:

- **before search is opened**: index bytes the page load fetched (none);
- **first query**: a fresh phone tab (375 px, touch, scale 2) on the slow
  profile of the issue (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up,
  CPU slowed 4x through CDP), the page loaded, the search opened, the whole
  query typed at once (one input event: no keystroke before the last one gets
  a head start); measured: the bytes over the wire (gzip, bodies and headers)
  of the engine's code and index parts, the requests, and the milliseconds
  from that keystroke to the first result on screen (ours: the first
  `.md-search-result__item` in Material's dialog; Pagefind: the first
  result's data, `search()` then `data()`, with no rendering at all);
- **a further query** in the same tab: the bytes it adds;
- **warm query**: the first query again, unthrottled, parts cached;
- **worker memory**: the search worker's JavaScript heap (CDP
  Runtime.getHeapUsage) after the queries; for Pagefind, which runs on the
  page, the page's heap growth (its WebAssembly memory is not visible there).

Pagefind runs as a user would set it up behind Material (`run_pagefind`:
the article content only, print views and the 404 page left out);
its JavaScript is imported when search is opened (as Material starts its
worker when the page loads), the same ten results are asked for as our dialog
shows. The engine code counts in the first query's bytes for both (ours
loads with the page, inside Material's worker file).
"""

from __future__ import annotations

import argparse
import gzip
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from kb.devtools import free_port, serve

PAGEFIND_DIR = "pagefind"
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4
# First queries, each in a fresh tab; the next one in the list is its "further query".
QUERIES = ["Disney Institute", "omnichannel promise", "emotional impulse", "quantitative measures", "Henry Ford"]
ARTICLE = "articles/is-customer-experience-new/"
WORKER_PATH = "/assets/javascripts/workers/"

# Ours: open the dialog (on a phone, the header's search button), then the
# whole query in one input event; resolves with the ms to the first item.
_OURS_QUERY = """async query => {
  const input = document.querySelector('.md-search__input');
  const list = document.querySelector('.md-search-result__list');
  const none = JSON.parse(document.querySelector('#__config').textContent).translations['search.result.none'];
  const meta = document.querySelector('.md-search-result__meta');
  while (list.firstChild) list.removeChild(list.firstChild);
  const start = performance.now();
  const done = new Promise(resolve => {
    const check = () => {
      if (list.querySelector('.md-search-result__item')) { observer.disconnect(); resolve(performance.now() - start); }
      else if (meta.textContent.trim() === none && input.value === query) { observer.disconnect(); resolve(-1); }
    };
    const observer = new MutationObserver(check);
    observer.observe(list.parentNode, {childList: true, subtree: true, characterData: true});
    setTimeout(() => { observer.disconnect(); resolve(null); }, 120000);
  });
  input.value = query;
  input.dispatchEvent(new KeyboardEvent('keyup'));
  return await done;
}"""

_PAGEFIND_OPEN = """async () => { window.__pf = await import('/pagefind/pagefind.js'); await window.__pf.init(); }"""
_PAGEFIND_QUERY = """async query => {
  const start = performance.now();
  const search = await window.__pf.search(query);
  const results = search.results.slice(0, 10);
  if (!results.length) return {first: -1, all: performance.now() - start};
  const first = await results[0].data();
  const firstMs = performance.now() - start;
  await Promise.all(results.slice(1).map(r => r.data()));
  return {first: firstMs, all: performance.now() - start, url: first.url};
}"""


# Pagefind as a user would set it up behind Material: the article content
# only (not the navigation, header and footer), without the copy-link marks
# and generated lists, and not the print views or the 404 page (as Material's
# own search and ours leave them out).
PAGEFIND_ROOT = "article.md-content__inner"
PAGEFIND_EXCLUDE = ".headerlink, .kb-anchor, [data-search-exclude], .kb-article-footer"
SKIPPED_DIRS = {"print", "search", "assets", PAGEFIND_DIR}


def pagefind_glob(site: Path) -> str:
    folders = sorted(p.name for p in site.iterdir() if p.is_dir() and p.name not in SKIPPED_DIRS)
    return "{index.html," + ",".join(f"{name}/**/*.html" for name in folders) + "}"


def run_pagefind(site: Path) -> dict:
    """Pagefind's index of the built site: seconds, bytes and files on disk."""
    if (site / PAGEFIND_DIR).exists():
        shutil.rmtree(site / PAGEFIND_DIR)
    start = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "pagefind_bin", "--site", str(site), "--output-subdir", PAGEFIND_DIR,
         "--root-selector", PAGEFIND_ROOT, "--exclude-selectors", PAGEFIND_EXCLUDE, "--glob", pagefind_glob(site)],
        capture_output=True,
        text=True,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"pagefind failed:\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
    files = [f for f in (site / PAGEFIND_DIR).rglob("*") if f.is_file()]
    return {
        "index_build_s": seconds,
        "index_disk_kb": sum(f.stat().st_size for f in files) / 1024,
        "index_files": len(files),
    }


def our_index(site: Path) -> dict:
    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    folder = (site / stub["config"]["kb_index_url"]).parent
    files = [f for f in folder.rglob("*") if f.is_file()]
    gz = sum(len(gzip.compress(f.read_bytes(), 6)) for f in files)
    return {
        "index_disk_kb": sum(f.stat().st_size for f in files) / 1024,
        "index_files": len(files),
        "index_gzip_kb": gz / 1024,
        "shared_part_gzip_kb": len(gzip.compress((folder / "meta.json").read_bytes(), 6)) / 1024,
    }


class Wire:
    """Bytes over the wire of a tab's requests, from a mark on."""

    def __init__(self, page):
        self.page = page
        self.entries: list[tuple[str, int]] = []
        self.pending = 0
        page.on("request", self._started)
        page.on("requestfinished", self._finished)
        page.on("requestfailed", self._failed)

    def _started(self, request):
        self.pending += 1

    def _failed(self, request):
        self.pending -= 1

    def _finished(self, request):
        self.pending -= 1
        try:
            s = request.sizes()
        except Exception:
            return
        self.entries.append((request.url, max(0, s["responseBodySize"]) + max(0, s["responseHeadersSize"])))

    def mark(self) -> int:
        """Everything started so far has finished (Playwright's sync API hands
        over events only while it waits): then the place to count from."""
        quiet = 0
        while quiet < 3:
            count = len(self.entries)
            self.page.wait_for_timeout(40)
            quiet = quiet + 1 if self.pending <= 0 and len(self.entries) == count else 0
        return len(self.entries)

    def since(self, mark: int, keep=lambda url: True) -> tuple[float, int]:
        chosen = [size for url, size in self.entries[mark:] if keep(url)]
        return sum(chosen) / 1024, len(chosen)


def _worker_heap_mb(browser, page) -> float | None:
    """The search worker's used JS heap, through the browser's CDP target list
    (Playwright's sync API delivers the answers while the page waits)."""
    session = browser.new_browser_cdp_session()
    try:
        targets = session.send("Target.getTargets")["targetInfos"]
        workers = [t for t in targets if t["type"] == "worker" and WORKER_PATH in t["url"]]
        if not workers:
            return None
        answers: list[dict] = []
        session.on("Target.receivedMessageFromTarget", lambda ev: answers.append(json.loads(ev["message"])))
        sid = session.send("Target.attachToTarget", {"targetId": workers[-1]["targetId"], "flatten": False})[
            "sessionId"
        ]
        for number, method in ((1, "HeapProfiler.collectGarbage"), (2, "Runtime.getHeapUsage")):
            message = json.dumps({"id": number, "method": method})
            session.send("Target.sendMessageToTarget", {"sessionId": sid, "message": message})
        deadline = time.time() + 10
        while time.time() < deadline:
            usage = next((a for a in answers if a.get("id") == 2), None)
            if usage:
                return usage["result"]["usedSize"] / 1e6
            page.wait_for_timeout(50)
        return None
    finally:
        session.detach()


def _page_heap_mb(cdp) -> float:
    cdp.send("HeapProfiler.collectGarbage")
    return cdp.send("Runtime.getHeapUsage")["usedSize"] / 1e6


def _open_ours(page, phone: bool) -> None:
    if phone:
        page.locator("label.md-header__button[for=__search]").first.click()
    else:
        page.locator(".md-search__input").first.click()
    page.wait_for_function("() => document.activeElement && document.activeElement.matches('.md-search__input')")


def measure(browser, base: str, engine: str, query: str, further: str, throttled: bool = True) -> dict:
    """One cold run of one engine: first query, further query, warm query, memory."""
    context = browser.new_context(**PHONE) if throttled else browser.new_context()
    page = context.new_page()
    wire = Wire(page)
    cdp = context.new_cdp_session(page)
    page.goto(base + ARTICLE)
    page.wait_for_load_state("networkidle")
    ours = engine == "ours"

    def index_part(url: str) -> bool:
        path = urlsplit(url).path
        if ours:
            return path.startswith("/search/") and not path.endswith("/search_index.json")
        return path.startswith(f"/{PAGEFIND_DIR}/")

    before_kb, _ = wire.since(0, index_part)
    engine_code_kb = sum(size for url, size in wire.entries if ours and WORKER_PATH in url) / 1024
    heap_before = _page_heap_mb(cdp)
    if throttled:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    try:
        mark = wire.mark()
        if ours:
            _open_ours(page, throttled)
            first = page.evaluate(_OURS_QUERY, query)
        else:
            page.evaluate(_PAGEFIND_OPEN)
            timing = page.evaluate(_PAGEFIND_QUERY, query)
            first = timing["first"]
        first_kb, first_requests = wire.since(mark)
        mark = wire.mark()
        if ours:
            page.evaluate(_OURS_QUERY, further)
        else:
            page.evaluate(_PAGEFIND_QUERY, further)
        further_kb, further_requests = wire.since(mark)
    finally:
        if throttled:
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": 1})
            cdp.send("Network.emulateNetworkConditions", {**SLOW_4G, "latency": 0, "downloadThroughput": -1,
                                                          "uploadThroughput": -1})  # fmt: skip
    warm = []
    for _ in range(3):
        if ours:
            page.evaluate(_OURS_QUERY, further + " x")  # something else first, so the box changes
            warm.append(page.evaluate(_OURS_QUERY, query))
        else:
            warm.append(page.evaluate(_PAGEFIND_QUERY, query)["first"])
    memory = _worker_heap_mb(browser, page) if ours else _page_heap_mb(cdp) - heap_before
    context.close()
    return {
        "index_before_open_kb": before_kb,
        "first_query_kb": first_kb + engine_code_kb,
        "first_query_requests": first_requests + (1 if ours else 0),
        "first_result_ms": first,
        "further_query_kb": further_kb,
        "further_query_requests": further_requests,
        "warm_query_ms": statistics.median(w for w in warm if w is not None),
        "memory_mb": memory,
    }


def compare(browser, base: str, queries: list[str] = QUERIES) -> dict[str, dict]:
    """Both engines, each first query cold in its own tab: medians and worst cases."""
    out: dict[str, dict] = {}
    for engine in ("ours", "pagefind"):
        runs = []
        for i, query in enumerate(queries):
            runs.append(measure(browser, base, engine, query, queries[(i + 1) % len(queries)]))
            print(f"search {engine} {query!r}: {runs[-1]}", file=sys.stderr)
        summary = {"runs": runs}
        for key in runs[0]:
            values = [r[key] for r in runs if isinstance(r[key], (int, float)) and r[key] is not None]
            if values:
                summary[key] = statistics.median(values)
                summary[key + "_max"] = max(values)
        out[engine] = summary
    return out


ROWS = [
    ("Index downloaded before search is opened (KB)", "index_before_open_kb", "{:.0f}"),
    ("First query, over the wire, engine code and index (KB gzip, median / worst)", "first_query_kb", "{:.0f}"),
    ("First query, requests (median)", "first_query_requests", "{:.0f}"),
    ("First result after the last keystroke, slow 4G + 4x CPU phone (ms, median / worst)", "first_result_ms", "{:.0f}"),
    ("Each further new query (KB gzip, median / worst)", "further_query_kb", "{:.0f}"),
    ("Warm query, unthrottled (ms, median / worst)", "warm_query_ms", "{:.1f}"),
    ("Memory after the queries (MB: our worker's heap / the page heap's growth)", "memory_mb", "{:.1f}"),
]


def table(results: dict[str, dict], index: dict[str, dict], n: int) -> str:
    lines = [f"Search at {n} articles: this site's engine and Pagefind 1.5.2 over the same built site", "",
             "| Measure | This site | Pagefind |", "| --- | ---: | ---: |"]  # fmt: skip
    for label, key, fmt in ROWS:
        cells = []
        for engine in ("ours", "pagefind"):
            r = results[engine]
            value = fmt.format(r[key]) if key in r else "-"
            if "worst" in label and key + "_max" in r:
                value += " / " + fmt.format(r[key + "_max"])
            cells.append(value)
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    for label, key, fmt in [
        ("Index build (s)", "index_build_s", "{:.1f}"),
        ("Index on disk (KB)", "index_disk_kb", "{:.0f}"),
        ("Index files", "index_files", "{:d}"),
    ]:
        cells = [fmt.format(index[e][key]) if key in index.get(e, {}) else "-" for e in ("ours", "pagefind")]
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return "\n".join(lines)


BUDGETS = [
    ("nothing of the index before the search box is opened", lambda r: r["index_before_open_kb_max"] < 0.5),
    ("first query at most 150 KB gzip, engine code and index parts", lambda r: r["first_query_kb_max"] <= 150),
    (
        "first result at most 1.5 s after the last keystroke (slow 4G, 4x CPU)",
        lambda r: 0 <= r["first_result_ms_max"] <= 1500,
    ),
    ("each further new query at most 50 KB more", lambda r: r["further_query_kb_max"] <= 50),
    ("a warm query at most 50 ms unthrottled", lambda r: r["warm_query_ms_max"] <= 50),
    ("worker memory at most 50 MB", lambda r: r.get("memory_mb_max") is not None and r["memory_mb_max"] <= 50),
]


def budgets(ours: dict) -> list[tuple[str, bool]]:
    return [(label, bool(check(ours))) for label, check in BUDGETS]


def quality(browser, base: str, five_base: str | None = None) -> dict:
    """The judged queries (tuned, and held out where the file exists) on this
    site and, for the scale check, on the five-article site: our engine in
    Material's box and Pagefind queried directly, every landing checked."""
    from kb.tools import search_eval

    sets = {"tuned": search_eval.load()}
    if search_eval.HELDOUT_FILE.exists():
        sets["held-out"] = search_eval.load(search_eval.HELDOUT_FILE)
    sites = {"here": base}
    if five_base and five_base != base:
        sites["five"] = five_base
    out: dict = {}
    for site, url in sites.items():
        for engine, run in (("ours", search_eval.evaluate), ("pagefind", search_eval.evaluate_pagefind)):
            for name, queries in sets.items():
                report = search_eval.Report(engine, run(browser, url, queries))
                out.setdefault(site, {}).setdefault(engine, {})[name] = {
                    **report.metrics(),
                    "misses": search_eval.misses(report),
                }
                print(f"quality {site} {engine} {name}: {report.metrics()}", file=sys.stderr)
    return out


QUALITY_ROWS = [("MRR@10", "mrr10", "{:.2f}"), ("First result answers", "success1", "{:.0%}"),
                ("Answer in the first three", "success3", "{:.0%}"), ("Lands on the answering passage", "landing", "{:.0%}"),
                ("Zero-result queries", "zero_results", "{:d}")]  # fmt: skip


def quality_table(q: dict, n: int) -> str:
    sets = list(q["here"]["ours"])
    columns = [(site, engine, name) for engine in ("ours", "pagefind") for name in sets for site in ("five", "here")
               if site in q]  # fmt: skip
    head = [f"{'This site' if e == 'ours' else 'Pagefind'}, {name}, {5 if site == 'five' else n} articles"
            for site, e, name in columns]  # fmt: skip
    lines = ["| Measure | " + " | ".join(head) + " |", "| --- |" + " ---: |" * len(columns)]
    for label, key, fmt in QUALITY_ROWS:
        cells = [fmt.format(q[site][e][name][key]) for site, e, name in columns]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def quality_budget(q: dict) -> list[tuple[str, bool]]:
    """At scale the tuned queries lose at most 0.05 of MRR and of first-result answers."""
    if "five" not in q:
        return []
    out = []
    for name in q["here"]["ours"]:
        here, five = q["here"]["ours"][name], q["five"]["ours"][name]
        ok = five["mrr10"] - here["mrr10"] <= 0.05 and five["success1"] - here["success1"] <= 0.05
        out.append((f"{name} queries at scale lose at most 0.05 of MRR and of first-result answers "
                    f"(MRR {five['mrr10']:.2f} -> {here['mrr10']:.2f}, first {five['success1']:.0%} -> "
                    f"{here['success1']:.0%})", ok))  # fmt: skip
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="a site built with this project (Pagefind's index is added to it)")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    from kb.devtools import launch_chromium
    from kb.tools.sites import GzipHandler

    index = {"ours": our_index(args.site), "pagefind": run_pagefind(args.site)}
    port = free_port()
    server = serve(args.site, port, GzipHandler)
    try:
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright)
            results = compare(browser, f"http://127.0.0.1:{port}/")
            browser.close()
    finally:
        server.shutdown()
    pages = len(list((args.site / "articles").glob("*/index.html")))
    print(table(results, index, pages))
    for label, ok in budgets(results["ours"]):
        print(f"- {'met' if ok else 'MISSED'}: {label}")
    if args.json:
        args.json.write_text(json.dumps({"search": results, "index": index}, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
