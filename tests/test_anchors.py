"""Links never rot: published anchors and URLs keep working after edits."""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest
from early import early
from hypothesis import given, settings
from hypothesis import strategies as st

from kb import pipeline
from kb.devtools import ROOT, build_site, copy_project

from conftest import MOVED

ARTICLE = "docs/articles/is-customer-experience-new.md"


def registry() -> dict[str, list[str]]:
    return json.loads((ROOT / "anchors.json").read_text(encoding="utf-8"))["pages"]


def test_every_published_anchor_is_in_the_registry(site):
    published = json.loads((site / "anchors.json").read_text(encoding="utf-8"))["pages"]
    missing = {url: sorted(set(a) - set(registry().get(url, []))) for url, a in published.items()}
    missing = {url: a for url, a in missing.items() if a}
    assert not missing, f"new anchors are not in anchors.json: run `make anchors` and commit it. {missing}"


def test_every_registered_anchor_exists_in_the_built_site(site):
    for url, anchors in registry().items():
        page = (site / url / "index.html").read_text(encoding="utf-8")
        for anchor in anchors:
            assert f'id="{anchor}"' in page, f"/{url}#{anchor}"


def broken_copy(tmp_path: Path, edit) -> tuple[Path, object]:
    project = copy_project(tmp_path / "project")
    edit(project)
    return project, build_site(project, tmp_path / "site")


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@early
def renamed_heading_build(tmp_path_factory):
    def rename(p):
        return replace_in(p / ARTICLE, "## Getting CX Right", "## Getting customer experience right")

    return broken_copy(tmp_path_factory.mktemp("renamed"), rename)[1]


def test_renaming_a_heading_fails_the_build_clearly(renamed_heading_build):
    result = renamed_heading_build
    assert result.returncode != 0
    assert (
        f"{ARTICLE}: the published anchor '/articles/is-customer-experience-new/#getting-cx-right' is gone"
        in result.stderr
    )
    assert "add '{ #getting-cx-right }'" in result.stderr


# The same checks at the function level (kb.pipeline: what the build runs,
# without MkDocs), for the edits that must pass.


@pytest.fixture(scope="module")
def sources() -> dict[str, str]:
    return pipeline.read_sources(ROOT / "docs")


@functools.cache
def config() -> pipeline.Config:
    """One configuration for the module: the pipeline reuses the conversion
    of every page that did not change."""
    return pipeline.load_config()


def registry_check(sources: dict[str, str], redirects: dict[str, str] | None = None) -> tuple[list[str], dict]:
    """The problems of `sources` checked against the project's anchors.json
    (with mkdocs.yml's `redirects`), and the pages."""
    kb, pages = pipeline.run_build(sources, config())
    kb.check_registry(ROOT / "anchors.json", redirects or {})
    return [str(p) for p in kb.problems], pages


def registry_problems(sources: dict[str, str], old: str, new: str) -> tuple[list[str], dict[str, str]]:
    """registry_check of the sources with `old` replaced by `new` in ARTICLE."""
    src = ARTICLE.removeprefix("docs/")
    assert old in sources[src]
    return registry_check({**sources, src: sources[src].replace(old, new)})


def test_the_registry_check_notices_a_lost_heading_id(sources):
    problems, _ = registry_problems(sources, "## Getting CX Right", "## Getting customer experience right")
    assert any("'/articles/is-customer-experience-new/#getting-cx-right' is gone" in p for p in problems), problems


def test_pinning_the_old_id_keeps_a_renamed_heading(sources):
    problems, _ = registry_problems(
        sources, "## Getting CX Right", "## Getting customer experience right { #getting-cx-right }"
    )
    assert problems == []


def test_an_alias_keeps_a_renamed_heading_reachable(sources):
    problems, pages = registry_problems(
        sources, "## Getting CX Right", '## Getting customer experience right { aliases="getting-cx-right" }'
    )
    assert problems == []
    page = pages[ARTICLE.removeprefix("docs/")]
    heading = re.search(r'<h2 id="getting-customer-experience-right">(.*?)</h2>', page).group(1)
    assert '<span class="kb-alias" id="getting-cx-right"></span>' in heading


