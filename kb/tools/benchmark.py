"""Benchmark this site against a bare Material site of the same articles.

    python -m kb benchmark                       # the five articles
    python -m kb benchmark --articles 995        # plus 995 articles of real prose (1000 in all)
    python -m kb benchmark --lighthouse          # add Lighthouse, article page, phone, gzip and uncompressed (npm)
    python -m kb benchmark --preview             # add the time `mkdocs serve --dirty` takes to show an edit
    python -m kb benchmark --only-ours --articles 9995 --runs 1   # 10,000 articles, this site alone
    python -m kb benchmark --json out.json       # also every figure as JSON
    python -m kb benchmark --compare a.json b.json   # per-article figures of runs side by side

Builds both sites in paired runs (this site, then bare, alternating which
goes first) and prints a Markdown table, for both and as ratios: the median
clean build's wall time and CPU time (the build process and everything it
started), the whole site's bytes, an article page's HTML, a cold article-page
load in Chromium (bytes over the wire, served gzipped as GitHub Pages does,
and requests, third-party requests, search index fetched before search), time
from typing to the first search result, the search evaluation (five articles)
and optionally Lighthouse (kb/tools/lighthouse.py: paired runs, medians,
served gzipped and uncompressed) and preview times; then the budgets of the
issues and whether each is met. Measured, never asserted: the tests time
nothing.

This site is built as it is hosted: inside a git repository (one commit),
so the last-updated dates are read from git. The bare site is the fair peer:
Material with this site's theme settings (its features, the light/dark
toggle, system fonts; kb.devtools.material_theme), nothing else of ours, built
from the same articles with our discipline marks removed. Everything is
served from 127.0.0.1; requests to other hosts are counted (they fail here,
since this machine reaches no other host).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

from kb.devtools import (
    CHROMIUM,
    CHROMIUM_FLAGS,
    copy_project,
    free_port,
    mkdocs_serve,
    serve,
)
from kb.tools import builds, lighthouse, search_bench, search_eval
from kb.tools.sites import GzipHandler, UncompressedHandler, build, make_projects, site_bytes

ARTICLE = "articles/is-customer-experience-new/"
ARTICLE_SOURCE = "docs/articles/is-customer-experience-new.md"
QUERIES = ["Disney Institute", "omnichannel promise", "emotional impulse", "quantitative measures", "Henry Ford"]


def wire_bytes(url: str, compressed: bool) -> int:
    """Bytes one response takes over the wire from our server (status line,
    headers, body as sent), asked for as a browser asks."""
    request = urllib.request.Request(url, headers={"Accept-Encoding": "gzip" if compressed else "identity"})
    with urllib.request.urlopen(request, timeout=30) as response:
        body = response.read()  # urllib does not decompress: these are the bytes sent
        head = len(f"HTTP/1.1 {response.status} {response.reason}\r\n") + 2
        head += sum(len(k) + len(v) + 4 for k, v in response.getheaders())
    return head + len(body)


def page_load(browser, url: str, site: Path, compressed: bool = True) -> dict:
    """A cold load, everything fetched before the reader searches: fresh
    context, nothing cached, until the network is idle. Every file the page
    and its workers asked for (Material's search worker starts with the
    page), each counted once (the server lets the browser cache it): over
    the wire as our server sends it, and uncompressed from the files on disk;
    and the search index among it (`search/*.json`)."""
    context = browser.new_context()
    page = context.new_page()
    hosts, urls = [], []

    def requested(request):
        parts = urlsplit(request.url)
        hosts.append(parts.hostname)
        if parts.hostname == "127.0.0.1":
            urls.append(request.url.split("#", 1)[0])

    context.on("request", requested)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    context.close()
    wire = raw = index = 0
    for address in dict.fromkeys(urls):  # a file asked for twice is fetched once (cached)
        sent = wire_bytes(address, compressed)
        wire += sent
        path = urlsplit(address).path
        if path.startswith("/search/") and path.endswith(".json"):
            index += sent
        file = site / path.lstrip("/")
        file = file / "index.html" if file.is_dir() else file
        raw += file.stat().st_size if file.is_file() else 0
    return {
        "cold_kb": wire / 1024,
        "cold_raw_kb": raw / 1024,
        "requests": len(hosts),
        "third_party": sum(h != "127.0.0.1" for h in hosts),
        "index_on_load_kb": index / 1024,
    }


def search_latency(browser, url: str) -> float:
    """Median ms from the last keystroke to the first result on screen."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(url)
    page.locator(".md-search__input").first.click()
    page.keyboard.type("customer")  # warm-up: the index loads in a worker
    page.wait_for_selector(".md-search-result__item", timeout=20000)
    timings = []
    for query in QUERIES:
        # Clear the results, then time from setting the query to the first
        # result appearing (the list was empty, so it is this query's).
        page.evaluate("""() => { const i = document.querySelector('.md-search__input');
                                 i.value = ''; i.dispatchEvent(new KeyboardEvent('keyup')); }""")
        page.wait_for_function("() => !document.querySelector('.md-search-result__item')", timeout=5000)
        timings.append(
            page.evaluate(
                """query => new Promise(resolve => {
                 const input = document.querySelector('.md-search__input');
                 const list = document.querySelector('.md-search-result__list');
                 const start = performance.now();
                 const observer = new MutationObserver(() => {
                   if (list.querySelector('.md-search-result__item')) {
                     observer.disconnect(); resolve(performance.now() - start); } });
                 observer.observe(list, {childList: true, subtree: true});
                 input.value = query;
                 input.dispatchEvent(new KeyboardEvent('keyup'));
                 setTimeout(() => { observer.disconnect(); resolve(NaN); }, 5000);
               })""",
                query,
            )
        )
    context.close()
    valid = [t for t in timings if t == t]
    return statistics.median(valid) if valid else float("nan")


