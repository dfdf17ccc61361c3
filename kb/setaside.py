"""The site's folders of many small generated files, kept across MkDocs' clean.

`mkdocs build` empties the site folder first, and every file is written
again. For a page that is the cost of building it anyway; but the search
index's parts and the link-preview cards are some 24,000 files at 10,000
articles that a rebuild mostly writes again with the same bytes, and on this
machine's file system deleting and creating a file costs more than reading
it. So before MkDocs cleans (`on_pre_build`), those folders are moved aside
into `site/.kb-kept/` (MkDocs leaves a name starting with a dot alone), and
the step that writes each folder takes it back first (`take_back`): the
search index then writes only the parts whose bytes changed and removes the
others (kb/search.py), the cards leave a card that is already the cached
file and remove those of articles that are gone (kb/cards.py). Whatever was
not taken back is removed at the end of the build, failed or not
(`discard`), so `.kb-kept` is never published.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

FOLDER = ".kb-kept"


def set_aside(site_dir: Path, folders: tuple[str, ...]) -> list[str]:
    """Move each of `folders` (site paths) into `site_dir/.kb-kept/`; the
    ones moved. A folder that cannot be moved is left to MkDocs' clean."""
    site_dir = Path(site_dir)
    discard(site_dir)  # a build stopped before its end left its own
    moved = []
    for rel in folders:
        source = site_dir / rel
        if not source.is_dir() or source.is_symlink():
            continue
        target = site_dir / FOLDER / rel
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)
        except OSError:
            continue
        moved.append(rel)
    return moved


def take_back(site_dir: Path, rel: str) -> bool:
    """Put the folder set aside for `rel` back in place (its entries beside
    those the build already wrote there, which win); True if there was one."""
    site_dir = Path(site_dir)
    kept, target = site_dir / FOLDER / rel, site_dir / rel
    if not kept.is_dir():
        return False
    try:
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(kept, target)
            return True
        for entry in os.scandir(kept):
            if not os.path.lexists(target / entry.name):
                os.rename(entry.path, target / entry.name)
    except OSError:
        return False
    finally:
        if kept.exists():
            shutil.rmtree(kept, ignore_errors=True)
    return True


def discard(site_dir: Path) -> None:
    """Remove whatever is still set aside."""
    with contextlib.suppress(OSError):
        shutil.rmtree(Path(site_dir) / FOLDER)
