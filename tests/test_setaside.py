"""Folders of many generated files kept across MkDocs' clean (kb/setaside.py)."""

from __future__ import annotations

from mkdocs.utils import clean_directory

from kb import setaside


def _files(root) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text() for p in sorted(root.rglob("*")) if p.is_file()}


def test_set_aside_folders_survive_the_clean_and_come_back(tmp_path):
    site = tmp_path / "site"
    for rel in ("search/abc/s/1.json", "search/search_index.json", "assets/cards/a.png", "index.html"):
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(rel)
    assert setaside.set_aside(site, ("search", "assets/cards", "missing")) == ["search", "assets/cards"]
    clean_directory(str(site))  # what MkDocs does next
    assert _files(site) == {
        ".kb-kept/assets/cards/a.png": "assets/cards/a.png",
        ".kb-kept/search/abc/s/1.json": "search/abc/s/1.json",
        ".kb-kept/search/search_index.json": "search/search_index.json",
    }
    (site / "search").mkdir()
    (site / "search/search_index.json").write_text("written by this build")
    assert setaside.take_back(site, "search")
    assert setaside.take_back(site, "assets/cards")
    assert not setaside.take_back(site, "assets/cards"), "nothing left to take back"
    assert _files(site) == {
        "assets/cards/a.png": "assets/cards/a.png",
        "search/abc/s/1.json": "search/abc/s/1.json",
        "search/search_index.json": "written by this build",
    }, "the build's own files win"


def test_what_is_not_taken_back_is_never_published(tmp_path):
    site = tmp_path / "site"
    (site / "search/abc").mkdir(parents=True)
    (site / "search/abc/x.json").write_text("{}")
    setaside.set_aside(site, ("search",))
    setaside.discard(site)  # the end of the build, failed or not
    assert not (site / setaside.FOLDER).exists()
    (site / "search/abc").mkdir(parents=True)
    setaside.set_aside(site, ("search",))
    (site / "search").mkdir()  # a build stopped before its end, then the next one
    (site / "search/new.json").write_text("{}")
    setaside.set_aside(site, ("search",))
    assert _files(site) == {".kb-kept/search/new.json": "{}"}, "the stopped build's leftovers went"


def test_a_rebuild_into_the_same_site_keeps_what_it_can_and_no_more(tmp_path):
    """End to end: a second build into the same folder gives the first one's
    files, without an earlier index's parts or a gone article's card, and a
    failed build leaves nothing set aside in the site."""
    from kb.devtools import build_site, copy_project

    project, site = copy_project(tmp_path / "project"), tmp_path / "site"
    assert build_site(project, site, quiet=True).returncode == 0
    first = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    (site / "assets/cards/an-article-since-removed.png").write_bytes(b"old card")
    (site / "search/0123456789/s").mkdir(parents=True)
    (site / "search/0123456789/s/old.json").write_text("{}")
    card = next(p for p in (site / "assets/cards").glob("articles-*.png"))
    inode = card.stat().st_ino
    assert build_site(project, site, quiet=True).returncode == 0
    second = {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert second.keys() == first.keys()
    assert {k for k in first if first[k] != second[k] and not k.endswith((".html", ".xml", ".gz"))} <= {"anchors.json"}
    assert card.stat().st_ino == inode, "the card kept across the clean"
    page = next((project / "docs/articles").glob("*.md"))
    page.write_text("---\ntitle: [unclosed\n---\n" + page.read_text(encoding="utf-8"), encoding="utf-8")
    assert build_site(project, site, quiet=True).returncode != 0
    assert not (site / setaside.FOLDER).exists()


def test_a_build_stopped_by_an_error_leaves_nothing_set_aside(tmp_path):
    """MkDocs calls on_build_error when a build raises (a plugin's exception,
    Ctrl-C): the folders set aside at on_pre_build go with it."""
    from test_page_script import _config, _hook

    hook, config = _hook(), _config(tmp_path)
    site = tmp_path / "site"
    (site / "search/abc").mkdir(parents=True)
    hook.on_startup("build", dirty=False)
    hook.on_pre_build(config)
    assert (site / setaside.FOLDER / "search/abc").is_dir()
    hook.on_build_error(RuntimeError("stopped"))
    assert not (site / setaside.FOLDER).exists()
    hook.on_startup("build", dirty=True)
    (site / "search/abc").mkdir(parents=True)
    hook.on_pre_build(config)
    assert (site / "search/abc").is_dir(), "--dirty: MkDocs does not clean, nothing is set aside"
