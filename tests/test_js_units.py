"""The page code and the search engine, unit-tested outside the browser.

Every `tests/js/**/*.test.js` runs under Node's own test runner
(`node --test`), one pytest case per file, so `make test` runs them and a
failure shows Node's report. The modules under test are the CommonJS sources
that kb/jsbundle.py bundles for the browser, required as they are.
"""

import subprocess
from pathlib import Path

import pytest

JS_TESTS = Path(__file__).with_name("js")
FILES = sorted(JS_TESTS.rglob("*.test.js"))


def test_there_are_node_tests():
    assert FILES, f"no *.test.js under {JS_TESTS}"


@pytest.mark.parametrize("path", FILES, ids=[f.relative_to(JS_TESTS).as_posix() for f in FILES])
def test_node_unit_tests_pass(path):
    run = subprocess.run(["node", "--test", str(path)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
