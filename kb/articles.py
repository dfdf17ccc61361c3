"""Article front matter: the schema and its validation.

An article is any page under `docs/articles/` except the folder's index. Its
front matter is the single source of truth for its title, attribution and
themes; every listing, chip and matrix is generated from it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
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


# -- the rules ---------------------------------------------------------------------
#
# Each rule is one check of an article's front matter with its message: `finds`
# yields one dict of fields per violation (its "key" is the field whose line
# the report names), and `what` and `fix` are formatted with them and with
# `allowed` (the themes), `fields` (every known field) and `example` (the
# fields a new front matter block starts with). The table runs in order; a
# rule marked `stops` ends the check when it finds something.


@dataclass(frozen=True)
class Front:
    """The front matter the rules read: `meta` as YAML parsed it, `raw` the
    page's source (for lines), `allowed` the theme ids."""

    meta: dict
    raw: str
    allowed: tuple[str, ...]

    def themes(self) -> list:
        """'themes' as a list: a single name is a list of one; anything
        else that is not a list, none."""
        themes = self.meta.get("themes")
        if isinstance(themes, str):
            return [themes]
        return themes if isinstance(themes, list) else []

    def published(self) -> dt.date | None:
        """'published' as a day, when it is one (a YAML date, or text
        written as a real YYYY-MM-DD date)."""
        value = self.meta.get("published")
        if isinstance(value, str) and _ISO_DATE.match(value):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                return None
        return _day(value)


@dataclass(frozen=True)
class Rule:
    name: str
    finds: Callable[[Front], Iterator[dict]]
    what: str
    fix: str
    level: str = "error"
    stops: bool = False  # the other rules do not run after it finds something

    def message(self, front: Front, found: dict) -> tuple[str, str]:
        """(what, fix) for one violation."""
        fields = {
            "allowed": ", ".join(front.allowed),
            "fields": ", ".join([*REQUIRED, *OPTIONAL]),
            "example": ", ".join(f"'{k}: …'" for k in REQUIRED),
            **found,
        }
        return self.what.format(**fields), self.fix.format(**fields)


_TEXT_FIELDS = ("title", "description", "author", "author_role", "source", "source_url")
DESCRIPTION_LIMIT = 300


def _no_front_matter(front: Front) -> Iterator[dict]:
    if not front.raw.startswith("---"):
        yield {}


def _missing(front: Front) -> Iterator[dict]:
    for key, meaning in REQUIRED.items():
        if key not in front.meta or front.meta[key] in (None, "", []):
            yield {"key": key, "meaning": meaning}


def _unknown_fields(front: Front) -> Iterator[dict]:
    for key in front.meta:
        if key not in REQUIRED and key not in OPTIONAL:
            yield {"key": key}


def _not_text(front: Front) -> Iterator[dict]:
    for key in _TEXT_FIELDS:
        value = front.meta.get(key)
        if value is not None and not isinstance(value, str):
            yield {"key": key, "type": type(value).__name__}


def _long_description(front: Front) -> Iterator[dict]:
    description = front.meta.get("description")
    if isinstance(description, str) and len(description) > DESCRIPTION_LIMIT:
        yield {"key": "description", "length": len(description)}


def _themes_not_a_list(front: Front) -> Iterator[dict]:
    themes = front.meta.get("themes")
    if themes is not None and themes != [] and not isinstance(themes, (str, list)):
        yield {"key": "themes"}


def _empty_themes(front: Front) -> Iterator[dict]:
    for theme in front.themes():
        if theme is None or theme == "":
            yield {"key": "themes"}


def _unknown_themes(front: Front) -> Iterator[dict]:
    for theme in front.themes():
        if theme not in (None, "") and (not isinstance(theme, str) or theme not in front.allowed):
            yield {"key": "themes", "theme": _shown(theme)}


def _themes_twice(front: Front) -> Iterator[dict]:
    names = [t for t in front.themes() if isinstance(t, str)]
    if len(set(names)) != len(names):
        yield {"key": "themes"}


def _added_not_a_date(front: Front) -> Iterator[dict]:
    value = front.meta.get("added")
    if value is not None and not isinstance(value, dt.date):
        yield {"key": "added", "value": _shown(value)}


def _published_impossible(front: Front) -> Iterator[dict]:
    value = front.meta.get("published")
    if isinstance(value, str) and _ISO_DATE.match(value) and front.published() is None:
        yield {"key": "published"}


def _published_not_a_date(front: Front) -> Iterator[dict]:
    value = front.meta.get("published")
    if value is not None and not isinstance(value, dt.date) and not (isinstance(value, str) and _ISO_DATE.match(value)):
        yield {"key": "published", "value": _shown(value)}


def _in_the_future(front: Front) -> Iterator[dict]:
    for key, day in (("published", front.published()), ("added", _day(front.meta.get("added")))):
        if day is not None and day > dt.date.today():
            yield {"key": key, "date": day.isoformat()}


