"""Benchmark this site against a bare Material site of the same articles.

    python -m kb benchmark                     # the five articles
    python -m kb benchmark --articles 100      # plus 100 synthetic ones
    python -m kb benchmark --lighthouse        # add Lighthouse scores (npm)

Builds both sites side by side and prints a Markdown table, for both and as
ratios: clean build time (median of --runs), bytes and requests of a cold
article-page load in Chromium, third-party requests, time from typing to the
first search result, and search index size; then the budgets and whether
each is met. Measured, never asserted: the tests do not time anything.

The bare site is `theme: material` with defaults, built from the same
articles with our discipline marks removed. Everything is served from
127.0.0.1; requests the bare site makes to other hosts (web fonts) are
counted, and fail here, since this machine reaches no other host.
"""

from __future__ import annotations

import argparse
import gzip
import http.server
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

from kb.devtools import CHROMIUM, CHROMIUM_FLAGS, ROOT, build_site, copy_project, free_port, serve
from kb.tools import search_eval, synthetic

ARTICLE = "articles/is-customer-experience-new/"
QUERIES = ["Disney Institute", "omnichannel promise", "emotional impulse", "quantitative measures", "Henry Ford"]
LIGHTHOUSE_VERSION = "13.5.0"
MARK_LINE = re.compile(r"^\s*\{[^}]*\}\s*$", re.M)


def make_projects(workdir: Path, articles: int) -> dict[str, Path]:
    ours = copy_project(workdir / "ours")
    bare = workdir / "bare"
    (bare / "docs" / "articles").mkdir(parents=True)
    (bare / "mkdocs.yml").write_text("site_name: CX Knowledge Base\ntheme:\n  name: material\n", encoding="utf-8")
    for md in (ROOT / "docs" / "articles").glob("*.md"):
        if md.name != "index.md":
            (bare / "docs" / "articles" / md.name).write_text(
                MARK_LINE.sub("", md.read_text(encoding="utf-8")), encoding="utf-8"
            )
    (bare / "docs" / "index.md").write_text("# CX Knowledge Base\n", encoding="utf-8")
    if articles:
        synthetic.write(articles, ours / "docs" / "articles")
        synthetic.write(articles, bare / "docs" / "articles", plain=True)
    return {"ours": ours, "bare": bare}


