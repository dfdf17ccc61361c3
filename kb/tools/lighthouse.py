"""Lighthouse, side by side: this site and the fair peer in one run.

    python -m kb benchmark --lighthouse      # what the benchmark runs

Lighthouse's mobile run (a simulated slow 4G network and a CPU four times
slower than this machine's) moves its score by several points from one run
to the next, and this machine's load moves it more. So the two sites are
measured in pairs (this site, then the peer, alternating which goes first)
and each figure is the median of the runs: the performance score, total
blocking time, layout shift, first and largest contentful paint, and the
bytes Lighthouse saw transferred. Each run starts Chromium with a fresh
profile (nothing cached).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile

from kb.devtools import CHROMIUM, CHROMIUM_FLAGS, ROOT

LIGHTHOUSE_VERSION = "13.5.0"
# figure -> (Lighthouse audit, scale to the unit of the figure)
AUDITS = {
    "tbt_ms": ("total-blocking-time", 1),
    "cls": ("cumulative-layout-shift", 1),
    "fcp_ms": ("first-contentful-paint", 1),
    "lcp_ms": ("largest-contentful-paint", 1),
    "bytes_kb": ("total-byte-weight", 1 / 1024),
}
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def binary():
    found = ROOT / "node_modules" / ".bin" / "lighthouse"
    if not found.exists():
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", "--silent", f"lighthouse@{LIGHTHOUSE_VERSION}"],
            cwd=ROOT,
            check=True,
        )
    return found


def run_once(url: str, form_factor: str = "mobile", categories=CATEGORIES) -> dict:
    """One Lighthouse run: each category's score (0-100) and the AUDITS
    figures, or {"error": ...}."""
    with tempfile.TemporaryDirectory() as profile:
        flags = " ".join(["--headless=new", *CHROMIUM_FLAGS, f"--user-data-dir={profile}"])
        cmd = [
            str(binary()),
            url,
            "--output=json",
            "--quiet",
            f"--chrome-flags={flags}",
            f"--only-categories={','.join(categories)}",
        ]
        if form_factor == "desktop":
            cmd.append("--preset=desktop")
        result = subprocess.run(
            cmd, capture_output=True, text=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300
        )
    if result.returncode != 0:
        return {"error": result.stderr[-300:]}
    return figures(json.loads(result.stdout))


def figures(report: dict) -> dict:
    """A Lighthouse JSON report -> the figures the benchmark keeps."""
    out = {
        name: round(category["score"] * 100) if category.get("score") is not None else None
        for name, category in report["categories"].items()
    }
    for name, (audit, scale) in AUDITS.items():
        value = report["audits"].get(audit, {}).get("numericValue")
        out[name] = None if value is None else value * scale
    return out


def median(runs: list[dict]) -> dict:
    """The median of each figure over the runs that worked, with the runs'
    performance scores and blocking times kept for the record."""
    good = [r for r in runs if "error" not in r]
    if not good:
        return runs[0] if runs else {"error": "not run"}
    keys = [k for k in good[0] if all(r.get(k) is not None for r in good)]
    out = {k: statistics.median(r[k] for r in good) for k in keys}
    out["runs"] = [{"performance": r.get("performance"), "tbt_ms": r.get("tbt_ms")} for r in good]
    return out


def paired(urls: dict[str, str], form_factor: str, runs: int, categories=CATEGORIES, log=None) -> dict[str, dict]:
    """Each site's medians over `runs` paired runs: site by site in turn,
    the order reversed every other run, so neither always goes first."""
    collected: dict[str, list[dict]] = {name: [] for name in urls}
    for run in range(runs):
        order = list(urls) if run % 2 == 0 else list(reversed(urls))
        for name in order:
            result = run_once(urls[name], form_factor, categories)
            collected[name].append(result)
            if log:
                log(f"lighthouse {form_factor} {name} run {run + 1}: {result}")
    return {name: median(results) for name, results in collected.items()}


# (label, figure, format) of the rows per serving mode
ROWS = [
    ("performance", "performance", "{:.0f}"),
    ("total blocking time (ms)", "tbt_ms", "{:.0f}"),
    ("cumulative layout shift", "cls", "{:.3f}"),
    ("first contentful paint (ms)", "fcp_ms", "{:.0f}"),
    ("largest contentful paint (ms)", "lcp_ms", "{:.0f}"),
    ("bytes transferred, as Lighthouse counts (KB)", "bytes_kb", "{:.0f}"),
]


def budgets(ours: dict, bare: dict, mode: str) -> list[tuple[str, bool | None]]:
    """Issue 25's budgets for one serving mode: performance within 2 points
    of the peer's, total blocking time within 30 ms of it."""

    def have(key):
        return ours.get(key) is not None and bare.get(key) is not None

    return [
        (
            f"Lighthouse mobile performance within 2 points of bare Material's ({mode})",
            ours["performance"] >= bare["performance"] - 2 if have("performance") else None,
        ),
        (
            f"Lighthouse mobile total blocking time within 30 ms of bare Material's ({mode})",
            ours["tbt_ms"] <= bare["tbt_ms"] + 30 if have("tbt_ms") else None,
        ),
    ]
