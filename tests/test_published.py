"""The site as the deploy workflow publishes it: true dates and valid feeds
from the git history (kb/gitdates.py, kb/feeds.py), and the offline edition
offered for download.

A scratch copy of the project is made a real git repository with back-dated
commits (GIT_AUTHOR_DATE / GIT_COMMITTER_DATE), then built, as the workflow
does, with the offline edition's zip (KB_OFFLINE_ZIP) and with a `git` on
PATH that records how it is called: "Last updated" under each page, the
sitemap's <lastmod>, and both feeds (read with feedparser, as a feed reader
does, and as XML) must carry the dates of that history, from one `git log`;
the home page must offer the zip, and the download must be that zip.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from early import early

from kb.devtools import ROOT, build_site, copy_project, free_port, serve
from kb.htmltext import page_urls

UTC = dt.UTC
# Published addresses: a test of their staying put, so written out here.
CREATED, UPDATED = "feed_rss_created.xml", "feed_rss_updated.xml"
OFFLINE_ZIP = "cx-knowledge-base-offline.zip"
DC = "http://purl.org/dc/elements/1.1/"
GIT = shutil.which("git")
pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")

# The scratch history: (author date, committer date, what the commit does).
FIRST = "2021-01-05T10:00:00+00:00"  # everything
EDIT_A = "2022-02-10T09:30:00+01:00"  # article A's description (committed a year later)
EDIT_A_COMMITTED = "2023-01-01T00:00:00+00:00"
EDIT_B = "2023-03-15T23:30:00-05:00"  # article B's description and the home page: 16 March in UTC
OUTSIDE = "2024-06-01T12:00:00+00:00"  # a file outside docs/: no page changes
A = "is-customer-experience-new"
B = "customer-experience-in-the-digital-era"
UNDATED = "relook-at-customer-experience-with-new-lens"  # published/added removed: dated by its first commit


def git(repo: Path, *args: str, date: str | None = None, committed: str | None = None) -> str:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo)}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": committed or date}
    command = [GIT, "-c", "user.name=Editor", "-c", "user.email=editor@127.0.0.1", "-c", "commit.gpgsign=false"]
    return subprocess.run([*command, *args], cwd=repo, env=env, check=True, capture_output=True, text=True).stdout


def edit_front_matter(path: Path, **changes) -> None:
    _, front, body = path.read_text(encoding="utf-8").split("---\n", 2)
    meta = yaml.safe_load(front)
    for key, value in changes.items():
        if value is None:
            meta.pop(key, None)
        else:
            meta[key] = value
    dumped = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    path.write_text("---\n" + dumped + "---\n" + body, encoding="utf-8")


def git_recorder(folder: Path) -> tuple[Path, Path]:
    """A `git` that writes each call's arguments to a file, then runs git."""
    folder.mkdir()
    calls = folder / "calls.txt"
    shim = folder / "git"
    shim.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{calls}"\nexec "{GIT}" "$@"\n', encoding="utf-8")
    shim.chmod(0o755)
    return folder, calls


@early
def published_build(tmp_path_factory, offline_zip):
    """(project, site folder, port, git calls, build result) of the back-dated
    copy, built with the offline edition."""
    work = tmp_path_factory.mktemp("history")
    project = copy_project(work / "project")
    docs = project / "docs"
    edit_front_matter(docs / "articles" / f"{UNDATED}.md", published=None, added=None)
    git(project, "init", "-q")
    git(project, "add", "-A")
    git(project, "commit", "-qm", "The knowledge base", date=FIRST)
    edit_front_matter(docs / "articles" / f"{A}.md", description="A new description, written in 2022.")
    git(project, "commit", "-qam", "Edit A", date=EDIT_A, committed=EDIT_A_COMMITTED)
    edit_front_matter(docs / "articles" / f"{B}.md", description="A new description, written in 2023.")
    with open(docs / "index.md", "a", encoding="utf-8") as home:
        home.write("\n<!-- edited -->\n")
    git(project, "commit", "-qam", "Edit B and the home page", date=EDIT_B)
    (project / "notes.txt").write_text("not a page\n", encoding="utf-8")
    git(project, "add", "notes.txt")
    git(project, "commit", "-qm", "A note outside docs", date=OUTSIDE)
    shim, calls = git_recorder(work / "bin")
    port = free_port()
    env = {
        "SITE_URL": f"http://127.0.0.1:{port}/",
        "PATH": f"{shim}{os.pathsep}{os.environ['PATH']}",
        "KB_OFFLINE_ZIP": str(offline_zip),
    }
    result = build_site(project, work / "site", env)
    return project, work / "site", port, calls.read_text().split("\n")[:-1] if calls.exists() else [], result


