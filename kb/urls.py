"""Site URLs and relative links, as pure functions.

MkDocs page URLs are site-relative with directory URLs: "" (home),
"articles/", "articles/x/". Generated HTML always links relatively, so the
site works under any base path and from the file system.
"""

from __future__ import annotations

import functools
import posixpath
import re
from urllib.parse import urlsplit


@functools.lru_cache(maxsize=1 << 17)
def relative_url(target: str, base: str) -> str:
    """Link from the page at site URL `base` to site URL `target`.

    The result always points at a folder ("../x/") when the target does.
    (Kept: a build asks for the same few thousand links many times.)
    """
    target_path, _, fragment = target.partition("#")
    base_dir = base if base.endswith("/") or base == "" else posixpath.dirname(base) + "/"
    rel = posixpath.relpath("/" + target_path, "/" + base_dir)
    if rel == ".":
        rel = "./"
    elif (target_path.endswith("/") or target_path == "") and not rel.endswith("/"):
        rel += "/"
    return rel + (f"#{fragment}" if fragment else "")


_RELATIVE_LINK = re.compile(r'(?P<attr>href|src)="(?P<url>(?![a-z][\w+.-]*:|#|/)[^"]+)"')


def rebase_links(html: str, from_url: str, to_url: str) -> str:
    """Relative links of HTML made for the page at `from_url`, rewritten to
    work from the page at `to_url` (both site URLs)."""
    from_dir = from_url if from_url.endswith("/") or not from_url else posixpath.dirname(from_url) + "/"

    def rebase(match: re.Match[str]) -> str:
        path, hash_, fragment = match["url"].partition("#")
        target = posixpath.normpath(posixpath.join(from_dir, path)) if path else from_url
        if path.endswith("/") and not target.endswith("/"):
            target += "/"
        new = relative_url("" if target == "." else target, to_url)  # normpath: "." is the site root
        return f'{match["attr"]}="{new}{hash_}{fragment}"'

    return _RELATIVE_LINK.sub(rebase, html)


def url_of_src(src_uri: str) -> str:
    """'articles/x.md' -> 'articles/x/', 'index.md' -> '' (directory URLs)."""
    path = src_uri[:-3] if src_uri.endswith(".md") else src_uri
    if path == "index" or path.endswith("/index"):
        return path[:-5]
    return path + "/"


def markdown_twin_url(url: str) -> str:
    """Site URL of a page's Markdown twin (kb/assistants.py): 'articles/x/'
    -> 'articles/x/index.md'; 'articles/x.html' (offline edition) -> 'articles/x.md'."""
    if url.endswith(".html"):
        return url[: -len(".html")] + ".md"
    return url + "index.md" if url.endswith("/") or not url else url + "/index.md"


def resolve_link(href: str, from_src: str) -> tuple[str, str] | None:
    """A relative Markdown link -> (target src_uri, fragment); None if external."""
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        return None
    if not parts.path:
        return (from_src, parts.fragment)
    target = posixpath.normpath(posixpath.join(posixpath.dirname(from_src), parts.path))
    if target.endswith("/"):
        target += "index.md"
    return (target, parts.fragment)


def relative_src(target_src: str, from_src: str) -> str:
    """Markdown path from one source file to another."""
    return posixpath.relpath(target_src, posixpath.dirname(from_src) or ".")
