"""Render-blocking CSS limited to what the site can use: a post-build pass.

Material's stylesheet styles every feature Material has; a page here uses a
quarter of it. After the build, every stylesheet the pages link (Material's
main and palette CSS, glightbox's, assets/kb.css) is rewritten in place, under
its own name, with only the rules that could match something:

- the names used are every `class=` and `id=` value in every built HTML file,
  and every identifier in the scripts the pages load and in inline scripts:
  Material, kb.js, glightbox and the search worker build elements at run
  time (search results, tooltips, dialogs, copy buttons). A name a script
  composes shows up as a prefix: a run ending in `-` or `_`
  (`md-tag--${n}`, `"glightbox-"`) or a string the script appends to
  (`"g" + effect`); every name that starts with one counts as used. Generous
  on purpose: a false "used" costs bytes, a false "unused" breaks a page;
- a rule is kept, whole and unchanged, when any selector of its list could
  match: every class and id of that selector outside functional
  pseudo-classes (`:not(.x)`, `:is(...)`) is used. Selectors with no class or
  id (`html`, `:root`, `[data-md-color-scheme=slate]`) always match.
  Selector lists are never pruned: a browser drops a whole list for one
  selector it does not know (`::-moz-selection`), so pruning could turn a
  dead rule on;
- `@media`, `@supports`, `@container`, `@layer` and `@document` blocks keep
  their kept rules and go when none is left; every other at-rule
  (`@font-face`, `@keyframes`, `@property`, `@charset`, `@import`) stays.

The source of each stylesheet is read from where MkDocs copied it (docs_dir,
then the theme folders), not from the built site, so a `mkdocs serve --dirty`
rebuild, which does not copy unchanged static files again, trims the original
with the current set of names rather than trimming the trimmed file. A
stylesheet found in neither (glightbox's, copied by its plugin on every
build) is read from the built site. Comments go, source-map comments with
them: the maps no longer match. A stylesheet that does not parse cleanly is
written back whole.

One pass over the built files: a bytes regex per HTML file, no HTML parser.
Parsing Material's stylesheet costs more than that pass at small sizes, so
each stylesheet's outline (its rules and the names each selector needs) is
cached by content in `.cache/kb-css/`. `on_post_build` is the hook's entry
point; `extra: kb_trim_css: false` in mkdocs.yml turns the pass off.
"""

from __future__ import annotations

import hashlib
import logging
import posixpath
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import tinycss2

from . import pagecache
from .htmltext import parsed_once, site_files

log = logging.getLogger("mkdocs.plugins.knowledge_base")

# Values of class= and id= (quoted either way or bare), in any HTML file.
_ATTRIBUTE = re.compile(rb"""[\s"'](?:class|id)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_INLINE_SCRIPT = re.compile(rb"<script\b[^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_STYLESHEET = re.compile(rb"<link\b[^>]*>", re.IGNORECASE)
_HREF = re.compile(rb"""\bhref\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)
_IS_STYLESHEET = re.compile(rb"""\brel\s*=\s*["']?stylesheet\b""", re.IGNORECASE)
# A script's file name, wherever a page or script mentions it.
_SCRIPT_NAME = re.compile(rb"(?<![\w.-])[\w.-]+\.m?js\b")  # tried at word starts only: linear
# Identifier-looking runs: what a class or id can be made of.
_TOKEN = re.compile(rb"-?[A-Za-z_\x80-\xff][\w\x80-\xff-]*")
_SPACE = re.compile(rb"\s+")
# A string literal the script appends to: "g" + effect, "gslide-".concat(n).
_CONCATENATED = re.compile(rb"""(["'])([A-Za-z_\x80-\xff][\w\x80-\xff-]*)\1\s*(?:\+|\.concat\()""")
# At-rules whose block is a list of rules to trim; every other one stays whole.
GROUPING = {"media", "supports", "container", "layer", "document", "-moz-document", "scope", "starting-style"}
_PREFIX_END = "-_"


