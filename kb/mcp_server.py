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
import os
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


class SiteError(ValueError):
    """The directory is not a built CX knowledge base (or is damaged), or a
    path or address that is not one of its own."""


ECHO = 200  # the characters of a caller's input an error message repeats


def _origin(parts) -> tuple[str, int | None]:
    """An address's host and port, the scheme's default port written out
    ('EXAMPLE.org:443' over https is 'example.org'); an unreadable port is
    its own origin (never this site's)."""
    try:
        port = parts.port
    except ValueError:
        return (parts.netloc.lower(), -1)
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return ((parts.hostname or "").lower(), None if port in (None, default) else port)


def shown(text: object) -> str:
    """A caller's input as an error message repeats it: at most ECHO characters."""
    text = str(text)
    return text if len(text) <= ECHO else text[:ECHO] + f"… ({len(text)} characters)"


# What the server reads of glossary.json and kb-site.json: checked before use,
# like every record of passages.jsonl (against its published schema).
GLOSSARY_SCHEMA = {
    "type": "object",
    "required": ["terms"],
    "properties": {
        "terms": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["id", "term", "definition", "url"],
                "properties": {
                    "id": {"type": "string", "pattern": "^[^\\s#/]+$"},
                    "term": {"type": "string", "minLength": 1},
                    "abbreviation": {"type": ["string", "null"]},
                    "spellings": {"type": "array", "items": {"type": "string"}},
                    "definition": {"type": "string"},
                    "url": {"type": "string"},
                },
            },
        }
    },
}
MANIFEST_SCHEMA = {
    "type": "object",
    "required": ["name", "site_url", "files"],
    "properties": {"name": {"type": "string"}, "site_url": {"type": "string"}, "files": {"type": "object"}},
}


def _invalid(schema: dict, value) -> str | None:
    """What is wrong with `value` against `schema` (jsonschema), or None."""
    import jsonschema

    error = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(schema).iter_errors(value))
    if error is None:
        return None
    where = "/".join(str(p) for p in error.absolute_path)
    return (f"at '{where}': " if where else "") + shown(error.message)


# -- the site, read safely ------------------------------------------------------------


