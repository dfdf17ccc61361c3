"""Article front matter: the schema and its validation.

An article is any page under `docs/articles/` except the folder's index. Its
front matter is the single source of truth for its title, attribution and
themes; every listing, chip and matrix is generated from it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from .frontmatter import line_of_key
from .problems import Problems

ARTICLES_DIR = "articles/"

REQUIRED = {
    "title": "the article's title, as its author wrote it",
    "description": "one sentence saying what the article argues (used in listings and link previews)",
    "themes": "a list of themes, e.g. [journey, culture]",
}
OPTIONAL = {
    "author": "the author's name, where the source names one",
    "author_role": "the author's role or job title",
    "source": "the site the article was first published on, e.g. example.com",
    "source_url": "the address of the original (or of its site), https://…",
    "transcription": "what was repaired when the text was copied off the web, a list of short phrases",
    "published": "the first publication date, as YYYY-MM-DD",
    "added": "the date the article joined this knowledge base, as YYYY-MM-DD (the feed's date when "
    "'published' is unknown)",
    "title_editorial": "true when the source had no title and the title is ours",
}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_WEB_ADDRESS = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.I)


def is_article(src_uri: str) -> bool:
    return src_uri.startswith(ARTICLES_DIR) and src_uri != ARTICLES_DIR + "index.md"


@dataclass
class Article:
    """What the rest of the site needs to know about one article."""

    src_uri: str
    title: str
    description: str
    themes: list[str]
    author: str | None = None
    author_role: str | None = None
    source: str | None = None
    published: dt.date | None = None
    title_editorial: bool = False
    added: dt.date | None = None  # the day it joined the knowledge base (the feed's date without 'published')
    source_url: str | None = None
    transcription: tuple[str, ...] = ()


def _day(value) -> dt.date | None:
    """A YAML date (or date and time) as a day."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else None


def front_matter_line(raw: str, key: str) -> int | None:
    """Line of `key:` inside the front matter block (1-based): the key at
    the start of a line ('d:' is not found in 'description:'), quoted or not;
    the block's first line when YAML wrote the key another way (escaped)."""
    return line_of_key(raw, str(key)) or (1 if raw.startswith("---") else None)


def _shown(value, limit: int = 40) -> str:
    """A value as a message quotes it: short, whatever its size."""
    text = repr(value) if not isinstance(value, str) else value
    return text if len(text) <= limit else text[: limit - 1] + "…"