@dataclass(frozen=True)
class Trimmed:
    """One stylesheet: its site path and sizes in bytes before and after."""

    path: str
    before: int
    after: int


class Used:
    """The class and id names the site can put in a page."""

    def __init__(self, names: Iterable[str] = (), prefixes: Iterable[str] = ()):
        self.names = set(names)
        self.prefixes: set[str] = set()
        self._scripts_read: set[bytes] = set()  # inline scripts repeat from page to page
        self._values_read: set[bytes] = set()  # and class="..." values too
        self._lengths: list[int] = []
        self.add_prefixes(prefixes)

    def __contains__(self, name: str) -> bool:
        return name in self.names or any(name[:n] in self.prefixes for n in self._lengths)

    def add_prefixes(self, prefixes: Iterable[str]) -> None:
        self.prefixes.update(p for p in prefixes if p.strip(_PREFIX_END))
        self._lengths = sorted({len(p) for p in self.prefixes})

    def add_markup(self, html: bytes) -> None:
        """class= and id= values, and inline scripts' identifiers, of one HTML file."""
        self.add_page(page_facts(html))

    def add_page(self, facts: PageFacts) -> None:
        values = facts.values - self._values_read
        self._values_read.update(values)
        for value in values:  # each distinct value split once (linear in the site's bytes)
            self.names.update(_decode(name) for name in _SPACE.split(value) if name)
        for script in facts.scripts - self._scripts_read:
            self._scripts_read.add(script)
            self.add_script(script)

    def add_script(self, source: bytes) -> None:
        """Every identifier-looking run of a script. Prefixes: runs ending in
        - or _ (`md-tag--${n}`, `"glightbox-"`) and strings the script adds
        to (`"g" + effect`, `"gslide-".concat(n)`)."""
        tokens = {_decode(token) for token in set(_TOKEN.findall(source))}
        self.names.update(tokens)
        prefixes = {t for t in tokens if t[-1] in _PREFIX_END}
        prefixes.update(_decode(m.group(2)) for m in _CONCATENATED.finditer(source))
        if not prefixes <= self.prefixes:
            self.add_prefixes(prefixes)


def _decode(raw: bytes) -> str:
    return raw.decode("utf-8", "replace")


def _selectors(prelude: list) -> list[list]:
    """A rule's prelude split at its top-level commas."""
    selectors: list[list] = [[]]
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            selectors.append([])
        else:
            selectors[-1].append(token)
    return selectors


def _names(selector: list) -> list[str]:
    """The classes and ids a selector requires. Those inside functional
    pseudo-classes (:not(), :is(), :where(), :has()) are not required: they
    are nested blocks, so the top-level walk never meets them."""
    names = []
    after_dot = False
    for token in selector:
        if token.type == "hash" or (after_dot and token.type == "ident"):
            names.append(token.value)
        after_dot = token.type == "literal" and token.value == "."
    return names


