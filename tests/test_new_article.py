"""The add-an-article workflow: scaffold, then build."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import yaml
from early import early

from kb.devtools import build_site, copy_project


def scaffold(project: Path, *args: str) -> subprocess.CompletedProcess:
    # The tool works on the project in the current folder.
    return subprocess.run(
        [sys.executable, "-m", "kb", "new", *args],
        cwd=project,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )


@early
def added(tmp_path_factory):
    """A copy of the project with two articles added the two ways, one
    scaffolded from the command line and one imported from pasted text, then
    built once."""
    tmp_path = tmp_path_factory.mktemp("new-article")
    project = copy_project(tmp_path / "p")
    scaffolded = scaffold(
        project,
        "Service Recovery: When Things Go Wrong",
        "--author",
        "Jane Doe",
        "--source",
        "example.org",
        "--published",
        "2024-05-01",
        "--themes",
        "journey,culture",
    )
    pasted = tmp_path / "pasted.txt"
    pasted.write_text(
        "Why Loyalty Is Earned\n\nWe adοpt a new view.Â\n\n  •  First point\n  •  Second point\n\nLeave a comment\n",
        encoding="utf-8",
    )
    imported = scaffold(project, "--from-text", str(pasted), "--author", "A. Writer")
    built = build_site(project, tmp_path / "site")
    return project, tmp_path / "site", scaffolded, imported, built


def test_a_scaffolded_article_builds_and_shows_its_attribution(added):
    project, site, result, _, built = added
    assert result.returncode == 0, result.stderr
    path = project / "docs/articles/service-recovery-when-things-go-wrong.md"
    meta = yaml.safe_load(path.read_text().split("\n---", 1)[0][3:])
    assert meta["title"] == "Service Recovery: When Things Go Wrong"
    assert meta["themes"] == ["journey", "culture"] and meta["author"] == "Jane Doe"
    assert built.returncode == 0, built.stderr
    page = (site / "articles/service-recovery-when-things-go-wrong/index.html").read_text()
    assert "Jane Doe" in page and 'datetime="2024-05-01"' in page

    # It is listed on the theme pages it names, and on no other.
    def listing(theme):
        html = (site / f"themes/{theme}/index.html").read_text()
        start = html.index('class="kb-article-list"')
        return html[start : html.index("</ul>", start)]

    assert "service-recovery-when-things-go-wrong" in listing("journey")
    assert "service-recovery-when-things-go-wrong" not in listing("omnichannel")


def test_importing_a_pasted_article_repairs_it(added):
    project, site, _, result, built = added
    assert result.returncode == 0, result.stderr
    text = (project / "docs/articles/why-loyalty-is-earned.md").read_text()
    assert "We adopt a new view." in text and "Â" not in text and "Leave a comment" not in text
    assert "- First point\n- Second point" in text
    assert built.returncode == 0, built.stderr
    assert (site / "articles/why-loyalty-is-earned/index.html").exists()


def test_the_scaffold_refuses_bad_input(tmp_path):
    project = copy_project(tmp_path / "p")
    bad_theme = scaffold(project, "A Title", "--themes", "jouney")
    assert bad_theme.returncode == 2 and "unknown theme(s) jouney; use: culture, journey" in bad_theme.stderr
    bad_date = scaffold(project, "A Title", "--published", "20.2.2017")
    assert bad_date.returncode == 2 and "not a date as YYYY-MM-DD" in bad_date.stderr
    existing = scaffold(project, "Is Customer Experience New?")
    assert existing.returncode == 2 and "already exists" in existing.stderr
