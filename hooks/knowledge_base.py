"""MkDocs hook: wires MkDocs' build events to the kb package, and nothing else.

MkDocs converts every page first and renders templates afterwards, with
`on_env` in between. The build uses that gap (see kb/build.py):

    on_config         a fresh kb.build.Build; its Markdown extension is added
    on_pre_build      the search index's parts and the cards set aside before
                      MkDocs cleans the site folder (kb/setaside.py)
    on_files          definitions read from the sources; print views and the
                      page script (kb/pagescript.py) added
    on_nav            articles out of the sidebar (kb/navigation.py)
    on_page_markdown  front matter checked and escaped; placeholders added
    on_page_content   the page's record is complete
    on_env            site index collected, placeholders rendered, anchors checked
    on_page_context   the article header and footer data, for the templates;
                      the menu's few articles around this page (kb/navigation.py);
                      the skip link pointed at the page title
    on_post_build     search index, stylesheets trimmed, Content-Security-Policy,
                      anchors manifest, feeds, link check, the files for AI
                      assistants (llms.txt, Markdown twins, passages)
    on_build_error    what was set aside removed
    on_serve          (mkdocs serve) a failed rebuild shown on the page (kb/preview.py);
                      the page script's modules watched

Under `mkdocs serve --dirty` (the fast preview), MkDocs converts only the
pages that changed; the build takes the others from the previous build, and
writes again every page whose cross-page parts changed (kb/dependencies.py).

Where each generated block comes from: kb/render.py (one function per
`<!-- kb:NAME -->`, rendered with overrides/partials/kb/NAME.html).
"""

from __future__ import annotations

import functools
import hashlib
import logging
from pathlib import Path

from jinja2 import Environment
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.nav import Link, Navigation
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc
from mkdocs.utils import normalize_url

from kb import (
    anchors,
    blockmemo,
    build,
    cards,
    csp,
    feeds,
    navigation,
    pagecache,
    pagescript,
    preview,
    render,
    setaside,
    sources,
    stages,
    trimcss,
)
from kb import mkdocs_adapter as adapter
from kb import search as kb_search
from kb.jsbundle import BundleError

log = logging.getLogger("mkdocs.plugins.knowledge_base")
adapter.hush_dirty_notice()
# The builds of this process, by config file: MkDocs loads a hook once per
# process, and `mkdocs serve` rebuilds in it, each build taking what it can
# from the one before (kb/build.py, Session). Nothing else is kept here.
session = build.Session()


def on_startup(command: str, dirty: bool) -> None:
    # `mkdocs serve` injects live reload as inline script: no policy there (kb/csp.py).
    session.serving = command == "serve"
    session.dirty = dirty
    build.collect_garbage_less_often()


# Folders of many generated files, kept across MkDocs' clean (kb/setaside.py).
KEPT_FOLDERS = (kb_search.SEARCH_DIR, cards.CARD_DIR.rstrip("/"))


def on_pre_build(config: MkDocsConfig) -> None:
    if not session.dirty:  # MkDocs cleans the site folder next
        session.set_aside_in = Path(config.site_dir)
        setaside.set_aside(session.set_aside_in, KEPT_FOLDERS)


def on_build_error(error: Exception) -> None:
    if session.set_aside_in is not None:  # never published, even by a failed build
        setaside.discard(session.set_aside_in)


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    # A fresh build per run: `mkdocs serve` reloads the config on every change.
    kb = session.begin(
        config.config_file_path,
        build.settings(
            config.extra,
            config.site_url,
            config.site_name,
            config.site_description,
            Path(config.config_file_path).parent,
            offline=_offline_edition(config),
        ),
        markdown=_markdown_settings(config),
    )
    kb.track = session.serving  # each page's cross-page parts, for the preview's next build
    if not session.serving and (folder := kb.settings.get("cache_dir")):
        # Each page gets the Content-Security-Policy as it is written (kb/csp.py AsBuilt),
        # the last build's for this address, kept in .cache/.
        where = f"{config.site_url}\0{config.use_directory_urls}".encode()
        kb.as_built = csp.AsBuilt(Path(folder) / f"kb-csp-{hashlib.sha256(where).hexdigest()[:16]}.json")
    config.markdown_extensions.append(kb.markdown_extension())
    config.theme["favicon"] = adapter.inline_favicon(config.theme.get("favicon"), Path(config.docs_dir))
    if config.extra.get("polyfills"):
        config.extra["polyfills"] = adapter.offline_polyfills(config.extra["polyfills"])
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    kb = session.current(config.config_file_path)
    with kb.stages("on_files: sources read, definitions, dates"):
        return _files(kb, files, config)


