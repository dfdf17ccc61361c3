"""The page script: the modules under kb/assets/js, bundled into the site.

Two classic scripts (kb/jsbundle.py: Python alone, no Node), written into
the built site as generated files, so `mkdocs serve`, every build and the
offline edition (file://, where module scripts do not load) all get them:

    assets/kb.js         kb/assets/js/index.js and what it requires: what
                         every page needs at once (landing, copy-link, ...)
    assets/kb-extras.js  kb/assets/js/extras.js: what waits for the reader
                         (previews, definitions, quote links), fetched by
                         kb.js on first use

Each comes minified, and unminified beside it for debugging
(assets/kb.debug.js, assets/kb-extras.debug.js; no page loads those).
overrides/main.html loads kb.js at DOMContentLoaded (an inline loader, not a
`<script defer>`, which would hold DOMContentLoaded and Material's start-up).
"""

from __future__ import annotations

from pathlib import Path

from .jsbundle import bundle

SOURCE = Path(__file__).with_name("assets") / "js"
# site path of the bundle -> its entry module
BUNDLES = {"assets/kb.js": "index.js", "assets/kb-extras.js": "extras.js"}


def debug_path(site_path: str) -> str:
    """assets/kb.js -> assets/kb.debug.js"""
    return site_path.removesuffix(".js") + ".debug.js"


def files(source: Path = SOURCE) -> dict[str, str]:
    """site path -> content of every script to write into the site.
    Raises kb.jsbundle.BundleError (file, line, fix) on a module that cannot
    be bundled."""
    out = {}
    for site_path, entry in BUNDLES.items():
        made = bundle(source / entry, root=source)
        out[site_path] = made.code
        out[debug_path(site_path)] = made.debug
    return out
