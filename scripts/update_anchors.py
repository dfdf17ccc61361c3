"""Add newly published anchors to anchors.json (never removes any).

    python scripts/update_anchors.py        # or: make anchors

Builds the site into a temporary folder, reads the anchors it publishes, and
merges them into the registry. Run it after adding an article, a heading or a
paragraph, and commit anchors.json with your change: from then on, every
build checks that those anchors keep working.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "overrides" / "hooks"))
from kb import anchors  # noqa: E402


def main() -> int:
    with tempfile.TemporaryDirectory() as site:
        result = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", site],
            cwd=ROOT, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"}, capture_output=True, text=True,
        )
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


if __name__ == "__main__":
    sys.exit(main())
