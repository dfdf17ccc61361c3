"""The knowledge base for AI assistants (issue 24): llms.txt, llms-full.txt,
each article's Markdown twin, passages.jsonl and its schema, and the local
MCP server spoken to the way a client speaks to it (the SDK's own client,
the server a subprocess over stdio).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import jsonschema
import pytest
import yaml

from kb import assistants, mcp_server, pagecache, pipeline
from kb.devtools import ROOT
from kb.tools import search_eval

ARTICLE = "articles/is-customer-experience-new/"


def _rows(site: Path) -> list[dict]:
    return [json.loads(line) for line in (site / assistants.PASSAGES).read_text(encoding="utf-8").splitlines()]


def _twin(site: Path, url: str = ARTICLE) -> tuple[dict, str]:
    text = (site / url / "index.md").read_text(encoding="utf-8")
    head, body = text.removeprefix("---\n").split("\n---\n", 1)
    return yaml.safe_load(head), body


# -- the files, on the built site ------------------------------------------------------


def test_every_passage_record_is_valid_against_the_published_schema(site):
    schema = json.loads((site / assistants.SCHEMA).read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema, format_checker=jsonschema.FormatChecker())
    rows = _rows(site)
    for row in rows:
        errors = sorted(validator.iter_errors(row), key=str)
        assert not errors, (row["url"], [e.message for e in errors])
    # every passage of every article (the paragraphs and items with an id in
    # the published pages), each once, and nothing else
    from selectolax.lexbor import LexborHTMLParser

    expected = []
    for page in sorted((site / "articles").glob("*/index.html")):
        tree = LexborHTMLParser(page.read_text(encoding="utf-8"))
        url = page.parent.relative_to(site).as_posix() + "/"
        expected += [f"{url}#{node.attributes['id']}" for node in tree.css("article p[id^='p-'], article li[id^='p-']")]
    base = rows[0]["url"][: rows[0]["url"].index("articles/")]
    assert sorted(r["url"].removeprefix(base) for r in rows) == sorted(expected)


def test_a_passage_record_carries_what_a_citation_needs(site):
    rows = {r["url"].split("/", 3)[3]: r for r in _rows(site)}
    row = rows["articles/is-customer-experience-new/#p-bottomline-is-that-people-prospects"]
    assert row["article"]["author"] == "Dave Lewan" and row["article"]["source"] == "DaveLewan.com"
    assert row["heading_path"] == ["Customer Experience (CX) Today"]
    assert [d["id"] for d in row["disciplines"]] == ["connect"]
    assert "omnichannel" in [t["id"] for t in row["themes"]]
    assert "touch-point" in [t["id"] for t in row["glossary_terms"]]
    assert row["text"].startswith("Bottomline is that people, prospects, customers")
    assert row["citation"].startswith("Dave Lewan, “Is Customer Experience New?”, DaveLewan.com")
    assert row["citation"].endswith(row["url"])
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", row["updated"] or ""), row["updated"]


def test_llms_txt_follows_the_format_and_links_every_article_by_theme(site):
    text = (site / assistants.LLMS).read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0] == "# CX Knowledge Base"
    assert lines[2].startswith("> ") and len(lines[2]) > 20
    sections = re.findall(r"^## (.+)$", text, re.M)
    assert sections[:4] == [
        "Articles: Culture and change",
        "Articles: The customer journey",
        "Articles: Measuring CX",
        "Articles: Omnichannel",
    ] or set(sections) >= {"Glossary", "Disciplines", "Optional"}
    assert {"Glossary", "Disciplines", "Optional"} <= set(sections)
    links = re.findall(r"^- \[([^\]]+)\]\((\S+)\): (.+)$", text, re.M)
    assert links and all(description.strip() for _, _, description in links)
    twins = {url for _, url, _ in links if url.endswith("/index.md")}
    assert len(twins) == 5
    for url in twins:
        assert (site / url.split("/", 3)[3]).is_file(), url
    for line in lines:
        assert not line.startswith("- ") or re.match(r"^- \[[^\]]+\]\(\S+\): .+$", line), line


def test_llms_full_holds_every_article_with_its_attribution(site):
    text = (site / assistants.LLMS_FULL).read_text(encoding="utf-8")
    for path in sorted((ROOT / "docs" / "articles").glob("*.md")):
        if path.name == "index.md":
            continue
        meta = yaml.safe_load(path.read_text(encoding="utf-8").split("---")[1])
        assert f"# {meta['title']}" in text
        if meta.get("author"):
            assert f"*By {meta['author']}" in text
    assert "Author not named in the source" in text


def test_the_markdown_twin_is_the_authors_markdown_with_every_passage_url(site):
    meta, body = _twin(site)
    assert meta["title"] == "Is Customer Experience New?"
    assert meta["author"] == "Dave Lewan" and meta["source"] == "DaveLewan.com"
    assert "republished here with attribution" in meta["license"]
    # the author's Markdown: a sentence with its emphasis and punctuation as written
    source = (ROOT / "docs" / "articles" / "is-customer-experience-new.md").read_text(encoding="utf-8")
    assert "Trust was king!" in source and "Trust was king!" in body
    # no site syntax, no generated blocks
    assert "disciplines=" not in body and "<!-- kb:" not in body and "{ #" not in body
    # links between articles: absolute, to the passage
    assert re.search(r"\]\(https?://[^)]+/articles/relook-at-customer-experience-with-new-lens/#p-[\w-]+\)", body)
    assert ".md#" not in body.replace("index.md", "")
    # every passage's permanent URL, once each, in document order
    rows = [r for r in _rows(site) if r["article"]["url"].endswith(ARTICLE)]
    urls = re.findall(r"<!-- (\S+) -->", body)
    assert urls == [r["url"] for r in rows]


def test_the_article_page_advertises_its_twin(site):
    from selectolax.lexbor import LexborHTMLParser

    # As a crawler reads it: rel is a set of space-separated tokens.
    head = LexborHTMLParser((site / ARTICLE / "index.html").read_text(encoding="utf-8")).head
    (link,) = head.css('link[type="text/markdown"]')
    assert "alternate" in link.attributes["rel"].split() and link.attributes["href"] == "index.md"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "text/markdown" not in home


def test_the_twins_link_asks_material_for_no_sitemap_beside_it(page, base_url):
    """Material fetches sitemap.xml beside every <link rel=alternate>, to
    switch languages: the twin's link must not make it ask for
    articles/x/sitemap.xml (a 404 on every article), on a cold load or after
    instant navigation; the head's link follows the page shown."""
    missing = []
    page.on("response", lambda r: missing.append(r.url) if r.status == 404 else None)
    page.goto(base_url)
    page.locator(f".md-content a[href*='{ARTICLE}']").first.click()
    page.wait_for_url(f"**/{ARTICLE}")
    page.locator(".kb-copy-markdown").wait_for()
    page.wait_for_function("() => document.querySelector('link[type=\"text/markdown\"]')")
    href = page.evaluate("document.querySelector('link[type=\"text/markdown\"]').href")
    assert href == base_url + ARTICLE + "index.md"
    page.goto(base_url + ARTICLE)
    page.wait_for_load_state("networkidle")
    assert missing == []


