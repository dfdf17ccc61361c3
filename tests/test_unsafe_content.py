"""Nothing an editor writes in Markdown can run script or call another host.

Each hostile input of issue 26 is put under a passage of an article and run
through the whole knowledge-base pass (`kb.pipeline`, in milliseconds): the
build must fail with the file, the line the input is on, what is wrong and
the fix; and the page as it would be published anyway (a `mkdocs serve`
preview does not stop on errors) must be inert, judged by tests/inert.py,
which shares no code with the build's sanitiser. One end-to-end build
carries every case at once and opens the pages in Chromium with a tripwire.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from early import early
from inert import live_parts

from kb import pipeline
from kb.devtools import build_site, copy_project, free_port, serve

ARTICLE = "articles/can-we-afford-to-miss-customer-experience.md"
MARK = '{ disciplines="intelligence" }'


@dataclass(frozen=True)
class Hostile:
    id: str
    markdown: str  # added as its own block under the article's first marked passage
    expected: str  # in the report, after "docs/<article>:<line>: "
    line_of: str  # text on the line the report must name


def handler(n: int) -> str:
    return f"kbpwn({n})"


HOSTILE = [
    # -- script through Markdown's attribute lists --------------------------------
    Hostile(
        "attr-onclick", f'A clickable passage.\n{{ onclick="{handler(1)}" }}', "an event handler 'onclick=", "onclick"
    ),
    Hostile(
        "attr-onfocus-autofocus",
        f"A focused passage.\n{{ onfocus={handler(2)} autofocus tabindex=0 }}",
        "an event handler 'onfocus=",
        "onfocus",
    ),
    Hostile(
        "attr-on-link",
        f'A [link](https://example.org/){{ onmouseover="{handler(3)}" }} here.',
        "an event handler 'onmouseover=",
        "onmouseover",
    ),
    Hostile(
        "attr-on-heading",
        f"## A heading {{ #a-heading onclick={handler(4)} }}",
        "an event handler 'onclick=",
        "onclick",
    ),
    Hostile("attr-style", 'A styled passage.\n{ style="color: red" }', "a style attribute 'style=", "style="),
    Hostile(
        "attr-srcdoc",
        f'A [link](https://example.org/){{ srcdoc="<script>{handler(5)}</script>" }}',
        "the attribute 'srcdoc=",
        "srcdoc",
    ),
    Hostile(
        "attr-formaction",
        f'A [link](https://example.org/){{ formaction="javascript:{handler(6)}" }}',
        "the attribute 'formaction=",
        "formaction",
    ),
    Hostile(
        "md-in-html-handler",
        f'<div markdown="1" onclick="{handler(7)}">\nSome *text* in a block.\n</div>',
        "an event handler 'onclick=",
        "onclick",
    ),
    # -- elements ----------------------------------------------------------------
    Hostile("base", '<base href="https://example.org/">', "a <base> element", "<base"),
    Hostile(
        "meta-refresh",
        '<meta http-equiv="refresh" content="0; url=https://example.org/">',
        "a <meta> element",
        "<meta",
    ),
    Hostile(
        "svg-animate",
        f'<svg><a href="#top"><animate attributeName="href" to="javascript:{handler(8)}"/><text y="20">go</text></a></svg>',
        "a <animate> element",
        "<animate",
    ),
    Hostile(
        "svg-set",
        f'<svg><a href="#top"><set attributeName="href" to="javascript:{handler(9)}"/><text y="20">go</text></a></svg>',
        "a <set> element",
        "<set",
    ),
    Hostile("iframe", '<iframe src="https://example.org/"></iframe>', "a <iframe> element", "<iframe"),
    Hostile("object", '<object data="https://example.org/x.swf"></object>', "a <object> element", "<object"),
    Hostile("embed", '<embed src="https://example.org/x.swf">', "a <embed> element", "<embed"),
    Hostile(
        "form",
        '<form action="https://example.org/"><input name="q"><button>Go</button></form>',
        "a <form> element",
        "<form",
    ),
    Hostile("script", f"<script>{handler(10)}</script>", "a <script> element", "<script"),
    # -- link targets whose scheme is hidden --------------------------------------
    Hostile(
        "scheme-entity-newline",
        f"See [this](java&#10;script:{handler(11)}) now.",
        "a 'javascript:' address",
        "java&#10;script",
    ),
    Hostile(
        "scheme-control-char",
        f"See [this](\x01javascript:{handler(12)}) now.",
        "a 'javascript:' address",
        "\x01javascript",
    ),
    Hostile("scheme-mixed-case", f"See [this](JaVaScRiPt:{handler(13)}) now.", "a 'javascript:' address", "JaVaScRiPt"),
    Hostile("scheme-vbscript", "See [this](vbscript:msgbox) now.", "a 'vbscript:' address", "vbscript"),
    Hostile(
        "scheme-data-html",
        "See [this](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==) now.",
        "a 'data:' address",
        "data:text/html",
    ),
    Hostile(
        "scheme-raw-entity",
        f'See <a href="&#106;avascript:{handler(14)}">this</a> now.',
        "a 'javascript:' address",
        "&#106;avascript",
    ),
    Hostile(
        "scheme-raw-tab",
        f'See <a href="java&Tab;script:{handler(15)}">this</a> now.',
        "a 'javascript:' address",
        "java&Tab;script",
    ),
    Hostile(
        "scheme-raw-leading-space",
        f'See <a href=" javascript:{handler(16)}">this</a> now.',
        "a 'javascript:' address",
        'href=" javascript',
    ),
    Hostile(
        "scheme-svg-xlink",
        f'<svg><a xlink:href="javascript:{handler(17)}"><text y="20">go</text></a></svg>',
        "a 'javascript:' address",
        "xlink:href",
    ),
    # -- third-party requests --------------------------------------------------------
    Hostile(
        "remote-image",
        "![A chart](https://example.org/chart.png)",
        "loads 'https://example.org/chart.png'",
        "chart.png",
    ),
    Hostile(
        "remote-image-raw",
        '<img src="https://example.org/raw.png" alt="A chart">',
        "loads 'https://example.org",
        "raw.png",
    ),
    Hostile(
        "remote-image-protocol-relative",
        '<img src="//example.org/pr.png" alt="A chart">',
        "loads '//example.org/pr.png'",
        "pr.png",
    ),
    Hostile(
        "remote-srcset",
        '<img src="local.png" srcset="https://example.org/big.png 2x" alt="A chart">',
        "loads 'https://example.org/big.png'",
        "big.png",
    ),
    Hostile(
        "remote-stylesheet-link",
        '<link rel="stylesheet" href="https://example.org/x.css">',
        "a <link> element",
        "<link",
    ),
    Hostile(
        "remote-video-source",
        '<video controls><source src="https://example.org/clip.mp4"></video>',
        "a <video> element",
        "<video",
    ),
    Hostile("remote-audio", '<audio src="https://example.org/a.mp3"></audio>', "a <audio> element", "<audio"),
    Hostile(
        "css-import-style-block",
        "<style>@import url(https://example.org/x.css);</style>",
        "a <style> element",
        "<style",
    ),
    Hostile(
        "css-url-inline-style",
        'A passage.\n{ style="background: url(https://example.org/bg.png)" }',
        "a style attribute 'style=",
        "bg.png",
    ),
]


def with_hostile(sources: dict[str, str], *cases: Hostile) -> dict[str, str]:
    changed = dict(sources)
    assert MARK in changed[ARTICLE]
    blocks = "".join(f"\n\n{case.markdown}\n" for case in cases)
    changed[ARTICLE] = changed[ARTICLE].replace(MARK, MARK + blocks, 1)
    return changed


@pytest.mark.parametrize("case", HOSTILE, ids=lambda c: c.id)
def test_hostile_markdown_fails_with_its_line_and_is_published_inert(case, base_sources, config):
    sources = with_hostile(base_sources, case)
    problems, pages = pipeline.run(sources, config)
    report = [str(p) for p in problems]
    line = next(n for n, text in enumerate(sources[ARTICLE].split("\n"), 1) if case.line_of in text)
    where = f"docs/{ARTICLE}:{line}: "
    assert any(p.startswith(where) and case.expected in p and " Fix: " in p for p in report), (
        f"expected {where}…{case.expected}… in:\n" + "\n".join(report)
    )
    # What a preview would publish anyway: the article and the print views
    # that carry its text.
    for src in (ARTICLE, "print/culture.md", "print/journey.md"):
        assert live_parts(pages[src]) == [], (src, live_parts(pages[src]))


def test_the_sanitiser_keeps_every_page_of_the_site_as_it_is(base_sources, config):
    """The allowlist holds everything the site's Markdown, blocks and
    templates produce: sanitising again changes nothing (the build already
    sanitised once), and sanitising the unsanitised pages loses no element,
    attribute or text (tests/test_sanitise.py compares the trees)."""
    from kb import sanitise

    problems, pages = pipeline.run(base_sources, config)
    assert list(problems) == []
    for src, html in pages.items():
        assert sanitise.clean(html) == html, src


# -- end to end: MkDocs, the published files, a browser ----------------------------


@early
def hostile_build(tmp_path_factory):
    """Every case in one article, built twice: strict (it must fail, with
    messages, no traceback) and as a preview publishes it (not strict)."""
    work = tmp_path_factory.mktemp("hostile")
    project = copy_project(work / "project")
    article = project / "docs" / ARTICLE
    sources = with_hostile({ARTICLE: article.read_text(encoding="utf-8")}, *HOSTILE)
    article.write_text(sources[ARTICLE], encoding="utf-8")
    port = free_port()
    env = {"SITE_URL": f"http://127.0.0.1:{port}/"}
    strict = build_site(project, work / "strict", env)
    preview = build_site(project, work / "site", env, strict=False)
    return work / "site", port, strict, preview, sources[ARTICLE]


def test_the_real_build_names_every_case_at_its_line(hostile_build):
    _, _, strict, preview, text = hostile_build
    assert strict.returncode != 0
    assert "Traceback" not in strict.stderr and "AssertionError" not in strict.stderr, strict.stderr[-3000:]
    lines = text.split("\n")
    for case in HOSTILE:
        line = next(n for n, t in enumerate(lines, 1) if case.line_of in t)
        assert f"docs/{ARTICLE}:{line}: " in strict.stderr, f"{case.id}: no error at line {line}"
    # Every error is placed in a source file, never in a built one.
    places = [line.split("-  ", 1)[1].split(":", 1)[0] for line in strict.stderr.splitlines() if "ERROR" in line]
    assert all(place.startswith("docs/") for place in places), places
    # Not strict, as `mkdocs serve` builds: the errors are logged, the pages written.
    assert "Traceback" not in preview.stderr
    assert (hostile_build[0] / "articles/can-we-afford-to-miss-customer-experience/index.html").exists()


TRIPWIRE = "window.__pwned = []; window.kbpwn = n => window.__pwned.push(n);"


def test_the_published_pages_run_nothing_and_call_no_other_host(hostile_build, chromium):
    site, port, _, _, _ = hostile_build
    server = serve(site, port)
    context = chromium.new_context()
    context.add_init_script(TRIPWIRE)
    tab = context.new_page()
    requests, errors = [], []
    tab.on("request", lambda r: requests.append(r.url))
    tab.on("console", lambda m: m.type == "error" and errors.append(m.text))
    try:
        for url in ("articles/can-we-afford-to-miss-customer-experience/", "print/journey/"):
            tab.goto(f"http://127.0.0.1:{port}/{url}", wait_until="load")
            # Everything a reader might touch: hover, focus and click each element of the article.
            tab.evaluate(
                """() => { for (const el of document.querySelectorAll('article *')) {
                  for (const type of ['mouseover', 'focus', 'click']) el.dispatchEvent(new Event(type)); } }"""
            )
            assert tab.evaluate("window.__pwned") == [], url
            html = site.joinpath(url, "index.html").read_text(encoding="utf-8")
            article = html[html.index("<article") : html.rindex("</article>")]
            assert live_parts(article) == [], (url, live_parts(article))
        tab.wait_for_load_state("networkidle")
    finally:
        context.close()
        server.shutdown()
    assert [u for u in requests if not u.startswith(f"http://127.0.0.1:{port}/")] == []
    assert [e for e in errors if "Content Security Policy" in e] == []  # nothing left for the policy to block