def test_editing_a_paragraph_keeps_every_id(sources):
    # Rewrite the end of one paragraph and add a new one: no published id moves.
    problems, _ = registry_problems(
        sources,
        "It truly is not easy to get right, but there are steps you can take to get closer.",
        "It is hard, and there are steps that help.",
    )
    assert problems == []
    problems, _ = registry_problems(
        sources, "## Getting CX Right\n", "## Getting CX Right\n\nA brand new first paragraph.\n"
    )
    assert problems == []


def test_moving_a_page_without_a_redirect_is_reported(sources):
    old, new = MOVED
    moved = {
        (f"articles/{new}.md" if src == f"articles/{old}.md" else src): text.replace(f"{old}.md", f"{new}.md")
        for src, text in sources.items()
    }
    problems, _ = registry_check(moved)
    assert any(
        f"the published page '/articles/{old}/' no longer exists" in p and "redirect_maps" in p for p in problems
    )
    # With the redirect, nothing is lost.
    assert registry_check(moved, {f"articles/{old}.md": f"articles/{new}.md"})[0] == []


def test_a_moved_page_with_a_redirect_keeps_old_links_working(edited_site, page):
    old, new = MOVED
    _, base = edited_site
    tab = page
    tab.goto(f"{base}articles/{old}/#p-but-if-you-do-it")
    tab.wait_for_url(f"{base}articles/{new}/#p-but-if-you-do-it")
    tab.wait_for_function(
        "() => { const el = document.getElementById('p-but-if-you-do-it'); if (!el) return false;"
        " const r = el.getBoundingClientRect(); return r.top >= 0 && r.top < innerHeight; }",
        timeout=5000,
    )


def test_every_page_has_link_preview_meta(site, port):
    from kb.htmltext import built_pages

    for path in built_pages(site):
        if path.name == "404.html":
            continue
        page = path.read_text(encoding="utf-8")
        url = f"http://127.0.0.1:{port}/" + str(path.parent.relative_to(site)).replace(".", "").strip("/")
        for prop in ("og:title", "og:description", "og:site_name", "twitter:card", "twitter:title"):
            assert re.search(rf'(property|name)="{prop}" content="[^"]+"', page), f"{path}: {prop}"
        canonical = re.search(r'property="og:url" content="([^"]+)"', page).group(1)
        assert canonical.rstrip("/") == url.rstrip("/"), path


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(st.text(), st.dictionaries(st.text(), st.text(), max_size=4), max_size=5))
def test_the_registry_file_is_what_json_writes_indented(pages):
    """Property: anchors.dumps (made from strings, for speed at 10,000
    articles) is byte for byte json.dumps(indent=1, ensure_ascii=False) of
    the sorted registry, whatever the URLs, anchors and fingerprints hold
    (quotes, backslashes, control characters, any Unicode), empty ones too."""
    from kb import anchors

    expected = {
        "about": anchors._ABOUT,
        "pages": {url: dict(sorted(a.items())) for url, a in sorted(pages.items())},
    }
    assert anchors.dumps(pages) == json.dumps(expected, indent=1, ensure_ascii=False) + "\n"
    assert json.loads(anchors.dumps(pages))["pages"] == pages


def test_published_anchors_are_made_once_per_build_and_again_for_the_next():
    from types import SimpleNamespace

    from kb import checks
    from kb.passages import PageRecord, Passage

    record = PageRecord("a.md", "", True, [Passage("p-one", "p", "One.", None, None)], headings=[("h", "H")])
    record.fingerprints["p-one"] = "f1"
    index = SimpleNamespace(records={"a.md": record}, urls={"a.md": "a/"})
    first = checks.published_anchors(index)
    assert first == {"a/": {"h": "", "p-one": "f1"}}
    assert checks.published_anchors(SimpleNamespace(records=index.records, urls=index.urls)) is first
    # The next build: its own records.
    again = PageRecord("a.md", "", True, [Passage("p-two", "p", "Two.", None, None)])
    assert checks.published_anchors(SimpleNamespace(records={"a.md": again}, urls=index.urls)) == {"a/": {"p-two": ""}}