def _files(kb: build.Build, files: Files, config: MkDocsConfig) -> Files:
    docs, in_docs = Path(config.docs_dir), {}  # (every file has one of a few src_dirs: each compared once)
    for src_dir in {f.src_dir for f in files if f.src_dir}:
        in_docs[src_dir] = Path(src_dir) == docs
    own = [f for f in files if f.src_dir and f.abs_src_path and in_docs[f.src_dir]]
    # A link from docs/ to a file outside it is reported and not published.
    away = sources.outside([(f.src_uri, f.abs_src_path) for f in own], config.docs_dir, kb.problems)
    for file in own:
        if file.src_uri in away:
            files.remove(file)
    sources.check_names([f.src_uri for f in files], kb.problems)
    readable = sources.read_all(files.documentation_pages(), kb.problems, kb.read_memo())
    for file in files.documentation_pages():
        if file.src_uri not in readable:
            files.remove(file)  # unreadable: reported, and left out so the rest still builds
    sources.check_layout([f.src_uri for f in files], kb.problems)
    before = kb.previous  # `mkdocs serve`: say it once, not at every save
    if (note := kb.read_history(Path(config.docs_dir))) and (before is None or before.history.note != note):
        log.info(f"Last updated: {note}")
    kb.start(readable)
    if kb.previous is not None:  # `mkdocs serve`: a page MkDocs would skip may need converting
        for file in files.documentation_pages():
            if kb.must_convert(file.src_uri, lambda target: files.get_file_from_path(target) is not None):
                _write_again(file)
    for src_uri, markdown in kb.generated_pages().items():
        files.append(File.generated(config, src_uri, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV))
    _add_page_script(files, config)
    return files


def _write_again(file: File) -> None:
    """A preview build (--dirty) converts and writes only the files MkDocs
    finds modified: this one too."""
    file.is_modified = lambda: True


def _add_page_script(files: Files, config: MkDocsConfig) -> None:
    """The page script, bundled from kb/assets/js into the site's assets."""
    try:
        scripts = pagescript.files()
    except BundleError as error:
        log.error(str(error))
        return
    for src_uri, code in scripts.items():
        if files.get_file_from_path(src_uri) is not None:
            log.error(
                f"docs/{src_uri}: the page script is generated from kb/assets/js and would hide this file. "
                "Fix: remove it and edit the modules under kb/assets/js (README, 'The page script')."
            )
            continue
        files.append(File.generated(config, src_uri, content=code))


def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    kb = session.current(config.config_file_path)
    kb.menus[:] = navigation.articles_out_of_sidebar(nav.items)  # sections for now; menus in on_env
    return nav


CONVERSION = "Markdown conversion (MkDocs, extensions, passages)"


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    kb = session.current(config.config_file_path)
    src = page.file.src_uri
    with kb.stages("on_page_markdown: front matter checked, kept conversions"):
        kb.begin_page(src, page.meta, kb.source_of(src) or page.file.content_string, page.title)
        adapter.escape_meta(page.meta)
        adapter.search_meta(page.meta)
        adapter.lightbox_off(page.meta)
        markdown = kb.prepare_markdown(src, markdown)
        session.watch(kb.problems)
        # Converted before with the same source, definitions and settings:
        # MkDocs' render step takes the kept result (kb/pagecache.py).
        if kept := kb.reuse(src, markdown, lambda target: files.get_file_from_path(target) is not None):
            page.render = functools.partial(_restore, page, kept, files)
    kb.stages.start(CONVERSION)
    return markdown


