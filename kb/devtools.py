"""Helpers shared by the tests and the command-line tools: one build
function, a scratch copy of the project, a local server, a headless browser.

Nothing here is used by the site build itself. Every server binds 127.0.0.1
only; the browser is Debian's Chromium started with flags that keep it from
contacting any other host.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# What a project copy needs to build.
PROJECT_FILES = ("mkdocs.yml", "docs", "overrides", "hooks", "anchors.json")
# The engine every build and preview here runs: MkDocs, or ProperDocs (the
# maintained MkDocs 1.x, README "Past MkDocs 1.6"; `make test-properdocs`
# sets KB_ENGINE=properdocs), which builds the same mkdocs.yml.
ENGINES = ("mkdocs", "properdocs")


def engine(*args: str, env: Mapping[str, str] | None = None) -> list[str]:
    """The command line of `mkdocs ARGS` with the engine KB_ENGINE names (in
    `env`, by default this process's environment)."""
    name = (os.environ if env is None else env).get("KB_ENGINE") or "mkdocs"
    if name not in ENGINES:
        raise SystemExit(
            f"KB_ENGINE={name!r} names no engine this project builds with. "
            f"Fix: set KB_ENGINE to {' or '.join(ENGINES)}, or unset it (mkdocs)."
        )
    # ProperDocs looks for properdocs.yml first and says so: name the file.
    config = ["--config-file", "mkdocs.yml"] if name != "mkdocs" else []
    return [sys.executable, "-m", name, *args, *config]


def build_site(
    project: Path, site_dir: Path, extra_env: dict | None = None, strict: bool = True, quiet: bool = False
) -> subprocess.CompletedProcess:
    """`mkdocs build` (or the engine KB_ENGINE names) of `project` into
    `site_dir`; never raises.

    The one way every tool and test builds a site."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    command = engine("build", "--site-dir", str(site_dir), env=env)
    command += ["--strict"] if strict else []
    command += ["-q"] if quiet else []
    return subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)


def read_config(path: Path = ROOT / "mkdocs.yml") -> dict:
    """mkdocs.yml as data, each `!ENV [NAME, default]` read as its default
    (what a build with no such variable set gets)."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def env(loader, node):
        if isinstance(node, yaml.SequenceNode):
            values = loader.construct_sequence(node)
            return values[-1] if len(values) > 1 else None
        return None

    Loader.add_constructor("!ENV", env)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=Loader)


def material_theme(config: dict) -> dict:
    """The Material settings of a site's `theme:` a bare Material site can
    share (the fair peer of the benchmark and of the HTML check): its
    features, fonts, language, and palette toggles, in Material's own
    colours (no custom_dir, no icons or colours of ours)."""
    theme = config.get("theme") or {}
    shared: dict = {"name": "material"}
    for key in ("language", "font", "features"):
        if key in theme:
            shared[key] = theme[key]
    palette = theme.get("palette")
    if palette:
        schemes = palette if isinstance(palette, list) else [palette]
        shared["palette"] = [{k: v for k, v in s.items() if k in ("media", "scheme", "toggle")} for s in schemes]
    return shared


def copy_project(destination: Path) -> Path:
    """A scratch copy of the project, for tests that break its input."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, destination / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif source.exists():
            shutil.copy2(source, destination / name)
    return destination


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path, port: int = 0, handler_class=None) -> http.server.ThreadingHTTPServer:
    """Serve `directory` on 127.0.0.1 in a background thread."""
    handler = functools.partial(handler_class or QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@contextlib.contextmanager
def mkdocs_serve(project: Path, port: int, *args: str):
    """`mkdocs serve` of `project` on 127.0.0.1:`port` (plus `args`, e.g.
    "--dirty"), in a subprocess; yields the list its output lines are read
    into as they come. Stopped on leaving."""
    server = subprocess.Popen(
        engine("serve", "--dev-addr", f"127.0.0.1:{port}", *args),
        cwd=project,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(iter(server.stdout.readline, "")), daemon=True).start()
    try:
        yield server, log
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def launch_chromium(playwright):
    """Headless Debian Chromium, in a fresh temporary profile (Playwright's)."""
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    return playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)


def pdf_text(tab, url: str, path: Path) -> str:
    """What a page prints: saved as PDF by Chromium, read back with
    pdftotext (poppler-utils), white space folded."""
    import unicodedata

    tab.goto(url)
    tab.wait_for_load_state("networkidle")
    tab.pdf(path=str(path), format="A4")
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return " ".join(unicodedata.normalize("NFKC", text).split())
