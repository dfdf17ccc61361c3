"""Site search that finds the passage, fetched in parts: a post-build step.

Material's search UI stays (the box, the `/` shortcut, the result list, the
keyboard, the highlighting on the page it opens); what answers it changes.

**From the build's records, not from built HTML.** Every document comes from
the passages the Markdown extension recorded while converting each page
(kb/passages.py `PageRecord`, collected into kb/collect.py's `SiteIndex`):
one document per passage of an article (`articles/x/#p-...`, the authors'
text only), one per section of the other pages, and each page's title,
author, source and themes; the glossary's spellings (abbreviation, full name,
every "Also:" variant) go along as synonym groups, searchable, never shown.

**In parts** (all under `search/<hash>/`, the hash of the whole index, so a
new build never mixes with a cached old one):

- `meta.json`, the small shared part: the record schemas (written once),
  counts for the ranking, synonym groups, theme and discipline names, the
  non-article pages, and the list of shards by term prefix;
- `s/N.json`, one shard per term prefix (`a`, `co`, `con`...; a prefix whose
  shard would be too large is split by its next letter): for each stem its
  words, document frequency, and postings (page, passage, BM25 impact) and
  page postings (title, author, source) as base-32 varint strings;
- `f/N.json`, one fragment per page: its URL, title, kind, author, themes
  and passages (anchor, heading, text, disciplines), for the results shown;
- `x/NAME.json`, the pages of a theme or author and the passages of a
  discipline, for `theme:`, `author:` and `discipline:` filters.

The worker (kb/assets/search/, bundled into Material's worker file by
kb/jsbundle.py) loads `meta.json` on the first query and then only the
shards of the words typed and the fragments of the pages it shows. Material's
`search/search_index.json`, fetched on every page load, becomes a stub of a
few hundred bytes that names `meta.json`. The offline edition (file://, where
a worker cannot fetch) gets the whole index inlined in that stub instead.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import os
import pickle
import re
import shutil
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from . import glossary as glossary_mod
from . import pagecache
from . import themes as themes_mod
from .jsbundle import bundle
from .pagecache import code_fingerprint
from .search_tally import (  # ranking constants shared with kb/assets/search/rank/constants.js (in meta.json)
    FORMS,
    IMPACT_LEVELS,
    K1,
    SHORT,
    WEIGHT,
    B,
    Tally,
    varints,
)
from .search_text import words

STUB_FILE = "search/search_index.json"
SEARCH_DIR = "search"
WORKER_ENTRY = Path(__file__).with_name("assets") / "search" / "worker.js"
# The engine, a second file beside the worker that the worker loads at the
# first query (kb/assets/search/lazy.js): named by its content.
ENGINE_ENTRY = WORKER_ENTRY.with_name("engine.js")
ENGINE_PLACEHOLDER = '"kb-search-engine.js"'
WORKER_GLOB = "assets/javascripts/workers/search.*.min.js"
PRINT_DIR = "print/"
VERSION = 2
# A shard is split by its next letter when its JSON would pass this size.
SHARD_BYTES = 24_000
# A stem found in more passages than this keeps the strongest postings only
# (by BM25 impact); its document frequency stays exact for the ranking.
MAX_POSTINGS = 2_500
_H1 = re.compile(r'<h1[^>]*\sid="([^"]+)"')

PAGE_SCHEMA = ["u", "t", "k", "a", "s", "th", "tt", "d"]
DOC_SCHEMA = ["anchor", "heading", "text", "disciplines", "terms"]
STEM_SCHEMA = ["stem", "df", "pf", "words", "postings", "page_postings"]


# -- the records -----------------------------------------------------------------


@dataclass
class Page:
    url: str
    title: str
    kind: str  # article | glossary | theme | page
    author: str = ""
    source: str = ""
    themes: list[str] = field(default_factory=list)
    docs: list[list[str]] = field(default_factory=list)  # [anchor, heading, text, disciplines]
    # Docs whose text the glossary matcher is known to find no term in (the
    # passage extension matched it already): not matched again.
    termless: frozenset[int] = frozenset()

    def record(self, terms: list[list] | None = None, title_terms: list | None = None) -> dict:
        docs = [[*d[:4], terms[n] if terms else []] for n, d in enumerate(self.docs)]
        return {"u": self.url, "t": self.title, "k": self.kind, "a": self.author, "s": self.source,
                "th": self.themes, "tt": title_terms or [], "d": docs}  # fmt: skip


def pages_from_index(index) -> list[Page]:
    """Every searchable page of a build (kb.collect.SiteIndex), in URL order."""
    pages = []
    for src, url in sorted(index.urls.items(), key=lambda kv: _url_order(kv[1])):
        if src.startswith(PRINT_DIR) or src not in index.records:
            continue
        record = index.records[src]
        article = index.articles.get(src)
        if article is not None:
            page = Page(url, article.title, "article", article.author or "", article.source or "", list(article.themes))
            for p in record.passages:
                page.docs.append([p.id, p.section_title or "", p.text, " ".join(p.disciplines)])
            if record.is_article:  # the extension matched the glossary in every passage
                page.termless = frozenset(n for n, p in enumerate(record.passages) if not p.terms)
        else:
            kind = "glossary" if src == glossary_mod.GLOSSARY_SRC else "theme" if themes_mod.theme_of(src) else "page"
            page = Page(url, index.titles.get(src) or url, kind)
            page.docs = _sections(record, index.contents.get(src, ""))
        if page.docs:
            pages.append(page)
    return pages


def _url_order(url: str) -> tuple:
    return tuple((url + "index.html" if url.endswith("/") or not url else url).split("/"))


def _sections(record, html: str) -> list[list[str]]:
    """A page that is not an article: one document per heading, with the
    text of the passages under it; the page's own top (its h1 and what comes
    before the first heading) links to the page itself."""
    h1 = _H1.search(html)
    top = h1.group(1) if h1 else None
    titles = dict(record.headings)
    order: list[str | None] = [None] + [h for h, _ in record.headings if h != top]
    texts: dict[str | None, list[str]] = {key: [] for key in order}
    for passage in record.passages:
        key = passage.section if passage.section in texts else None
        texts[key].append(passage.text)
    docs = []
    for key in order:
        head = titles.get(top, "") if key is None else titles.get(key, "")
        text = " ".join(texts[key])
        if head or text:
            docs.append(["" if key is None else key, head, text, ""])
    return docs


# -- the index -------------------------------------------------------------------


@dataclass
class Index:
    meta: dict
    shards: list[dict]
    fragments: list[dict]
    filters: dict[str, dict]

    def parts(self) -> dict[str, dict]:
        """Relative file name -> content, every part but the meta."""
        out = {f"s/{i}.json": shard for i, shard in enumerate(self.shards)}
        out.update({f"f/{i}.json": fragment for i, fragment in enumerate(self.fragments)})
        out.update({f"x/{name}.json": data for name, data in self.filters.items()})
        return out

    def inline(self) -> dict:
        return {"meta": self.meta, "shards": self.shards, "fragments": self.fragments, "filters": self.filters}


def joined_key(text: str) -> str:
    """'Net Promoter Score' -> 'netpromoterscore' (the worker's joinedKey)."""
    return "".join(w for w, joined in words(text) if not joined)


def _shards(tally: Tally, shard_bytes: int) -> tuple[list[str], list[dict]]:
    """The shard keys, and each shard: its stems' entries, and the words it
    spells whose stem lives in another shard."""
    stems = sorted(tally.entries)
    keys = _shard_keys(stems, tally.sizes, shard_bytes)
    shards: list[dict] = [{"k": key, "s": [], "w": []} for key in keys]
    position = {key: i for i, key in enumerate(keys)}
    entries = tally.entries
    for s in stems:
        entry = entries[s]
        home = _key_of(s, position)
        shards[position[home]]["s"].append(entry)
        for w in entry[3].split(" ") if entry[3] else []:
            if (other := _key_of(w, position)) != home:
                shards[position[other]]["w"].append([w, s])
    return keys, shards


def _filters(pages: list[Page]) -> dict[str, dict]:
    """The pages of each theme and author, the passages of each discipline."""
    filters: dict[str, dict] = {}
    for theme in sorted({t for page in pages for t in page.themes}):
        filters[f"theme-{_safe(theme)}"] = {
            "pages": varints(_deltas([p for p, pg in enumerate(pages) if theme in pg.themes]))
        }
    authors: dict[str, list[int]] = {}
    for p, page in enumerate(pages):
        if page.author:
            authors.setdefault(page.author, []).append(p)
    filters["authors"] = {"authors": [[name, varints(_deltas(ps))] for name, ps in sorted(authors.items())]}
    marked: dict[str, list[tuple[int, int]]] = {}  # discipline -> (page, passage), in order: one pass
    for p, page in enumerate(pages):
        for n, doc in enumerate(page.docs):
            if doc[3]:
                for discipline in dict.fromkeys(doc[3].split()):
                    marked.setdefault(discipline, []).append((p, n))
    for discipline in sorted(marked):
        flat, last = [], 0
        for p, n in marked[discipline]:
            flat += [p - last, n]
            last = p
        filters[f"discipline-{_safe(discipline)}"] = {"docs": varints(flat)}
    return filters


def _leads(pages: list[Page]) -> dict[str, list[int]]:
    """A glossary or theme page leads when the query is its name or a section's."""
    lead: dict[str, list[int]] = {}
    for p, page in enumerate(pages):
        if page.kind == "article":
            continue
        for name in [page.title] + [doc[1] for doc in page.docs]:
            key = joined_key(re.sub(r"\(.*\)", "", name, count=1))
            if key and p not in lead.setdefault(key, []):
                lead[key].append(p)
    return lead


@dataclass
class Memo:
    """What `mkdocs serve` keeps between builds: the counted pages
    (kb/search_tally.py, updated for an edit), each part as last written
    (its content and bytes), and the folder they were written to."""

    tally: Tally | None = None
    parts: dict[str, tuple[object, bytes]] = field(default_factory=dict)
    folder: str = ""
    on_disk: dict[str, bytes] = field(default_factory=dict)


def build_index(
    pages: list[Page],
    glossary,
    themes: dict[str, str],
    disciplines: dict[str, str],
    shard_bytes: int = SHARD_BYTES,
    max_postings: int = MAX_POSTINGS,
    memo: Memo | None = None,
) -> Index:
    """The index in parts, from the pages' records; `glossary` (kb.glossary.Glossary)
    gives the synonym groups and finds its terms in the articles; `memo`:
    what the last build counted (`mkdocs serve`), updated for what changed."""
    tally = memo.tally if memo is not None else None
    if tally is None or not tally.fits(glossary, max_postings):
        tally = Tally(glossary, max_postings, remember=memo is not None)
    try:
        tally.update(pages)
    except BaseException:
        if memo is not None:
            memo.tally = None  # updated half-way: the next build counts afresh
        raise
    if memo is not None:
        memo.tally = tally
        tally.forget_texts()
    keys, shards = _shards(tally, shard_bytes)
    filters = _filters(pages)
    meta = {
        "v": VERSION,
        "schema": {
            "page": PAGE_SCHEMA,
            "doc": DOC_SCHEMA,
            "stem": STEM_SCHEMA,
            "posting": ["page+", "n", "impact + 32 * (forms present ^ 1)"],
            "page_posting": ["page+", "weight*10", "title stems", "in title"],
        },  # fmt: skip
        "docs": tally.docs,
        "pages": len(pages),
        "avglen": tally.avglen,
        "k1": K1,
        "b": B,
        "short": SHORT,
        "levels": IMPACT_LEVELS,
        "forms": FORMS,
        "weights": WEIGHT,
        "shards": keys,
        "kinds": {str(p): page.kind for p, page in enumerate(pages) if page.kind != "article"},
        "lead": _leads(pages),
        "synonyms": synonym_groups(glossary) if glossary is not None else [],
        "terms": [t.id for t in glossary.terms] if glossary is not None else [],
        "themes": themes,
        "disciplines": disciplines,
        "filters": sorted(filters),
    }
    fragments = [page.record(tally.doc_terms[p], tally.title_terms[p]) for p, page in enumerate(pages)]
    return Index(meta, shards, fragments, filters)


def _safe(name: str) -> str:
    return re.sub(r"[^a-z0-9-]", "_", name.lower())


def _deltas(values: list[int]) -> list[int]:
    out, last = [], 0
    for v in values:
        out.append(v - last)
        last = v
    return out


def _key_of(word: str, position: dict[str, int]) -> str:
    """The shard key of a word: its longest prefix that is a key ("" at worst)."""
    for length in range(min(len(word), 6), 0, -1):
        if word[:length] in position:
            return word[:length]
    return ""


def _shard_keys(stems: list[str], sizes: dict[str, int], limit: int) -> list[str]:
    """Prefixes, split by the next letter while a shard would be too large;
    a split prefix keeps the words it spells exactly (and those whose next
    letter has too little to be a shard of its own). `stems` are sorted."""

    def split(prefix: str, stems: list[str]) -> list[str]:
        total = sum(sizes[s] for s in stems)
        if total <= limit or len(prefix) >= 6 or not prefix and not stems:
            return [prefix]
        groups: dict[str, list[str]] = {}
        for s in stems:
            if len(s) > len(prefix):
                groups.setdefault(s[: len(prefix) + 1], []).append(s)
        keys = [prefix]
        for key in sorted(groups):
            keys += split(key, groups[key])
        return keys

    keys = split("", stems)
    return keys if "" in keys else ["", *keys]


def index_files(index: Index, memo: Memo | None = None) -> dict[str, bytes]:
    """Relative file name -> its bytes, the shared part first; a part
    equal to the one `memo` last wrote keeps those bytes (not written out
    again, and known on disk)."""
    parts = {"meta.json": index.meta, **index.parts()}
    if memo is None:
        return {name: _dump(part).encode() for name, part in parts.items()}
    files = {}
    for name, part in parts.items():
        kept = memo.parts.get(name)
        # (Equal dicts may differ in order, and so in bytes: the meta, small,
        # is the one part with dicts whose order is not fixed, and is dumped.)
        same = kept is not None and name != "meta.json" and kept[0] == part
        files[name] = kept[1] if same else _dump(part).encode()
    memo.parts = {name: (part, files[name]) for name, part in parts.items()}
    return files


def index_hash(files: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode() + b"\0" + files[name])
    return digest.hexdigest()[:10]


# -- writing it ------------------------------------------------------------------


def _dump(data) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def write(site: Path, index: Index | dict[str, bytes], inline: bool, memo: Memo | None = None) -> dict[str, int]:
    """Write the parts (an Index, or its files), the stub Material fetches,
    and the worker. `memo`: what the last build of `mkdocs serve` wrote, so
    that only the parts whose bytes changed are compared and written."""
    config: dict = {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": [], "fields": {}}
    folder = site / SEARCH_DIR
    folder.mkdir(parents=True, exist_ok=True)
    written = {"index_bytes": 0, "index_files": 0}
    if inline:
        config["kb_index"] = index.inline()
    else:
        files = index_files(index) if isinstance(index, Index) else index
        name = index_hash(files)
        root = folder / name
        earlier = _reuse_earlier(folder, root)
        known = memo.on_disk if memo is not None and earlier and earlier == memo.folder else {}
        for folder_name in {relative.rpartition("/")[0] for relative in files}:
            (root / folder_name).mkdir(parents=True, exist_ok=True)
        for relative, data in files.items():
            target = root / relative
            if known.get(relative) is not data and not _holds(target, data):
                target.write_bytes(data)
            written["index_bytes"] += len(data)
            written["index_files"] += 1
        if known:
            for relative in known.keys() - files.keys():
                (root / relative).unlink(missing_ok=True)
        elif earlier:
            _remove_others(root, files)
        if memo is not None:
            memo.folder, memo.on_disk = name, files
        config["kb_index_url"] = f"{SEARCH_DIR}/{name}/meta.json"
    stub = _dump({"config": config, "docs": []})
    (site / STUB_FILE).write_text(stub, encoding="utf-8")
    written["stub_bytes"] = len(stub.encode())
    install_worker(site)
    return written


def _reuse_earlier(folder: Path, root: Path) -> str:
    """An earlier build's parts (`mkdocs serve` writes into the same site)
    become this build's folder: a one-word edit changes a few of a thousand
    parts, and creating files is what costs (the folder's name, the index's
    hash, still changes, so no browser keeps a stale part). The name of the
    folder whose parts `root` now holds ("" when none)."""
    earlier = sorted(
        (other for other in folder.iterdir() if other.is_dir() and other != root), key=lambda p: p.stat().st_mtime
    )
    found = root.name if root.exists() else ""
    if earlier and not found:
        newest = earlier.pop()
        newest.rename(root)
        found = newest.name
    for other in earlier:
        shutil.rmtree(other)
    return found


def _holds(path: Path, data: bytes) -> bool:
    """The file is there with these bytes."""
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def _remove_others(root: Path, files: Mapping[str, bytes]) -> None:
    """Parts of the earlier index that this one has not, and folders left empty."""
    top, wanted = os.fspath(root), set(files)  # (the names: a kept index's `in` would read the part)
    for folder, _subfolders, names in os.walk(top, topdown=False):
        relative = os.path.relpath(folder, top).replace(os.sep, "/")
        prefix = "" if relative == "." else relative + "/"
        for name in names:
            if prefix + name not in wanted:
                os.unlink(os.path.join(folder, name))
        if folder != top and not os.listdir(folder):
            os.rmdir(folder)


def worker_code() -> dict[str, str]:
    """file name -> content of the search's two scripts: Material's worker
    file name (`"worker"`, the key) holds the protocol, which loads the
    engine's file, `kb-search.<digest>.min.js`, at the first query."""
    engine = bundle(ENGINE_ENTRY).code
    name = f"kb-search.{hashlib.sha256(engine.encode()).hexdigest()[:8]}.min.js"
    worker = bundle(WORKER_ENTRY).code
    if worker.count(ENGINE_PLACEHOLDER) != 1:
        raise ValueError(f"{WORKER_ENTRY}: the engine's file name {ENGINE_PLACEHOLDER} must appear once")
    return {"worker": worker.replace(ENGINE_PLACEHOLDER, json.dumps(name)), name: engine}


def install_worker(site: Path) -> None:
    workers = sorted(site.glob(WORKER_GLOB))
    if not workers:
        raise FileNotFoundError(f"no Material search worker under {site / WORKER_GLOB}")
    code = worker_code()
    for folder in {worker.parent for worker in workers}:
        for old in folder.glob("kb-search.*.min.js"):  # an earlier build's engine (mkdocs serve)
            old.unlink()
    for worker in workers:
        for name, text in code.items():
            (worker if name == "worker" else worker.with_name(name)).write_text(text, encoding="utf-8")
        worker.with_name(worker.name + ".map").unlink(missing_ok=True)


def synonym_groups(glossary) -> list[list[str]]:
    """Every spelling of every glossary term: name, abbreviation, variants."""
    return [list(dict.fromkeys(term.variants)) for term in glossary.terms]


def index_of_build(site_index, pages: list[Page] | None = None, memo: Memo | None = None) -> Index:
    definitions = site_index.definitions
    # Millions of small tuples and no cycles among them: the collector would
    # walk the whole build's heap again and again (3x the time at 10,000 articles).
    collecting = gc.isenabled()
    gc.disable()
    try:
        return build_index(
            pages if pages is not None else pages_from_index(site_index),
            definitions.glossary,
            definitions.theme_titles,
            definitions.discipline_names,
            memo=memo,
        )
    finally:
        if collecting:
            gc.enable()


CACHE_FOLDER = "kb-search"
CACHE_KEEP = 2  # indexes kept on disk (the last builds')


class _KeptFiles(Mapping):
    """A kept index's files, read one at a time from its pagecache.Shelf
    (at 10,000 articles the index is some 50 MB: loaded whole, it was the
    warm rebuild's peak of memory). Each file's bytes are checked by their
    digest when read; a kept index with any file missing or damaged is no
    cache (`open` reads each once to make sure, keeping none)."""

    _NAMES = ("names",)  # the key of the list of file names (never a file name: a tuple)

    def __init__(self, shelf: pagecache.Shelf, names: list[str]):
        self.shelf, self.names, self._named = shelf, names, set(names)  # (a list's `in` read 13,841 names a file)

    @classmethod
    def open(cls, path: Path) -> _KeptFiles | None:
        shelf = pagecache.Shelf(path, _unsigned)
        names = shelf.get(cls._NAMES)
        if isinstance(names, list) and all(isinstance(shelf.get(name), bytes) for name in names):
            return cls(shelf, names)
        shelf.close()
        return None

    @classmethod
    def save(cls, path: Path, files: Mapping[str, bytes]) -> None:
        shelf = pagecache.Shelf(path, _unsigned)
        for name, data in files.items():
            shelf[name] = data
        shelf[cls._NAMES] = list(files)
        shelf.save()

    def __getitem__(self, name: str) -> bytes:
        data = self.shelf.get(name) if name in self._named else None
        if not isinstance(data, bytes):
            raise KeyError(name)
        return data

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)

    def close(self) -> None:
        self.shelf.close()


def _unsigned(value) -> tuple:
    return ()  # a kept index's files are what its key says: never another value


def files_of_build(site_index, cache: Path | None = None, memo: Memo | None = None) -> Mapping[str, bytes]:
    """The index's files, taken from `cache` (`.cache/kb-search/`) when an
    earlier build made them from the same pages, glossary and code; with a
    `memo` (`mkdocs serve`), counted at the first build and then updated for
    what each edit changed."""
    pages = pages_from_index(site_index)
    if memo is not None:
        return index_files(index_of_build(site_index, pages, memo), memo)
    definitions = site_index.definitions
    glossary = definitions.glossary
    terms = [(t.id, list(t.variants)) for t in glossary.terms] if glossary is not None else []
    digest = hashlib.sha256(code_fingerprint().encode())  # every kb module: the matcher, the stemmer, this code
    shared = (terms, definitions.theme_titles, definitions.discipline_names, SHARD_BYTES, MAX_POSTINGS, len(pages))
    digest.update(pickle.dumps(shared, protocol=pickle.HIGHEST_PROTOCOL))
    for page in pages:  # page by page: not every passage's text in one pickle
        digest.update(pickle.dumps({**vars(page), "termless": sorted(page.termless)}, protocol=pickle.HIGHEST_PROTOCOL))
    kept = cache / CACHE_FOLDER / f"{digest.hexdigest()}.pickle" if cache else None
    found = _KeptFiles.open(kept) if kept is not None else None  # None when absent or damaged
    if found is not None:
        with contextlib.suppress(OSError):
            os.utime(kept)  # the most recently used are kept
        return found
    files = index_files(index_of_build(site_index, pages, memo))
    if kept is not None:
        _KeptFiles.save(kept, files)
        try:
            for old in sorted(kept.parent.glob("*.pickle"), key=lambda p: p.stat().st_mtime)[:-CACHE_KEEP]:
                old.unlink(missing_ok=True)
        except OSError:
            pass  # a cache that cannot be written only costs time
    return files


def on_post_build(config, site_index, cache: Path | None = None, memo: Memo | None = None) -> dict[str, int]:
    """Entry point for hooks/knowledge_base.py: `site_index` is the build's
    kb.collect.SiteIndex (every page's passage records); `cache`: the
    project's `.cache/` folder, where the last indexes are kept; `memo`:
    what the last build counted (`mkdocs serve`)."""
    if "search" not in config.plugins and "material/search" not in config.plugins:
        return {}
    if site_index is None:
        return {}
    offline = config.plugins.get("material/offline") or config.plugins.get("offline")
    inline = bool(offline and offline.config.enabled) or not config.use_directory_urls
    start = time.perf_counter()
    index = index_of_build(site_index, memo=memo) if inline else files_of_build(site_index, cache, memo)
    try:
        written = write(Path(config.site_dir), index, inline, memo)
    finally:
        if isinstance(index, _KeptFiles):
            index.close()
    written["seconds"] = time.perf_counter() - start
    if stats := os.environ.get("KB_SEARCH_STATS"):  # python -m kb benchmark: the index's own build time
        Path(stats).write_text(json.dumps(written), encoding="utf-8")
    return written