def outline(rules: Iterable) -> list:
    """What trimming needs of a parsed stylesheet, in source order:
    ["rule", names each selector requires, text] for a style rule,
    ["group", "@media ...", inner outline] for a grouping at-rule, and
    ["keep", text] for every other at-rule. Plain lists, kept by pagecache."""
    items: list = []
    for rule in rules:
        if rule.type == "qualified-rule":
            items.append(["rule", [_names(selector) for selector in _selectors(rule.prelude)], rule.serialize()])
        elif rule.type == "at-rule" and rule.content is not None and rule.lower_at_keyword in GROUPING:
            inner = tinycss2.parse_rule_list(rule.content, skip_comments=True, skip_whitespace=True)
            items.append(["group", f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}", outline(inner)])
        elif rule.type == "at-rule":
            items.append(["keep", rule.serialize()])
        elif rule.type == "error":
            raise ValueError(f"line {rule.source_line}: {rule.message}")
    return items


def trim_outline(items: list, used: Used) -> list[str]:
    """The text of the rules that could match: a style rule when any selector
    of its list needs only used names; a group when any of its rules stays."""
    out = []
    for item in items:
        if item[0] == "rule":
            if any(all(name in used for name in names) for names in item[1]):
                out.append(item[2])
        elif item[0] == "group":
            inner = trim_outline(item[2], used)
            if inner:
                out.append(item[1] + "{" + "".join(inner) + "}")
        else:
            out.append(item[1])
    return out


# Outlines by stylesheet content: parsing Material's stylesheet takes longer
# than the rest of the pass, and it changes only with Material.
_OUTLINES: dict[str, list] = {}
_OUTLINE_FORMAT = f"3-tinycss2-{tinycss2.__version__}"  # 3: kept by pagecache (a digest leads the pickle)


def outline_of(css: str, cache: Path | None = None) -> list:
    """The outline of a stylesheet, from memory, the cache folder, or parsed."""
    key = hashlib.sha256(f"{_OUTLINE_FORMAT}\n{css}".encode()).hexdigest()[:32]
    if key in _OUTLINES:
        return _OUTLINES[key]
    cached = cache / f"{key}.pickle" if cache else None
    items = pagecache.load(cached, kind=list)  # None when absent or damaged (a digest leads the pickle)
    if items is None:
        items = outline(tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True))
        pagecache.save(cached, items)
    _OUTLINES[key] = items
    return items


def trim_css(css: str, used: Used, cache: Path | None = None) -> str:
    """A stylesheet with only the rules that could match (comments dropped).
    ValueError when it does not parse cleanly."""
    return "".join(trim_outline(outline_of(css, cache), used))


def scan(site: Path, cache: Path | None = None, remember: bool = False) -> tuple[Used, list[str]]:
    """One pass over the built site: the names it uses, and the local
    stylesheets its pages link (site paths, sorted). `cache`: where each
    page's facts are kept by its bytes (a rebuild's pages are mostly the
    same bytes as the last build's); `remember`: keep them in this process
    too, for the next build in it (`mkdocs serve`; a build's process ends,
    and every page's facts would stay in memory to its end).

    The scripts read are those the pages load: every .js file whose name a
    page mentions (`<script src>`, Material's config naming its search
    worker), and, in turn, whose name those scripts mention. Scripts nothing
    loads (lunr's language files, for the search worker kb/search.py
    replaces) could only add false "used" names."""
    used = Used()
    stylesheets: set[str] = set()
    scripts: dict[str, list[Path]] = {}
    pages = []
    files, _folders = site_files(site, remember)
    for rel in files:
        suffix = posixpath.splitext(rel)[1].lower()
        if suffix in (".js", ".mjs"):
            scripts.setdefault(posixpath.basename(rel), []).append(site / rel)
        elif suffix in (".html", ".htm"):
            pages.append(rel)
    present = set(files)
    wanted: set[str] = set()
    kept = pagecache.ByBytes(pagecache.named_for_code(cache, "pages", __file__), others="pages-*.pickle")
    try:
        for rel in pages:
            if remember:  # with the site paths of its stylesheets, found once
                facts, targets = parsed_once(
                    _FACTS, site / rel, lambda p, rel=rel: _with_targets(rel, kept.of(p.read_bytes(), page_facts))
                )
            else:  # held only while this page is looked at
                facts, targets = _with_targets(rel, kept.of((site / rel).read_bytes(), page_facts))
            used.add_page(facts)
            wanted.update(facts.script_names)
            stylesheets.update(target for target in targets if target in present)
        if kept.files == len(pages):  # every page read in this pass (not only a preview's few)
            kept.keep()
    finally:
        kept.close()
    done: set[str] = set()
    while todo := sorted((wanted & scripts.keys()) - done):
        for name in todo:
            done.add(name)
            for path in scripts[name]:
                data = path.read_bytes()
                used.add_script(data)
                wanted.update(_decode(found) for found in _SCRIPT_NAME.findall(data))
    return used, sorted(stylesheets)