# Lighthouse runs: (result key, page, form factor, handler); the first two
# are the budgets (--lighthouse), the rest come with --lighthouse-all.
LIGHTHOUSE_RUNS = [
    ("lh_article_mobile", ARTICLE, "mobile", GzipHandler),
    ("lh_article_mobile_uncompressed", ARTICLE, "mobile", UncompressedHandler),
    ("lh_article_desktop", ARTICLE, "desktop", GzipHandler),
    ("lh_home_mobile", "", "mobile", GzipHandler),
    ("lh_home_desktop", "", "desktop", GzipHandler),
]


def lighthouse_side_by_side(sites: dict[str, Path], runs: int, every: bool) -> dict[str, dict]:
    """name -> {result key: Lighthouse medians}, each page measured on both
    sites in paired runs (kb/tools/lighthouse.py), served by its own server."""
    out: dict[str, dict] = {name: {} for name in sites}
    for key, path, form, handler in LIGHTHOUSE_RUNS if every else LIGHTHOUSE_RUNS[:2]:
        servers = {name: serve(site, 0, handler) for name, site in sites.items()}
        try:
            urls = {name: f"http://127.0.0.1:{server.server_address[1]}/{path}" for name, server in servers.items()}
            for name, medians in lighthouse.paired(urls, form, runs, log=_log).items():
                out[name][key] = medians
        finally:
            for server in servers.values():
                server.shutdown()
    return out


def _log(message: str) -> None:
    print(message, file=sys.stderr)


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def preview(project: Path, path: str, source: str, edits: int) -> dict:
    """`mkdocs serve --dirty`: seconds to the first page, then for each edit
    of one article (a sentence appended) seconds from saving to the server
    answering with the new text."""
    port = free_port()
    url = f"http://127.0.0.1:{port}/{path}"
    with mkdocs_serve(project, port, "--dirty") as (_, log):
        return _preview_times(url, project / source, log, edits)


