"""One build, event by event: what the MkDocs hook (hooks/knowledge_base.py)
calls, in the order MkDocs calls it. Nothing here imports MkDocs.

    start(sources)               read definitions (themes, glossary, disciplines)
    generated_pages()            the print views to add to the site
    begin_page(...) / end_page() around each page's conversion, which the
                                 Markdown extension (kb/passages.py) records
    compose(pages, templates)    collect the site index, run site-wide checks,
                                 render every placeholder (kb/collect.py, kb/render.py)
    extras(src_uri)              what an article's templates show
    finish(site_dir, site_url)   after writing: the anchors manifest, the
                                 feeds and the link check of the published HTML

Every problem found on the way is collected in `problems`; the hook logs them
as errors, so `mkdocs build --strict` fails and names them all.
"""

from __future__ import annotations

import functools
import gc
import json
import logging
import os
import pickle
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import MappingProxyType

from markupsafe import escape

from . import (
    anchors,
    assistants,
    cards,
    checks,
    collect,
    csp,
    dependencies,
    feeds,
    frontmatter,
    gitdates,
    memory,
    pagecache,
    published,
    render,
    sanitise,
    search,
    site_links,
)
from . import articles as articles_mod
from . import disciplines as disciplines_mod
from . import glossary as glossary_mod
from . import themes as themes_mod
from .passages import PageRecord, PassageContext, PassageExtension
from .problems import Problem, Problems, locate
from .stages import Stages
from .text import invisible, slugify

PRINT_DIR = "print/"
EXTERNAL_LINKS_REPORT = "external-links.json"


