"""Where a build's time goes, by stage: `python -m kb build --profile`.

The hook (hooks/knowledge_base.py) times each of its steps and the spans
MkDocs and Material spend between them (converting Markdown: from a page's
`on_page_markdown` to its `on_page_content`; rendering templates: from its
`on_page_context` to `on_post_page`), in wall and CPU seconds. With
`KB_PROFILE` set in the environment the table is printed at the end of the
build; `python -m kb build --profile` sets it, and the benchmark reads the
same figures as JSON (`KB_PROFILE=path.json`).
"""

from __future__ import annotations

import json
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ENV = "KB_PROFILE"


def _now() -> tuple[float, float]:
    return time.perf_counter(), time.process_time()


class Stages:
    """Wall and CPU seconds per named stage, in the order first met."""

    def __init__(self) -> None:
        self.totals: dict[str, list[float]] = {}  # name -> [wall, cpu, count]
        self._open: dict[str, tuple[float, float]] = {}
        self.started = _now()

    def add(self, name: str, wall: float, cpu: float) -> None:
        total = self.totals.setdefault(name, [0.0, 0.0, 0])
        total[0] += wall
        total[1] += cpu
        total[2] += 1

    @contextmanager
    def __call__(self, name: str):
        wall, cpu = _now()
        try:
            yield
        finally:
            after_wall, after_cpu = _now()
            self.add(name, after_wall - wall, after_cpu - cpu)

    def start(self, name: str) -> None:
        """Open a span that another event closes (`stop`)."""
        self._open[name] = _now()

    def stop(self, name: str) -> None:
        if (began := self._open.pop(name, None)) is not None:
            wall, cpu = _now()
            self.add(name, wall - began[0], cpu - began[1])

    def figures(self) -> dict:
        wall, cpu = _now()
        return {
            "startup_cpu_s": self.started[1],  # Python, imports and MkDocs' configuration
            "total_wall_s": wall - self.started[0],
            "total_cpu_s": cpu,
            "stages": {name: {"wall_s": w, "cpu_s": c, "count": n} for name, (w, c, n) in self.totals.items()},
        }

    def table(self) -> str:
        data = self.figures()
        rows = [("start-up (Python, imports, configuration)", 0.0, data["startup_cpu_s"], 1)]
        rows += [(name, s["wall_s"], s["cpu_s"], s["count"]) for name, s in data["stages"].items()]
        counted = sum(cpu for _, _, cpu, _ in rows)
        rows.append(("the rest (MkDocs between the steps above)", 0.0, data["total_cpu_s"] - counted, 1))
        width = max(len(name) for name, *_ in rows)
        lines = [f"{'stage'.ljust(width)}  {'wall s':>8}  {'CPU s':>8}  {'share':>6}  {'times':>6}"]
        for name, wall, cpu, count in rows:
            share = 100 * cpu / data["total_cpu_s"] if data["total_cpu_s"] else 0
            lines.append(f"{name.ljust(width)}  {wall:8.2f}  {cpu:8.2f}  {share:5.1f}%  {count:6d}")
        lines.append(f"{'total (process CPU so far)'.ljust(width)}  {'':>8}  {data['total_cpu_s']:8.2f}")
        return "\n".join(lines)


def report(stages: Stages) -> None:
    """Print (or save as JSON) the stages, when the environment asks for it."""
    target = os.environ.get(ENV, "")
    if not target or target.lower() in ("0", "false", "no", "off"):
        return
    if target.endswith(".json"):
        Path(target).write_text(json.dumps(stages.figures(), indent=1), encoding="utf-8")
    else:
        print("\nWhere the build's time went (python -m kb build --profile):\n" + stages.table(), file=sys.stderr)


def main(argv: list[str] | None = None) -> int:
    """`python -m kb build [--profile] [mkdocs build options]`: `mkdocs build`
    in this process, with the table of stages at the end."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--profile", action="store_true", help="print where the time went, stage by stage")
    args, rest = parser.parse_known_args(argv)
    if args.profile:
        os.environ.setdefault(ENV, "1")
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    from mkdocs.__main__ import cli

    try:
        cli.main(args=["build", *rest], prog_name="python -m kb build", standalone_mode=False)
    except SystemExit as stop:
        return int(stop.code or 0)
    except Exception as error:  # click's own errors (an unknown option)
        print(error, file=sys.stderr)
        return 1
    return 0
