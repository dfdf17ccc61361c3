"""Related articles, ranked by what two articles actually share.

Signals, strongest first: a passage of one links to the other (either way),
the disciplines both speak to, the glossary terms both use, the themes both
carry. Each related article comes with its reasons in plain words.

Linear in the number of articles: each article scores a bounded set of
candidates (the articles it links with, and the first few of each group of
articles with the same themes, in title order), never every other article.
"""

from __future__ import annotations

import heapq
from collections.abc import Mapping
from dataclasses import dataclass, replace

LIMIT = 3  # shown per article: the best few
CANDIDATES_PER_GROUP = 12  # per set of themes
WEIGHTS = {"links": 4.0, "disciplines": 1.5, "terms": 0.5, "themes": 1.0}


@dataclass(frozen=True)
class Profile:
    """What an article is made of, for comparing it with others."""

    key: str
    title: str
    themes: frozenset[str]
    disciplines: frozenset[str]
    terms: frozenset[str]
    links: frozenset[str]  # articles its passages link to


@dataclass(frozen=True)
class Related:
    key: str
    score: float
    links: bool
    disciplines: tuple[str, ...]
    terms: tuple[str, ...]
    themes: tuple[str, ...]


def rank(profiles: Mapping[str, Profile], limit: int = LIMIT) -> dict[str, list[Related]]:
    """key -> its most related articles, best first (ties by title). A
    term most articles use ("customer experience") says nothing: only terms
    used by at most half of the articles count. (A preview rebuild whose
    edit changed no profile keeps the last ranking: kb/collect.py.)"""
    usage: dict[str, int] = {}
    for profile in profiles.values():
        for term in profile.terms:
            usage[term] = usage.get(term, 0) + 1
    common = {t for t, n in usage.items() if n > len(profiles) / 2}
    if common:
        profiles = {k: replace(p, terms=p.terms - common) for k, p in profiles.items()}
    linked: dict[str, set[str]] = {k: set() for k in profiles}
    for key, profile in profiles.items():
        for target in profile.links:
            if target in linked and target != key:
                linked[key].add(target)
                linked[target].add(key)
    titles = {k: p.title.casefold() for k, p in profiles.items()}
    groups: dict[frozenset[str], list[str]] = {}
    for key in sorted(profiles, key=lambda k: titles[k]):
        groups.setdefault(profiles[key].themes, []).append(key)

    result = {}
    for key, profile in profiles.items():
        candidates = set(linked[key])
        for themes, members in groups.items():
            if themes & profile.themes:
                candidates.update(m for m in members[: CANDIDATES_PER_GROUP + 1] if m != key)
        # Scores first (numbers only), the reasons for the few shown.
        best = heapq.nsmallest(
            limit,
            (
                (-score, titles[c], c)
                for c in candidates
                if (score := _points(profile, profiles[c], c in linked[key])) > 0
            ),
        )
        result[key] = [_score(profile, profiles[c], c in linked[key]) for _, _, c in best]
    return result


def _points(a: Profile, b: Profile, linked: bool) -> float:
    return (
        WEIGHTS["links"] * linked
        + WEIGHTS["disciplines"] * len(a.disciplines & b.disciplines)
        + WEIGHTS["terms"] * min(len(a.terms & b.terms), 6)
        + WEIGHTS["themes"] * len(a.themes & b.themes)
    )


def _score(a: Profile, b: Profile, linked: bool) -> Related:
    disciplines = tuple(sorted(a.disciplines & b.disciplines))
    terms = tuple(sorted(a.terms & b.terms))
    themes = tuple(sorted(a.themes & b.themes))
    return Related(b.key, _points(a, b, linked), linked, disciplines, terms, themes)


def reasons(
    related: Related,
    theme_titles: Mapping[str, str],
    discipline_names: Mapping[str, str],
    term_labels: Mapping[str, str],
) -> list[str]:
    """Why an article is related, as short phrases a reader understands."""
    out = []
    if related.links:
        out.append("A passage of one links to the other")
    if related.disciplines:
        out.append("both speak to " + _some([discipline_names.get(d, d) for d in related.disciplines]))
    if related.terms:
        out.append("both use " + _some([term_labels.get(t, t) for t in related.terms]))
    if related.themes and len(out) < 3:
        out.append("both are about " + _some([theme_titles.get(t, t) for t in related.themes]))
    out = out[:3]
    if out:
        out[0] = out[0][0].upper() + out[0][1:]
    return out


def _some(items: list[str], shown: int = 2) -> str:
    """ "a and b", or "a, b and 3 more"."""
    if len(items) > shown + 1:
        return ", ".join(items[:shown]) + f" and {len(items) - shown} more"
    return _and(items)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]
