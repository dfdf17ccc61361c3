"""The engine that builds and serves the site: MkDocs, or ProperDocs (the
maintained MkDocs 1.x fork) when KB_ENGINE=properdocs (README "Past MkDocs
1.6"; `make test-properdocs` runs this file and the content, preview and
browser tests with it)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from kb import build
from kb.devtools import ENGINES, ROOT, engine

# The tests pass KB_ENGINE in `env`: the session's builds run in the
# background (tests/early.py) and read this process's environment.


def test_mkdocs_is_the_default_engine():
    for env in ({}, {"KB_ENGINE": ""}):
        assert engine("build", "--strict", env=env) == [sys.executable, "-m", "mkdocs", "build", "--strict"]


def test_properdocs_builds_the_same_mkdocs_yml():
    """ProperDocs looks for properdocs.yml first: the command names mkdocs.yml."""
    command = engine("serve", "--dirty", env={"KB_ENGINE": "properdocs"})
    assert command[:5] == [sys.executable, "-m", "properdocs", "serve", "--dirty"]
    assert command[command.index("--config-file") + 1] == "mkdocs.yml"


@pytest.mark.parametrize("bad", ["hugo", "MkDocs", " properdocs", "mkdocs;rm -rf /"])
def test_an_unknown_engine_is_refused_with_the_fix(bad):
    with pytest.raises(SystemExit) as refused:
        engine("build", env={"KB_ENGINE": bad})
    message = str(refused.value)
    assert f"KB_ENGINE={bad!r}" in message and "Fix: set KB_ENGINE to mkdocs or properdocs" in message


def test_a_tool_given_an_unknown_engine_stops_with_one_line_and_no_traceback():
    """What a contributor meets: `KB_ENGINE=hugo python -m kb mcp`."""
    run = subprocess.run(
        [sys.executable, "-m", "kb", "mcp"],
        cwd=ROOT,
        env={**os.environ, "KB_ENGINE": "hugo"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode != 0
    assert "KB_ENGINE='hugo' names no engine" in run.stderr and "Traceback" not in run.stderr, run.stderr
    assert run.stdout == ""


@pytest.mark.parametrize("name", ENGINES)
def test_each_engine_is_installed(name):
    """Both engines are pinned in requirements.txt and run as `python -m NAME`."""
    run = subprocess.run([sys.executable, "-m", name, "--version"], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "version 1.6." in run.stdout, run.stdout + run.stderr


def test_the_site_was_built_by_the_engine_kb_engine_names(site):
    """`make test-properdocs` really tests ProperDocs' build: the generator
    each page names is the engine's."""
    generator = (site / "index.html").read_text(encoding="utf-8").split('name="generator" content="', 1)[1]
    generator = generator.split('"', 1)[0]
    if os.environ.get("KB_ENGINE") == "properdocs":
        assert generator.startswith("mkdocs-ProperDocs 1.6."), generator
    else:
        assert generator.startswith("mkdocs-1.6."), generator


def test_a_rebuild_finds_the_previous_build_however_the_config_file_is_named(tmp_path, monkeypatch):
    """`properdocs serve --config-file mkdocs.yml` names the file "mkdocs.yml"
    on the first build and by its absolute path on every rebuild: a preview
    rebuild (--dirty) must still find the build before it."""
    monkeypatch.chdir(tmp_path)
    session = build.Session()
    monkeypatch.setattr(build.pagecache, "code_fingerprint", lambda: "code")
    first = session.begin("mkdocs.yml", {})
    session.finished("mkdocs.yml")
    second = session.begin(str(tmp_path / "mkdocs.yml"), {})
    assert second.previous is first
    assert session.current("mkdocs.yml") is second
    assert session.begin(str(tmp_path / "other" / "mkdocs.yml"), {}).previous is None
