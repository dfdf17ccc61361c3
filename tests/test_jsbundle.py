"""kb.jsbundle: CommonJS modules -> one classic script, with Python alone."""

import subprocess

import pytest

from kb.jsbundle import BundleError, bundle


def _write(folder, files):
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _run(code: str) -> str:
    """The bundle run as a classic script in Node (no module system)."""
    script = "var out = []; var console = { log: function (x) { out.push(String(x)); } };\n" + code
    script += "\nprocess.stdout.write(out.join('|'));"
    return subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True).stdout


def test_modules_run_in_dependency_order_once_each(tmp_path):
    _write(
        tmp_path,
        {
            "index.js": 'var a = require("./lib/a"); var b = require("./lib/b.js");\nconsole.log(a.name + b.name);\n',
            "lib/a.js": '/*! keep me: licence */\nvar shared = require("./shared");\nmodule.exports = { name: "A" + shared.count() };\n',
            "lib/b.js": 'var shared = require("./shared");\nexports.name = "B" + shared.count();\n',
            "lib/shared.js": "var n = 0;\nmodule.exports = { count: function () { return ++n; } };\n",
        },
    )
    made = bundle(tmp_path / "index.js")
    assert set(made.modules) == {"index.js", "lib/a.js", "lib/b.js", "lib/shared.js"}
    assert _run(made.code) == "A1B2"  # shared.js evaluated once: its counter is shared
    assert _run(made.debug) == "A1B2"
    assert "keep me: licence" in made.code
    assert len(made.code) < len(made.debug)


def test_a_cycle_behaves_as_in_commonjs(tmp_path):
    _write(
        tmp_path,
        {
            "index.js": 'var a = require("./a"); console.log(a.fromB);\n',
            "a.js": 'exports.early = "e"; var b = require("./b"); exports.fromB = b.seen;\n',
            "b.js": 'var a = require("./a"); exports.seen = a.early;\n',
        },
    )
    assert _run(bundle(tmp_path / "index.js").code) == "e"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('var x = require("lodash");\n', "index.js:1: require('lodash') is not a relative path"),
        ('\n\nvar x = require("./missing");\n', "index.js:3: require('./missing'): no such module"),
        ('var name = "./a";\nvar x = require(name);\n', "index.js:2: require() with something other than"),
        ('var x = require("../outside");\n', "index.js:1: require('../outside') leaves"),
    ],
)
def test_a_require_that_cannot_be_resolved_names_file_line_and_fix(tmp_path, source, expected):
    _write(tmp_path / "src", {"index.js": source, "a.js": ""})
    _write(tmp_path, {"outside.js": ""})
    with pytest.raises(BundleError) as error:
        bundle(tmp_path / "src" / "index.js")
    assert expected in str(error.value)
    assert "Fix:" in str(error.value)


def test_a_folder_is_required_as_node_requires_it_through_its_index(tmp_path):
    _write(
        tmp_path,
        {
            "index.js": 'var c = require("./components/copy");\nconsole.log(c.name);\n',
            "components/copy/index.js": 'var h = require("../../_/help.js");\nmodule.exports = { name: "copy" + h.n };\n',
            "_/help.js": "exports.n = 1;\n",
        },
    )
    made = bundle(tmp_path / "index.js")
    assert made.modules == ("_/help.js", "components/copy/index.js", "index.js")
    assert _run(made.code) == "copy1"
    # And as Node itself runs them:
    node = subprocess.run(["node", str(tmp_path / "index.js")], capture_output=True, text=True, check=True)
    assert node.stdout.strip() == "copy1"


def test_a_json_file_is_a_module_whose_value_is_its_data_as_in_node(tmp_path):
    _write(
        tmp_path,
        {
            "index.js": 'var list = require("./data/list.json");\nconsole.log(list.marks.join("+") + list.n);\n',
            "data/list.json": '{\n  "marks": ["kb-anchor", "« é »"],\n  "n": 2\n}\n',
        },
    )
    made = bundle(tmp_path / "index.js")
    assert set(made.modules) == {"index.js", "data/list.json"}
    assert _run(made.code) == "kb-anchor+« é »2"
    assert _run(made.debug) == "kb-anchor+« é »2"
    # Node reads the same file the same way: what the unit tests require is what the bundle carries.
    node = subprocess.run(
        ["node", "-e", f"process.stdout.write(JSON.stringify(require({str(tmp_path / 'data/list.json')!r})))"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert node.stdout == '{"marks":["kb-anchor","« é »"],"n":2}'


def test_a_broken_json_module_names_file_line_and_fix(tmp_path):
    _write(tmp_path, {"index.js": 'require("./list.json");\n', "list.json": '{\n  "marks": ["a",]\n}\n'})
    with pytest.raises(BundleError) as error:
        bundle(tmp_path / "index.js")
    assert "list.json:2: not valid JSON" in str(error.value) and "Fix: correct the file." in str(error.value)
