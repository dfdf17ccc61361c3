"""The knowledge base for AI assistants (issue 24): llms.txt, llms-full.txt,
each article's Markdown twin, passages.jsonl and its schema, and the local
MCP server spoken to the way a client speaks to it (the SDK's own client,
the server a subprocess over stdio).
"""

from __future__ import annotations

import asyncio
import json
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import jsonschema
import pytest
import yaml

from kb import assistants, mcp_server, pipeline
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


def test_hostile_front_matter_stays_data_in_the_twin():
    kb, _ = _site_with(ODD)
    twin = assistants.markdown_twin("articles/odd.md", kb.index, "https://kb.example/")
    head, _ = twin.markdown.removeprefix("---\n").split("\n---\n", 1)
    meta = yaml.safe_load(head)
    assert meta["title"] == 'A "quoted" title\n---\nwith: yaml'
    assert meta["author"] == "Ann <script>alert(1)</script> O'Neil"
    assert '\n# A "quoted" title --- with: yaml\n' in twin.markdown  # the heading stays one line


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


@pytest.fixture(scope="module")
def session(site):
    calls = [("tools",), ("resources",), ("read", "kb://glossary/nps"), ("read", f"kb://articles/{ARTICLE[9:-1]}")]
    calls += [("search", {"query": q.query}) for q in COMPARED]
    calls += [("answer", {"question": q.query}) for q in QUESTIONS]
    calls += [("answer", {"question": q}) for q in UNANSWERABLE]
    calls += [
        ("search", {"query": "   "}),
        ("search", {"query": "journey", "theme": "measurement", "discipline": "design"}),
        ("get_passage", {"id": "p-no-such-passage-anywhere"}),
        ("get_passage", {"id": "p-bottomline-is-that-people-prospects"}),
        (
            "get_passage",
            {"id": "http://127.0.0.1/articles/is-customer-experience-new/#p-bottomline-is-that-people-prospects"},
        ),
        ("cite", {"id": "p-bottomline-is-that-people-prospects", "style": "apa", "quote": "They EXPECT this!"}),
        ("cite", {"id": "p-bottomline-is-that-people-prospects", "style": "harvard-ish"}),
        ("cite", {"id": "p-bottomline-is-that-people-prospects", "quote": "words that are not there"}),
        ("list_articles", {}),
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
        hits = hits if isinstance(hits, list) else [hits]
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


def test_bad_arguments_get_a_clear_error_never_a_traceback(session):
    for call, expected in [
        (("search", {"query": "   "}), "the query is empty"),
        (("get_passage", {"id": "p-no-such-passage-anywhere"}), "no passage has the id"),
        (("cite", {"id": "p-bottomline-is-that-people-prospects", "style": "harvard-ish"}), "unknown citation style"),
        (
            ("cite", {"id": "p-bottomline-is-that-people-prospects", "quote": "words that are not there"}),
            "the quote is not in that passage",
        ),
    ]:
        result = _result(session, *call)
        assert result.is_error and expected in result.content[0].text, result.content[0].text
        assert "Traceback" not in result.content[0].text
    outside = _result(session, "read", "kb://articles/../../../etc/passwd")
    assert isinstance(outside, Exception) and "Unknown resource" in str(outside)


def test_get_passage_and_cite_by_id_or_url(session):
    by_id = _json(_result(session, "get_passage", {"id": "p-bottomline-is-that-people-prospects"}))
    by_url = _json(
        _result(
            session,
            "get_passage",
            {"id": "http://127.0.0.1/articles/is-customer-experience-new/#p-bottomline-is-that-people-prospects"},
        )
    )
    assert by_id == by_url and by_id["article"]["title"] == "Is Customer Experience New?"
    cited = _json(
        _result(
            session,
            "cite",
            {"id": "p-bottomline-is-that-people-prospects", "style": "apa", "quote": "They EXPECT this!"},
        )
    )
    assert cited["citation"].startswith("Dave Lewan. (n.d.). Is Customer Experience New?. DaveLewan.com.")
    assert cited["text_fragment_url"].endswith("#p-bottomline-is-that-people-prospects:~:text=They%20EXPECT%20this!")


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


def test_a_folder_that_is_not_this_site_is_refused_clearly(tmp_path):
    import subprocess

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
    for name in ("llms.txt", "passages.jsonl", "passages.schema.json"):
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
