"""kb/memory.py: what a build's stages freed goes back to the system."""

from __future__ import annotations

import subprocess
import sys

import pytest

from kb import memory

_PROBE = """
import sys
from kb import memory

def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20

# Many strings of a few KB (a page's HTML) with a small one kept between them,
# so that what is freed lies between what stays, as in a build.
pages, kept = [], []
for n in range(60_000):
    pages.append("é" * 2_000 + str(n))
    kept.append(str(n) * 40)
before = resident_mb()
del pages
freed = resident_mb()
assert memory.give_back()
after = resident_mb()
print(before, freed, after)
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's malloc_trim")
def test_memory_a_stage_freed_is_given_back():
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True).stdout
    before, freed, after = map(float, out.split())
    # 60,000 strings of 2 KB: some 120 MB, still held once freed, given back when asked.
    assert freed > before - 60, (before, freed)
    assert after < freed - 80, (before, freed, after)


def test_give_back_says_whether_it_could():
    assert memory.give_back() is (memory._MALLOC_TRIM is not None)


def test_only_a_build_that_converted_a_tenth_of_its_pages_gives_memory_back():
    """Memory given back costs a build page faults to take again (3 s of a
    36 s warm rebuild at 10,000 articles): a warm rebuild, which converts
    nothing, keeps it; a first build, which converts every page, gives it."""
    from kb import pagecache, pipeline
    from kb.devtools import ROOT

    kb, _ = pipeline.run_build(pipeline.read_sources(ROOT / "docs"))
    assert not kb.gives_back_memory()
    pages = list(kb.index.urls)
    for n, src in enumerate(pages[: len(pages) // 10 + 1]):
        assert not kb.gives_back_memory(), n
        kept = pagecache.Conversion("", "", [], None, frozenset(), {}, kb.records[src], (), frozenset())
        kb.converted(src, kept, clean=n % 2 == 0)  # a page that warned counts too
    assert kb.gives_back_memory()
    kb.give_back_memory()  # (glibc's malloc_trim where there is one)
    kb.track = True  # under mkdocs serve: never
    assert not kb.gives_back_memory()
