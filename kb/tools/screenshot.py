"""Screenshots of built pages, to look at what a change does.

    python scripts/screenshot.py site/ articles/is-customer-experience-new/ --out shots/

Serves the built site on 127.0.0.1, opens each page in headless Chromium at
desktop and mobile width, in the light and dark palettes, and writes one PNG
per combination. Nothing but 127.0.0.1 is contacted.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from kb.devtools import CHROMIUM, CHROMIUM_FLAGS, serve

SIZES = {"desktop": (1280, 900), "mobile": (375, 740)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("site", type=Path, help="the built site folder")
    parser.add_argument("pages", nargs="+", help="page paths, e.g. glossary/ (a #fragment is kept)")
    parser.add_argument("--out", type=Path, default=Path("shots"))
    parser.add_argument("--full", action="store_true", help="capture the whole page, not the first screen")
    parser.add_argument("--sizes", default="desktop,mobile")
    parser.add_argument("--schemes", default="light,dark")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    server = serve(args.site)
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        for size in args.sizes.split(","):
            for scheme in args.schemes.split(","):
                width, height = SIZES[size]
                context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
                page = context.new_page()
                for path in args.pages:
                    page.goto(base + path.lstrip("/"))
                    page.wait_for_timeout(300)
                    name = (path.strip("/").split("#")[0].replace("/", "_") or "home") + f"-{size}-{scheme}.png"
                    page.screenshot(path=str(args.out / name), full_page=args.full)
                    print(args.out / name)
                context.close()
        browser.close()
    server.shutdown()

    return 0
