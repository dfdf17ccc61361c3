"""Link-preview cards: one PNG per article (and one for the site), drawn at
build time with Pillow and its bundled scalable font, so a link pasted into a
chat tool shows the title, author and themes. No network, no system fonts.

Cards are cached by content in `.cache/kb-cards/` (gitignored): a rebuild
draws only the cards whose text changed.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

WIDTH, HEIGHT = 1200, 630
BACKGROUND, ACCENT, TEXT, MUTED = "#00574d", "#80cbc4", "#ffffff", "#d7f0ed"
CARD_DIR = "assets/cards/"
SITE_CARD = CARD_DIR + "site.png"


def card_path(url: str) -> str:
    """Site URL of a page -> its card ("articles/x/" -> "assets/cards/articles-x.png")."""
    return CARD_DIR + (url.strip("/").replace("/", "-") or "home") + ".png"


def draw(title: str, lines: list[str], site_name: str) -> bytes:
    from io import BytesIO

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("RGB", (WIDTH, HEIGHT), BACKGROUND)
    pen = ImageDraw.Draw(image)
    pen.rectangle((0, 0, 24, HEIGHT), fill=ACCENT)
    small, body = ImageFont.load_default(size=30), ImageFont.load_default(size=34)
    pen.text((80, 60), site_name, font=small, fill=ACCENT)
    size = 72
    while True:  # the largest size at which the title fits in four lines
        big = ImageFont.load_default(size=size)
        wrapped = _wrap(pen, title, big, WIDTH - 160)
        if len(wrapped) <= 4 or size <= 40:
            break
        size -= 6
    y = 130
    for line in wrapped[:4]:
        pen.text((80, y), line, font=big, fill=TEXT)
        y += int(size * 1.2)
    wrapped_lines = [part for line in lines for part in _wrap(pen, line, body, WIDTH - 160)][:3]
    y = max(y + 30, HEIGHT - 70 - 48 * len(wrapped_lines))
    for line in wrapped_lines:
        pen.text((80, y), line, font=body, fill=MUTED)
        y += 48
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def write(site_dir: Path, cards: dict[str, tuple[str, list[str]]], site_name: str, cache: Path | None) -> None:
    """`cards`: site path ("assets/cards/x.png") -> (title, lines)."""
    for rel, (title, lines) in cards.items():
        target = site_dir / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        key = hashlib.sha256(repr((title, lines, site_name, WIDTH, HEIGHT, BACKGROUND)).encode()).hexdigest()[:20]
        cached = cache / f"{key}.png" if cache else None
        if cached and cached.exists():
            shutil.copyfile(cached, target)
            continue
        data = draw(title, lines, site_name)
        target.write_bytes(data)
        if cached:
            cached.parent.mkdir(parents=True, exist_ok=True)
            cached.write_bytes(data)


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
