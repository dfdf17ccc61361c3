"""Site search that finds the passage: a post-build step over the built site.

Material's search UI stays (the box, the `/` shortcut, the result list, the
highlighting on the page it opens); what answers it changes:

- the index: one document per passage (`articles/x/#p-...`) with the
  authors' text only, one per glossary entry and per section of the other
  pages, and each page's title, author, source, themes and disciplines; the
  glossary's spellings (abbreviation, full name, every "Also:" variant) go
  along as synonym groups: searchable, never displayed;
- the worker: kb/search_worker.js replaces Material's lunr worker file. It
  speaks Material's worker protocol and ranks with stemming, British and
  American spellings, synonyms, prefix matching as you type, one-edit typo
  tolerance, phrase proximity and filters (`theme:`, `discipline:`, `author:`);
- loading: `search/search_index.json`, which Material's page script fetches
  on every page load, becomes a stub of a few hundred bytes; the worker
  fetches `search/passages.json` on the first query. The offline edition
  (file://, where a worker cannot fetch) gets the index inlined instead.

Everything here reads and writes files in the built site; `on_post_build`
is the hook's entry point.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from selectolax.lexbor import LexborHTMLParser

from .glossary import parse as parse_glossary
from .htmltext import built_pages, parsed_once
from .problems import Problems

INDEX_FILE = "search/passages.json"
STUB_FILE = "search/search_index.json"
WORKER_SOURCE = Path(__file__).with_name("search_worker.js")
WORKER_GLOB = "assets/javascripts/workers/search.*.min.js"
# Decorations and generated blocks: never the authors' text.
DROP = "[data-search-exclude], .kb-expansions, .headerlink, .kb-anchor, script, style, .kb-alias"
SKIP_PREFIXES = ("print/", "search/", "assets/")
HEADINGS = ("h1", "h2", "h3", "h4")
_SPACES = re.compile(r"\s+")


def text_of(node) -> str:
    return _SPACES.sub(" ", node.text(separator="", strip=False)).strip()


def page_url(site: Path, path: Path, directory_urls: bool = True) -> str:
    relative = path.relative_to(site).as_posix()
    if directory_urls and (relative == "index.html" or relative.endswith("/index.html")):
        return relative[: -len("index.html")]
    return relative


def page_kind(url: str, html: str) -> str:
    if 'property="og:type" content="article"' in html:
        return "article"
    if url in ("glossary/", "glossary.html"):
        return "glossary"
    if url.startswith("themes/") and url not in ("themes/", "themes/index.html", "themes.html"):
        return "theme"
    return "page"


def read_page(url: str, html: str) -> dict | None:
    """One built page -> its page record and its documents."""
    tree = LexborHTMLParser(html)
    article = tree.css_first("article.md-content__inner")
    if article is None:
        return None
    kind = page_kind(url, html)
    author = article.css_first(".kb-author")
    source = article.css_first(".kb-source")
    themes = [chip.attributes.get("data-theme") for chip in article.css(".kb-chip[data-theme]")]
    page = {
        "u": url,
        "t": "",
        "k": kind,
        "a": text_of(author) if author and not text_of(author).startswith("Author not named") else "",
        "s": re.sub(r"^first published on\s+", "", text_of(source)) if source else "",
        "th": [t for t in themes if t],
    }
    for node in article.css(DROP):
        node.decompose()
    h1 = article.css_first("h1")
    page["t"] = text_of(h1) if h1 else (text_of(tree.css_first("title")) if tree.css_first("title") else url)
    docs = []
    if kind == "article":
        heading = ""
        for node in article.css("h2[id], h3[id], h4[id], p[id^='p-'], li[id^='p-']"):
            if node.tag in HEADINGS:
                heading = text_of(node)
                continue
            text = text_of(node)
            if text:
                docs.append([node.id, heading, text, node.attributes.get("data-disciplines") or ""])
    else:
        # Sections: a heading with an id and the passages under it.
        current: list | None = None
        for node in article.css("h1, h2[id], h3[id], h4[id], p, li"):
            if node.tag in HEADINGS:
                current = [node.id or "", text_of(node), "", ""]
                docs.append(current)
            elif current is not None and (node.tag == "p" or node.id):
                current[2] = (current[2] + " " + text_of(node)).strip()
        docs = [d for d in docs if d[1] or d[2]]
        for d in docs:
            if d[0] and d[0] == (h1.id if h1 else None):
                d[0] = ""
    page["d"] = docs
    return page


def synonym_groups(glossary_source: str) -> list[list[str]]:
    """Every spelling of every glossary term: name, abbreviation, variants."""
    glossary = parse_glossary(glossary_source, Problems())
    return [list(dict.fromkeys(term.variants)) for term in glossary.terms]


def build_index(
    site: Path,
    glossary_source: str = "",
    themes: dict | None = None,
    disciplines: dict | None = None,
    directory_urls: bool = True,
) -> dict:
    pages = []
    paths = built_pages(site) if directory_urls else sorted(site.rglob("*.html"))
    for path in paths:
        url = page_url(site, path, directory_urls)
        if path.name == "404.html" or url.startswith(SKIP_PREFIXES):
            continue
        record = parsed_once(_RECORDS, path, lambda p, url=url: read_page(url, p.read_text(encoding="utf-8")), url)
        if record and record["d"]:
            pages.append(record)
    return {
        "v": 1,
        "pages": pages,
        "synonyms": synonym_groups(glossary_source) if glossary_source else [],
        "themes": themes or {},
        "disciplines": disciplines or {},
    }


# Each built page's record, until the page changes (htmltext.parsed_once).
_RECORDS: dict = {}


def theme_names(site: Path) -> dict[str, str]:
    """theme id -> name, read from the article chips."""
    names: dict[str, str] = {}
    for path in sorted((site / "articles").rglob("*.html")) if (site / "articles").is_dir() else []:
        for chip in LexborHTMLParser(path.read_text(encoding="utf-8")).css(".kb-chip[data-theme]"):
            names.setdefault(chip.attributes["data-theme"], text_of(chip))
        if len(names) >= 8:
            break
    return names


def discipline_names(site: Path) -> dict[str, str]:
    """discipline id -> name, read from the badges under passages."""
    names: dict[str, str] = {}
    for path in sorted((site / "articles").rglob("*.html")) if (site / "articles").is_dir() else []:
        for badge in LexborHTMLParser(path.read_text(encoding="utf-8")).css("a.kb-discipline[href]"):
            names.setdefault(badge.attributes["href"].rsplit("#", 1)[-1], text_of(badge))
        if len(names) >= 6:
            break
    return names


def write(site: Path, index: dict, inline: bool) -> dict[str, int]:
    """Write the passage index, the stub Material fetches, and the worker."""
    config = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}}
    payload = json.dumps(index, ensure_ascii=False, separators=(",", ":"))
    if inline:
        config["kb_index"] = index
    else:
        (site / INDEX_FILE).parent.mkdir(parents=True, exist_ok=True)
        (site / INDEX_FILE).write_text(payload, encoding="utf-8")
        config["kb_index_url"] = INDEX_FILE
    stub = json.dumps({"config": config, "docs": []}, ensure_ascii=False, separators=(",", ":"))
    (site / STUB_FILE).write_text(stub, encoding="utf-8")
    workers = sorted(site.glob(WORKER_GLOB))
    if not workers:
        raise FileNotFoundError(f"no Material search worker under {site / WORKER_GLOB}")
    source = WORKER_SOURCE.read_text(encoding="utf-8")
    for worker in workers:
        worker.write_text(source, encoding="utf-8")
        worker.with_name(worker.name + ".map").unlink(missing_ok=True)
    return {"index_bytes": 0 if inline else len(payload.encode()), "stub_bytes": len(stub.encode())}


def rewrite(
    site: Path,
    glossary_source: str = "",
    inline: bool = False,
    disciplines: dict | None = None,
    directory_urls: bool = True,
    themes: dict | None = None,
) -> dict[str, int]:
    """The whole post-build step over a built site. Theme and discipline
    names come from the build when it gives them; read from the built pages
    otherwise (another engine's output)."""
    index = build_index(
        site, glossary_source, themes or theme_names(site), disciplines or discipline_names(site), directory_urls
    )
    return write(site, index, inline)


def on_post_build(config, disciplines: dict | None = None, themes: dict | None = None) -> dict[str, int]:
    """Entry point for hooks/knowledge_base.py."""
    if "search" not in config.plugins and "material/search" not in config.plugins:
        return {}
    site = Path(config.site_dir)
    glossary = Path(config.docs_dir) / "glossary.md"
    offline = config.plugins.get("material/offline") or config.plugins.get("offline")
    inline = bool(offline and offline.config.enabled) or not config.use_directory_urls
    return rewrite(
        site,
        glossary.read_text(encoding="utf-8") if glossary.is_file() else "",
        inline,
        disciplines,
        bool(config.use_directory_urls),
        themes,
    )
