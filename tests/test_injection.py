"""Nothing an editor writes can run script in a reader's browser, and text
shows exactly as written.

A scratch copy of the project gets one payload (an <img onerror>, a quote
breaking out of an attribute, a </title> breaking out of the title, a quote
and ampersand, a literal `&amp;`, a <b>) in every text field a page's source
has outside its Markdown body: an article's title, description, author,
author_role and source; a theme page's title. Text that lives in Markdown (a
glossary term's name and definition, a discipline's name) is written the way
an author writes literal text in Markdown (`&lt;img ...&gt;`): it must stay
literal wherever the build reuses it (tooltips, listings, badges, matrices).

Each (field, payload) pair carries its own number N (the field's two digits,
then the payload's): the value is `zqN <payload> qzN`, and the payload calls
`kbpwn(N)`, a tripwire the browser defines before any page script runs. Every built page is opened in Chromium; the test fails for the
field whose number fired, whose markup reached the DOM as elements, or whose
text does not read back exactly (in the h1, navigation, <title>, Open Graph
and Twitter meta, the search index and search results, and everywhere else
the marker appears).

One build carries every case: each field holds its six values one after the
other, and each (field, payload) case is judged by its own number. If the
build refuses, each payload is built on its own, then each field alone, and a
refusal passes when it is a clear error naming the file (no traceback), the
issue's other acceptable outcome.
"""

from __future__ import annotations

import html
import json
import re
import subprocess
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from early import early

from kb.devtools import build_site, copy_project, free_port, serve
from kb.htmltext import page_urls
from kb.tools import search_eval

ARTICLE = "articles/integrate-cx-into-business-strategy.md"  # has author_role
THEME = "themes/culture.md"
GLOSSARY = "glossary.md"
DISCIPLINES = "disciplines.md"
SOURCES = {"article": ARTICLE, "theme": THEME, "glossary": GLOSSARY, "discipline": DISCIPLINES}

# field -> its number; with the payload's digit, every marker has three
# digits, so no marker is a prefix of another
FIELDS = {
    "article.title": 11,
    "article.description": 12,
    "article.author": 13,
    "article.author_role": 14,
    "article.source": 15,
    "theme.title": 16,
    "glossary.name": 17,
    "glossary.definition": 18,
    "discipline.name": 19,
}
MARKDOWN_FIELDS = {"glossary.name", "glossary.definition", "discipline.name"}

PAYLOADS = {
    "img-onerror": "<img src=x onerror=kbpwn({n})>",
    "attribute-breakout": '"><script>kbpwn({n})</script>',
    "title-breakout": "</title><script>kbpwn({n})</script>",
    "quote-ampersand": 'He said "hi" & it\'s',
    "entity": "&amp;",
    "bold": "<b>bold</b>",
}

TRIPWIRE = """
window.__pwned = [];
window.kbpwn = n => window.__pwned.push(n);
"""


def number(field_name: str, payload: str) -> int:
    return FIELDS[field_name] * 10 + list(PAYLOADS).index(payload) + 1


def value(field_name: str, payload: str) -> str:
    """The text a reader must see: `zqN <payload> qzN`."""
    n = number(field_name, payload)
    return f"zq{n} {PAYLOADS[payload].format(n=n)} qz{n}"


def values(field_name: str, payloads: list[str]) -> str:
    """What the field holds: the value of each payload, in turn."""
    return " ".join(value(field_name, payload) for payload in payloads)


# --- the scratch project ------------------------------------------------------


def _split_front_matter(text: str) -> tuple[dict, str]:
    _, front, body = text.split("---\n", 2)
    return yaml.safe_load(front), body


def _join_front_matter(meta: dict, body: str) -> str:
    return "---\n" + yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000) + "---\n" + body


