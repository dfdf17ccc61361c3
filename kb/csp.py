"""A Content-Security-Policy on every page: defence in depth behind kb/sanitise.py.

A `<meta http-equiv="Content-Security-Policy">` works on any static host
(GitHub Pages sets no headers) and from `file://` (the offline edition). It
is written into every built HTML file after the build, once every other step
that rewrites pages or scripts is done, because what it allows depends on
the built files:

- scripts, styles, images, fonts, fetches and workers from the site itself
  only ('self'); no object, no frame from elsewhere, `<base>` only to the
  site, forms only to the site;
- the theme's inline scripts by their SHA-256 hash, never 'unsafe-inline':
  Material writes a few per page (`__md_scope` differs with the page's depth,
  the palette, the lightbox's set-up). Material's instant navigation runs
  the inline scripts of the page it brings in under the policy of the page
  the reader opened first, so each page allows the inline scripts of every
  page (a handful of distinct ones, whatever the site's size);
- inline `<style>` elements (the lightbox's) by hash too; style *attributes*
  are not allowed ('unsafe-inline' is not given for styles): nothing in the
  built pages has one (the sanitiser removes them from content), and
  Material and the lightbox set styles from script through the CSSOM
  (`element.style`), which a policy does not restrict;
- images also as `data:` URIs: Material's stylesheet draws its icons with
  them (they are part of a file of this site, not a request to another host);
- the offline edition's search: Material's offline plugin runs the search
  worker in a hidden frame (the vendored iframe-worker shim) that it fills
  with one inline script, whose text holds the worker's address as the page
  gives it; its hash is computed here for each page.

An event handler or inline script that reached a page by any other way
(a template mistake, an edited file) does not run, and the browser reports
a violation (the tests listen for it).

A policy in a `<meta>` has a cost that one sent as a header has not:
Chromium's preload scanner, which reads ahead of the parser to fetch what
the page will need, stops at a `<meta http-equiv="Content-Security-Policy">`
(so that what it fetches obeys the policy). Without it, Material's script at
the end of the body was fetched only once the parser reached it, after the
stylesheets had arrived and the first paint was on its way, so its start-up
(its longest task) came after the first paint, where it counts as blocking
time, instead of before it, as on a page with no policy (README, "A page as
light as bare Material's"). So the page's stylesheets and its parser-blocking
scripts, files of the site that the policy allows anyway, are announced
before the policy with `<link rel="preload">`: fetched as early as the
scanner would have fetched them. Only the site's own files (relative
addresses) are announced; anything else waits for the policy.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import re
from html import escape, unescape
from pathlib import Path
from urllib.parse import urlsplit

from . import pagecache

META_NAME = "Content-Security-Policy"
_SCRIPT = re.compile(r"<script\b(?P<attrs>[^>]*)>(?P<body>.*?)</script\s*>", re.S | re.I)
_STYLE = re.compile(r"<style\b[^>]*>(?P<body>.*?)</style\s*>", re.S | re.I)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.I)
_SRC = re.compile(r"\bsrc\s*=", re.I)
_CONFIG = re.compile(r'<script id="__config" type="application/json">(?P<json>.*?)</script>', re.S)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)
_CHARSET = re.compile(r"<meta\s+charset=[^>]*>", re.I)
_EXISTING = re.compile(r'\n?[ \t]*<meta http-equiv="Content-Security-Policy"[^>]*>')
_EXISTING_PRELOAD = re.compile(r'\n?[ \t]*<link rel="preload" [^>]*data-kb-preload[^>]*>')
_TAG = re.compile(r"<(?P<name>link|script)\b(?P<attrs>[^>]*)>", re.I)
_ATTR = re.compile(r"""(?P<name>[\w-]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+)))?""")
# Script types a browser runs; any other (application/json) is data.
_RUNNABLE = {"", "text/javascript", "application/javascript", "module"}
SHIM = "iframe-worker-shim.js"


@functools.lru_cache(maxsize=1024)  # every page has the theme's same few scripts
def sha256(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def inline_scripts(html: str) -> list[str]:
    """The text of each inline script a browser would run."""
    found = []
    for match in _SCRIPT.finditer(html):
        attrs = match["attrs"]
        kind = _TYPE.search(attrs)
        if _SRC.search(attrs) or (kind and kind.group(1).lower() not in _RUNNABLE):
            continue
        found.append(match["body"])
    return found


def inline_styles(html: str) -> list[str]:
    return [match["body"] for match in _STYLE.finditer(html)]


def shim_script(shim_source: str, worker_url: str) -> str | None:
    """The inline script iframe-worker writes into its frame for `worker_url`
    (its two helper functions' source, as the browser prints them, and the
    address)."""
    post = re.search(r"function c\(s,n\)\{parent\.postMessage\(s,n\|\|\"\*\"\)\}", shim_source)
    load = re.search(r"function d\(\.\.\.s\)\{return s\.reduce\(.*?Promise\.resolve\(\)\)\}", shim_source)
    if not post or not load:
        return None
    return (
        f"postMessage={post.group(0)};importScripts={load.group(0)};"
        f'addEventListener("error",({{error}})=>{{parent.dispatchEvent(new ErrorEvent("error",'
        f'{{filename:"{worker_url}",error}}))}})'
    )


def policy(script_hashes: set[str], style_hashes: set[str]) -> str:
    scripts = " ".join(["'self'", *sorted(script_hashes)])
    styles = " ".join(["'self'", *sorted(style_hashes)])
    return "; ".join(
        [
            "default-src 'self'",
            f"script-src {scripts}",
            f"style-src {styles}",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "worker-src 'self'",
            "frame-src 'self'",
            "media-src 'self'",
            "manifest-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
        ]
    )


def _shim_hashes(html: str, shim_source: str | None) -> set[str]:
    """The offline edition: the hash of the frame script for this page's worker."""
    if not shim_source or SHIM not in html:
        return set()
    match = _CONFIG.search(html)
    if not match:
        return set()
    try:
        worker = json.loads(match["json"]).get("search")
    except ValueError:
        return set()
    script = shim_script(shim_source, worker) if isinstance(worker, str) else None
    return {sha256(script)} if script else set()


