"""The article front matter rules (kb/articles.py RULES), one by one: each
rule's message for a front matter that breaks it and nothing else, at the
line of the field it names. A rule added to the table without a case here
fails `test_every_rule_has_a_case`."""

from __future__ import annotations

import datetime as dt

import pytest

from kb import articles
from kb.problems import Problems

THEMES = ["culture", "journey", "measurement", "omnichannel"]
GOOD = {"title": "A title", "description": "What it argues.", "themes": ["journey"]}
FUTURE = dt.date.today() + dt.timedelta(days=400)


def raw_of(meta: dict) -> str:
    """A page whose front matter lists `meta`'s keys one a line (the rules
    only read the lines to place their reports)."""
    return "---\n" + "".join(f"{key}: …\n" for key in meta) + "---\n\nText.\n"


# rule name -> (front matter, expected (line's field or None for line 1, what, fix, level))
CASES = {
    "no-front-matter": (
        None,
        (
            None,
            "the article has no front matter.",
            "start the file with a front matter block: a line '---', then 'title: …', 'description: …', "
            "'themes: …', then '---'. 'python -m kb new' writes one for you.",
            "error",
        ),
    ),
    "missing-field": (
        {"title": "A title", "themes": ["journey"]},
        (
            None,
            "front matter has no 'description'.",
            "add 'description:' with one sentence saying what the article argues (used in listings and link previews).",
            "error",
        ),
    ),
    "unknown-field": (
        {**GOOD, "tags": ["x"]},
        (
            "tags",
            "unknown front matter field 'tags'.",
            "use only these fields: title, description, themes, author, author_role, source, source_url, "
            "transcription, published, added, title_editorial.",
            "error",
        ),
    ),
    "not-text": (
        {**GOOD, "author": 2017},
        (
            "author",
            "'author' must be text, not int.",
            "write 'author:' followed by plain text (quote it if it contains ': ').",
            "error",
        ),
    ),
    "long-description": (
        {**GOOD, "description": "x" * 301},
        (
            "description",
            "'description' is 301 characters long.",
            "keep it to one sentence of at most 300 characters.",
            "error",
        ),
    ),
    "themes-not-a-list": (
        {**GOOD, "themes": {"journey": 1}},
        (
            "themes",
            "'themes' must be a list.",
            "write 'themes: [a, b]' using: culture, journey, measurement, omnichannel.",
            "error",
        ),
    ),
    "empty-theme": (
        {**GOOD, "themes": ["journey", None]},
        (
            "themes",
            "an item of 'themes' is empty (a '-' or ',' with nothing after it).",
            "remove the empty item, or name a theme: culture, journey, measurement, omnichannel.",
            "error",
        ),
    ),
    "unknown-theme": (
        {**GOOD, "themes": ["jouney"]},
        (
            "themes",
            "unknown theme 'jouney'.",
            "use one of: culture, journey, measurement, omnichannel (a new theme needs its page in docs/themes/).",
            "error",
        ),
    ),
    "theme-twice": (
        {**GOOD, "themes": ["journey", "culture", "journey"]},
        ("themes", "a theme is listed twice.", "list each theme once.", "error"),
    ),
    "added-not-a-date": (
        {**GOOD, "added": "last week"},
        (
            "added",
            "'added' is 'last week', not an ISO date.",
            "write the date as YYYY-MM-DD, e.g. 2026-11-23.",
            "error",
        ),
    ),
    "published-impossible": (
        {**GOOD, "published": "2017-02-30"},
        ("published", "'published' is not a real date.", "write a date that exists, as YYYY-MM-DD.", "error"),
    ),
    "published-not-a-date": (
        {**GOOD, "published": "20 Feb 2017"},
        (
            "published",
            "'published' is '20 Feb 2017', not an ISO date.",
            "write the date as YYYY-MM-DD, e.g. 2017-02-20.",
            "error",
        ),
    ),
    "date-in-the-future": (
        {**GOOD, "published": FUTURE},
        (
            "published",
            f"'published' is {FUTURE.isoformat()}, a date in the future.",
            "check the year and month; the date an article first appeared has passed.",
            "warning",
        ),
    ),
    "source-url-not-an-address": (
        {**GOOD, "source_url": "javascript:alert(1)"},
        (
            "source_url",
            "'source_url' is 'javascript:alert(1)', not a web address.",
            "write the full address of the original, starting with https:// (or remove the line).",
            "error",
        ),
    ),
    "transcription-not-text": (
        {**GOOD, "transcription": "a stray Â removed"},
        (
            "transcription",
            "'transcription' must be a list of text.",
            'write one short phrase per repair, e.g.\ntranscription:\n  - "a stray Â removed"',
            "error",
        ),
    ),
    "title-editorial-not-a-flag": (
        {**GOOD, "title_editorial": "yes"},
        (
            "title_editorial",
            "'title_editorial' is 'yes', not true or false.",
            "write 'title_editorial: true' or remove the line.",
            "error",
        ),
    ),
}


