"""When each page's source last changed, from one `git log` over the repository.

"Last updated" under every page, the sitemap's <lastmod> and the feed of
updated articles all read `History`: for each Markdown source under the docs
folder, the author date of the newest commit that changed it (`updated`) and
of the commit that added it (`added`). One `git log` pass reads them all,
whatever the number of pages (the plugin this replaces ran one process per
page, and on git 2.39, Debian's, its `--diff-filter=r` made every one of
them answer nothing, so every page showed the build date).

Rules, chosen rather than fallen into:

- The date is the commit's author date (when the change was written; a
  rebase keeps it), shown as a UTC calendar date.
- A commit that only moves a file (a 100%-similar rename) does not count as
  a change of its text: the date goes on back through the old name.
- Merge commits are not read on their own: the commits they bring in are.
- Uncommitted edits (a preview in progress) do not change the date: the
  page shows its last commit's date until the edit is committed; a file
  never committed has no date yet.
- Where there is no history to read, pages get no date rather than a wrong
  one, and `History.note` says why (the build logs it once): a copy that is
  not a git repository, no `git` program, git refusing the repository. In a
  shallow clone the commit at the cut looks as if it added every file: files
  whose newest change is that commit get no date, and the note counts them
  (`fetch-depth: 0` in CI avoids it).
- Generated pages (the print views) have no source and get no date.

Nothing here imports MkDocs.
"""

from __future__ import annotations

import datetime as dt
import subprocess
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

RECORD = "\x1e"  # starts each commit in the log
UNIT = "\x1f"  # separates a commit's fields


@dataclass(frozen=True)
class History:
    """What git says about the sources of one docs folder (paths relative to it)."""

    updated: dict[str, dt.datetime] = field(default_factory=dict)
    added: dict[str, dt.datetime] = field(default_factory=dict)
    note: str | None = None  # why some or all dates are missing, for the build log

    def updated_date(self, src_uri: str) -> dt.date | None:
        stamp = self.updated.get(src_uri)
        return stamp.astimezone(dt.UTC).date() if stamp else None


@dataclass(frozen=True)
class Change:
    """One file of one commit, as `git log --name-status` lists it."""

    status: str  # A, M, D, T, or R<similarity>
    path: str  # the path after the commit
    old_path: str | None = None  # renames: the path before it


@dataclass(frozen=True)
class Commit:
    sha: str
    parents: tuple[str, ...]
    date: dt.datetime
    changes: tuple[Change, ...]


def read(docs_dir: Path, git: str = "git") -> History:
    """The history of every file under `docs_dir`, from one `git log`."""
    docs_dir = Path(docs_dir)
    try:
        where, why = _run([git, "rev-parse", "--is-shallow-repository", "--git-path", "shallow"], docs_dir)
    except FileNotFoundError:
        return History(note=f"there is no '{git}' program, so pages show no 'Last updated' date.")
    if where is None:
        return History(note=f"git cannot read a history for {docs_dir} ({why}), so pages show no 'Last updated' date.")
    is_shallow, shallow_file = where.splitlines()[:2]
    cut = frozenset()
    if is_shallow == "true":
        cut = frozenset((docs_dir / shallow_file).read_text(encoding="ascii").split())
    log, why = _run(
        [git, "log", "-z", "--name-status", "--find-renames", "--relative", f"--format={RECORD}%H{UNIT}%P{UNIT}%aI"]
        + ["--", "."],
        docs_dir,
    )
    if log is None:  # e.g. a repository without a commit yet
        return History(note=f"git log failed ({why}), so pages show no 'Last updated' date.")
    return dates(parse(log), cut)


def parse(log: str) -> Iterator[Commit]:
    """Commits from the output of the `git log` in `read`, newest first.

    With -z every field ends in NUL: a commit's header (RECORD first), then
    per file its status and one path, or two for a rename."""
    tokens = log.split("\0")
    i = 0
    while i < len(tokens):
        token = tokens[i]
        i += 1
        if not token.startswith(RECORD):
            continue
        sha, parents, date = token[1:].split(UNIT)
        changes = []
        while i < len(tokens) and not tokens[i].startswith(RECORD):
            status = tokens[i].strip()
            if not status:
                i += 1
            elif status[0] in "RC":
                changes.append(Change(status, tokens[i + 2], tokens[i + 1]))
                i += 3
            else:
                changes.append(Change(status, tokens[i + 1]))
                i += 2
        yield Commit(sha, tuple(parents.split()), dt.datetime.fromisoformat(date), tuple(changes))


def dates(commits: Iterable[Commit], cut: frozenset[str] = frozenset()) -> History:
    """Newest and first change of each file that exists now, walking the
    history from the newest commit back and following pure renames. `cut`:
    the commits a shallow clone stops at (their parents are not there)."""
    updated: dict[str, dt.datetime] = {}
    added: dict[str, dt.datetime] = {}
    # A name in older history -> the file it is now (None: a file gone since).
    now_named: dict[str, str | None] = {}
    unknown: set[str] = set()  # files whose newest change is a shallow cut
    for commit in commits:
        at_cut = commit.sha in cut
        for change in commit.changes:
            current = now_named.get(change.path, change.path)
            kind = change.status[0]
            if current is not None and current not in updated:
                moved_only = kind == "R" and change.status[1:] == "100"
                if at_cut:
                    unknown.add(current)
                elif not moved_only and kind != "D":
                    updated[current] = commit.date
            if current is not None and kind in "AC" and not at_cut:
                added[current] = commit.date
            if kind == "R" and change.old_path is not None:
                # Before this commit the file had its old name, and the new name was free.
                now_named[change.old_path] = current
            if kind in "ARCD":
                now_named[change.path] = None  # older uses of this name are another file
    for path in unknown:
        added.pop(path, None)
    note = None
    if unknown:
        note = (
            f"this is a shallow clone: {len(unknown)} file(s) last changed before its first commit show no "
            "'Last updated' date (clone the full history: fetch-depth: 0 in CI)."
        )
    return History(updated=updated, added=added, note=note)


def _run(command: list[str], cwd: Path) -> tuple[str | None, str]:
    """(output, None) of a git command, or (None, git's first line of
    complaint) when it says no; raises FileNotFoundError when there is no git."""
    result = subprocess.run(command, cwd=cwd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if result.returncode == 0:
        return result.stdout, ""
    return None, (result.stderr.strip().splitlines() or ["no message"])[0]
