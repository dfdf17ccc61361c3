"""Add newly published anchors to anchors.json (never removes any).

    python -m kb anchors        # or: make anchors

Builds the site into a temporary folder, reads the anchors it publishes, and
merges them into the registry. Run it after adding an article, a heading or a
paragraph, and commit anchors.json with your change: from then on, every
build checks that those anchors keep working.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from kb import anchors
from kb.devtools import ROOT, build_site


def main(argv: list[str] | None = None) -> int:
    with tempfile.TemporaryDirectory() as site:
        result = build_site(ROOT, Path(site))
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            print("The build failed: fix the errors above first.", file=sys.stderr)
            return 1
        published = anchors.load(Path(site) / anchors.REGISTRY_FILE)
    registry_path = ROOT / anchors.REGISTRY_FILE
    registry = anchors.load(registry_path) or {}
    merged = anchors.merge(registry, published)
    added = sum(len(v) for v in merged.values()) - sum(len(v) for v in registry.values())
    new_pages = len(set(merged) - set(registry))
    anchors.dump(registry_path, merged)
    print(f"{registry_path.name}: {added} new anchor(s), {new_pages} new page(s); "
          f"{sum(len(v) for v in merged.values())} anchors on {len(merged)} pages in all.")
    return 0

    return 0