@dataclass
class Build:
    settings: dict = field(default_factory=dict)  # offline_edition_url, ...
    problems: Problems = field(default_factory=Problems)
    definitions: collect.Definitions = field(default_factory=collect.Definitions)
    articles: dict[str, articles_mod.Article] = field(default_factory=dict)
    records: dict[str, PageRecord] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    index: collect.SiteIndex | None = None
    # The build before this one in the same process (`mkdocs serve`): a
    # preview build (--dirty) converts only the pages that changed and takes
    # everything else from it.
    previous: Build | None = None
    rebuilt: set[str] = field(default_factory=set)  # src_uris converted in this build
    history: gitdates.History = field(default_factory=gitdates.History)  # when each source last changed
    generated: set[str] = field(default_factory=set)  # src_uris of the pages the build writes (print views)
    menus: list = field(default_factory=list)  # the Articles section of the menu (kb/navigation.py)
    stages: Stages = field(default_factory=Stages)  # where the time goes (python -m kb build --profile)
    # Each page's conversion, reused or made by this build (kb/pagecache.py);
    # `fresh`: those this build made, to keep on disk once composed.
    conversions: dict[str, pagecache.Conversion] = field(default_factory=dict)
    fresh: set[str] = field(default_factory=set)
    converted_now: int = 0  # pages this build converted (not taken from .cache/)
    store: pagecache.Store = field(default_factory=lambda: pagecache.Store(None))
    keys: pagecache.Keys | None = None  # set by `start`, from what converting a page depends on
    page_keys: dict[str, str] = field(default_factory=dict)  # src_uri -> the key of its conversion
    sources: Mapping[str, str] = field(default_factory=dict)  # src_uri -> the file's text, read once
    # `mkdocs serve`: each page's digest of what it shows of other pages
    # (kb/dependencies.py), and the pages a preview build did not convert but
    # writes again because that changed.
    track: bool = False
    signatures: dict[str, str] = field(default_factory=dict)
    stale: set[str] = field(default_factory=set)
    blocks: set[str] | None = None  # the signed pages with placeholders (`<!-- kb:`)
    block_memo: render.Reuse | None = None  # `mkdocs serve`: the blocks rendered, for the next build
    # What each page reported of itself: reading and converting it
    # (`begin_page` to `end_page`), and rendering its blocks (`compose`). A
    # preview build reports it again for a page it takes from the build
    # before; the site-wide checks (terms no article uses, duplicate titles,
    # ...) run again on every build, so nothing they found is carried on.
    page_problems: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    block_problems: dict[str, tuple[Problem, ...]] = field(default_factory=dict)
    # `mkdocs serve`: each written page with blocks, rendered, and that
    # sanitised; a page rendered to the same HTML again (the print views,
    # converted by every build; a listing that did not change) is not
    # sanitised again.
    cleaned: dict[str, tuple[str, str]] = field(default_factory=dict)
    defined: str = ""  # what converting any page depends on (code, settings, definitions)
    search_memo: search.Memo | None = None  # `mkdocs serve`: what the search index counted in each text
    twin_memo: dict | None = None  # `mkdocs serve`: each article's Markdown twin, by what it was made from
    twin_seen: assistants.Seen | None = None  # `mkdocs serve`: what the twins were last made from, by object
    read: dict | None = None  # `mkdocs serve`: each source's text by its path, time and size (sources.read_all)
    as_built: csp.AsBuilt | None = None  # the Content-Security-Policy, written with each page (not when serving)

    def __post_init__(self) -> None:
        self.context = PassageContext(problems=self.problems)
        self._page: tuple[str, int] | None = None  # the page being converted, and the problems before it
        self._rendered: dict[str, tuple[str, str, Problems]] = {}  # kb/dependencies.py: Signatures.rendered
        self._sanitised: pagecache.ByBytes | None = None  # a build's pages with blocks, sanitised (compose)
        self._front: pagecache.ByBytes | None = None  # each source's front matter, read (begin_page)

    def markdown_extension(self) -> PassageExtension:
        """The passage extension, bound to this build's records."""
        return PassageExtension(self.context)

    # -- before conversion ----------------------------------------------------
    def start(self, sources: Mapping[str, str]) -> None:
        """`sources`: src_uri -> text of every Markdown page."""
        self.sources = sources
        if self.settings.get("deploy"):
            published.check_deploy_address(self.settings.get("site_url") or "", self.problems)
        published.check_offline_zip(self.settings.get("offline_zip"), self.problems)
        self.definitions = collect.read_definitions(sources, self.problems)
        self.context.glossary = self.definitions.glossary
        self.context.disciplines = self.definitions.discipline_names
        defined = repr((self.definitions.themes, self.definitions.glossary.terms, self.definitions.disciplines))
        self.keys = pagecache.Keys(self.settings.get("code") or "", self.settings.get("markdown") or "", defined)
        self.defined = "\0".join((self.settings.get("code") or "", self.settings.get("markdown") or "", defined))
        if folder := self.settings.get("cache_dir"):
            self.store = pagecache.Store(Path(folder) / pagecache.FOLDER)

    def read_memo(self) -> dict | None:
        """`mkdocs serve`: the sources as the builds before read them, for
        sources.read_all (None for a build that is not a preview's)."""
        if not self.track:
            return None
        if self.read is None:
            before = self.previous.read if self.previous is not None else None
            self.read = before if before is not None else {}
        return self.read

    def read_history(self, docs_dir: Path) -> str | None:
        """When each source last changed (one `git log`, kb/gitdates.py);
        returns why some dates are missing, if they are."""
        self.history = gitdates.read(docs_dir)
        return self.history.note

    def updated(self, src_uri: str) -> dict | None:
        """A page's "Last updated" (its source's last commit), or None (a
        generated page, or no history: kb/gitdates.py says when)."""
        date = self.history.updated_date(src_uri)
        return {"iso": date.isoformat(), "label": render.date_label(date)} if date else None

    def generated_pages(self) -> dict[str, str]:
        """src_uri -> Markdown of the "print this theme" page of each theme."""
        pages = {}
        self.generated = {f"{PRINT_DIR}{theme.id}.md" for theme in self.definitions.themes}
        for theme in self.definitions.themes:
            title = json.dumps(f"{theme.title}: every article, for printing")
            description = json.dumps(f"All the articles on {theme.title.lower()}, on one page, ready to print.")
            pages[f"{PRINT_DIR}{theme.id}.md"] = (
                f"---\ntitle: {title}\ndescription: {description}\n"
                "search:\n  exclude: true\nhide:\n  - navigation\n  - toc\n---\n\n"
                f"# {_markdown_text(theme.title)}: every article\n\n"
                f"<!-- kb:theme-print {theme.id} -->\n"
            )
        return pages

    # -- each page ------------------------------------------------------------
    def begin_page(self, src_uri: str, meta: dict, source: str, title: str | None) -> None:
        """Before a page is converted: check its front matter, start its record."""
        self._page = (src_uri, len(self.problems))
        file = "docs/" + src_uri
        is_article = articles_mod.is_article(src_uri)
        parsed = self._front_matter(source, file)
        for key in ("title", "description", "author", "author_role", "source"):
            value = parsed.meta.get(key)
            if isinstance(value, str) and (hidden := invisible(value)):
                self.problems.add(
                    file,
                    frontmatter.line_of_key(source, key),
                    f"'{key}' holds an invisible character ({hidden}): it would read differently from what it is.",
                    "retype the text without it (it often comes with text copied from another page).",
                )
        article = None
        if is_article and parsed.ok:
            article = articles_mod.validate(src_uri, parsed.meta, source, self.definitions.theme_ids, self.problems)
            if article:
                self.articles[src_uri] = article
        # What MkDocs read of the same block, as the feed and the templates
        # will read it: bounded, and an invalid article's themes cut to the
        # known ones (all of it is reported; nothing downstream may crash first).
        self.bound_meta(src_uri, meta)
        raw_title = parsed.meta.get("title") if isinstance(parsed.meta.get("title"), str) else None
        self.titles[src_uri] = raw_title or title or src_uri
        if src_uri not in self.generated:
            render.check_placeholders(src_uri, source, is_article, self.problems)
        record = PageRecord(src_uri=src_uri, source=source, is_article=is_article)
        self.records[src_uri] = record
        self.context.page = record

    def _front_matter(self, source: str, file: str) -> frontmatter.FrontMatter:
        """`frontmatter.read`, kept by the source's bytes for the next build
        (.cache/kb-front-*.pickle): the front matter and the problems it
        reported, replayed for `file`. Kept only by a build that read every
        page (not a preview's few)."""
        if self._front is None:
            folder = self.settings.get("cache_dir") if self.previous is None else None
            self._front = pagecache.ByBytes(self._kept_for_code("kb-front") if folder else None, "kb-front-*.pickle")

        def read(_data: bytes) -> bytes:
            found = Problems()
            parsed = frontmatter.read(source, "", found)
            return pickle.dumps((parsed, [(p.line, p.what, p.fix, p.level) for p in found.items]))

        parsed, problems = pickle.loads(self._front.of(source.encode("utf-8", "surrogatepass"), read))
        for line, what, fix, level in problems:
            self.problems.add(file, line, what, fix, level)
        return parsed

    def bound_meta(self, src_uri: str, meta: dict) -> None:
        """MkDocs' front matter of a page, bounded, and an invalid article's
        themes cut to the known ones (`begin_page` reports the problems)."""
        frontmatter.bound(meta)
        if articles_mod.is_article(src_uri) and src_uri not in self.articles:
            known = set(self.definitions.theme_ids)
            themes = meta.get("themes")
            meta["themes"] = (
                [t for t in themes if isinstance(t, str) and t in known] if isinstance(themes, list) else []
            )

    def prepare_markdown(self, src_uri: str, markdown: str) -> str:
        """Add the placeholders the build inserts itself: "Appears in" after
        each glossary entry, passage lists after each discipline, a theme
        page's article list and print link."""
        if src_uri == glossary_mod.GLOSSARY_SRC and self.definitions.glossary.terms:
            return _glossary_markdown(markdown)
        if src_uri == disciplines_mod.DISCIPLINES_SRC:
            known = self.definitions.discipline_names
            return _after_each_section(markdown, lambda d: f"<!-- kb:discipline-passages {d} -->" if d in known else "")
        if theme_id := themes_mod.theme_of(src_uri):
            if "<!-- kb:theme-articles" not in markdown:
                markdown = markdown.rstrip() + "\n\n## Articles on this theme\n\n<!-- kb:theme-articles -->\n"
            return markdown.rstrip() + (
                f"\n\n[Print this theme: all its articles on one page]"
                f"(../{PRINT_DIR}{theme_id}.md){{ .kb-print-link }}\n"
            )
        return markdown

    def end_page(self) -> None:
        if self._page is not None:
            src_uri, start = self._page
            self.page_problems[src_uri] = tuple(self.problems.items[start:])
        self._page = None
        self.context.page = None

    def source_of(self, src_uri: str) -> str | None:
        """The text of a source read when the build started."""
        return self.sources.get(src_uri)

    # -- a preview build (mkdocs serve --dirty) ----------------------------------------
    def must_convert(self, src_uri: str, exists) -> bool:
        """Whether a preview build must convert a page MkDocs would skip (its
        source unchanged): what converting depends on changed (a glossary
        term, a theme, the code), or a file its links point at is gone
        (`exists(src_uri)`), which only converting it reports."""
        before = self.previous
        if before is None:
            return False
        if before.defined != self.defined:
            return True
        kept = before.conversions.get(src_uri)
        return kept is not None and not kept.usable(exists)

    # -- conversions kept between builds (kb/pagecache.py) ---------------------------
    def reuse(self, src_uri: str, markdown: str, exists) -> pagecache.Conversion | None:
        """The kept conversion of the page being converted, if its key and
        the files its links point at (`exists(src_uri)`) allow; its record and
        the problems it reported become this build's. Call after `begin_page`."""
        page = self.context.page
        if self.keys is None or page is None:
            return None
        self.page_keys[src_uri] = key = self.keys.of(src_uri, page.source, markdown)
        before = self.previous.conversions.get(src_uri) if self.previous is not None else None
        kept = before if before is not None and before.key == key else self.store.get(key)
        if kept is None or not kept.usable(exists):
            return None
        self.conversions[src_uri] = kept
        # The kept record's source is the text read for this build (the key
        # holds it): one copy of it, not two.
        kept.record.source = page.source
        self.records[src_uri] = kept.record
        for problem in kept.problems:
            self.problems.add(*problem)
        self.context.page = None
        return kept

    def converted(self, src_uri: str, conversion: pagecache.Conversion, clean: bool) -> None:
        """A page this build converted; kept (on disk, once composed) if
        converting it warned of nothing."""
        self.conversions[src_uri] = conversion
        self.converted_now += 1
        if clean:
            self.fresh.add(src_uri)

    # -- all pages converted ----------------------------------------------------
    def compose(self, pages: Mapping[str, tuple[str, str | None]], templates: render.Templates) -> dict[str, str]:
        """`pages`: src_uri -> (site URL, converted HTML, or None for a page a
        preview build did not convert). Collects the site index, runs the
        site-wide checks and returns the HTML of each converted page with its
        placeholders rendered, sanitised: the last step of every page's
        content, whatever the checks found (kb/sanitise.py)."""
        if self._front is not None:  # every page has begun
            self._front.keep()
        contents = {src: html for src, (_, html) in pages.items() if html is not None}
        self.rebuilt = set(contents)
        unconverted = set(pages) - set(contents)
        if unconverted:
            self._carry_over(unconverted, contents)
            # In the pages' order, as a full build has them: what is listed
            # from them (backlinks, "appears in") comes out the same.
            order = {src: n for n, src in enumerate(pages)}
            for kept in (self.records, self.titles, self.articles, contents):
                items = sorted(kept.items(), key=lambda item: order.get(item[0], len(order)))
                kept.clear()
                kept.update(items)
        ranked = self._last_ranking()
        self.index = collect.collect(
            self.definitions,
            self.articles,
            self.records,
            self.titles,
            urls={src: url for src, (url, _) in pages.items()},
            contents=contents,
            settings=self.settings,
            previous=ranked,
        )
        self._keep_ranking(ranked)
        checks.glossary_usage(self.index, self.problems)
        checks.discipline_coverage(self.index, self.problems)
        checks.duplicate_titles(self.index, self.problems)
        if self.track:  # mkdocs serve: what each page shows of the others, for this build and the next
            self._sign(contents, unconverted, templates)
        written = self.rebuilt | self.stale
        if self.track and self.previous is not None:
            self.cleaned = {src: kept for src, kept in self.previous.cleaned.items() if src in pages}
        # A build's pages with blocks, sanitised: kept by their rendered bytes for the next build.
        self._sanitised = (
            None if self.track else pagecache.ByBytes(self._kept_for_code("kb-clean"), "kb-clean-*.pickle")
        )
        composed = {}
        for src in pages:
            if src in written:
                start = len(self.problems)
                composed[src] = self._compose(src, contents[src], templates)
                self.block_problems[src] = tuple(self.problems.items[start:])
        if self._sanitised is not None:
            self._sanitised.keep()
        if unconverted and self.previous is not None:  # its blocks as the build before rendered them
            self._carry_problems(unconverted - written, self.previous.block_problems, self.block_problems)
        for src in self.fresh:  # kept for the next builds, now that they are composed
            self.store.put(self.conversions[src].key, self.conversions[src])
        return composed

    def gives_back_memory(self) -> bool:
        """Whether this build should give freed memory back to the system
        between its stages (kb/memory.py): when it converted a tenth of its
        pages or more (a first build: the conversions' garbage and the
        composed pages are most of its peak). A warm rebuild holds less, and
        the memory given back costs it seconds to take again (page faults:
        3 s of 36 at 10,000 articles)."""
        return not self.track and self.index is not None and self.converted_now * 10 >= max(1, len(self.index.urls))

    def give_back_memory(self) -> None:
        """What the stage before freed, given back to the system, when this
        build `gives_back_memory` (not under `mkdocs serve`, whose next build
        reuses it)."""
        if self.gives_back_memory():
            memory.give_back()

    def let_go_of_conversions(self) -> None:
        """After `compose`, in a build that no later build in this process
        starts from (not `mkdocs serve`): what converting each page gave is
        on disk, and the pages' content is composed; the articles' converted
        HTML is let go (10,000 articles: 120 MB). The search index reads the
        other pages' (kb/search.py)."""
        self.conversions.clear()
        index = self.index
        kept = {src: html for src, html in index.contents.items() if src not in index.articles}
        self.index = replace(index, contents=MappingProxyType(kept))

    def _sign(self, contents: Mapping[str, str], unconverted: set[str], templates: render.Templates) -> None:
        """`mkdocs serve`: what the builds keep for the next one, and each
        page's digest of what it shows of the others (kb/dependencies.py);
        the pages not converted whose digest changed are `stale`."""
        before = self.previous.search_memo if self.previous is not None else None
        self.search_memo = before if before is not None else search.Memo()
        twins = self.previous.twin_memo if self.previous is not None else None
        self.twin_memo = twins if twins is not None else {}
        seen = self.previous.twin_seen if self.previous is not None else None
        self.twin_seen = seen if seen is not None else assistants.Seen()
        # (Not of the print pages: generated, so converted by every build.)
        signed = {src: html for src, html in contents.items() if src not in self.generated}
        # The pages with blocks: those this build converted, looked at; the others as the last build found.
        had = self.previous.blocks if self.previous is not None else None
        self.blocks = {
            src
            for src, html in signed.items()
            if (src in had if had is not None and src not in self.rebuilt else render.has_placeholder(html))
        }
        last = self.previous
        same_definitions = last is not None and last.defined == self.defined
        # The blocks the last build rendered, taken again while what they show is the same.
        last_index = last.index if last is not None else None
        self.block_memo = render.Reuse(
            last_index,
            dependencies.changed_since(last_index, self.index, same_definitions),
            last.block_memo.now if last is not None and last.block_memo is not None else {},
        )
        self.signatures, self._rendered = dependencies.signatures_since(
            last_index if last is not None and last.signatures else None,
            last.signatures if last is not None else {},
            self.index,
            templates,
            signed,
            self.blocks,
            same_definitions,
            self.block_memo,
        )
        if unconverted and self.previous is not None:
            self.stale = dependencies.stale(self.previous.signatures, self.signatures, unconverted)

    def _kept_for_code(self, stem: str) -> Path | None:
        """`.cache/<stem>-<code>.pickle`: what this build keeps for the next, while the kb code is the same."""
        folder = self.settings.get("cache_dir")
        return Path(folder) / f"{stem}-{(self.settings.get('code') or '')[:16]}.pickle" if folder else None

    def _last_ranking(self) -> collect.Ranking | collect.SiteIndex | None:
        """The related-articles ranking of the last build: in memory
        (`mkdocs serve`), else on disk (.cache/), for this code."""
        if self.previous is not None and self.previous.index is not None:
            return self.previous.index
        return pagecache.load(self._kept_for_code("kb-related"), kind=collect.Ranking)

    def _keep_ranking(self, ranked) -> None:
        """On disk when this build ranked anew (a profile changed)."""
        if self.index is not None and (ranked is None or dict(ranked.profiles) != dict(self.index.profiles)):
            ranking = collect.Ranking(dict(self.index.profiles), dict(self.index.related))
            pagecache.save(self._kept_for_code("kb-related"), ranking, others="kb-related-*.pickle")

    def _compose(self, src_uri: str, html: str, templates: render.Templates) -> str:
        """The page's content: its blocks rendered, then sanitised. A page
        without a placeholder depends on nothing else: its content is kept
        with its conversion."""
        kept = self.conversions.get(src_uri)
        alone = kept is not None and kept.html is html and not render.has_placeholder(html)
        if alone and kept.composed is not None:
            return kept.composed
        rendered = self._rendered.pop(src_uri, None)
        if rendered is not None and rendered[0] is html:  # rendered to sign it (mkdocs serve)
            self.problems.report(rendered[2])
            page = rendered[1]
        else:
            page = render.render_page(self.index, templates, self.problems, src_uri, html, self.block_memo)
        if not render.has_placeholder(html):
            content = sanitise.clean(page)
        elif self._sanitised is not None:  # a page with blocks, in a build
            content = self._sanitised.of(page.encode("utf-8", "surrogatepass"), lambda _: sanitise.clean(page))
        else:  # a page with blocks, in a preview
            before = self.cleaned.get(src_uri)
            content = before[1] if before is not None and before[0] == page else sanitise.clean(page)
            self.cleaned[src_uri] = (page, content)
        if alone:
            kept.composed = content
        return content

    def _cards(self) -> dict[str, tuple[str, list[str]]]:
        """The link-preview cards to draw: each article's, and the site's."""
        titles = self.definitions.theme_titles
        out = {cards.SITE_CARD: (self.settings.get("site_name") or "", [self.settings.get("site_description") or ""])}
        for src, article in self.index.articles.items():
            if src not in self.rebuilt and self.previous is not None:
                continue  # a preview build: its card is already there
            byline = ", ".join(x for x in (article.author, article.source) if x) or "Author not named in the source"
            out[cards.card_path(self.index.urls[src])] = (
                article.title,
                [byline, " · ".join(titles.get(t, t) for t in article.themes)],
            )
        return out

    def carried_meta(self, src_uri: str) -> dict:
        """Front matter for a page a preview build did not read: its title,
        so the navigation still names it."""
        return {"title": escape(self.titles.get(src_uri, src_uri))}

    def _carry_over(self, unconverted: set[str], contents: dict[str, str]) -> None:
        """Take what the previous build knew of the pages this one skipped."""
        before = self.previous
        if before is None or before.index is None:
            return
        for src in unconverted:  # (put back in the pages' order by compose)
            if src in before.conversions:
                self.conversions[src] = before.conversions[src]
            if src in before.records:
                self.records[src] = before.records[src]
                self.titles[src] = before.titles[src]
                contents[src] = before.index.contents.get(src, "")
                if src in before.articles:
                    self.articles[src] = before.articles[src]
        # A page's own problems are still there until it is converted again.
        self._carry_problems(unconverted, before.page_problems, self.page_problems)

    def _carry_problems(
        self, pages: set[str], before: Mapping[str, tuple[Problem, ...]], now: dict[str, tuple[Problem, ...]]
    ) -> None:
        """What the build before reported of each of `pages` (`before`):
        reported by this one too, and kept in `now` for the next."""
        for src in sorted(pages):
            now[src] = before.get(src, ())
            self.problems.report(now[src])

    def extras(self, src_uri: str) -> dict | None:
        """Header, related articles and backlinks of an article page."""
        return render.article_extras(self.index, src_uri) if self.index else None

    def check_redirects(self, redirect_maps: dict[str, str], config_file: Path) -> None:
        """mkdocs.yml's redirects: none over a live page, none to a missing one."""
        text = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
        checks.redirects(self.index, redirect_maps, self.problems, text)

    def check_registry(self, registry_file: Path, redirect_maps: dict[str, str]) -> None:
        """Every anchor ever published is still served (or redirected)."""
        checks.registry(self.index, anchors.load(registry_file, self.problems), redirect_maps, self.problems)

    # -- after writing the site -----------------------------------------------------
    def finish(self, site_dir: Path, site_url: str) -> tuple[list[str], str]:
        """Write the anchors manifest and the external-link report; return
        the problems of the published HTML (broken links) and a summary."""
        stage = self.stages
        if self.index is not None:
            with stage("anchors manifest"):
                anchors.dump(site_dir / anchors.REGISTRY_FILE, checks.published_anchors(self.index))
            with stage("link-preview cards"):
                drawn = self._cards()
                complete = self.previous is None or all(src in self.rebuilt for src in self.index.articles)
                cards.write(site_dir, drawn, self.settings.get("site_name") or "", self.settings.get("cache"), complete)
            with stage("feeds"):
                feeds.write(
                    site_dir,
                    site_url,
                    self.settings.get("site_name") or "",
                    self.index.articles,
                    self.index.urls,
                    self.definitions.theme_titles,
                    self.history,
                )
        # A preview build writes only the pages it converted: check those.
        only = None
        if self.index is not None and self.rebuilt | self.stale != set(self.index.urls):
            only = {_html_path(self.index.urls[src]) for src in self.rebuilt | self.stale}
        published.offline_zip(site_dir, self.settings.get("offline_zip"))
        self.give_back_memory()
        with stage("link check"):
            folder = self.settings.get("cache_dir")
            report = site_links.check(site_dir, site_url, only, Path(folder) / "kb-links" if folder else None)
        errors = []
        for page, url, why in report.broken:
            where, shown = self.source_of_link(page, url)
            errors.append(
                f"{where}: the link '{url}' {shown}is broken: {why}. Fix: correct the link in the Markdown "
                "source (or the template that writes it); a moved page needs a redirect (README, 'Links that "
                "never rot')."
            )
        for page, url in report.without_noopener:
            where, shown = self.source_of_link(page, url)
            errors.append(
                f"{where}: the external link '{url}' {shown}has no rel=\"noopener\". Fix: add it in the template."
            )
        external = site_links.external_report(site_dir / EXTERNAL_LINKS_REPORT, report, only)
        (site_dir / EXTERNAL_LINKS_REPORT).write_text(
            json.dumps({"external_links": external}, indent=1, sort_keys=True) + "\n", encoding="utf-8"
        )
        published.robots(site_dir, site_url, PRINT_DIR)
        return errors, f"{len(external)} external link(s), listed in {EXTERNAL_LINKS_REPORT}"

    def write_for_assistants(self, site_dir: Path, site_url: str) -> list[str]:
        """llms.txt, llms-full.txt, each article's Markdown twin and the
        passages as data (kb/assistants.py), from this build's records.
        Returns notes (not errors: the pages are right) on passages whose
        URL a twin lists at its end rather than beside their text."""
        if self.index is None:
            return []
        dates = {src: self.history.updated_date(src) for src in self.index.articles}
        memo, shelf = self.twin_memo, None
        if memo is None and (kept := self._kept_for_code("kb-twins")) is not None:
            # A build that is not a preview: the twins of the last one, on disk for this code, read
            # one article at a time; saved when a twin was made again, or one is gone.
            memo = shelf = pagecache.Shelf(kept, assistants.made_of, others="kb-twins-*.pickle")
        dates = {k: v for k, v in dates.items() if v}
        serving = self.twin_memo is not None
        try:
            unplaced = assistants.write(site_dir, self.index, site_url or "/", dates, memo, serving, self.twin_seen)
            if shelf is not None:
                shelf.save()
        finally:
            if shelf is not None:
                shelf.close()
        return [
            f"docs/{src}: the Markdown twin lists the URL of passage #{pid} at its end: its block was not "
            "recognised in the source (kb/twin.py). The page itself is right."
            for src, pid in unplaced
        ]

    def source_of_link(self, page: str, url: str) -> tuple[str, str]:
        """Where a link of the published page `page` ("articles/x/index.html")
        was written: ("docs/articles/x.md:12", "") for a page's own Markdown;
        for a generated page (a print view), the article it was copied from,
        and a note of the page it was found on; else the template."""
        sources = {_html_path(u): src for src, u in self.index.urls.items()} if self.index else {}
        src = sources.get(page)
        path, _, fragment = url.partition("#")
        needles = [n for n in (url, f"#{fragment}" if fragment else "", path.rstrip("/").rsplit("/", 1)[-1]) if n]
        records = self.records
        own = [src] if src in records and not src.startswith(PRINT_DIR) else []
        copied = [] if own else [s for s, r in records.items() if articles_mod.is_article(s)]
        # The most precise clue first, in every candidate (the link itself,
        # then its #fragment, then the page it names), so that a copied
        # link is found where it was written, not in the first article that
        # links to the same page.
        for clue in [needles] if own else [[needle] for needle in needles]:
            for candidate in own + copied:
                line = locate(records[candidate].source, clue)
                if line is not None:
                    note = f"(published in site/{page}) " if candidate != src else ""
                    return f"docs/{candidate}:{line}", note
        if src is not None and not src.startswith(PRINT_DIR):
            return f"docs/{src}", "(written by a template or a generated block) "
        return "overrides/ (a template)", f"(published in site/{page}) "


