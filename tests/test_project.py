"""The project's own promises: where code lives, and a README that matches it."""

from __future__ import annotations

import re
import subprocess
import sys

from kb import render
from kb.devtools import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_lists_exactly_the_registered_blocks():
    """The README's table of blocks is `python -m kb blocks`, word for word."""
    assert render.blocks_markdown() in README, "regenerate the table with: python -m kb blocks"


def test_every_placeholder_written_in_docs_is_a_registered_block():
    used = set()
    for path in (ROOT / "docs").rglob("*.md"):
        used |= {m["name"] for m in render.PLACEHOLDER.finditer(path.read_text(encoding="utf-8"))}
    assert used and used <= set(render.BLOCKS), used - set(render.BLOCKS)


def test_every_block_has_a_template_a_site_owner_can_override():
    templates = {p.stem for p in (ROOT / "overrides" / render.TEMPLATE_DIR).glob("*.html")}
    for block in render.BLOCKS.values():
        source = block.function.__code__.co_consts
        names = {c for c in source if isinstance(c, str) and c in templates}
        assert names, f"{block.name} renders no template of overrides/{render.TEMPLATE_DIR}"


def test_nothing_imports_from_tests_or_edits_sys_path():
    for path in [*ROOT.glob("kb/**/*.py"), *ROOT.glob("scripts/*.py"), *ROOT.glob("hooks/*.py")]:
        text = path.read_text(encoding="utf-8")
        assert "sys.path" not in text, path
        assert not re.search(r"^\s*(from|import) (conftest|tests)\b", text, flags=re.M), path


def test_the_readme_layout_names_every_top_level_folder():
    tracked = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True).stdout.split()
    folders = {path.split("/")[0] for path in tracked if "/" in path and not path.startswith(".")}
    layout = README[README.index("## How the site is organised") :]
    for folder in folders:
        assert f"{folder}/" in layout, f"the README's layout does not mention {folder}/"


def test_one_command_line_lists_every_tool():
    result = subprocess.run([sys.executable, "-m", "kb", "--help"], capture_output=True, text=True)
    assert result.returncode == 0
    for command in ("new", "anchors", "offline", "benchmark", "shot", "synthetic", "blocks"):
        assert re.search(rf"^\s+{command}\s", result.stdout, flags=re.M), command
    wrong = subprocess.run([sys.executable, "-m", "kb", "nope"], capture_output=True, text=True)
    assert wrong.returncode == 2 and "usage: python -m kb COMMAND" in wrong.stderr


def test_browser_waits_are_functions_the_content_security_policy_allows():
    """Playwright turns a bare expression given to wait_for_function into
    code with eval when it has to poll, and every page's policy forbids eval
    (kb/csp.py): such a wait passes when the state is already there and fails
    when it is not, a flaky test. A function ("() => …") is run without eval."""
    bare = re.compile(r'wait_for_function\(\s*f?(?:"""|"(?!""))(?!\s*(?:\(|async\b|function\b|[\w$]+\s*=>))')
    found = []
    for path in [*ROOT.glob("tests/*.py"), *ROOT.glob("kb/**/*.py")]:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if bare.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}")
    assert not found, found


def test_the_build_imports_no_mkdocs():
    """kb/build.py's promise (and the adapter's): the build runs on plain
    values; only the hook speaks MkDocs. What exists only because of MkDocs,
    Material or their plugins is in kb/mkdocs_adapter.py."""
    code = (
        "import sys, kb.build, kb.mkdocs_adapter, kb.collect, kb.render, kb.checks, kb.passages;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('mkdocs', 'material', 'properdocs')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.strip() == "[]", result.stdout + result.stderr


def _string_constants(path):
    """The string literals of a Python file, docstrings left out, with the
    name each is assigned to (if any)."""
    import ast

    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                docstrings.add(id(first.value))
    assigned = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant):
            assigned[id(node.value)] = [t.id for t in node.targets if isinstance(t, ast.Name)]
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            yield node.lineno, node.value, assigned.get(id(node), [])


def test_the_glossary_and_disciplines_pages_are_named_once():
    """docs/glossary.md and docs/disciplines.md are named by their constants
    (kb/glossary.py GLOSSARY_SRC, kb/disciplines.py DISCIPLINES_SRC) and
    nowhere else in the code or the templates."""
    names = {"glossary.md": "GLOSSARY_SRC", "disciplines.md": "DISCIPLINES_SRC"}
    found = []
    for path in [*ROOT.glob("kb/**/*.py"), *ROOT.glob("hooks/*.py"), *ROOT.glob("scripts/*.py")]:
        for line, value, targets in _string_constants(path):
            for name, constant in names.items():
                if name in value and targets != [constant]:
                    found.append(f"{path.relative_to(ROOT)}:{line}: {value!r}")
    for path in [*ROOT.glob("overrides/**/*.html"), *ROOT.glob("kb/assets/**/*.js"), ROOT / "mkdocs.yml"]:
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            found += [f"{path.relative_to(ROOT)}:{number}" for name in names if name in text]
    assert not found, found


# Functions longer than this are split; any still due are listed here.
MAX_FUNCTION_LINES = 80
LONG_FUNCTIONS_DUE: set[tuple[str, str]] = set()


def _python_files():
    for folder in ("kb", "hooks", "scripts"):
        yield from sorted((ROOT / folder).rglob("*.py"))


def test_no_function_is_longer_than_80_lines():
    import ast

    long = set()
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            long_one = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (
                node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES
            )
            if long_one:
                long.add((path.relative_to(ROOT).as_posix(), node.name))
    assert long - LONG_FUNCTIONS_DUE == set(), "split these"
    assert LONG_FUNCTIONS_DUE - long == set(), "short now: take them off LONG_FUNCTIONS_DUE"


def _kb_imports() -> dict[str, set[str]]:
    """Each kb module -> the kb modules it imports, at any depth of its code
    (an import inside a function is still a dependency)."""
    import ast

    modules = {}
    for path in (ROOT / "kb").rglob("*.py"):
        parts = path.relative_to(ROOT).with_suffix("").parts
        modules[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    graph = {}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    kept = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*kept, base] if base else kept)
                for alias in node.names:
                    full = f"{base}.{alias.name}"
                    found |= {full} if full in modules else {base} if base in modules else set()
        graph[name] = found - {name}
    return graph


def test_no_kb_modules_import_each_other():
    """No import cycle, even through an import inside a function (benchmark
    and search_eval once imported each other that way)."""
    graph = _kb_imports()
    for start in graph:
        seen, todo = set(), list(graph[start])
        while todo:
            module = todo.pop()
            assert module != start, f"{start} imports itself through {sorted(seen)}"
            if module not in seen:
                seen.add(module)
                todo.extend(graph[module])
