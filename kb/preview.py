"""`mkdocs serve`: a rebuild that fails shows why on the page being previewed.

MkDocs 1.6 alone (mkdocs/livereload/__init__.py): when a rebuild raises, the
server logs it and never marks a new version of the site as built, so every
page request waits for a build that has not happened and the browser's
reload hangs until a later save builds cleanly; the error is only in the
terminal. Here (attached by the hook's `on_serve`):

- the rebuild is wrapped: its warnings and errors are collected as it runs;
  if it fails, the failure is kept (`Preview.errors`) and the rebuild
  returns normally, so the server serves the site again and tells the open
  pages to reload;
- every HTML page served while the last rebuild failed starts with a panel
  naming each problem: file, line, what is wrong and the fix (the build's
  own report, kb/problems.py); the next good save clears it and the pages
  reload by themselves;
- the panel is markup and a same-origin stylesheet only, and MkDocs' inline
  reload script is swapped for the same logic in a same-origin file, so a
  Content-Security-Policy without 'unsafe-inline' for scripts leaves the
  preview working.

Both files are served under `<mount>/.kb-preview/`, a path no page can have
(MkDocs skips dot-folders in docs/).
"""

from __future__ import annotations

import html
import logging
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from .problems import Problem

ASSETS = {"livereload.js": "application/javascript", "build-error.css": "text/css"}
FOLDER = ".kb-preview/"
# MkDocs' injected reload script (livereload/__init__.py, _SCRIPT_TEMPLATE),
# whose last line carries the page's epoch and a request id.
_MKDOCS_RELOAD = re.compile(
    rb"<script>\s*var livereload = function\(epoch, requestId\).*?livereload\((\d+), (\d+)\);\s*</script>", re.S
)
_BODY = re.compile(rb"<body\b[^>]*>", re.I)
# "docs/articles/x.md:5: what. Fix: fix" (kb/problems.py) or "site/x/index.html: ..." (link check)
_WHERE = re.compile(r"^(?P<file>[\w./-]+\.\w+)(?::(?P<line>\d+))?: (?P<rest>.*)$", re.S)
_YAML_MARK = re.compile(r'in "(?P<file>[^"]+)", line (?P<line>\d+)')

log = logging.getLogger("mkdocs.plugins.knowledge_base.preview")


@dataclass(frozen=True)
class Report:
    """One problem of a failed rebuild, as the panel shows it."""

    what: str
    file: str | None = None
    line: int | None = None
    fix: str | None = None

    @classmethod
    def of(cls, record: logging.LogRecord) -> Report:
        problem = getattr(record, "kb_problem", None)
        if isinstance(problem, Problem):
            return cls(problem.what, problem.file, problem.line, problem.fix)
        return cls.from_text(record.getMessage())

    @classmethod
    def from_text(cls, text: str) -> Report:
        file = line = None
        if found := _WHERE.match(text.strip()):
            file, line, text = found["file"], found["line"] and int(found["line"]), found["rest"]
        elif found := _YAML_MARK.search(text):  # a YAML error (mkdocs.yml): where the parser stopped
            file, line = _relative(found["file"]), int(found["line"])
        what, _, fix = text.partition(" Fix: ")
        return cls(what.strip(), file, line, fix.strip() or None)


class _Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