def build(project: Path, site: Path, site_url: str) -> float:
    if site.exists():
        shutil.rmtree(site)
    start = time.perf_counter()
    result = build_site(project, site, {"SITE_URL": site_url}, strict=False, quiet=True)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"build of {project.name} failed:\n{result.stderr[-3000:]}")
    return elapsed


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves text compressed, as GitHub Pages does (--gzip)."""

    TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or path.suffix not in self.TEXT or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def page_load(browser, url: str) -> dict:
    """A cold load: fresh context, nothing cached."""
    context = browser.new_context()
    page = context.new_page()
    sizes, hosts = [], []

    def finished(request):
        try:
            s = request.sizes()
            sizes.append(s["responseBodySize"] + s["responseHeadersSize"])
        except Exception:
            pass

    page.on("request", lambda r: hosts.append(urlsplit(r.url).hostname))
    page.on("requestfinished", finished)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    context.close()
    return {"bytes": sum(sizes), "requests": len(hosts), "third_party": sum(h != "127.0.0.1" for h in hosts)}


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


def index_on_load(browser, url: str) -> int:
    """Bytes of search index fetched by a cold page load, search untouched."""
    context = browser.new_context()
    page = context.new_page()
    sizes = []

    def finished(request):
        if "/search/" in request.url and request.url.endswith(".json"):
            sizes.append(request.sizes()["responseBodySize"])

    page.on("requestfinished", finished)
    page.goto(url)
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes)


def lighthouse(url: str, form_factor: str) -> dict:
    binary = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--silent", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=ROOT,
            check=True,
        )
    with tempfile.TemporaryDirectory() as profile:
        flags = " ".join(["--headless=new", *CHROMIUM_FLAGS, f"--user-data-dir={profile}"])
        cmd = [
            str(binary),
            url,
            "--output=json",
            "--quiet",
            f"--chrome-flags={flags}",
            "--only-categories=performance,accessibility,best-practices,seo",
        ]
        if form_factor == "desktop":
            cmd.append("--preset=desktop")
        result = subprocess.run(
            cmd, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300
        )
    if result.returncode != 0:
        return {"error": result.stderr[-300:]}
    categories = json.loads(result.stdout)["categories"]
    return {k: round(v["score"] * 100) if v["score"] is not None else None for k, v in categories.items()}


def ratio(a: float, b: float) -> str:
    return f"{a / b:.2f}x" if b else "n/a"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--articles", type=int, default=0, help="synthetic articles to add to the five")
    parser.add_argument("--runs", type=int, default=5, help="builds per site for the median")
    parser.add_argument("--lighthouse", action="store_true", help="also run Lighthouse (npm, about a minute a page)")
    parser.add_argument("--gzip", action="store_true", help="serve text compressed, as GitHub Pages does")
    parser.add_argument(
        "--no-search-eval",
        action="store_true",
        help="skip the search quality rows (tests/data/search_eval.yaml, about 3 min a site)",
    )
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    results: dict[str, dict] = {"ours": {}, "bare": {}}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        projects = make_projects(workdir, args.articles)
        ports = {name: free_port() for name in projects}
        for name, project in projects.items():
            site_url = f"http://127.0.0.1:{ports[name]}/"
            times = [build(project, workdir / f"site-{name}", site_url) for _ in range(args.runs)]
            results[name]["build_s"] = statistics.median(times)
            index = workdir / f"site-{name}" / "search" / "search_index.json"
            results[name]["index_kb"] = index.stat().st_size / 1024
            # This site: search_index.json is a stub; the passages load on the first query.
            passages = workdir / f"site-{name}" / "search" / "passages.json"
            if passages.exists():
                results[name]["index_kb"] += passages.stat().st_size / 1024
            print(f"built {name}: median {results[name]['build_s']:.2f}s of {args.runs}", file=sys.stderr)

        handler = GzipHandler if args.gzip else None
        servers = {name: serve(workdir / f"site-{name}", ports[name], handler) for name in projects}
        try:
            with sync_playwright() as playwright:
                # A fresh temporary profile: Playwright's launch makes one.
                browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
                for name in projects:
                    base = f"http://127.0.0.1:{ports[name]}/"
                    results[name].update(page_load(browser, base + ARTICLE))
                    results[name]["search_ms"] = search_latency(browser, base + ARTICLE)
                    results[name]["index_on_load_kb"] = index_on_load(browser, base + ARTICLE) / 1024
                if not args.no_search_eval:
                    # Quality is judged on the five real articles: synthetic ones
                    # repeat their paragraphs, so they would answer the queries too.
                    queries = search_eval.load()
                    for name in projects:
                        base = f"http://127.0.0.1:{ports[name]}/"
                        outcomes = search_eval.evaluate(browser, base, queries) if not args.articles else []
                        if outcomes:
                            results[name].update(search_eval.Report(name, outcomes).metrics())
                browser.close()
            if args.lighthouse:
                for name in projects:
                    base = f"http://127.0.0.1:{ports[name]}/"
                    for label, path in (("home", ""), ("article", ARTICLE)):
                        for form in ("mobile", "desktop"):
                            results[name][f"lh_{label}_{form}"] = lighthouse(base + path, form)
                            print(
                                f"lighthouse {name} {label} {form}: {results[name][f'lh_{label}_{form}']}",
                                file=sys.stderr,
                            )
        finally:
            for server in servers.values():
                server.shutdown()

    ours, bare = results["ours"], results["bare"]
    n = 5 + args.articles
    print(f"\n### {n} articles{', served with gzip' if args.gzip else ''}\n")
    print("| Measure | This site | Bare Material | Ratio |")
    print("| --- | ---: | ---: | ---: |")
    rows = [
        (f"Clean build, median of {args.runs} (s)", "build_s", "{:.2f}"),
        ("Article page, cold load (KB transferred)", "bytes", "{:.0f}"),
        ("Article page, requests", "requests", "{:d}"),
        ("Article page, third-party requests", "third_party", "{:d}"),
        ("Typing to first search result (ms, median)", "search_ms", "{:.1f}"),
        ("Search index (KB)", "index_kb", "{:.0f}"),
        ("Search index downloaded with the article page, before search (KB)", "index_on_load_kb", "{:.0f}"),
    ]
    if "mrr10" in ours:
        rows += [(label, key, fmt) for label, key, fmt in search_eval.ROWS[:5]]
    for label, key, fmt in rows:
        a, b = ours[key], bare[key]
        if key in ("success1", "success3", "landing"):
            print(f"| {label} | {a:.0%} | {b:.0%} | |")
            continue
        if key == "bytes":
            a, b = a / 1024, b / 1024
        print(f"| {label} | {fmt.format(a)} | {fmt.format(b)} | {ratio(a, b)} |")
    if args.lighthouse:
        for key in sorted(k for k in ours if k.startswith("lh_")):

            def fmt(r):
                return (
                    "error"
                    if "error" in r
                    else " / ".join(str(r.get(c)) for c in ("performance", "accessibility", "best-practices", "seo"))
                )

            print(
                f"| Lighthouse {key[3:].replace('_', ' ')} (perf / a11y / best / SEO) | {fmt(ours[key])} "
                f"| {fmt(bare[key])} | |"
            )

    print("\nBudgets:")
    budgets = [
        ("zero third-party requests", ours["third_party"] == 0),
        ("article page bytes <= bare", ours["bytes"] <= bare["bytes"]),
        ("build time <= 1.5x bare", ours["build_s"] <= 1.5 * bare["build_s"]),
    ]
    if n >= 1000:
        budgets.append(("first search result < 50 ms", ours["search_ms"] < 50))
        budgets.append(
            ("no search index downloaded before search is opened (a config stub < 1 KB)", ours["index_on_load_kb"] < 1)
        )
    if "mrr10" in ours:
        budgets.append(
            (
                "search ahead of bare Material: MRR@10 >= 0.9, success@1 >= 0.8, landing >= 0.8",
                ours["mrr10"] >= max(0.9, bare["mrr10"])
                and ours["success1"] >= max(0.8, bare["success1"])
                and ours["landing"] >= max(0.8, bare["landing"]),
            )
        )
    if args.lighthouse:
        mobile = [ours[k] for k in ours if k.startswith("lh_") and k.endswith("mobile")]
        budgets.append(
            (
                "Lighthouse 100/100/100/100 on mobile",
                all("error" not in r and all(v == 100 for v in r.values()) for r in mobile),
            )
        )
    for label, ok in budgets:
        print(f"- {'met   ' if ok else 'MISSED'} {label}")
    if args.json:
        args.json.write_text(json.dumps({"articles": n, **results}, indent=1), encoding="utf-8")

    return 0
