"""Freed memory given back to the system between a build's stages.

Python takes every object of more than 512 bytes (a page's HTML, a
passage's text) from the C library's allocator, and glibc's keeps what is
freed for the next request instead of returning it, unless asked. A build
frees most of what a stage made once the stage is over (the converted pages
after the blocks are composed, the rendered pages after writing them, the
search index's count after encoding it): at 10,000 articles the process held
350 MB it no longer used when the search index began, and its peak was that
much higher. `give_back` asks (glibc's malloc_trim); elsewhere (macOS, musl)
it does nothing. It costs milliseconds, and is not called under
`mkdocs serve`, whose next build reuses what it holds.
"""

from __future__ import annotations

import ctypes
import sys


def _malloc_trim():
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(None).malloc_trim  # the process's own C library
    except (OSError, AttributeError):  # not glibc
        return None


_MALLOC_TRIM = _malloc_trim()


def give_back() -> bool:
    """Return the allocator's free memory to the system; whether it could."""
    if _MALLOC_TRIM is None:
        return False
    _MALLOC_TRIM(0)
    return True
