"""A link check over the built site: every internal link and #fragment resolves.

MkDocs validates the links written in Markdown; this checks what was actually
published, templates and generated blocks included, by reading the HTML
files. It also lists every external link, for review.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

_TAG = re.compile(r"<(?P<tag>[a-zA-Z][\w-]*)\b[^>]*>")
_URL = re.compile(r"""\s(?P<attr>href|src)=(?P<q>["'])(?P<url>.*?)(?P=q)""")
_NOOPENER = re.compile(r"""\srel=["'][^"']*\bnoopener\b""")
_ID = re.compile(r"""\s(?:id|name)=["']([^"']+)["']""")
_SKIP_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "blob:")


@dataclass
class LinkReport:
    broken: list[tuple[str, str, str]] = field(default_factory=list)  # (page, link, why)
    external: dict[str, list[str]] = field(default_factory=dict)  # url -> pages
    without_noopener: list[tuple[str, str]] = field(default_factory=list)  # (page, url)


def _ids(html: str) -> set[str]:
    return set(_ID.findall(html))


def check(site_dir: Path, site_url: str = "") -> LinkReport:
    """Check every page under `site_dir`. `site_url` is the published
    address: links to it (canonical URLs, root-absolute paths) are internal."""
    site_dir = Path(site_dir)
    own = urlsplit(site_url)
    base_path = own.path or "/"
    own_origin = f"{own.scheme}://{own.netloc}" if own.netloc else None
    pages = {p.relative_to(site_dir).as_posix(): p for p in site_dir.rglob("*.html")}
    html_of = {rel: path.read_text(encoding="utf-8", errors="replace") for rel, path in pages.items()}
    ids_of: dict[str, set[str]] = {}
    report = LinkReport()

    def ids(rel: str) -> set[str]:
        if rel not in ids_of:
            ids_of[rel] = _ids(html_of[rel])
        return ids_of[rel]

    for rel, html in sorted(html_of.items()):
        base_dir = posixpath.dirname(rel)
        for tag in _TAG.finditer(html):
            match = _URL.search(tag.group(0))
            if not match:
                continue
            url = match["url"].strip()
            if not url or url.startswith(_SKIP_SCHEMES):
                continue
            if own_origin and url.startswith(own_origin):
                url = url[len(own_origin):]
            parts = urlsplit(url)
            if parts.scheme or url.startswith("//"):
                if tag["tag"] == "a" and parts.scheme in ("http", "https", ""):
                    report.external.setdefault(url, []).append(rel)
                    if not _NOOPENER.search(tag.group(0)):
                        report.without_noopener.append((rel, url))
                continue
            fragment = unquote(parts.fragment)
            path = unquote(parts.path)
            if not path:
                target = rel
            else:
                if path.startswith("/"):
                    if not path.startswith(base_path):
                        report.broken.append((rel, url, f"outside the site's base path {base_path}"))
                        continue
                    target = posixpath.normpath(path[len(base_path):] or ".")
                else:
                    target = posixpath.normpath(posixpath.join(base_dir, path))
                if target.startswith(".."):
                    report.broken.append((rel, url, "points outside the site"))
                    continue
                if target == "." or (site_dir / target).is_dir() or path.endswith("/"):
                    target = posixpath.normpath(posixpath.join(target, "index.html"))
                if not (site_dir / target).exists():
                    report.broken.append((rel, url, "no such file"))
                    continue
            if fragment and tag["tag"] == "a" and target in html_of and fragment not in ids(target):
                report.broken.append((rel, url, f"no element with id '{fragment}'"))
    return report
