"""Reading built pages the way a reader does: visible text, ids, links."""

from __future__ import annotations

import os
import time as _clock
from collections.abc import Callable, Hashable
from html.parser import HTMLParser
from pathlib import Path
from typing import TypeVar

from .decorations import NOT_THE_AUTHORS

T = TypeVar("T")

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# Decorations that are not the author's text (kb/decorations.py).
SKIP_CLASSES = set(NOT_THE_AUTHORS)


class _Text(HTMLParser):
    def __init__(self, skip_classes=frozenset()):
        super().__init__(convert_charrefs=True)
        self.skip_classes = SKIP_CLASSES | set(skip_classes)
        self.skip_stack: list[bool] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        skip = (
            (self.skip_stack and self.skip_stack[-1])
            or tag in ("script", "style", "svg", "template")
            or "hidden" in attrs
            or bool(self.skip_classes & set((attrs.get("class") or "").split()))
        )
        self.skip_stack.append(bool(skip))
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "br", "div", "td", "th"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in VOID or not self.skip_stack:
            return
        self.skip_stack.pop()
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "div"):
            self.parts.append("\n")

    def handle_data(self, data):
        if not self.skip_stack or not self.skip_stack[-1]:
            self.parts.append(data)


def visible_text(html: str, root_tag: str | None = "article", skip_classes=frozenset()) -> str:
    """Text a reader sees inside <article> (or the whole page)."""
    if root_tag:
        start = html.find(f"<{root_tag}")
        end = html.rfind(f"</{root_tag}>")
        html = html[start:end] if start >= 0 <= end else ""
    parser = _Text(skip_classes)
    parser.feed(html)
    return " ".join("".join(parser.parts).split())


def site_files(site: Path, remember: bool = False) -> tuple[list[str], set[str]]:
    """Every file of a built site as a site path ("articles/x/index.html"),
    sorted, and every folder ("." and "articles/x"): one walk of plain
    strings (a site of 10,000 articles has 50,000 entries, and a Path and a
    stat each cost seconds there). `remember` (`mkdocs serve`): each
    folder's entries are kept in this process and listed again only when
    its time changed (a folder's time changes when an entry is added,
    removed or renamed); a save rewrites a few pages of 10,000 folders."""
    root = os.fspath(site)
    files: list[str] = []
    folders = {"."}
    for folder, subfolders, names in _walk_kept(root) if remember else os.walk(root):
        rel = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if rel == "." else rel + "/"
        folders.update(prefix + name for name in subfolders)
        files.extend(prefix + name for name in names)
    files.sort()
    return files, folders


# Each folder's entries, for site_files(remember=True): path -> (time, subfolders, followed, files).
_LISTED: dict[str, tuple[int, list[str], list[str], list[str]]] = {}
_LISTED_HELD = 500_000


# A file system may keep times to the second or two (FAT, some network
# mounts): a time this recent may not tell one change from the next.
SETTLED_NS = 2_000_000_000


def settled(time_ns: int) -> bool:
    """Whether a file's time is old enough to tell its next change by."""
    return _clock.time_ns() - time_ns > SETTLED_NS


def _walk_kept(root: str):
    """os.walk(root) (top down, links to folders listed, not followed), each
    folder read again only when its time changed."""
    if len(_LISTED) > _LISTED_HELD:
        _LISTED.clear()
    stack = [root]
    while stack:
        folder = stack.pop()
        try:
            time = os.stat(folder).st_mtime_ns  # (before listing it: a later change shows next time)
            held = _LISTED.get(folder)
            if held is None or held[0] != time:
                subfolders, followed, names = [], [], []
                with os.scandir(folder) as entries:
                    for entry in entries:
                        try:
                            is_folder = entry.is_dir()
                        except OSError:
                            is_folder = False
                        if is_folder:
                            subfolders.append(entry.name)
                            if not entry.is_symlink():
                                followed.append(entry.name)
                        else:
                            names.append(entry.name)
                held = (time, subfolders, followed, names)
                if settled(time):  # (a folder changed this very moment may change again within its time's tick)
                    _LISTED[folder] = held
        except OSError:
            _LISTED.pop(folder, None)
            continue  # (os.walk skips a folder it cannot list)
        yield folder, held[1], held[3]
        stack.extend(os.path.join(folder, name) for name in reversed(held[2]))


def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name == "index.html" or p.name == "404.html")


def page_urls(site: Path) -> list[str]:
    """Site-relative URL of every built page ('', 'glossary/', '404.html')."""
    return [
        str(p.parent.relative_to(site)).replace(".", "").strip("/") + "/" if p.name == "index.html" else p.name
        for p in built_pages(site)
    ]


def page_path(site: Path, url: str) -> Path:
    """'articles/x/' -> site/articles/x/index.html"""
    return site / url.split("#")[0] / "index.html"


def parsed_once(cache: dict, path: Path, parse: Callable[[Path], T], key: Hashable = None) -> T:
    """`parse(path)`, kept in `cache` (under the path and `key`) until the
    file changes (its mtime or size): a preview rebuild (`mkdocs serve
    --dirty`) rewrites a few pages, and the post-build passes read only those
    again."""
    stat = path.stat()
    entry = (str(path), key)
    cached = cache.get(entry)
    if cached and cached[:2] == (stat.st_mtime_ns, stat.st_size):
        return cached[2]
    value = parse(path)
    cache[entry] = (stat.st_mtime_ns, stat.st_size, value)
    return value
