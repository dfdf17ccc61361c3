"""`mkdocs serve` survives a bad edit: it reports it, then serves the fix."""

from __future__ import annotations

import time
import urllib.request

import pytest
from early import early

from kb.devtools import copy_project, free_port, mkdocs_serve

ARTICLE = "docs/articles/can-we-afford-to-miss-customer-experience.md"
URL_PATH = "articles/can-we-afford-to-miss-customer-experience/"


def fetch(url: str, timeout: float = 3) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


MODES = {"full": [], "dirty": ["--dirty"]}


def edit_and_repair(project, mode: list[str]) -> None:
    """Serve `project`, break an article, then repair it; raises on what goes wrong."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with mkdocs_serve(project, port, *mode) as (server, log):
        wait_for(lambda: "Can We Afford" in fetch(base + URL_PATH), 60, "the first build")
        article = project / ARTICLE
        original = article.read_text(encoding="utf-8")

        article.write_text(original.replace("themes: [omnichannel,", "themes: [omnichanel,"), encoding="utf-8")
        wait_for(lambda: any("unknown theme 'omnichanel'" in line for line in log), 30, "the error report")
        wait_for(
            lambda: any("An error happened during the rebuild" in line for line in log),
            30,
            "the server to report the failed rebuild",
        )

        article.write_text(
            original.replace(
                "title: Can We Afford to Miss Customer Experience?", "title: Can We Afford It? (repaired)"
            ),
            encoding="utf-8",
        )
        wait_for(lambda: "Can We Afford It? (repaired)" in fetch(base + URL_PATH, timeout=10), 60, "the repaired page")
        assert server.poll() is None, "the server stopped"
        # The page still has its generated parts (header, related articles).
        page = fetch(base + URL_PATH)
        assert 'class="kb-article-header' in page and 'class="kb-related' in page
        assert not any("Traceback" in line or "KeyError" in line for line in log), "".join(log)[-3000:]


@early
def outcomes(tmp_path_factory):
    """Both previews run at once (each is one `mkdocs serve` process, mostly
    on one core), in the background while the browser tests run:
    {mode: None, or the exception it ended with}."""
    from concurrent.futures import ThreadPoolExecutor

    def run(name):
        try:
            edit_and_repair(copy_project(tmp_path_factory.mktemp(name) / "project"), MODES[name])
        except Exception as error:  # reported by the test of that mode
            return error
        return None

    with ThreadPoolExecutor(len(MODES)) as pool:
        return dict(zip(MODES, pool.map(run, MODES), strict=True))


@pytest.mark.parametrize("mode", MODES)
def test_serve_reports_a_bad_edit_and_serves_the_repaired_page(outcomes, mode):
    """Both previews, the full one and the fast one (--dirty: only changed
    pages are converted), show a bad edit's error and then the repair."""
    if outcomes[mode] is not None:
        raise outcomes[mode]
