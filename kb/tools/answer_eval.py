"""How well `python -m kb mcp`'s `answer` does on the judged queries.

    python -m kb.tools.answer_eval SITE

For the question and concept queries of the tuned set
(tests/data/search_eval.yaml) and of the held-out set
(tests/data/search_heldout.yaml, never tuned on), and for the questions the
articles cannot answer (tests/data/unanswerable.yaml): how many get an
answer, and how many answers start with a sentence of a passage judged to
answer them. Prints a Markdown table (the README's).
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml

from kb import engine, mcp_server
from kb.devtools import ROOT
from kb.tools import search_eval

SETS = {"tuned": search_eval.EVAL_FILE, "held-out": ROOT / "tests" / "data" / "search_heldout.yaml"}
UNANSWERABLE = ROOT / "tests" / "data" / "unanswerable.yaml"


def evaluate(site: mcp_server.Site, ranker: engine.Ranker) -> list[tuple[str, int, int, int]]:
    rows = []
    for name, path in SETS.items():
        for kind in ("question", "concept"):
            queries = [q for q in search_eval.load(path) if q.kind == kind]
            answered = right = 0
            for q in queries:
                found = mcp_server.answer(site, ranker, q.query)
                if found["answered"]:
                    answered += 1
                    first = found["sentences"][0]["passage"]
                    right += any(first.endswith(f"{page}#{pid}") for page, pid in q.answers)
            rows.append((f"{name}, {kind}", len(queries), answered, right))
    questions = yaml.safe_load(UNANSWERABLE.read_text(encoding="utf-8"))["questions"]
    wrong = sum(mcp_server.answer(site, ranker, q)["answered"] for q in questions)
    rows.append(("not answerable", len(questions), wrong, 0))
    return rows


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    site = mcp_server.Site.open(Path(argv[0]))
    ranker = engine.Ranker.for_site(site.path)
    try:
        print("| Queries | Count | Answered | First sentence from an answering passage |")
        print("| --- | ---: | ---: | ---: |")
        for name, count, answered, right in evaluate(site, ranker):
            print(f"| {name} | {count} | {answered} | {right if name != 'not answerable' else '-'} |")
    finally:
        ranker.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
