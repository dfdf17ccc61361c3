"""Shared fixtures: the built site, a local server for it, and a browser.

The site is built once per test session into a temporary folder and served
from 127.0.0.1 only. The browser is Debian's Chromium driven by Playwright,
started headless with the flags that keep it from contacting any other host.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from kb.devtools import ROOT, build_site, free_port, launch_chromium, serve


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
def browser(playwright, tmp_path_factory):
    """A desktop browser context with a fresh profile (one per session)."""
    context = launch_chromium(playwright, tmp_path_factory.mktemp("chromium-profile"))
    yield context
    context.close()


@pytest.fixture(scope="session")
def chromium(playwright):
    """A browser for tests that need contexts of their own (phones, a second
    reader, dark mode): `chromium.new_context(**PHONE)`."""
    instance = launch_chromium(playwright)
    yield instance
    instance.close()


# A phone as the tests meet it: small, touch, high density, mobile UA.
PHONE = {"viewport": {"width": 375, "height": 740}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


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
