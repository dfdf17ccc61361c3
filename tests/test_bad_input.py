"""Bad input fails `mkdocs build --strict`, naming the file, line and fix.

Each case breaks one thing in a scratch copy of the project, builds it, and
checks the message a contributor would read. The line number is found in the
broken file itself, so the tests follow the content rather than hard-code it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from kb.devtools import build_site, copy_project

ARTICLE = "docs/articles/can-we-afford-to-miss-customer-experience.md"
ARTICLE_4 = "docs/articles/integrate-cx-into-business-strategy.md"
GLOSSARY = "docs/glossary.md"


@dataclass
class Case:
    id: str
    file: str
    mutate: Callable[[str], str]
    expected: list[str]  # substrings of the error line; {line} is filled in
    line_of: str | None = None  # text whose line (in the broken file) the error names


def sub(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert old in text, f"test setup: {old!r} not in file"
        return text.replace(old, new, count)
    return apply


def drop_front_matter(text: str) -> str:
    return text.split("\n---\n", 1)[1]


CASES = [
    Case("unknown-theme", ARTICLE, sub("themes: [omnichannel,", "themes: [omnichanel,"),
         ["{file}:{line}: unknown theme 'omnichanel'.", "use one of: culture, journey, measurement, omnichannel"],
         line_of="themes:"),
    Case("no-theme", ARTICLE, sub("themes: [omnichannel, culture, journey]\n", ""),
         ["{file}:1: front matter has no 'themes'.", "add 'themes:'"]),
    Case("empty-themes", ARTICLE, sub("themes: [omnichannel, culture, journey]", "themes: []"),
         ["{file}:{line}: front matter has no 'themes'."], line_of="themes:"),
    Case("no-front-matter", ARTICLE, drop_front_matter,
         ["{file}:1: the article has no front matter.", "python -m kb new"]),
    Case("no-description", ARTICLE, lambda t: re.sub(r"description: .*\n", "", t, count=1),
         ["{file}:1: front matter has no 'description'."]),
    Case("no-title", ARTICLE, sub("title: Can We Afford to Miss Customer Experience?\n", ""),
         ["{file}:1: front matter has no 'title'."]),
    Case("title-not-text", ARTICLE, sub("title: Can We Afford to Miss Customer Experience?", "title: 2017"),
         ["{file}:{line}: 'title' must be text, not int."], line_of="title:"),
    Case("date-not-iso", ARTICLE_4, sub("published: 2017-02-20", "published: 20.2.2017"),
         ["{file}:{line}: 'published' is '20.2.2017', not an ISO date.", "YYYY-MM-DD"], line_of="published:"),
    Case("date-impossible", ARTICLE_4, sub("published: 2017-02-20", "published: '2017-02-30'"),
         ["{file}:{line}: 'published' is not a real date."], line_of="published:"),
    Case("unknown-field", ARTICLE, sub("themes:", "theme: journey\nthemes:"),
         ["{file}:{line}: unknown front matter field 'theme'.", "use only these fields: title, description, themes"],
         line_of="theme: journey"),
    Case("editorial-not-bool", ARTICLE, sub("themes:", "title_editorial: maybe\nthemes:"),
         ["{file}:{line}: 'title_editorial' is 'maybe', not true or false."], line_of="title_editorial"),
    Case("unknown-discipline", ARTICLE, sub('{ disciplines="intelligence" }', '{ disciplines="inteligence" }'),
         ["{file}:{line}: unknown discipline 'inteligence'", "use one of: strategy, intelligence, design, measure, connect, live"],
         line_of='disciplines="inteligence"'),
    Case("mark-on-nothing", ARTICLE, sub('\n{ disciplines="intelligence" }', '\n\n{ disciplines="intelligence" }'),
         ["{file}:{line}: a discipline mark is attached to nothing", "remove the blank line"],
         line_of='disciplines="intelligence"'),
    Case("article-without-marks", ARTICLE, lambda t: re.sub(r"\n\{ disciplines=[^}]*\}", "", t),
         ["{file}: no passage of this article is marked with a discipline."]),
    Case("glossary-duplicate", GLOSSARY, sub("## Unlearning\n", "## Unlearning\n\n*Also:* silo\n"),
         ["{file}:{line}: duplicate term: 'silo' is already defined by 'Silo'"], line_of="## Unlearning"),
    Case("glossary-empty-definition", GLOSSARY,
         lambda t: re.sub(r"(## Storytelling\n\n)[^#]*", r"\1", t),
         ["{file}:{line}: the term 'Storytelling' has an empty definition."], line_of="## Storytelling"),
    Case("glossary-term-used-nowhere", GLOSSARY,
         sub("## Unlearning", "## Ubiquitous widgetry\n\nA term no article uses.\n\n## Unlearning"),
         ["{file}:{line}: the term 'Ubiquitous widgetry' occurs in no article."], line_of="## Ubiquitous widgetry"),
    Case("glossary-out-of-order", GLOSSARY, sub("## Agile", "## Zebra crossing\n\nNot used.\n\n## Agile"),
         ["{file}:{line}: 'Agile' comes after 'Zebra crossing'", "alphabetical order"], line_of="## Agile"),
    Case("broken-link", ARTICLE, sub("(is-customer-experience-new.md#", "(is-customer-experience-old.md#"),
         ["contains a link 'is-customer-experience-old.md", "not found"]),
    Case("broken-anchor", ARTICLE, sub("is-customer-experience-new.md#p-bottomline-is-that-people-prospects",
                                       "is-customer-experience-new.md#p-no-such-passage"),
         ["does not contain an anchor '#p-no-such-passage'"]),
    Case("broken-raw-html-link", "docs/index.md", sub("## Where to start", '<a href="articles/nope/">x</a>\n\n## Where to start'),
         ["site/index.html: the link 'articles/nope/' is broken: no such file."]),
    Case("broken-raw-html-fragment", "docs/index.md",
         sub("## Where to start", '<a href="glossary/#no-such-term">x</a>\n\n## Where to start'),
         ["site/index.html: the link 'glossary/#no-such-term' is broken: no element with id 'no-such-term'."]),
    Case("unknown-placeholder", "docs/index.md", sub("<!-- kb:article-list -->", "<!-- kb:article-lists -->"),
         ["docs/index.md: unknown placeholder '<!-- kb:article-lists -->'."]),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_fails_the_build_with_a_precise_message(case: Case, tmp_path: Path):
    project = copy_project(tmp_path / "project")
    target = project / case.file
    broken = case.mutate(target.read_text(encoding="utf-8"))
    target.write_text(broken, encoding="utf-8")
    result = build_site(project, tmp_path / "site")
    assert result.returncode != 0, f"the build accepted {case.id}"
    line = None
    if case.line_of:
        line = next(n for n, text in enumerate(broken.splitlines(), 1) if case.line_of in text)
    for expected in case.expected:
        expected = expected.format(file=case.file, line=line)
        assert expected in result.stderr, f"{case.id}: expected {expected!r} in:\n{result.stderr[-3000:]}"


def test_one_mistake_gives_one_message(tmp_path: Path):
    """An article with a bad theme still counts as using its glossary terms
    and discipline marks: no cascade of unrelated errors."""
    project = copy_project(tmp_path / "project")
    target = project / ARTICLE
    target.write_text(target.read_text().replace("themes: [omnichannel,", "themes: [omnichanel,"))
    result = build_site(project, tmp_path / "site")
    errors = [line for line in result.stderr.splitlines() if "ERROR" in line]
    assert len(errors) == 1 and "unknown theme 'omnichanel'" in errors[0], errors


def test_external_links_get_noopener_and_are_reported(tmp_path: Path):
    import json

    project = copy_project(tmp_path / "project")
    target = project / "docs/articles/customer-experience-in-the-digital-era.md"
    target.write_text(target.read_text().replace("— McKinsey", "— [McKinsey](https://www.mckinsey.com/)"))
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "1 external link(s), listed in external-links.json" in result.stderr
    page = (tmp_path / "site/articles/customer-experience-in-the-digital-era/index.html").read_text()
    assert '<a href="https://www.mckinsey.com/" rel="noopener">McKinsey</a>' in page
    report = json.loads((tmp_path / "site/external-links.json").read_text())["external_links"]
    # The article, and the print views of its themes, which carry its text.
    assert report == {"https://www.mckinsey.com/": ["articles/customer-experience-in-the-digital-era/index.html",
                                                    "print/culture/index.html", "print/journey/index.html"]}


def test_the_unbroken_project_builds(tmp_path: Path):
    """The control: the same scratch copy, unmodified, builds cleanly."""
    project = copy_project(tmp_path / "project")
    result = build_site(project, tmp_path / "site")
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr and "WARNING" not in result.stderr
