"""Shared fixtures: the built site, a local server for it, and a browser.

The site is built once per test session into a temporary folder and served
from 127.0.0.1 only. The browser is Debian's Chromium driven by Playwright,
started headless with the flags that keep it from contacting any other host.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]

sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
sys.path.insert(0, str(ROOT / "scripts"))


def build_site(project: Path, site_dir: Path, extra_env: dict | None = None) -> subprocess.CompletedProcess:
    """`mkdocs build --strict` of `project` into `site_dir`; never raises."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(extra_env or {})}
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)],
        cwd=project, env=env, capture_output=True, text=True,
    )


def copy_project(destination: Path) -> Path:
    """A scratch copy of the project, for tests that break its input."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("mkdocs.yml", "docs", "overrides", "anchors.json"):
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


@pytest.fixture(scope="session")
def port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def site(tmp_path_factory, port) -> Path:
    """The site, built for the address it is served from: Material's instant
    navigation only takes over links that its sitemap (made from site_url)
    lists."""
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, site_dir, {"SITE_URL": f"http://127.0.0.1:{port}/"})
    assert result.returncode == 0, result.stderr
    return site_dir


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def serve(directory: Path, port: int = 0, handler_class=None):
    """Serve `directory` on 127.0.0.1 in a background thread."""
    handler = functools.partial(handler_class or _QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


@pytest.fixture(scope="session")
def base_url(site, port) -> str:
    server = serve(site, port)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")),
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS,
        )
        yield context
        context.close()


@pytest.fixture
def page(browser, base_url):
    """A fresh tab that records console errors and every requested host."""
    tab = browser.new_page()
    tab.console_errors = []
    tab.requested_urls = []
    tab.on("console", lambda m: m.type == "error" and tab.console_errors.append(m.text))
    tab.on("pageerror", lambda e: tab.console_errors.append(str(e)))
    tab.on("request", lambda r: tab.requested_urls.append(r.url))
    yield tab
    tab.close()
