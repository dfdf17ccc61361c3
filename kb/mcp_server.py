"""`python -m kb mcp`: the knowledge base as a local MCP server, over stdio.

An assistant (Claude Desktop, an editor, any MCP client) starts it as a
subprocess and calls its tools; it answers from a built site, offline:

    search        ranked passages for a query (the site's own search engine)
    get_passage   one passage, by its id or its URL
    cite          a citation in a chosen style, with a text-fragment URL
    list_articles every article, with its themes and disciplines
    answer        the sentences of the best passages that answer a question,
                  each with its link; or "not answered in this knowledge base"

and serves each article (its Markdown twin) and each glossary entry as a
resource. Everything is read from the built site's files for assistants
(kb/assistants.py: passages.jsonl, glossary.json, the Markdown twins) and its
search index; nothing outside the site directory is ever read.

    python -m kb mcp                  build the site (into .cache/mcp-site) and serve it
    python -m kb mcp --site DIR       serve a built site or an unzipped offline edition
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from . import assistants, engine
from .devtools import ROOT
from .devtools import engine as engine_command

ANSWER_STYLES = ("plain", "markdown", "apa", "mla", "chicago", "bibtex")
NOT_ANSWERED = "Not answered in this knowledge base."
ANSWERED = 0.5  # the share of a question's weight a sentence must cover
_SENTENCE = re.compile(r"(?<=[.!?…])[”’\"')\]]*\s+(?=[A-Z“‘\"'(\[0-9])")


class SiteError(Exception):
    """The directory is not a built CX knowledge base (or is damaged)."""


# -- the site, read safely ------------------------------------------------------------


@dataclass
class Site:
    root: Path
    passages: list[dict] = field(default_factory=list)
    by_url: dict[str, dict] = field(default_factory=dict)  # "articles/x/#p-id" -> record
    glossary: list[dict] = field(default_factory=list)
    base: str = ""  # the site URL the records were written with

    @classmethod
    def open(cls, root: Path) -> Site:
        root = Path(root).resolve()
        if not root.is_dir():
            raise SiteError(f"{root} is not a directory. Fix: pass --site the folder of a built site (site/).")
        site = cls(root)
        for name in (assistants.LLMS, assistants.PASSAGES, assistants.SCHEMA, assistants.GLOSSARY):
            if not site.exists(name):
                raise SiteError(
                    f"{root} is not a built CX knowledge base: it has no {name}. "
                    "Fix: build it with 'mkdocs build' (or 'python -m kb offline' and unzip), then pass that folder."
                )
        for number, line in enumerate(site.read_text(assistants.PASSAGES).splitlines(), 1):
            try:
                record = json.loads(line)
                missing = [key for key in ("id", "url", "text", "article") if key not in record]
                if missing:
                    raise KeyError(", ".join(missing))
            except (ValueError, KeyError, TypeError, AttributeError) as error:
                raise SiteError(f"{root / assistants.PASSAGES}:{number}: not a passage record ({error}).") from None
            site.passages.append(record)
        if not site.passages:
            raise SiteError(f"{root / assistants.PASSAGES} holds no passage.")
        first = site.passages[0]["article"]["url"]
        site.base = first[: first.index("articles/")] if "articles/" in first else ""
        for record in site.passages:
            site.by_url[site.relative(record["url"])] = record
        try:
            site.glossary = json.loads(site.read_text(assistants.GLOSSARY))["terms"]
        except (ValueError, KeyError, TypeError) as error:
            raise SiteError(f"{root / assistants.GLOSSARY}: not the site's glossary ({error}).") from None
        return site

    def path(self, relative: str) -> Path:
        """A file of the site; never one outside it (no '..', no symlink out)."""
        target = (self.root / relative.lstrip("/")).resolve()
        if not target.is_relative_to(self.root):
            raise SiteError(f"'{relative}' is outside the site.")
        return target

    def exists(self, relative: str) -> bool:
        return self.path(relative).is_file()

    def read_text(self, relative: str) -> str:
        return self.path(relative).read_text(encoding="utf-8")

    def relative(self, url: str) -> str:
        """'https://host/kb/articles/x/#p-y' -> 'articles/x/#p-y'."""
        return url[len(self.base) :] if self.base and url.startswith(self.base) else url

    def articles(self) -> list[dict]:
        """Each article once, in the order of the records (title order)."""
        seen: dict[str, dict] = {}
        for record in self.passages:
            article = record["article"]
            entry = seen.setdefault(
                article["url"],
                {**article, "themes": record["themes"], "disciplines": [], "passages": 0},
            )
            entry["passages"] += 1
            for discipline in record["disciplines"]:
                if discipline not in entry["disciplines"]:
                    entry["disciplines"].append(discipline)
        return list(seen.values())

    def find(self, ref: str) -> dict:
        """A passage by its id ('p-…'), its site path ('articles/x/#p-…') or its URL."""
        ref = (ref or "").strip()
        if not ref:
            raise LookupError("no passage id given. Fix: pass an id like 'p-the-first-five-words' or a passage URL.")
        if "#" in ref:
            path, _, fragment = ref.partition("#")
            fragment = unquote(fragment.split(":~:")[0])
            path = unquote(urlsplit(self.relative(path)).path).lstrip("/")
            # the hosted address, this server's or a copy's: the path from articles/ on
            path = path[path.index("articles/") :] if "articles/" in path else path
            record = self.by_url.get(f"{path}#{fragment}")
            if record is None:
                raise LookupError(f"no passage at '{ref}'. Fix: use a URL from search or passages.jsonl.")
            return record
        matches = [r for r in self.passages if r["id"] == unquote(ref)]
        if not matches:
            raise LookupError(f"no passage has the id '{ref}'. Fix: use an id or URL returned by search.")
        if len(matches) > 1:
            urls = ", ".join(r["url"] for r in matches)
            raise LookupError(f"the id '{ref}' is on more than one article ({urls}). Fix: pass the passage's URL.")
        return matches[0]


# -- what the tools do, as plain functions (tested without a client) ------------------


def _matches(record: dict, theme: str | None, discipline: str | None) -> bool:
    def has(items: list[dict], wanted: str) -> bool:
        wanted = wanted.strip().casefold()
        return any(wanted in (str(v).casefold() for v in item.values()) for item in items)

    if theme and not has(record["themes"], theme):
        return False
    return not (discipline and not has(record["disciplines"], discipline))


def search(site: Site, ranker: engine.Ranker, query: str, theme=None, discipline=None, limit=5) -> list[dict]:
    if not (query or "").strip():
        raise ValueError("the query is empty. Fix: pass the words to search for.")
    limit = max(1, min(int(limit), 50))
    results = []
    for hit in ranker.search(query):
        record = site.by_url.get(site.relative(hit.location)) or site.by_url.get(hit.location)
        if record is None or not _matches(record, theme, discipline):
            continue
        results.append(
            {
                "id": record["id"],
                "url": record["url"],
                "article": record["article"]["title"],
                "author": record["article"]["author"],
                "heading": " › ".join(record["heading_path"]) or None,
                "snippet": hit.snippet,
                "score": round(hit.score, 3),
            }
        )
        if len(results) >= limit:
            break
    return results


def text_fragment(site: Site, ranker: engine.Ranker, record: dict, quote: str) -> str:
    """The passage's URL with the text directive the page's quote links
    write for `quote` (kb/assets/js/text/fragment.js, run by the engine):
    up to ten words whole, else the first and last five, and the words
    before it when the same words come earlier in the article."""
    quote = " ".join(quote.split())
    text = " ".join(record["text"].split())
    before = text[: max(0, text.find(quote))].strip()
    article = " ".join(
        " ".join(r["text"].split()) for r in site.passages if r["article"]["url"] == record["article"]["url"]
    )
    return record["url"] + ":~:text=" + ranker.directive(quote, before, article.lower())


def cite(site: Site, ranker: engine.Ranker, ref: str, style: str = "plain", quote_text: str | None = None) -> dict:
    record = site.find(ref)
    style = (style or "plain").lower()
    if style not in ANSWER_STYLES:
        raise ValueError(f"unknown citation style '{style}'. Fix: use one of {', '.join(ANSWER_STYLES)}.")
    quoted = " ".join((quote_text or "").split())
    if quoted and quoted.casefold() not in record["text"].casefold():
        raise ValueError("the quote is not in that passage. Fix: quote its words exactly, or leave the quote out.")
    link = text_fragment(site, ranker, record, quoted or record["text"])
    article = record["article"]
    author = article["author"] or "Author not named in the source"
    title = article["title"]
    year = (article["published"] or "")[:4] or "n.d."
    venue = article["source"] or "CX Knowledge Base"
    formats = {
        "plain": record["citation"],
        "markdown": f"{author}, [“{title}”]({link})" + (f", {article['source']}" if article["source"] else "") + ".",
        "apa": f"{author}. ({year}). {title}. {venue}. {link}",
        "mla": f"{author}. “{title}.” {venue}"
        + (f", {article['published']}" if article["published"] else "")
        + f". {link}",
        "chicago": f"{author}. “{title}.” {venue}"
        + (f", {article['published']}" if article["published"] else "")
        + f". {link}.",
        "bibtex": "@misc{"
        + re.sub(r"[^\w]+", "-", record["id"])
        + ",\n  author = {"
        + author
        + "},\n  title = {"
        + title
        + "},\n  howpublished = {"
        + venue
        + "},\n  year = {"
        + year
        + "},\n  url = {"
        + link
        + "}\n}",
    }
    return {"citation": formats[style], "url": record["url"], "text_fragment_url": link, "quote": quoted or None}


def answer(site: Site, ranker: engine.Ranker, question: str, limit: int = 3) -> dict:
    """Extractive: sentences of the best passages, ranked by how much of the
    question's weight they cover (each word weighted by its rarity in the
    index, so that "customer" counts for little and a word the articles never
    use for much); never a sentence that is not in the articles. Nothing
    covers half the question: not answered."""
    if not (question or "").strip():
        raise ValueError("the question is empty. Fix: ask a question in words.")
    wanted = ranker.terms(question)
    total = sum(wanted.values())
    found = []
    for rank, hit in enumerate(search(site, ranker, question, limit=5) if total else []):
        record = site.by_url[site.relative(hit["url"])]
        for sentence in _SENTENCE.split(record["text"]):
            shared = set(wanted) & set(ranker.terms(sentence))
            if shared:
                found.append((sum(wanted[t] for t in shared) / total, -rank, sentence.strip(), record, sorted(shared)))
    found.sort(key=lambda f: (f[0], f[1]), reverse=True)
    best = found[0][0] if found else 0.0
    chosen = [f for f in found if f[0] >= max(ANSWERED, 0.6 * best)][: max(1, min(int(limit), 10))]
    if not chosen:
        return {"answered": False, "answer": NOT_ANSWERED, "sentences": []}
    return {
        "answered": True,
        "answer": " ".join(f"{sentence} [{n}]" for n, (_, _, sentence, _, _) in enumerate(chosen, 1)),
        "sentences": [
            {
                "sentence": sentence,
                "url": text_fragment(site, ranker, record, sentence),
                "passage": record["url"],
                "article": record["article"]["title"],
                "author": record["article"]["author"],
                "matched": shared,
                "coverage": round(coverage, 2),
            }
            for coverage, _, sentence, record, shared in chosen
        ],
    }


# -- the server -----------------------------------------------------------------------


def make_server(site: Site, ranker: engine.Ranker):
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    server = MCPServer(
        "cx-knowledge-base",
        instructions=(
            "A knowledge base of articles on customer experience (CX). Search it, read passages, and cite "
            "them with the URL of the exact passage. Quote only what the tools return; when `answer` says "
            f"'{NOT_ANSWERED}', say so instead of answering from elsewhere."
        ),
    )

    def tool_call(fn, *args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ValueError, LookupError, SiteError) as error:
            raise ToolError(str(error)) from None

    @server.tool(name="search")
    def search_tool(query: str, theme: str | None = None, discipline: str | None = None, limit: int = 5) -> list:
        """Ranked passages of the articles for a query (the site's own search): each with its id,
        permanent URL, article, author, heading and a snippet. Optional filters: a theme and a
        discipline (id or name, e.g. 'measurement', 'CX Design')."""
        return tool_call(search, site, ranker, query, theme, discipline, limit)

    @server.tool()
    def get_passage(id: str) -> dict:  # noqa: A002 (the argument's name in the protocol)
        """One passage: its text, permanent URL, article, author, headings, themes, disciplines,
        glossary terms, fingerprint, last-changed date and a ready citation. `id` is a passage id
        ('p-…') or its URL."""
        return tool_call(site.find, id)

    @server.tool(name="cite")
    def cite_tool(id: str, style: str = "plain", quote: str | None = None) -> dict:  # noqa: A002
        """A citation of a passage (by id or URL) in a style: plain, markdown, apa, mla, chicago or
        bibtex, with a text-fragment URL that highlights the quoted words (or the passage)."""
        return tool_call(cite, site, ranker, id, style, quote)

    @server.tool()
    def list_articles(theme: str | None = None, discipline: str | None = None) -> list:
        """Every article: title, URL, Markdown URL, author, source, publication date, themes and the
        disciplines its passages are marked with. Optional theme and discipline filters."""
        return [
            a
            for a in site.articles()
            if (not theme or _matches({"themes": a["themes"], "disciplines": []}, theme, None))
            and (not discipline or _matches({"themes": [], "disciplines": a["disciplines"]}, None, discipline))
        ]

    @server.tool(name="answer")
    def answer_tool(question: str, limit: int = 3) -> dict:
        """Answer a question from the articles, extractively: the sentences of the best passages
        that answer it, each with the link that highlights it; or 'Not answered in this knowledge
        base.' when nothing does. Never writes a sentence of its own."""
        return tool_call(answer, site, ranker, question, limit)

    _add_resources(server, site)
    return server


def _add_resources(server, site: Site) -> None:
    """Each article (its Markdown twin) and each glossary entry, as a resource."""
    from mcp.server.mcpserver.resources import FunctionResource

    for article in site.articles():
        relative = site.relative(article["markdown"])
        slug = relative.removeprefix("articles/").removesuffix("/index.md").removesuffix(".md")
        server.add_resource(
            FunctionResource(
                uri=f"kb://articles/{slug}",
                name=slug,
                title=article["title"],
                description=f"The article “{article['title']}” in Markdown, with its attribution.",
                mime_type="text/markdown",
                fn=lambda relative=relative: site.read_text(relative),
            )
        )
    for term in site.glossary:
        server.add_resource(
            FunctionResource(
                uri=f"kb://glossary/{term['id']}",
                name=term["id"],
                title=term["term"],
                description=f"Glossary: {term['term']}",
                mime_type="text/markdown",
                fn=lambda term=term: _glossary_markdown(term),
            )
        )


def _glossary_markdown(term: dict) -> str:
    label = term["term"] + (f" ({term['abbreviation']})" if term.get("abbreviation") else "")
    also = ", ".join(term.get("spellings") or [])
    return (
        f"# {label}\n\n{term['definition']}\n\n" + (f"Also written: {also}\n\n" if also else "") + f"<{term['url']}>\n"
    )


def build_site(target: Path) -> Path:
    """The project's site, built for the server (its log goes to stderr:
    stdout is the protocol's)."""
    run = subprocess.run(
        engine_command("build", "--strict", "--quiet", "--site-dir", str(target)),
        cwd=ROOT,
        stdout=sys.stderr,
        stderr=sys.stderr,
    )
    if run.returncode != 0:
        raise SiteError("the site did not build (the errors are above). Fix them, or pass --site a built site.")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m kb mcp", description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, help="a built site or an unzipped offline edition (default: build it)")
    args = parser.parse_args(argv)
    try:
        root = args.site or build_site(ROOT / ".cache" / "mcp-site")
        site = Site.open(root)
        ranker = engine.Ranker.for_site(site.path)
    except (SiteError, engine.EngineError) as error:
        print(f"python -m kb mcp: {error}", file=sys.stderr)
        return 2
    try:
        make_server(site, ranker).run("stdio")
    finally:
        ranker.close()
    return 0
