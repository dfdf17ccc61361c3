"""What the published site says about itself: its address, sitemap, robots.txt."""

from __future__ import annotations

import gzip
import re
from pathlib import Path
from urllib.parse import urlsplit

from .problems import Problems

LOCAL_HOSTS = {"localhost", "127.0.0.1", "0.0.0.0", "::1", ""}
_URL_ENTRY = re.compile(r"\s*<url>\s*<loc>(?P<loc>[^<]*)</loc>.*?</url>", re.S)


def check_deploy_address(site_url: str, problems: Problems) -> None:
    """A deploy build publishes canonical links and link previews with
    site_url: it must be the public address, not this machine's."""
    parts = urlsplit(site_url)
    if parts.scheme not in ("http", "https") or (parts.hostname or "") in LOCAL_HOSTS:
        problems.add("mkdocs.yml", None,
                     f"this is a deploy build, but site_url is '{site_url}', an address on this machine.",
                     "set SITE_URL to the published address (the deploy workflow sets it to the GitHub Pages "
                     "URL), e.g. SITE_URL=https://example.org/cx/ mkdocs build.")


def sitemap_without(site_dir: Path, prefix: str) -> None:
    """Drop generated views (print pages) from sitemap.xml and its .gz."""
    sitemap = site_dir / "sitemap.xml"
    if not sitemap.exists():
        return
    text = sitemap.read_text(encoding="utf-8")
    kept = _URL_ENTRY.sub(lambda m: "" if f"/{prefix}" in m["loc"] else m.group(0), text)
    if kept != text:
        sitemap.write_text(kept, encoding="utf-8")
        (site_dir / "sitemap.xml.gz").write_bytes(gzip.compress(kept.encode("utf-8"), mtime=0))


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