def validate(src_uri: str, meta: dict, raw: str, allowed_themes: list[str], problems: Problems) -> Article | None:
    """Check one article's front matter; report every violation; build the record."""
    file = "docs/" + src_uri
    start = problems.errors
    allowed = ", ".join(allowed_themes)

    if not raw.startswith("---"):
        problems.add(
            file,
            1,
            "the article has no front matter.",
            "start the file with a front matter block: a line '---', then "
            + ", ".join(f"'{k}: …'" for k in REQUIRED)
            + ", then '---'. "
            "'python -m kb new' writes one for you.",
        )
        return None

    for key, meaning in REQUIRED.items():
        if key not in meta or meta[key] in (None, "", []):
            problems.add(
                file, front_matter_line(raw, key) or 1, f"front matter has no '{key}'.", f"add '{key}:' with {meaning}."
            )

    for key in meta:
        if key not in REQUIRED and key not in OPTIONAL:
            problems.add(
                file,
                front_matter_line(raw, key),
                f"unknown front matter field '{key}'.",
                "use only these fields: " + ", ".join([*REQUIRED, *OPTIONAL]) + ".",
            )

    for key in ("title", "description", "author", "author_role", "source", "source_url"):
        if key in meta and meta[key] is not None and not isinstance(meta[key], str):
            problems.add(
                file,
                front_matter_line(raw, key),
                f"'{key}' must be text, not {type(meta[key]).__name__}.",
                f"write '{key}:' followed by plain text (quote it if it contains ': ').",
            )

    description = meta.get("description")
    if isinstance(description, str) and len(description) > 300:
        problems.add(
            file,
            front_matter_line(raw, "description"),
            f"'description' is {len(description)} characters long.",
            "keep it to one sentence of at most 300 characters.",
        )

    themes = meta.get("themes")
    if themes is not None and themes != []:
        if isinstance(themes, str):
            themes = [themes]
        if not isinstance(themes, list):
            problems.add(
                file,
                front_matter_line(raw, "themes"),
                "'themes' must be a list.",
                f"write 'themes: [a, b]' using: {allowed}.",
            )
            themes = []
        for theme in themes:
            if theme is None or theme == "":
                problems.add(
                    file,
                    front_matter_line(raw, "themes"),
                    "an item of 'themes' is empty (a '-' or ',' with nothing after it).",
                    f"remove the empty item, or name a theme: {allowed}.",
                )
            elif not isinstance(theme, str) or theme not in allowed_themes:
                problems.add(
                    file,
                    front_matter_line(raw, "themes"),
                    f"unknown theme '{_shown(theme)}'.",
                    f"use one of: {allowed} (a new theme needs its page in docs/themes/).",
                )
        names = [t for t in themes if isinstance(t, str)]
        if len(set(names)) != len(names):
            problems.add(file, front_matter_line(raw, "themes"), "a theme is listed twice.", "list each theme once.")

    for key in ("added",):
        value = meta.get(key)
        if value is not None and not isinstance(value, dt.date):
            problems.add(
                file,
                front_matter_line(raw, key),
                f"'{key}' is '{_shown(value)}', not an ISO date.",
                "write the date as YYYY-MM-DD, e.g. 2026-11-23.",
            )
    published = meta.get("published")
    if published is not None and not isinstance(published, dt.date):
        if isinstance(published, str) and _ISO_DATE.match(published):
            try:
                published = dt.date.fromisoformat(published)
            except ValueError:
                published = None
                problems.add(
                    file,
                    front_matter_line(raw, "published"),
                    "'published' is not a real date.",
                    "write a date that exists, as YYYY-MM-DD.",
                )
        else:
            problems.add(
                file,
                front_matter_line(raw, "published"),
                f"'published' is '{_shown(published)}', not an ISO date.",
                "write the date as YYYY-MM-DD, e.g. 2017-02-20.",
            )
            published = None
    if isinstance(published, dt.datetime):
        published = published.date()
    for key, value in (("published", published), ("added", meta.get("added"))):
        if isinstance(value, dt.date) and value > dt.date.today():
            problems.add(
                file,
                front_matter_line(raw, key),
                f"'{key}' is {value.isoformat()}, a date in the future.",
                "check the year and month; the date an article first appeared has passed.",
                level="warning",
            )

    source_url = meta.get("source_url")
    if source_url is not None and not (isinstance(source_url, str) and _WEB_ADDRESS.match(source_url)):
        problems.add(
            file,
            front_matter_line(raw, "source_url"),
            f"'source_url' is '{_shown(source_url)}', not a web address.",
            "write the full address of the original, starting with https:// (or remove the line).",
        )
        source_url = None
    transcription = meta.get("transcription") or []
    if not isinstance(transcription, list) or not all(isinstance(t, str) for t in transcription):
        problems.add(
            file,
            front_matter_line(raw, "transcription"),
            "'transcription' must be a list of text.",
            'write one short phrase per repair, e.g.\ntranscription:\n  - "a stray Â removed"',
        )
        transcription = []
    editorial = meta.get("title_editorial", False)
    if not isinstance(editorial, bool):
        problems.add(
            file,
            front_matter_line(raw, "title_editorial"),
            f"'title_editorial' is '{_shown(editorial)}', not true or false.",
            "write 'title_editorial: true' or remove the line.",
        )
        editorial = False

    if problems.errors > start:
        return None
    return Article(
        src_uri=src_uri,
        title=meta["title"],
        description=meta["description"],
        themes=list(themes),
        author=meta.get("author"),
        author_role=meta.get("author_role"),
        source=meta.get("source"),
        published=published,
        title_editorial=editorial,
        added=_day(meta.get("added")),
        source_url=source_url,
        transcription=tuple(transcription),
    )