# -- the twin at the function level: odd Markdown, hostile front matter ----------------


def _site_with(article: str) -> tuple:
    sources = pipeline.read_sources(ROOT / "docs")
    sources["articles/odd.md"] = article
    kb, _ = pipeline.run_build(sources)
    return kb, sources


ODD = """---
title: "A \\"quoted\\" title\\n---\\nwith: yaml"
description: One sentence.
author: "Ann <script>alert(1)</script> O'Neil"
themes: [journey]
---

First paragraph of the article with **bold** and a [link](is-customer-experience-new.md#p-no-not-at-all-businesses) in it.
{ disciplines="strategy" }

> A quoted paragraph that stands
> on two lines of the source.

1. An item of a numbered list
   { disciplines="design" }
2. Another item, with a nested list:
    - the nested item one
    - the nested item two

- A loose item.

    Its second paragraph.

```
Code that looks like a paragraph but is not.
```

| A | table |
|---|---|
| is | not a passage |

Same opening words here again.

Same opening words here again, twice.

An alias keeps an old anchor.
{ aliases="p-an-older-id" }

An explicit id wins.
{ #p-kept-from-before }
"""


def test_every_passage_of_odd_markdown_gets_its_url_once():
    kb, _ = _site_with(ODD)
    record = kb.index.records["articles/odd.md"]
    twin = assistants.markdown_twin("articles/odd.md", kb.index, "https://kb.example/")
    urls = re.findall(r"<!-- https://kb\.example/articles/odd/#(\S+) -->", twin.markdown)
    assert urls == [p.id for p in record.passages]
    assert "Code that looks like a paragraph" in twin.markdown
    assert "<!--" not in twin.markdown.split("```")[1]  # nothing added inside code
    assert "aliases=" not in twin.markdown and "{ #p-kept" not in twin.markdown


def test_a_preview_rebuild_takes_a_twin_from_its_memo_only_while_its_source_is_the_same():
    """`mkdocs serve` keeps each twin's body by what it was made from: the
    same source gives the same twin, an edited one a new twin."""
    kb, _ = _site_with(ODD)
    fresh = assistants.markdown_twin("articles/odd.md", kb.index, "https://kb.example/")
    memo: dict = {}
    assert assistants.markdown_twin("articles/odd.md", kb.index, "https://kb.example/", memo=memo) == fresh
    assert assistants.markdown_twin("articles/odd.md", kb.index, "https://kb.example/", memo=memo) == fresh
    assert assistants.markdown_twin("articles/odd.md", kb.index, "https://other.example/", memo=memo) != fresh
    edited, _ = _site_with(ODD.replace("An explicit id wins.", "An explicit id still wins."))
    twin = assistants.markdown_twin("articles/odd.md", edited.index, "https://kb.example/", memo=memo)
    assert "An explicit id still wins." in twin.markdown
    assert twin == assistants.markdown_twin("articles/odd.md", edited.index, "https://kb.example/")