def _preview_times(url: str, article: Path, log: list[str], edits: int) -> dict:
    def served(text: str, seconds: float) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if text in response.read().decode("utf-8"):
                        return time.perf_counter() - start
            except OSError:
                pass
            time.sleep(0.05)
        raise SystemExit(f"preview: {text!r} not served within {seconds:.0f} s\n{''.join(log)[-3000:]}")

    first = served("<h1", 3600)
    original = article.read_text(encoding="utf-8")
    times = []
    try:
        for i in range(edits):
            marker = f"Benchmark edit number {i} at {time.time_ns()}."
            article.write_text(original + f"\n{marker}\n", encoding="utf-8")
            times.append(served(marker, 600))
    finally:
        article.write_text(original, encoding="utf-8")
    return {"preview_first_s": first, "preview_edit_s": statistics.median(times), "preview_edits_s": times}


# (label, key, format) of the table's rows, in order
ROWS = [
    ("Clean build, wall, median of {runs} paired runs (s)", "build_wall_s", "{:.2f}"),
    ("Clean build, CPU, median (s)", "build_cpu_s", "{:.2f}"),
    ("Clean build, CPU per article (ms)", "build_cpu_ms_per_article", "{:.1f}"),
    ("Whole site (MB)", "site_mb", "{:.1f}"),
    ("Whole site per article (KB)", "site_kb_per_article", "{:.1f}"),
    ("Files in the site", "site_files", "{:d}"),
    ("Article page HTML (KB)", "article_html_kb", "{:.1f}"),
    ("Article page, cold load, over the wire (KB)", "cold_kb", "{:.0f}"),
    ("Article page, cold load, uncompressed (KB)", "cold_raw_kb", "{:.0f}"),
    ("Article page, requests", "requests", "{:d}"),
    ("Article page, third-party requests", "third_party", "{:d}"),
    ("Search index downloaded before search is opened (KB)", "index_on_load_kb", "{:.0f}"),
    ("Search index, all of it (KB)", "index_kb", "{:.0f}"),
    ("Typing to first search result (ms, median)", "search_ms", "{:.1f}"),
    ("Preview: `mkdocs serve --dirty` first page (s)", "preview_first_s", "{:.1f}"),
    ("Preview: an article edit shown (s, median)", "preview_edit_s", "{:.2f}"),
]


def budgets(ours: dict, bare: dict, n: int) -> list[tuple[str, bool | None]]:
    """The issue's budgets: (label, met; None when not measured in this run)."""

    def have(*keys):
        return all(k in ours for k in keys) and all(k in bare for k in keys)

    out: list[tuple[str, bool | None]] = [("zero third-party requests", ours["third_party"] == 0)]
    if n < 1000:
        out.append(
            (
                "article page cold load no heavier than bare Material's",
                (ours["cold_kb"] <= bare["cold_kb"]) if have("cold_kb") else None,
            )
        )
    else:
        out.append(
            (
                "build CPU at most 0.5x bare Material's",
                (ours["build_cpu_s"] <= 0.5 * bare["build_cpu_s"]) if have("build_cpu_s") else None,
            )
        )
        out.append(
            (
                "build wall time at most 0.5x bare Material's",
                (ours["build_wall_s"] <= 0.5 * bare["build_wall_s"]) if have("build_wall_s") else None,
            )
        )
        if n <= 1100:
            out.append(("whole site at most 60 MB", ours["site_mb"] <= 60))
        out.append(("article cold load before search at most 150 KB compressed", ours["cold_kb"] <= 150))
        out.append(("first search result under 50 ms", ours["search_ms"] < 50))
        out.append(("no search index downloaded before search is opened", ours["index_on_load_kb"] < 1))
        if "preview_edit_s" in ours:
            out.append(("an edit shows in the preview within 3 s", ours["preview_edit_s"] <= 3))
    if "lh_article_mobile" in ours:
        score = ours["lh_article_mobile"].get("performance")
        out.append(("Lighthouse mobile performance 95 or more on an article page", score is not None and score >= 95))
    for key, mode in (("lh_article_mobile", "gzip"), ("lh_article_mobile_uncompressed", "uncompressed")):
        if key in ours and key in bare:
            out += lighthouse.budgets(ours[key], bare[key], mode)
    if "mrr10" in ours and "mrr10" in bare:
        out.append(
            (
                "search ahead of bare Material: MRR@10 >= 0.9, success@1 >= 0.8, landing >= 0.8",
                ours["mrr10"] >= max(0.9, bare["mrr10"])
                and ours["success1"] >= max(0.8, bare["success1"])
                and ours["landing"] >= max(0.8, bare["landing"]),
            )
        )
    return out