@pytest.fixture(scope="module")
def history(published_build):
    project, site, port, calls, result = published_build
    assert result.returncode == 0, result.stderr[-3000:]
    return project, site, port, calls


def utc(stamp: str) -> dt.datetime:
    return dt.datetime.fromisoformat(stamp).astimezone(UTC)


def expected_updates(project: Path) -> dict[str, dt.datetime]:
    """Page URL -> when its source last changed, by the history written above."""
    out = {}
    for source in sorted((project / "docs").rglob("*.md")):
        src = source.relative_to(project / "docs").as_posix()
        url = "" if src == "index.md" else src.removesuffix("index.md").removesuffix(".md").rstrip("/") + "/"
        out[url] = utc(FIRST)
    out[f"articles/{A}/"] = utc(EDIT_A)
    out[f"articles/{B}/"] = utc(EDIT_B)
    out[""] = utc(EDIT_B)
    return out


def shown_update(site: Path, url: str) -> str | None:
    text = (site / url / "index.html").read_text(encoding="utf-8")
    found = re.search(
        r'class="md-source-file__fact kb-updated">Last updated\s*<time datetime="([\d-]+)">([^<]*)<', text
    )
    return found and (found.group(1), found.group(2))


# -- Last updated -------------------------------------------------------------------


def test_last_updated_is_the_last_commit_that_changed_each_page(history):
    project, site, _, _ = history
    wrong = {}
    for url, when in expected_updates(project).items():
        day = when.date()
        expected = (day.isoformat(), f"{day.day} {day:%B %Y}")
        if shown_update(site, url) != expected:
            wrong[url] = (shown_update(site, url), expected)
    assert not wrong, wrong
    # Generated pages have no source, so no date (rather than the build's).
    for url in page_urls(site):
        if url.startswith("/print/"):
            assert shown_update(site, url.strip("/")) is None, url


def test_the_history_is_read_by_one_git_log_whatever_the_number_of_pages(history):
    _, site, _, calls = history
    logs = [c for c in calls if re.search(r"(^|\s)log(\s|$)", c)]
    assert len(logs) == 1, calls
    assert len(calls) <= 2, calls  # the log, and one rev-parse (is it a shallow clone?)
    assert len(page_urls(site)) > 10


def test_the_sitemap_dates_each_page_by_its_source(history):
    project, site, port, _ = history
    sitemap = ET.parse(site / "sitemap.xml").getroot()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    base = f"http://127.0.0.1:{port}/"
    lastmod = {
        u.find("s:loc", ns).text.removeprefix(base): getattr(u.find("s:lastmod", ns), "text", None)
        for u in sitemap.findall("s:url", ns)
    }
    expected = {url: when.date().isoformat() for url, when in expected_updates(project).items()}
    assert lastmod == {url: expected[url] for url in lastmod}
    assert set(lastmod) >= {"", f"articles/{A}/", "glossary/"}


@pytest.fixture(scope="module")
def published_site(history):
    project, site, port, _ = history
    server = serve(site, port)
    yield f"http://127.0.0.1:{port}/"
    server.shutdown()


