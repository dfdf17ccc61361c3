"""The articles as published: nothing of the authors' text lost, no damage."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import pytest

from kb import transcription
from kb.devtools import ROOT
from kb.htmltext import built_pages, visible_text

# The authoritative seeds sit beside the repository (../shared/seeds); a copy
# lives in tests/seeds so the suite also runs where that folder is absent.
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"
SEEDS = sorted((SHARED_SEEDS if SHARED_SEEDS.is_dir() else ROOT / "tests" / "seeds").glob("*.txt"))
ISO_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?: \d{1,2}:\d{2})?$")


def article_pages(site: Path) -> dict[Path, str]:
    return {p: p.read_text(encoding="utf-8") for p in (site / "articles").glob("*/index.html")}


@pytest.fixture(scope="module")
def articles(site):
    return article_pages(site)


def page_for(blocks, articles) -> tuple[Path, str]:
    """The built article that carries this seed: the one with its opening sentence."""
    probes = [s for b in blocks for s in transcription.sentences(b.text) if len(s) > 40][:2]
    matches = [(path, html) for path, html in articles.items() if all(p in visible_text(html) for p in probes)]
    assert len(matches) == 1, f"expected one article page with {probes!r}, found {len(matches)}"
    return matches[0]


def test_seeds_are_present():
    assert len(SEEDS) == 5, f"expected the five seed articles in {SHARED_SEEDS}"


@pytest.mark.skipif(not SHARED_SEEDS.is_dir(), reason="../shared/seeds is not beside this checkout")
def test_the_copy_of_the_seeds_is_current():
    copies = {p.name: p.read_bytes() for p in (ROOT / "tests" / "seeds").glob("*.txt")}
    originals = {p.name: p.read_bytes() for p in SHARED_SEEDS.glob("*.txt")}
    assert copies == originals, "tests/seeds differs from ../shared/seeds: copy the shared seeds over"


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_every_sentence_of_the_seed_is_published(seed, articles):
    blocks = transcription.repair_article(seed.read_text(encoding="utf-8"))
    path, html = page_for(blocks, articles)
    text = visible_text(html)
    published_date = re.search(r'<time datetime="([\d-]+)"', html)
    missing = []
    for block in blocks:
        if date := ISO_DATE.match(block.text):
            day, month, year = map(int, date.groups())
            assert published_date and published_date.group(1) == f"{year:04d}-{month:02d}-{day:02d}", (
                f"{path}: the seed's date line {block.text!r} is not the page's publication date"
            )
            continue
        for sentence in transcription.sentences(block.text):
            if sentence not in text:
                missing.append(sentence)
    assert not missing, f"{path.parent.name}: sentences of {seed.name} missing from the page:\n" + "\n".join(missing)


def test_the_test_notices_a_lost_sentence(articles):
    """The containment check above is able to fail."""
    blocks = transcription.repair_article(SEEDS[0].read_text(encoding="utf-8"))
    _, html = page_for(blocks, articles)
    sentence = transcription.sentences(blocks[3].text)[0]
    assert sentence in visible_text(html)
    assert sentence not in visible_text(html.replace(sentence[10:30], ""))


MOJIBAKE = re.compile(r"Ã.|Â|â€|\ufffd|ï»¿")
WORD = re.compile(r"[^\W\d_]+")


def damage_in(text: str) -> list[str]:
    found = [
        f"mojibake {m.group(0)!r} in …{text[max(0, m.start() - 20) : m.end() + 20]}…" for m in MOJIBAKE.finditer(text)
    ]
    for word in WORD.findall(text):
        scripts = {unicodedata.name(ch, "?").split()[0] for ch in word}
        if "LATIN" in scripts and scripts & {"GREEK", "CYRILLIC", "ARMENIAN", "CHEROKEE"}:
            found.append(f"mixed-script word {word!r}")
    return found


def test_no_page_has_transcription_damage(site):
    problems = {}
    for page in built_pages(site):
        found = damage_in(visible_text(page.read_text(encoding="utf-8"), root_tag=None))
        if found:
            problems[str(page.relative_to(site))] = found
    assert not problems, problems


def test_damage_scan_recognises_each_class():
    assert damage_in("we adοpt it")  # Greek omicron inside a Latin word
    assert damage_in("long past.Â ")
    assert damage_in("it\u00e2\u20ac\u2122s")  # â€™
    assert damage_in("broken \ufffd char")
    assert not damage_in("Ελληνικά and English, “quotes” — fine")


def test_repairs_do_what_they_say():
    assert transcription.repair_line("adοpt") == "adopt"
    assert transcription.repair_line("past.Â") == "past."
    assert transcription.repair_line("it\u00e2\u20ac\u2122s") == "it’s"
    assert transcription.repair_line("a\u00a0\u00a0b") == "a b"
    blocks = transcription.repair_article("Title\n\n  •  point one\n\n1. first\nLeave a comment\nBack to Top\n")
    assert [(b.kind, b.text) for b in blocks] == [("p", "Title"), ("ul", "point one"), ("ol", "first")]