def test_a_preview_rebuild_keeps_each_articles_files_only_while_what_they_are_made_from_is_the_same(tmp_path):
    """`mkdocs serve` keeps what it made of each article (assistants.Kept):
    the twin's body, the whole twin, the passages' JSON Lines. A new date,
    theme title or glossary term, another address or an edited passage
    gives what a build without the memo writes; a twin file it kept is not
    written again, but one missing from the site is."""
    kb, _ = _site_with(ODD)
    src, site = "articles/odd.md", "https://kb.example/"
    memo: dict = {}

    def written(index, dates=None, serving=True):
        folder = tmp_path / "with"
        assistants.write(folder, index, site, dates, memo, serving)
        fresh = tmp_path / "fresh"
        assistants.write(fresh, index, site, dates)
        files = {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
        assert {name: (folder / name).read_bytes() for name in files} == files
        return folder

    folder = written(kb.index)
    twin_file = folder / "articles/odd/index.md"
    twin_file.write_text("changed by hand", encoding="utf-8")
    written_before = twin_file.stat().st_mtime_ns
    assert assistants.write(folder, kb.index, site, None, memo, serving=True) is not None
    assert twin_file.read_text(encoding="utf-8") == "changed by hand"  # kept: not written again
    assert twin_file.stat().st_mtime_ns == written_before
    twin_file.unlink()
    written(kb.index)  # missing: written again
    written(kb.index, {src: dt.date(2026, 1, 2)})
    kb.index.definitions.theme_titles["journey"] = "Journeys, renamed"
    written(kb.index)
    label = next(iter(kb.index.term_labels))
    kb.index.term_labels[label] = "A relabelled term"
    written(kb.index)
    edited, _ = _site_with(ODD.replace("An explicit id wins.", "An explicit id still wins."))
    assert "An explicit id still wins." in written(edited.index).joinpath("passages.jsonl").read_text(encoding="utf-8")


def test_a_preview_writes_the_files_for_assistants_as_a_full_build_does_and_only_what_changed(tmp_path):
    """`mkdocs serve` (a memo and a Seen): preview builds that convert only
    the edited article take every other article's twin and records by the
    objects they were made from, and write llms-full.txt and passages.jsonl
    again from the first article that changed; after each edit every file
    is the bytes a build without memo writes, and a file nothing changed in
    is not written at all."""
    sources = pipeline.read_sources(ROOT / "docs")
    site = "https://kb.example/"
    memo: dict = {}
    seen = assistants.Seen()
    folder = tmp_path / "preview"
    kb, _ = pipeline.run_build(sources)

    def written(kb, dates=None, site=site):
        assistants.write(folder, kb.index, site, dates, memo, True, seen)
        fresh = tmp_path / "fresh"
        assistants.write(fresh, kb.index, site, dates)
        files = {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
        assert {name: (folder / name).read_bytes() for name in files} == files
        return files

    written(kb)
    full, lines = folder / assistants.LLMS_FULL, folder / assistants.PASSAGES
    stamps = full.stat().st_mtime_ns, lines.stat().st_mtime_ns
    kb = pipeline.run_build(sources, previous=kb, convert=set())[0]
    written(kb)
    assert (full.stat().st_mtime_ns, lines.stat().st_mtime_ns) == stamps, "nothing changed: not written"
    last = list(kb.index.articles)[-1]  # the last in title order: only its pieces are written again
    edits = [
        (last, lambda text: text.replace("customer", "client", 1)),
        (TARGET := list(kb.index.articles)[1], lambda text: text.replace("customer", "Customer", 1)),
        ("articles/odd.md", lambda text: ODD),  # a new article
        ("articles/odd.md", lambda text: text.replace("First paragraph", "The first paragraph", 1)),
    ]
    for src, edit in edits:
        changed = edit(sources.get(src, ""))
        assert changed != sources.get(src)
        sources[src] = changed
        kb = pipeline.run_build(sources, previous=kb, convert={src})[0]
        written(kb)
    del sources["articles/odd.md"]  # an article removed: both files end sooner
    kb = pipeline.run_build(sources, previous=kb, convert=set())[0]
    written(kb)
    written(kb, {TARGET: dt.date(2026, 1, 2)})  # a new date: its records and twin change
    written(kb, site="https://other.example/")  # another address: every piece
    full.write_bytes(full.read_bytes()[:-10])  # cut short by someone: written whole again
    lines.write_bytes(b"")
    written(kb)


def test_hostile_front_matter_stays_data_in_the_twin():
    kb, _ = _site_with(ODD)
    twin = assistants.markdown_twin("articles/odd.md", kb.index, "https://kb.example/")
    head, _ = twin.markdown.removeprefix("---\n").split("\n---\n", 1)
    meta = yaml.safe_load(head)
    assert meta["title"] == 'A "quoted" title\n---\nwith: yaml'
    assert meta["author"] == "Ann <script>alert(1)</script> O'Neil"
    assert '\n# A "quoted" title --- with: yaml\n' in twin.markdown  # the heading stays one line


FOOTNOTED = """---
title: Noted
description: One sentence.
author: Ann
themes: [journey]
---

A paragraph with a note[^1] in the middle of it.

Another one ends on a note.[^long]

[^1]: The note's own words.
[^long]: A note of two paragraphs.

    Its second *paragraph*.
"""


def test_footnote_marks_are_not_the_authors_text():
    """The number of a footnote reference and the way back (↩) are the
    site's marks: neither they nor the footnotes extension's placeholders
    reach a passage's text, id, search entry or record."""
    kb, _ = _site_with(FOOTNOTED)
    passages = kb.index.records["articles/odd.md"].passages
    assert [(p.id, p.text) for p in passages] == [
        ("p-a-paragraph-with-a-note", "A paragraph with a note in the middle of it."),
        ("p-another-one-ends-on-a", "Another one ends on a note."),
        ("fn:1", "The note's own words."),
        ("fn:long", "A note of two paragraphs. Its second paragraph."),
    ]
    rows = [r for r in assistants.passage_rows(kb.index, "https://kb.example/") if "/odd/" in r["url"]]
    assert [r["text"] for r in rows] == [p.text for p in passages]


# -- the MCP server, as a client meets it ---------------------------------------------


def _client_session(site: Path, calls: list[tuple]) -> list:
    """Start `python -m kb mcp --site SITE` and make `calls` in one session:
    ("tools",), ("resources",), ("read", uri) or (tool, arguments)."""
    from mcp import Client, StdioServerParameters

    async def run():
        params = StdioServerParameters(command=sys.executable, args=["-m", "kb", "mcp", "--site", str(site)], cwd=ROOT)
        out = []
        async with Client(params, read_timeout_seconds=60) as client:
            for call in calls:
                if call[0] == "tools":
                    out.append(await client.list_tools())
                elif call[0] == "resources":
                    out.append(await client.list_resources())
                elif call[0] == "read":
                    try:
                        out.append(await client.read_resource(call[1]))
                    except Exception as error:  # the SDK raises the server's error
                        out.append(error)
                else:
                    out.append(await client.call_tool(call[0], call[1]))
        return out

    # In a thread of its own: Playwright's sync API runs an event loop in this one.
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


JUDGED = search_eval.load()
QUESTIONS = [q for q in JUDGED if q.kind == "question"]
COMPARED = [q for q in JUDGED if q.kind in ("exact", "concept")][:12]
UNANSWERABLE = yaml.safe_load((ROOT / "tests" / "data" / "unanswerable.yaml").read_text(encoding="utf-8"))["questions"]


PASSAGE = "p-bottomline-is-that-people-prospects"
ELSEWHERE = "https://elsewhere.example/articles/is-customer-experience-new/#" + PASSAGE
LONG_ID = "p-" + "x" * 5000


def _base(site: Path) -> str:
    return json.loads((site / assistants.MANIFEST).read_text(encoding="utf-8"))["site_url"]


def _variants(site: Path) -> list[str]:
    """One passage's URL as people paste it: permanent, with index.html,
    without the trailing slash, with a text fragment, as a path of the site."""
    page = _base(site) + ARTICLE
    return [
        page + "#" + PASSAGE,
        page + "index.html#" + PASSAGE,
        page.rstrip("/") + "#" + PASSAGE,
        page + "#" + PASSAGE + ":~:text=They%20EXPECT",
        ARTICLE + "#" + PASSAGE,
    ]


@pytest.fixture(scope="module")
def session(site):
    calls = [("tools",), ("resources",), ("read", "kb://glossary/nps"), ("read", f"kb://articles/{ARTICLE[9:-1]}")]
    calls += [("search", {"query": q.query}) for q in COMPARED]
    calls += [("answer", {"question": q.query}) for q in QUESTIONS]
    calls += [("answer", {"question": q}) for q in UNANSWERABLE]
    calls += [("get_passage", {"id": url}) for url in _variants(site)]
    calls += [
        ("search", {"query": "   "}),
        ("search", {"query": "journey", "theme": "measurement", "discipline": "design"}),
        ("search", {"query": "journey", "theme": "nonsense"}),
        ("search", {"query": "net promoter score"}),
        ("get_passage", {"id": "p-no-such-passage-anywhere"}),
        ("get_passage", {"id": PASSAGE}),
        ("get_passage", {"id": ELSEWHERE}),
        ("get_passage", {"id": LONG_ID}),
        ("cite", {"id": PASSAGE, "style": "apa", "quote": "they expect THIS!"}),
        ("cite", {"id": PASSAGE, "style": "harvard-ish"}),
        ("cite", {"id": PASSAGE, "quote": "words that are not there"}),
        ("list_articles", {}),
        ("list_articles", {"theme": "Measuring CX"}),
        ("read", "kb://articles/../../../etc/passwd"),
    ]
    return dict(zip([json.dumps(c, sort_keys=True) for c in calls], _client_session(site, calls), strict=True))


def _result(session, *call):
    return session[json.dumps(call, sort_keys=True)]


def _json(result):
    assert not result.is_error, result.content[0].text
    return (
        json.loads(result.content[0].text) if len(result.content) == 1 else [json.loads(c.text) for c in result.content]
    )


def test_the_server_lists_its_tools_and_resources(session):
    tools = {t.name: t for t in _result(session, "tools").tools}
    assert set(tools) == {"search", "get_passage", "cite", "list_articles", "answer"}
    assert "query" in tools["search"].input_schema["properties"]
    assert tools["get_passage"].input_schema["required"] == ["id"]
    uris = {str(r.uri) for r in _result(session, "resources").resources}
    assert f"kb://articles/{ARTICLE[9:-1]}" in uris and "kb://glossary/nps" in uris
    nps = _result(session, "read", "kb://glossary/nps").contents[0].text
    assert nps.startswith("# Net Promoter Score (NPS)")
    article = _result(session, "read", f"kb://articles/{ARTICLE[9:-1]}").contents[0].text
    assert article.startswith("---\ntitle: Is Customer Experience New?")


def test_search_puts_first_the_passage_the_sites_search_puts_first(session, chromium, base_url):
    outcomes = search_eval.evaluate(chromium, base_url, COMPARED, landing=False)
    for query, outcome in zip(COMPARED, outcomes, strict=True):
        site_first = search_eval.strip(next(r for r in outcome.results if "#p-" in r))
        hits = _json(_result(session, "search", {"query": query.query}))
        hits = [h for h in (hits if isinstance(hits, list) else [hits]) if h["kind"] == "passage"]
        ours = search_eval.strip(search_eval.relative(hits[0]["url"], base_url))
        assert ours == site_first, (query.query, site_first, ours)
        assert hits[0]["snippet"] and hits[0]["article"]


def test_answer_quotes_the_articles_and_links_each_sentence(session, site):
    texts = {r["url"]: r["text"] for r in _rows(site)}
    right = 0
    for q in QUESTIONS:
        result = _json(_result(session, "answer", {"question": q.query}))
        assert result["answered"], q.query
        for sentence in result["sentences"]:
            assert sentence["sentence"] in texts[sentence["passage"]]  # never an invented sentence
            assert sentence["url"].startswith(sentence["passage"] + ":~:text=")
        first = result["sentences"][0]["passage"]
        right += any(first.endswith(f"{page}#{pid}") for page, pid in q.answers)
    assert right / len(QUESTIONS) >= 0.7, right


def test_answer_says_so_when_the_articles_do_not_answer(session):
    for question in UNANSWERABLE:
        result = _json(_result(session, "answer", {"question": question}))
        assert result == {"answered": False, "answer": mcp_server.NOT_ANSWERED, "sentences": []}, question


def test_bad_arguments_get_a_clear_error_never_a_traceback(session, site):
    for call, expected in [
        (("search", {"query": "   "}), "the query is empty"),
        (("search", {"query": "journey", "theme": "nonsense"}), "unknown theme 'nonsense'"),
        (("get_passage", {"id": "p-no-such-passage-anywhere"}), "no passage has the id"),
        (
            ("get_passage", {"id": ELSEWHERE}),
            f"is an address on another site (elsewhere.example). Fix: pass an id, or a URL of this knowledge base ({_base(site)})",
        ),
        (("get_passage", {"id": LONG_ID}), "no passage has the id 'p-xxx"),
        (("cite", {"id": PASSAGE, "style": "harvard-ish"}), "unknown citation style"),
        (("cite", {"id": PASSAGE, "quote": "words that are not there"}), "the quote is not in that passage"),
    ]:
        result = _result(session, *call)
        assert result.is_error and expected in result.content[0].text, result.content[0].text
        assert "Traceback" not in result.content[0].text
    # the valid values listed, by id and name
    unknown = _result(session, "search", {"query": "journey", "theme": "nonsense"}).content[0].text
    assert "journey (The customer journey)" in unknown and "measurement (Measuring CX)" in unknown
    # a caller's input is echoed, not all of it
    echoed = _result(session, "get_passage", {"id": LONG_ID}).content[0].text
    assert len(echoed) < mcp_server.ECHO + 300 and "(5002 characters)" in echoed
    outside = _result(session, "read", "kb://articles/../../../etc/passwd")
    assert isinstance(outside, Exception) and "Unknown resource" in str(outside)


def test_get_passage_and_cite_by_id_or_url(session, site):
    by_id = _json(_result(session, "get_passage", {"id": PASSAGE}))
    assert by_id["article"]["title"] == "Is Customer Experience New?"
    for url in _variants(site):
        assert _json(_result(session, "get_passage", {"id": url})) == by_id, url
    cited = _json(_result(session, "cite", {"id": PASSAGE, "style": "apa", "quote": "they expect THIS!"}))
    # the title's own question mark ends it: no "?."
    assert cited["citation"].startswith("Dave Lewan. (n.d.). Is Customer Experience New? DaveLewan.com. http")
    # the quote as the author wrote it
    assert cited["quote"] == "They EXPECT this!"
    assert cited["text_fragment_url"].endswith("#p-bottomline-is-that-people-prospects:~:text=They%20EXPECT%20this!")


def test_search_lists_the_glossary_entries_it_finds(session, site):
    hits = _json(_result(session, "search", {"query": "net promoter score"}))
    glossary = [h for h in hits if h["kind"] == "glossary"]
    assert glossary and glossary[0]["id"] == "nps" and glossary[0]["term"] == "Net Promoter Score"
    assert glossary[0]["url"] == _base(site) + "glossary/#nps" and glossary[0]["definition"]
    assert any(h["kind"] == "passage" for h in hits)


def test_filters_narrow_search_and_the_article_list(session, site):
    rows = {r["url"]: r for r in _rows(site)}
    hits = _json(_result(session, "search", {"query": "journey", "theme": "measurement", "discipline": "design"}))
    hits = hits if isinstance(hits, list) else [hits]
    assert hits
    for hit in hits:
        assert "measurement" in [t["id"] for t in rows[hit["url"]]["themes"]]
        assert "design" in [d["id"] for d in rows[hit["url"]]["disciplines"]]
    articles = _json(_result(session, "list_articles", {}))
    assert len(articles) == 5 and all(a["themes"] and "markdown" in a for a in articles)
    measuring = _json(_result(session, "list_articles", {"theme": "Measuring CX"}))
    measuring = measuring if isinstance(measuring, list) else [measuring]
    expected = [a["title"] for a in articles if "measurement" in [t["id"] for t in a["themes"]]]
    assert 0 < len(measuring) < 5 and [a["title"] for a in measuring] == expected


def test_a_folder_that_is_not_this_site_is_refused_clearly(tmp_path):
    (tmp_path / "index.html").write_text("<p>another site</p>")
    run = subprocess.run(
        [sys.executable, "-m", "kb", "mcp", "--site", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "is not a built CX knowledge base: it has no llms.txt" in run.stderr
    assert "Traceback" not in run.stderr


def test_the_server_never_reads_outside_the_site(site, tmp_path):
    opened = mcp_server.Site.open(site)
    with pytest.raises(mcp_server.SiteError):
        opened.path("../../etc/passwd")
    link = tmp_path / "copy"
    link.mkdir()
    for name in ("llms.txt", "passages.jsonl", "passages.schema.json", "kb-site.json"):
        (link / name).write_bytes((site / name).read_bytes())
    (link / "glossary.json").symlink_to("/etc/passwd")
    with pytest.raises(mcp_server.SiteError, match="outside the site"):
        mcp_server.Site.open(link)


# -- the page action, as a reader meets it ----------------------------------------------


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_copy_page_as_markdown_puts_the_twin_on_the_clipboard(page, phone, base_url, site, device):
    tab = page if device == "desktop" else phone
    tab.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=base_url.rstrip("/"))
    tab.goto(base_url + ARTICLE)
    tab.evaluate("() => navigator.clipboard.writeText('')")
    button = tab.locator("button.kb-copy-markdown")
    assert button.get_attribute("aria-label") == "Copy page as Markdown"
    link = tab.locator("a.kb-view-markdown")
    # (instant navigation rewrites every href to an absolute address)
    assert link.get_attribute("href") in ("index.md", base_url + ARTICLE + "index.md") and link.is_visible()
    if device == "phone":
        button.tap()
    else:
        button.click()
    tab.locator(".kb-toast[data-visible]").wait_for()
    assert tab.locator(".kb-toast").inner_text() == "Page copied as Markdown"
    copied = tab.evaluate("() => navigator.clipboard.readText()")
    assert copied == (site / ARTICLE / "index.md").read_text(encoding="utf-8")
    assert copied.startswith("---\ntitle: Is Customer Experience New?\n")


def test_pages_that_are_not_articles_have_no_markdown_action(page, base_url):
    page.goto(base_url + "glossary/")
    assert page.locator(".kb-copy-markdown, .kb-view-markdown").count() == 0


# -- the server's reading of a site, at the function level ------------------------------

SITE_FILES = ("llms.txt", "passages.jsonl", "passages.schema.json", "glossary.json", "kb-site.json")


def _copy(
    site: Path, target: Path, rows=None, text: dict | None = None, offline: bool = False, base: str | None = None
) -> Path:
    """The files the server reads, copied from a built site, with `rows` as
    passages.jsonl, files in `text` replaced; `offline`: the offline
    edition's file layout (articles/x.md) and no site address; `base`: the
    site built for another address."""
    target.mkdir()
    for name in SITE_FILES:
        (target / name).write_bytes((site / name).read_bytes())
    for twin in site.glob("articles/*/index.md"):
        slug = twin.parent.name
        where = target / "articles" / (f"{slug}.md" if offline else f"{slug}/index.md")
        where.parent.mkdir(parents=True, exist_ok=True)
        where.write_bytes(twin.read_bytes())
    base = "/" if offline else base
    if base:
        rows = [json.loads(json.dumps(r).replace(_base(site), base)) for r in (rows or _rows(site))]
        glossary = (target / "glossary.json").read_text(encoding="utf-8").replace(_base(site), base)
        (target / "glossary.json").write_text(glossary, encoding="utf-8")
        manifest = json.loads((target / "kb-site.json").read_text(encoding="utf-8"))
        (target / "kb-site.json").write_text(json.dumps({**manifest, "site_url": base}), encoding="utf-8")
    if rows is not None:
        lines = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows)
        (target / "passages.jsonl").write_text(lines, encoding="utf-8")
    for name, content in (text or {}).items():
        (target / name).write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return target


class _OffLoop:
    """A Ranker used from a thread of its own: V8's promises cannot be
    waited for in a thread that runs an event loop (Playwright's sync API
    runs one in this one)."""

    def __init__(self, site: Path):
        from kb import engine

        self.pool = ThreadPoolExecutor(1)
        self.ranker = self.pool.submit(engine.Ranker.for_site, mcp_server.Site.open(site).path).result()

    def __getattr__(self, name):
        method = getattr(self.ranker, name)
        if not callable(method):
            return method
        return lambda *args, **kwargs: self.pool.submit(method, *args, **kwargs).result()

    def close(self):
        self.pool.submit(self.ranker.close).result()
        self.pool.shutdown()


@pytest.fixture(scope="module")
def ranker(site):
    opened = _OffLoop(site)
    yield opened
    opened.close()


def _bad_row(site: Path, **changes) -> list[dict]:
    rows = _rows(site)
    return [{**rows[0], **changes}, *rows[1:]]


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (
            lambda s: {"passages.jsonl": "[1, 2]\n"},
            "passages.jsonl:1: not a passage record ([1, 2] is not of type 'object')",
        ),
        (lambda s: {"passages.jsonl": '"id url text article"\n'}, "passages.jsonl:1: not a passage record"),
        (lambda s: {"passages.jsonl": "{not json\n"}, "passages.jsonl:1: not JSON"),
        (lambda s: {"passages.jsonl": b"\xff\xfe{}\n"}, "passages.jsonl is not UTF-8 text (byte 0)"),
        (lambda s: {"passages.jsonl": "\n"}, "passages.jsonl holds no passage"),
        (
            lambda s: {"glossary.json": '{"terms": "nps"}'},
            "glossary.json: not this site's file (at 'terms': 'nps' is not of type 'array')",
        ),
        (lambda s: {"glossary.json": '{"terms": [1]}'}, "glossary.json: not this site's file (at 'terms/0'"),
        (lambda s: {"glossary.json": "[]"}, "glossary.json: not this site's file"),
        (
            lambda s: {"glossary.json": '{"terms": [{"id": "../x", "term": "X", "definition": "", "url": "u"}]}'},
            "glossary.json: not this site's file (at 'terms/0/id': '../x' does not match",
        ),
        (lambda s: {"kb-site.json": '["a site"]'}, "kb-site.json: not this site's file"),
        (
            lambda s: {"kb-site.json": '{"name": "x", "site_url": "ftp://x/", "files": {}}'},
            "site_url 'ftp://x/' is not an http(s) address",
        ),
        (
            lambda s: {"kb-site.json": '{"name": "x", "site_url": "https://other.example/", "files": {}}'},
            "passages.jsonl:1: the passage URL",
        ),
    ],
)
def test_a_damaged_site_is_refused_with_the_file_and_the_reason(site, tmp_path, damage, expected):
    copy = _copy(site, tmp_path / "copy", text=damage(site))
    with pytest.raises(mcp_server.SiteError) as caught:
        mcp_server.Site.open(copy)
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"text": 42}, "at 'text': 42 is not of type 'string'"),
        ({"article": "Is CX new?"}, "at 'article'"),
        ({"themes": "journey"}, "at 'themes'"),
        ({"url": ["x"]}, "at 'url'"),
    ],
)
def test_a_record_of_the_wrong_type_is_refused(site, tmp_path, changes, expected):
    copy = _copy(site, tmp_path / "copy", rows=_bad_row(site, **changes))
    with pytest.raises(mcp_server.SiteError, match="passages.jsonl:1: not a passage record") as caught:
        mcp_server.Site.open(copy)
    assert expected in str(caught.value)


