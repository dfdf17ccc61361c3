"""Front matter, read strictly: YAML errors report themselves.

MkDocs ignores a front matter block it cannot parse (the page then silently
has no title, no themes...). Every page's block is read again here with the
same delimiters, and any problem is reported with the file, the line the
YAML parser points at, its own message and a fix: tab indentation, an
unquoted colon, an unclosed quote or bracket, an impossible date such as
2017-02-30, a key written twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import yaml

from .problems import Problems

# MkDocs' own pattern (mkdocs.utils.meta.YAML_RE).
BLOCK = re.compile(r"^-{3}[ \t]*\n(.*?\n)(?:\.{3}|-{3})[ \t]*\n", re.S)
_FIX = "quote text that contains ': ', '#' or starts with a symbol, indent with spaces only, and close every quote and bracket"


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A safe loader (libyaml's, ten times faster, where installed) that
    refuses a key written twice."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict:
    seen: dict = {}
    for key_node, _value in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if not isinstance(key, str):
            shown = (
                f"[{', '.join(str(getattr(n, 'value', '…')) for n in key_node.value)}]"
                if isinstance(key_node.value, list)
                else str(key)
            )
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{shown[:40]}' is not a name (a key is a word, like 'title')", key_node.start_mark
            )
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"the key '{key}' is written twice (also on line {seen[key] + 2})", key_node.start_mark
            )
        seen[key] = key_node.start_mark.line
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


@dataclass
class FrontMatter:
    meta: dict = field(default_factory=dict)
    present: bool = False  # the file starts with a block
    ok: bool = True  # the block parsed


def read(source: str, file: str, problems: Problems) -> FrontMatter:
    """The front matter of `source` (a whole file), reporting every problem."""
    if not source.startswith("---"):
        return FrontMatter()
    match = BLOCK.match(source.replace("\r\n", "\n"))
    if not match:
        problems.add(
            file,
            1,
            "the front matter block is not closed.",
            "end it with a line of three dashes '---' before the text starts.",
        )
        return FrontMatter(present=True, ok=False)
    block = match.group(1)
    try:
        if alias := _first_alias(block):
            problems.add(
                file,
                alias.start_mark.line + 2,
                f"the front matter uses a YAML alias ('*{alias.anchor}'): one line can stand for "
                "millions of values, and nothing in an article's front matter needs one.",
                "write each value out in full; remove the anchors ('&name') and aliases ('*name').",
            )
            return FrontMatter(present=True, ok=False)
        data = yaml.load(block, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 2 if mark else 1
        problem = " ".join(str(error.problem or error.context or "invalid YAML").split())
        if "\t" in block.split("\n")[mark.line if mark and mark.line < len(block.split("\n")) else 0]:
            problem += " (a tab character is used for indentation)"
        fix = "keep one of the two lines." if "written twice" in problem else _FIX + "."
        if "is not a name" in problem:
            fix = "start each line with a field name and a colon, like 'title: …'; quote a value that starts with '[' or '{'."
        problems.add(file, line, f"the front matter is not valid YAML: {problem}.", fix)
        return FrontMatter(present=True, ok=False)
    except (yaml.YAMLError, ValueError) as error:
        # PyYAML builds dates with datetime.date(): 2017-02-30 raises ValueError.
        line = _line_of_bad_date(block)
        field = re.match(r"\s*([\w-]+)\s*:", block.split("\n")[line - 1]) if line else None
        named = (
            f"'{field.group(1)}' is not a real date ({error})" if field else f"the front matter is not valid: {error}"
        )
        problems.add(
            file,
            line + 1 if line else 1,
            f"{named}.",
            "write a date that exists, as YYYY-MM-DD." if line else _FIX + ".",
        )
        return FrontMatter(present=True, ok=False)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.add(
            file,
            2,
            "the front matter is not a list of 'key: value' lines.",
            "write one 'key: value' per line, e.g. 'title: My title'.",
        )
        return FrontMatter(present=True, ok=False)
    return FrontMatter(meta=data, present=True)


def _first_alias(block: str) -> yaml.AliasEvent | None:
    """The first alias in the block, read as a stream of events (linear:
    nothing is built, so an alias bomb costs no more than its text)."""
    for event in yaml.parse(block, Loader=_StrictLoader):
        if isinstance(event, yaml.AliasEvent):
            return event
    return None


# A field's value as other plugins read it (the feed, Material's templates):
# at most this many values, nested at most this deep.
MAX_VALUES = 1000
MAX_NESTING = 4


def _size(value, budget: int, depth: int = 0) -> int:
    """How many values `value` holds, counting stops past `budget`."""
    if depth > MAX_NESTING:
        return budget + 1
    if isinstance(value, dict):
        items = list(value.keys()) + list(value.values())
    elif isinstance(value, list | tuple | set):
        items = list(value)
    else:
        return 1
    total = 1
    for item in items:
        total += _size(item, budget - total, depth + 1)
        if total > budget:
            break
    return total


def bound(meta: dict) -> None:
    """Front matter as MkDocs and other plugins will read it, made safe in
    place: text keys only, no field larger than MAX_VALUES or nested deeper
    than MAX_NESTING, no empty item in a list. Whatever is removed has been
    reported (the build fails); this only keeps another plugin (the feed)
    from crashing on it before the report is shown."""
    for key in list(meta):
        value = meta[key]
        if not isinstance(key, str) or _size(value, MAX_VALUES) > MAX_VALUES:
            del meta[key]
        elif isinstance(value, list):
            meta[key] = [v for v in value if v is not None]


_DATE = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def _line_of_bad_date(block: str) -> int | None:
    import datetime as dt

    for number, line in enumerate(block.split("\n"), 1):
        for y, m, d in _DATE.findall(line):
            try:
                dt.date(int(y), int(m), int(d))
            except ValueError:
                return number
    return None


def line_of_key(source: str, key: str) -> int | None:
    """1-based line of `key:` inside the front matter block of `source`."""
    if not source.startswith("---"):
        return None
    for number, line in enumerate(source.split("\n")[1:], 2):
        if line.strip() in ("---", "..."):
            return None
        if re.match(rf"""(?:{re.escape(key)}|'{re.escape(key)}'|"{re.escape(key)}")\s*:""", line):
            return number
    return None
