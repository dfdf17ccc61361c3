"""Files, names, anchors and bounds (issue 26): each check at the function
level, and one end-to-end build that carries the cases only MkDocs meets (a
symlink, colliding file names, an alias bomb the feed plugin would read, a
redirect over a live page, a percent-encoded fragment)."""

from __future__ import annotations

import os
import unicodedata
import xml.etree.ElementTree as etree

import pytest
from early import early

from kb import anchors, checks, pipeline, sources
from kb.devtools import ROOT, build_site, copy_project
from kb.passages import PassageContext, PassageTreeprocessor, passage_id
from kb.problems import Problems
from kb.tools import new_article

ARTICLE = "articles/can-we-afford-to-miss-customer-experience.md"
ARTICLE_5 = "articles/is-customer-experience-new.md"


# -- files and names -------------------------------------------------------------


def test_a_link_to_a_file_outside_docs_is_refused(tmp_path):
    docs = tmp_path / "docs"
    (docs / "articles").mkdir(parents=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("not for the web")
    (docs / "articles" / "leak.md").symlink_to(secret)
    (docs / "articles" / "fine.md").write_text("fine")
    (docs / "inside.md").symlink_to(docs / "articles" / "fine.md")  # a link that stays inside is fine
    problems = Problems()
    files = [(p.relative_to(docs).as_posix(), str(p)) for p in docs.rglob("*.md")]
    assert sources.outside(files, docs, problems) == {"articles/leak.md"}
    (problem,) = problems
    assert str(problem).startswith(f"docs/articles/leak.md: the file is a link to '{secret}', outside docs/")


def test_a_file_in_a_linked_folder_outside_docs_is_refused(tmp_path):
    """Each folder is resolved once for all its files (kb/sources.py): a
    folder that is a link, and a link in a linked folder, are still seen."""
    docs, away = tmp_path / "docs", tmp_path / "away"
    (docs / "articles").mkdir(parents=True)
    away.mkdir()
    (away / "private.md").write_text("not for the web")
    (docs / "articles" / "fine.md").write_text("fine")
    (docs / "articles" / "more").symlink_to(away, target_is_directory=True)
    (docs / "back").symlink_to(docs / "articles", target_is_directory=True)  # a folder that stays inside
    (away / "in.md").symlink_to(docs / "articles" / "fine.md")  # in a folder outside, to a file inside
    problems = Problems()
    files = [
        ("articles/fine.md", str(docs / "articles" / "fine.md")),
        ("articles/more/private.md", str(docs / "articles" / "more" / "private.md")),
        ("articles/more/in.md", str(docs / "articles" / "more" / "in.md")),
        ("back/fine.md", str(docs / "back" / "fine.md")),
    ]
    assert sources.outside(files, docs, problems) == {"articles/more/private.md"}
    assert str(next(iter(problems))).startswith(f"docs/articles/more/private.md: the file is a link to '{away}/")


@pytest.mark.parametrize(
    "first, second",
    [
        ("articles/cafe-culture.md", "articles/Cafe-Culture.md"),  # case
        (unicodedata.normalize("NFC", "articles/café.md"), unicodedata.normalize("NFD", "articles/café.md")),
        ("articles/journey.md", "articles/jour\u200bney.md"),  # a zero-width space
    ],
    ids=["case", "nfc-nfd", "zero-width"],
)
def test_file_names_that_collide_are_refused(first, second):
    problems = Problems()
    sources.check_names([first, second], problems)
    assert any("the file name is the same as docs/" in str(p) and "rename one of the two" in str(p) for p in problems)


def test_a_file_name_with_a_bidi_override_is_refused():
    problems = Problems()
    sources.check_names(["articles/evil\u202egnp.md"], problems)
    (problem,) = problems
    assert "holds an invisible character (U+202E RIGHT-TO-LEFT OVERRIDE)" in str(problem)


@pytest.mark.parametrize(
    "first, second",
    [
        (
            unicodedata.normalize("NFC", "Café culture in service"),
            unicodedata.normalize("NFD", "Café culture in service"),
        ),
        ("Café culture in service", "Café culture\u200b in service"),
    ],
    ids=["nfc-nfd", "zero-width-space"],
)
def test_two_titles_that_read_the_same_collide(base_sources, config, first, second):
    changed = dict(base_sources)
    original = "title: Customer experience needs to be integrated into the business strategy"
    text = changed["articles/integrate-cx-into-business-strategy.md"]
    assert original in text
    changed["articles/integrate-cx-into-business-strategy.md"] = text.replace(original, f'title: "{first}"', 1)
    changed["articles/copy.md"] = text.replace(original, f'title: "{second}"', 1)
    problems, _ = pipeline.run(changed, config)
    assert any("is already the title of docs/articles/" in str(p) for p in problems), [str(p) for p in problems]


# -- anchors ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, expected",
    [
        ('{"pages": {\n"a/": {"x": ""},\n"a/": {"y": ""}\n}}', 'anchors.json:3: the key "a/" is written twice'),
        ('{"pages": {"a/": {"x": 5}}}', "anchors.json: the file does not have the registry's shape"),
        ('{"pages": {"a/": {"x": null}}}', "anchors.json: the file does not have the registry's shape"),
        ('{"pages": {"a/": [1, 2]}}', "anchors.json: the file does not have the registry's shape"),
        ('{"pages": ' + "[" * 100_000 + "]" * 100_000 + "}", "anchors.json: the file is nested too deeply"),
    ],
    ids=["duplicate-key", "fingerprint-a-number", "fingerprint-null", "anchors-not-text", "deep-nesting"],
)
def test_a_registry_that_would_turn_a_check_off_fails(tmp_path, content, expected):
    path = tmp_path / "anchors.json"
    path.write_text(content)
    problems = Problems()
    assert anchors.load(path, problems) is None
    (problem,) = problems
    assert str(problem).startswith(expected) and " Fix: " in str(problem), str(problem)


