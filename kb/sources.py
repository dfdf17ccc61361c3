"""The Markdown sources as files: readable, and where they belong."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Iterable
from pathlib import Path

from .articles import ARTICLES_DIR
from .problems import Problems
from .text import invisible, same_key

# What may sit in docs/articles/ besides the articles: their pictures.
ARTICLE_ASSETS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif")


def read_all(files: Iterable, problems: Problems, kept: dict | None = None) -> dict[str, str]:
    """src_uri -> text of every page whose file is UTF-8. A file that is
    not is reported (file, the line of the first bad byte, the fix).
    `kept` (`mkdocs serve`): path -> (its modification time and size, its
    text) as the builds before read it, kept up to date: a file whose time
    and size are the same is not read again (10,000 files on every save)."""
    texts = {}
    stamps = {}
    for file in files:
        path = (
            getattr(file, "abs_src_path", None)
            if kept is not None and not getattr(file, "generated_by", None)
            else None
        )
        if path:
            try:
                found = os.stat(path)
            except OSError:
                path = None  # (reading it reports why)
            else:
                stamps[path] = stamp = (found.st_mtime_ns, found.st_size)
                before = kept.get(path)
                if before is not None and before[0] == stamp:
                    texts[file.src_uri] = before[1]
                    continue
        data = file.content_bytes
        try:
            texts[file.src_uri] = data.decode("utf-8-sig").replace("\r\n", "\n")
            if path:
                kept[path] = (stamps[path], texts[file.src_uri])  # the time and size from before reading
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            problems.add(
                "docs/" + file.src_uri,
                line,
                f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at line {line}).",
                "save it as UTF-8 in your editor (e.g. 'iconv -f windows-1252 -t utf-8'), "
                "then check the characters on that line.",
            )
    if kept is not None:
        for gone in kept.keys() - stamps.keys():
            del kept[gone]
    return texts


def check_layout(src_uris: Iterable[str], problems: Problems) -> None:
    """docs/articles/ holds articles (lower-case .md) and their pictures only."""
    for src_uri in sorted(src_uris):
        if not src_uri.startswith(ARTICLES_DIR):
            continue
        name = posixpath.basename(src_uri)
        extension = posixpath.splitext(name)[1]
        if extension == ".md" or extension.lower() in ARTICLE_ASSETS or name.startswith("."):
            continue
        if extension.lower() in (".md", ".markdown", ".mdown"):
            fix = f"rename it to '{posixpath.splitext(name)[0]}.md' (lower case), so it is built as an article."
        elif extension.lower() == ".txt":
            fix = (
                "import it as an article with 'python -m kb new --from-text "
                + "docs/"
                + src_uri
                + "', then delete the .txt file."
            )
        else:
            fix = "move it out of docs/articles/ (articles are .md files; pictures may stay)."
        problems.add("docs/" + src_uri, None, f"'{name}' in docs/articles/ is not an article.", fix)


def outside(files: Iterable[tuple[str, str]], docs_dir: str | Path, problems: Problems) -> set[str]:
    """src_uris of the files (src_uri, path on disk) that are links to
    somewhere outside docs/: each is reported and must not be published
    (a link to ~/.ssh or /etc would put that file on the web)."""
    root = os.path.realpath(docs_dir)
    found = set()
    folders: dict[str, str] = {}  # each folder resolved once, not once per file in it
    for src_uri, path in files:
        folder, name = os.path.split(path)
        if (real_folder := folders.get(folder)) is None:
            real_folder = folders[folder] = os.path.realpath(folder)
        real = os.path.realpath(path) if os.path.islink(path) else os.path.join(real_folder, name)
        if os.path.commonpath([root, real]) != root:
            found.add(src_uri)
            problems.add(
                "docs/" + src_uri,
                None,
                f"the file is a link to '{real}', outside docs/: that file would be published.",
                "copy the file into docs/ (or remove the link); files are published only from docs/.",
            )
    return found


def check_names(src_uris: Iterable[str], problems: Problems) -> None:
    """File names that show a reader one thing and a computer another:
    invisible characters (bidirectional overrides, zero-width spaces), and
    two names that differ only by case, Unicode normalisation (NFC/NFD) or
    an invisible character, which collide on case-insensitive and
    normalising file systems (macOS, Windows) and in a reader's eyes."""
    seen: dict[str, str] = {}
    for src_uri in sorted(src_uris):
        if hidden := invisible(src_uri):
            problems.add(
                "docs/" + src_uri,
                None,
                f"the file name holds an invisible character ({hidden}): it reads differently from what it is.",
                "rename the file with visible letters, digits and hyphens only.",
            )
        key = same_key(src_uri)
        if key in seen:
            problems.add(
                "docs/" + src_uri,
                None,
                f"the file name is the same as docs/{seen[key]} but for case, accents written another way "
                "(NFC/NFD) or invisible characters: on macOS and Windows they are one file.",
                "rename one of the two (lower-case letters, digits and hyphens).",
            )
        else:
            seen[key] = src_uri