def _attributes(text: str) -> dict[str, str]:
    out = {}
    for match in _ATTR.finditer(text):
        value = match["dq"] if match["dq"] is not None else match["sq"] if match["sq"] is not None else match["bare"]
        out.setdefault(match["name"].lower(), unescape(value or ""))
    return out


def _own_file(address: str) -> bool:
    """A relative address: a file of the site, wherever it is opened from."""
    parts = urlsplit(address)
    return bool(address) and not parts.scheme and not parts.netloc


def preloads(html: str) -> list[tuple[str, str]]:
    """(address, kind) of what the first paint and the parser wait for, in
    the page's order: its stylesheets ("style") and its parser-blocking
    scripts ("script": a `src`, no defer, no async, not a module), the site's
    own files only, each once."""
    found: dict[str, str] = {}
    for match in _TAG.finditer(html):
        wanted = "stylesheet" if match["name"].lower() == "link" else "src"
        if wanted not in match["attrs"].lower():
            continue  # (parsing every tag's attributes is most of the time)
        attrs = _attributes(match["attrs"])
        if match["name"].lower() == "link":
            if "stylesheet" in attrs.get("rel", "").lower().split() and "media" not in attrs:
                address, kind = attrs.get("href", ""), "style"
            else:
                continue
        else:
            blocking = not ({"defer", "async"} & attrs.keys()) and attrs.get("type", "").lower() in _RUNNABLE - {
                "module"
            }
            if "src" not in attrs or not blocking:
                continue
            address, kind = attrs["src"], "script"
        if _own_file(address):
            found.setdefault(address, kind)
    return list(found.items())


def add_meta(html: str, content: str) -> str:
    """`html` with the policy as the first thing after <meta charset> (so it
    governs every script and style that follows), replacing any earlier one,
    and before it a preload of each stylesheet and parser-blocking script
    (`preloads`: the scanner stops at the policy). Only the head is searched."""
    end = html.find("</head>")
    head, body = (html[:end], html[end:]) if end >= 0 else (html, "")
    if "data-kb-preload" in head:  # a page written before (the searches are slow: only when needed)
        head = _EXISTING_PRELOAD.sub("", head)
    if META_NAME in head:
        head = _EXISTING.sub("", head, count=1)
    links = "".join(
        f'\n    <link rel="preload" href="{escape(address)}" as="{kind}" data-kb-preload>'
        for address, kind in preloads(head + body)
    )
    meta = f'{links}\n    <meta http-equiv="{META_NAME}" content="{content}">'
    anchor = _CHARSET.search(head) or _HEAD.search(head)
    if anchor is None:
        return meta.lstrip() + head + body
    return head[: anchor.end()] + meta + head[anchor.end() :] + body


def apply(site_dir: Path, shim_source: str | None = None, only: set[str] | None = None) -> int:
    """Write the policy into every HTML file of `site_dir` (or those in
    `only`, relative paths, when a preview rebuilt just those); returns the
    number of pages written."""
    return _apply(site_dir, shim_source, only)[0]


def _add_hashes(html: str, scripts: set[str], styles: set[str]) -> None:
    """The hashes of the page's inline scripts and styles, into the two sets."""
    scripts |= {sha256(s) for s in inline_scripts(html)}
    styles |= {sha256(s) for s in inline_styles(html)}