def fmt_value(fmt: str, value) -> str:
    if value is None:
        return "-"
    if isinstance(value, dict):  # Lighthouse
        if "error" in value:
            return "error"
        return " / ".join(str(value.get(c)) for c in ("performance", "accessibility", "best-practices", "seo"))
    return fmt.format(value)


def table(results: dict[str, dict], n: int, runs: int, gzipped: bool) -> str:
    ours, bare = results["ours"], results.get("bare", {})
    lines = [
        f"### {n} articles{'' if gzipped else ', served uncompressed'}",
        "",
        "| Measure | This site | Bare Material | Ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    rows = [(label.format(runs=runs), key, fmt) for label, key, fmt in ROWS]
    if "mrr10" in ours:
        rows += [(label, key, fmt) for label, key, fmt in search_eval.ROWS[:5]]
    rows += [
        (f"Lighthouse {key[3:].replace('_', ' ')} (perf / a11y / best / SEO)", key, "")
        for key in sorted(k for k in ours if k.startswith("lh_"))
    ]
    for label, key, fmt in rows:
        if key not in ours:
            continue
        a, b = ours[key], bare.get(key)
        r = ratio(a, b) if isinstance(a, (int, float)) and isinstance(b, (int, float)) and "%" not in fmt else ""
        lines.append(f"| {label} | {fmt_value(fmt, a)} | {fmt_value(fmt, b)} | {r} |")
    for key, mode in (("lh_article_mobile", "gzip"), ("lh_article_mobile_uncompressed", "uncompressed")):
        if key not in ours or "error" in ours[key]:
            continue
        a, b = ours[key], bare.get(key, {})
        for label, figure, fmt in lighthouse.ROWS:
            runs = len(a.get("runs", []))
            lines.append(
                f"| Lighthouse article mobile, {mode}, median of {runs}: {label} | "
                f"{fmt_value(fmt, a.get(figure))} | {fmt_value(fmt, b.get(figure))} | |"
            )
    lines += ["", "Budgets:", ""]
    for label, ok in budgets(ours, bare, n):
        lines.append(f"- {'not measured' if ok is None else 'met' if ok else 'MISSED'}: {label}")
    return "\n".join(lines)


def compare(paths: list[Path]) -> str:
    """Per-article figures of saved runs side by side: linear growth shows as
    flat rows."""
    runs = [json.loads(p.read_text(encoding="utf-8")) for p in paths]
    lines = [
        "| Measure | " + " | ".join(f"{r['articles']} articles" for r in runs) + " |",
        "| --- |" + " ---: |" * len(runs),
    ]
    for label, key, fmt in [
        ("Build wall (s)", "build_wall_s", "{:.1f}"),
        ("Build CPU (s)", "build_cpu_s", "{:.1f}"),
        ("Build CPU per article (ms)", "build_cpu_ms_per_article", "{:.1f}"),
        ("Build wall per article (ms)", "build_wall_ms_per_article", "{:.1f}"),
        ("Whole site (MB)", "site_mb", "{:.1f}"),
        ("Whole site per article (KB)", "site_kb_per_article", "{:.1f}"),
        ("Article page HTML (KB)", "article_html_kb", "{:.1f}"),
        ("Article cold load, over the wire (KB)", "cold_kb", "{:.0f}"),
        ("Preview: an edit shown (s)", "preview_edit_s", "{:.2f}"),
    ]:
        lines.append(f"| {label} | " + " | ".join(fmt_value(fmt, r["ours"].get(key)) for r in runs) + " |")
    return "\n".join(lines)


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=0, help="synthetic articles to add to the five")
    parser.add_argument("--runs", type=int, default=3, help="paired clean builds; the medians are reported")
    parser.add_argument(
        "--builds",
        action="store_true",
        help="only the five builds, interleaved: bare Material default and with this site's navigation "
        "(the fair peer), this site's first build and warm rebuild, Markdown only; CPU and peak memory",
    )
    parser.add_argument(
        "--lighthouse",
        action="store_true",
        help="also run Lighthouse on an article page, phone, gzip and uncompressed (npm, about 20 s a run)",
    )
    parser.add_argument(
        "--lighthouse-all", action="store_true", help="with --lighthouse: the home page and desktop too"
    )
    parser.add_argument("--lighthouse-runs", type=int, default=5, help="paired Lighthouse runs per page (medians)")
    parser.add_argument("--preview", action="store_true", help="also time `mkdocs serve --dirty` showing an edit")
    parser.add_argument("--no-gzip", action="store_true", help="serve uncompressed (default: gzip, as GitHub Pages)")
    parser.add_argument("--only-ours", action="store_true", help="skip the bare Material site (10,000 articles)")
    parser.add_argument(
        "--no-search-eval",
        action="store_true",
        help="skip the search quality rows (tests/data/search_eval.yaml, about 3 min a site)",
    )
    parser.add_argument(
        "--no-search", action="store_true", help="skip the search rows (engine and Pagefind, budgets, quality)"
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--compare", type=Path, nargs="+", help="print saved --json runs side by side and stop")
    return parser.parse_args(argv)


def timed_builds(projects: dict[str, Path], workdir: Path, ports: dict[str, int], runs: int, n: int) -> dict:
    """Clean builds of every project in paired runs; each one's medians,
    bytes and search index."""
    results: dict[str, dict] = {name: {} for name in projects}
    timings: dict[str, list[tuple[float, float]]] = {name: [] for name in projects}
    for run in range(runs):
        order = list(projects) if run % 2 == 0 else list(reversed(projects))
        for name in order:
            wall, cpu = build(projects[name], workdir / f"site-{name}", f"http://127.0.0.1:{ports[name]}/")
            timings[name].append((wall, cpu))
            _log(f"run {run + 1}: {name} {wall:.2f} s wall, {cpu:.2f} s CPU")
    for name in projects:
        site = workdir / f"site-{name}"
        r = results[name]
        r["build_wall_s"] = statistics.median(w for w, _ in timings[name])
        r["build_cpu_s"] = statistics.median(c for _, c in timings[name])
        r["build_runs"] = timings[name]
        r["build_cpu_ms_per_article"] = 1000 * r["build_cpu_s"] / n
        r["build_wall_ms_per_article"] = 1000 * r["build_wall_s"] / n
        total, files = site_bytes(site)
        r["site_mb"] = total / 1e6
        r["site_kb_per_article"] = total / 1024 / n
        r["site_files"] = files
        r["article_html_kb"] = (site / ARTICLE / "index.html").stat().st_size / 1024
        index = site / "search" / "search_index.json"
        r["index_kb"] = index.stat().st_size / 1024
        # This site: search_index.json is a stub; the parts load as queries need them.
        if name == "ours":
            r["index_kb"] = sum(f.stat().st_size for f in (site / "search").rglob("*") if f.is_file()) / 1024
            stats = workdir / "search-stats.json"
            if stats.exists():
                r["search_index_build_s"] = json.loads(stats.read_text(encoding="utf-8"))["seconds"]
    return results


def in_browser(args, projects: dict[str, Path], workdir: Path, ports: dict[str, int], results: dict) -> None:
    """Page loads, search latency and quality in Chromium, and Lighthouse."""
    from playwright.sync_api import sync_playwright

    handler = GzipHandler if not args.no_gzip else None
    servers = {name: serve(workdir / f"site-{name}", ports[name], handler) for name in projects}
    five_base = None
    if not args.no_search:
        site = workdir / "site-ours"
        index = {"ours": search_bench.our_index(site), "pagefind": search_bench.run_pagefind(site)}
        index["ours"]["index_build_s"] = results["ours"].get("search_index_build_s")
        results["index"] = index
        if args.articles and not args.no_search_eval:
            # The five real articles alone: the reference the scale check compares with.
            five = copy_project(workdir / "five")
            five_port = free_port()
            build(five, workdir / "site-five", f"http://127.0.0.1:{five_port}/")
            search_bench.run_pagefind(workdir / "site-five")
            servers["five"] = serve(workdir / "site-five", five_port, handler)
            five_base = f"http://127.0.0.1:{five_port}/"
    try:
        with sync_playwright() as playwright:
            # A fresh temporary profile: Playwright's launch makes one.
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
            _in_chromium(browser, args, projects, workdir, ports, results, five_base)
            browser.close()
        if args.lighthouse:
            sites = {name: workdir / f"site-{name}" for name in projects}
            for name, found in lighthouse_side_by_side(sites, args.lighthouse_runs, args.lighthouse_all).items():
                results[name].update(found)
    finally:
        for server in servers.values():
            server.shutdown()


def _in_chromium(browser, args, projects, workdir: Path, ports, results: dict, five_base: str | None) -> None:
    for name in projects:
        base = f"http://127.0.0.1:{ports[name]}/"
        results[name].update(page_load(browser, base + ARTICLE, workdir / f"site-{name}", not args.no_gzip))
        results[name]["search_ms"] = search_latency(browser, base + ARTICLE)
    if not args.no_search_eval and not args.articles:
        # Quality against bare Material on the five real articles.
        queries = search_eval.load()
        for name in projects:
            base = f"http://127.0.0.1:{ports[name]}/"
            outcomes = search_eval.evaluate(browser, base, queries)
            results[name].update(search_eval.Report(name, outcomes).metrics())
    if not args.no_search:
        # Search at this size: our engine and Pagefind over the same
        # built site, budgets and quality (kb/tools/search_bench.py).
        base = f"http://127.0.0.1:{ports['ours']}/"
        results["search"] = search_bench.compare(browser, base)
        if not args.no_search_eval:
            results["quality"] = search_bench.quality(browser, base, five_base)


def report(results: dict, n: int, runs: int, gzipped: bool) -> str:
    lines = [table({k: v for k, v in results.items() if k in ("ours", "bare")}, n, runs, gzipped)]
    if "search" in results:
        lines += ["", search_bench.table(results["search"], results["index"], n), "\nSearch budgets:\n"]
        lines += [
            f"- {'met' if ok else 'MISSED'}: {label}" for label, ok in search_bench.budgets(results["search"]["ours"])
        ]
    if "quality" in results:
        lines += ["", search_bench.quality_table(results["quality"], n)]
        lines += [
            f"- {'met' if ok else 'MISSED'}: {label}" for label, ok in search_bench.quality_budget(results["quality"])
        ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if args.compare:
        print(compare(args.compare))
        return 0
    n = 5 + args.articles
    if args.builds:
        with tempfile.TemporaryDirectory() as tmp:
            projects = builds.make(Path(tmp), args.articles)
            found = builds.run_builds(projects, Path(tmp), args.runs, log=_log) if args.runs else {}
            previewed = builds.preview_in_browser(projects["ours"], log=_log) if args.preview else {}
        print()
        if found:
            print(builds.report(found, n))
        for key, value in previewed.items():
            print(f"- {key}: {value}")
        if args.json:
            figures = {"articles": n, "builds": found, "preview": previewed}
            args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        projects = make_projects(workdir, args.articles, args.only_ours)
        os.environ["KB_SEARCH_STATS"] = str(workdir / "search-stats.json")  # kb/search.py: its own time
        ports = {name: free_port() for name in projects}
        results = timed_builds(projects, workdir, ports, args.runs, n)
        in_browser(args, projects, workdir, ports, results)
        if args.preview:
            results["ours"].update(preview(projects["ours"], ARTICLE, ARTICLE_SOURCE, edits=3))
    print()
    print(report(results, n, args.runs, not args.no_gzip))
    if args.json:
        figures = {"articles": n, "runs": args.runs, "gzip": not args.no_gzip, **results}
        args.json.write_text(json.dumps(figures, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
