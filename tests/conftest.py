"""Shared fixtures: the built site, a local server for it, and a browser.

The site is built once per test session into a temporary folder and served
from 127.0.0.1 only. The browser is Debian's Chromium driven by Playwright,
started headless with the flags that keep it from contacting any other host.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from early import early, start

from kb.devtools import ROOT, build_site, free_port, launch_chromium, serve


def pytest_collection_finish(session):
    session.config.early_pool = start(session)


def pytest_sessionfinish(session):
    if pool := getattr(session.config, "early_pool", None):
        pool.shutdown(cancel_futures=True)


@early(first=True)
def built_site(tmp_path_factory) -> tuple[Path, int]:
    """The site, built for the address it is served from (site folder, port):
    Material's instant navigation only takes over links that its sitemap
    (made from site_url) lists."""
    port = free_port()
    site_dir = tmp_path_factory.mktemp("site")
    result = build_site(ROOT, site_dir, {"SITE_URL": f"http://127.0.0.1:{port}/"})
    assert result.returncode == 0, result.stderr
    return site_dir, port


@pytest.fixture(scope="session")
def site(built_site) -> Path:
    return built_site[0]


@pytest.fixture(scope="session")
def port(built_site) -> int:
    return built_site[1]


@pytest.fixture(scope="session")
def base_url(site, port) -> str:
    server = serve(site, port)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def playwright():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as instance:
        yield instance


@pytest.fixture(scope="session")
def chromium(playwright):
    """The session's one Chromium (Playwright gives it a fresh temporary
    profile); tests that need a context of their own (a second reader, the
    tour's lanes) make it here: `chromium.new_context(**PHONE)`."""
    instance = launch_chromium(playwright)
    yield instance
    instance.close()


@pytest.fixture(scope="session")
def browser(chromium):
    """The desktop browser context the `page` tab lives in (one per session)."""
    context = chromium.new_context()
    yield context
    context.close()


@pytest.fixture(scope="session")
def tour(chromium, site, base_url):
    """Every page opened once on a desktop, light and dark, audited by axe-core,
    its console errors and requests recorded (tests/tour.py)."""
    from tour import take_tour

    from kb.htmltext import page_urls

    return take_tour(chromium, base_url, page_urls(site))


# The sources and Markdown set-up the function-level tests run the pass on
# (kb.pipeline), read once for the session.
@pytest.fixture(scope="session")
def config():
    from kb import pipeline

    return pipeline.load_config()


@pytest.fixture(scope="session")
def base_sources() -> dict[str, str]:
    from kb import pipeline

    return pipeline.read_sources(ROOT / "docs")


# A phone as the tests meet it: small, touch, high density, mobile UA.
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def _recording(tab):
    """`tab`, recording its console errors and requested URLs, its size
    remembered as the default the lenders below restore."""
    tab.default_viewport = tab.viewport_size
    tab.cdp = tab.context.new_cdp_session(tab)
    tab.on("console", lambda m: m.type == "error" and not _intervention(m.text) and tab.console_errors.append(m.text))
    tab.on("pageerror", lambda e: tab.console_errors.append(str(e)))
    tab.on("request", lambda r: tab.requested_urls.append(r.url))
    return tab


# Chromium's notice that a tap's touchstart came while the page was still
# scrolling, so that no listener could cancel it (cancelable=false): timing
# on a loaded machine (seen once, with both cores busy), not an error of the
# page's scripts. Every other console error, and every page error, counts.
_SCROLL_INTERVENTION = "Ignored attempt to cancel a touchstart event with cancelable=false"


def _intervention(text: str) -> bool:
    return text.startswith(_SCROLL_INTERVENTION)


def _origin(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme == "file":
        return "file://"
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else None


def _lend(tab):
    """Lend `tab` to one test as if fresh (a new browser context per test cost
    about 1 core-second each: a renderer to start and every script compiled
    cold): blank, at its default size, light, the pointer in the corner,
    nothing recorded, no permission granted, and no local or session storage
    on any origin the test visited (Material keeps the chosen palette in
    localStorage, and writes it on every page load)."""
    tab.console_errors = []
    tab.requested_urls = []
    if tab.viewport_size != tab.default_viewport:
        tab.set_viewport_size(tab.default_viewport)
    yield tab
    tab.goto("about:blank")  # first: no page is left to write to storage
    for origin in {_origin(url) for url in tab.requested_urls} - {None}:
        # Both kinds: this clears the tab's sessionStorage of the origin too.
        tab.cdp.send("Storage.clearDataForOrigin", {"origin": origin, "storageTypes": "local_storage"})
    tab.context.clear_permissions()
    tab.emulate_media(media="null", color_scheme="light")
    tab.mouse.move(0, 0)


@pytest.fixture(scope="session")
def _tab(browser):
    tab = _recording(browser.new_page())
    yield tab
    tab.close()


@pytest.fixture
def page(_tab):
    """The session's desktop tab, lent to this test (see _lend): one tab
    serves every test."""
    yield from _lend(_tab)


@pytest.fixture(scope="session")
def _phone_tab(chromium):
    context = chromium.new_context(**PHONE)
    yield _recording(context.new_page())
    context.close()


@pytest.fixture
def phone(_phone_tab):
    """The session's phone tab (PHONE), lent to this test like `page`."""
    yield from _lend(_phone_tab)


@early
def offline_zip(tmp_path_factory) -> Path:
    """The offline edition's zip, built from a copy of the project as the
    deploy workflow builds it (`python -m kb offline`)."""
    from kb.devtools import copy_project
    from kb.tools import build_offline

    root = tmp_path_factory.mktemp("offline")
    return build_offline.build_offline(copy_project(root / "project"), root / "dist")


# A copy of the project edited the way pages change over time, built once for
# the tests that need it: an article moved to a new address with a redirect
# from the old one (mkdocs.yml redirect_maps), and a paragraph in another
# article that keeps an old id as an alias.
MOVED = ("is-customer-experience-new", "customer-experience-is-not-new")
ALIASED = "articles/customer-experience-in-the-digital-era/"
ALIAS = "p-an-older-wording"


@early
def edited_build(tmp_path_factory):
    """(site folder, port it is built for) of the edited copy."""
    import re

    from kb.devtools import copy_project

    work = tmp_path_factory.mktemp("edited")
    project = copy_project(work / "project")
    old, new = MOVED
    (project / f"docs/articles/{old}.md").rename(project / f"docs/articles/{new}.md")
    for md in (project / "docs").rglob("*.md"):
        md.write_text(md.read_text(encoding="utf-8").replace(f"{old}.md", f"{new}.md"), encoding="utf-8")
    config = project / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "redirect_maps: {}" in text
    config.write_text(
        text.replace("redirect_maps: {}", f"redirect_maps:\n        articles/{old}.md: articles/{new}.md"),
        encoding="utf-8",
    )
    # The alias goes under the article's last long paragraph.
    source = project / "docs" / (ALIASED.rstrip("/") + ".md")
    lines = source.read_text(encoding="utf-8").split("\n")
    last = max(
        i for i, line in enumerate(lines[:-1]) if re.match(r"[A-Z][^{]{100,}$", line) and not lines[i + 1].strip()
    )
    lines.insert(last + 1, f'{{ aliases="{ALIAS}" }}')
    source.write_text("\n".join(lines), encoding="utf-8")
    port = free_port()
    result = build_site(project, work / "site", {"SITE_URL": f"http://127.0.0.1:{port}/"}, quiet=True)
    assert result.returncode == 0, result.stderr
    return work / "site", port


@pytest.fixture(scope="session")
def edited_site(edited_build):
    """(site folder, served base URL) of the edited copy."""
    site_dir, port = edited_build
    server = serve(site_dir, port)
    yield site_dir, f"http://127.0.0.1:{port}/"
    server.shutdown()
