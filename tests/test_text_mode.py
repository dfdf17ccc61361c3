"""The site reads cleanly in a text browser (w3m -dump): the authors'
sentences as written, with nothing hidden glued into them."""

from __future__ import annotations

import re
import shutil
import subprocess
import unicodedata

import pytest

from kb import transcription

from test_content import SEEDS, page_for

pytestmark = pytest.mark.skipif(shutil.which("w3m") is None, reason="w3m is missing (make test installs it)")


def dump(path) -> str:
    out = subprocess.run(
        ["w3m", "-dump", "-O", "UTF-8", "-cols", "200", str(path)], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(unicodedata.normalize("NFKC", out).split())


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
def test_every_sentence_reads_as_written_in_a_text_browser(seed, site):
    articles = {p: p.read_text(encoding="utf-8") for p in (site / "articles").glob("*/index.html")}
    blocks = transcription.repair_article(seed.read_text(encoding="utf-8"))
    path, _ = page_for(blocks, articles)
    text = dump(path)
    for block in blocks:
        for sentence in transcription.sentences(block.text):
            assert " ".join(unicodedata.normalize("NFKC", sentence).split()) in text, sentence


def test_no_passage_carries_hidden_text(site):
    """Text browsers ignore `hidden`: anything hidden inside a passage would be
    read as part of the authors' sentence."""
    for path in (site / "articles").glob("*/index.html"):
        html = path.read_text(encoding="utf-8")
        for passage in re.findall(r'<(p|li) id="p-[^"]*"[^>]*>(.*?)</\1>', html, flags=re.S):
            assert " hidden" not in passage[1], (path.parent.name, passage[1][:200])


def test_no_badge_repeats_the_words_of_its_passage(site):
    """A list item "CX Strategy" marked strategy reads once, not "CX Strategy CX Strategy"."""
    for path in (site / "articles").glob("*/index.html"):
        html = path.read_text(encoding="utf-8")
        for own, badges in re.findall(
            r'<(?:p|li) [^>]*id="p-[^"]*"[^>]*>([^<]*)<span class="kb-disciplines"[^>]*>(.*?)</span>', html, flags=re.S
        ):
            names = re.findall(r'class="kb-discipline"[^>]*>([^<]*)</a>', badges)
            assert own.strip(" .:").casefold() not in {n.casefold() for n in names}, (path.parent.name, own)
