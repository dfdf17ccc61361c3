"""What the published site says about itself and carries with it: its
address, robots.txt, and the offline edition's zip.

(The sitemap leaves out the print views by a template: overrides/sitemap.xml.)
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urlsplit

from .problems import Problems

LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", ""}
# Where the offline edition is published in the site (the name of the zip
# `python -m kb offline` writes, and of the release asset): never renamed.
OFFLINE_ZIP = "cx-knowledge-base-offline.zip"


def check_deploy_address(site_url: str, problems: Problems) -> None:
    """A deploy build publishes canonical links and link previews with
    site_url: it must be the public address, not this machine's."""
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") in LOCAL_HOSTS:
        problems.add(
            "mkdocs.yml",
            None,
            f"this is a deploy build, but site_url is '{site_url}', an address on this machine.",
            "set SITE_URL to the published address (the deploy workflow sets it to the GitHub Pages "
            "URL), e.g. SITE_URL=https://example.org/cx/ mkdocs build.",
        )


def robots(site_dir: Path, site_url: str, private_prefix: str) -> None:
    """robots.txt: everything may be crawled but the print views; where the
    sitemap is. A robots.txt written in docs/ wins."""
    target = site_dir / "robots.txt"
    if target.exists():
        return
    base = site_url if site_url.endswith("/") else site_url + "/"
    path = urlsplit(base).path or "/"
    lines = ["User-agent: *", f"Disallow: {path}{private_prefix}"]
    if urlsplit(base).netloc:
        lines.append(f"Sitemap: {base}sitemap.xml")
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check_offline_zip(path: Path | None, problems: Problems) -> None:
    """KB_OFFLINE_ZIP must name a zip that exists: the home page links to it."""
    if path is not None and not path.is_file():
        problems.add(
            "mkdocs.yml",
            None,
            f"KB_OFFLINE_ZIP (extra.kb_offline_zip) is '{path}', which is not a file.",
            "build the offline edition first (python -m kb offline writes dist/" + OFFLINE_ZIP + "), "
            "or unset KB_OFFLINE_ZIP.",
        )


def offline_zip(site_dir: Path, path: Path | None) -> None:
    """The offline edition, published with the site (the home page links to it)."""
    if path is not None and path.is_file():
        shutil.copyfile(path, site_dir / OFFLINE_ZIP)
