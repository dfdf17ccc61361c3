"""Five builds of the same articles, side by side (issue 29).

    python -m kb benchmark --builds --articles 995            # 1,000 articles, three interleaved runs
    python -m kb benchmark --builds --articles 9995 --runs 1  # 10,000

- **bare Material, default**: Material with this site's theme settings and
  every page in the navigation (quadratic in pages: each page renders the
  whole tree); a note, not the peer;
- **bare Material, this site's navigation** (the fair peer): the same, with
  the articles kept out of the sidebar (`nav:` names the home page only,
  `not_in_nav` the articles), as this site keeps them (kb/navigation.py);
- **this site, first build**: `.cache/` removed before the build;
- **this site, warm rebuild**: the same sources again, `.cache/` kept from
  the build before (as between CI runs and `mkdocs build`s at a desk);
- **Markdown only**: Python-Markdown's default conversion of the same
  article files into HTML files, and nothing else: the floor.

Each build runs in a process of its own, started by a small wrapper that
reports the CPU time (user + system) of the build and everything it started,
and its peak resident memory (the largest of them). Runs are interleaved (one
of each, then again, in a rotated order) and the medians are reported with
the ratio of each to the fair peer's CPU time.
"""

from __future__ import annotations

import json
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import yaml

from kb import frontmatter
from kb.tools import sites

NAMES = {
    "default": "Bare Material, default navigation",
    "peer": "Bare Material, this site's navigation (the fair peer)",
    "first": "This site, first build (no .cache/)",
    "warm": "This site, warm rebuild (.cache/ kept)",
    "floor": "Markdown only (Python-Markdown, no theme)",
}

# Runs the command given as JSON, then prints its CPU time and peak memory.
_WRAPPER = """
import json, os, resource, subprocess, sys, time
command, cwd, env = json.loads(sys.argv[1])
start = time.perf_counter()
done = subprocess.run(command, cwd=cwd, env={**os.environ, **env}, capture_output=True, text=True)
wall = time.perf_counter() - start
usage = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "peak_kb": usage.ru_maxrss,
                  "code": done.returncode, "stderr": done.stderr[-3000:]}))
"""

# The floor: every article converted by Python-Markdown, written to a file.
_FLOOR = """
import sys
from pathlib import Path
import markdown
source, out = Path(sys.argv[1]), Path(sys.argv[2])
out.mkdir(parents=True, exist_ok=True)
md = markdown.Markdown()
for path in sorted(source.rglob("*.md")):
    html = md.reset().convert(path.read_text(encoding="utf-8"))
    (out / (path.stem + ".html")).write_text(html, encoding="utf-8")
"""