def _restore(page: Page, kept: pagecache.Conversion, files: Files, *args) -> None:
    """In place of Page.render: what converting the page gave last time.
    The page then lets go of `kept` (its own render again): the build lets
    go of what it does not need once pages are composed (kb/build.py)."""
    page.__dict__.pop("render", None)
    page.content = kept.html
    page.toc = get_toc(kept.toc)
    page._title_from_render = kept.title
    page.present_anchor_ids = set(kept.anchors)
    page.links_to_anchors = {
        target: dict(links)
        for src, links in kept.links_to_anchors.items()
        if (target := files.get_file_from_path(src)) is not None
    }


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    kb = session.current(config.config_file_path)
    kb.stages.stop(CONVERSION)
    src = page.file.src_uri
    if src not in kb.conversions:  # converted now: kept for the next build if it warned of nothing
        problems, clean = session.converted(kb.problems)
        kb.converted(
            src,
            pagecache.Conversion(
                key=kb.page_keys.get(src, ""),
                html=html,
                toc=pagecache.toc_tokens(page.toc),
                title=page._title_from_render,
                anchors=frozenset(page.present_anchor_ids or ()),
                links_to_anchors={f.src_uri: dict(links) for f, links in (page.links_to_anchors or {}).items()},
                record=kb.records[src],
                problems=problems,
                targets=frozenset(kb.records[src].targets),
            ),
            clean,
        )
    kb.end_page()
    if not session.serving:
        # A build: MkDocs has converted the page and reads its Markdown no more (its
        # title came from front matter or the render); the build keeps the sources.
        page.markdown = ""
    return html


def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    kb = session.current(config.config_file_path)
    with kb.stages("on_env: index, blocks, sanitiser, checks"):
        return _env(kb, env, config, files)


