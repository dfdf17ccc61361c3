"""The Markdown sources as files: readable, and where they belong."""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from .articles import ARTICLES_DIR
from .problems import Problems

# What may sit in docs/articles/ besides the articles: their pictures.
ARTICLE_ASSETS = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp", ".avif")


def read_all(files: Iterable, problems: Problems) -> dict[str, str]:
    """src_uri -> text of every page whose file is UTF-8. A file that is
    not is reported (file, the line of the first bad byte, the fix)."""
    texts = {}
    for file in files:
        data = file.content_bytes
        try:
            texts[file.src_uri] = data.decode("utf-8-sig").replace("\r\n", "\n")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            problems.add(
                "docs/" + file.src_uri,
                line,
                f"the file is not UTF-8 text (byte 0x{data[error.start]:02x} at line {line}).",
                "save it as UTF-8 in your editor (e.g. 'iconv -f windows-1252 -t utf-8'), "
                "then check the characters on that line.",
            )
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
