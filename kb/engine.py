"""The site's search engine, run from Python: the same JavaScript the
browser's search worker runs, in V8 embedded in this process (mini-racer),
so that `python -m kb mcp` ranks exactly as the site's search box does.

    ranker = Ranker.for_site(site_path)   # site_path("search/…") -> a file of the built site
    ranker.search("omnichannel promise")  # [Hit(location, score, snippet), …], best first
    ranker.terms("Measuring journeys")    # the engine's terms and their weight: {'measur': 2.1, …}
    ranker.close()
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ENGINE_SOURCE = Path(__file__).with_name("search_worker.js")
INDEX_FILE = "search/passages.json"  # a hosted build
STUB_FILE = "search/search_index.json"  # the offline edition inlines the index here
_TAG = re.compile(r"<[^>]+>")

_GLUE = """
var kbEngine = null;
function kbLoad(data) { kbEngine = new module.exports.Engine(data); return true; }
function kbSearch(query) {
  var result = kbEngine.search(query), out = [];
  (result.items || []).forEach(function (group) {
    group.forEach(function (item) { out.push([item.location, item.score, item.text || ""]); });
  });
  return JSON.stringify(out);
}
function kbTerms(text) {
  var seen = {};
  return JSON.stringify(words(text).filter(function (x) { return !x.joined && !STOP[x.w]; })
    .map(function (x) { return stem(x.w); })
    .filter(function (s) { return seen[s] ? false : (seen[s] = true); })
    .map(function (s) { return [s, kbEngine.idf(s)]; }));
}
"""


class EngineError(Exception):
    """The site's search index or engine could not be loaded."""


@dataclass(frozen=True)
class Hit:
    location: str  # "articles/x/#p-…" (site-relative), as the search box links it
    score: float
    snippet: str  # plain text


class Ranker:
    def __init__(self, index: dict):
        from py_mini_racer import MiniRacer

        self._js = MiniRacer()
        try:
            self._js.eval("var module = { exports: {} };\n" + ENGINE_SOURCE.read_text(encoding="utf-8"))
            self._js.eval(_GLUE)
            self._js.call("kbLoad", index)
        except Exception as error:  # a JavaScript error: report it, never a traceback
            self._js.close()
            raise EngineError(f"the search engine did not load the index: {error}") from None

    @classmethod
    def for_site(cls, site_path: Callable[[str], Path]) -> Ranker:
        """The engine over a built site's index (hosted or offline edition)."""
        try:
            if site_path(INDEX_FILE).is_file():
                index = json.loads(site_path(INDEX_FILE).read_text(encoding="utf-8"))
            else:
                index = json.loads(site_path(STUB_FILE).read_text(encoding="utf-8"))["config"]["kb_index"]
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise EngineError(f"the site's search index is missing or damaged ({error}).") from None
        return cls(index)

    def search(self, query: str) -> list[Hit]:
        rows = json.loads(self._js.call("kbSearch", query))
        return [Hit(location, float(score), _plain(snippet)) for location, score, snippet in rows]

    def terms(self, text: str) -> dict[str, float]:
        """The engine's search terms of `text` (stop words dropped, stemmed),
        each with its weight in the index (inverse document frequency: a word
        the index lacks weighs most)."""
        return dict(json.loads(self._js.call("kbTerms", text)))

    def close(self) -> None:
        self._js.close()


def _plain(snippet_html: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", snippet_html)).split())