def _apply(site_dir: Path, shim_source: str | None, only: set[str] | None = None) -> tuple[int, set[str], set[str]]:
    """`apply`, and the hashes of every page's inline scripts and styles."""
    site_dir = Path(site_dir)
    pages = {p.relative_to(site_dir).as_posix(): p for p in sorted(site_dir.rglob("*.html"))}
    # Every page's inline scripts and styles (instant navigation runs another
    # page's under the first page's policy); each page read twice, once for
    # the hashes and once to write it, and never all at once (10,000 pages:
    # 600 MB of text).
    scripts: set[str] = set()
    styles: set[str] = set()
    for path in pages.values():
        _add_hashes(path.read_text(encoding="utf-8"), scripts, styles)
    written = 0
    for rel, path in pages.items():
        if only is not None and rel not in only:
            continue
        html = path.read_text(encoding="utf-8")
        content = policy(scripts | _shim_hashes(html, shim_source), styles)
        new = add_meta(html, content)
        if new != html:
            path.write_text(new, encoding="utf-8")
            written += 1
    return written, scripts, styles


# A source's hash as `sha256` writes it: all a kept policy may hold (it is
# written into every page's <meta> as it is).
_HASH = re.compile(r"'sha256-[A-Za-z0-9+/]{43}='")


def _kept_hashes(kept) -> frozenset[str]:
    """The hashes of a kept policy; ValueError when it holds anything else."""
    if not isinstance(kept, list) or not all(isinstance(h, str) and _HASH.fullmatch(h) for h in kept):
        raise ValueError("not a list of hashes")
    return frozenset(kept)


class AsBuilt:
    """The policy written into each page as MkDocs writes it, not after.

    What the policy allows is known only once every page is built (the
    inline scripts of all of them), but from one build to the next it almost
    never changes: it depends on the theme and the site's depth, not on what
    the articles say. So each page is written with the last build's policy
    (`page`, from MkDocs' `on_post_page`, while the page is still in memory)
    and its own scripts are hashed; at the end (`finish`) the pages MkDocs
    did not pass through (404, redirects) are read, and only if the policy
    came out different from the last build's (the first build, a theme
    change) is every page written again, as `apply` does. The last build's
    policy is kept in `kept` (a JSON file; no file: none kept)."""

    def __init__(self, kept: Path | None):
        self.kept = kept
        self.expected: tuple[frozenset[str], frozenset[str]] | None = None
        self.scripts: set[str] = set()
        self.styles: set[str] = set()
        self.written: set[str] = set()  # pages given the expected policy, as site paths
        self.framed = False  # a page uses the offline edition's search frame (SHIM)
        try:
            data = json.loads(kept.read_text(encoding="utf-8")) if kept else None
            self.expected = (_kept_hashes(data["scripts"]), _kept_hashes(data["styles"]))
        except (OSError, ValueError, KeyError, TypeError):
            self.expected = None
        self.content = policy(*self.expected) if self.expected else ""

    def page(self, rel: str, html: str) -> str:
        """`html` (the page at site path `rel`) with the expected policy."""
        self._hash(html)
        if self.expected is None:
            return html
        self.written.add(rel)
        return add_meta(html, self.content)

    def _hash(self, html: str) -> None:
        _add_hashes(html, self.scripts, self.styles)
        # The offline edition's pages run search in a frame whose script differs per page.
        self.framed = self.framed or SHIM in html

    def finish(self, site_dir: Path, shim_source: str | None = None) -> int:
        """Give every page of `site_dir` the policy; returns the pages written here."""
        site_dir = Path(site_dir)
        if self.expected is not None:
            others = {}
            for path in sorted(site_dir.rglob("*.html")):
                if (rel := path.relative_to(site_dir).as_posix()) not in self.written:
                    others[rel] = html = path.read_text(encoding="utf-8")
                    self._hash(html)
            if self.expected == (self.scripts, self.styles) and not (shim_source and self.framed):
                for rel, html in others.items():
                    (site_dir / rel).write_text(add_meta(html, self.content), encoding="utf-8")
                return len(others)
        # The first build, a new policy, or the offline edition (a script per page): every page again.
        written, scripts, styles = _apply(site_dir, shim_source)
        if self.kept is not None and self.expected != (scripts, styles):
            kept = {"scripts": sorted(scripts), "styles": sorted(styles)}
            pagecache.write_whole(self.kept, json.dumps(kept).encode())
        return written


def on_post_build(config, serving: bool = False, as_built: AsBuilt | None = None) -> None:
    """The MkDocs adapter: every page of the built site, the offline
    edition's worker shim included when the build uses it. `serving`: a
    `mkdocs serve` preview, whose live reload is an inline script that
    changes with every request: previews carry no policy (what they show is
    sanitised all the same). `as_built`: the pages already given a policy
    as MkDocs wrote them."""
    if serving:
        return
    site_dir = Path(config.site_dir)
    shim = next(iter(site_dir.rglob(SHIM)), None)
    shim_source = shim.read_text(encoding="utf-8") if shim else None
    if as_built is not None:
        as_built.finish(site_dir, shim_source)
    else:
        apply(site_dir, shim_source)
