"""Bounded work on hostile input: Markdown nested past what anyone writes.

Python-Markdown reads nested lists, quotes, admonitions, `markdown="1"`
blocks and emphasis by recursion: a page with lists 300 levels deep, or a
line of 1000 "- " markers, stops the whole build with a RecursionError deep
inside Markdown (or MkDocs), naming no file. This preprocessor runs before
Markdown reads any block. A line nested deeper than `MAX_DEPTH`, or a run of
emphasis markers longer than `MAX_RUN`, is reported with its file and line,
and the line is flattened so the conversion still finishes (the build fails
on the report; a preview shows the text). Work is one pass over the lines:
linear in the input.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markdown.preprocessors import Preprocessor

MAX_DEPTH = 24  # levels of lists, quotes and indented blocks inside one another
MAX_RUN = 100  # emphasis markers (* or _) in a row
MAX_MARKDOWN_BLOCKS = 24  # HTML blocks with markdown="1" open inside one another

_CONTAINER = re.compile(r"[ ]{0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]+|$)|[ ]{0,3}>[ ]?|[ ]{4}|\t")
_RUN = re.compile(rf"[*_]{{{MAX_RUN + 1},}}")
_FENCE = re.compile(r"^\s*(```|~~~)")
_MD_OPEN = re.compile(r"<([a-zA-Z][\w-]*)\b[^>]*\bmarkdown\s*=", re.I)


def depth(line: str) -> tuple[int, int]:
    """(how many containers open at the start of `line`, where its text starts)."""
    level, position = 0, 0
    while match := _CONTAINER.match(line, position):
        if match.end() == position:
            break
        level, position = level + 1, match.end()
    return level, position


class DepthGuard(Preprocessor):
    """Flattens what is nested too deep, reporting each place once per page."""

    def __init__(self, md, report: Callable[[str, str, str], None]):
        super().__init__(md)
        self.report = report  # (the line's text, to find it in the file; what; fix)

    def run(self, lines: list[str]) -> list[str]:
        out, fenced, open_blocks = [], False, 0
        reported: set[str] = set()
        for line in lines:
            original = line
            if _FENCE.match(line):
                fenced = not fenced
            if fenced:
                out.append(line)
                continue
            level, start = depth(line)
            if level > MAX_DEPTH:
                self._once(reported, "depth", original, level)
                line = line[start:]
            if _RUN.search(line):
                self._once(reported, "run", original, 0)
                line = _RUN.sub(lambda m: "\\" + "\\".join(m.group(0)), line)
            open_blocks += len(_MD_OPEN.findall(line))
            if open_blocks > MAX_MARKDOWN_BLOCKS:
                self._once(reported, "blocks", original, open_blocks)
                line = _MD_OPEN.sub(lambda m: m.group(0).replace("markdown", "data-kb-flattened"), line)
            open_blocks = max(0, open_blocks - len(re.findall(r"</[a-zA-Z][\w-]*\s*>", line)))
            out.append(line)
        return out

    def _once(self, reported: set[str], kind: str, line: str, level: int) -> None:
        if kind in reported:
            return
        reported.add(kind)
        line = line.strip()[:80]
        if kind == "depth":
            self.report(
                line,
                f"lists, quotes or indented blocks are nested {level} levels deep here; "
                f"the site reads at most {MAX_DEPTH}.",
                "flatten the structure (a list inside a list inside a list is already hard to read); "
                "check the indentation of the lines around it.",
            )
        elif kind == "run":
            self.report(
                line,
                f"a run of more than {MAX_RUN} '*' or '_' characters.",
                "write emphasis with one or two markers (*word*, **word**); escape literal ones (\\*).",
            )
        else:
            self.report(
                line,
                f'more than {MAX_MARKDOWN_BLOCKS} HTML blocks with markdown="1" are open inside one another.',
                "close each block (</div>) before the next one opens, or write the content in plain Markdown.",
            )