def _env(kb: build.Build, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    build.cache_templates(env, Path(config.config_file_path).parent)
    env.globals["kb_feeds"] = feeds.links(config.site_name)  # announced in every page's head (main.html)
    env.globals["kb_main_pages"] = navigation.MAIN_PAGES  # what the 404 page offers (404.html)
    # Navigation entries rendered once per build and place (overrides/partials/nav.html).
    env.globals["kb_nav_memo"] = navigation.NavMemo(normalize_url)
    # The header and __config rendered once per build and depth (overrides/main.html).
    env.globals["kb_block_memo"] = blockmemo.BlockMemo()
    pages = [f.page for f in files.documentation_pages() if f.page is not None]
    composed = kb.compose({p.file.src_uri: (p.url, p.content) for p in pages}, render.Templates(env))
    for page in pages:
        if page.file.src_uri not in composed:  # a preview build (--dirty) did not read it
            if page.markdown is None:
                page.markdown, page.meta = "", kb.carried_meta(page.file.src_uri)
            continue
        if page.markdown is None:  # not read either, but what it shows of other pages changed
            _read_again(kb, page, config, files)
        page.content = composed[page.file.src_uri]
        page.meta["glightbox"] = adapter.needs_lightbox(page.content)
    if not session.serving:  # no next build in this process starts from this one
        kb.let_go_of_conversions()
        kb.give_back_memory()
    for page in pages:  # the sitemap's <lastmod>: the source's last commit, not the build's date
        page.kb_updated = (kb.updated(page.file.src_uri) or {}).get("iso")
        page.update_date = page.kb_updated or page.update_date  # MkDocs wants a date for sitemap.xml.gz
    by_src = {p.file.src_uri: p for p in pages}
    navigation.link_neighbours(by_src, kb.index.articles)
    ordered = [by_src[src] for src in kb.index.articles if src in by_src]
    kb.menus[:] = [navigation.ArticlesMenu(section, ordered, Link) for section in kb.menus]
    for menu in kb.menus:
        menu.show(None)  # for the templates rendered before the pages (404.html)
    kb.check_redirects(_redirect_maps(config), Path(config.config_file_path))
    if config.use_directory_urls and kb.settings["check_registry"]:
        # The registry records the hosted site's URLs; the offline edition
        # (.html URLs, opened from disk) is a different address space.
        kb.check_registry(Path(config.config_file_path).parent / anchors.REGISTRY_FILE, _redirect_maps(config))
    for problem in kb.problems:
        level = log.warning if problem.level == "warning" else log.error
        level(str(problem), extra={"kb_problem": problem})  # the preview shows it (kb/preview.py)
    return env


def _read_again(kb: build.Build, page: Page, config: MkDocsConfig, files: Files) -> None:
    """A page a preview build did not convert, written again (kb/dependencies.py):
    its front matter as on_page_markdown leaves it, its last conversion."""
    page.read_source(config)
    kb.bound_meta(page.file.src_uri, page.meta)
    adapter.escape_meta(page.meta)
    adapter.search_meta(page.meta)
    adapter.lightbox_off(page.meta)
    _restore(page, kb.conversions[page.file.src_uri], files)
    _write_again(page.file)


def on_page_context(context: dict, page: Page, config: MkDocsConfig, nav) -> dict:
    kb = session.current(config.config_file_path)
    context["kb"] = kb.extras(page.file.src_uri)  # read by overrides/partials/article-*.html
    context["kb_updated"] = kb.updated(page.file.src_uri)  # read by overrides/partials/source-file.html
    for menu in kb.menus:
        menu.show(page)
    navigation.skip_to_title(page, lambda: AnchorLink(page.title, navigation.TITLE_ID, 1))
    kb.stages.start("templates (MkDocs, Material)")
    return context


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    kb = session.current(config.config_file_path)
    kb.stages.stop("templates (MkDocs, Material)")
    if kb.as_built is not None:
        with kb.stages("Content-Security-Policy"):
            output = kb.as_built.page(page.file.dest_uri, output)
    if not session.serving:
        # A build: the page is rendered and MkDocs reads its content no more
        # (10,000 articles: 150 MB held to the end of the build).
        page.content = None
    return output


def on_serve(server, config: MkDocsConfig, builder):
    # A failed rebuild shows on the page being previewed, and the next good
    # save brings the page back (kb/preview.py); MkDocs alone hangs the reload.
    preview.attach(server, builder)
    # The page script is bundled from kb/assets/js: a saved module rebuilds too.
    server.watch(str(pagescript.SOURCE))
    return server


def on_post_build(config: MkDocsConfig) -> None:
    kb = session.current(config.config_file_path)
    site_dir = Path(config.site_dir)
    try:
        _post_build(kb, config, site_dir)
    finally:
        setaside.discard(site_dir)
    session.finished(config.config_file_path)
    stages.report(kb.stages)


def _post_build(kb: build.Build, config: MkDocsConfig, site_dir: Path) -> None:
    stage = kb.stages
    # A first build gives back what each big stage freed (kb/memory.py): the pages rendered, the index counted.
    kb.give_back_memory()
    # Search by passage: kb/search.py writes the index in parts from the
    # build's passage records and installs its own worker (issues 15, 28).
    with stage("search index"):
        setaside.take_back(site_dir, kb_search.SEARCH_DIR)
        kb_search.on_post_build(config, kb.index, kb.settings.get("cache_dir"), kb.search_memo)
    kb.give_back_memory()
    # Every page gets a Content-Security-Policy, the theme's inline scripts by hash (issue 26).
    # First: the passes after it read each page's final bytes (and keep what they
    # learn by them, for the next build).
    with stage("Content-Security-Policy"):
        csp.on_post_build(config, session.serving, kb.as_built)
    # Stylesheets cut to the rules the built pages and scripts can use (issue 16).
    with stage("stylesheets trimmed"):
        trimcss.on_post_build(config, session.serving)
    # llms.txt, Markdown twins, passages.jsonl: the site for AI assistants
    # (issue 24); before the link check, which follows the pages' links to them.
    with stage("files for assistants"):
        for note in kb.write_for_assistants(Path(config.site_dir), config.site_url or ""):
            log.info(note)
    setaside.take_back(site_dir, cards.CARD_DIR.rstrip("/"))
    kb.give_back_memory()
    errors, summary = kb.finish(site_dir, config.site_url or "")
    for error in errors:
        log.error(error)
    log.info(summary)


def _markdown_settings(config: MkDocsConfig) -> str:
    """What converting a page depends on in mkdocs.yml (kb/pagecache.py)."""
    extensions = [e for e in config.markdown_extensions if isinstance(e, str)]
    return repr((extensions, config.mdx_configs, config.use_directory_urls, dict(config.validation)))


def _offline_edition(config: MkDocsConfig) -> bool:
    """This build is the offline edition (Material's offline plugin is on)."""
    plugin = config.plugins.get("material/offline") or config.plugins.get("offline")
    return bool(plugin and plugin.config.enabled)


def _redirect_maps(config: MkDocsConfig) -> dict[str, str]:
    plugin = config.plugins.get("redirects")
    return dict(plugin.config.get("redirect_maps") or {}) if plugin else {}
