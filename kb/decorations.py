"""What a built page shows that is not the authors' words, listed once.

The list is kb/assets/js/_/decorations.json (class names only: the page
script carries it to every reader, so it stays small), read here for the
build and required by the page script (kb/assets/js/_/dom.js; kb/jsbundle.py
bundles a required .json file as its data). Its two parts:

    marks    what the build puts inside the authors' passages and headings:
               kb-anchor        the mark that copies a passage's link (kb/passages.py)
               headerlink       a heading's permalink (Python-Markdown's toc)
               kb-disciplines   a passage's discipline badges (kb/passages.py)
               kb-alias         the empty marker of a passage's old id (kb/passages.py)
               footnote-ref     a footnote's number in the text (Python-Markdown's footnotes)
               footnote-backref a footnote's way back, the ↩ (the same)
             Whoever reads a passage's words skips them: the passage records
             (kb/passages.py, so the search index and the files for AI
             assistants), the page script's quotes, previews and notices, the
             tests' reading of a page (kb/htmltext.py).
    copies   the blocks that quote other pages' passages:
               kb-article-footer  an article's related articles and backlinks
               kb-backlinks       the passages that link to an article
               kb-passages        a discipline's passages, on the disciplines page
               kb-appears         the passages that use a glossary term, in the glossary
             Not the page's own text: never quoted from it (the page
             script's quote links), not read as it (kb/htmltext.py).

A decoration added to a page goes into the list; tests/test_decorations.py
checks that every passage of the built site, read without the marks, is the
passage the build recorded, in Python and in the page script.
"""

from __future__ import annotations

import json
from pathlib import Path

SOURCE = Path(__file__).with_name("assets") / "js" / "_" / "decorations.json"
_LIST = json.loads(SOURCE.read_text(encoding="utf-8"))

MARKS: frozenset[str] = frozenset(_LIST["marks"])
COPIES: frozenset[str] = frozenset(_LIST["copies"])
NOT_THE_AUTHORS: frozenset[str] = MARKS | COPIES