def test_missing_files_are_named(site, tmp_path):
    copy = _copy(site, tmp_path / "copy")
    (copy / "kb-site.json").unlink()
    with pytest.raises(mcp_server.SiteError, match="is not a built CX knowledge base: it has no kb-site.json"):
        mcp_server.Site.open(copy)


def test_a_line_separator_inside_a_record_does_not_end_it(site, tmp_path):
    """JSON allows U+2028 raw in a string; str.splitlines() would end the
    line there. The records are split at "\\n" only."""
    rows = _bad_row(site, text="Before\u2028after\u2029the separators.")
    copy = _copy(site, tmp_path / "copy", rows=rows)
    assert "\u2028" in (copy / "passages.jsonl").read_text(encoding="utf-8").split("\n")[0]
    opened = mcp_server.Site.open(copy)
    assert opened.passages[0]["text"] == "Before\u2028after\u2029the separators."
    assert len(opened.passages) == len(rows)


def test_the_offline_edition_without_an_address_is_served_from_its_files(site, tmp_path):
    copy = _copy(site, tmp_path / "copy", offline=True)
    opened = mcp_server.Site.open(copy)
    assert opened.base == ""
    slug = ARTICLE.removeprefix("articles/").rstrip("/")
    for ref in (
        f"articles/{slug}.html#{PASSAGE}",
        f"/articles/{slug}/#{PASSAGE}",
        (copy / "articles" / f"{slug}.html").as_uri() + f"#{PASSAGE}",
        PASSAGE,
    ):
        assert opened.find(ref)["id"] == PASSAGE, ref
    article = next(a for a in opened.articles() if a["url"].endswith(ARTICLE))
    assert opened.twin(article) == f"articles/{slug}.md"
    assert opened.read_text(opened.twin(article)).startswith("---\ntitle: Is Customer Experience New?")
    assert opened.glossary_by_url["glossary/#nps"]["id"] == "nps"


