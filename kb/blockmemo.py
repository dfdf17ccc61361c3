"""Blocks of Material's base template rendered once per build and depth.

Material renders its header and its `__config` script into every page, and
at 10,000 articles that is a fifth of the time spent in templates (the
header alone asks the translation macro for some thirty strings, every
page). Neither depends on the page but for two things: addresses relative
to it (the home page, the logo, the search worker: all outside the page's
own folder, so the same on every page at the same depth under the same
top-level folder) and, in the header, the page's title. So
overrides/main.html renders each through `kb_block_memo` (one BlockMemo per
build):

- `same(name, page, base_url)`: the block as rendered for the first page
  with the same key, reused;
- `titled(name, page, base_url)`: the header, rendered once per key with a
  marker in place of the page's title (Material writes it as
  `page.meta.title`, else `page.title`, unescaped), the marker then
  replaced by each page's own title. Where the marker does not come out
  exactly once, the block is rendered for the page as it is.

tests/test_blockmemo.py renders every page of a built site both ways.
"""

from __future__ import annotations

from collections.abc import Callable

# Letters and digits only: no filter a template might apply would change it.
MARKER = "kbBlockMemoTitle7f3c9a1e"


def _key(name: str, page, base_url: str) -> tuple | None:
    url = getattr(page, "url", None)
    if page is None or not isinstance(url, str):
        return None
    top = url.split("/", 1)[0] if "/" in url else ""
    return (name, base_url, url.count("/"), top)


class BlockMemo:
    def __init__(self) -> None:
        self.rendered: dict[tuple, str | tuple[str, str]] = {}
        self.reused = 0

    def same(self, name: str, page, base_url: str, caller: Callable[[], str]) -> str:
        key = _key(name, page, base_url)
        if key is None:
            return caller()
        if key in self.rendered:
            self.reused += 1
            return self.rendered[key]  # type: ignore[return-value]
        self.rendered[key] = html = caller()
        return html

    def titled(self, name: str, page, base_url: str, caller: Callable[[], str]) -> str:
        key = _key(name, page, base_url)
        if key is None:
            return caller()
        meta = getattr(page, "meta", None)
        # As Material's header reads it: `page.meta and page.meta.title`.
        in_meta = bool(meta) and isinstance(meta, dict) and bool(meta.get("title"))
        title = str(meta["title"] if in_meta else page.title)
        parts = self.rendered.get(key)
        if parts is None:
            parts = self._with_marker(page, meta, in_meta, caller)
            if parts is None:
                return caller()
            self.rendered[key] = parts
        else:
            self.reused += 1
        before, after = parts  # type: ignore[misc]
        return before + title + after

    @staticmethod
    def _with_marker(page, meta, in_meta: bool, caller: Callable[[], str]) -> tuple[str, str] | None:
        """The block rendered with MARKER as the title, split around it."""
        if in_meta:
            old = meta["title"]
            meta["title"] = MARKER
        else:
            had, old = "title" in vars(page), vars(page).get("title")
            page.title = MARKER
        try:
            html = caller()
        finally:
            if in_meta:
                meta["title"] = old
            elif had:
                page.title = old
            else:
                vars(page).pop("title", None)
        if html.count(MARKER) != 1:
            return None
        before, after = html.split(MARKER)
        return before, after