def _index(sources_, config):
    kb_build, _ = pipeline.run_build(sources_, config)
    return kb_build.index


def test_a_heading_id_moved_onto_another_section_is_caught(base_sources, config):
    """'getting-cx-right' was published for the section "Getting CX Right";
    giving that id to another heading fails like a passage's would."""
    registry = checks.published_anchors(_index(base_sources, config))
    assert registry["articles/is-customer-experience-new/"]["getting-cx-right"]  # headings have fingerprints
    changed = dict(base_sources)
    text = changed[ARTICLE_5]
    text = text.replace("## Getting CX Right", "## Getting CX Right { #getting-cx-right-now }", 1)
    text = text.replace("## Customer Experience (CX) Today", "## Customer Experience (CX) Today { #getting-cx-right }")
    changed[ARTICLE_5] = text
    problems = Problems()
    checks.registry(_index(changed, config), registry, {}, problems)
    assert any("#getting-cx-right' now points at a different passage" in str(p) for p in problems), list(problems)


def test_a_renamed_heading_that_keeps_its_id_passes(base_sources, config):
    registry = checks.published_anchors(_index(base_sources, config))
    changed = dict(base_sources)
    changed[ARTICLE_5] = changed[ARTICLE_5].replace(
        "## Getting CX Right", "## How to get customer experience right { #getting-cx-right }", 1
    )
    problems = Problems()
    checks.registry(_index(changed, config), registry, {}, problems)
    assert list(problems) == []


def test_redirects_over_a_live_page_or_to_no_page_fail(base_sources, config):
    index = _index(base_sources, config)
    text = "plugins:\n  - redirects:\n      redirect_maps:\n        articles/old.md: articles/gone.md\n"
    text += f"        {ARTICLE}: articles/old.md\n"
    problems = Problems()
    checks.redirects(index, {"articles/old.md": "articles/gone.md", ARTICLE: "articles/old.md"}, problems, text)
    report = [str(p) for p in problems]
    assert (
        "mkdocs.yml:4: the redirect from 'articles/old.md' points at 'articles/gone.md', which is not a page"
        in report[0]
    )
    assert any(
        p.startswith(f"mkdocs.yml:5: the redirect from '{ARTICLE}' would be written over a live page") for p in report
    )


