"""Take it anywhere: the offline edition from file://, and print."""

from __future__ import annotations

import re
import subprocess
import unicodedata
import zipfile
from pathlib import Path

from early import early

from kb import transcription
from kb.devtools import pdf_text
from kb.htmltext import visible_text
from kb.tools import build_offline

from test_content import SEEDS
from test_indexes import articles


@early
def offline_site(tmp_path_factory, offline_zip) -> Path:
    unpacked = tmp_path_factory.mktemp("unpacked")
    with zipfile.ZipFile(offline_zip) as zipped:
        zipped.extractall(unpacked)
    return unpacked / build_offline.FOLDER


def test_the_offline_edition_navigates_and_searches_from_the_file_system(page, offline_site):
    tab = page
    tab.goto((offline_site / "index.html").as_uri())
    # Under the site's Content-Security-Policy (kb/csp.py): search runs in
    # the iframe-worker shim's frame, allowed by its script's hash.
    assert tab.locator('meta[http-equiv="Content-Security-Policy"]').count() == 1
    tab.get_by_role("link", name="Glossary").first.click()
    tab.wait_for_url("**/glossary.html")
    assert tab.title().startswith("Glossary")
    tab.locator(".md-search__input").first.click()
    tab.keyboard.type("Disney Institute")
    first = tab.locator(".md-search-result__item a").first
    first.wait_for(timeout=10000)
    assert "can-we-afford-to-miss-customer-experience.html" in first.get_attribute("href")
    first.click()
    tab.wait_for_url("**/can-we-afford-to-miss-customer-experience.html*")
    assert "Disney Institute" in tab.locator("article").inner_text()
    assert tab.console_errors == []
    assert [u for u in tab.requested_urls if not u.startswith("file://")] == []


def test_the_offline_editions_home_page_says_it_is_the_offline_edition(offline_site):
    """It does not offer itself for download, nor tell its reader to build it."""
    text = visible_text((offline_site / "index.html").read_text(encoding="utf-8"))
    assert "You are reading the offline edition" in text
    assert "make offline" not in text and "Download the offline edition" not in text


def test_a_printed_article_has_its_full_text_and_no_navigation(page, base_url, tmp_path):
    text = pdf_text(page, base_url + "articles/can-we-afford-to-miss-customer-experience/", tmp_path / "a.pdf")
    # Dotted terms print as plain words; their definitions come once, at the end.
    authors_text = text.split("Terms used", 1)[0]
    seed = next(s for s in SEEDS if "Can We Afford" in s.read_text(encoding="utf-8"))
    for block in transcription.repair_article(seed.read_text(encoding="utf-8")):
        for sentence in transcription.sentences(block.text):
            assert unicodedata.normalize("NFKC", sentence) in authors_text, sentence
    assert "[Customer experience (CX)" not in text  # no definitions in brackets mid-sentence
    definition = "Everything a customer perceives, feels and remembers"
    assert text.count(definition) == 1, "the definition of a term used is printed once, at the end"
    assert text.index(definition) > text.index("Terms used")
    for chrome in ("Table of contents", "Related articles", "Linked from", "Search", "The six CX disciplines"):
        assert chrome not in text, chrome


def test_the_theme_print_view_has_every_article_of_the_theme_each_on_new_pages(page, site, base_url, tmp_path):
    expected = sorted(m["title"] for m in articles().values() if "omnichannel" in m["themes"])
    page_html = (site / "print" / "omnichannel" / "index.html").read_text(encoding="utf-8")
    titles = re.findall(r'<section class="kb-print-article"><h1>(.*?)</h1>', page_html)
    assert sorted(t.replace("&#x27;", "'") for t in titles) == expected
    tab = page
    tab.goto(base_url + "themes/omnichannel/")
    tab.get_by_role("link", name=re.compile("Print this theme")).click()
    tab.wait_for_url("**/print/omnichannel/")
    pdf = tmp_path / "theme.pdf"
    text = pdf_text(tab, tab.url, pdf)
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", pages).group(1)) >= len(expected)
    for title in expected:
        assert title in text
    # Each article starts a page: its title is the first line of some page.
    starts = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout.split("\f")
    first_lines = [next((line.strip() for line in page.splitlines() if line.strip()), "") for page in starts]
    for title in expected[1:]:
        assert any(line.startswith(title[:30]) for line in first_lines), title


_ALL_LINKS = "() => [...document.querySelectorAll('.md-search-result__list a.md-search-result__link')].map(a => a.href)"


def _site_relative(href: str, root: str) -> str:
    """A result link as a site path: file:///.../x.html and http://host/x/ alike."""
    path = href.split("?")[0].split("#")[0][len(root) :]
    fragment = href.split("#")[1] if "#" in href else ""
    path = re.sub(r"(^|/)index\.html$", r"\1", path)
    path = re.sub(r"\.html$", "/", path)
    return f"{path}#{fragment}" if fragment else path


def test_the_offline_edition_finds_what_the_site_finds(page, offline_site, base_url):
    """The same queries, from file:// (the whole index inline) and from the
    server (the index in parts): the same results in the same order."""
    from kb.tools import search_eval

    queries = [q.query for q in search_eval.load()][::7] + ["theme:journey customers", "discipline:connect"]
    found = {}
    for name, url, root in (
        ("offline", (offline_site / "index.html").as_uri(), offline_site.as_uri() + "/"),
        ("served", base_url, base_url),
    ):
        page.goto(url)
        page.locator(".md-search__input").first.click()
        found[name] = []
        for q in queries:
            page.evaluate(search_eval._RUN_QUERY, q)  # waits for this query's results
            found[name].append([_site_relative(h, root) for h in page.evaluate(_ALL_LINKS)])
    assert all(found["served"]), [q for q, r in zip(queries, found["served"], strict=True) if not r]
    assert found["offline"] == found["served"]


def test_the_mcp_server_serves_the_offline_edition_from_its_files(offline_site):
    """`python -m kb mcp --site` an unzipped offline edition: its records
    carry the hosted addresses, its twins are articles/<slug>.md beside the
    pages, its search index is inline in the stub; a passage is found by its
    id, its hosted URL or the file a reader has open."""
    from concurrent.futures import ThreadPoolExecutor

    from kb import engine, mcp_server

    site = mcp_server.Site.open(offline_site)
    assert site.base.startswith("http") and all(r["url"].startswith(site.base) for r in site.passages)
    for article in site.articles():
        twin = site.twin(article)
        assert twin.endswith(".md") and not twin.endswith("/index.md"), twin
        assert site.read_text(twin).startswith(f"---\ntitle: {article['title'][:20]}")
    record = site.passages[0]
    page = record["url"].removeprefix(site.base).split("#")[0].rstrip("/") + ".html"
    assert site.find((offline_site / page).as_uri() + "#" + record["id"]) == record
    assert site.find(record["url"]) == site.find(record["id"]) == record

    def first_hit():  # off this thread's event loop (V8's promises)
        ranker = engine.Ranker.for_site(site.path)
        try:
            return mcp_server.search(site, ranker, "Disney Institute", limit=1)
        finally:
            ranker.close()

    with ThreadPoolExecutor(1) as pool:
        (hit,) = pool.submit(first_hit).result()
    assert "/articles/can-we-afford-to-miss-customer-experience/#p-" in hit["url"], hit
