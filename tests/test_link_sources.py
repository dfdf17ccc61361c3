"""Where the build says a broken link was written: on a generated page (a
theme's print view copies many articles) the article that wrote it."""

from __future__ import annotations

import re

import pytest

from kb import pipeline
from kb.devtools import ROOT


def test_a_broken_link_on_a_print_page_names_the_article_that_wrote_it():
    """A print page copies many articles: the error names the one whose
    Markdown holds the link's own #fragment, not the first that links to the
    same page (seen: the wrong file and line)."""
    sources = pipeline.read_sources(ROOT / "docs")
    kb, _ = pipeline.run_build(sources)
    writers = [s for s in sorted(kb.records) if s.startswith("articles/") and "#p-" in kb.records[s].source]
    # An article that links to a passage of another, and an earlier one that only names that page.
    for writer in writers:
        for line_no, line in enumerate(kb.records[writer].source.split("\n"), 1):
            found = re.search(r"\(([\w-]+\.md)#(p-[\w-]+)\)", line)
            if not found:
                continue
            page, fragment = found.groups()
            namers = [
                s
                for s in sorted(kb.records)
                if s < writer
                and s.startswith("articles/")
                and page in kb.records[s].source
                and f"#{fragment}" not in kb.records[s].source
            ]
            if not namers:
                continue
            url = f"../../articles/{page.removesuffix('.md')}/#{fragment}"
            where, note = kb.source_of_link("print/culture/index.html", url)
            assert where == f"docs/{writer}:{line_no}", (where, namers)
            assert note == "(published in site/print/culture/index.html) "
            return
    pytest.fail("no article links to a passage of a page an earlier article names")
