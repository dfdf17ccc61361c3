"""The site's search engine, run from Python: the same JavaScript modules the
browser's search worker runs (kb/assets/search/), with the page's quoting
rule (kb/assets/js/text/fragment.js), bundled by kb/jsbundle.py and run in V8
embedded in this process (mini-racer). So `python -m kb mcp` ranks exactly
as the site's search box does and quotes exactly as its quote links do.

    ranker = Ranker.for_site(site_path)   # site_path("search/…") -> a file of the built site
    ranker.search("omnichannel promise")  # [Hit(location, score, snippet), …], in the box's order
    ranker.terms("Measuring journeys")    # {'measur': 2.1, 'journei': 3.4}: terms and their idf
    ranker.directive(quote, before, article_text)   # the text fragment that names a quote
    ranker.close()

The index is read whole, as the offline edition has it inline: the shared
part, every shard, page fragment and filter list (a hosted build keeps them
in parts under search/<hash>/).
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from .jsbundle import bundle

ENTRY = Path(__file__).parent / "assets" / "engine.js"
STUB_FILE = "search/search_index.json"  # what Material fetches: names the index, or holds it (offline)
_TAG = re.compile(r"<[^>]+>")


class EngineError(Exception):
    """The site's search index or engine could not be loaded."""


@dataclass(frozen=True)
class Hit:
    location: str  # "articles/x/#p-…" (site-relative), as the search box links it
    score: float
    snippet: str  # plain text


def read_index(site_path: Callable[[str], Path]) -> dict:
    """The whole index of a built site: {meta, shards, fragments, filters}."""
    try:
        config = json.loads(site_path(STUB_FILE).read_text(encoding="utf-8"))["config"]
        if config.get("kb_index"):
            return config["kb_index"]
        meta_path = site_path(config["kb_index_url"])
        folder = meta_path.parent
        meta = json.loads(meta_path.read_text(encoding="utf-8"))

        def parts(sub: str, count: int) -> list:
            return [json.loads((folder / sub / f"{i}.json").read_text(encoding="utf-8")) for i in range(count)]

        filters = {}
        if (folder / "x").is_dir():
            for path in sorted((folder / "x").glob("*.json")):
                filters[path.stem] = json.loads(path.read_text(encoding="utf-8"))
        return {
            "meta": meta,
            "shards": parts("s", len(meta["shards"])),
            "fragments": parts("f", int(meta["pages"])),
            "filters": filters,
        }
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise EngineError(f"the site's search index is missing or damaged ({error}).") from None


class Ranker:
    def __init__(self, index: dict):
        from py_mini_racer import MiniRacer

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

    def directive(self, quote: str, before: str, article: str) -> str:
        """The `:~:text=` directive the page's quote links write for `quote`
        (normalised text), given its passage's text before it and the whole
        article's text in lower case."""
        return self._js.call("kbEngine.directive", quote, before, article)

    def _wait(self, name: str, argument):
        """Run kb/assets/engine.js's `name` and wait for its promise."""
        self._js.call("kbEngine.begin", name, argument)
        return self._js.eval("kbEngine.state.pending").get()

    def close(self) -> None:
        self._js.close()


def _plain(snippet_html: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", snippet_html)).split())