def test_urls_of_other_sites_and_files_outside_are_refused(site, tmp_path):
    base = "https://kb.example.org/cx/"
    opened = mcp_server.Site.open(_copy(site, tmp_path / "copy", base=base))
    assert opened.find(f"http://KB.example.org/cx/{ARTICLE}index.html#{PASSAGE}")["id"] == PASSAGE
    assert opened.find(f"/cx/{ARTICLE}#{PASSAGE}")["id"] == PASSAGE
    assert opened.find(f"https://KB.example.org:443/cx/{ARTICLE}#{PASSAGE}")["id"] == PASSAGE  # the default port
    for ref, expected in [
        (f"https://kb.example.org:8443/cx/{ARTICLE}#{PASSAGE}", "is an address on another site (kb.example.org:8443)"),
        (f"https://kb.example.org:99999/cx/{ARTICLE}#{PASSAGE}", "is an address on another site"),
        (ELSEWHERE, "is an address on another site (elsewhere.example)"),
        (f"https://kb.example.org/other/{ARTICLE}#{PASSAGE}", "is not under this knowledge base's address"),
        (f"https://kb.example.org/cxfoo/{ARTICLE}#{PASSAGE}", "is not under this knowledge base's address"),
        ("file:///etc/passwd#" + PASSAGE, "is a file outside this site"),
        ("javascript:alert(1)#" + PASSAGE, "is not an address of this site (a 'javascript:' URL)"),
        (base + ARTICLE, "names a page, not a passage"),
    ]:
        with pytest.raises(LookupError, match=re.escape(expected)):
            opened.find(ref)


