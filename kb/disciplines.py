"""The six CX disciplines: defined by docs/disciplines.md, indexed from marks.

docs/disciplines.md has one section per discipline, in cycle order:

    ## CX Strategy { #strategy .discipline }

The class `.discipline` makes a section a discipline (other sections, such as
an introduction, are left alone); the id after `#` is what an article's
discipline mark uses. The index of passages under each section, the coverage
matrix and the cycle diagram are rendered by kb/render.py from the marks in
the articles.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .glossary import plain_text
from .problems import Problems

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
            problems.add(
                file,
                number,
                f"the discipline heading '{match['name']}' has no id.",
                "give it an id that marks can use, e.g. '## CX Strategy { #strategy .discipline }'.",
            )
        elif any(d.id == id_match["id"] for d in found):
            problems.add(
                file,
                number,
                f"the discipline id '{id_match['id']}' is used twice.",
                "give every discipline section its own id.",
            )
        else:
            # The heading is Markdown: its name, as readers see it, is plain text.
            found.append(Discipline(id_match["id"], plain_text(match["name"]), number))
    if not found:
        problems.add(
            file, None, "no disciplines are defined.", "add one '## Name { #id .discipline }' section per discipline."
        )
    return found


def cycle(disciplines: list[Discipline] | tuple[Discipline, ...]) -> dict:
    """Geometry of the cycle diagram: a node per discipline on a circle and
    an arrow along the circle to the next one. Drawn by the template
    partials/kb/disciplines-diagram.html."""
    n = len(disciplines)
    size, radius, node_r = 420, 146, 52
    centre = size / 2
    nodes, arrows = [], []
    for i, d in enumerate(disciplines):
        angle = -math.pi / 2 + 2 * math.pi * i / n
        x, y = centre + radius * math.cos(angle), centre + radius * math.sin(angle)
        nodes.append(
            {
                "id": d.id,
                "name": d.name,
                "short": d.short,
                "step": i + 1,
                "x": f"{x:.1f}",
                "y": f"{y:.1f}",
                "r": node_r,
                "y_step": f"{y - 6:.1f}",
                "y_name": f"{y + 14:.1f}",
            }
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
        arrows.append(
            {
                "d": f"M{x0:.1f},{y0:.1f} A{radius},{radius} 0 0 1 {x1:.1f},{y1:.1f}",
                "points": f"{tip[0]:.1f},{tip[1]:.1f} {left[0]:.1f},{left[1]:.1f} {right[0]:.1f},{right[1]:.1f}",
            }
        )
    return {
        "size": size,
        "centre": centre,
        "nodes": nodes,
        "arrows": arrows,
        "names": ", ".join(d.name for d in disciplines),
        "count": n,
    }