def measure(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """One run of `command` in a process of its own: wall and CPU seconds,
    peak memory (MB); a failed build stops the benchmark with its error."""
    wrapped = [sys.executable, "-c", _WRAPPER, json.dumps([command, str(cwd), env or {}])]
    done = subprocess.run(wrapped, capture_output=True, text=True, check=True)
    found = json.loads(done.stdout.strip().splitlines()[-1])
    if found["code"] != 0:
        raise SystemExit(f"{' '.join(command)} failed in {cwd}:\n{found['stderr']}")
    return {"wall_s": found["wall"], "cpu_s": found["cpu"], "peak_mb": found["peak_kb"] / 1024}


def peer_navigation_config() -> str:
    """The fair peer's mkdocs.yml with this site's navigation: the articles
    out of the sidebar (they are still built, listed nowhere in the tree)."""
    config = yaml.safe_load(sites.peer_config())
    config["nav"] = [{"Home": "index.md"}]
    config["not_in_nav"] = "/articles/\n"
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def make(workdir: Path, articles: int) -> dict[str, Path]:
    """The projects: this site (a git repository, as hosted) and the bare
    site's articles, with a config file for each of its two navigations."""
    projects = sites.make_projects(workdir, articles)
    bare = projects["bare"]
    (bare / "mkdocs-peer.yml").write_text(peer_navigation_config(), encoding="utf-8")
    return projects


def commands(projects: dict[str, Path], workdir: Path) -> dict[str, tuple[list[str], Path, dict]]:
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q"]
    env = {"NO_MKDOCS_2_WARNING": "1", "SITE_URL": "http://127.0.0.1:8000/"}
    ours, bare = projects["ours"], projects["bare"]
    return {
        "default": ([*mkdocs, "-f", "mkdocs.yml", "-d", str(workdir / "site-default")], bare, env),
        "peer": ([*mkdocs, "-f", "mkdocs-peer.yml", "-d", str(workdir / "site-peer")], bare, env),
        "first": ([*mkdocs, "-d", str(workdir / "site-first")], ours, env),
        "warm": ([*mkdocs, "-d", str(workdir / "site-warm")], ours, env),
        "floor": ([sys.executable, "-c", _FLOOR, str(bare / "docs"), str(workdir / "site-floor")], bare, env),
    }


def run(workdir: Path, articles: int, runs: int, log=print) -> dict[str, list[dict]]:
    """Every build `runs` times, interleaved in a rotated order."""
    return run_builds(make(workdir, articles), workdir, runs, log)


# Above this size the default navigation is not built: it renders every
# article into every page (quadratic; 27 s of CPU at 1,000 articles, hours at 10,000).
DEFAULT_UP_TO = 2000


def run_builds(projects: dict[str, Path], workdir: Path, runs: int, log=print) -> dict[str, list[dict]]:
    todo = commands(projects, workdir)
    articles = len(list((projects["bare"] / "docs" / "articles").glob("*.md")))
    if articles > DEFAULT_UP_TO:
        del todo["default"]
    cache = projects["ours"] / ".cache"
    shutil.rmtree(cache, ignore_errors=True)
    measure(*todo["first"])  # the warm rebuild's .cache/ (not counted)
    found: dict[str, list[dict]] = {name: [] for name in todo}
    names = list(todo)
    for number in range(runs):
        order = names[number % len(names) :] + names[: number % len(names)]
        for name in order:
            command, cwd, env = todo[name]
            site = Path(command[command.index("-d") + 1]) if "-d" in command else Path(command[-1])
            shutil.rmtree(site, ignore_errors=True)
            if name == "first":
                kept = cache.with_name(".cache-warm")
                shutil.rmtree(kept, ignore_errors=True)
                if cache.exists():
                    cache.rename(kept)  # the first build starts without it; the warm one gets it back
                result = measure(command, cwd, env)
                shutil.rmtree(cache, ignore_errors=True)
                if kept.exists():
                    kept.rename(cache)
            else:
                result = measure(command, cwd, env)
            result["site_mb"] = sites.site_bytes(site)[0] / 1e6
            found[name].append(result)
            log(f"run {number + 1}: {name} {result['cpu_s']:.2f} s CPU, {result['peak_mb']:.0f} MB")
    return found


def medians(found: dict[str, list[dict]]) -> dict[str, dict]:
    return {
        name: {key: statistics.median(r[key] for r in results) for key in results[0]} for name, results in found.items()
    }


def table(found: dict[str, list[dict]], articles: int) -> str:
    middle = medians(found)
    peer = middle["peer"]["cpu_s"]
    runs = len(found["peer"])
    lines = [
        f"{articles:,} articles, medians of {runs} interleaved run{'s' if runs > 1 else ''}:",
        "",
        "| Build | CPU s | × fair peer | Wall s | Peak MB | Site MB |",
        "| --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for name, label in NAMES.items():
        if name not in middle:
            lines.append(f"| {label} | not built (quadratic) | | | | |")
            continue
        m = middle[name]
        lines.append(
            f"| {label} | {m['cpu_s']:.1f} | {m['cpu_s'] / peer:.2f} | {m['wall_s']:.1f} | "
            f"{m['peak_mb']:.0f} | {m['site_mb']:.1f} |"
        )
    return "\n".join(lines)


def budgets(found: dict[str, list[dict]], articles: int) -> list[tuple[str, bool]]:
    """Issue 29's build budgets, met or not."""
    m = medians(found)
    peer = m["peer"]["cpu_s"]
    out = []
    if articles < 5000:
        out.append(("first build at most 2.5x the fair peer's CPU time", m["first"]["cpu_s"] <= 2.5 * peer))
        out.append(("warm rebuild at most 1.5x the fair peer's CPU time", m["warm"]["cpu_s"] <= 1.5 * peer))
    else:
        out.append(("warm rebuild at most 1.5x the fair peer's CPU time", m["warm"]["cpu_s"] <= 1.5 * peer))
        out.append(("warm rebuild under 60 s (wall)", m["warm"]["wall_s"] < 60))
        out.append(("peak memory under 800 MB", max(m["first"]["peak_mb"], m["warm"]["peak_mb"]) < 800))
    out.append(("site bytes at most 1.5x the fair peer's", m["first"]["site_mb"] <= 1.5 * m["peer"]["site_mb"]))
    return out


def report(found: dict[str, list[dict]], articles: int) -> str:
    lines = [table(found, articles), ""]
    lines += [f"- {'met' if ok else 'MISSED'}: {label}" for label, ok in budgets(found, articles)]
    return "\n".join(lines)


# -- the preview, in a real browser ------------------------------------------------------------

_LINK = re.compile(r"\]\((?P<target>[\w.-]+)\.md#p-[\w-]+\)")


def _first_passage_line(text: str) -> int:
    """The first line of the article's first paragraph (past the front matter)."""
    block = frontmatter.BLOCK.match(text)
    start = text[: block.end()].count("\n") if block else 0
    lines = text.split("\n")
    return next(n for n in range(start, len(lines)) if lines[n].strip() and lines[n][0].isalpha())


def _pair(articles: Path) -> tuple[Path, Path, int]:
    """An article that links to a passage of another, the other, and the
    line of the linking paragraph."""
    for path in sorted(articles.glob("*.md")):
        lines = path.read_text(encoding="utf-8").split("\n")
        for n, line in enumerate(lines):
            if (match := _LINK.search(line)) and line[:1].isalpha():
                target = articles / f"{match['target']}.md"
                if target.exists() and target != path:
                    return path, target, n
    raise SystemExit(f"no article in {articles} links to a passage of another")


def preview_in_browser(project: Path, edits: int = 3, log=print) -> dict:
    """`mkdocs serve --dirty` (make preview) with the page open in Chromium:
    seconds from saving a one-word edit to the open page showing it (the
    edited article; then another article whose backlinks quote the edited
    sentence, which --dirty does not convert)."""
    from playwright.sync_api import Error, sync_playwright

    from kb.devtools import free_port, launch_chromium, mkdocs_serve
    from kb.urls import url_of_src

    linking, target, line = _pair(project / "docs" / "articles")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"

    def shown(page, marker: str, seconds: float = 600) -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds:
            try:
                if page.evaluate("m => !!document.body && document.body.innerText.includes(m)", marker):
                    return time.perf_counter() - start
            except Error:
                pass  # the page is reloading
            time.sleep(0.02)
        raise SystemExit(f"preview: {marker!r} not shown within {seconds:.0f} s")

    def edit(path: Path, n: int, marker: str) -> None:
        """One word added after the paragraph's sixth: its id (its first
        five words) and every link to it stay; a backlink's excerpt shows it."""
        lines = path.read_text(encoding="utf-8").split("\n")
        words = lines[n].split(" ")
        lines[n] = " ".join([*words[:6], marker, *words[6:]])
        path.write_text("\n".join(lines), encoding="utf-8")

    originals = {p: p.read_text(encoding="utf-8") for p in (linking, target)}
    found: dict = {}
    with mkdocs_serve(project, port, "--dirty") as (_, output), sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page()
            start = time.perf_counter()
            while True:
                try:
                    page.goto(base + url_of_src("articles/" + target.name), timeout=5000)
                    if page.title():
                        break
                except Error:
                    if time.perf_counter() - start > 3600:
                        raise SystemExit(
                            "preview: the first build never finished:\n" + "".join(output)[-3000:]
                        ) from None
                    time.sleep(1)
            found["preview_first_s"] = time.perf_counter() - start
            times = []
            for i in range(edits):  # a word added to the open article's first paragraph
                target.write_text(originals[target], encoding="utf-8")
                marker = f"Previewed{i}x{time.time_ns() % 10**6}"
                edit(target, _first_passage_line(originals[target]), marker)
                times.append(shown(page, marker))
                log(f"preview: an edit of the open article shown in {times[-1]:.2f} s")
            found["preview_edit_s"] = statistics.median(times)
            found["preview_edits_s"] = times
            target.write_text(originals[target], encoding="utf-8")
            time.sleep(2)
            # A word added to another article's sentence that links here: its
            # backlink on this page quotes it, though that page is not converted.
            marker = f"Linking{time.time_ns() % 10**6}"
            edit(linking, line, marker)
            found["preview_backlink_s"] = shown(page, marker)
            log(f"preview: the backlink on the open article updated in {found['preview_backlink_s']:.2f} s")
        finally:
            browser.close()
            for path, text in originals.items():
                path.write_text(text, encoding="utf-8")
    return found
