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
from pathlib import Path

from .problems import Problems

REGISTRY_FILE = "anchors.json"


def load(path: Path) -> dict[str, list[str]] | None:
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))["pages"]


def dump(path: Path, pages: dict[str, list[str]]) -> None:
    data = {
        "about": "Every page URL and #anchor this site has published. Checked by every build; "
                 "refreshed by python -m kb anchors. Never remove an entry: keep the anchor "
                 "working with an alias or a redirect instead (see README, 'Links that never rot').",
        "pages": {url: sorted(set(anchors)) for url, anchors in sorted(pages.items())},
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def merge(registry: dict[str, list[str]] | None, published: dict[str, list[str]]) -> dict[str, list[str]]:
    """The registry plus everything published now (a union: nothing is dropped)."""
    merged = {url: set(anchors) for url, anchors in (registry or {}).items()}
    for url, anchors in published.items():
        merged.setdefault(url, set()).update(anchors)
    return {url: sorted(anchors) for url, anchors in merged.items()}


def check(registry: dict[str, list[str]], published: dict[str, list[str]],
          redirects: dict[str, str], src_of_url: dict[str, str], problems: Problems) -> None:
    """Report every registered URL or anchor the site no longer serves.

    `redirects` maps a registered URL to the URL it now redirects to (its
    anchors must then exist there); `src_of_url` names the Markdown file that
    produces each current URL, for the messages.
    """
    for url, anchors in sorted(registry.items()):
        target = url
        if url not in published:
            if url not in redirects:
                problems.add(REGISTRY_FILE, None,
                             f"the published page '/{url}' no longer exists, so links to it would break.",
                             "if the page moved, add a redirect to mkdocs.yml under "
                             "plugins > redirects > redirect_maps, e.g. 'old/page.md': 'new/page.md'; "
                             "if it was deleted, redirect it to the page that replaces it.")
                continue
            target = redirects[url]
            if target not in published:
                problems.add(REGISTRY_FILE, None,
                             f"'/{url}' redirects to '/{target}', which does not exist.",
                             "point the redirect in mkdocs.yml at an existing page.")
                continue
        present = set(published[target])
        file = "docs/" + src_of_url.get(target, target)
        for anchor in anchors:
            if anchor not in present:
                problems.add(file, None,
                             f"the published anchor '/{url}#{anchor}' is gone, so links to it would break.",
                             f"keep it on the passage or heading it belonged to: add '{{ #{anchor} }}' under "
                             f"the paragraph (or at the end of the heading line), or list it as an alias of "
                             f"its successor: '{{ aliases=\"{anchor}\" }}'.")


def redirect_urls(redirect_maps: dict[str, str], url_of_src) -> dict[str, str]:
    """mkdocs-redirects' 'old.md': 'new.md' map, as old URL -> new URL."""
    urls = {}
    for old, new in (redirect_maps or {}).items():
        old_url = url_of_src(old)
        new_url = url_of_src(new) if new.endswith(".md") else new
        urls[old_url] = new_url
    return urls