def inject(project: Path, fields: list[str], payloads: list[str]) -> None:
    docs = project / "docs"
    article = docs / ARTICLE
    meta, body = _split_front_matter(article.read_text(encoding="utf-8"))
    for name in fields:
        if name.startswith("article."):
            meta[name.removeprefix("article.")] = values(name, payloads)
    article.write_text(_join_front_matter(meta, body), encoding="utf-8")

    if "theme.title" in fields:
        theme = docs / THEME
        meta, body = _split_front_matter(theme.read_text(encoding="utf-8"))
        meta["title"] = values("theme.title", payloads)
        theme.write_text(_join_front_matter(meta, body), encoding="utf-8")
        # The theme's print view takes its ids from the title: forget the
        # ones it published (in this scratch copy only).
        registry = json.loads((project / "anchors.json").read_text(encoding="utf-8"))
        registry["pages"].pop("print/" + page_url_of(THEME).removeprefix("themes/"), None)
        (project / "anchors.json").write_text(json.dumps(registry, indent=1), encoding="utf-8")

    # Markdown: literal text is written escaped, as an author would.
    if {"glossary.name", "glossary.definition"} & set(fields):
        glossary = docs / GLOSSARY
        lines = glossary.read_text(encoding="utf-8").splitlines()
        first = next(i for i, line in enumerate(lines) if line.startswith("## "))
        name = lines[first][3:].strip()
        if "glossary.name" in fields:
            # Same id, and the old name stays a spelling so articles still mark it.
            slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
            lines[first] = f"## {name} {html.escape(values('glossary.name', payloads))} {{ #{slug} }}"
            lines.insert(first + 1, "")
            lines.insert(first + 2, f"*Also:* {name}")
        if "glossary.definition" in fields:
            # At the end of the definition's first paragraph: its first five
            # words, and so its published passage id, stay.
            start = next(
                i for i in range(first + 1, len(lines)) if lines[i].strip() and not lines[i].startswith("*Also:*")
            )
            end = next(i for i in range(start, len(lines) + 1) if i == len(lines) or not lines[i].strip()) - 1
            lines[end] = f"{lines[end]} {html.escape(values('glossary.definition', payloads))}"
        glossary.write_text("\n".join(lines) + "\n", encoding="utf-8")

    if "discipline.name" in fields:
        disciplines = docs / DISCIPLINES
        text = disciplines.read_text(encoding="utf-8")
        text, count = re.subn(
            r"^(## .+?)(\s*\{[^}]*\.discipline[^}]*\})$",
            lambda m: f"{m[1]} {html.escape(values('discipline.name', payloads))}{m[2]}",
            text,
            count=1,
            flags=re.M,
        )
        assert count == 1, "no discipline heading found in docs/disciplines.md"
        disciplines.write_text(text, encoding="utf-8")


# --- reading the built site in the browser -----------------------------------

COLLECT = """() => {
  const texts = [], attrs = [], injected = [];
  const walker = document.createTreeWalker(document.documentElement, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement && node.parentElement.localName;
    if (parent === 'script' || parent === 'style') continue;
    if (/zq\\d{3}/.test(node.data)) texts.push([parent, node.data]);
  }
  // Attributes a reader (or a link preview, a screen reader) reads as text;
  // ids and addresses made from a title are slugs, not text.
  const shown = new Set(['content', 'title', 'aria-label', 'aria-description', 'alt', 'placeholder', 'value']);
  for (const el of document.querySelectorAll('*')) {
    for (const a of el.attributes) {
      if (shown.has(a.name) && /zq\\d{3}/.test(a.value)) attrs.push([el.localName + '@' + a.name, a.value]);
      if (/kbpwn\\(/.test(a.value) && /^on/.test(a.name)) injected.push(el.outerHTML.slice(0, 200));
    }
    if (el.localName === 'script' && /kbpwn\\(/.test(el.textContent)) injected.push(el.outerHTML.slice(0, 200));
  }
  const meta = {};
  for (const m of document.querySelectorAll('meta[content]'))
    meta[m.getAttribute('property') || m.getAttribute('name')] = m.content;
  const textsOf = sel => [...document.querySelectorAll(sel)].map(e => e.textContent.replace(/\\s+/g, ' ').trim());
  return {
    fired: window.__pwned, texts, attrs, injected, meta, title: document.title,
    h1: textsOf('article h1'), h2: textsOf('article h2'), nav: textsOf('.md-nav__link'),
    author: textsOf('.kb-author'), source: textsOf('.kb-source'), chips: textsOf('.kb-chip'),
    results: textsOf('.md-search-result__item'),
  };
}"""


@dataclass
class Build:
    """One payload's site: what each page showed, or the build's refusal."""

    fields: list[str]
    payloads: list[str]
    returncode: int
    stderr: str
    pages: dict[str, dict] = field(default_factory=dict)
    dialogs: list[tuple[str, str]] = field(default_factory=list)
    search: dict[int, dict] = field(default_factory=dict)  # marker number -> results page
    index: list[dict] = field(default_factory=list)  # Material's search index: HTML
    plain_index: list[str] = field(default_factory=list)  # the site's own search data: plain text