@dataclass(frozen=True)
class PageFacts:
    """What one built page tells the pass."""

    values: frozenset[bytes]  # class= and id= values
    scripts: frozenset[bytes]  # inline scripts
    script_names: frozenset[str]  # .js files its <script> elements name
    stylesheets: tuple[str, ...]  # hrefs of its stylesheet links


def page_facts(html: bytes) -> PageFacts:
    scripts = list(_INLINE_SCRIPT.finditer(html)) if b"<script" in html else []
    hrefs = []
    for link in _STYLESHEET.findall(html):
        href = _HREF.search(link)
        if href and _IS_STYLESHEET.search(link):
            hrefs.append(_decode(next(g for g in href.groups() if g is not None)))
    return PageFacts(
        frozenset(a or b or c for a, b, c in _ATTRIBUTE.findall(html)),
        frozenset(m.group(1) for m in scripts),
        # A page names the scripts it loads in its <script> elements (src, and
        # Material's config naming its search worker): read only those.
        frozenset(_decode(name) for m in scripts for name in _SCRIPT_NAME.findall(m.group(0))),
        tuple(hrefs),
    )


# Each built page's facts, until the page changes (htmltext.parsed_once):
# `mkdocs serve` only (`scan`'s `remember`).
_FACTS: dict = {}


def _with_targets(rel: str, facts: PageFacts) -> tuple[PageFacts, tuple[str, ...]]:
    """The page's facts, and the site paths of the stylesheets it links."""
    folder = posixpath.dirname(rel)
    return facts, tuple(target for href in facts.stylesheets if (target := _local_path(folder, href)))


def _local_path(folder: str, href: str) -> str | None:
    """A stylesheet href, relative to the page's folder -> its site path;
    None for another host."""
    href = href.split("#", 1)[0].split("?", 1)[0]
    if not href or re.match(r"^[a-z][a-z0-9+.-]*:|^//", href, re.IGNORECASE):
        return None
    path = posixpath.normpath(href.lstrip("/") if href.startswith("/") else posixpath.join(folder, href))
    return None if path.startswith("..") else path


def source_of(site: Path, path: str, source_dirs: Sequence[Path]) -> Path:
    """Where the stylesheet came from (the first folder that has it, as
    MkDocs copies: docs_dir before the theme), else the built file."""
    for folder in source_dirs:
        candidate = Path(folder) / path
        if candidate.is_file():
            return candidate
    return site / path


def trim_site(
    site: Path, source_dirs: Sequence[Path] = (), cache: Path | None = None, remember: bool = False
) -> list[Trimmed]:
    """Trim every stylesheet the built pages link, in place. A stylesheet
    that does not parse cleanly is written back whole: where a parser and a
    browser might recover differently, nothing is dropped. `remember`: as
    for `scan`."""
    used, stylesheets = scan(site, cache, remember)
    results = []
    for path in stylesheets:
        original = source_of(site, path, source_dirs).read_text(encoding="utf-8")
        try:
            trimmed = trim_css(original, used, cache)
        except ValueError as error:
            log.info(f"{path} left whole: {error}")
            trimmed = original
        (site / path).write_text(trimmed, encoding="utf-8")
        results.append(Trimmed(path, len(original.encode()), len(trimmed.encode())))
    return results


def on_post_build(config, serving: bool = False) -> list[Trimmed]:
    """Entry point for hooks/knowledge_base.py; `serving`: `mkdocs serve`,
    whose next build reads again only the pages that changed."""
    if not config.extra.get("kb_trim_css", True):
        return []
    source_dirs = [Path(config.docs_dir), *(Path(d) for d in config.theme.dirs)]
    cache = Path(config.config_file_path).parent / ".cache" / "kb-css"
    results = trim_site(Path(config.site_dir), source_dirs, cache, remember=serving)
    before, after = sum(r.before for r in results), sum(r.after for r in results)
    log.info(f"CSS trimmed to the rules the pages can use: {before // 1024} KB -> {after // 1024} KB")
    return results
