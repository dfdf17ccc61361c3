"""Collecting bad input and reporting it precisely.

Every check reports through `Problems.add` with the file, the line when it is
known, what is wrong and how to fix it. The hook logs each one as an error, so
`mkdocs build --strict` (and `mkdocs serve`) show them all at once and fail.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    file: str  # path relative to the project, e.g. docs/articles/x.md
    line: int | None
    what: str
    fix: str
    level: str = "error"  # or "warning": logged as one (strict builds still stop on it)

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.what} Fix: {self.fix}"


@dataclass
class Problems:
    items: list[Problem] = field(default_factory=list)

    def add(self, file: str, line: int | None, what: str, fix: str, level: str = "error") -> None:
        problem = Problem(file, line, what, fix, level)
        if problem not in self.items:  # a page rendered twice reports once
            self.items.append(problem)

    def report(self, found: Iterable[Problem]) -> None:
        """Problems found before (kept from another build or pass), reported
        again here, each once, as `add` reports them."""
        for problem in found:
            self.add(problem.file, problem.line, problem.what, problem.fix, problem.level)

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def errors(self) -> int:
        """How many problems are errors (warnings left out)."""
        return sum(1 for p in self.items if p.level == "error")

    def clear(self) -> None:
        self.items.clear()


def line_of(source: str, needle: str, start_line: int = 1) -> int | None:
    """1-based line of the first occurrence of `needle` at or after a line."""
    lines = source.split("\n")
    for number in range(max(start_line, 1), len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return None


def _body_start(lines: list[str]) -> int:
    if lines and lines[0].strip() == "---":
        return next((i + 1 for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
    return 0


def locate_all(source: str, needle: str) -> list[int]:
    """Every 1-based line of the text of `source` (after its front matter)
    that holds `needle`, ignoring case (and, if that finds none, white
    space: Markdown turns tabs into spaces)."""
    lines = source.split("\n")
    for squeeze in (str.strip, _no_space):
        wanted = squeeze(_fold(needle.split("\n", 1)[0])).strip()
        if not wanted:
            return []
        found = [n + 1 for n in range(_body_start(lines), len(lines)) if wanted in squeeze(_fold(lines[n]))]
        if found:
            return found
    return []


def locate(source: str, needles) -> int | None:
    """1-based line of the first of `needles` (most precise first) found in
    the text of `source` after its front matter, ignoring case, and then
    ignoring white space too (Markdown turns tabs into spaces): where an
    author wrote what the HTML parser read (entities, case and spacing may
    differ, so several spellings are tried)."""
    lines = source.split("\n")
    start = _body_start(lines)
    for squeeze in (str.strip, _no_space):
        folded = [squeeze(_fold(line)) for line in lines]
        for needle in needles:
            # A needle that spans lines (an attribute value with a newline) is
            # found by its first line.
            needle = squeeze(_fold((needle or "").split("\n", 1)[0])).strip()
            if not needle:
                continue
            for number in range(start, len(lines)):
                if needle in folded[number]:
                    return number + 1
    return None


def _fold(text: str) -> str:
    """Text as compared: case folded, and NUL read as the U+FFFD an HTML
    parser reads it as."""
    return text.casefold().replace("\x00", "\ufffd")


def _no_space(text: str) -> str:
    return "".join(text.split())
