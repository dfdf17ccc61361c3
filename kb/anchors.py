"""Published anchors: once a page URL or #anchor is out, it keeps working.

`anchors.json` at the top of the repository lists every page URL and every
anchor (heading and passage ids, and their aliases) ever published. Each build
compares the site with it; a URL or anchor that disappeared fails the build
with the fix: pin the old id, keep it as an alias, or redirect the page.

`python -m kb anchors` adds newly published anchors to the file. Nothing
is ever removed from it automatically.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

from .passages import same_passage
from .problems import Problems

REGISTRY_FILE = "anchors.json"


Registry = dict[str, dict[str, str]]  # page URL -> {anchor: fingerprint ("" when unknown)}


def load(path: Path, problems: Problems | None = None) -> Registry | None:
    """The registry; a missing or unreadable file is a problem, never a
    silently skipped check."""
    problems = problems if problems is not None else Problems()
    name = path.name
    if not path.exists():
        problems.add(
            name,
            None,
            "the registry of published anchors is missing, so no link can be checked.",
            f"restore it ('git checkout -- {name}'), or on a brand-new site create it with 'python -m kb anchors'.",
        )
        return None
    text = path.read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith(("<<<<<<<", "=======", ">>>>>>>")):
            problems.add(
                name,
                number,
                "the file still has merge-conflict markers.",
                "keep both sides' entries (the registry only grows), remove the markers, "
                "or take either side and run 'python -m kb anchors' to add the rest.",
            )
            return None
    duplicates: list[str] = []

    def pairs(items: list[tuple[str, object]]) -> dict:
        seen: dict = {}
        for key, value in items:
            if key in seen:
                duplicates.append(key)
            seen[key] = value
        return seen

    try:
        data = json.loads(text, object_pairs_hook=pairs)
        if duplicates:
            key = duplicates[0]
            lines = [n for n, t in enumerate(text.splitlines(), 1) if json.dumps(key) + ":" in t]
            problems.add(
                name,
                lines[1] if len(lines) > 1 else None,
                f"the key {json.dumps(key)} is written twice; the second would silently replace the first "
                "and its anchors would no longer be checked.",
                "merge the two entries into one (the registry only grows), or restore the file with "
                f"'git checkout -- {name}' and run 'python -m kb anchors'.",
            )
            return None
        pages = data["pages"]
        if not isinstance(pages, dict):
            raise TypeError("'pages' is not an object")
        return {url: _as_map(url, anchors) for url, anchors in pages.items()}
    except RecursionError:
        problems.add(
            name,
            None,
            "the file is nested too deeply to read (the registry is two levels deep: pages, then anchors).",
            f"restore it with 'git checkout -- {name}' and run 'python -m kb anchors'.",
        )
    except json.JSONDecodeError as error:
        problems.add(
            name,
            error.lineno,
            f"the file is not valid JSON: {error.msg}.",
            f"repair it (or restore it with 'git checkout -- {name}' and run 'python -m kb anchors').",
        )
    except (KeyError, TypeError, AttributeError) as error:
        problems.add(
            name,
            None,
            f"the file does not have the registry's shape ({str(error)[:200]}).",
            f"restore it with 'git checkout -- {name}' and run 'python -m kb anchors'.",
        )
    return None


def _as_map(url: str, anchors) -> dict[str, str]:
    """An entry is {anchor: fingerprint}; older registries listed anchors
    only. Anything else (a number, a nested object, null) is refused: read
    loosely, it would turn off the check of the anchors it stands for."""
    if isinstance(anchors, list) and all(isinstance(a, str) for a in anchors):
        return {a: "" for a in anchors}
    if isinstance(anchors, dict) and all(isinstance(f, str) for f in anchors.values()):
        return dict(anchors)
    raise TypeError(f"the entry of '{url[:80]}' is not a list of anchors or an object of anchor: fingerprint text")


_ABOUT = (
    "Every page URL and #anchor this site has published, with a fingerprint of the passage "
    "each one points at. Checked by every build; refreshed by python -m kb anchors. Never "
    "remove an entry: keep the anchor working with an alias or a redirect instead (see "
    "README, 'Links that never rot')."
)


def dump(path: Path, pages: Registry) -> None:
    path.write_text(dumps(pages), encoding="utf-8")


def dumps(pages: Registry) -> str:
    """The registry's file: what `json.dumps(..., indent=1, ensure_ascii=False)`
    writes, pages and anchors sorted, made here from strings (json's indented
    output runs in Python, and a site of 10,000 articles has 100,000 anchors)."""
    quote = json.encoder.encode_basestring  # a JSON string, not ASCII-escaped

    def page(url: str, anchors: Mapping[str, str]) -> str:
        if not anchors:
            return f"  {quote(url)}: {{}}"
        inner = ",\n".join(f"   {quote(a)}: {quote(fp)}" for a, fp in sorted(anchors.items()))
        return f"  {quote(url)}: {{\n{inner}\n  }}"

    listed = ",\n".join(page(url, anchors) for url, anchors in sorted(pages.items()))
    body = f"{{\n{listed}\n }}" if pages else "{}"
    return f'{{\n "about": {quote(_ABOUT)},\n "pages": {body}\n}}\n'


def merge(registry: Registry | None, published: Registry, repin: set[str] = frozenset()) -> Registry:
    """The registry plus everything published now (a union: nothing is
    dropped). A recorded fingerprint is kept unless the anchor ("url#id") is
    in `repin`, or none was recorded."""
    merged = {url: dict(anchors) for url, anchors in (registry or {}).items()}
    for url, anchors in published.items():
        entry = merged.setdefault(url, {})
        for anchor, fp in anchors.items():
            if not entry.get(anchor) or f"{url}#{anchor}" in repin:
                entry[anchor] = fp
    return merged


def check(
    registry: Registry,
    published: Registry,
    redirects: dict[str, str],
    src_of_url: dict[str, str],
    problems: Problems,
    texts: dict[str, dict[str, str]] | None = None,
) -> None:
    """Report every registered URL or anchor the site no longer serves, or
    that now points at a different passage.

    `redirects` maps a registered URL to the URL it now redirects to (its
    anchors must then exist there); `src_of_url` names the Markdown file that
    produces each current URL, for the messages.
    """
    for url, anchors in sorted(registry.items()):
        target = url
        if url not in published:
            if url not in redirects:
                problems.add(
                    REGISTRY_FILE,
                    None,
                    f"the published page '/{url}' no longer exists, so links to it would break.",
                    "if the page moved, add a redirect to mkdocs.yml under "
                    "plugins > redirects > redirect_maps, e.g. 'old/page.md': 'new/page.md'; "
                    "if it was deleted, redirect it to the page that replaces it.",
                )
                continue
            target = redirects[url]
            if target not in published:
                problems.add(
                    REGISTRY_FILE,
                    None,
                    f"'/{url}' redirects to '/{target}', which does not exist.",
                    "point the redirect in mkdocs.yml at an existing page.",
                )
                continue
        present = published[target]
        file = "docs/" + src_of_url.get(target, target)
        for anchor, recorded in sorted(anchors.items()):
            if anchor not in present:
                problems.add(
                    file,
                    None,
                    f"the published anchor '/{url}#{anchor}' is gone, so links to it would break.",
                    f"keep it on the passage or heading it belonged to: add '{{ #{anchor} }}' under "
                    f"the paragraph (or at the end of the heading line), or list it as an alias of "
                    f"its successor: '{{ aliases=\"{anchor}\" }}'.",
                )
            elif not same_passage(recorded, present[anchor]):
                problems.add(
                    file,
                    None,
                    f"the published anchor '/{url}#{anchor}' now points at a different passage "
                    "(a new paragraph that opens with the same words, or an alias moved to another "
                    "passage), so old links would land on the wrong text.",
                    f"give the new passage its own id ('{{ #{anchor}-2 }}' under it) and keep "
                    f"'{anchor}' on the passage it was published for; if the passage really is its "
                    f"successor, record that with 'python -m kb anchors --repin {url}#{anchor}'.",
                )


def redirect_urls(redirect_maps: dict[str, str], url_of_src) -> dict[str, str]:
    """mkdocs-redirects' 'old.md': 'new.md' map, as old URL -> new URL."""
    urls = {}
    for old, new in (redirect_maps or {}).items():
        old_url = url_of_src(old)
        new_url = url_of_src(new) if new.endswith(".md") else new
        urls[old_url] = new_url
    return urls
