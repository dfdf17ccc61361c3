"""`mkdocs serve` survives a bad edit: it reports it, in the terminal and on
the page being previewed (kb/preview.py), then serves the fix."""

from __future__ import annotations

import re
import time
import urllib.request

import pytest
from early import early

from kb.devtools import copy_project, free_port, mkdocs_serve

ARTICLE = "docs/articles/can-we-afford-to-miss-customer-experience.md"
URL_PATH = "articles/can-we-afford-to-miss-customer-experience/"
LINKING = "docs/articles/customer-experience-in-the-digital-era.md"  # links to a passage of ARTICLE
LINK_OPENS = "The customer experience is ["


def fetch(url: str, timeout: float = 3) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if result := condition():
                return result
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"timed out waiting for {what}")


MODES = {"full": [], "dirty": ["--dirty"]}


def edit_and_repair(project, mode: list[str]) -> None:
    """Serve `project`, break an article, then repair it; raises on what goes wrong."""
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with mkdocs_serve(project, port, *mode) as (server, log):
        wait_for(lambda: "Can We Afford" in fetch(base + URL_PATH), 60, "the first build")
        # An edit to another article's sentence that links here: this page's
        # "Linked from" quotes it anew, though only the other was converted (--dirty).
        linking = project / LINKING
        before = linking.read_text(encoding="utf-8")
        linking.write_text(before.replace(LINK_OPENS, "The whole customer experience is [", 1), encoding="utf-8")
        wait_for(lambda: "The whole customer experience is" in fetch(base + URL_PATH), 60, "the new backlink")
        linking.write_text(before, encoding="utf-8")
        wait_for(lambda: "The whole customer experience is" not in fetch(base + URL_PATH), 60, "the backlink back")
        article = project / ARTICLE
        original = article.read_text(encoding="utf-8")

        article.write_text(original.replace("themes: [omnichannel,", "themes: [omnichanel,"), encoding="utf-8")
        wait_for(lambda: any("unknown theme 'omnichanel'" in line for line in log), 30, "the error report")
        # While it is broken, pages are served at once (MkDocs alone made them
        # wait for a good build), each with the problem at the top.
        wait_for(lambda: 'class="kb-build-error"' in fetch(base + URL_PATH, timeout=10), 30, "the page to show it")
        for path in (URL_PATH, ""):
            panel = fetch(base + path, timeout=10).split('class="kb-build-error"', 1)[1].split("</section>", 1)[0]
            assert f"<code>{ARTICLE}</code>, line " in panel and "unknown theme &#x27;omnichanel&#x27;" in panel
            assert "<strong>Fix:</strong> use one of: culture" in panel
        # The terminal says so too: logged just after the page shows it, and
        # read from the server's output by a thread of its own.
        wait_for(lambda: any("The rebuild failed" in line for line in log), 30, "the terminal to say so too")

        article.write_text(
            original.replace(
                "title: Can We Afford to Miss Customer Experience?", "title: Can We Afford It? (repaired)"
            ),
            encoding="utf-8",
        )
        wait_for(lambda: "Can We Afford It? (repaired)" in fetch(base + URL_PATH, timeout=10), 60, "the repaired page")
        assert server.poll() is None, "the server stopped"
        assert 'class="kb-build-error"' not in fetch(base + URL_PATH)
        # The page still has its generated parts (header, related articles).
        page = fetch(base + URL_PATH)
        assert 'class="kb-article-header' in page and 'class="kb-related' in page
        assert not any("Traceback" in line or "KeyError" in line for line in log), "".join(log)[-3000:]


@early
def outcomes(tmp_path_factory):
    """Both previews run at once (each is one `mkdocs serve` process, mostly
    on one core), in the background while the browser tests run:
    {mode: None, or the exception it ended with}."""
    from concurrent.futures import ThreadPoolExecutor

    def run(name):
        try:
            edit_and_repair(copy_project(tmp_path_factory.mktemp(name) / "project"), MODES[name])
        except Exception as error:  # reported by the test of that mode
            return error
        return None

    with ThreadPoolExecutor(len(MODES)) as pool:
        return dict(zip(MODES, pool.map(run, MODES), strict=True))


@pytest.mark.parametrize("mode", MODES)
def test_serve_reports_a_bad_edit_and_serves_the_repaired_page(outcomes, mode):
    """Both previews, the full one and the fast one (--dirty: only changed
    pages are converted), show a bad edit's error and then the repair."""
    if outcomes[mode] is not None:
        raise outcomes[mode]


# -- in the browser ----------------------------------------------------------------------------


