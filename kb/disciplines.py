"""The six CX disciplines: defined by docs/disciplines.md, indexed from marks.

docs/disciplines.md has one section per discipline, in cycle order:

    ## CX Strategy { #strategy .discipline }

The class `.discipline` makes a section a discipline (other sections, such as
an introduction, are left alone); the id after `#` is what an article's
discipline mark uses. The index of
passages under each section, the coverage matrix and the cycle diagram are
generated from the marks in the articles.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from html import escape

from .problems import Problems
from .text import excerpt

DISCIPLINES_SRC = "disciplines.md"
_HEADING = re.compile(r"^##\s+(?P<name>.+?)\s*\{(?P<attrs>[^}]*\.discipline\b[^}]*)\}\s*$")
_ID = re.compile(r"#(?P<id>[\w-]+)")


@dataclass
class Discipline:
    id: str
    name: str  # "CX Strategy"
    line: int

    @property
    def short(self) -> str:
        return self.name.removeprefix("CX ").strip()


def parse(source: str, problems: Problems, file: str = "docs/" + DISCIPLINES_SRC) -> list[Discipline]:
    found: list[Discipline] = []
    for number, line in enumerate(source.splitlines(), 1):
        if not (match := _HEADING.match(line)):
            continue
        if not (id_match := _ID.search(match["attrs"])):
            problems.add(file, number, f"the discipline heading '{match['name']}' has no id.",
                         "give it an id that marks can use, e.g. '## CX Strategy { #strategy .discipline }'.")
        elif any(d.id == id_match["id"] for d in found):
            problems.add(file, number, f"the discipline id '{id_match['id']}' is used twice.",
                         "give every discipline section its own id.")
        else:
            found.append(Discipline(id_match["id"], match["name"], number))
    if not found:
        problems.add(file, None, "no disciplines are defined.",
                     "add one '## Name { #id .discipline }' section per discipline.")
    return found


@dataclass
class MarkedPassage:
    """A marked passage as the index shows it."""

    url: str  # relative link to the passage, fragment included
    article_title: str
    author: str | None
    text: str
    disciplines: list[str]
    article_key: str


def passages_block(discipline: Discipline, passages: list[MarkedPassage]) -> str:
    mine = [p for p in passages if discipline.id in p.disciplines]
    if not mine:
        return f'<p class="kb-empty">No passage is marked as {escape(discipline.name)} yet.</p>'
    items = []
    for p in mine:
        by = f' <span class="kb-by">by {escape(p.author)}</span>' if p.author else ""
        items.append(
            f'<li><a href="{escape(p.url)}">{escape(p.article_title)}</a>{by}'
            f'<br><span class="kb-excerpt">“{escape(excerpt(p.text, 30))}”</span></li>'
        )
    count = len(mine)
    articles = len({p.article_key for p in mine})
    # Excerpts repeat article text: kept out of search so results point to
    # the article itself.
    return (f'<div class="kb-passages" data-discipline="{discipline.id}" data-search-exclude>'
            f'<p class="kb-count">{count} passage{"s" if count != 1 else ""} from '
            f'{articles} article{"s" if articles != 1 else ""}:</p>'
            f'<ul>{"".join(items)}</ul></div>')


def coverage_matrix(disciplines: list[Discipline], articles: list[tuple[str, str, str]],
                    passages: list[MarkedPassage]) -> str:
    """Table: one row per discipline, one column per article, counts in cells.

    `articles` is a list of (key, short title, relative url).
    """
    head = "".join(f'<th scope="col"><a href="{escape(url)}">{escape(title)}</a></th>' for _, title, url in articles)
    rows = []
    for d in disciplines:
        cells = []
        for key, title, _ in articles:
            n = sum(1 for p in passages if p.article_key == key and d.id in p.disciplines)
            label = f"{n} passage{'s' if n != 1 else ''} of “{title}” on {d.name}"
            level = min(n, 3)
            cells.append(f'<td class="kb-level-{level}" title="{escape(label)}">'
                         f'<span class="kb-visually-hidden">{escape(label)}</span>'
                         f'<span aria-hidden="true">{n or "·"}</span></td>')
        rows.append(f'<tr><th scope="row"><a href="#{d.id}">{escape(d.short)}</a></th>{"".join(cells)}</tr>')
    return ('<div class="kb-matrix-wrap" data-search-exclude><table class="kb-matrix">'
            '<caption>Marked passages per discipline and article</caption>'
            f'<thead><tr><td></td>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>')


def cycle_svg(disciplines: list[Discipline], svg_id: str = "kb-cycle") -> str:
    """The disciplines as a cycle: accessible, themable inline SVG."""
    n = len(disciplines)
    size, radius, node_r = 420, 146, 52
    centre = size / 2
    nodes, arrows = [], []
    for i, d in enumerate(disciplines):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        nodes.append(
            # xlink:href, not href: Material's instant navigation assigns
            # `.href` on every [href] element, which throws on SVG links.
            f'<a xlink:href="#{d.id}" class="kb-cycle-node" aria-label="{escape(d.name)}">'
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{node_r}"/>'
            f'<text x="{x:.1f}" y="{y - 6:.1f}" class="kb-cycle-step">{i + 1}</text>'
            f'<text x="{x:.1f}" y="{y + 14:.1f}">{escape(d.short)}</text></a>'
        )
        # Arrow along the circle, from this node towards the next one.
        a0 = angle + (node_r + 6) / radius
        a1 = angle + 2 * math.pi / n - (node_r + 10) / radius
        x0, y0 = centre + radius * math.cos(a0), centre + radius * math.sin(a0)
        x1, y1 = centre + radius * math.cos(a1), centre + radius * math.sin(a1)
        # The arrowhead is a plain triangle along the circle's tangent, not an
        # SVG marker: markers referenced by id break when the lightbox clones
        # the drawing.
        tx, ty = -math.sin(a1), math.cos(a1)
        tip = (x1 + 7 * tx, y1 + 7 * ty)
        left, right = (x1 + 5 * ty, y1 - 5 * tx), (x1 - 5 * ty, y1 + 5 * tx)
        arrows.append(f'<path d="M{x0:.1f},{y0:.1f} A{radius},{radius} 0 0 1 {x1:.1f},{y1:.1f}"/>'
                      f'<polygon class="kb-cycle-head" points="{tip[0]:.1f},{tip[1]:.1f} '
                      f'{left[0]:.1f},{left[1]:.1f} {right[0]:.1f},{right[1]:.1f}"/>')
    names = ", ".join(d.name for d in disciplines)
    return (
        f'<svg class="kb-cycle" id="{svg_id}" viewBox="0 0 {size} {size}" role="img" '
        f'aria-labelledby="{svg_id}-title {svg_id}-desc" xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:xlink="http://www.w3.org/1999/xlink">'
        f'<title id="{svg_id}-title">The CX disciplines as a cycle</title>'
        f'<desc id="{svg_id}-desc">{n} disciplines in a repeating cycle: {escape(names)}, '
        f'then back to the first. Each one links to its section.</desc>'
        f'<g class="kb-cycle-arrows">{"".join(arrows)}</g>'
        f'<text x="{centre}" y="{centre - 4}" class="kb-cycle-centre">create · plan · design</text>'
        f'<text x="{centre}" y="{centre + 16}" class="kb-cycle-centre">execute · measure · repeat</text>'
        f'{"".join(nodes)}</svg>'
    )
