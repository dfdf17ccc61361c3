"""The site's search engine, run from Python: the same JavaScript modules the
browser's search worker runs (kb/assets/search/), with the page's quoting
rule (kb/assets/js/text/fragment.js), bundled by kb/jsbundle.py and run in V8
embedded in this process (mini-racer). So `python -m kb mcp` ranks exactly
as the site's search box does and quotes exactly as its quote links do.

    ranker = Ranker.for_site(site_path)   # site_path("search/…") -> a file of the built site
    ranker.search("omnichannel promise")  # [Hit(location, score, snippet), …], in the box's order
    ranker.terms("Measuring journeys")    # {'measur': 2.1, 'journei': 3.4}: terms and their idf
    ranker.directive(quote, before, article_text, after)   # the text fragment that names a quote
    ranker.close()

The index is read whole, as the offline edition has it inline: the shared
part, every shard, page fragment and filter list (a hosted build keeps them
in parts under search/<hash>/).
"""

from __future__ import annotations

import html
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .jsbundle import bundle

ENTRY = Path(__file__).parent / "assets" / "engine.js"
STUB_FILE = "search/search_index.json"  # what Material fetches: names the index, or holds it (offline)
_TAG = re.compile(r"<[^>]+>")
_FILTER_NAME = re.compile(r"[a-z0-9_-]+")  # 'theme-journey', 'discipline-live', 'authors'


class EngineError(Exception):
    """The site's search index or engine could not be loaded."""


@dataclass(frozen=True)
class Hit:
    location: str  # "articles/x/#p-…" (site-relative), as the search box links it
    score: float
    snippet: str  # plain text


def read_index(site_path: Callable[[str], Path]) -> dict:
    """The whole index of a built site: {meta, shards, fragments, filters}.

    Every file is named by its path in the site and opened through
    `site_path`, the caller's resolver, which refuses a path that leaves the
    site (`..`, a symlink out): a stub or meta.json that names parts
    elsewhere gets an EngineError, never a file outside."""

    def load(relative: str):
        return json.loads(site_path(relative).read_text(encoding="utf-8"))

    try:
        config = load(STUB_FILE)["config"]
        if config.get("kb_index"):
            return config["kb_index"]
        meta_url = config["kb_index_url"]
        if not isinstance(meta_url, str):
            raise TypeError(f"kb_index_url is a {type(meta_url).__name__}, not a path")
        folder = posixpath.dirname(meta_url)
        meta = load(meta_url)

        def parts(sub: str, count: int) -> list:
            return [load(f"{folder}/{sub}/{i}.json") for i in range(count)]

        filters = {}
        for name in meta.get("filters") or []:
            if not isinstance(name, str) or not _FILTER_NAME.fullmatch(name):
                raise ValueError(f"the filter name {name!r} is not one the index writes")
            filters[name] = load(f"{folder}/x/{name}.json")
        return {
            "meta": meta,
            "shards": parts("s", len(meta["shards"])),
            "fragments": parts("f", int(meta["pages"])),
            "filters": filters,
        }
    except (OSError, ValueError, KeyError, TypeError) as error:  # the resolver's refusal is a ValueError
        raise EngineError(f"the site's search index is missing or damaged ({error}).") from None


class Ranker:
    def __init__(self, index: dict):
        from py_mini_racer import MiniRacer

        meta = index.get("meta") if isinstance(index, dict) else None
        # The filters' values, as the search box offers them: {id: name}
        # (an index that holds anything else fails to load just below).
        self.themes, self.disciplines = ({}, {})
        if isinstance(meta, dict):
            self.themes, self.disciplines = (_names(meta.get(key)) for key in ("themes", "disciplines"))
        self._js = MiniRacer()
        try:
            self._js.eval(bundle(ENTRY, ENTRY.parent).code)
            self._wait("load", index)
        except Exception as error:  # a JavaScript error: reported, never a traceback
            self._js.close()
            raise EngineError(f"the search engine did not load the index: {error}") from None

    @classmethod
    def for_site(cls, site_path: Callable[[str], Path]) -> Ranker:
        """The engine over a built site's index (hosted or offline edition)."""
        return cls(read_index(site_path))

    def search(self, query: str) -> list[Hit]:
        rows = json.loads(self._wait("search", query))
        return [Hit(location, float(score), _plain(snippet)) for location, score, snippet in rows]

    def terms(self, text: str) -> dict[str, float]:
        """The engine's search terms of `text` (stop words dropped, stemmed),
        each with its weight in the index (inverse document frequency: a word
        the index lacks weighs most)."""
        return dict(json.loads(self._js.call("kbEngine.terms", text)))

    def directive(self, quote: str, before: str, article: str, after: str = "") -> str:
        """The `:~:text=` directive the page's quote links write for `quote`
        (normalised text), given its passage's text before it, the whole
        article's text in lower case and the passage's text after it."""
        return self._js.call("kbEngine.directive", quote, before, article, after)

    def _wait(self, name: str, argument):
        """Run kb/assets/engine.js's `name` and wait for its promise; a
        JavaScript error (a damaged part of the index) is an EngineError."""
        from py_mini_racer import JSEvalException, JSPromiseError

        try:
            self._js.call("kbEngine.begin", name, argument)
            return self._js.eval("kbEngine.state.pending").get()
        except (JSEvalException, JSPromiseError) as error:
            raise EngineError(f"the search engine failed ({str(error).splitlines()[0][:300]}).") from None

    def close(self) -> None:
        self._js.close()


def _names(value) -> dict[str, str]:
    return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}


def _plain(snippet_html: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", snippet_html)).split())
