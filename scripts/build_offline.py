"""Build the offline edition: a zip of the site that works opened from disk.

    python scripts/build_offline.py        # or: make offline

Writes dist/cx-knowledge-base-offline.zip. Unzip it anywhere and open
cx-knowledge-base/index.html in a browser: pages, links and search work with
no server and no network (Material's offline plugin, enabled only here).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ZIP_NAME = "cx-knowledge-base-offline"
FOLDER = "cx-knowledge-base"


def build_offline(project: Path = ROOT, dist: Path | None = None) -> Path:
    dist = dist or project / "dist"
    site = dist / FOLDER
    if site.exists():
        shutil.rmtree(site)
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site)],
        cwd=project, capture_output=True, text=True,
        env={**os.environ, "OFFLINE": "true", "NO_MKDOCS_2_WARNING": "1"},
    )
    if result.returncode != 0:
        raise SystemExit(f"the offline build failed:\n{result.stderr[-3000:]}")
    archive = shutil.make_archive(str(dist / ZIP_NAME), "zip", root_dir=dist, base_dir=FOLDER)
    return Path(archive)


if __name__ == "__main__":
    path = build_offline()
    print(f"{path} ({path.stat().st_size // 1024} KB): unzip it and open {FOLDER}/index.html")