class Preview:
    """The state of `mkdocs serve`'s last rebuild, and what it does to pages."""

    def __init__(self, server):
        self.server = server
        self.mount = getattr(server, "mount_path", "/")
        self.errors: list[Report] = []
        self._lock = threading.Lock()

    # -- the rebuild ---------------------------------------------------------
    def guarded(self, builder: Callable) -> Callable:
        """`builder`, kept from raising: a failure is recorded and shown."""

        def build(*args, **kwargs):
            collect = _Collect()
            mkdocs_log = logging.getLogger("mkdocs")
            mkdocs_log.addHandler(collect)
            try:
                builder(*args, **kwargs)
            except Exception as error:  # reported in the page, and the preview goes on
                reports = [Report.of(r) for r in collect.records if r.levelno >= logging.ERROR]
                reports = reports or [Report.of(r) for r in collect.records] or [Report.from_text(str(error))]
                with self._lock:
                    self.errors = _unique(reports)
                log.error(
                    f"The rebuild failed ({_message(error)}): the preview shows the "
                    f"{len(self.errors)} problem(s) on every page until a save builds cleanly."
                )
            else:
                with self._lock:
                    had_errors, self.errors = bool(self.errors), []
                if had_errors:
                    log.info("The rebuild succeeded: the preview shows the site again.")
            finally:
                mkdocs_log.removeHandler(collect)

        return build

    # -- what is served --------------------------------------------------------
    def middleware(self, app: Callable) -> Callable:
        """A WSGI wrapper of the server's app: serves the two files, and
        rewrites HTML responses (reload script; the panel while failing)."""

        def serve(environ, start_response) -> Iterable[bytes]:
            path = environ.get("PATH_INFO", "")
            if path.startswith(self.mount + FOLDER) and path[len(self.mount + FOLDER) :] in ASSETS:
                name = path[len(self.mount + FOLDER) :]
                body = (Path(__file__).parent / ("preview." + name.rsplit(".", 1)[1])).read_bytes()
                start_response(
                    "200 OK",
                    [("Content-Type", ASSETS[name]), ("Content-Length", str(len(body))), ("Cache-Control", "no-store")],
                )
                return [body]
            answer: dict = {}

            def keep(status, headers, exc_info=None):
                answer["status"], answer["headers"] = status, headers
                return lambda data: None

            body = app(environ, keep)
            headers = answer.get("headers", [])
            kind = next((v for k, v in headers if k.lower() == "content-type"), "")
            if not kind.startswith("text/html"):
                start_response(answer["status"], headers)
                return body
            try:
                page = b"".join(body)
            finally:
                if hasattr(body, "close"):
                    body.close()
            page = self.rewrite(page)
            headers = [(k, v) for k, v in headers if k.lower() != "content-length"]
            start_response(answer["status"], [*headers, ("Content-Length", str(len(page)))])
            return [page]

        return serve

    def rewrite(self, page: bytes) -> bytes:
        """The reload script as a same-origin file; the panel first in the body
        while the last rebuild failed."""
        script = self.mount + FOLDER + "livereload.js"

        def external(match: re.Match) -> bytes:
            return self._reload_tag(script, int(match[1]), int(match[2]))

        page, swapped = _MKDOCS_RELOAD.subn(external, page)
        with self._lock:
            errors = list(self.errors)
        if not errors:
            return page
        if not swapped:  # an error page MkDocs did not give a reload script
            page += self._reload_tag(script, getattr(self.server, "_visible_epoch", 0), 0)
        panel = self.panel(errors).encode("utf-8")
        body = _BODY.search(page)
        return page[: body.end()] + panel + page[body.end() :] if body else panel + page

    def _reload_tag(self, script: str, epoch: int, request: int) -> bytes:
        src = html.escape(script)
        return f'<script src="{src}" data-epoch="{epoch}" data-request="{request}"></script>'.encode()

    def panel(self, errors: list[Report]) -> str:
        """The failed rebuild's problems, as the first thing on the page."""
        items = []
        for report in errors:
            where = ""
            if report.file:
                line = f", line {report.line}" if report.line else ""
                where = f'<p class="kb-build-error__where"><code>{html.escape(report.file)}</code>{line}</p>'
            fix = (
                f'<p class="kb-build-error__fix"><strong>Fix:</strong> {html.escape(report.fix)}</p>'
                if report.fix
                else ""
            )
            items.append(f'<li>{where}<p class="kb-build-error__what">{html.escape(report.what)}</p>{fix}</li>')
        count = f"{len(errors)} problem{'s' if len(errors) != 1 else ''}"
        css = html.escape(self.mount + FOLDER + "build-error.css")
        return (
            f'<link rel="stylesheet" href="{css}">'
            '<section class="kb-build-error" role="alert" aria-labelledby="kb-build-error-title">'
            f'<h2 id="kb-build-error-title">The last save did not build: {count}</h2>'
            "<p>This page is what the last build wrote. Save a fix: the page reloads by itself "
            "once the site builds again.</p>"
            f'<ol class="kb-build-error__list">{"".join(items)}</ol></section>'
        )


_PREVIEWS: dict[int, Preview] = {}


def attach(server, builder: Callable | None = None) -> Preview:
    """Wire a Preview into MkDocs' LiveReloadServer (once per server)."""
    if id(server) in _PREVIEWS:
        return _PREVIEWS[id(server)]
    preview = _PREVIEWS[id(server)] = Preview(server)
    server.builder = preview.guarded(getattr(server, "builder", None) or builder)
    server.set_app(preview.middleware(server.get_app()))
    return preview


def _relative(path: str) -> str:
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return path


def _message(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0] if text else type(error).__name__


def _unique(reports: list[Report]) -> list[Report]:
    seen, out = set(), []
    for report in reports:
        if report not in seen:
            seen.add(report)
            out.append(report)
    return out
