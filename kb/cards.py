"""Link-preview cards: one PNG per article (and one for the site), drawn at
build time with Pillow and its bundled scalable font, so a link pasted into a
chat tool shows the title, author and themes. No network, no system fonts.

Cards are cached by content in `.cache/kb-cards/` (gitignored): a rebuild
draws only the cards whose text changed.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import os
import shutil
from pathlib import Path

from . import pagecache

WIDTH, HEIGHT = 1200, 630
BACKGROUND, ACCENT, TEXT = "#00574d", "#80cbc4", "#ffffff"
# The card is drawn in one channel, as the share of TEXT over BACKGROUND (0
# to 255, so antialiased edges blend), then stored as a 4-bit palette PNG of
# LEVELS shades (index 0 the background, 1 the accent bar, 2 to 15 the text
# over the background), compressed run-length (zlib's Z_RLE: a card is rows
# of one colour): a quarter of the time and four fifths of the bytes of an
# 8-bit one, and 14 shades are plenty for a glyph's antialiased edge.
SITE_NAME, LINES, TITLE, BAR = 175, 215, 255, 1
LEVELS = 16
Z_RLE = 3
CARD_DIR = "assets/cards/"
SITE_CARD = CARD_DIR + "site.png"


def card_path(url: str) -> str:
    """Site URL of a page -> its card ("articles/x/" -> "assets/cards/articles-x.png")."""
    return CARD_DIR + (url.strip("/").replace("/", "-") or "home") + ".png"


def draw(title: str, lines: list[str], site_name: str) -> bytes:
    from io import BytesIO

    from PIL import Image, ImageDraw

    image = Image.new("L", (WIDTH, HEIGHT), 0)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, 24, HEIGHT), fill=BAR)
    small, body = _font(30), _font(34)
    pen.text((80, 60), site_name, font=small, fill=SITE_NAME)
    size = 72
    while True:  # the largest size at which the title fits in four lines
        big = _font(size)
        wrapped = _wrap(pen, title, big, WIDTH - 160)
        if len(wrapped) <= 4 or size <= 40:
            break
        size -= 6
    y = 130
    for line in wrapped[:4]:
        pen.text((80, y), line, font=big, fill=TITLE)
        y += int(size * 1.2)
    wrapped_lines = [part for line in lines for part in _wrap(pen, line, body, WIDTH - 160)][:3]
    y = max(y + 30, HEIGHT - 70 - 48 * len(wrapped_lines))
    for line in wrapped_lines:
        pen.text((80, y), line, font=body, fill=LINES)
        y += 48
    card = Image.frombytes("P", image.size, image.point(_SHADES).tobytes())
    card.putpalette(_palette())
    out = BytesIO()
    card.save(out, format="PNG", bits=4, compress_type=Z_RLE)
    return out.getvalue()


# The drawn share (0 to 255) -> its palette index: the nearest of the text's
# shades, never BAR; the faintest edge pixels are background.
_SHADES = [
    BAR if share == BAR else max(2, round(share * (LEVELS - 1) / 255)) if share * (LEVELS - 1) >= 255 * 1.5 else 0
    for share in range(256)
]


def _palette() -> list[int]:
    """Index i: TEXT blended over BACKGROUND by i/(LEVELS - 1); index BAR: ACCENT."""
    background, text, accent = (bytes.fromhex(c[1:]) for c in (BACKGROUND, TEXT, ACCENT))
    steps = LEVELS - 1
    palette = [round(b + (t - b) * i / steps) for i in range(LEVELS) for b, t in zip(background, text, strict=True)]
    palette[3 * BAR : 3 * BAR + 3] = list(accent)
    return palette


@functools.cache
def _font(size: int):
    """Pillow's bundled scalable font at `size`, loaded once per size."""
    from PIL import ImageFont

    return ImageFont.load_default(size=size)


def write(
    site_dir: Path, cards: dict[str, tuple[str, list[str]]], site_name: str, cache: Path | None, complete: bool = False
) -> None:
    """`cards`: site path ("assets/cards/x.png") -> (title, lines).
    `complete`: these are all the site's cards, and any other file in their
    folder (an earlier build's, kept across the clean by kb/setaside.py) goes."""
    if complete:
        _remove_others(site_dir, set(cards))
    for rel, (title, lines) in cards.items():
        data = None
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha256(
            repr((title, lines, site_name, WIDTH, HEIGHT, BACKGROUND, ACCENT, TEXT, "P4", LEVELS)).encode()
        ).hexdigest()[:20]
        cached = cache / f"{key}.png" if cache else None
        if cached is not None and not cached.exists():
            data = draw(title, lines, site_name)
            if not pagecache.write_whole(cached, data):
                cached = None
        if cached is None:
            # A new file: the one there may be a second name for a kept card (an earlier build's).
            target.unlink(missing_ok=True)
            target.write_bytes(draw(title, lines, site_name) if data is None else data)
            continue
        _place(cached, target)


def _remove_others(site_dir: Path, wanted: set[str]) -> None:
    folder = Path(site_dir) / CARD_DIR
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if CARD_DIR + entry.name not in wanted:
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                else:
                    os.unlink(entry.path)


def _place(cached: Path, target: Path) -> None:
    """The cached card at `target`: a second name for the same file when
    both are on one file system (one entry written, no bytes copied; nothing
    writes to a card once drawn), else a copy. A card that is already that
    file (kept across the clean) is left as it is."""
    with contextlib.suppress(OSError):
        if os.path.samefile(cached, target) and not target.is_symlink():
            return
    target.unlink(missing_ok=True)
    try:
        os.link(cached, target)
    except OSError:
        shutil.copyfile(cached, target)


def _wrap(pen, text: str, font, width: int) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}".strip()
        if current and pen.textlength(trial, font=font) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current] if current else lines or [""]
