"""A build's pages with blocks (the glossary, the disciplines, the theme
pages and print views) are sanitised once and kept by their rendered bytes
for the next build (kb/build.py `_compose`, .cache/kb-clean-*.pickle)."""

from __future__ import annotations

from kb import build, pipeline, sanitise


def test_a_page_with_blocks_is_sanitised_again_only_when_its_rendering_changed(
    base_sources, config, tmp_path, monkeypatch
):
    settings = {"cache_dir": str(tmp_path), "code": "0123456789abcdef"}
    cleaned, clean = [], sanitise.clean
    monkeypatch.setattr(build.sanitise, "clean", lambda html: cleaned.append(html) or clean(html))
    first, pages = pipeline.run_build(base_sources, config, settings)
    with_blocks = len(cleaned)
    assert list(tmp_path.glob("kb-clean-*.pickle")) and with_blocks > 0
    cleaned.clear()
    again, pages_again = pipeline.run_build(base_sources, config, settings)
    assert pages_again == pages
    assert len(cleaned) < with_blocks, "the pages with blocks came from the kept ones"
    glossary = "glossary.md"
    edited = dict(base_sources, **{glossary: base_sources[glossary].replace("## ", "## Also ", 1)})
    cleaned.clear()
    _, edited_pages = pipeline.run_build(edited, config, settings)
    assert any("Also" in html for html in cleaned), "the changed page was sanitised again"
    assert edited_pages[glossary] != pages[glossary]


def test_front_matter_is_read_again_only_from_a_changed_source_and_its_problems_are_reported_again(
    base_sources, config, tmp_path, monkeypatch
):
    from kb import frontmatter

    settings = {"cache_dir": str(tmp_path), "code": "0123456789abcdef"}
    broken = "articles/broken.md"
    sources = dict(base_sources, **{broken: "---\ntitle: [unclosed\n---\n\nSome text of a page.\n"})
    read, real = [], frontmatter.read
    monkeypatch.setattr(frontmatter, "read", lambda source, *a: read.append(source) or real(source, *a))
    first, _ = pipeline.run_build(sources, config, settings)
    once = len(read)  # the pipeline's own reading of each page, and the build's
    assert list(tmp_path.glob("kb-front-*.pickle"))
    read.clear()
    again, _ = pipeline.run_build(sources, config, settings)
    assert once - len(read) >= len(sources), "the build's reading of each page came from the kept one"
    problems = [(p.file, p.line, p.what) for p in first.problems.items if p.file == "docs/" + broken]
    assert problems and problems == [
        (p.file, p.line, p.what) for p in again.problems.items if p.file == "docs/" + broken
    ]
    edited = dict(sources, **{broken: sources[broken].replace("[unclosed", "Closed")})
    read.clear()
    third, _ = pipeline.run_build(edited, config, settings)
    assert read.count(edited[broken]) == 2, "the changed source was read again"
    assert not [p for p in third.problems.items if p.file == "docs/" + broken and "YAML" in p.what]
