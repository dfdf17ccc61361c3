"""Build the offline edition: a zip of the site that works opened from disk.

    python -m kb offline        # or: make offline

Writes dist/cx-knowledge-base-offline.zip. Unzip it anywhere and open
cx-knowledge-base/index.html in a browser: pages, links and search work with
no server and no network (Material's offline plugin, enabled only here).
The deploy workflow builds it before the site and publishes it with the site
(KB_OFFLINE_ZIP=dist/cx-knowledge-base-offline.zip mkdocs build): the home
page links to it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from kb.devtools import ROOT, build_site
from kb.published import OFFLINE_ZIP
from kb.render import OFFLINE_FOLDER

ZIP_NAME = OFFLINE_ZIP.removesuffix(".zip")
FOLDER = OFFLINE_FOLDER


def build_offline(project: Path = ROOT, dist: Path | None = None) -> Path:
    dist = dist or project / "dist"
    site = dist / FOLDER
    if site.exists():
        shutil.rmtree(site)
    # Not a zip inside the zip: the edition never carries an older copy of itself.
    result = build_site(project, site, {"OFFLINE": "true", "KB_OFFLINE_ZIP": ""})
    if result.returncode != 0:
        raise SystemExit(f"the offline build failed:\n{result.stderr[-3000:]}")
    archive = shutil.make_archive(str(dist / ZIP_NAME), "zip", root_dir=dist, base_dir=FOLDER)
    return Path(archive)


def main(argv: list[str] | None = None) -> int:
    path = build_offline()
    print(f"{path} ({path.stat().st_size // 1024} KB): unzip it and open {FOLDER}/index.html")
    return 0
