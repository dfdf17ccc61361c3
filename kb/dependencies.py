"""What a page shows of the other pages, as one digest per page (issue 29).

`mkdocs serve --dirty` (make preview) converts only the pages whose source
changed. Every other page shows parts made from the whole site: an article
its header, related articles and backlinks (render.article_extras), its
previous and next articles and the few the menu lists around it
(kb/navigation.py); a theme, glossary, disciplines or home page its blocks
(`<!-- kb:... -->`, kb/render.py); every page the menu's article count and
the other pages' titles; and a page's links point at passages that must
still be there. A preview build computes each page's digest of all that
(`signature`) and writes again every page whose digest differs from the
last build's (`stale`): the rest of the site is right without converting it.

Signing all 10,000 pages of a big site took most of a second of every save:
a preview build signs again only the pages the edit can reach
(`affected`: the edited pages, the pages with blocks, the pages that link to
them, that they link to or that list them among related articles) and keeps
the others' digests, unless the articles, a title, a URL or the definitions
changed (then every page). tests/test_dependencies.py checks, edit by edit,
that this gives the digests of signing every page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping

from . import render
from .collect import SiteIndex
from .navigation import WINDOW
from .problems import Problems


class Signatures:
    """The digests of one build's pages, from its site index."""

    def __init__(self, index: SiteIndex, templates: render.Templates, reuse: render.Reuse | None = None):
        self.index = index
        self.templates = templates
        self.reuse = reuse
        self.order = list(index.articles)  # title order, as the menu and previous/next
        self.position = {src: i for i, src in enumerate(self.order)}
        self._anchors: dict[str, frozenset[str]] = {}
        # src_uri -> (the converted HTML, its blocks rendered, what rendering
        # them found): the build writes these pages with what was rendered here.
        self.rendered: dict[str, tuple[str, str, Problems]] = {}
        pages = sorted((url, index.titles.get(src, "")) for src, url in index.urls.items() if src not in index.articles)
        self.site = repr((len(self.order), pages))  # the menu's count, the other pages' titles

    def _entry(self, at: int) -> tuple[str, str] | None:
        if 0 <= at < len(self.order):
            src = self.order[at]
            return self.index.urls.get(src, ""), self.index.articles[src].title
        return None

    def _menu(self, src_uri: str) -> list:
        """The menu's articles on this page, and its previous and next."""
        at = self.position.get(src_uri)
        count = len(self.order)
        start = 0 if at is None else max(0, min(at - WINDOW // 2, count - WINDOW))
        shown = [self._entry(k) for k in range(start, min(start + WINDOW, count))]
        if at is not None:
            shown += [self._entry(at - 1), self._entry(at + 1)]
        return shown

    def _anchors_of(self, src_uri: str) -> frozenset[str]:
        if src_uri not in self._anchors:
            record = self.index.records.get(src_uri)
            self._anchors[src_uri] = frozenset(record.anchors) if record is not None else frozenset()
        return self._anchors[src_uri]

    def _links(self, src_uri: str) -> list:
        """Each page and passage this page links to, and whether it is there."""
        record = self.index.records.get(src_uri)
        if record is None:
            return []
        found = [(target, target in self.index.urls) for target in sorted(record.targets)]
        for passage in record.passages:
            for target, fragment in passage.links:
                there = target in self.index.urls and (not fragment or fragment in self._anchors_of(target))
                found.append((target, fragment, there))
        return found

    def of(self, src_uri: str, html: str) -> str:
        """The digest of what `src_uri` (converted to `html`) shows of other pages."""
        parts = [
            self.site,
            self._menu(src_uri),
            render.article_extras(self.index, src_uri),
            self._links(src_uri),
        ]
        if render.has_placeholder(html):  # its blocks, as they render now (their problems are the build's)
            found = Problems()
            rendered = render.render_page(self.index, self.templates, found, src_uri, html, self.reuse)
            self.rendered[src_uri] = (html, rendered, found)
            parts.append(rendered)
        return hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def signatures(
    index: SiteIndex, templates: render.Templates, contents: Mapping[str, str], reuse: render.Reuse | None = None
) -> tuple[dict[str, str], dict[str, tuple[str, str, Problems]]]:
    """src_uri -> its digest, for every page in `contents` (src_uri ->
    converted HTML); and the pages whose blocks were rendered to sign them
    (`Signatures.rendered`; `reuse`: render.Reuse)."""
    sign = Signatures(index, templates, reuse)
    return {src: sign.of(src, html) for src, html in contents.items()}, sign.rendered


def signatures_since(
    before: SiteIndex | None,
    signed_before: Mapping[str, str],
    index: SiteIndex,
    templates: render.Templates,
    contents: Mapping[str, str],
    blocks: Iterable[str],
    same_definitions: bool = True,
    reuse: render.Reuse | None = None,
) -> tuple[dict[str, str], dict[str, tuple[str, str, Problems]]]:
    """As `signatures`, for a preview build after the build that collected
    `before` and signed `signed_before`: only the pages `affected` by what
    changed are signed again, the others keep their digest. `blocks`: the
    pages with placeholders (their blocks read the whole index: always
    signed again)."""
    again = affected(before, index, blocks, same_definitions)
    if again is None:
        return signatures(index, templates, contents, reuse)
    sign = Signatures(index, templates, reuse)
    out = {}
    for src, html in contents.items():
        kept = signed_before.get(src)
        out[src] = sign.of(src, html) if kept is None or src in again else kept
    return out, sign.rendered


def changed_since(before: SiteIndex | None, now: SiteIndex, same_definitions: bool = True) -> set[str] | None:
    """The pages whose record or article differs from the one the build
    that collected `before` had (a preview build takes the others' objects
    from it), or None when what every page may show changed: the articles or
    their order, a page's title or URL, the definitions or the settings."""
    if (
        before is None
        or not same_definitions
        or list(before.articles) != list(now.articles)
        or before.urls != now.urls
        or before.titles != now.titles
        or dict(before.settings) != dict(now.settings)
    ):
        return None
    return {
        src
        for src, record in now.records.items()
        if not _same(record, before.records.get(src)) or not _same(now.articles.get(src), before.articles.get(src))
    }


def _same(now, before) -> bool:
    """The same object, or one equal to it (a page converted again to the
    same record: the print views, converted by every build)."""
    return now is before or now == before


def affected(
    before: SiteIndex | None, now: SiteIndex, blocks: Iterable[str], same_definitions: bool = True
) -> set[str] | None:
    """The pages whose digest (`Signatures.of`) may differ from the build
    that collected `before`, or None for every page: the articles or their
    order, a page's title or URL, the definitions or the settings changed
    (every menu, header or listing may show it). Otherwise a page's digest
    depends on its own record and article, on the records of the pages
    that link to it (its backlinks), on the records of the pages its
    passages link to (their anchors), and on the articles its related list
    shows (their titles, descriptions and ranking)."""
    changed = changed_since(before, now, same_definitions)
    if before is None or changed is None:
        return None
    again = set(changed) | set(blocks)
    if now.related is not before.related:
        again |= {src for src in now.urls if now.related.get(src, ()) != before.related.get(src, ())}
    for index in (before, now) if changed else ():  # the pages that list one among their related articles
        again.update(src for src, related in index.related.items() if any(r.key in changed for r in related))
    for src in changed:
        for index in (before, now):
            record = index.records.get(src)
            if record is not None:  # the pages it links to show it among their backlinks
                again.update(target for passage in record.passages for target, _ in passage.links)
            # the pages that link to it check its anchors
            again.update(link.source for link in index.backlinks.get(src, ()))
    return again


def stale(before: Mapping[str, str], now: Mapping[str, str], unconverted: Iterable[str]) -> set[str]:
    """The pages this build did not convert whose cross-page parts changed
    since the build `before` (or that it did not sign)."""
    return {src for src in unconverted if before.get(src) is None or before.get(src) != now.get(src)}