def _index_copy(site: Path, target: Path) -> Path:
    import shutil

    shutil.copytree(site / "search", target / "search")
    return target


def test_the_search_index_is_read_through_the_site_resolver_only(site, tmp_path):
    from kb import engine

    copy = _index_copy(site, tmp_path / "copy")
    (tmp_path / "secret.json").write_text('{"stolen": true}', encoding="utf-8")
    opened = mcp_server.Site(copy.resolve())
    assert engine.read_index(opened.path)["meta"]  # the copy itself reads
    stub = json.loads((copy / engine.STUB_FILE).read_text(encoding="utf-8"))
    folder = (copy / stub["config"]["kb_index_url"]).parent
    # a shard that is a link out of the site
    shard = folder / "s" / "0.json"
    shard.unlink()
    shard.symlink_to(tmp_path / "secret.json")
    with pytest.raises(engine.EngineError, match="outside the site"):
        engine.read_index(opened.path)
    shard.unlink()
    shard.write_bytes((site / stub["config"]["kb_index_url"]).parent.joinpath("s", "0.json").read_bytes())
    # a filter named out of the folder
    meta_path = folder / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8"))
    meta_path.write_text(json.dumps({**meta, "filters": ["../../../../secret"]}), encoding="utf-8")
    with pytest.raises(engine.EngineError, match="not one the index writes"):
        engine.read_index(opened.path)
    # a stub that names an index outside
    (copy / engine.STUB_FILE).write_text(json.dumps({"config": {"kb_index_url": "../secret.json"}}), encoding="utf-8")
    with pytest.raises(engine.EngineError, match="outside the site"):
        engine.read_index(opened.path)