def open_every_page(chromium, site: Path, build: Build) -> None:
    server = serve(site, free_port())
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    context = chromium.new_context()
    context.add_init_script(TRIPWIRE)
    tab = context.new_page()
    current = {"url": ""}

    def on_dialog(dialog):
        build.dialogs.append((current["url"], dialog.message))
        dialog.dismiss()

    tab.on("dialog", on_dialog)
    try:
        for url in page_urls(site):
            current["url"] = url
            tab.goto(base + url, wait_until="load")
            build.pages[url] = tab.evaluate(COLLECT)
        # Material's search renders index titles and text as HTML: search for
        # each case's marker and look at the results too (one page load).
        current["url"] = "search"
        tab.goto(base, wait_until="load")
        tab.locator(".md-search__input").first.click()
        for name in build.fields:
            for payload in build.payloads:
                n = number(name, payload)
                if any(f"zq{n}" in doc["title"] + doc["text"] for doc in build.index) or any(
                    f"zq{n}" in text for text in build.plain_index
                ):
                    current["url"] = f"search zq{n}"
                    tab.evaluate(search_eval._RUN_QUERY, f"zq{n}")  # returns when results (or none) show
                    build.search[n] = tab.evaluate(COLLECT)
    finally:
        context.close()
        server.shutdown()


_builds: dict[tuple[tuple[str, ...], tuple[str, ...]], Build] = {}


def built_copy(tmp_path_factory, payloads: list[str], fields: list[str]) -> tuple[Path, subprocess.CompletedProcess]:
    """A copy of the project with `payloads` in `fields`, built: (work folder, result)."""
    work = tmp_path_factory.mktemp("inject")
    project = copy_project(work / "project")
    inject(project, fields, payloads)
    return work, build_site(project, work / "site", {"SITE_URL": "http://127.0.0.1:8000/"})


@early
def every_case_built(tmp_path_factory):
    """The build with every payload in every field, made ahead."""
    return built_copy(tmp_path_factory, list(PAYLOADS), list(FIELDS))


def build_with(tmp_path_factory, chromium, payloads: list[str], fields: list[str], built=None) -> Build:
    key = (tuple(payloads), tuple(fields))
    if key not in _builds:
        work, result = built or built_copy(tmp_path_factory, payloads, fields)
        build = Build(list(fields), list(payloads), result.returncode, result.stderr)
        if result.returncode == 0:
            search = json.loads((work / "site" / "search" / "search_index.json").read_text())
            build.index = search["docs"]
            # The site's own search (kb/search.py) keeps its data in parts, in
            # the folder of the file named in the index's config: every string
            # in them is text (but the shards' single words, s/*.json).
            if own := search["config"].get("kb_index_url"):
                parts = [p for p in sorted((work / "site" / own).parent.rglob("*.json")) if p.parent.name != "s"]
                build.plain_index = [s for part in parts for s in strings(json.loads(part.read_text()))]
            open_every_page(chromium, work / "site", build)
        _builds[key] = build
    return _builds[key]


def build_for(tmp_path_factory, chromium, payload: str, field_name: str, every_case=None) -> Build:
    """The build with every case; if it is refused, this payload in every
    field; if that is refused too, this field alone."""
    build = build_with(tmp_path_factory, chromium, list(PAYLOADS), list(FIELDS), every_case)
    if build.returncode != 0:
        build = build_with(tmp_path_factory, chromium, [payload], list(FIELDS))
    if build.returncode != 0:
        build = build_with(tmp_path_factory, chromium, [payload], [field_name])
    return build


# --- judging one field --------------------------------------------------------


