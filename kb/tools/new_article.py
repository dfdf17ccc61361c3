"""Scaffold a new article with valid front matter.

    python -m kb new "The Title" --author "Jane Doe" --themes journey,culture
    python -m kb new --from-text pasted.txt --author "Jane Doe" --source example.com
    make article TITLE="The Title" AUTHOR="Jane Doe"

Writes docs/articles/<slug>.md and prints what to do next. With --from-text,
the body is a plain-text transcription (first line the title), repaired the
way the five original articles were: mis-encoded characters, look-alike
letters, page chrome such as "Leave a comment", and typed bullets.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from kb import disciplines, themes, transcription
from kb.problems import Problems
from kb.text import slugify


def known_themes(docs: Path) -> list[str]:
    """The themes the build knows: one per page in docs/themes/."""
    pages = (p.relative_to(docs).as_posix() for p in (docs / "themes").glob("*.md"))
    return sorted(t for t in map(themes.theme_of, pages) if t)


def known_disciplines(docs: Path) -> list[str]:
    """The discipline ids the build knows, read the way the build reads them."""
    text = (docs / disciplines.DISCIPLINES_SRC).read_text(encoding="utf-8")
    return [d.id for d in disciplines.parse(text, Problems())]


def yaml_text(value: str) -> str:
    """A YAML scalar that survives colons, quotes and leading symbols."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def body_from_text(raw: str) -> tuple[str | None, str]:
    """(title from the first line, Markdown body) of a plain-text article."""
    blocks = transcription.repair_article(raw)
    title = blocks.pop(0).text if blocks and blocks[0].kind == "p" else None
    out: list[str] = []
    previous = None
    for block in blocks:
        if block.kind != previous or block.kind == "p":
            out.append("")
        out.append({"p": "", "ul": "- ", "ol": "1. "}[block.kind] + block.text)
        previous = block.kind
    return title, "\n".join(out).strip() + "\n"


def render(
    title: str,
    description: str,
    themes: list[str],
    author: str | None,
    source: str | None,
    published: str | None,
    body: str,
    first_discipline: str,
) -> str:
    lines = ["---", f"title: {yaml_text(title)}", f"description: {yaml_text(description)}"]
    if author:
        lines.append(f"author: {yaml_text(author)}")
    if source:
        lines.append(f"source: {yaml_text(source)}")
    if published:
        lines.append(f"published: {published}")
    lines.append(f"added: {dt.date.today().isoformat()}")
    lines += [f"themes: [{', '.join(themes)}]", "---", ""]
    # The first paragraph carries a discipline mark so the page builds; the
    # contributor reviews it (the printed next steps say so).
    paragraphs = body.split("\n\n")
    paragraphs[0] = paragraphs[0].rstrip() + f'\n{{ disciplines="{first_discipline}" }}'
    return "\n".join(lines) + "\n" + "\n\n".join(paragraphs).rstrip() + "\n"


def read_text_file(path: Path, parser: argparse.ArgumentParser) -> str:
    """The text to import; a file that is not UTF-8 text (a PDF, a Word
    file, text saved as Windows-1252) is refused with what to do."""
    try:
        data = path.read_bytes()
    except OSError as error:
        parser.error(f"cannot read {path}: {error.strerror}")
    if b"\x00" in data[:8192]:
        parser.error(
            f"{path} is not a text file (it holds binary data: a PDF, a Word or an image file?). "
            "Copy the article's text into a plain .txt file, saved as UTF-8, and import that."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        parser.error(
            f"{path} is not UTF-8 text (byte 0x{data[error.start]:02x} on line {line}). "
            f"Save it as UTF-8 in your editor, or convert it: iconv -f windows-1252 -t utf-8 {path} > fixed.txt"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("title", nargs="?", help="the article's title (from --from-text's first line if omitted)")
    parser.add_argument("--author", help="the author's name, as the source gives it")
    parser.add_argument("--source", help="the site it was first published on, e.g. example.com")
    parser.add_argument("--published", help="first publication date, YYYY-MM-DD")
    parser.add_argument("--themes", default="", help="comma-separated themes")
    parser.add_argument("--description", help="one sentence: what the article argues")
    parser.add_argument("--from-text", type=Path, help="a plain-text transcription to import as the body")
    parser.add_argument("--slug", help="the file name (without .md), when the title has no Latin letters")
    parser.add_argument("--docs", type=Path, default=Path("docs"), help="the docs folder (default: ./docs)")
    args = parser.parse_args(argv)
    docs = args.docs.resolve()

    themes_allowed = known_themes(docs)
    disciplines = known_disciplines(docs)
    body = "Paste or write the article's text here, one paragraph per block.\n"
    title = args.title
    if args.from_text:
        text_title, body = body_from_text(read_text_file(args.from_text, parser))
        title = title or text_title
    if not title and sys.stdin.isatty():
        title = input("Title: ").strip()
    if not args.author and sys.stdin.isatty():
        args.author = input("Author (empty if the source names none): ").strip() or None
    if not title:
        parser.error("give the article's title (or --from-text with the title on its first line)")

    themes = [t.strip() for t in args.themes.split(",") if t.strip()] or themes_allowed[:1]
    unknown = [t for t in themes if t not in themes_allowed]
    if unknown:
        parser.error(f"unknown theme(s) {', '.join(unknown)}; use: {', '.join(themes_allowed)}")
    if args.published:
        try:
            dt.date.fromisoformat(args.published)
        except ValueError:
            parser.error(f"--published {args.published!r} is not a date as YYYY-MM-DD")

    slug = slugify(args.slug or title)
    if not slug:
        parser.error(
            f"the title {title!r} has no letters a file name can be made of; "
            "give one with --slug, e.g. --slug customer-journeys"
        )
    target = docs / "articles" / f"{slug}.md"
    if target.exists():
        parser.error(f"{target.relative_to(docs.parent)} already exists; choose another title or edit that file")
    description = args.description or f"What {title} argues, in one sentence (replace this)."
    target.write_text(
        render(title, description, themes, args.author, args.source, args.published, body, disciplines[0]),
        encoding="utf-8",
    )
    print(
        f"Created {target.relative_to(docs.parent)}\n"
        "Next:\n"
        "  1. Write the description (one sentence) and check the themes in the front matter.\n"
        f'  2. Mark passages with their disciplines: a line {{ disciplines="{disciplines[0]}" }} right under\n'
        f"     a paragraph (known: {', '.join(disciplines)}); review the one on the first paragraph.\n"
        "  3. Preview with `make serve`, then run `make anchors` and commit the article with anchors.json."
    )
    return 0