def _html_path(url: str) -> str:
    """Site URL -> the file it is written to ("articles/x/" -> "articles/x/index.html")."""
    return url + "index.html" if url.endswith("/") or not url else url


class Session:
    """The builds of one process, by config file. MkDocs loads the hook once
    per process and `mkdocs serve` rebuilds in it: each build takes what it
    can from the last one that finished (a preview rebuild converts only
    the pages that changed). The hook owns one; nothing else keeps state."""

    def __init__(self) -> None:
        self.serving = False  # `mkdocs serve` (set by the hook's on_startup)
        self.dirty = False  # `--dirty`: MkDocs does not clean the site folder
        self.set_aside_in: Path | None = None  # the site folder kept across the clean (kb/setaside.py)
        self._current: dict[str, Build] = {}
        self._finished: dict[str, Build] = {}
        self._code: str | None = None
        self._warnings = _Count()
        self._before = (0, 0)

    def begin(self, project: str, settings: dict, markdown: str = "") -> Build:
        """A new build of `project` (its config file); `markdown`: what
        converting a page depends on in the configuration."""
        if self._code is None:
            self._code = pagecache.code_fingerprint()
            logging.getLogger("mkdocs").addHandler(self._warnings)
        settings = {**settings, "code": self._code, "markdown": markdown}
        key = _project_key(project)
        self._current[key] = Build(settings=settings, previous=self._finished.get(key))
        return self._current[key]

    def current(self, project: str) -> Build:
        return self._current[_project_key(project)]

    def finished(self, project: str) -> None:
        """The current build of `project` is done: the next one starts from it."""
        done = self._current[_project_key(project)]
        done.previous = None  # keep one build, not a chain of them
        self._finished[_project_key(project)] = done

    def watch(self, problems: Problems) -> None:
        """A page's conversion starts: what was reported so far."""
        self._before = (self._warnings.count, len(problems))

    def converted(self, problems: Problems) -> tuple[tuple[tuple, ...], bool]:
        """A page's conversion ended: what it reported, and whether MkDocs
        warned of nothing meanwhile (a broken link)."""
        warnings, count = self._before
        found = tuple((p.file, p.line, p.what, p.fix, p.level) for p in list(problems)[count:])
        return found, self._warnings.count == warnings