def test_passage_ids_in_other_scripts_keep_their_marks(base_sources, config):
    assert passage_id("हिन्दी में पाठ यहाँ है") == "p-हिन्दी-में-पाठ-यहाँ-है"
    assert passage_id("தமிழ் உரை இங்கே") == "p-தமிழ்-உரை-இங்கே"
    changed = dict(base_sources)
    mark = '{ disciplines="intelligence" }'
    changed[ARTICLE] = changed[ARTICLE].replace(mark, mark + "\n\nहिन्दी में पाठ यहाँ है और आगे।\n", 1)
    problems, pages = pipeline.run(changed, config)
    assert list(problems) == []
    assert 'id="p-हिन्दी-में-पाठ-यहाँ-है"' in pages[ARTICLE]


# -- bounded work ------------------------------------------------------------------


class CountingSet(set):
    looks = 0

    def __contains__(self, item):
        CountingSet.looks += 1
        return super().__contains__(item)


def test_ids_of_paragraphs_that_open_alike_take_linear_work():
    """2000 paragraphs with one opening: each id costs a few look-ups, not a
    scan past every earlier one (20,000 took quadratic time)."""
    processor = PassageTreeprocessor(None, PassageContext())
    processor.used_ids, processor.next_number = CountingSet(), {}
    CountingSet.looks = 0
    ids = [processor._assign_id(etree.Element("p"), "The same opening words here, again") for _ in range(2000)]
    assert ids[:3] == [
        "p-the-same-opening-words-here",
        "p-the-same-opening-words-here-2",
        "p-the-same-opening-words-here-3",
    ]
    assert len(set(ids)) == 2000
    assert CountingSet.looks <= 3 * 2000, CountingSet.looks


# -- kb new --from-text ------------------------------------------------------------


@pytest.mark.parametrize(
    "data, expected",
    [
        (b"%PDF-1.4\n\x00\x00binary", "is not a text file (it holds binary data"),
        (b"Title\n\nCaf\xe9 society.\n", "is not UTF-8 text (byte 0xe9 on line 3)"),
    ],
    ids=["binary", "latin-1"],
)
def test_importing_a_file_that_is_not_text_says_so(tmp_path, capsys, data, expected):
    pasted = tmp_path / "pasted.txt"
    pasted.write_bytes(data)
    with pytest.raises(SystemExit) as exit_:
        new_article.main(["--from-text", str(pasted), "--docs", str(ROOT / "docs"), "--author", "X"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err, err


# -- end to end ----------------------------------------------------------------------

BOMB = "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [" + ", ".join([f"*{chr(97 + i)}"] * 9) + "]\n" for i in range(8)
)  # nine to the ninth values, in eight lines


@early
def hostile_sources_build(tmp_path_factory):
    work = tmp_path_factory.mktemp("hostile-sources")
    project = copy_project(work / "project")
    docs = project / "docs"
    # An alias bomb in one article, an empty theme item in another: the feed
    # plugin reads both pages' themes.
    article = docs / ARTICLE
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "themes: [omnichannel, culture, journey]", "a: &a [x, x, x, x, x, x, x, x, x]\n" + BOMB + "themes: *i"
        ),
        encoding="utf-8",
    )
    fourth = docs / "articles/integrate-cx-into-business-strategy.md"
    fourth.write_text(
        fourth.read_text(encoding="utf-8").replace(
            "themes: [journey, culture, measurement]", "themes:\n  - journey\n  -"
        ),
        encoding="utf-8",
    )
    # Lists 300 levels deep, and a link with a percent-encoded fragment to a Hindi passage.
    fifth = docs / ARTICLE_5
    fifth.write_text(
        fifth.read_text(encoding="utf-8")
        + "\n\nहिन्दी में पाठ यहाँ है और आगे।\n\n"
        + "\n".join("    " * i + f"- level {i}" for i in range(300))
        + "\n",
        encoding="utf-8",
    )
    digital = docs / "articles/customer-experience-in-the-digital-era.md"
    digital.write_text(
        digital.read_text(encoding="utf-8")
        + "\n\nSee [the passage](is-customer-experience-new.md#p-%E0%A4%B9%E0%A4%BF%E0%A4%A8%E0%A5%8D%E0%A4%A6"
        "%E0%A5%80-%E0%A4%AE%E0%A5%87%E0%A4%82-%E0%A4%AA%E0%A4%BE%E0%A4%A0-%E0%A4%AF%E0%A4%B9%E0%A4%BE%E0%A4%81"
        "-%E0%A4%B9%E0%A5%88).\n",
        encoding="utf-8",
    )
    # A link to a file outside docs/, and a redirect written over a live page.
    secret = work / "secret.md"
    secret.write_text("---\ntitle: Secret\n---\n\nPrivate notes.\n")
    os.symlink(secret, docs / "secret.md")
    config = project / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "redirect_maps: {}", f"redirect_maps:\n        glossary.md: {ARTICLE}"
        ),
        encoding="utf-8",
    )
    return project, build_site(project, work / "site", {"SITE_URL": "http://127.0.0.1:8000/"})


