"""Converted pages kept between builds, by content.

Converting a page (Markdown to HTML with the passage extension, MkDocs'
link rewriting, its table of contents and anchors) depends on its source
file, on what the site defines (themes, glossary, disciplines), on the
Markdown configuration, on the code that converts it, and on the files its
links point at existing. `Keys.of` hashes the first four; a `Conversion`
records the files its links point at (`targets`), and is reused only while
each of them still exists. A conversion that logged a warning (a broken
link, found by MkDocs) is never kept: the page is converted again, and
warns again, until it is fixed.

Conversions are kept in two places: the last build of this process (`mkdocs
serve` rebuilds in one process) and `.cache/kb-pages/` on disk (one file per
conversion, named by its key; `rm -rf .cache` is always safe). So a rebuild
that changed nothing converts nothing, and a preview converts only the pages
that were saved.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import sys
from dataclasses import dataclass
from pathlib import Path

from .passages import PageRecord

FOLDER = "kb-pages"
# Bumped when what a Conversion holds changes shape.
FORMAT = 2  # 2: one flat folder


@dataclass
class Conversion:
    """One page converted: what MkDocs and the passage extension made of it."""

    key: str  # Keys.of: what it was converted from
    html: str  # the page's HTML before the generated blocks
    toc: list  # MkDocs' table of contents as tokens: {level, id, name, children}
    title: str | None  # the page's first <h1> (MkDocs' title from the render)
    anchors: frozenset[str]  # the ids the page has (MkDocs' present_anchor_ids)
    links_to_anchors: dict[str, dict[str, str]]  # target src_uri -> {anchor: link as written}
    record: PageRecord  # what the passage extension recorded
    problems: tuple[tuple, ...]  # what the extension reported: (file, line, what, fix, level)
    targets: frozenset[str]  # src_uris of the files its relative links point at
    # The page's final content (blocks rendered, sanitised) when it has no
    # placeholder, so depends on nothing else (kb/build.py `compose`).
    composed: str | None = None

    def usable(self, exists) -> bool:
        """Every file its links point at is still there (`exists(src_uri)`)."""
        return all(exists(target) for target in self.targets)


def toc_tokens(toc) -> list:
    """MkDocs' TableOfContents as the tokens `mkdocs.structure.toc.get_toc` reads."""
    return [
        {"level": item.level, "id": item.id, "name": item.title, "children": toc_tokens(item.children)} for item in toc
    ]


def code_fingerprint() -> str:
    """What converts a page: the kb package's own code and the versions of
    the Markdown libraries (a change to either converts every page again)."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in ("markdown", "mkdocs", "material", "pymdownx"):
        module = sys.modules.get(name)
        digest.update(f"{name}={getattr(module, '__version__', '')}".encode())
    return digest.hexdigest()


# Each kept file starts with a digest of the pickle after it: damage the
# unpickler does not notice (a changed byte in a kept string still unpickles)
# is no cache, as is a pickle that makes it fail in any way (a frame length
# changed to 2**62 bytes is a MemoryError).
_CHECK = 20


def _pack(value) -> tuple[bytes, bytes]:
    """The digest and the pickle, in the order written (two pieces: a big
    cache is not copied once more to join them)."""
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return hashlib.blake2b(data, digest_size=_CHECK).digest(), data


def _unpack(blob: bytes):
    """What `_pack` packed; None when the bytes are not exactly that."""
    view = memoryview(blob)  # (slices of a view are not copies)
    digest, data = view[:_CHECK], view[_CHECK:]
    if not data or hashlib.blake2b(data, digest_size=_CHECK).digest() != digest:
        return None
    try:
        return pickle.loads(data)  # noqa: S301 - our own cache, written by `_pack`
    except Exception:  # an unpickler can fail in many ways (a class since renamed, ...)
        return None


def load(path: Path | None, kind: type = dict):
    """A value kept by `save` (None when there is none, or it is not a `kind`)."""
    if path is None:
        return None
    try:
        found = _unpack(path.read_bytes())
    except (OSError, MemoryError):
        return None
    return found if isinstance(found, kind) else None


def write_whole(path: Path, data: bytes | tuple[bytes, ...]) -> bool:
    """`data` (or its pieces, one after the other) at `path`, whole or not at
    all (a build stopped while writing it, two builds at once); False when it
    cannot be written (a cache that cannot be written only costs time)."""
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            temporary.write_bytes(data)
        else:
            with temporary.open("wb") as out:
                for piece in data:
                    out.write(piece)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        return False
    return True


def save(path: Path | None, value, others: str = "") -> None:
    """Keep `value` at `path` (`write_whole`), and remove the files beside it
    matching `others` (earlier versions)."""
    if path is None or not write_whole(path, _pack(value)):
        return
    with contextlib.suppress(OSError):
        for old in path.parent.glob(others) if others else ():
            if old != path:
                old.unlink(missing_ok=True)


def named_for_code(folder: Path | None, stem: str, source: str) -> Path | None:
    """A file in `folder` named for the code in `source` (a module's
    __file__): what that code computed, kept until the code changes."""
    if folder is None:
        return None
    return Path(folder) / f"{stem}-{hashlib.sha256(Path(source).read_bytes()).hexdigest()[:16]}.pickle"


class Store:
    """Conversions on disk, one pickle per key, under `folder` (None: none kept)."""

    def __init__(self, folder: Path | None):
        self.folder = folder

    def _path(self, key: str) -> Path:
        # One flat folder: creating a directory costs as much as a few files.
        return self.folder / f"{key}.pickle"

    def get(self, key: str) -> Conversion | None:
        return load(self._path(key), Conversion) if self.folder is not None else None

    def put(self, key: str, conversion: Conversion) -> None:
        if self.folder is not None:
            save(self._path(key), conversion)


class Keys:
    """The key of each page's conversion in one build."""

    def __init__(self, *parts: str):
        self._base = hashlib.sha256("\0".join(parts).encode()).digest()

    def of(self, src_uri: str, source: str, markdown: str) -> str:
        """`source`: the file as written; `markdown`: what is converted."""
        digest = hashlib.sha256(self._base)
        for part in (src_uri, source, markdown):
            digest.update(part.encode("utf-8", "surrogatepass") + b"\0")
        return digest.hexdigest()


class ByBytes:
    """What a pass over the built site learns of each file, kept between
    builds by the file's bytes (`.cache/…`, one pickle named for the code
    that computes it): a rebuild writes mostly the same bytes as the last
    build, and a file's facts are read back instead of parsed again.

    `of(data, compute)` gives `compute(data)`, or what it gave last time for
    the same bytes. `keep()` saves what this pass used (only what it used:
    facts of pages that are gone are dropped), and only after a pass over
    every file: a preview's pass over a few pages keeps the last full set."""

    def __init__(self, path: Path | None, others: str = ""):
        self.path, self.others = path, others
        self.known: dict = (load(path) or {}) if path is not None else {}
        self.seen: dict = {}
        self.files = 0  # files looked up (two files may have the same bytes)

    def of(self, data: bytes, compute):
        self.files += 1
        digest = hashlib.blake2b(data, digest_size=20).digest()
        facts = self.known.get(digest)
        if facts is None:
            facts = compute(data)
        self.seen[digest] = facts
        return facts

    def keep(self) -> None:
        if self.path is not None and self.seen.keys() != self.known.keys():
            save(self.path, self.seen, others=self.others)