class _Chunks(HTMLParser):
    """An HTML string as the text runs between its tags."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.chunks, self.tags = [""], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.chunks.append("")

    def handle_endtag(self, tag):
        self.chunks.append("")

    def handle_data(self, data):
        self.chunks[-1] += data


def html_chunks(markup: str) -> list[str]:
    parser = _Chunks()
    parser.feed(markup)
    parser.close()
    return parser.chunks


def page_url_of(src: str) -> str:
    """'themes/culture.md' -> 'themes/culture/'"""
    return src.removesuffix(".md") + "/"


def required(name: str) -> list[tuple[str, str]]:
    """(page, place) where the field must read back exactly."""
    article, theme = page_url_of(ARTICLE), page_url_of(THEME)
    return {
        "article.title": [
            (article, "h1"),
            (article, "title"),
            (article, "og:title"),
            (article, "twitter:title"),
            ("articles/", "text"),
        ],
        "article.description": [
            (article, "og:description"),
            (article, "twitter:description"),
            (article, "description"),
        ],
        "article.author": [(article, "author"), (article, "article:author")],
        "article.author_role": [(article, "author")],
        "article.source": [(article, "source")],
        "theme.title": [(theme, "title"), (theme, "og:title"), (theme, "nav"), (article, "chips")],
        "glossary.name": [("glossary/", "h2")],
        "glossary.definition": [("glossary/", "text")],
        "discipline.name": [("disciplines/", "h2")],
    }[name]


def strings(data):
    """Every string in a JSON document."""
    if isinstance(data, str):
        yield data
    elif isinstance(data, dict):
        for item in data.values():
            yield from strings(item)
    elif isinstance(data, list):
        for item in data:
            yield from strings(item)


def same(expected: str, text: str) -> bool:
    """The whole value is in the text, character for character; only case
    may differ ("All the articles on <theme title, lower case>")."""
    return expected.casefold() in " ".join(text.split()).casefold()


def around(text: str, marker: str) -> str:
    at = text.find(marker)
    return " ".join(text[max(0, at - 60) : at + 100].split())


def problems_for(build: Build, name: str, payload: str) -> list[str]:
    n, expected = number(name, payload), value(name, payload)
    marker = f"zq{n}"
    found = []
    if build.returncode != 0:
        # Refused: fine if every error names the file the value is in (and
        # no traceback), not a consequence found later in the built site.
        errors = [line for line in build.stderr.splitlines() if line.startswith("ERROR")]
        source = "docs/" + SOURCES[name.split(".")[0]]
        if "Traceback" in build.stderr or not errors or not all(source in line for line in errors):
            found.append(f"the build failed, but not with a clear error about {source}:\n{build.stderr[-3000:]}")
        return found

    for url, page in list(build.pages.items()) + [(f"search results for {marker}", build.search.get(n))]:
        if page is None:
            continue
        if n in page["fired"]:
            found.append(f"{url}: script ran (kbpwn({n}))")
        found += [f"{url}: markup became elements: {e}" for e in page["injected"] if f"kbpwn({n})" in e]
        if url.startswith("search results"):
            # <mark> splits the text there: read each result whole. A title
            # must be found; other fields are judged where they show.
            results = [text for text in page["results"] if marker in text]
            if name == "article.title" and not results:
                found.append(f"{url}: no result reads {expected!r}: {page['results'][:3]!r}")
            found += [f"{url}: a result reads {around(text, marker)!r}" for text in results if not same(expected, text)]
            continue
        # Wherever the marker shows, the whole value shows with it, literally.
        for where, text in page["texts"] + page["attrs"] + [("title", page["title"])]:
            if marker in text and not same(expected, text):
                found.append(f"{url}: {where} reads {around(text, marker)!r}")
    found += [f"{url}: a dialog opened: {message}" for url, message in build.dialogs if f"({n})" in message]

    for url, place in required(name):
        page = build.pages.get(url)
        if page is None:
            found.append(f"{url}: not built")
            continue
        if place in ("h1", "h2", "nav", "author", "source", "chips"):
            shown = page[place]
        elif place == "title":
            shown = [page["title"]]
        elif place == "text":
            shown = [t for _, t in page["texts"]]
        else:
            shown = [page["meta"].get(place, "")]
        if not any(same(expected, s) for s in shown):
            found.append(f"{url}: no {place} reads {expected!r}; {place} is {shown[:4]!r}")

    # Material's search index holds HTML: its text runs must carry the value
    # whole; the site's own search data is plain text.
    entries = [d for d in build.index if marker in d["title"] + d["text"]]
    plain = [text for text in build.plain_index if marker in text]
    if name in ("article.title", "glossary.name", "discipline.name") and not entries and not plain:
        found.append(f"search index: no entry carries {marker}")
    found += [f"search data: {around(text, marker)!r}" for text in plain if not same(expected, text)]
    for entry in entries:
        for key in ("title", "text"):
            for chunk in html_chunks(entry[key]):
                if marker in chunk and not same(expected, chunk):
                    found.append(f"search index {entry['location']} {key}: {around(chunk, marker)!r}")
    return found


@pytest.mark.parametrize(
    "name, payload", [pytest.param(name, payload, id=f"{name}-{payload}") for name in FIELDS for payload in PAYLOADS]
)
def test_field_stays_inert_text(tmp_path_factory, chromium, every_case_built, name, payload):
    problems = problems_for(build_for(tmp_path_factory, chromium, payload, name, every_case_built), name, payload)
    assert not problems, f"{name} = {value(name, payload)!r}:\n" + "\n".join(dict.fromkeys(problems))
