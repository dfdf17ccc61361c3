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
