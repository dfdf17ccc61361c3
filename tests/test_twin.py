"""The Markdown twin's block reader (kb/twin.py) on the Markdown an
adversarial review wrote: every passage's URL lands right after the block it
came from, once, and nothing of the author's text or code is changed.
"""

from __future__ import annotations

import re

import pytest

from kb import assistants, pipeline, twin
from kb.devtools import ROOT

SITE = "https://kb.example/"

REVIEW = """---
title: Review cases
description: One sentence.
author: Ann Author
themes: [journey]
---

Opening paragraph with an autolink <https://example.com/a> and a key <kbd>Ctrl</kbd> inside.

!!! note "See [the guide](https://example.com/guide)"
    Admonition body paragraph that is a passage of its own.

> First paragraph of a long quotation.
>
> Second paragraph of the same quotation.

<div markdown="1">

Paragraph written inside a markdown div block.

</div>

<!-- an HTML comment
that spans two lines -->

Paragraph after the comment, with a [relative link](is-customer-experience-new.md) and a [titled one](https://example.com/t "The title").

```python
x = {"a": 1}  # { #p-not-an-id }
```

    indented code that looks like prose

Paragraph whose attribute list is not the site's { x=1 }

Paragraph with an arrow #a-->b in its words.

[ref]: https://example.com/ref
"""


def _twin(markdown: str) -> tuple[twin.Twin, list]:
    sources = pipeline.read_sources(ROOT / "docs")
    sources["articles/review.md"] = markdown
    kb, _ = pipeline.run_build(sources)
    record = kb.index.records["articles/review.md"]
    return assistants.markdown_twin("articles/review.md", kb.index, SITE), record.passages


@pytest.fixture(scope="module")
def review():
    return _twin(REVIEW)


def _preceding_text(markdown: str, passage_id: str) -> str:
    """The twin's text between this passage's URL comment and the one before."""
    marker = f"<!-- {SITE}articles/review/#{twin.fragment(passage_id)} -->"
    assert markdown.count(marker) == 1, f"{passage_id}: {markdown.count(marker)} URL comments"
    before = markdown.split(marker)[0]
    return re.split(r"<!-- https://\S+ -->", before)[-1]


def test_every_passage_url_follows_its_own_block(review):
    made, passages = review
    assert not made.unplaced
    for passage in passages:
        block = twin.plain(_preceding_text(made.markdown, passage.id))
        opening = " ".join(passage.text.split()[:4])
        assert opening in " ".join(block.split()), f"{passage.id} follows {block[-200:]!r}"


def test_the_review_cases_each_make_a_passage(review):
    _, passages = review
    texts = [p.text for p in passages]
    for words in (
        "Opening paragraph with an autolink",
        "Admonition body paragraph",
        "First paragraph of a long quotation",
        "Second paragraph of the same quotation",
        "Paragraph written inside a markdown div",
        "Paragraph after the comment",
        "Paragraph whose attribute list",
        "Paragraph with an arrow",
    ):
        assert any(t.startswith(words) for t in texts), words


def test_code_comments_and_the_authors_words_are_untouched(review):
    made, _ = review
    md = made.markdown
    assert '```python\nx = {"a": 1}  # { #p-not-an-id }\n```' in md
    assert "    indented code that looks like prose" in md
    assert "<!-- an HTML comment\nthat spans two lines -->" in md
    assert "<kbd>Ctrl</kbd>" in md and "<https://example.com/a>" in md
    assert "#a-->b" in md  # not taken for the end of a comment, not stripped
    assert "{ x=1 }" in md  # not the site's syntax: the author's words


def test_links_are_made_absolute_and_titles_kept(review):
    md = review[0].markdown
    assert f"[relative link]({SITE}articles/is-customer-experience-new/)" in md
    assert '[titled one](https://example.com/t "The title")' in md
    assert "[ref]: https://example.com/ref" in md
    assert '!!! note "See [the guide](https://example.com/guide)"' in md


def test_a_passage_the_reader_cannot_place_is_listed_not_lost():
    made, passages = _twin(REVIEW)
    text = twin.body("Nothing of the article here.\n", passages, SITE + "articles/review/", lambda url: url)
    assert sorted(text.unplaced) == sorted(p.id for p in passages)
    for passage in passages:
        assert twin.fragment(passage.id) in text.markdown


def test_fragment_percent_encodes_what_a_url_cannot_hold():
    assert twin.fragment("p-plain-id") == "p-plain-id"
    assert " " not in twin.fragment("p-a b") and ">" not in twin.fragment("p-a-->b")


CODE_AND_ESCAPES = """---
title: Code and escapes
description: One sentence.
author: Ann Author
themes: [journey]
---

Use the code `[link](is-customer-experience-new.md)` literally, and ``a `b` [x](is-customer-experience-new.md)`` too.

An escaped \\[not a link](is-customer-experience-new.md) stays text, a real [one](is-customer-experience-new.md) does not.

A link in angle brackets [spaced](<is-customer-experience-new.md>) keeps them.
"""


def test_code_spans_and_escaped_brackets_keep_the_authors_bytes():
    made, passages = _twin(CODE_AND_ESCAPES)
    md = made.markdown
    assert not made.unplaced, made.unplaced
    assert "`[link](is-customer-experience-new.md)`" in md
    assert "``a `b` [x](is-customer-experience-new.md)``" in md
    assert "\\[not a link](is-customer-experience-new.md)" in md
    assert f"a real [one]({SITE}articles/is-customer-experience-new/)" in md
    assert f"[spaced](<{SITE}articles/is-customer-experience-new/>)" in md
    for passage in passages:
        assert md.count(f"#{twin.fragment(passage.id)} -->") == 1


def test_backticks_that_open_no_span_are_text():
    changed = twin._outside_code("a ` b [x](y) ``c`` d", lambda part: part.upper())
    assert changed == "A ` B [X](Y) ``c`` D"
