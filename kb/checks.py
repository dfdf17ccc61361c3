"""Site-wide checks that need the whole index: run after collecting."""

from __future__ import annotations

from collections.abc import Mapping

from . import anchors as anchors_mod
from . import glossary as glossary_mod
from .collect import SiteIndex
from .passages import PageRecord
from .problems import Problems, line_of
from .text import same_key
from .urls import url_of_src


def glossary_usage(index: SiteIndex, problems: Problems) -> None:
    """Every glossary term is used by some article (else it is dead weight
    or its spelling in the articles is missing from its *Also:* line)."""
    used = {t for record in _article_records(index.records) for p in record.passages for t in p.terms}
    for term in index.glossary.terms:
        if term.id not in used:
            heading = _in_a_heading(index, term)
            if heading:
                problems.add(
                    "docs/" + glossary_mod.GLOSSARY_SRC,
                    term.line,
                    f"the term '{term.label}' occurs in no article's text, only in a heading ({heading}): "
                    "headings are not marked, so no article would link to it.",
                    "use the term in the text of that section, or remove the entry.",
                )
                continue
            problems.add(
                "docs/" + glossary_mod.GLOSSARY_SRC,
                term.line,
                f"the term '{term.label}' occurs in no article.",
                "remove the entry, or add the spelling the articles use to its '*Also:*' line.",
            )


def _in_a_heading(index: SiteIndex, term) -> str | None:
    """'docs/articles/x.md:12' where an article's heading uses the term."""
    matcher = index.glossary.matcher
    for record in _article_records(index.records):
        for _, title in record.headings:
            for match in matcher.finditer(title) if matcher else ():
                if index.glossary.term_of(match).id == term.id:
                    line = line_of(record.source, title.removesuffix("¶").strip()[:40])
                    return f"docs/{record.src_uri}" + (f":{line}" if line else "")
    return None


def discipline_coverage(index: SiteIndex, problems: Problems) -> None:
    """Every article speaks to at least one discipline."""
    known = ", ".join(index.definitions.discipline_names)
    for record in _article_records(index.records):
        if not any(p.disciplines for p in record.passages):
            problems.add(
                "docs/" + record.src_uri,
                None,
                "no passage of this article is marked with a discipline.",
                'add a line like { disciplines="strategy" } directly under at least one passage; known: ' + known + ".",
            )


def published_anchors(index: SiteIndex) -> anchors_mod.Registry:
    """Site URL -> every anchor the page serves (headings, passages, aliases),
    each with the fingerprint of the passage it points at. Made once per
    build (the registry check and the manifest both read it; not changed)."""
    # (By the index's records and URLs: a build lets go of the converted pages by a copy of the index.)
    if _PUBLISHED and _PUBLISHED[0] is index.records and _PUBLISHED[1] is index.urls:
        return _PUBLISHED[2]
    published = {
        index.urls[src]: {a: record.fingerprints.get(a, "") for a in sorted(set(record.anchors))}
        for src, record in index.records.items()
        if src in index.urls
    }
    _PUBLISHED[:] = [index.records, index.urls, published]
    return published


_PUBLISHED: list = []  # [records, URLs, their published anchors]: the last build's


def registry(
    index: SiteIndex, registry: anchors_mod.Registry | None, redirect_maps: dict[str, str], problems: Problems
) -> None:
    """Every anchor ever published (anchors.json) still points at its passage."""
    if registry is None:
        return
    src_of_url = {url: src for src, url in index.urls.items()}
    redirects = anchors_mod.redirect_urls(redirect_maps, url_of_src)
    anchors_mod.check(registry, published_anchors(index), redirects, src_of_url, problems)


def redirects(index: SiteIndex, redirect_maps: dict[str, str], problems: Problems, config_text: str = "") -> None:
    """mkdocs.yml's redirects (plugins > redirects > redirect_maps): each
    old path is a page that no longer exists (a redirect written over a live
    page would replace it), and each target is a page of the site or a web
    address."""
    sources = set(index.urls)
    for old, new in (redirect_maps or {}).items():
        line = line_of(config_text, f"{old}:") if config_text else None
        if old in sources:
            problems.add(
                "mkdocs.yml",
                line,
                f"the redirect from '{old}' would be written over a live page: docs/{old} exists.",
                f"remove the redirect (the page is there), or move docs/{old} first; redirects are for "
                "pages that moved or were deleted.",
            )
        target = str(new).partition("#")[0]
        if "://" not in str(new) and target.endswith(".md") and target not in sources:
            problems.add(
                "mkdocs.yml",
                line,
                f"the redirect from '{old}' points at '{new}', which is not a page of the site.",
                f"point it at an existing page under docs/ (a path like 'articles/x.md'), e.g. the page "
                f"that replaced '{old}'.",
            )


def duplicate_titles(index: SiteIndex, problems: Problems) -> None:
    """Two articles with one title would be indistinguishable in every listing."""
    seen: dict[str, str] = {}
    for key, article in sorted(index.articles.items()):
        folded = same_key(article.title)  # case, NFC/NFD and invisible characters aside
        if folded in seen:
            problems.add(
                "docs/" + key,
                index.records[key].line_of("title:") if key in index.records else None,
                f"the title '{article.title}' is already the title of docs/{seen[folded]} "
                "(or differs from it only by case, accents written another way or invisible characters).",
                "give each article its own title (an editorial title can say what sets it apart; "
                "mark it with 'title_editorial: true').",
            )
        else:
            seen[folded] = key


def _article_records(records: Mapping[str, PageRecord]) -> list[PageRecord]:
    """Every article page, valid front matter or not: one bad field must not
    make the rest of the site look unused."""
    return [r for r in records.values() if r.is_article]
