"""Function level: the git history reader (kb/gitdates.py) on small real
repositories (renames, deletions, shallow clones, no git), and the feed
writer (kb/feeds.py) on hostile and arbitrary front matter; the check of
KB_OFFLINE_ZIP (kb/published.py). The site built
with a back-dated history is in test_published.py."""

from __future__ import annotations

import datetime as dt
import html
import re
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kb import feeds, gitdates
from kb.articles import Article

from test_published import GIT, UTC, git, utc

pytestmark = pytest.mark.skipif(GIT is None, reason="git is not installed")


# -- gitdates, function level -----------------------------------------------------------


def small_repo(path: Path) -> Path:
    path.mkdir()
    git(path, "init", "-q")
    return path


def commit_all(repo: Path, when: str, message: str = "change") -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", message, date=when)


def test_a_pure_move_keeps_the_date_an_edited_move_takes_its_own(tmp_path):
    repo = small_repo(tmp_path / "repo")
    docs = repo / "docs"
    (docs / "a").mkdir(parents=True)
    text = "".join(f"line {i} of a page long enough for git to see a rename\n" for i in range(20))
    (docs / "a" / "moved.md").write_text(text)
    (docs / "a" / "edited.md").write_text(text.replace("line", "row"))
    (docs / "gone.md").write_text("deleted later\n")
    commit_all(repo, "2020-01-01T00:00:00+00:00")
    (docs / "a" / "moved.md").write_text(text + "one more line\n")
    commit_all(repo, "2020-06-01T00:00:00+00:00")
    (docs / "b").mkdir()
    (docs / "a" / "moved.md").rename(docs / "b" / "moved.md")  # a pure move
    (docs / "a" / "edited.md").rename(docs / "b" / "edited.md")
    (docs / "b" / "edited.md").write_text(text.replace("line", "row") + "and an edit\n")
    (docs / "gone.md").unlink()
    commit_all(repo, "2021-01-01T00:00:00+00:00")
    (docs / "gone.md").write_text("a new file under an old name\n")
    commit_all(repo, "2022-01-01T00:00:00+00:00")
    history = gitdates.read(docs)
    assert history.note is None
    assert history.updated_date("b/moved.md") == dt.date(2020, 6, 1)
    assert history.added["b/moved.md"] == utc("2020-01-01T00:00:00+00:00")
    assert history.updated_date("b/edited.md") == dt.date(2021, 1, 1)
    assert history.updated_date("gone.md") == dt.date(2022, 1, 1)
    assert history.added["gone.md"] == utc("2022-01-01T00:00:00+00:00")
    assert "a/moved.md" not in history.updated and "a/edited.md" not in history.updated


def test_a_shallow_clone_leaves_what_it_cannot_know_undated(tmp_path):
    repo = small_repo(tmp_path / "repo")
    (repo / "docs").mkdir()
    (repo / "docs" / "old.md").write_text("old\n")
    (repo / "docs" / "new.md").write_text("new\n")
    commit_all(repo, "2020-01-01T00:00:00+00:00")
    (repo / "docs" / "old.md").write_text("old, edited\n")
    commit_all(repo, "2021-01-01T00:00:00+00:00")
    (repo / "docs" / "new.md").write_text("new, edited\n")
    commit_all(repo, "2022-01-01T00:00:00+00:00")
    clone = tmp_path / "clone"
    subprocess.run([GIT, "clone", "-q", "--depth", "1", repo.as_uri(), str(clone)], check=True, capture_output=True)
    history = gitdates.read(clone / "docs")
    # The cut commit is the 2022 one: new.md changed in it (but so might have,
    # as far as this clone knows, old.md): neither can be dated.
    assert history.updated == {} and history.added == {}
    assert "shallow clone" in history.note
    deeper = tmp_path / "deeper"
    subprocess.run([GIT, "clone", "-q", "--depth", "2", repo.as_uri(), str(deeper)], check=True, capture_output=True)
    history = gitdates.read(deeper / "docs")
    assert history.updated_date("new.md") == dt.date(2022, 1, 1)
    assert "old.md" not in history.updated and "1 file(s)" in history.note