def _not_a_web_address(front: Front) -> Iterator[dict]:
    value = front.meta.get("source_url")
    if value is not None and not (isinstance(value, str) and _WEB_ADDRESS.match(value)):
        yield {"key": "source_url", "value": _shown(value)}


def _transcription_not_text(front: Front) -> Iterator[dict]:
    value = front.meta.get("transcription") or []
    if not isinstance(value, list) or not all(isinstance(t, str) for t in value):
        yield {"key": "transcription"}


def _editorial_not_a_flag(front: Front) -> Iterator[dict]:
    value = front.meta.get("title_editorial", False)
    if not isinstance(value, bool):
        yield {"key": "title_editorial", "value": _shown(value)}


RULES: tuple[Rule, ...] = (
    Rule(
        "no-front-matter",
        _no_front_matter,
        "the article has no front matter.",
        "start the file with a front matter block: a line '---', then {example}, then '---'. "
        "'python -m kb new' writes one for you.",
        stops=True,
    ),
    Rule("missing-field", _missing, "front matter has no '{key}'.", "add '{key}:' with {meaning}."),
    Rule("unknown-field", _unknown_fields, "unknown front matter field '{key}'.", "use only these fields: {fields}."),
    Rule(
        "not-text",
        _not_text,
        "'{key}' must be text, not {type}.",
        "write '{key}:' followed by plain text (quote it if it contains ': ').",
    ),
    Rule(
        "long-description",
        _long_description,
        "'description' is {length} characters long.",
        f"keep it to one sentence of at most {DESCRIPTION_LIMIT} characters.",
    ),
    Rule(
        "themes-not-a-list", _themes_not_a_list, "'themes' must be a list.", "write 'themes: [a, b]' using: {allowed}."
    ),
    Rule(
        "empty-theme",
        _empty_themes,
        "an item of 'themes' is empty (a '-' or ',' with nothing after it).",
        "remove the empty item, or name a theme: {allowed}.",
    ),
    Rule(
        "unknown-theme",
        _unknown_themes,
        "unknown theme '{theme}'.",
        "use one of: {allowed} (a new theme needs its page in docs/themes/).",
    ),
    Rule("theme-twice", _themes_twice, "a theme is listed twice.", "list each theme once."),
    Rule(
        "added-not-a-date",
        _added_not_a_date,
        "'{key}' is '{value}', not an ISO date.",
        "write the date as YYYY-MM-DD, e.g. 2026-11-23.",
    ),
    Rule(
        "published-impossible",
        _published_impossible,
        "'published' is not a real date.",
        "write a date that exists, as YYYY-MM-DD.",
    ),
    Rule(
        "published-not-a-date",
        _published_not_a_date,
        "'published' is '{value}', not an ISO date.",
        "write the date as YYYY-MM-DD, e.g. 2017-02-20.",
    ),
    Rule(
        "date-in-the-future",
        _in_the_future,
        "'{key}' is {date}, a date in the future.",
        "check the year and month; the date an article first appeared has passed.",
        level="warning",
    ),
    Rule(
        "source-url-not-an-address",
        _not_a_web_address,
        "'source_url' is '{value}', not a web address.",
        "write the full address of the original, starting with https:// (or remove the line).",
    ),
    Rule(
        "transcription-not-text",
        _transcription_not_text,
        "'transcription' must be a list of text.",
        'write one short phrase per repair, e.g.\ntranscription:\n  - "a stray Â removed"',
    ),
    Rule(
        "title-editorial-not-a-flag",
        _editorial_not_a_flag,
        "'title_editorial' is '{value}', not true or false.",
        "write 'title_editorial: true' or remove the line.",
    ),
)


def validate(src_uri: str, meta: dict, raw: str, allowed_themes: list[str], problems: Problems) -> Article | None:
    """Check one article's front matter against every rule of `RULES`; report
    every violation; build the record when there is no error."""
    file = "docs/" + src_uri
    front = Front(meta, raw, tuple(allowed_themes))
    start = problems.errors
    for rule in RULES:
        found = list(rule.finds(front))
        for fields in found:
            what, fix = rule.message(front, fields)
            key = fields.get("key")
            line = (front_matter_line(raw, key) or 1) if key else 1
            problems.add(file, line, what, fix, level=rule.level)
        if found and rule.stops:
            return None
    if problems.errors > start:
        return None
    return _article(src_uri, front)


def _article(src_uri: str, front: Front) -> Article:
    """The record of an article whose front matter passed every rule."""
    meta = front.meta
    return Article(
        src_uri=src_uri,
        title=meta["title"],
        description=meta["description"],
        themes=list(front.themes()),
        author=meta.get("author"),
        author_role=meta.get("author_role"),
        source=meta.get("source"),
        published=front.published(),
        title_editorial=meta.get("title_editorial", False),
        added=_day(meta.get("added")),
        source_url=meta.get("source_url"),
        transcription=tuple(meta.get("transcription") or ()),
    )
