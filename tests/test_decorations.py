"""The one list of what a page shows that is not the authors' words
(kb/assets/js/_/decorations.json, read by kb/decorations.py and bundled into
the page script): every reader of the authors' text uses it, and nothing the
build adds inside a passage is missing from it. The page script's side is
tests/js/page/dom.test.js ("every passage of the built site, read without
the marks, ...")."""

from __future__ import annotations

import json
import re

import pytest

from kb import decorations
from kb.htmltext import SKIP_CLASSES, visible_text

PASSAGE = re.compile(r'<(p|li)\b[^>]*\bid="(p-[^"]+)"[^>]*>')


def passage_html(page: str, passage_id: str) -> str:
    """The outer HTML of the passage `passage_id` (a <p> or an <li>, whose
    own nested lists the passage extension gives ids of their own)."""
    match = next(m for m in PASSAGE.finditer(page) if m.group(2) == passage_id)
    tag, depth, at = match.group(1), 0, match.start()
    for piece in re.finditer(rf"<(/?){tag}\b[^>]*>", page[at:]):
        depth += -1 if piece.group(1) else 1
        if depth == 0:
            return page[at : at + piece.end()]
    raise AssertionError(f"#{passage_id} is not closed")


@pytest.fixture(scope="module")
def records(site) -> list[dict]:
    return [json.loads(line) for line in (site / "passages.jsonl").read_text(encoding="utf-8").splitlines()]


def test_every_passage_read_without_the_marks_is_the_passage_the_build_recorded(site, records):
    """The passage records (search, the files for assistants) are made while
    converting, before any decoration is added; the built page carries the
    decorations. Read without the listed marks, the page says exactly what
    was recorded: a mark added to pages but not to the list shows here."""
    pages: dict[str, str] = {}
    differ = []
    for record in records:
        folder = record["url"].split("://", 1)[1].split("/", 1)[1].split("#")[0]
        page = pages.setdefault(folder, (site / folder / "index.html").read_text(encoding="utf-8"))
        shown = visible_text(passage_html(page, record["id"]), root_tag=None)
        if shown != " ".join(record["text"].split()):
            differ.append(f"{record['url']}: the page reads {shown[-80:]!r}")
    assert len(records) >= 50 and not differ, differ


def test_a_decoration_missing_from_the_list_is_read_as_the_authors_words():
    """The check above can fail: a badge of a class not in the list is text."""
    html = '<p id="p-a">Words<span class="kb-disciplines"><a>CX Design</a></span><span class="kb-new">New!</span></p>'
    assert visible_text(html, root_tag=None) == "WordsNew!"


def test_the_build_the_tests_and_the_page_script_read_one_list(site):
    assert decorations.MARKS and decorations.COPIES and not decorations.MARKS & decorations.COPIES
    assert SKIP_CLASSES == decorations.NOT_THE_AUTHORS  # kb/htmltext.py, what the tests read as text
    data = json.loads(decorations.SOURCE.read_text(encoding="utf-8"))
    for script in ("assets/kb.debug.js", "assets/kb-extras.debug.js"):
        code = (site / script).read_text(encoding="utf-8")
        carried = re.search(r'defs\["_/decorations\.json"\] = function [^\n]*\n(module\.exports = (.*);)\n', code)
        assert carried and json.loads(carried.group(2)) == data, f"{script} does not carry the list itself"


def test_every_class_of_the_list_is_described_and_every_mark_is_left_off_paper(site):
    """kb/decorations.py says what each class is; the print stylesheet hides
    every mark (a copy-link mark or a badge means nothing on paper) but a
    footnote's number, which the printed notes at the end answer."""
    for name in decorations.NOT_THE_AUTHORS:
        assert re.search(rf"^\s+{re.escape(name)}\s+\S", decorations.__doc__, flags=re.M), name
    css = (site / "assets" / "kb.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    hidden = printed[: printed.index("display:none") if "display:none" in printed else printed.index("display: none")]
    for name in decorations.MARKS - {"footnote-ref"}:
        assert re.search(rf"\.{re.escape(name)}\b", hidden), f".{name} is printed"
    assert not re.search(r"\.footnote-ref\b", hidden), "a footnote's number is left off paper"