def collect_garbage_less_often() -> None:
    """A build allocates millions of small objects that live to its end
    (records, conversions, the navigation) and makes few reference cycles:
    with Python's default thresholds the cycle collector walks that whole
    heap again and again (measured: 0.3 s of a 1,000-article warm rebuild,
    0.7 s of a first build). Collecting young objects every 10,000
    allocations instead of 700 cuts that by most, with the same peak memory
    (python -m kb build --profile; README, issue 29)."""
    gc.set_threshold(10_000, 50, 100)


def _project_key(config_file: str) -> str:
    """The project a config file path names, whichever way it is written:
    `properdocs serve --config-file mkdocs.yml` gives the hook "mkdocs.yml"
    on the first build and the absolute path on every rebuild."""
    return _resolved(os.getcwd(), config_file)


@functools.lru_cache(maxsize=64)
def _resolved(cwd: str, config_file: str) -> str:
    """Resolving a path asks the file system about each of its parts: once
    per build, not once per page and hook."""
    return str((Path(cwd) / config_file).resolve())


class _Count(logging.Handler):
    """How many warnings and errors MkDocs has logged."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


# -- small rules the hook applies ---------------------------------------------------


def settings(
    extra: Mapping,
    site_url: str | None = None,
    site_name: str | None = None,
    site_description: str | None = None,
    project_dir: Path | None = None,
    offline: bool = False,
) -> dict:
    """The build's settings, from mkdocs.yml. `offline`: this build is the
    offline edition (Material's offline plugin is on)."""

    def flag(value) -> bool:
        return str(value).lower() not in ("false", "0", "no", "off", "none", "")

    zip_path = extra.get("kb_offline_zip")
    if zip_path and project_dir is not None:
        zip_path = project_dir / zip_path
    return {
        "offline_edition_url": extra.get("offline_edition_url") or None,
        "offline_zip": Path(zip_path) if zip_path and not offline else None,
        "offline": offline,
        "check_registry": flag(extra.get("kb_check_registry", True)),
        "deploy": flag(extra.get("kb_deploy", False)),
        "site_url": site_url,
        "site_name": site_name,
        "site_description": site_description,
        "cache": project_dir / ".cache" / "kb-cards" if project_dir else None,
        "cache_dir": project_dir / ".cache" if project_dir else None,
    }


def cache_templates(env, project_dir: Path) -> None:
    """Compiled templates kept in `.cache/jinja/` (checked against their
    source by Jinja): MkDocs makes a new environment for every build, and
    compiling Material's templates again costs about a second of every
    preview rebuild."""
    import jinja2

    folder = project_dir / ".cache" / "jinja"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return  # a cache that cannot be written only costs time
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))