def test_a_twin_that_cannot_be_read_is_the_sdks_resource_error(site, tmp_path, ranker):
    from mcp.server.mcpserver.exceptions import ResourceError, UnexpectedResourceError

    copy = _copy(site, tmp_path / "copy")
    slug = ARTICLE.removeprefix("articles/").rstrip("/")
    (copy / ARTICLE / "index.md").write_bytes(b"---\ntitle: \xff\n")
    server = mcp_server.make_server(mcp_server.Site.open(copy), ranker)

    def read(uri):
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, server.read_resource(uri)).result()

    with pytest.raises(ResourceError) as caught:
        read(f"kb://articles/{slug}")
    assert not isinstance(caught.value, UnexpectedResourceError)
    assert "index.md is not UTF-8 text (byte 11)" in str(caught.value) and "Fix: rebuild the site" in str(caught.value)
    (copy / ARTICLE / "index.md").unlink()
    with pytest.raises(ResourceError, match="index.md is missing") as caught:
        read(f"kb://articles/{slug}")
    assert not isinstance(caught.value, UnexpectedResourceError)


# -- answers and citations, at the function level --------------------------------------


def test_answers_come_only_from_passages_holding_the_rarest_word(site, ranker):
    opened = mcp_server.Site.open(site)
    for question in [q.query for q in QUESTIONS]:
        result = mcp_server.answer(opened, ranker, question)
        wanted = ranker.terms(question)
        rarest = {t for t, w in wanted.items() if w == max(wanted.values())}
        for sentence in result["sentences"]:
            record = opened.find(sentence["passage"])
            assert rarest & set(ranker.terms(record["text"])), (question, sentence["sentence"])
    # "Trust was king!" is in the articles, millennials are not: that sentence
    # covers most of the question's weight and still does not answer it
    for question in ["Why is trust king for millennials?", "What is NPS in banking?"]:
        assert mcp_server.answer(opened, ranker, question)["answered"] is False, question


