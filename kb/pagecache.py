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
import struct
import sys
from collections.abc import Callable
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
    the Markdown libraries, the sanitiser and the YAML reader (a change to
    either converts every page again)."""
    digest = hashlib.sha256(str(FORMAT).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    for name in ("markdown", "mkdocs", "material", "pymdownx", "nh3", "yaml"):
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
    builds by the file's bytes (`.cache/…`, one file named for the code
    that computes it, read a file's facts at a time: a `Shelf`): a rebuild
    writes mostly the same bytes as the last build, and a file's facts are
    read back instead of parsed again.

    `of(data, compute)` gives `compute(data)`, or what it gave last time for
    the same bytes. `keep()` saves what this pass used (only what it used:
    facts of pages that are gone are dropped), and only after a pass over
    every file: a preview's pass over a few pages keeps the last full set.
    `close()` in any case. `get` and `put` keep a value by any digest;
    `signature`: what a value was made from beside its key (the Shelf's), for
    values a key does not settle alone."""

    def __init__(self, path: Path | None, others: str = "", signature: Callable | None = None):
        # By default facts are what the code (in the name) computes from the bytes (the key): never another value.
        self.shelf = Shelf(path, signature or _no_signature, others) if path is not None else None
        self.seen: set[bytes] = set()
        self.files = 0  # files looked up (two files may have the same bytes)

    @staticmethod
    def digest(data: bytes) -> bytes:
        return hashlib.blake2b(data, digest_size=20).digest()

    def of(self, data: bytes, compute):
        return self.of_digest(self.digest(data), data, compute)

    def of_digest(self, digest: bytes, data: bytes, compute):
        """`of`, for a caller that has the bytes' digest (`digest(data)`)."""
        self.files += 1
        facts = self.get(digest)
        if facts is None:
            self.put(digest, facts := compute(data))
        else:
            self.mark(digest)
        return facts

    def get(self, key: bytes):
        """What was kept by `key`, or None."""
        return self.shelf.get(key) if self.shelf is not None else None

    def put(self, key: bytes, value) -> None:
        """Keep `value` by `key` (its signature decides whether it is written again)."""
        self.seen.add(key)
        if self.shelf is not None:
            self.shelf[key] = value

    def mark(self, digest: bytes) -> None:
        """What was computed of these bytes stays kept, though not looked up."""
        self.seen.add(digest)

    def keep(self) -> None:
        if self.shelf is not None:
            for gone in [digest for digest in self.shelf if digest not in self.seen]:
                del self.shelf[gone]
            self.shelf.save()

    def close(self) -> None:
        if self.shelf is not None:
            self.shelf.close()


def _no_signature(value) -> tuple:
    return ()