def test_a_reader_sees_when_the_article_last_changed(page, published_site):
    page.goto(published_site + f"articles/{A}/")
    facts = page.locator(".kb-page-facts .kb-updated")
    assert " ".join(facts.inner_text().split()) == "Last updated 10 February 2022"
    assert facts.locator("time").get_attribute("datetime") == "2022-02-10"


def test_this_checkouts_pages_are_dated_by_their_last_commit(site):
    """The site the suite builds from this repository: each page's date is
    what `git log -1` says of its source."""
    if subprocess.run([GIT, "rev-parse"], cwd=ROOT, capture_output=True).returncode != 0:
        pytest.skip("this copy of the project is not a git checkout")
    if (
        subprocess.run(
            [GIT, "rev-parse", "--is-shallow-repository"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        == "true"
    ):
        pytest.skip("a shallow clone: older pages are deliberately undated")
    for src, url in (
        ("docs/glossary.md", "glossary"),
        (f"docs/articles/{A}.md", f"articles/{A}"),
        ("docs/index.md", ""),
    ):
        stamp = subprocess.run(
            [GIT, "log", "-1", "--format=%aI", "--", src], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        if not stamp or subprocess.run([GIT, "diff", "--quiet", "HEAD", "--", src], cwd=ROOT).returncode:
            continue  # not committed yet, or edited since: the test's own checkout is mid-change
        assert shown_update(site, url)[0] == utc(stamp).date().isoformat(), src


# -- feeds ---------------------------------------------------------------------------------------


def theme_titles() -> dict[str, str]:
    out = {}
    for path in (ROOT / "docs" / "themes").glob("*.md"):
        if path.name != "index.md":
            out[path.stem] = yaml.safe_load(path.read_text(encoding="utf-8").split("---\n", 2)[1])["title"]
    return out


def article_meta(project: Path) -> dict[str, dict]:
    return {
        p.stem: yaml.safe_load(p.read_text(encoding="utf-8").split("---\n", 2)[1])
        for p in (project / "docs" / "articles").glob("*.md")
        if p.name != "index.md"
    }


def read_feed(site: Path, name: str):
    import feedparser

    raw = (site / name).read_bytes()
    parsed = feedparser.parse(raw)
    assert not parsed.bozo, parsed.get("bozo_exception")
    return parsed, ET.fromstring(raw)


def slug_of(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[-1]


def test_both_feeds_are_valid_with_their_own_titles_names_and_theme_titles(history):
    project, site, port, _ = history
    metas, titles = article_meta(project), theme_titles()
    seen_titles = set()
    for name in (CREATED, UPDATED):
        parsed, root = read_feed(site, name)
        raw = (site / name).read_text(encoding="utf-8")
        assert "None" not in raw and "<author>" not in raw  # no <url>None</url>; names are not addresses
        assert parsed.version == "rss20"
        seen_titles.add(parsed.feed.title)
        assert parsed.feed.link == f"http://127.0.0.1:{port}/"
        for image in root.iter("image"):
            assert image.findtext("url", "").startswith("http"), ET.tostring(image)
        assert len(parsed.entries) == len(metas)
        for entry, item in zip(parsed.entries, root.iter("item"), strict=True):
            meta = metas[slug_of(entry.link)]
            assert entry.title == meta["title"]
            assert (site / entry.link.split(str(port), 1)[1].strip("/") / "index.html").exists()
            creator = item.findtext(f"{{{DC}}}creator")
            assert creator == meta.get("author"), entry.title
            assert sorted(t.term for t in entry.tags) == sorted(titles[t] for t in meta["themes"])
            assert html.unescape(entry.summary) == meta["description"]
    assert seen_titles == {"CX Knowledge Base: new articles", "CX Knowledge Base: updated articles"}


def test_the_updated_feed_dates_each_article_by_its_last_commit(history):
    project, site, _, _ = history
    parsed, _ = read_feed(site, UPDATED)
    expected = {
        slug_of(u): when
        for u, when in expected_updates(project).items()
        if u.startswith("articles/") and u != "articles/"
    }
    got = {slug_of(e.link): dt.datetime(*e.published_parsed[:6], tzinfo=UTC) for e in parsed.entries}
    assert got == expected
    stamps = [dt.datetime(*e.published_parsed[:6]) for e in parsed.entries]
    assert stamps == sorted(stamps, reverse=True), "newest change first"
    assert slug_of(parsed.entries[0].link) == B
    # An update of an article is news of its own: its id carries the date.
    assert len({e.id for e in parsed.entries}) == len(parsed.entries)
    assert parsed.entries[0].id.endswith(utc(EDIT_B).isoformat())
    assert dt.datetime(*parsed.feed.updated_parsed[:6], tzinfo=UTC) == utc(EDIT_B)


def test_the_new_articles_feed_dates_by_publication_else_addition_else_first_commit(history):
    project, site, _, _ = history
    parsed, _ = read_feed(site, CREATED)
    metas = article_meta(project)
    for entry in parsed.entries:
        meta = metas[slug_of(entry.link)]
        first = meta.get("published") or meta.get("added")
        expected = dt.datetime.combine(first, dt.time(), UTC) if first else utc(FIRST)
        assert dt.datetime(*entry.published_parsed[:6], tzinfo=UTC) == expected, entry.title
        assert entry.id == entry.link
    assert not (metas[UNDATED].get("published") or metas[UNDATED].get("added"))
    stamps = [e.published_parsed for e in parsed.entries]
    assert stamps == sorted(stamps, reverse=True), "newest first"


def test_every_page_announces_both_feeds(site):
    from kb.htmltext import built_pages

    for path in built_pages(site):
        head = path.read_text(encoding="utf-8").split("</head>", 1)[0]
        announced = re.findall(
            r'<link rel="alternate" type="application/rss\+xml" title="([^"]*)" href="[^"]*(feed_rss_\w+\.xml)"', head
        )
        assert sorted(announced) == [
            ("CX Knowledge Base: new articles", CREATED),
            ("CX Knowledge Base: updated articles", UPDATED),
        ], path


# -- the offline edition -----------------------------------------------------------------------


def test_the_home_page_offers_the_offline_edition_as_a_download(page, published_site, offline_zip, tmp_path):
    """On the hosted site the offline edition is one click away: the zip
    published with the site, the same bytes the offline build wrote."""
    page.goto(published_site)
    block = page.locator(".kb-offline")
    assert "make offline" not in block.inner_text()
    with page.expect_download() as download:
        block.get_by_role("link", name="Download the offline edition").click()
    saved = tmp_path / "downloaded.zip"
    download.value.save_as(saved)
    assert saved.read_bytes() == offline_zip.read_bytes()
    assert f"{offline_zip.stat().st_size / 1_000_000:.1f} MB" in block.inner_text()


def test_a_build_without_the_zip_says_where_the_offline_edition_is(site):
    from kb.htmltext import visible_text

    text = visible_text((site / "index.html").read_text(encoding="utf-8"))
    assert "make offline" not in text
    assert "offered for download here on the published site" in text
    assert not (site / OFFLINE_ZIP).exists()


def test_the_deploy_workflow_publishes_the_offline_edition_with_the_site():
    """What CI runs cannot be run here: check that the deploy build makes the
    zip first and hands it to the site build."""
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    steps = workflow["jobs"]["build-pages"]["steps"]
    build = next(step for step in steps if "mkdocs build" in step.get("run", ""))
    commands = [line.strip() for line in build["run"].splitlines()]
    assert commands.index("python -m kb offline") < next(
        i for i, c in enumerate(commands) if c.startswith("mkdocs build")
    )
    assert build["env"]["KB_OFFLINE_ZIP"] == "dist/" + OFFLINE_ZIP
    assert "OFFLINE_EDITION_URL" not in str(workflow.get("env", {})), "no link to a release that may not exist"