def test_the_previewed_page_shows_a_bad_save_and_comes_back_on_the_fix(page, tmp_path):
    """A reader's view of `mkdocs serve`: the page open in the browser reloads
    by itself on a bad save and shows the problem (file, line, fix), then
    reloads again on the fixing save and shows the content. Nothing of it is
    an inline script (a Content-Security-Policy without 'unsafe-inline'
    would block one)."""
    project = copy_project(tmp_path / "project")
    article = project / ARTICLE
    original = article.read_text(encoding="utf-8")
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with mkdocs_serve(project, port) as (server, log):
        wait_for(lambda: "Can We Afford" in fetch(base + URL_PATH), 60, "the first build")
        page.goto(base + URL_PATH)
        assert page.locator(".kb-build-error").count() == 0

        article.write_text(original.replace("themes: [omnichannel,", "themes: [omnichanel,"), encoding="utf-8")
        panel = page.locator(".kb-build-error")
        panel.wait_for(timeout=60_000)  # the page reloaded by itself
        text = " ".join(panel.inner_text().split())
        line = 1 + original.split("\n").index(next(x for x in original.split("\n") if x.startswith("themes:")))
        assert f"{ARTICLE}, line {line}" in text, text
        assert "unknown theme 'omnichanel'." in text and "Fix: use one of: culture" in text, text
        assert page.get_by_role("alert").count() == 1
        assert page.locator("article h1").first.is_visible(), "the last build's page is still below"
        assert panel.evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid", "its stylesheet loaded"
        served = fetch(base + URL_PATH)
        inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", served, re.S)
        assert not [s for s in inline if "livereload" in s or "kb-build-error" in s], "no inline script of the preview"

        article.write_text(
            original.replace("title: Can We Afford to Miss", "title: Repaired, Can We Afford to Miss"), encoding="utf-8"
        )
        page.locator(".kb-build-error").wait_for(state="detached", timeout=60_000)
        page.get_by_role("heading", name=re.compile("^Repaired, Can We Afford")).wait_for()
        assert server.poll() is None
    assert not any("Traceback" in line for line in log), "".join(log)[-3000:]


# -- kb/preview.py, function level -------------------------------------------------------------


def test_a_failed_rebuild_is_kept_and_shown_escaped_and_the_next_good_one_clears_it():
    import logging
    from types import SimpleNamespace

    from mkdocs.livereload import _SCRIPT_TEMPLATE

    from kb import preview
    from kb.problems import Problem

    hostile = Problem("docs/articles/x.md", 5, "unknown theme '<img src=x onerror=alert(1)>'.", "use <b>one</b>.")
    state = {"fail": True}

    def builder(config=None):
        if state["fail"]:
            logging.getLogger("mkdocs.plugins.knowledge_base").error(str(hostile), extra={"kb_problem": hostile})
            logging.getLogger("mkdocs.plugins.knowledge_base").error(
                "site/y/index.html: the link 'z' is broken. Fix: mend it."
            )
            raise RuntimeError("Aborted with 2 errors in strict mode!")

    server = SimpleNamespace(mount_path="/", builder=builder, _visible_epoch=7)
    view = preview.Preview(server)
    build = view.guarded(builder)
    build()  # does not raise: the server goes on and serves the report
    assert view.errors == [
        preview.Report("unknown theme '<img src=x onerror=alert(1)>'.", "docs/articles/x.md", 5, "use <b>one</b>."),
        preview.Report("the link 'z' is broken.", "site/y/index.html", None, "mend it."),
    ]
    script = _SCRIPT_TEMPLATE.substitute(epoch=123, request_id=456).encode()
    page = b'<html><body class="x">\n<p>content</p><script>' + script + b"</script></body></html>"
    shown = view.rewrite(page).decode()
    assert shown.index("kb-build-error") < shown.index("<p>content</p>")
    assert "<img" not in shown and "&lt;img src=x onerror=alert(1)&gt;" in shown and "&lt;b&gt;one&lt;/b&gt;" in shown
    assert "<code>docs/articles/x.md</code>, line 5" in shown and "<code>site/y/index.html</code></p>" in shown
    assert '<script src="/.kb-preview/livereload.js" data-epoch="123" data-request="456"></script>' in shown
    assert "var livereload" not in shown, "MkDocs' inline script is swapped for the file"
    # An error page MkDocs gave no reload script gets one, to come back by itself.
    assert 'data-epoch="7"' in view.rewrite(b"404 Not Found").decode()

    state["fail"] = False
    build()
    assert view.errors == [] and "kb-build-error" not in view.rewrite(page).decode()


def test_the_preview_serves_its_two_files_and_rewrites_html_only():
    from types import SimpleNamespace

    from kb import preview

    view = preview.Preview(SimpleNamespace(mount_path="/site/"))
    view.errors = [preview.Report("broken")]

    def app(environ, start_response):
        kind = "text/html" if environ["PATH_INFO"].endswith("/") else "application/octet-stream"
        start_response("200 OK", [("Content-Type", kind), ("Content-Length", "22")])
        return [b"<body>", b"<p>page</p></body>"]

    served = view.middleware(app)
    answers = {}

    def call(path):
        body = b"".join(served({"PATH_INFO": path}, lambda s, h: answers.update({path: (s, dict(h))})))
        return answers[path], body

    (status, headers), body = call("/site/page/")
    assert b"kb-build-error" in body and headers["Content-Length"] == str(len(body))
    (status, headers), body = call("/site/file.bin")
    assert body == b"<body><p>page</p></body>" and headers["Content-Length"] == "22"
    for name, kind in preview.ASSETS.items():
        (status, headers), body = call("/site/.kb-preview/" + name)
        assert status == "200 OK" and headers["Content-Type"] == kind and body


def test_a_broken_mkdocs_yml_is_reported_with_its_line():
    from kb import preview

    message = (
        "MkDocs encountered an error parsing the configuration file: while parsing a flow sequence\n"
        '  in "/elsewhere/mkdocs.yml", line 4, column 12\n'
        "expected ',' or ']', but got ':'"
    )
    report = preview.Report.from_text(message)
    assert (report.file, report.line) == ("/elsewhere/mkdocs.yml", 4)
    assert report.what == message and report.fix is None