class Shelf:
    """A dict kept between builds in one file and read a value at a time
    (what a build keeps of each of 10,000 articles would be hundreds of
    megabytes in memory if loaded whole): `get` reads one value from the
    file; a value `set` is written to a new file as it comes, unless its
    `signature` (what it was made from, small) is the one the file holds for
    it; `save` completes the new file with the values kept as they were and
    puts it in place of the old (only when a value changed or one is gone).

    The file: each value's pickle, then the table (key -> offset, length,
    digest and signature of its pickle), then the table's length and digest.
    A value or table whose digest does not match is no cache; nor is a
    missing or unreadable file."""

    _TAIL = struct.Struct("<Q20s")  # the table's length and digest

    def __init__(self, path: Path, signature: Callable, others: str = ""):
        self.path, self.signature, self.others = path, signature, others
        self._table: dict = {}  # key -> (offset, length, digest, signature) in the file read
        self._new: dict = {}  # the same, in the file being written
        self._gone: set = set()
        self._pending: tuple | None = None  # (key, value) set last, not written yet
        self._last: tuple | None = None  # (key, value) read last
        self._file = self._out = None
        self._unwritable = False
        try:
            self._file = path.open("rb")
            self._table = self._read_table(self._file)
        except (OSError, ValueError, EOFError, MemoryError, pickle.UnpicklingError):
            self._table = {}

    def _read_table(self, file) -> dict:
        size = file.seek(0, os.SEEK_END)
        if size < self._TAIL.size:
            return {}
        file.seek(size - self._TAIL.size)
        length, digest = self._TAIL.unpack(file.read(self._TAIL.size))
        if length > size - self._TAIL.size:
            return {}
        file.seek(size - self._TAIL.size - length)
        value = _checked(file.read(length), digest)
        return value if isinstance(value, dict) else {}

    def __contains__(self, key) -> bool:
        return key not in self._gone and (key in self._table or key in self._new or self._is_pending(key))

    def __iter__(self):
        return iter([key for key in {**self._table, **self._new} if key not in self._gone] + self._pending_key())

    def __len__(self) -> int:
        return len(list(iter(self)))

    def _is_pending(self, key) -> bool:
        return self._pending is not None and self._pending[0] == key

    def _pending_key(self) -> list:
        if self._pending is None or self._pending[0] in self._new or self._pending[0] in self._table:
            return []
        return [self._pending[0]]

    def get(self, key, default=None):
        if key in self._gone:
            return default
        if self._is_pending(key):
            return self._pending[1]
        if self._last is not None and self._last[0] == key:
            return self._last[1]
        if key in self._new:
            self._out.flush()
            value = self._read(self._out, self._new[key])  # (opened to read and write)
        elif key in self._table:
            value = self._read(self._file, self._table[key])
        else:
            return default
        if value is None:
            return default
        self._last = (key, value)
        return value

    def __getitem__(self, key):
        value = self.get(key, _ABSENT)
        if value is _ABSENT:
            raise KeyError(key)
        return value

    def __setitem__(self, key, value) -> None:
        if self._pending is not None and self._pending[0] != key:
            self._write_pending()
        self._gone.discard(key)
        self._pending = (key, value)
        self._last = None

    def __delitem__(self, key) -> None:
        if key not in self:
            raise KeyError(key)
        if self._is_pending(key):
            self._pending = None
        self._new.pop(key, None)
        self._gone.add(key)
        self._last = None

    @staticmethod
    def _read(file, entry):
        offset, length, digest, _signature = entry
        try:
            file.seek(offset)
            return _checked(file.read(length), digest)
        except (OSError, ValueError):
            return None

    def _write_pending(self) -> None:
        key, value = self._pending
        self._pending = None
        signature = self.signature(value)
        held = self._table.get(key)
        if held is not None and held[3] == signature:
            self._new.pop(key, None)  # the file read holds it as it is
            return
        if self._unwritable:
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        try:
            offset = self._output().seek(0, os.SEEK_END)
            self._out.write(data)
        except OSError:  # a cache that cannot be written only costs time
            self._unwritable = True
            return
        self._new[key] = (offset, len(data), _digest(data), signature)

    def _output(self):
        """The new file, beside the old one until `save`."""
        if self._out is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._out = self.path.with_suffix(f".{os.getpid()}.tmp").open("w+b")
        return self._out

    def changed(self) -> bool:
        """A value set that the file read does not hold as it is, or one gone."""
        if self._pending is not None:
            self._write_pending()
        return bool(self._new) or any(key in self._table for key in self._gone)

    def save(self) -> None:
        """The new file in place of the old, when anything `changed`; then
        closed (a cache that cannot be written only costs time)."""
        try:
            if self.changed() and not self._unwritable:
                self._complete()
        except OSError:
            pass
        finally:
            self.close()

    def _complete(self) -> None:
        table = dict(self._new)
        out = self._output()
        for key, entry in self._table.items():
            if key in self._gone or key in table:
                continue
            self._file.seek(entry[0])
            data = self._file.read(entry[1])
            offset = out.seek(0, os.SEEK_END)
            out.write(data)
            table[key] = (offset, *entry[1:])
        data = pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL)
        out.seek(0, os.SEEK_END)
        out.write(data)
        out.write(self._TAIL.pack(len(data), _digest(data)))
        out.close()
        os.replace(out.name, self.path)
        self._out = None
        with contextlib.suppress(OSError):
            for old in self.path.parent.glob(self.others) if self.others else ():
                if old != self.path:
                    old.unlink(missing_ok=True)

    def close(self) -> None:
        for file in (self._file, self._out):
            if file is not None:
                file.close()
        if self._out is not None:
            with contextlib.suppress(OSError):
                Path(self._out.name).unlink(missing_ok=True)
        self._file = self._out = None


_ABSENT = object()


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=_CHECK).digest()


def _checked(data: bytes, digest: bytes):
    """The value pickled in `data` if it has this digest, else None."""
    if _digest(data) != digest:
        return None
    try:
        return pickle.loads(data)  # noqa: S301 - our own cache, checked by its digest
    except Exception:  # as in `_unpack`
        return None
