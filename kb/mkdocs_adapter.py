"""What the site does only because MkDocs, Material for MkDocs and their
plugins build it: small rules the MkDocs hook (hooks/knowledge_base.py)
applies to MkDocs' own objects (a page's front matter, the theme's settings,
MkDocs' log). The build itself (kb/build.py and what it calls) knows none of
this; another engine (README, "Moving off MkDocs") leaves this module
behind, or keeps what its own templates and plugins still need.

Like the rest of kb/, it imports no MkDocs: the hook hands it plain values.

    escape_meta(meta)         before conversion: front matter text escaped
                              for Material's templates
    search_meta(meta)         before conversion: Material's search plugin
                              skips the page (kb/search.py writes the index)
    lightbox_off(meta)        before conversion: mkdocs-glightbox off ...
    needs_lightbox(html)      ... and on again where a page has something
                              to enlarge
    offline_polyfills(urls)   Material's offline plugin: the vendored
                              search shim instead of a CDN's
    hush_dirty_notice()       MkDocs' warning on --dirty builds filtered out
                              (ProperDocs' too)
    inline_favicon(path, docs) the theme's favicon as a data: URI
"""

from __future__ import annotations

import base64
import logging
import mimetypes
from pathlib import Path
from urllib.parse import quote, urlsplit

from markupsafe import Markup, escape

# Material's offline plugin loads a search shim from a CDN; the offline
# edition loads nothing from another host, so it gets the vendored copy.
OFFLINE_SHIM_CDN = "https://unpkg.com/iframe-worker/shim"
OFFLINE_SHIM_LOCAL = "assets/javascripts/vendor/iframe-worker-shim.js"
# Where MkDocs warns that a build is --dirty, and where ProperDocs (the
# maintained MkDocs 1.x, README "Past MkDocs 1.6") does: its loggers keep
# their own names, though it answers to `import mkdocs`.
BUILD_LOGGERS = ("mkdocs.commands.build", "properdocs.commands.build")


def escape_meta(meta: dict) -> None:
    """Front matter text, escaped in place, so that Material's templates,
    which print page titles and descriptions unescaped, print it as text."""
    for key, value in meta.items():
        if isinstance(value, str) and not isinstance(value, Markup):
            meta[key] = escape(value)


def search_meta(meta: dict) -> None:
    """Material's search box stays, but its index does not: kb/search.py
    writes the index from the build's passage records after the build and
    leaves Material's empty. So Material's search plugin skips its own work
    on every page (parsing each page into sections: 4 s of a 1000-article
    build)."""
    search = meta.get("search")
    meta["search"] = {**(search if isinstance(search, dict) else {}), "exclude": True}


def lightbox_off(meta: dict) -> None:
    """Before conversion: mkdocs-glightbox would re-parse every converted
    page and leave a stray <html><head><body> wrapper inside it. Pictures
    open in the lightbox only where a link says so (class glightbox)."""
    meta["glightbox"] = False


def needs_lightbox(html: str) -> bool:
    """After rendering: only pages with something to enlarge get the
    lightbox's script and styles."""
    return 'class="glightbox' in html


def offline_polyfills(polyfills: list[str]) -> list[str]:
    """Material's `extra.polyfills` with the CDN's search shim replaced by
    the copy in the site (the offline edition loads nothing from another host)."""
    return [OFFLINE_SHIM_LOCAL if url == OFFLINE_SHIM_CDN else url for url in polyfills]


class DirtyBuildNotice:
    """A logging filter: MkDocs warns on every --dirty build, which strict
    mode counts as a failure; the preview mode is deliberate (README)."""

    def filter(self, record) -> bool:
        return not str(record.msg).startswith("A 'dirty' build is being performed")


_DIRTY_NOTICE = DirtyBuildNotice()


def hush_dirty_notice() -> None:
    """Filter MkDocs' --dirty warning out of the build's log (once, however
    often the hook is loaded: `mkdocs serve` loads it again on every change)."""
    for name in BUILD_LOGGERS:
        logging.getLogger(name).addFilter(_DIRTY_NOTICE)


# A favicon this small goes into each page rather than costing a request.
FAVICON_INLINE_MAX = 2048


def inline_favicon(favicon: str, docs_dir: Path) -> str:
    """The theme's favicon (a path in docs_dir) as a data: URI, for
    Material's `<link rel="icon">`, if it is a small file of the site;
    anything else as it was. Why: a page's icon link has no initiator, so
    Lighthouse's simulation of a slow phone starts its request with the
    page's stylesheets and Material's script, and there it takes a share of
    the simulated connection from Material's script, whose start-up then
    falls after the first paint and counts as blocking time (README, "A page
    as light as bare Material's"). A data: URI makes no request at all; the
    policy allows data: images (kb/csp.py)."""
    if not favicon or urlsplit(favicon).scheme or favicon.startswith("/"):
        return favicon
    docs = Path(docs_dir).resolve()
    path = (docs / favicon).resolve()
    if not path.is_relative_to(docs) or not path.is_file() or path.stat().st_size > FAVICON_INLINE_MAX:
        return favicon  # (a file outside docs_dir is not the site's: MkDocs does not publish it)
    kind = mimetypes.guess_type(path.name)[0]
    if kind == "image/svg+xml":
        try:
            text = " ".join(path.read_text(encoding="utf-8").split())
        except UnicodeDecodeError:  # another encoding: linked as it is, as MkDocs would
            return favicon
        if "'" not in text:  # the shorter spelling, where no value holds a ' that it would close
            text = text.replace('"', "'")
        return "data:image/svg+xml," + quote(text, safe="=:/',.-()")
    if kind in ("image/png", "image/x-icon", "image/vnd.microsoft.icon", "image/gif", "image/webp"):
        return f"data:{kind};base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    return favicon
