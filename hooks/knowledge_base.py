"""MkDocs hook: connects build events to the knowledge base logic in kb/.

MkDocs converts every page first and renders templates afterwards, with
`on_env` in between. The hook uses that gap: while pages are converted the
Markdown extension records passages, marks and links; in `on_env` every
generated block (listings, backlinks, "Appears in", the disciplines index) is
composed from those records and put in place before search indexes a page.

This file holds no logic of its own; see kb/site.py.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path

from mkdocs.structure.files import File, InclusionLevel

from kb import anchors, site_links
from kb.passages import PassageExtension
from kb.site import KnowledgeBase

log = logging.getLogger("mkdocs.plugins.knowledge_base")

ARTICLE_SEARCH_BOOST = 2
EXTERNAL_LINKS_REPORT = "external-links.json"

kb = KnowledgeBase()


OFFLINE_SHIM_CDN = "https://unpkg.com/iframe-worker/shim"
OFFLINE_SHIM_LOCAL = "assets/javascripts/vendor/iframe-worker-shim.js"


def on_config(config):
    # A fresh instance of the extension per build: `mkdocs serve` reloads the
    # config on every change, and the extension must follow it.
    config.markdown_extensions.append(PassageExtension(kb.context))
    # The offline plugin loads a search shim from a CDN; the offline edition
    # must load nothing from another host, so use the vendored copy.
    polyfills = config.extra.get("polyfills")
    if polyfills:
        config.extra["polyfills"] = [OFFLINE_SHIM_LOCAL if url == OFFLINE_SHIM_CDN else url for url in polyfills]
    kb.offline_edition_url = config.extra.get("offline_edition_url")
    return config


def on_files(files, config):
    sources = {f.src_uri: f.content_string for f in files.documentation_pages()}
    kb.load_definitions(sources)
    # "Print this theme" pages: generated, reachable from each theme page,
    # kept out of the navigation.
    for src_uri, markdown in kb.print_pages().items():
        files.append(File.generated(config, src_uri, content=markdown, inclusion=InclusionLevel.NOT_IN_NAV))
    return files


def on_page_markdown(markdown, page, config, files):
    kb.begin_page(page.file.src_uri, page.meta, page.file.content_string, page.title)
    if page.file.src_uri in kb.articles:
        # The authors' text is what people search for: rank an article above
        # a short glossary entry that happens to share one word with it.
        page.meta.setdefault("search", {}).setdefault("boost", ARTICLE_SEARCH_BOOST)
    return kb.prepare_markdown(page.file.src_uri, markdown)


def on_page_content(html, page, config, files):
    kb.end_page()
    return html


def on_env(env, config, files):
    pages = [f.page for f in files.documentation_pages() if f.page is not None and f.page.content is not None]
    urls = {p.file.src_uri: p.url for p in pages}
    composed = kb.compose(urls, {p.file.src_uri: p.content for p in pages})
    for page in pages:
        result = composed[page.file.src_uri]
        for placeholder, block in result.blocks.items():
            page.content = page.content.replace(placeholder, block)
        # mkdocs-glightbox adds its script and styles to every page and parses
        # each one again; only pages with something to enlarge need it.
        if 'class="glightbox' not in page.content:
            page.meta.setdefault("glightbox", False)
        # Read by overrides/partials/content.html.
        page.kb_header = result.header
        page.kb_related = result.related
        page.kb_backlinks = result.backlinks
    if config.use_directory_urls:
        # The registry records the hosted site's URLs; the offline edition
        # (.html URLs, opened from disk) is a different address space.
        kb.check_published(anchors.load(project_dir(config) / anchors.REGISTRY_FILE), urls, redirect_maps(config))
    for problem in kb.problems:
        log.error(str(problem))
    return env


def on_post_build(config):
    site_dir = Path(config.site_dir)
    # The anchors this build publishes, for scripts/update_anchors.py (and for
    # anyone who wants to check links into the site).
    anchors.dump(site_dir / anchors.REGISTRY_FILE, kb.published(kb.urls))

    # What was actually published, templates included: every internal link
    # and #fragment must resolve.
    report = site_links.check(site_dir, config.site_url or "")
    for page, url, why in report.broken:
        log.error(f"site/{page}: the link '{url}' is broken: {why}. Fix: correct the link in the page's "
                  "Markdown source or template; a moved page needs a redirect (README, 'Links that never rot').")
    for page, url in report.without_noopener:
        log.error(f"site/{page}: the external link '{url}' has no rel=\"noopener\". Fix: add it in the template.")
    (site_dir / EXTERNAL_LINKS_REPORT).write_text(
        json.dumps({"external_links": report.external}, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    log.info(f"{len(report.external)} external link(s), listed in {EXTERNAL_LINKS_REPORT}")


def project_dir(config) -> Path:
    return Path(config.config_file_path).parent


def redirect_maps(config) -> dict:
    plugin = config.plugins.get("redirects")
    return dict(plugin.config.get("redirect_maps") or {}) if plugin else {}