def test_no_git_program_and_no_repository_are_said_plainly(tmp_path):
    (tmp_path / "docs").mkdir()
    assert "no '/nonexistent/git' program" in gitdates.read(tmp_path / "docs", git="/nonexistent/git").note
    history = gitdates.read(tmp_path / "docs")
    assert history.updated == {} and "not a git repository" in history.note
    empty = small_repo(tmp_path / "empty")
    assert gitdates.read(empty).updated == {} and gitdates.read(empty).note


# -- feeds, function level -------------------------------------------------------------


HOSTILE = [
    "</title><script>alert(1)</script>",
    "]]> & <![CDATA[ x",
    "Tom & Jerry <b>bold</b> &amp; \"quoted\" 'single'",
    "control \x00\x01\x08\x0b\x0c\x1b characters",
    "a lone surrogate \ud800 here",
    "right-to-left \u202e override and \ufffe noncharacter",
    "x" * 5000,
]
KEEP = re.compile("[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value: str) -> str:
    """`value` as an XML parser reads it back: what XML 1.0 cannot carry
    dropped, line ends as \\n."""
    return "".join(KEEP.findall(value)).replace("\r\n", "\n").replace("\r", "\n")


def write_feeds(tmp_path: Path, articles: dict[str, Article], themes: dict[str, str], site_name="Site") -> None:
    urls = {src: src.removesuffix(".md") + "/" for src in articles}
    history = gitdates.History(
        updated={src: dt.datetime(2020, 1, 1 + i, tzinfo=UTC) for i, src in enumerate(articles)},
        added={src: dt.datetime(2019, 1, 1 + i, tzinfo=UTC) for i, src in enumerate(articles)},
    )
    feeds.write(tmp_path, "https://example.org/kb/", site_name, articles, urls, themes, history)


def test_hostile_front_matter_reads_back_as_text_in_both_feeds(tmp_path):
    articles = {
        f"articles/a{i}.md": Article(f"articles/a{i}.md", text, text, ["t"], author=text)
        for i, text in enumerate(HOSTILE)
    }
    write_feeds(tmp_path, articles, {"t": HOSTILE[0]}, site_name=HOSTILE[2])
    for name in (feeds.CREATED, feeds.UPDATED):
        root = ET.parse(tmp_path / name).getroot()  # well-formed XML, or this raises
        items = {item.findtext("link"): item for item in root.iter("item")}
        assert len(items) == len(HOSTILE)
        for src, article in articles.items():
            item = items[f"https://example.org/kb/{src.removesuffix('.md')}/"]
            assert item.findtext("title") == xml_text(article.title)
            assert item.findtext(f"{{{feeds.DC}}}creator") == xml_text(article.author)
            # Read as HTML by feed readers: escaped once more, so it shows as written.
            assert html.unescape(item.findtext("description")) == xml_text(article.description)
            assert item.findtext("category") == xml_text(HOSTILE[0])
        assert root.find("channel").findtext("title").startswith(xml_text(HOSTILE[2]))
        import feedparser

        assert not feedparser.parse((tmp_path / name).read_bytes()).bozo


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.text(max_size=80), min_size=1, max_size=4))
def test_any_text_makes_well_formed_feeds(tmp_path, texts):
    articles = {
        f"articles/a{i}.md": Article(f"articles/a{i}.md", t, t, ["t"], author=t or None) for i, t in enumerate(texts)
    }
    write_feeds(tmp_path, articles, {"t": texts[0]})
    for name in (feeds.CREATED, feeds.UPDATED):
        root = ET.parse(tmp_path / name).getroot()
        titles = sorted(item.findtext("title") or "" for item in root.iter("item"))
        assert titles == sorted(xml_text(t) for t in texts)


def test_a_missing_offline_zip_fails_the_build_with_the_fix():
    from kb import published
    from kb.problems import Problems

    problems = Problems()
    published.check_offline_zip(Path("/nonexistent/cx.zip"), problems)
    (problem,) = problems
    assert "KB_OFFLINE_ZIP" in problem.what and "python -m kb offline" in problem.fix