@dataclass
class Site:
    root: Path
    passages: list[dict] = field(default_factory=list)
    by_url: dict[str, dict] = field(default_factory=dict)  # "articles/x/#p-id" -> record
    glossary: list[dict] = field(default_factory=list)
    glossary_by_url: dict[str, dict] = field(default_factory=dict)  # "glossary/#nps" -> term
    base: str = ""  # the hosted site's address (kb-site.json), "" when the edition names none

    @classmethod
    def open(cls, root: Path) -> Site:
        root = Path(root).resolve()
        if not root.is_dir():
            raise SiteError(f"{root} is not a directory. Fix: pass --site the folder of a built site (site/).")
        site = cls(root)
        for name in (assistants.LLMS, assistants.PASSAGES, assistants.SCHEMA, assistants.GLOSSARY, assistants.MANIFEST):
            if not site.exists(name):
                raise SiteError(
                    f"{root} is not a built CX knowledge base: it has no {name}. "
                    "Fix: build it with 'mkdocs build' (or 'python -m kb offline' and unzip), then pass that folder."
                )
        manifest = site.read_json(assistants.MANIFEST, MANIFEST_SCHEMA)
        base = manifest["site_url"].strip()
        if base not in ("", "/"):
            parts = urlsplit(base)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise SiteError(
                    f"{root / assistants.MANIFEST}: site_url '{shown(base)}' is not an http(s) address. "
                    "Fix: rebuild the site with site_url (or SITE_URL) set to the address it is published at."
                )
            site.base = base if base.endswith("/") else base + "/"
        site._read_passages()
        site.glossary = site.read_json(assistants.GLOSSARY, GLOSSARY_SCHEMA)["terms"]
        for term in site.glossary:
            try:
                site.glossary_by_url[site._key(term["url"])] = term
            except LookupError as error:
                raise SiteError(f"{root / assistants.GLOSSARY}: the term '{shown(term['id'])}': {error}") from None
        return site

    def _read_passages(self) -> None:
        """passages.jsonl, each record checked against the published schema
        (kb/passages.schema.json, the one in this package, not the site's
        copy). Records end at "\n" only: a U+2028 inside a string (JSON
        allows it raw) does not end a line."""
        import jsonschema

        validator = jsonschema.Draft202012Validator(json.loads(assistants.SCHEMA_SOURCE.read_text(encoding="utf-8")))
        where = self.root / assistants.PASSAGES
        for number, line in enumerate(self.read_text(assistants.PASSAGES).split("\n"), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                raise SiteError(f"{where}:{number}: not JSON ({error}).") from None
            if not validator.is_valid(record):
                problem = _invalid(validator.schema, record)
                raise SiteError(f"{where}:{number}: not a passage record ({problem}). Fix: rebuild the site.")
            if self.base and not record["url"].startswith(self.base):
                raise SiteError(
                    f"{where}:{number}: the passage URL '{shown(record['url'])}' is not under the site's "
                    f"address in {assistants.MANIFEST} ({self.base}). Fix: rebuild the site."
                )
            self.passages.append(record)
            try:
                self.by_url[self._key(record["url"])] = record
            except LookupError as error:
                raise SiteError(f"{where}:{number}: {error}") from None
        if not self.passages:
            raise SiteError(f"{where} holds no passage. Fix: rebuild the site.")

    def path(self, relative: str) -> Path:
        """A file of the site; never one outside it (no '..', no symlink out)."""
        target = (self.root / relative.lstrip("/")).resolve()
        if not target.is_relative_to(self.root):
            raise SiteError(f"'{shown(relative)}' is outside the site.")
        return target

    def exists(self, relative: str) -> bool:
        return self.path(relative).is_file()

    def read_text(self, relative: str) -> str:
        """A text file of the site, or a SiteError that names it and says why."""
        path = self.path(relative)
        try:
            return path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SiteError(f"{path} is missing. Fix: rebuild the site (or unzip the edition again).") from None
        except UnicodeDecodeError as error:
            raise SiteError(
                f"{path} is not UTF-8 text (byte {error.start}). Fix: rebuild the site (or unzip the edition again)."
            ) from None
        except OSError as error:
            raise SiteError(f"{path} cannot be read ({error.strerror or error}).") from None

    def read_json(self, relative: str, schema: dict):
        try:
            value = json.loads(self.read_text(relative))
        except SiteError:
            raise
        except ValueError as error:
            raise SiteError(f"{self.root / relative}: not JSON ({error}). Fix: rebuild the site.") from None
        if problem := _invalid(schema, value):
            raise SiteError(f"{self.root / relative}: not this site's file ({problem}). Fix: rebuild the site.")
        return value

    def _key(self, url: str) -> str:
        """The key of a passage URL in `by_url`: its page's path on the site,
        '#', the id (decoded)."""
        path, _, fragment = url.partition("#")
        return f"{_page(self._site_path(path, url))}#{unquote(fragment.split(':~:')[0])}"

    def _site_path(self, path: str, ref: str) -> str:
        """The path of an address on this site ('articles/x/'), or LookupError:
        an address of this site (the hosted one in kb-site.json, http or
        https), a path of it ('/articles/x/', 'articles/x.html'), or a file
        of this folder (file://…, the offline edition opened from disk)."""
        parts = urlsplit(path)
        if parts.scheme == "file":
            local = Path(unquote(parts.path)).resolve()
            if not local.is_relative_to(self.root):
                raise LookupError(f"'{shown(ref)}' is a file outside this site ({self.root}).")
            return local.relative_to(self.root).as_posix()
        if parts.scheme in ("http", "https") or parts.netloc:
            if not self.base:  # an edition that names no address: the path from articles/ on
                tail = unquote(parts.path)
                return tail[tail.index("articles/") :] if "articles/" in tail else tail.lstrip("/")
            home = urlsplit(self.base)
            if _origin(parts) != _origin(home):
                raise LookupError(
                    f"'{shown(ref)}' is an address on another site ({shown(parts.netloc)}). "
                    f"Fix: pass an id, or a URL of this knowledge base ({self.base})."
                )
            under = home.path if home.path.endswith("/") else home.path + "/"
            if not (parts.path + "/").startswith(under):  # '/cx' is the site at '/cx/'; '/cxfoo/' is not
                raise LookupError(f"'{shown(ref)}' is not under this knowledge base's address ({self.base}).")
            return unquote(parts.path[len(under) :])
        if parts.scheme:
            raise LookupError(f"'{shown(ref)}' is not an address of this site (a '{shown(parts.scheme)}:' URL).")
        home = urlsplit(self.base).path if self.base else "/"
        local = unquote(parts.path)
        if home != "/" and local.startswith(home):
            local = local[len(home) :]
        return local.lstrip("/")

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

    def twin(self, article: dict) -> str:
        """Where this edition keeps an article's Markdown twin: beside its
        page ('articles/x/index.md') or, in the offline edition's file
        layout, as 'articles/x.md'."""
        page = _page(self._site_path(article["url"], article["url"]))
        for candidate in (page + "index.md", page.rstrip("/") + ".md"):
            if self.exists(candidate):
                return candidate
        return page + "index.md"  # reading it says it is missing

    def find(self, ref: str) -> dict:
        """A passage by its id ('p-…') or its URL: the permanent one, with
        index.html, without the trailing slash, with a text fragment, the
        offline edition's file, or its path on the site ('articles/x/#p-…')."""
        ref = (ref or "").strip()
        if not ref:
            raise LookupError("no passage id given. Fix: pass an id like 'p-the-first-five-words' or a passage URL.")
        if "#" in ref:
            key = self._key(ref)
            record = self.by_url.get(key)
            if record is None:
                raise LookupError(f"no passage at '{shown(ref)}'. Fix: use a URL from search or passages.jsonl.")
            return record
        if "/" in ref or "://" in ref:
            raise LookupError(
                f"'{shown(ref)}' names a page, not a passage (no '#id'). Fix: use a passage URL from search."
            )
        matches = [r for r in self.passages if r["id"] == unquote(ref)]
        if not matches:
            raise LookupError(f"no passage has the id '{shown(ref)}'. Fix: use an id or URL returned by search.")
        if len(matches) > 1:
            urls = ", ".join(r["url"] for r in matches)
            raise LookupError(
                f"the id '{shown(ref)}' is on more than one article ({urls}). Fix: pass the passage's URL."
            )
        return matches[0]


def _page(path: str) -> str:
    """A page's path as the site's directory URLs write it: 'articles/x/'
    for 'articles/x', 'articles/x/index.html' and 'articles/x.html'."""
    path = path.removesuffix("index.html")
    if path.endswith(".html"):
        path = path[: -len(".html")]
    return path if not path or path.endswith("/") else path + "/"


# -- what the tools do, as plain functions (tested without a client) ------------------


def _filter_value(kind: str, value: str | None, known: dict[str, str]) -> str | None:
    """A theme or discipline filter as the search box takes it: its id, for
    an id or a name (any case, e.g. 'measurement', 'Measuring CX'); an
    unknown one is an error that lists the valid ones."""
    if value is None or not str(value).strip():
        return None
    wanted = " ".join(str(value).split()).casefold()
    for id_, name in known.items():
        if wanted in (id_.casefold(), " ".join(str(name).split()).casefold()):
            return id_
    valid = "; ".join(f"{id_} ({name})" for id_, name in known.items()) or "none (this site has none)"
    raise ValueError(f"unknown {kind} '{shown(value)}'. Fix: use one of: {valid}.")


def _hits(site: Site, ranker: engine.Ranker, query: str, theme=None, discipline=None):
    """The site's search for `query`, filtered as the search box filters
    (`theme:<id>`, `discipline:<id>` in the query, kb/assets/search/rank/
    filters.js): (hit, passage record or None, glossary term or None), in
    the box's order; a page's own entry (no passage) left out."""
    if not (query or "").strip():
        raise ValueError("the query is empty. Fix: pass the words to search for.")
    words = [" ".join(query.split())]
    if theme_id := _filter_value("theme", theme, ranker.themes):
        words.append(f"theme:{theme_id}")
    if discipline_id := _filter_value("discipline", discipline, ranker.disciplines):
        words.append(f"discipline:{discipline_id}")
    for hit in ranker.search(" ".join(words)):
        if "#" not in hit.location:
            continue
        try:
            key = site._key(hit.location)
        except LookupError:
            continue
        record, term = site.by_url.get(key), site.glossary_by_url.get(key)
        if record or term:
            yield hit, record, term


def search(site: Site, ranker: engine.Ranker, query: str, theme=None, discipline=None, limit=5) -> list[dict]:
    limit = max(1, min(int(limit), 50))
    results = []
    for hit, record, term in _hits(site, ranker, query, theme, discipline):
        if record:
            results.append(
                {
                    "kind": "passage",
                    "id": record["id"],
                    "url": record["url"],
                    "article": record["article"]["title"],
                    "author": record["article"]["author"],
                    "heading": " › ".join(record["heading_path"]) or None,
                    "snippet": hit.snippet,
                    "score": round(hit.score, 3),
                }
            )
        else:
            results.append(
                {
                    "kind": "glossary",
                    "id": term["id"],
                    "url": term["url"],
                    "term": term["term"],
                    "definition": term["definition"],
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
    up to ten words whole, else the first and last five; the words before it
    when the same words come earlier in the article, else the words after it
    when they come more than once."""
    quote = " ".join(quote.split())
    text = " ".join(record["text"].split())
    at = max(0, text.find(quote))
    article = " ".join(
        " ".join(r["text"].split()) for r in site.passages if r["article"]["url"] == record["article"]["url"]
    )
    before, after = text[:at].strip(), text[at + len(quote) :].strip()
    return record["url"] + ":~:text=" + ranker.directive(quote, before, article.lower(), after)


def _quoted(record: dict, quote: str | None) -> str:
    """The quoted words as the author wrote them (their case), or an error."""
    wanted = " ".join((quote or "").split())
    if not wanted:
        return ""
    text = " ".join(record["text"].split())
    found = re.search(re.escape(wanted), text, re.IGNORECASE)
    if found is None:
        raise ValueError(
            f"the quote is not in that passage ('{shown(wanted)}'). Fix: quote its words exactly, or leave it out."
        )
    return found.group(0)


_CLOSED = re.compile(r"[.!?…][”’\"')\]]*$")


def _closed(text: str) -> str:
    """`text` ending a sentence: a full stop added unless it ends on one
    already (or on ? ! …, a closing quote after it): never "New?."."""
    text = text.rstrip()
    return text if _CLOSED.search(text) else text + "."


_BIBTEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "%": r"\%",
    "#": r"\#",
    "_": r"\_",
    "^": r"\textasciicircum{}",
    "~": r"\textasciitilde{}",
}


def _bibtex(text: str) -> str:
    """Text as a BibTeX field's value: LaTeX's special characters escaped."""
    return "".join(_BIBTEX.get(c, c) for c in " ".join(str(text).split()))


def _markdown_url(url: str) -> str:
    """A link target Markdown cannot end early: parentheses and spaces encoded."""
    return url.replace("(", "%28").replace(")", "%29").replace(" ", "%20")


def cite(site: Site, ranker: engine.Ranker, ref: str, style: str = "plain", quote_text: str | None = None) -> dict:
    record = site.find(ref)
    style = (style or "plain").strip().lower()
    if style not in ANSWER_STYLES:
        raise ValueError(f"unknown citation style '{shown(style)}'. Fix: use one of {', '.join(ANSWER_STYLES)}.")
    quoted = _quoted(record, quote_text)
    link = text_fragment(site, ranker, record, quoted or record["text"])
    article = record["article"]
    author = article["author"] or "Author not named in the source"
    title = article["title"]
    year = (article["published"] or "")[:4] or "n.d."
    venue = article["source"] or "CX Knowledge Base"
    published = f", {article['published']}" if article["published"] else ""
    md = assistants.markdown_text
    key = re.sub(r"[^A-Za-z0-9]+", "-", record["id"]).strip("-") or "passage"
    formats = {
        "plain": record["citation"],
        "markdown": _closed(
            f"{md(author)}, [“{md(title)}”]({_markdown_url(link)})"
            + (f", {md(article['source'])}" if article["source"] else "")
        ),
        "apa": f"{_closed(author)} ({year}). {_closed(title)} {_closed(venue)} {link}",
        "mla": f"{_closed(author)} “{_closed(title)}” {_closed(venue + published)} {link}",
        "chicago": f"{_closed(author)} “{_closed(title)}” {_closed(venue + published)} {_closed(link)}",
        "bibtex": "@misc{"
        + key
        + ",\n  author = {"
        + _bibtex(author)
        + "},\n  title = {{"
        + _bibtex(title)
        + "}},\n  howpublished = {"
        + _bibtex(venue)
        + "},\n  year = {"
        + year
        + "},\n  url = {"
        + link
        + "}\n}",
    }
    return {"citation": formats[style], "url": record["url"], "text_fragment_url": link, "quote": quoted or None}


def list_articles(site: Site, ranker: engine.Ranker, theme=None, discipline=None) -> list[dict]:
    """Every article, or those of a theme and with passages of a discipline
    (the same values as search's filters)."""
    theme_id = _filter_value("theme", theme, ranker.themes)
    discipline_id = _filter_value("discipline", discipline, ranker.disciplines)
    return [
        a
        for a in site.articles()
        if (not theme_id or theme_id in [t["id"] for t in a["themes"]])
        and (not discipline_id or discipline_id in [d["id"] for d in a["disciplines"]])
    ]


def answer(site: Site, ranker: engine.Ranker, question: str, limit: int = 3) -> dict:
    """Extractive: sentences of the best passages, ranked by how much of the
    question's weight they cover (each word weighted by its rarity in the
    index, so that "customer" counts for little and a word the articles never
    use for much); never a sentence that is not in the articles. Only
    passages that hold the question's rarest word answer it (a question on
    "NPS in banking" is not answered by a passage on NPS alone); nothing
    covers half the question: not answered."""
    if not (question or "").strip():
        raise ValueError("the question is empty. Fix: ask a question in words.")
    wanted = ranker.terms(question)
    total = sum(wanted.values())
    rarest = max(wanted.values(), default=0.0)
    rare = {term for term, weight in wanted.items() if weight == rarest}
    found = []
    passages = [record for _, record, _ in _hits(site, ranker, question) if record][:5] if total else []
    for rank, record in enumerate(passages):
        if not rare & set(ranker.terms(record["text"])):
            continue
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
        except (ValueError, LookupError, SiteError, engine.EngineError) as error:
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

    @server.tool(name="list_articles")
    def list_articles_tool(theme: str | None = None, discipline: str | None = None) -> list:
        """Every article: title, URL, Markdown URL, author, source, publication date, themes and the
        disciplines its passages are marked with. Optional theme and discipline filters."""
        return tool_call(list_articles, site, ranker, theme, discipline)

    @server.tool(name="answer")
    def answer_tool(question: str, limit: int = 3) -> dict:
        """Answer a question from the articles, extractively: the sentences of the best passages
        that answer it, each with the link that highlights it; or 'Not answered in this knowledge
        base.' when nothing does. Never writes a sentence of its own."""
        return tool_call(answer, site, ranker, question, limit)

    _add_resources(server, site)
    return server


def _add_resources(server, site: Site) -> None:
    """Each article (its Markdown twin) and each glossary entry, as a
    resource. A twin that cannot be read (gone, not UTF-8, outside the site)
    is the SDK's ResourceError, with the reason: never a traceback."""
    from mcp.server.mcpserver.exceptions import ResourceError
    from mcp.server.mcpserver.resources import FunctionResource

    def read(relative: str) -> str:
        try:
            return site.read_text(relative)
        except SiteError as error:
            raise ResourceError(str(error)) from None

    for article in site.articles():
        relative = site.twin(article)
        slug = relative.removeprefix("articles/").removesuffix("/index.md").removesuffix(".md")
        server.add_resource(
            FunctionResource(
                uri=f"kb://articles/{slug}",
                name=slug,
                title=article["title"],
                description=f"The article “{article['title']}” in Markdown, with its attribution.",
                mime_type="text/markdown",
                fn=lambda relative=relative: read(relative),
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
    stdout is the protocol's), at the address SITE_URL names when it is set
    (mkdocs.yml reads it), without MkDocs' notice about its version 2."""
    run = subprocess.run(
        engine_command("build", "--strict", "--quiet", "--site-dir", str(target)),
        cwd=ROOT,
        stdout=sys.stderr,
        stderr=sys.stderr,
        env={**os.environ, "NO_MKDOCS_2_WARNING": "1"},
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
