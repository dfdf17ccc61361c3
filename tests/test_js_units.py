"""The page code and the search engine, unit-tested outside the browser.

Every `tests/js/**/*.test.js` runs under Node's own test runner
(`node --test`), one pytest case per file, so `make test` runs them and a
failure shows Node's report. The modules under test are the CommonJS sources
that kb/jsbundle.py bundles for the browser, required as they are.
"""

import os
import re
import subprocess
from pathlib import Path

import pytest

JS_TESTS = Path(__file__).with_name("js")
MODULES = Path(__file__).resolve().parent.parent / "kb" / "assets" / "js"
SEARCH_MODULES = MODULES.parent / "search"
_LOAD = re.compile(r"""\bload\("([^"]+)"\)""")
FILES = sorted(JS_TESTS.rglob("*.test.js"))


def test_there_are_node_tests():
    assert FILES, f"no *.test.js under {JS_TESTS}"


@pytest.mark.parametrize("path", FILES, ids=[f.relative_to(JS_TESTS).as_posix() for f in FILES])
def test_node_unit_tests_pass(path, request):
    env = dict(os.environ)
    if path.is_relative_to(JS_TESTS / "page"):
        # The page script's tests also read the built site's pages (KB_SITE).
        env["KB_SITE"] = str(request.getfixturevalue("site"))
    run = subprocess.run(["node", "--test", str(path)], capture_output=True, text=True, timeout=120, env=env)
    assert run.returncode == 0, run.stdout[-6000:] + run.stderr[-2000:]
    assert "# skipped 0" in run.stdout, run.stdout[-3000:]


def test_every_page_script_module_has_a_test():
    """Each module under kb/assets/js is required by a unit test here, or
    named in BROWSER_TESTED (what only a browser can show)."""
    modules = {p.relative_to(MODULES).as_posix() for p in MODULES.rglob("*.js")}
    required = set()
    for test in (JS_TESTS / "page").glob("*.test.js"):
        required |= {name + ("" if name.endswith(".js") else ".js") for name in _LOAD.findall(test.read_text())}
        required |= {name + "/index.js" for name in _LOAD.findall(test.read_text())}
    untested = modules - required - set(BROWSER_TESTED)
    assert not untested, f"modules without a unit test or a browser test named in BROWSER_TESTED: {sorted(untested)}"
    assert set(BROWSER_TESTED) <= modules, sorted(set(BROWSER_TESTED) - modules)
    for module, where in BROWSER_TESTED.items():
        assert (Path(__file__).parent / where.split("::")[0]).is_file(), (module, where)


# Modules whose work only a browser shows (scrolling, selections, fetches,
# the clipboard): the test that shows it.
BROWSER_TESTED = {
    "index.js": "test_deep_links.py::test_every_kind_of_cross_page_passage_link_lands_with_its_own_url",
    "extras.js": "test_page_script.py::test_the_extras_load_on_first_use_and_not_before",
    "components/landing/index.js": "test_deep_links.py::test_a_cold_load_lands_below_the_header",
    "components/landing/align.js": "test_deep_links.py::test_a_cold_load_lands_below_the_header",
    "components/copy-link/index.js": "test_deep_links.py::test_the_copy_mark_is_a_24px_target_its_tooltip_goes_and_the_toast_covers_no_text",
    "components/skip-link/index.js": "test_page_script.py::test_the_skip_link_moves_the_focus_to_the_start_of_the_article",
    "components/previews/index.js": "test_deep_links.py::test_a_link_to_another_articles_passage_previews_it",
    "components/quote-links/index.js": "test_deep_links.py::test_a_quote_link_copied_here_highlights_the_same_sentence_cold_elsewhere",
    "components/tooltips/index.js": "test_page_script.py::test_a_control_shows_its_label_on_hover_and_on_keyboard_focus",
}


def test_no_front_end_module_is_over_300_lines_and_history_is_patched_in_patches_only():
    """The page script's modules and the search worker's."""
    for path in [*MODULES.rglob("*.js"), *SEARCH_MODULES.rglob("*.js")]:
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(MODULES.parent).as_posix()
        assert text.count("\n") <= 300, f"{name}: {text.count(chr(10))} lines; split it"
        if not name.startswith("js/patches/"):
            assert not re.search(r"history\.(replaceState|pushState)\s*=", text), f"{name} patches history"
            assert not re.search(r"\bwindow\.\w+\s*=|\bwin\.\w+\s*=", text), f"{name} sets a global"
