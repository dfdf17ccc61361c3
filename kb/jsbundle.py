"""Front-end bundles built with Python alone: no Node at build or serve time.

The browser code is written as small CommonJS modules (`require("./x")`,
`module.exports = ...`), so that Node's own test runner (`node --test`) can
load each one on its own. For the browser they become one classic script:
every module is wrapped in a function, its relative `require` calls are
rewritten to the module's id, and a ten-line loader runs the entry module.
A classic script (not `type="module"`) is what loads from `file://`, where
the offline edition is opened, and what a Web Worker can run.

    bundle(entry)  ->  Bundle(code, debug, modules)

`code` is minified with rjsmin (licence comments `/*! ... */` kept);
`debug` is the same bundle unminified, published beside it for debugging.

Only relative requires are allowed (there is no node_modules in a browser),
resolved as Node resolves them (`./x` is x.js, or x/index.js for a folder),
each written as a string literal so it can be resolved statically; anything
else fails with the module, the line and the fix. A required `.json` file is
a module whose value is its data, as in Node (kb/assets/js/_/decorations.json,
the list the build reads too).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import rjsmin

_REQUIRE = re.compile(r"""\brequire\(\s*(["'])(?P<name>[^"']*)\1\s*\)""")
_ANY_REQUIRE = re.compile(r"\brequire\s*\(")

_LOADER_HEAD = """(function () {
  var defs = {}, cache = {};
  function require(id) {
    var module = cache[id];
    if (!module) {
      module = cache[id] = { exports: {} };
      defs[id].call(module.exports, module, module.exports, require);
    }
    return module.exports;
  }
"""
_LOADER_TAIL = """  require({entry});
}})();
"""


class BundleError(ValueError):
    """A module that cannot be bundled: the message names file, line and fix."""


@dataclass(frozen=True)
class Bundle:
    code: str  # minified, for the site
    debug: str  # the same, unminified
    modules: tuple[str, ...]  # module ids, in the order they are defined


def bundle(entry: Path, root: Path | None = None) -> Bundle:
    """One classic script from `entry` and every module it requires.
    Module ids are paths relative to `root` (default: the entry's folder)."""
    entry = entry.resolve()
    root = (root or entry.parent).resolve()
    sources: dict[str, str] = {}
    _collect(entry, root, sources)
    parts = [_LOADER_HEAD]
    for module_id, source in sources.items():
        parts.append(f"  defs[{json.dumps(module_id)}] = function (module, exports, require) {{\n")
        parts.append(source if source.endswith("\n") else source + "\n")
        parts.append("  };\n")
    parts.append(_LOADER_TAIL.format(entry=json.dumps(_module_id(entry, root))))
    debug = "".join(parts)
    return Bundle(code=rjsmin.jsmin(debug, keep_bang_comments=True), debug=debug, modules=tuple(sources))


def _resolve(target: Path) -> Path:
    """As Node resolves a relative require: the file, the file with .js
    added, or the folder's index.js."""
    if target.suffix in (".js", ".json") and target.is_file():
        return target
    if target.is_dir() and (target / "index.js").is_file():
        return target / "index.js"
    return target.with_name(target.name + ".js") if target.suffix != ".js" else target


def _module_id(path: Path, root: Path) -> str:
    return path.relative_to(root).as_posix()


def _json_module(path: Path, text: str) -> str:
    """A .json file as a module whose value is its data (Node's require)."""
    try:
        data = json.loads(text)
    except ValueError as error:
        line = getattr(error, "lineno", 1)
        raise BundleError(f"{path}:{line}: not valid JSON ({error}). Fix: correct the file.") from None
    return "module.exports = " + json.dumps(data, ensure_ascii=False) + ";\n"


def _collect(path: Path, root: Path, sources: dict[str, str]) -> None:
    """Depth first, dependencies before the module that needs them."""
    module_id = _module_id(path, root)
    if module_id in sources:
        return
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BundleError(
            f"{path}: cannot be read ({error}). Fix: restore the file or the require that names it."
        ) from None
    if path.suffix == ".json":
        sources[module_id] = _json_module(path, text)
        return
    sources[module_id] = ""  # placed before its dependencies are read: a cycle stops here, as in CommonJS
    dependencies: list[Path] = []

    def resolve(match: re.Match[str]) -> str:
        name = match["name"]
        line = text.count("\n", 0, match.start()) + 1
        if not name.startswith(("./", "../")):
            raise BundleError(
                f"{path}:{line}: require({name!r}) is not a relative path. "
                "Fix: the browser has no node_modules; require a module of this folder as './name'."
            )
        target = _resolve((path.parent / name).resolve())
        if not target.is_relative_to(root):
            raise BundleError(f"{path}:{line}: require({name!r}) leaves {root}. Fix: keep the modules in one folder.")
        if not target.is_file():
            raise BundleError(f"{path}:{line}: require({name!r}): no such module ({target}). Fix: correct the name.")
        dependencies.append(target)
        return f"require({json.dumps(_module_id(target, root))})"

    rewritten = _REQUIRE.sub(resolve, text)
    if len(_ANY_REQUIRE.findall(text)) != len(_REQUIRE.findall(text)):
        line = next(i for i, row in enumerate(text.splitlines(), 1) if _ANY_REQUIRE.search(_REQUIRE.sub("", row)))
        raise BundleError(
            f"{path}:{line}: require() with something other than one quoted path. "
            'Fix: write require("./name") so the bundler can resolve it.'
        )
    for dependency in dependencies:
        _collect(dependency, root, sources)
    # Python dicts keep insertion order: re-insert so a module follows its dependencies.
    del sources[module_id]
    sources[module_id] = rewritten
