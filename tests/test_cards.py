"""Link previews: every page names a card image that exists in the site,
drawn at build time (no network) with the article's title, author and themes."""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from PIL import Image

from kb import cards
from kb.htmltext import built_pages, page_path

from test_indexes import articles


def meta(html: str, key: str) -> str:
    match = re.search(rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)"', html)
    assert match, key
    return match.group(1)


def test_every_page_names_an_existing_1200x630_card(site):
    for path_ in built_pages(site):
        url, html = path_.relative_to(site).as_posix(), path_.read_text()
        image = meta(html, "og:image")
        assert image == meta(html, "twitter:image") and meta(html, "twitter:card") == "summary_large_image"
        path = site / urlsplit(image).path.lstrip("/")
        assert path.is_file(), (url, image)
        with Image.open(path) as png:
            assert png.size == (1200, 630) and png.format == "PNG"


def test_an_article_has_its_own_card_with_its_text_drawn():
    titles = {slug: m["title"] for slug, m in articles().items()}
    slug, title = next(iter(titles.items()))
    data = cards.draw(title, ["Jane Doe", "The customer journey"], "CX Knowledge Base")
    blank = cards.draw("", [], "")
    assert data != blank
    from io import BytesIO

    with Image.open(BytesIO(data)) as png:
        colours = png.convert("RGB").getcolors(maxcolors=1_000_000)
    assert len(colours) > 8, "the title is drawn (antialiased text makes many shades)"
    assert data[24] == 4 and data[25] == 3, "a 4-bit palette PNG (IHDR bit depth, colour type)"


def test_article_pages_use_their_own_card(site):
    for slug in articles():
        html = page_path(site, f"articles/{slug}/").read_text()
        assert meta(html, "og:image").endswith(f"/{cards.card_path(f'articles/{slug}/')}")
    home = page_path(site, "").read_text()
    assert meta(home, "og:image").endswith("/" + cards.SITE_CARD)


def test_a_kept_card_is_placed_in_the_site_linked_or_copied(tmp_path, monkeypatch):
    cache, site = tmp_path / "cache", tmp_path / "site"
    wanted = {"assets/cards/a.png": ("A title", ["Jane Doe"])}
    cards.write(site, wanted, "KB", cache)
    (kept,) = cache.glob("*.png")
    placed = site / "assets/cards/a.png"
    assert placed.read_bytes() == kept.read_bytes() and placed.stat().st_ino == kept.stat().st_ino
    placed.unlink()  # the next build's site starts empty (MkDocs cleans it): the card comes from the cache
    monkeypatch.setattr(cards.os, "link", lambda *a: (_ for _ in ()).throw(OSError("cross-device link")))
    monkeypatch.setattr(cards, "draw", lambda *a: (_ for _ in ()).throw(AssertionError("drawn again")))
    cards.write(site, wanted, "KB", cache)
    assert placed.read_bytes() == kept.read_bytes() and placed.stat().st_ino != kept.stat().st_ino


def test_a_card_interrupted_while_kept_is_drawn_again(tmp_path, monkeypatch):
    """A build stopped (Ctrl-C) while a card was being written to the cache
    leaves no half card there for every later build to place in the site."""
    cache, site = tmp_path / "cache", tmp_path / "site"
    wanted = {"assets/cards/a.png": ("A title", ["Jane Doe"])}
    whole = cards.draw("A title", ["Jane Doe"], "KB")
    write_bytes = Path.write_bytes

    def interrupted(path, data):
        write_bytes(path, data[: len(data) // 2])
        raise KeyboardInterrupt

    monkeypatch.setattr(Path, "write_bytes", interrupted)
    with pytest.raises(KeyboardInterrupt):
        cards.write(site, wanted, "KB", cache)
    monkeypatch.undo()
    cards.write(site, wanted, "KB", cache)
    assert (site / "assets/cards/a.png").read_bytes() == whole


def test_a_cache_that_cannot_be_written_only_costs_time(tmp_path):
    cache, site = tmp_path / "cache", tmp_path / "site"
    cache.write_text("a file where the folder would be", encoding="utf-8")
    cards.write(site, {"assets/cards/a.png": ("A title", ["Jane Doe"])}, "KB", cache / "cards")
    assert (site / "assets/cards/a.png").read_bytes() == cards.draw("A title", ["Jane Doe"], "KB")


def test_a_card_drawn_without_a_cache_leaves_the_kept_one_alone(tmp_path):
    """The site's card may be a second name for a kept file (an earlier build
    with the cache, a site that is not cleaned): drawing over it must not
    change the kept card."""
    cache, site = tmp_path / "cache", tmp_path / "site"
    cards.write(site, {"assets/cards/a.png": ("A title", ["Jane Doe"])}, "KB", cache)
    (kept,) = cache.glob("*.png")
    before = kept.read_bytes()
    cards.write(site, {"assets/cards/a.png": ("Another title", ["Jane Doe"])}, "KB", None)
    assert kept.read_bytes() == before
    assert (site / "assets/cards/a.png").read_bytes() == cards.draw("Another title", ["Jane Doe"], "KB")


def test_cards_kept_across_the_clean_stay_and_those_of_gone_articles_go(tmp_path, monkeypatch):
    """The cards' folder is set aside before MkDocs cleans the site and taken
    back (kb/setaside.py): a card that is already the cached file is left as
    it is, a changed one is placed again, and with the whole set given the
    cards of articles that are gone are removed."""
    cache, site = tmp_path / "cache", tmp_path / "site"
    wanted = {"assets/cards/a.png": ("A", ["x"]), "assets/cards/b.png": ("B", ["x"])}
    cards.write(site, wanted, "KB", cache, complete=True)
    a = site / "assets/cards/a.png"
    inode = a.stat().st_ino
    linked, link = [], os.link
    monkeypatch.setattr(cards.os, "link", lambda *args: linked.append(args[1]) or link(*args))
    cards.write(site, {"assets/cards/a.png": ("A", ["x"])}, "KB", cache)
    assert linked == [] and a.stat().st_ino == inode, "left as it is"
    assert (site / "assets/cards/b.png").exists(), "not the whole set: the others stay (a preview)"
    cards.write(site, {"assets/cards/a.png": ("A, renamed", ["x"])}, "KB", cache, complete=True)
    assert [p.name for p in linked] == ["a.png"] and a.read_bytes() == cards.draw("A, renamed", ["x"], "KB")
    assert sorted(p.name for p in (site / "assets/cards").iterdir()) == ["a.png"], "b's article is gone"
