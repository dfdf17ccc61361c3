"""The whole knowledge-base pass without MkDocs: Markdown sources in, pages
with every generated block out, and every problem the build would report.

    problems, pages = run(sources)          # sources: src_uri -> file text

It converts each page with Python-Markdown and the same extensions as
mkdocs.yml (plus the passage extension), then collects and renders exactly as
the MkDocs build does (kb/build.py). What it does not do is MkDocs' own work:
navigation, themes' templates, and MkDocs' link validation. It is what the
tests use to try hundreds of bad inputs in milliseconds each, and what another
engine would call after converting the pages itself.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import markdown
import yaml

from . import build, frontmatter, render
from .devtools import ROOT
from .problems import Problems
from .urls import url_of_src


class _Loader(yaml.SafeLoader):
    """mkdocs.yml with its !ENV and !relative tags read as plain values."""


_Loader.add_multi_constructor("!", lambda loader, suffix, node: None)


@dataclass
class Config:
    extensions: list = field(default_factory=list)
    extension_configs: dict = field(default_factory=dict)
    templates: render.Templates | None = None
    # (src_uri, text, definitions and settings) -> (HTML, record, problems): a page
    # converted once with this configuration is not converted again (the
    # tests try hundreds of variants of one site, each changing one file).
    converted: dict[tuple, tuple] = field(default_factory=dict, repr=False, compare=False)


def load_config(project: Path = ROOT) -> Config:
    """The Markdown extensions of the project's mkdocs.yml, and its templates."""
    data = yaml.load((project / "mkdocs.yml").read_text(encoding="utf-8"), Loader=_Loader)  # noqa: S506
    extensions, configs = [], {}
    for item in data.get("markdown_extensions") or []:
        if isinstance(item, dict):
            ((name, options),) = item.items()
            extensions.append(name)
            configs[name] = options or {}
        else:
            extensions.append(item)
    import material

    material_templates = Path(material.__file__).parent / "templates"
    templates = render.Templates.from_dirs(project / "overrides", material_templates)
    return Config(extensions, configs, templates)


def run(
    sources: Mapping[str, str], config: Config | None = None, settings: dict | None = None
) -> tuple[Problems, dict[str, str]]:
    """Every problem in `sources`, and each page's HTML with its blocks."""
    kb, pages = run_build(sources, config, settings)
    return kb.problems, pages


def run_build(
    sources: Mapping[str, str],
    config: Config | None = None,
    settings: dict | None = None,
    previous: build.Build | None = None,
    convert: Collection[str] | None = None,
) -> tuple[build.Build, dict[str, str]]:
    """The build (its site index and problems) and each page's HTML.

    As `mkdocs serve --dirty` rebuilds: `previous`, the build before (it
    keeps one, kb/build.py Session; this build then tracks each page's
    cross-page parts, as serve's do); `convert`, the pages whose source
    changed, the only ones converted (the print views too: MkDocs converts
    every generated page); the build takes the others from `previous`, and
    returns the HTML of the pages it writes."""
    config = config or load_config()
    kb = build.Build(settings=dict(settings or {}), previous=previous, track=previous is not None)
    kb.start(sources)
    pages = dict(sources)
    pages.update(kb.generated_pages())
    # A page's conversion depends on its text and on what the site defines.
    definitions = hash((repr(kb.definitions), repr(sorted((settings or {}).items()))))
    converted: dict[str, tuple[str, str | None]] = {}
    for src_uri in sorted(pages):
        source = pages[src_uri]
        if convert is not None and src_uri not in convert and src_uri not in kb.generated:
            converted[src_uri] = (url_of_src(src_uri), None)  # not read: taken from `previous`
            continue
        meta = frontmatter.read(source, "", Problems()).meta  # begin_page reports its problems
        title = meta.get("title") if isinstance(meta.get("title"), str) else None
        kb.begin_page(src_uri, meta, source, title)
        key = (src_uri, source, definitions)
        if key not in config.converted:
            before = len(kb.problems)
            match = frontmatter.BLOCK.match(source)
            body = source[match.end() :] if match else source
            md = markdown.Markdown(
                extensions=[*config.extensions, kb.markdown_extension()], extension_configs=config.extension_configs
            )
            html = md.convert(kb.prepare_markdown(src_uri, body))
            config.converted[key] = (html, kb.records[src_uri], list(kb.problems)[before:])
        html, record, problems = config.converted[key]
        kb.records[src_uri] = record
        kb.problems.report(problems)
        kb.end_page()
        converted[src_uri] = (url_of_src(src_uri), html)
    return kb, kb.compose(converted, config.templates)


def read_sources(docs: Path) -> dict[str, str]:
    """src_uri -> text of every Markdown file under `docs`."""
    return {p.relative_to(docs).as_posix(): p.read_text(encoding="utf-8") for p in sorted(docs.rglob("*.md"))}