def test_citations_escape_what_each_format_reads_as_syntax(site, tmp_path, ranker):
    hostile = {
        "title": "Costs & {Benefits}: 100% of #1 [CX](javascript:x) *now*_ ~ ^ \\ $?",
        "author": "Ann_O'Neil [the] <b>Third</b>",
        "source": "Site & Co. 50%",
    }
    rows = _rows(site)
    rows[0] = {**rows[0], "article": {**rows[0]["article"], **hostile}}
    opened = mcp_server.Site.open(_copy(site, tmp_path / "copy", rows=rows))
    ref = rows[0]["id"]
    bibtex = mcp_server.cite(opened, ranker, ref, "bibtex")["citation"]
    assert r"title = {{Costs \& \{Benefits\}: 100\% of \#1 [CX](javascript:x) *now*\_ \textasciitilde{} " in bibtex
    assert r"\textasciicircum{} \textbackslash{} \$?}}" in bibtex
    assert r"author = {Ann\_O'Neil [the] <b>Third</b>}" in bibtex and r"howpublished = {Site \& Co. 50\%}" in bibtex
    markdown = mcp_server.cite(opened, ranker, ref, "markdown")["citation"]
    assert r"\[CX\]\(javascript:x\) \*now\*\_" in markdown and r"Ann\_O'Neil \[the\] \<b\>Third\</b\>" in markdown
    assert "](http" in markdown and not re.search(r"\]\((?!http)", markdown.replace("\\]", ""))
    for style in mcp_server.ANSWER_STYLES:
        citation = mcp_server.cite(opened, ranker, ref, style)["citation"]
        assert not re.search(r"[.?!]\.(?!\w)", citation.replace("Co. 50", "Co 50")), (style, citation)


def test_a_short_common_quote_links_to_its_own_passage(site, ranker):
    """'The customer experience' opens a passage and is also earlier in the
    article: the link carries the words after it, so a browser (and the
    page's own finder) lands on this passage, not on the first."""
    opened = mcp_server.Site.open(site)
    ref = "p-the-customer-experience-is-the"
    record = opened.find(ref)
    link = mcp_server.cite(opened, ranker, ref, quote_text="the customer experience")["text_fragment_url"]
    after = " ".join(record["text"].split()[3:6])
    assert link.endswith(":~:text=The%20customer%20experience,-" + quote(after, safe="!'()*~."))


def test_build_site_builds_at_site_url_without_the_version_2_notice(monkeypatch, tmp_path):
    seen = {}

    def run(command, **kwargs):
        seen.update(kwargs, command=command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(mcp_server.subprocess, "run", run)
    monkeypatch.setenv("SITE_URL", "https://kb.example.org/cx/")
    assert mcp_server.build_site(tmp_path) == tmp_path
    assert seen["env"]["NO_MKDOCS_2_WARNING"] == "1" and seen["env"]["SITE_URL"] == "https://kb.example.org/cx/"
    assert seen["command"][1:4] == ["-m", "mkdocs", "build"] and seen["cwd"] == ROOT


def test_a_failure_inside_the_engine_is_an_engine_error(site):
    from kb import engine

    def broken():
        ranker = engine.Ranker.for_site(mcp_server.Site.open(site).path)
        try:
            ranker._js.eval("kbEngine.state.engine = null")  # as a damaged index part would leave it
            ranker.search("journey")
        finally:
            ranker.close()

    with ThreadPoolExecutor(1) as pool, pytest.raises(engine.EngineError, match="the search engine failed"):
        pool.submit(broken).result()


@pytest.mark.parametrize(
    "index",
    [[1, 2], {"meta": {"themes": [1], "disciplines": "x"}}, {"meta": {"shards": "x"}, "shards": [], "fragments": []}],
)
def test_an_index_of_the_wrong_shape_is_an_engine_error(index):
    from kb import engine

    with ThreadPoolExecutor(1) as pool, pytest.raises(engine.EngineError, match="did not load the index"):
        pool.submit(engine.Ranker, index).result()


def test_a_build_reads_each_articles_kept_files_from_its_shelf_one_at_a_time(tmp_path, monkeypatch):
    """What a build makes of each article is kept on disk (pagecache.Shelf)
    for the next build, which makes nothing again when nothing changed and
    writes the same files as a build without it."""
    kb, _ = _site_with(ODD)
    site = "https://kb.example/"
    kept = tmp_path / "kb-twins.pickle"

    def built(folder, memo=None):
        assistants.write(folder, kb.index, site, None, memo)
        return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}

    fresh = built(tmp_path / "fresh")
    shelf = pagecache.Shelf(kept, assistants.made_of)
    assert built(tmp_path / "first", shelf) == fresh
    shelf.save()
    assert set(pagecache.Shelf(kept, assistants.made_of)) == set(kb.index.articles)

    def not_again(*args):
        raise AssertionError("made again")

    monkeypatch.setattr(assistants.twin_mod, "body", not_again)
    monkeypatch.setattr(assistants, "article_rows", not_again)
    shelf = pagecache.Shelf(kept, assistants.made_of)
    assert built(tmp_path / "second", shelf) == fresh
    assert not shelf.changed()
    shelf.close()