def check(meta: dict | None) -> tuple[articles.Article | None, list]:
    problems = Problems()
    raw = "Text without front matter.\n" if meta is None else raw_of(meta)
    article = articles.validate("articles/x.md", meta or {}, raw, THEMES, problems)
    return article, list(problems)


def test_every_rule_has_a_case():
    names = [rule.name for rule in articles.RULES]
    assert len(set(names)) == len(names), "two rules share a name"
    assert set(names) == set(CASES), (
        f"rules without a case: {set(names) - set(CASES)}; cases without a rule: {set(CASES) - set(names)}"
    )


@pytest.mark.parametrize("name", list(CASES))
def test_each_rule_reports_its_own_message(name):
    meta, (key, what, fix, level) = CASES[name]
    article, problems = check(meta)
    assert [(p.what, p.fix, p.level) for p in problems] == [(what, fix, level)]
    raw = raw_of(meta) if meta is not None else ""
    line = 1 if key is None else raw.split("\n").index(f"{key}: …") + 1
    assert problems[0].file == "docs/articles/x.md" and problems[0].line == line
    # An error leaves no record; a warning (a date in the future) keeps it.
    assert (article is None) == (level == "error")


def test_the_message_comes_from_the_table():
    """The report is the rule's own `what` and `fix`: a rule's wording is
    changed in one place."""
    rule = next(r for r in articles.RULES if r.name == "theme-twice")
    changed = articles.Rule(rule.name, rule.finds, "the same theme twice.", "keep one.")
    front = articles.Front({**GOOD, "themes": ["journey", "journey"]}, raw_of(GOOD), tuple(THEMES))
    assert [changed.message(front, found) for found in changed.finds(front)] == [("the same theme twice.", "keep one.")]


def test_a_front_matter_that_passes_every_rule_gives_the_article():
    meta = {
        **GOOD,
        "themes": "journey",
        "author": "Jane Doe",
        "published": "2017-02-20",
        "added": dt.datetime(2026, 1, 2, 10, 0),
        "source_url": "https://example.com/a",
        "transcription": ["a stray Â removed"],
        "title_editorial": True,
    }
    article, problems = check(meta)
    assert problems == []
    assert article == articles.Article(
        src_uri="articles/x.md",
        title="A title",
        description="What it argues.",
        themes=["journey"],
        author="Jane Doe",
        published=dt.date(2017, 2, 20),
        title_editorial=True,
        added=dt.date(2026, 1, 2),
        source_url="https://example.com/a",
        transcription=("a stray Â removed",),
    )


def test_without_front_matter_no_other_rule_runs():
    _, problems = check(None)
    assert [p.what for p in problems] == ["the article has no front matter."]


def test_every_violation_is_reported_not_only_the_first():
    _, problems = check({"title": 5, "themes": ["jouney", "", "jouney"], "tags": 1, "published": "soon"})
    assert [p.what for p in problems] == [
        "front matter has no 'description'.",
        "unknown front matter field 'tags'.",
        "'title' must be text, not int.",
        "an item of 'themes' is empty (a '-' or ',' with nothing after it).",
        "unknown theme 'jouney'.",  # once: the same report twice is one (kb.problems)
        "a theme is listed twice.",
        "'published' is 'soon', not an ISO date.",
    ]


def test_a_future_date_and_time_in_added_is_a_warning_not_a_crash():
    later = dt.datetime.combine(FUTURE, dt.time(9, 30))
    article, problems = check({**GOOD, "added": later})
    assert [(p.what, p.level) for p in problems] == [
        (f"'added' is {FUTURE.isoformat()}, a date in the future.", "warning")
    ]
    assert article is not None and article.added == FUTURE
