"""Bad input fails the build, naming the file, line and fix; unusual but
valid input builds correctly.

Most cases run the knowledge-base pass at the function level
(`kb.pipeline.run`: the same extension, checks and renderer as the MkDocs
build, in milliseconds); a few end-to-end builds below cover what only MkDocs
does (its own link validation) and what must reach the terminal as a message
and never as a traceback. Line numbers are found in the broken file itself,
so the tests follow the content rather than hard-code it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from early import early

from kb import anchors, pipeline, sources
from kb.devtools import ROOT, build_site, copy_project
from kb.problems import Problems

ARTICLE = "articles/can-we-afford-to-miss-customer-experience.md"
ARTICLE_4 = "articles/integrate-cx-into-business-strategy.md"
ARTICLE_5 = "articles/is-customer-experience-new.md"
GLOSSARY = "glossary.md"
THEME = "themes/journey.md"
DISCIPLINES = "disciplines.md"
HOME = "index.md"
MARK = '{ disciplines="intelligence" }'
FIRST = "Organizations today seem partly unable"


@dataclass
class Case:
    id: str
    file: str  # src_uri under docs/
    mutate: Callable[[str], str]
    expected: list[str]  # substrings of the report; {file} and {line} are filled in
    line_of: str | None = None  # text whose line (in the broken file) the error names


def sub(old: str, new: str, count: int = 1) -> Callable[[str], str]:
    def apply(text: str) -> str:
        assert old in text, f"test setup: {old!r} not in file"
        return text.replace(old, new, count)

    return apply


def add_after(anchor: str, addition: str) -> Callable[[str], str]:
    return sub(anchor, anchor + addition)


def field(name: str, value: str) -> Callable[[str], str]:
    """Set a front-matter field (added before `themes:` / the closing line)."""

    def apply(text: str) -> str:
        head, rest = text[4:].split("\n---\n", 1)
        lines = [line for line in head.split("\n") if not line.startswith(f"{name}:")]
        return "---\n" + "\n".join([*lines, f"{name}: {value}"]) + "\n---\n" + rest

    return apply


def drop_front_matter(text: str) -> str:
    return text.split("\n---\n", 1)[1]


NEW_PARAGRAPH = "\n\nA new paragraph written by a contributor.\n"

CASES = [
    # -- front matter: fields -------------------------------------------------
    Case(
        "unknown-theme",
        ARTICLE,
        sub("themes: [omnichannel,", "themes: [omnichanel,"),
        ["{file}:{line}: unknown theme 'omnichanel'.", "use one of: culture, journey, measurement, omnichannel"],
        line_of="themes:",
    ),
    Case(
        "no-theme",
        ARTICLE,
        sub("themes: [omnichannel, culture, journey]\n", ""),
        ["{file}:1: front matter has no 'themes'.", "add 'themes:'"],
    ),
    Case(
        "empty-themes",
        ARTICLE,
        sub("themes: [omnichannel, culture, journey]", "themes: []"),
        ["{file}:{line}: front matter has no 'themes'."],
        line_of="themes:",
    ),
    Case(
        "no-front-matter",
        ARTICLE,
        drop_front_matter,
        ["{file}:1: the article has no front matter.", "python -m kb new"],
    ),
    Case(
        "no-description",
        ARTICLE,
        lambda t: re.sub(r"description: .*\n", "", t, count=1),
        ["{file}:1: front matter has no 'description'."],
    ),
    Case(
        "no-title",
        ARTICLE,
        sub("title: Can We Afford to Miss Customer Experience?\n", ""),
        ["{file}:1: front matter has no 'title'."],
    ),
    Case(
        "title-not-text",
        ARTICLE,
        sub("title: Can We Afford to Miss Customer Experience?", "title: 2017"),
        ["{file}:{line}: 'title' must be text, not int."],
        line_of="title:",
    ),
    Case(
        "title-a-list",
        ARTICLE,
        sub("title: Can We Afford to Miss Customer Experience?", "title: [a, b]"),
        ["{file}:{line}: 'title' must be text, not list."],
        line_of="title:",
    ),
    Case(
        "author-a-number",
        ARTICLE,
        field("author", "42"),
        ["{file}:{line}: 'author' must be text, not int."],
        line_of="author:",
    ),
    Case(
        "source-a-mapping",
        ARTICLE,
        field("source", "{site: x}"),
        ["{file}:{line}: 'source' must be text, not dict."],
        line_of="source:",
    ),
    Case(
        "description-too-long",
        ARTICLE,
        field("description", "x" * 301),
        ["{file}:{line}: 'description' is 301 characters long."],
        line_of="description:",
    ),
    Case(
        "date-not-iso",
        ARTICLE_4,
        sub("published: 2017-02-20", "published: 20.2.2017"),
        ["{file}:{line}: 'published' is '20.2.2017', not an ISO date.", "YYYY-MM-DD"],
        line_of="published:",
    ),
    Case(
        "date-impossible-quoted",
        ARTICLE_4,
        sub("published: 2017-02-20", "published: '2017-02-30'"),
        ["{file}:{line}: 'published' is not a real date."],
        line_of="published:",
    ),
    Case(
        "date-impossible-bare",
        ARTICLE_4,
        sub("published: 2017-02-20", "published: 2017-02-30"),
        ["{file}:{line}: 'published' is not a real date (day is out of range for month).", "a date that exists"],
        line_of="published:",
    ),
    Case(
        "date-month-13",
        ARTICLE_4,
        sub("published: 2017-02-20", "published: 2017-13-01"),
        ["{file}:{line}: 'published' is not a real date", "a date that exists"],
        line_of="published:",
    ),
    Case(
        "date-a-word",
        ARTICLE_4,
        sub("published: 2017-02-20", "published: yesterday"),
        ["{file}:{line}: 'published' is 'yesterday', not an ISO date."],
        line_of="published:",
    ),
    Case(
        "unknown-field",
        ARTICLE,
        sub("themes:", "theme: journey\nthemes:"),
        ["{file}:{line}: unknown front matter field 'theme'.", "use only these fields: title, description, themes"],
        line_of="theme: journey",
    ),
    Case(
        "unknown-field-typo",
        ARTICLE,
        field("autor", "Jane Doe"),
        ["{file}:{line}: unknown front matter field 'autor'."],
        line_of="autor:",
    ),
    Case(
        "editorial-not-bool",
        ARTICLE,
        sub("themes:", "title_editorial: maybe\nthemes:"),
        ["{file}:{line}: 'title_editorial' is 'maybe', not true or false."],
        line_of="title_editorial",
    ),
    Case(
        "theme-twice",
        ARTICLE,
        sub("themes: [omnichannel, culture, journey]", "themes: [journey, journey]"),
        ["{file}:{line}: a theme is listed twice."],
        line_of="themes:",
    ),
    Case(
        "themes-a-mapping",
        ARTICLE,
        sub("themes: [omnichannel, culture, journey]", "themes: {a: b}"),
        ["{file}:{line}: 'themes' must be a list."],
        line_of="themes:",
    ),
    Case(
        "theme-wrong-case",
        ARTICLE,
        sub("themes: [omnichannel,", "themes: [Omnichannel,"),
        ["{file}:{line}: unknown theme 'Omnichannel'."],
        line_of="themes:",
    ),
    # -- front matter: YAML itself --------------------------------------------
    Case(
        "yaml-unquoted-colon",
        ARTICLE,
        sub("title: Can We Afford to Miss Customer Experience?", "title: Can We Afford: Miss Customer Experience?"),
        ["{file}:{line}: the front matter is not valid YAML: mapping values are not allowed", "quote text"],
        line_of="title:",
    ),
    Case(
        "yaml-tab-indent",
        ARTICLE,
        sub("themes: [omnichannel, culture, journey]", "themes:\n\t- journey"),
        ["{file}:{line}: the front matter is not valid YAML", "tab", "indent with spaces only"],
        line_of="\t- journey",
    ),
    Case(
        "yaml-unclosed-bracket",
        ARTICLE,
        sub("themes: [omnichannel, culture, journey]", "themes: [omnichannel, culture, journey"),
        ["{file}:", "the front matter is not valid YAML", "close every quote and bracket"],
    ),
    Case(
        "yaml-unclosed-quote",
        ARTICLE,
        sub('description: "Why', 'description: "Why\nmore: "x'),
        ["{file}:", "the front matter is not valid YAML"],
    ),
    Case(
        "yaml-duplicate-key",
        ARTICLE,
        sub("themes:", "title: Another title\nthemes:"),
        [
            "{file}:{line}: the front matter is not valid YAML: the key 'title' is written twice (also on line 2).",
            "keep one of the two lines",
        ],
        line_of="title: Another title",
    ),
    Case(
        "yaml-not-a-mapping",
        ARTICLE,
        lambda t: "---\n- just\n- a list\n---\n" + drop_front_matter(t),
        ["{file}:2: the front matter is not a list of 'key: value' lines."],
    ),
    Case(
        "yaml-unclosed-block",
        ARTICLE,
        lambda t: t.replace("\n---\n", "\n\n", 1),
        ["{file}:1: the front matter block is not closed.", "three dashes"],
    ),
    Case(
        "yaml-error-not-blamed-as-missing-title",
        ARTICLE,
        sub("title: Can We Afford to Miss Customer Experience?", "title: a: b"),
        ["{file}:{line}: the front matter is not valid YAML"],
        line_of="title: a: b",
    ),
    Case(
        "theme-page-yaml-error",
        THEME,
        sub("title: The customer journey", "title: The customer: journey"),
        ["{file}:{line}: the front matter is not valid YAML"],
        line_of="title: The customer: journey",
    ),
    Case(
        "theme-page-keywords-not-list",
        THEME,
        lambda t: re.sub(r"keywords: \[.*\]", "keywords: journey", t),
        ["{file}:{line}: 'keywords' must be a list."],
        line_of="keywords:",
    ),
    Case(
        "theme-page-title-not-text",
        THEME,
        sub("title: The customer journey", "title: 12"),
        ["{file}:{line}: 'title' must be text, not int."],
        line_of="title: 12",
    ),
    Case(
        "glossary-page-yaml-error",
        GLOSSARY,
        sub("title: Glossary", "title: Glossary: terms"),
        ["{file}:{line}: the front matter is not valid YAML"],
        line_of="title: Glossary: terms",
    ),
    # -- discipline marks -----------------------------------------------------
    Case(
        "unknown-discipline",
        ARTICLE,
        sub(MARK, '{ disciplines="inteligence" }'),
        [
            "{file}:{line}: unknown discipline 'inteligence'",
            "use one of: strategy, intelligence, design, measure, connect, live",
        ],
        line_of='disciplines="inteligence"',
    ),
    Case(
        "discipline-by-name-not-id",
        ARTICLE,
        sub(MARK, '{ disciplines="CX Strategy" }'),
        ["{file}:{line}: unknown discipline 'CX'", "unknown discipline 'Strategy'"],
        line_of="CX Strategy",
    ),
    Case(
        "mark-on-nothing",
        ARTICLE,
        sub("\n" + MARK, "\n\n" + MARK),
        ["{file}:{line}: a discipline mark is attached to nothing", "remove the blank line"],
        line_of='disciplines="intelligence"',
    ),
    Case(
        "mark-misspelled-singular",
        ARTICLE,
        sub(MARK, '{ discipline="intelligence" }'),
        [
            "{file}:{line}: the mark 'discipline=\"intelligence\"' is not a discipline mark (misspelled).",
            'write it exactly as {{ disciplines="intelligence" }}',
        ],
        line_of='discipline="intelligence"',
    ),
    Case(
        "mark-capitalised",
        ARTICLE,
        sub(MARK, '{ Disciplines="intelligence" }'),
        ["{file}:{line}: the mark 'Disciplines=\"intelligence\"' is not a discipline mark"],
        line_of="Disciplines=",
    ),
    Case(
        "mark-spaces-around-equals",
        ARTICLE,
        sub(MARK, '{ disciplines = "intelligence" }'),
        ["{file}:{line}: the discipline mark was not understood (spaces around '=')."],
        line_of="disciplines =",
    ),
    Case(
        "mark-empty",
        ARTICLE,
        sub(MARK, '{ disciplines="" }'),
        ["{file}:{line}: a discipline mark names no discipline."],
        line_of='disciplines=""',
    ),
    Case(
        "mark-under-image",
        ARTICLE,
        add_after(MARK, '\n\n![A diagram](diagram.png)\n{ disciplines="design" }'),
        ["{file}:{line}: a discipline mark is attached to a picture, not to a passage."],
        line_of='disciplines="design"',
    ),
    Case(
        "mark-under-definition",
        ARTICLE,
        add_after(MARK, '\n\nTerm\n:   Its definition.\n    { disciplines="design" }'),
        ["{file}:", "is attached to a definition, not to a passage"],
    ),
    Case(
        "mark-on-heading",
        ARTICLE_5,
        sub("## ", '## Misplaced { disciplines="design" }\n\n## ', 1),
        ["{file}:{line}: a discipline mark is attached to the heading"],
        line_of="Misplaced",
    ),
    Case(
        "mark-on-glossary-page",
        GLOSSARY,
        add_after("the methodologies a customer-experience programme leans on.", '\n{ disciplines="design" }'),
        ["{file}:{line}: a discipline mark on a page that is not an article."],
        line_of='disciplines="design"',
    ),
    Case(
        "mark-as-text-in-sentence",
        ARTICLE,
        sub(MARK, "{ disciplines: intelligence }"),
        ["{file}:{line}: the discipline mark was not understood ('disciplines:' with no quoted value)."],
        line_of="disciplines: intelligence",
    ),
    Case(
        "article-without-marks",
        ARTICLE,
        lambda t: re.sub(r"\n\{ disciplines=[^}]*\}", "", t),
        ["{file}: no passage of this article is marked with a discipline."],
    ),
    Case(
        "discipline-heading-without-id",
        DISCIPLINES,
        sub("## CX Strategy { #strategy .discipline }", "## CX Strategy { .discipline }"),
        ["{file}:{line}: the discipline heading 'CX Strategy' has no id."],
        line_of="## CX Strategy",
    ),
    Case(
        "discipline-id-twice",
        DISCIPLINES,
        lambda t: re.sub(r"\{ #intelligence ", "{ #strategy ", t),
        ["{file}:{line}: the discipline id 'strategy' is used twice."],
        line_of="## CX Intelligence",
    ),
    # -- glossary -------------------------------------------------------------
    Case(
        "glossary-duplicate",
        GLOSSARY,
        sub("## Unlearning\n", "## Unlearning\n\n*Also:* silo\n"),
        ["{file}:{line}: duplicate term: 'silo' is already defined by 'Silo'"],
        line_of="## Unlearning",
    ),
    Case(
        "glossary-duplicate-heading",
        GLOSSARY,
        sub("## Unlearning\n", "## Silo\n\nAgain.\n\n## Unlearning\n"),
        ["duplicate term: 'Silo' is already defined by 'Silo'"],
    ),
    Case(
        "glossary-empty-definition",
        GLOSSARY,
        lambda t: re.sub(r"(## Storytelling\n\n)[^#]*", r"\1", t),
        ["{file}:{line}: the term 'Storytelling' has an empty definition."],
        line_of="## Storytelling",
    ),
    Case(
        "glossary-term-used-nowhere",
        GLOSSARY,
        sub("## Unlearning", "## Ubiquitous widgetry\n\nA term no article uses.\n\n## Unlearning"),
        ["{file}:{line}: the term 'Ubiquitous widgetry' occurs in no article."],
        line_of="## Ubiquitous widgetry",
    ),
    Case(
        "glossary-out-of-order",
        GLOSSARY,
        sub("## Agile", "## Zebra crossing\n\nNot used.\n\n## Agile"),
        ["{file}:{line}: 'Agile' comes after 'Zebra crossing'", "alphabetical order"],
        line_of="## Agile",
    ),
    # -- links ----------------------------------------------------------------
    Case(
        "javascript-link",
        ARTICLE,
        add_after(MARK, "\n\nSee [this](javascript:alert(1)) now.\n"),
        ["{file}:{line}: a link or image points to a 'javascript:' address, which is never published."],
        line_of="javascript:",
    ),
    Case(
        "javascript-link-mixed-case",
        ARTICLE,
        add_after(MARK, "\n\nSee [this](JavaScript:alert(1)) now.\n"),
        ["{file}:{line}: a link or image points to a 'javascript:' address"],
        line_of="JavaScript:",
    ),
    Case(
        "data-link",
        ARTICLE,
        add_after(MARK, "\n\nSee [this](data:text/html;base64,PHNjcmlwdD4=) now.\n"),
        ["{file}:{line}: a link or image points to a 'data:' address"],
        line_of="data:text",
    ),
    Case(
        "data-image",
        ARTICLE,
        add_after(MARK, "\n\n![x](data:image/svg+xml;base64,PHN2Zz4=)\n"),
        ["{file}:{line}: a link or image points to a 'data:' address"],
        line_of="data:image",
    ),
    Case(
        "raw-html-javascript-link",
        ARTICLE,
        add_after(MARK, '\n\nSee <a href="javascript:alert(1)">this</a>.\n'),
        ["{file}:{line}: a link or image points to a 'javascript:' address, which is never published."],
        line_of="javascript:",
    ),
    Case(
        "raw-html-script",
        ARTICLE,
        add_after(MARK, "\n\n<script>alert(1)</script>\n"),
        ["{file}:{line}: raw HTML with a <script> element, which runs script in every reader's browser."],
        line_of="<script>",
    ),
    Case(
        "raw-html-event-handler",
        ARTICLE,
        add_after(MARK, '\n\nA picture <img src="x.png" onerror="alert(1)">.\n'),
        ["{file}:{line}: an event handler 'onerror=\"alert(1)\"' on a <img>, which would run script"],
        line_of="onerror",
    ),
    Case(
        "raw-html-iframe",
        ARTICLE,
        add_after(MARK, '\n\n<iframe src="https://example.org/"></iframe>\n'),
        ["{file}:{line}: raw HTML with a <iframe> element, which shows another page"],
        line_of="<iframe",
    ),
    Case(
        "vbscript-link",
        ARTICLE,
        add_after(MARK, "\n\nSee [this](vbscript:msgbox) now.\n"),
        ["{file}:{line}: a link or image points to a 'vbscript:' address"],
        line_of="vbscript:",
    ),
    # -- front matter that costs or crashes (issue 26) ---------------------------
    Case(
        "yaml-alias-bomb",
        ARTICLE,
        sub(
            "themes: [omnichannel, culture, journey]",
            "a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
            "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nthemes: *c",
        ),
        ["{file}:{line}: the front matter uses a YAML alias ('*a')", "write each value out in full"],
        line_of="b: &b",
    ),
    Case(
        "yaml-flow-sequence-key",
        ARTICLE,
        sub("themes:", "[a, b]: c\nthemes:"),
        ["{file}:{line}: the front matter is not valid YAML: the key '[a, b]' is not a name", "a field name"],
        line_of="[a, b]: c",
    ),
    Case(
        "yaml-number-key",
        ARTICLE,
        sub("themes:", "1: x\nthemes:"),
        ["{file}:{line}: the front matter is not valid YAML: the key '1' is not a name"],
        line_of="1: x",
    ),
    Case(
        "themes-empty-item",
        ARTICLE,
        sub("themes: [omnichannel, culture, journey]", "themes:\n  - journey\n  -"),
        ["{file}:{line}: an item of 'themes' is empty", "remove the empty item"],
        line_of="themes:",
    ),
    Case(
        "unknown-field-named-like-the-start-of-another",
        ARTICLE,
        field("d", "x"),
        ["{file}:{line}: unknown front matter field 'd'."],
        line_of="d: x",
    ),
    Case(
        "date-future",
        ARTICLE_4,
        sub("published: 2017-02-20", "published: 2999-02-20"),
        ["{file}:{line}: 'published' is 2999-02-20, a date in the future.", "check the year"],
        line_of="published:",
    ),
    # -- invisible characters (issue 26) ----------------------------------------
    Case(
        "title-bidi-override",
        ARTICLE,
        sub("title: Can We Afford", "title: Can We \u202eAfford"),
        ["{file}:{line}: 'title' holds an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE)", "retype"],
        line_of="title:",
    ),
    Case(
        "heading-control-character",
        ARTICLE_5,
        sub("## Getting CX Right", "## Getting CX\u2066 Right"),
        ["{file}:{line}: the heading 'Getting CX\u2066 Right' holds an invisible character (U+2066"],
        line_of="## Getting CX",
    ),
    # -- ids and anchors (issue 26) ---------------------------------------------
    Case(
        "explicit-id-twice",
        ARTICLE,
        add_after(MARK, "\n\nOne passage.\n{ #same-id }\n\nAnother passage.\n{: #same-id }\n"),
        ["{file}:{line}: the id 'same-id' is given to two elements of this page (lines"],
        line_of="{: #same-id }",
    ),
    Case(
        "raw-anchor-takes-a-passage-id",
        ARTICLE,
        add_after(MARK, '\n\nSee <a id="p-organizations-today-seem-partly-unable"></a>here.\n'),
        ["the id 'p-organizations-today-seem-partly-unable' is given to two elements of this page"],
    ),
    Case(
        "glossary-explicit-id-twice",
        GLOSSARY,
        lambda t: t.replace("## Agile\n", "## Agile { #same-term }\n", 1).replace(
            "## Brand voice\n", "## Brand voice { #same-term }\n", 1
        ),
        ["docs/glossary.md:{line}: the id 'same-term' is given to two elements of this page (lines"],
        line_of="## Brand voice",
    ),
    Case(
        "alias-conflict-names-both-places",
        ARTICLE,
        add_after(MARK, '\n\nOne passage.\n{ #kept-id }\n\nAnother passage.\n{ aliases="kept-id" }\n'),
        ["{file}:{line}: the alias 'kept-id' is already an id on this page (on line"],
        line_of='aliases="kept-id"',
    ),
    Case(
        "id-reserved-for-the-theme",
        ARTICLE,
        add_after(MARK, "\n\nA passage.\n{ #__config }\n"),
        ["{file}:{line}: the id '__config' is reserved for the theme's own script"],
        line_of="#__config",
    ),
    Case(
        "mark-with-spaces-reports-its-own-line",
        ARTICLE,
        add_after(MARK, '\n\nA later passage.\n{ disciplines = "design" }\n'),
        ["{file}:{line}: the discipline mark was not understood (spaces around '=')."],
        line_of='disciplines = "design"',
    ),
    Case(
        "term-only-in-a-heading",
        GLOSSARY,
        sub("## Key performance", "## External resources\n\nA term only a heading uses.\n\n## Key performance"),
        [
            "{file}:{line}: the term 'External resources' occurs in no article's text, only in a heading "
            "(docs/articles/customer-experience-in-the-digital-era.md:30)"
        ],
        line_of="## External resources",
    ),
    # -- found by the fuzzer (tests/test_fuzz.py) -------------------------------
    Case(
        "mark-bare-value-beside-a-handler",
        ARTICLE,
        add_after(MARK, '\n\nA passage.\n{ onclick="" disciplines=x }\n'),
        ["{file}:{line}: unknown discipline 'x' in a discipline mark.", "{file}:{line}: an event handler 'onclick'"],
        line_of="disciplines=x",
    ),
    Case(
        "attribute-list-href-with-an-entity-colon",
        ARTICLE,
        add_after(MARK, '\n\nA passage.\n{ href="javascript&#58;alert(1)" }\n'),
        ["{file}:{line}: a link or image points to a 'javascript:' address"],
        line_of="javascript&#58;",
    ),
    Case(
        "control-character-in-a-tag-keeps-the-line-count",
        ARTICLE,
        add_after(MARK, "\n\nA line with a vertical tab \x0b in it.\n\n<A\x0b0>\n"),
        ["{file}:{line}: raw HTML with a <a\x0b0> element"],
        line_of="<A\x0b0>",
    ),
    # -- nesting Markdown would recurse on (issue 26) --------------------------
    Case(
        "lists-300-levels",
        ARTICLE,
        add_after(MARK, "\n\n" + "\n".join("    " * i + f"- level {i}" for i in range(300)) + "\n"),
        ["{file}:{line}: lists, quotes or indented blocks are nested 25 levels deep here", "flatten"],
        line_of="- level 24",
    ),
    Case(
        "list-markers-on-one-line",
        ARTICLE,
        add_after(MARK, "\n\n" + "- " * 1000 + "deep\n"),
        ["{file}:{line}: lists, quotes or indented blocks are nested 1000 levels deep here"],
        line_of="- - - -",
    ),
    Case(
        "emphasis-run",
        ARTICLE,
        add_after(MARK, "\n\n" + "*" * 5000 + "x" + "*" * 5000 + "\n"),
        ["{file}:{line}: a run of more than 100 '*' or '_' characters."],
        line_of="*****",
    ),
    # -- placeholders (issue 26) ------------------------------------------------
    Case(
        "placeholder-malformed",
        HOME,
        sub("<!-- kb:theme-list -->", "<!--kb:theme-list-->"),
        ["docs/index.md:{line}: the placeholder '<!--kb:theme-list-->' is not written as the build reads it"],
        line_of="<!--kb:theme-list-->",
    ),
    Case(
        "placeholder-extra-argument",
        HOME,
        sub("<!-- kb:recent-articles -->", "<!-- kb:theme-articles journey culture -->"),
        ["docs/index.md:{line}: the placeholder '<!-- kb:theme-articles journey culture -->' has more than one"],
        line_of="journey culture",
    ),
    Case(
        "placeholder-unexpected-argument",
        HOME,
        sub("<!-- kb:theme-list -->", "<!-- kb:theme-list journey -->"),
        ["docs/index.md:{line}: the placeholder '<!-- kb:theme-list journey -->' has more than its name."],
        line_of="<!-- kb:theme-list journey -->",
    ),
    Case(
        "placeholder-added-by-the-build-written-by-hand",
        HOME,
        sub("<!-- kb:theme-list -->", "<!-- kb:glossary-letters -->"),
        ["docs/index.md:{line}: '<!-- kb:glossary-letters -->' is added by the build itself"],
        line_of="<!-- kb:glossary-letters -->",
    ),
    Case(
        "placeholder-inside-an-article",
        ARTICLE,
        add_after(MARK, "\n\n<!-- kb:theme-matrix -->\n"),
        ["{file}:{line}: the placeholder '<!-- kb:theme-matrix -->' is inside an article"],
        line_of="<!-- kb:theme-matrix -->",
    ),
    Case(
        "comment-never-closed",
        ARTICLE,
        add_after(MARK, "\n\n<!-- a note to myself\n"),
        ["{file}:{line}: a comment '<!--' is never closed", "close it with '-->'"],
        line_of="<!-- a note to myself",
    ),
    # -- placeholders ---------------------------------------------------------
    Case(
        "unknown-placeholder",
        HOME,
        sub("<!-- kb:recent-articles -->", "<!-- kb:article-lists -->"),
        ["docs/index.md:{line}: unknown placeholder '<!-- kb:article-lists -->'.", "<!-- kb:article-list -->"],
        line_of="<!-- kb:article-lists -->",
    ),
    Case(
        "theme-articles-unknown-theme",
        HOME,
        sub("<!-- kb:recent-articles -->", "<!-- kb:theme-articles nope -->"),
        ["docs/index.md:{line}: '<!-- kb:theme-articles nope -->' names no known theme."],
        line_of="<!-- kb:theme-articles nope -->",
    ),
    Case(
        "theme-articles-outside-theme-page",
        HOME,
        sub("<!-- kb:recent-articles -->", "<!-- kb:theme-articles -->"),
        ["docs/index.md:{line}: '<!-- kb:theme-articles  -->' names no known theme.", "use it on a theme page"],
        line_of="<!-- kb:theme-articles -->",
    ),
]


def report_of(sources_: dict[str, str], config: pipeline.Config) -> tuple[list[str], dict[str, str]]:
    problems, pages = pipeline.run(sources_, config)
    return [str(p) for p in problems], pages


def test_the_unbroken_sources_have_no_problem(base_sources, config):
    """The control: every case below starts from sources with no problem."""
    report, _ = report_of(base_sources, config)
    assert report == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_bad_input_is_reported_with_file_line_and_fix(case: Case, base_sources, config):
    sources_ = dict(base_sources)
    broken = case.mutate(sources_[case.file])
    sources_[case.file] = broken
    report, _ = report_of(sources_, config)
    assert report, f"{case.id}: accepted without a word"
    line = None
    if case.line_of:
        line = next(n for n, text in enumerate(broken.split("\n"), 1) if case.line_of in text)
    text = "\n".join(report)
    for expected in case.expected:
        expected = expected.format(file="docs/" + case.file, line=line)
        assert expected in text, f"{case.id}: expected {expected!r} in:\n{text}"
    assert all(" Fix: " in problem for problem in report), report


def test_one_mistake_gives_one_message(base_sources, config):
    """An article with a bad theme still counts as using its glossary terms
    and discipline marks: no cascade of unrelated errors."""
    sources_ = dict(base_sources)
    sources_[ARTICLE] = sources_[ARTICLE].replace("themes: [omnichannel,", "themes: [omnichanel,")
    report, _ = report_of(sources_, config)
    assert len(report) == 1 and "unknown theme 'omnichanel'" in report[0], report


def test_a_yaml_error_is_not_also_reported_as_missing_fields(base_sources, config):
    sources_ = dict(base_sources)
    sources_[ARTICLE] = sources_[ARTICLE].replace("themes: [omnichannel, culture, journey]", "themes: [a")
    report, _ = report_of(sources_, config)
    assert len(report) == 1 and "not valid YAML" in report[0], report


def test_two_articles_with_one_title(base_sources, config):
    sources_ = dict(base_sources)
    sources_["articles/copy.md"] = sources_[ARTICLE_4].replace(
        "Customer experience needs to be integrated into the business strategy",
        "CUSTOMER EXPERIENCE needs to be integrated into the business strategy",
        1,
    )
    report, _ = report_of(sources_, config)
    assert any(
        p.startswith("docs/articles/integrate-cx-into-business-strategy.md:2: the title")
        or p.startswith("docs/articles/copy.md:2: the title")
        for p in report
    ), report
    assert any("is already the title of docs/articles/" in p for p in report), report


# -- unusual but valid input: the right output ---------------------------------------


def page_of(base_sources, config, file: str, mutate: Callable[[str], str]) -> tuple[list[str], dict[str, str]]:
    sources_ = dict(base_sources)
    sources_[file] = mutate(sources_[file])
    return report_of(sources_, config)


@pytest.mark.parametrize("field_name", ["title", "description", "author", "source", "author_role"])
@pytest.mark.parametrize(
    "value", ['A "quoted" <b>bold</b> & R&D', "<img src=x onerror=alert(1)>", "Ünïcödé — “curly” ‘quotes’"]
)
def test_markup_in_front_matter_is_shown_as_text_in_every_listing(base_sources, config, field_name, value):
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    report, pages = page_of(base_sources, config, ARTICLE_4, field(field_name, quoted))
    assert report == []
    import html

    escaped = html.escape(value, quote=False)  # as text: the sanitiser leaves quotes as they are
    listing = pages["articles/index.md"] + pages["themes/journey.md"] + pages["print/journey.md"]
    if field_name in ("title", "description", "author"):
        assert escaped in listing, f"{field_name} not shown as text"
    if "<" in value:
        assert value not in listing, f"{field_name} reached HTML unescaped"


def test_escapes_and_entities_read_as_text_in_ids_and_excerpts(base_sources, config):
    text = r"R&D teams use snake_case, 2 * 5 and \*stars\* &mdash; all of it."
    report, pages = page_of(
        base_sources, config, ARTICLE, sub(MARK, MARK + "\n\n" + text + '\n{ disciplines="design" }')
    )
    assert report == []
    html = pages[ARTICLE]
    assert 'id="p-rd-teams-use-snake_case-2"' in html or 'id="p-r-d-teams-use-snake' in html, html[:3000]
    disciplines = pages[DISCIPLINES]
    assert "“R&amp;D teams use snake_case, 2 * 5 and *stars* — all of it.”" in disciplines


def test_tooltips_render_the_definitions_markdown_as_text(base_sources, config):
    report, pages = page_of(
        base_sources,
        config,
        GLOSSARY,
        sub(
            "An approach to delivering work in short cycles",
            r"An **approach** (R&D, snake_case, 2 * 5, \*) to delivering work in short cycles",
        ),
    )
    assert report == []
    assert 'title="Agile: An approach (R&amp;D, snake_case, 2 * 5, *) to delivering' in pages[ARTICLE]


def test_passages_in_other_scripts_get_ids_in_their_script(base_sources, config):
    report, pages = page_of(base_sources, config, ARTICLE, add_after(MARK, "\n\nΚαλημέρα κόσμε, ελληνικό κείμενο.\n"))
    assert report == []
    assert 'id="p-καλημέρα-κόσμε-ελληνικό-κείμενο"' in pages[ARTICLE]


@pytest.mark.parametrize(
    "block",
    [
        "```\nsome code\n```",
        '<div class="note">A raw HTML block</div>',
        "| a | b |\n| - | - |\n| 1 | 2 |",
        "    indented code",
    ],
)
def test_code_raw_html_and_tables_are_not_passages(base_sources, config, block):
    report, pages = page_of(base_sources, config, ARTICLE, add_after(MARK, "\n\n" + block + "\n"))
    assert report == []
    html = pages[ARTICLE]
    start = html.index('id="p-we-experience-a-most')
    following = html[start : html.index('id="p-everything-can-be-easily')]
    assert "kb-anchor" not in following.split("</p>", 1)[1], following
    assert '<p id="p-some-code' not in html and '<p id="p-a-raw-html' not in html


def test_an_article_title_with_markup_is_escaped_in_generated_markdown(base_sources, config):
    report, pages = page_of(
        base_sources, config, THEME, sub("title: The customer journey", 'title: "Journeys <i>& moments</i> *now*"')
    )
    assert report == []
    assert "Journeys &lt;i&gt;&amp; moments&lt;/i&gt; *now*: every article" in pages["print/journey.md"]


# -- files, encodings and the registry: the functions themselves ---------------------


class FakeFile:
    def __init__(self, src_uri: str, data: bytes):
        self.src_uri, self.content_bytes = src_uri, data


@pytest.mark.parametrize(
    "data, line", [(b"---\ntitle: caf\xe9\n---\n", 2), (b"\xff\xfeA\x00", 1), (b"ok\nok\n\x81", 3)]
)
def test_a_file_that_is_not_utf8_is_reported_with_its_line(data, line):
    problems = Problems()
    texts = sources.read_all([FakeFile("articles/x.md", data), FakeFile("articles/y.md", b"fine")], problems)
    assert list(texts) == ["articles/y.md"]
    (problem,) = problems
    assert str(problem).startswith(f"docs/articles/x.md:{line}: the file is not UTF-8 text")
    assert "save it as UTF-8" in str(problem)


def test_a_utf8_bom_and_windows_line_ends_are_accepted():
    texts = sources.read_all([FakeFile("a.md", "\ufefftitle\r\nline".encode())], Problems())
    assert texts == {"a.md": "title\nline"}


@pytest.mark.parametrize(
    "name, fix",
    [
        ("notes.txt", "python -m kb new --from-text docs/articles/notes.txt"),
        ("Upper.MD", "rename it to 'Upper.md' (lower case)"),
        ("draft.markdown", "rename it to 'draft.md'"),
        ("data.json", "move it out of docs/articles/"),
    ],
)
def test_stray_files_in_the_articles_folder(name, fix):
    problems = Problems()
    sources.check_layout(["articles/a.md", "articles/pic.png", f"articles/{name}", "assets/x.json"], problems)
    (problem,) = problems
    assert str(problem).startswith(f"docs/articles/{name}: '{name}' in docs/articles/ is not an article.")
    assert fix in str(problem)


@pytest.mark.parametrize(
    "content, expected",
    [
        (None, "anchors.json: the registry of published anchors is missing"),
        (
            '{"pages": {\n<<<<<<< HEAD\n"a/": []\n=======\n"b/": []\n>>>>>>> other\n}}',
            "anchors.json:2: the file still has merge-conflict markers.",
        ),
        ('{"pages": {"a/": [}', "anchors.json:1: the file is not valid JSON"),
        ('{"pagez": {}}', "anchors.json: the file does not have the registry's shape"),
        ('{"pages": {"a/": 3}}', "anchors.json: the file does not have the registry's shape"),
    ],
)
def test_a_missing_or_corrupt_registry_is_a_clear_problem(tmp_path, content, expected):
    path = tmp_path / "anchors.json"
    if content is not None:
        path.write_text(content)
    problems = Problems()
    assert anchors.load(path, problems) is None
    (problem,) = problems
    assert str(problem).startswith(expected) and " Fix: " in str(problem)


def test_a_new_passage_cannot_take_over_a_published_id(base_sources, config):
    """A deleted paragraph's id, reused by a new paragraph that opens with
    the same five words, is caught by its fingerprint."""
    from kb import checks, collect

    kb_build, index = _index(base_sources, config)
    registry = checks.published_anchors(index)
    sources_ = dict(base_sources)
    old = next(line for line in sources_[ARTICLE].splitlines() if line.startswith(FIRST))
    sources_[ARTICLE] = sources_[ARTICLE].replace(
        old, FIRST + " to hire staff, because wages in retail rose sharply across Europe last year."
    )
    _, index2 = _index(sources_, config)
    problems = Problems()
    checks.registry(index2, registry, {}, problems)
    (problem,) = problems
    assert "#p-organizations-today-seem-partly-unable' now points at a different passage" in str(problem)
    assert "python -m kb anchors --repin" in str(problem)
    assert isinstance(index2, collect.SiteIndex)


def test_an_edited_passage_keeps_its_published_id(base_sources, config):
    from kb import checks

    _, index = _index(base_sources, config)
    registry = checks.published_anchors(index)
    sources_ = dict(base_sources)
    sources_[ARTICLE] = sources_[ARTICLE].replace(
        "stating they cannot afford CX.", "stating that they cannot afford CX."
    )
    _, index2 = _index(sources_, config)
    problems = Problems()
    checks.registry(index2, registry, {}, problems)
    assert list(problems) == []


def _index(sources_, config):
    kb_build, _ = pipeline.run_build(sources_, config)
    return kb_build, kb_build.index


# -- end to end: what only MkDocs does, and what must never be a traceback -----------

E2E = [
    Case(
        "broken-link",
        ARTICLE,
        sub("(is-customer-experience-new.md#", "(is-customer-experience-old.md#"),
        ["contains a link 'is-customer-experience-old.md", "not found"],
    ),
    Case(
        "broken-anchor",
        ARTICLE,
        sub(
            "is-customer-experience-new.md#p-bottomline-is-that-people-prospects",
            "is-customer-experience-new.md#p-no-such-passage",
        ),
        ["does not contain an anchor '#p-no-such-passage'"],
    ),
    Case(
        "broken-raw-html-link",
        HOME,
        sub("## Where to start", '<a href="articles/nope/">x</a>\n\n## Where to start'),
        ["docs/index.md:{line}: the link 'articles/nope/' is broken: no such file."],
        line_of='<a href="articles/nope/">',
    ),
    Case(
        "broken-raw-html-fragment",
        HOME,
        sub("## Where to start", '<a href="glossary/#no-such-term">x</a>\n\n## Where to start'),
        ["docs/index.md:{line}: the link 'glossary/#no-such-term' is broken: no element with id 'no-such-term'."],
        line_of='<a href="glossary/#no-such-term">',
    ),
]


@early
def broken_links_build(tmp_path_factory):
    """One build with every E2E breakage at once: each is reported (MkDocs
    and the built-site check collect them, and strict fails at the end)."""
    project = copy_project(tmp_path_factory.mktemp("links") / "project")
    for case in E2E:
        target = project / "docs" / case.file
        text = target.read_text(encoding="utf-8")
        mutated = case.mutate(text)
        assert mutated != text, case.id
        target.write_text(mutated, encoding="utf-8")
    return build_site(project, project.parent / "site")


@pytest.mark.parametrize("case", E2E, ids=lambda c: c.id)
def test_mkdocs_link_validation_fails_the_build(case: Case, broken_links_build):
    result = broken_links_build
    assert result.returncode != 0, f"the build accepted {case.id}"
    line = None
    if case.line_of:  # in the file as the build saw it, every E2E case applied
        text = (ROOT / "docs" / case.file).read_text(encoding="utf-8")
        for other in E2E:
            text = other.mutate(text) if other.file == case.file else text
        line = next(n for n, t in enumerate(text.splitlines(), 1) if case.line_of in t)
    for expected in case.expected:
        expected = expected.format(line=line)
        assert expected in result.stderr, f"{case.id}: expected {expected!r} in:\n{result.stderr[-3000:]}"


@early
def bad_files_build(tmp_path_factory):
    """A non-UTF-8 article, a stray .txt, a YAML error and a missing registry
    at once."""
    tmp_path = tmp_path_factory.mktemp("bad-files")
    project = copy_project(tmp_path / "project")
    (project / "docs/articles/latin1.md").write_bytes(b"---\ntitle: Caf\xe9\n---\n\nText.\n")
    (project / "docs/articles/notes.txt").write_text("pasted text\n")
    article = project / "docs" / ARTICLE
    article.write_text(article.read_text().replace("title: Can We Afford", "title: Can: We Afford"))
    (project / "anchors.json").unlink()
    return build_site(project, tmp_path / "site")


def test_bad_files_fail_the_real_build_with_messages_not_tracebacks(bad_files_build):
    """Each bad file named, no traceback."""
    result = bad_files_build
    assert result.returncode != 0
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    for expected in [
        "docs/articles/latin1.md:2: the file is not UTF-8 text",
        "docs/articles/notes.txt: 'notes.txt' in docs/articles/ is not an article.",
        f"docs/{ARTICLE}:2: the front matter is not valid YAML",
        "anchors.json: the registry of published anchors is missing",
    ]:
        assert expected in result.stderr, f"expected {expected!r} in:\n{result.stderr[-3000:]}"


@early
def deploy_builds(tmp_path_factory):
    """A copy with one external link added, built for deploy twice: with a
    local site_url (refused), then with a published one."""
    tmp_path = tmp_path_factory.mktemp("deploy")
    project = copy_project(tmp_path / "project")
    target = project / "docs/articles/customer-experience-in-the-digital-era.md"
    target.write_text(target.read_text().replace("— McKinsey", "— [McKinsey](https://www.mckinsey.com/)"))
    refused = build_site(project, tmp_path / "site", {"KB_DEPLOY": "true", "SITE_URL": "http://127.0.0.1:8000/"})
    ok = build_site(project, tmp_path / "site2", {"KB_DEPLOY": "true", "SITE_URL": "https://cx.example.org/kb/"})
    return project, tmp_path / "site2", refused, ok


def test_a_deploy_build_refuses_a_local_site_url(deploy_builds):
    _, site, result, ok = deploy_builds
    assert result.returncode != 0
    assert "mkdocs.yml: this is a deploy build, but site_url is 'http://127.0.0.1:8000/'" in result.stderr
    assert ok.returncode == 0, ok.stderr[-2000:]
    robots = (site / "robots.txt").read_text()
    assert "Disallow: /kb/print/" in robots and "Sitemap: https://cx.example.org/kb/sitemap.xml" in robots
    assert "/print/" not in (site / "sitemap.xml").read_text()


def test_external_links_get_noopener_and_are_reported(deploy_builds):
    import json

    project, site, _, result = deploy_builds
    assert result.returncode == 0, result.stderr
    sources = {
        line.split(": ", 1)[1].strip()
        for p in (project / "docs/articles").glob("*.md")
        for line in p.read_text().splitlines()
        if line.startswith("source_url: ")
    }
    assert f"{1 + len(sources)} external link(s), listed in external-links.json" in result.stderr
    page = (site / "articles/customer-experience-in-the-digital-era/index.html").read_text()
    assert '<a href="https://www.mckinsey.com/" rel="noopener">McKinsey</a>' in page
    report = json.loads((site / "external-links.json").read_text())["external_links"]
    # The article, and the print views of its themes, which carry its text.
    assert report["https://www.mckinsey.com/"] == [
        "articles/customer-experience-in-the-digital-era/index.html",
        "print/culture/index.html",
        "print/journey/index.html",
    ]
    # And each article's original source, linked from its byline.
    assert set(report) == {"https://www.mckinsey.com/", *sources}