def _markdown_text(text: str) -> str:
    """Text placed in generated Markdown: no markup of its own."""
    return str(escape(text)).replace("*", r"\*").replace("_", r"\_").replace("[", r"\[").replace("`", r"\`")


def _glossary_markdown(markdown: str) -> str:
    """Letter index before the first entry; "Appears in" after each entry."""
    with_appears = _after_each_section(
        markdown,
        lambda term_id: f"<!-- kb:glossary-appears {term_id} -->",
        id_of=lambda text, explicit: explicit or slugify(text),
    )
    lines = with_appears.split("\n")
    first = next((i for i, line in enumerate(lines) if line.startswith("## ")), None)
    if first is None:
        return with_appears
    return "\n".join(lines[:first] + ["<!-- kb:glossary-letters -->", ""] + lines[first:])


def _after_each_section(markdown: str, placeholder, id_of=None) -> str:
    """Insert a placeholder at the end of every '## ' section."""
    import re

    heading = re.compile(r"^##\s+(?P<text>.+?)\s*(?:\{\s*#(?P<id>[\w-]+)[^}]*\})?\s*$")
    out, current = [], None
    for line in markdown.splitlines():
        match = heading.match(line)
        if match:
            if current:
                out += ["", placeholder(current), ""]
            current = id_of(match["text"], match["id"]) if id_of else match["id"]
        out.append(line)
    if current:
        out += ["", placeholder(current), ""]
    return "\n".join(out) + "\n"