def test_the_real_build_reports_each_case_at_its_source_and_never_crashes(hostile_sources_build):
    project, result = hostile_sources_build
    assert result.returncode != 0
    err = result.stderr
    for crash in ("Traceback", "RecursionError", "MemoryError", "TypeError"):
        assert crash not in err, err[-3000:]

    def line(path: str, needle: str) -> int:
        text = (project / path).read_text(encoding="utf-8")
        return next(n for n, t in enumerate(text.splitlines(), 1) if needle in t)

    expected = [
        f"docs/{ARTICLE}:{line('docs/' + ARTICLE, 'b: &b')}: the front matter uses a YAML alias ('*a')",
        "docs/articles/integrate-cx-into-business-strategy.md:"
        f"{line('docs/articles/integrate-cx-into-business-strategy.md', 'themes:')}: an item of 'themes' is empty",
        f"docs/{ARTICLE_5}:{line('docs/' + ARTICLE_5, '- level 24')}: lists, quotes or indented blocks are nested",
        "docs/secret.md: the file is a link to",
        f"mkdocs.yml:{line('mkdocs.yml', 'glossary.md: articles/')}: the redirect from 'glossary.md' would be "
        "written over a live page",
    ]
    for message in expected:
        assert message in err, f"expected {message!r} in:\n{err[-3000:]}"
    # The percent-encoded fragment is read as the id it names: no complaint about it.
    assert "%E0%A4" not in err, err[-3000:]
    # Passages added at the end of a section leave its heading's anchor where it was.
    assert "#cx-disciplines-to-get-cx-right' now points at a different passage" not in err


def test_a_preview_reads_again_only_the_sources_whose_time_or_size_changed(tmp_path):
    """`mkdocs serve` keeps each source's text by its path (`kept`): the
    next build reads a file again only if its modification time or size
    changed, and gets the text a build without it reads."""

    class Counted:
        reads: list[str] = []

        def __init__(self, src_uri: str):
            self.src_uri, self.abs_src_path, self.generated_by = src_uri, str(tmp_path / src_uri), None

        @property
        def content_bytes(self) -> bytes:
            Counted.reads.append(self.src_uri)
            return (tmp_path / self.src_uri).read_bytes()

    for name, text in (("a.md", "alpha"), ("b.md", "beta"), ("c.md", "gamma")):
        (tmp_path / name).write_text(text, encoding="utf-8")
    files = [Counted(name) for name in ("a.md", "b.md", "c.md")]
    kept: dict = {}
    assert sources.read_all(files, Problems(), kept) == {"a.md": "alpha", "b.md": "beta", "c.md": "gamma"}
    assert Counted.reads == ["a.md", "b.md", "c.md"]
    Counted.reads.clear()
    assert sources.read_all(files, Problems(), kept) == {"a.md": "alpha", "b.md": "beta", "c.md": "gamma"}
    assert Counted.reads == []
    (tmp_path / "a.md").write_text("ALPHA", encoding="utf-8")  # the same size: a new time
    stamp = os.stat(tmp_path / "a.md")
    os.utime(tmp_path / "a.md", ns=(stamp.st_atime_ns, stamp.st_mtime_ns + 1_000_000))
    (tmp_path / "b.md").write_text("beta, longer", encoding="utf-8")
    texts = sources.read_all(files[:2], Problems(), kept)  # c.md gone
    assert texts == {"a.md": "ALPHA", "b.md": "beta, longer"} == sources.read_all(files[:2], Problems())
    assert Counted.reads[:2] == ["a.md", "b.md"]
    assert set(kept) == {files[0].abs_src_path, files[1].abs_src_path}
