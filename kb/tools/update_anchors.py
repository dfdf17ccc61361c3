"""Add newly published anchors to anchors.json (never removes any).

    python -m kb anchors        # or: make anchors

Builds the site into a temporary folder, reads the anchors it publishes, and
merges them into the registry. Run it after adding an article, a heading or a
paragraph, and commit anchors.json with your change: from then on, every
build checks that those anchors keep working.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from kb import anchors
from kb.devtools import ROOT, build_site


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--repin",
        action="append",
        default=[],
        metavar="URL#ID",
        help="record that this published anchor now points at its successor passage",
    )
    parser.add_argument("--project", type=Path, default=None, help="the project folder (default: here)")
    args = parser.parse_args(argv)
    project = args.project or (Path.cwd() if (Path.cwd() / "mkdocs.yml").exists() else ROOT)
    with tempfile.TemporaryDirectory() as site:
        # The registry itself is what is being updated: build without checking it.
        result = build_site(project, Path(site), {"KB_CHECK_REGISTRY": "false"})
        if result.returncode != 0:
            sys.stderr.write(result.stderr)
            print("The build failed: fix the errors above first.", file=sys.stderr)
            return 1
        published = anchors.load(Path(site) / anchors.REGISTRY_FILE)
    registry_path = project / anchors.REGISTRY_FILE
    registry = anchors.load(registry_path) if registry_path.exists() else {}
    if registry is None:
        print(
            f"{registry_path.name} cannot be read: restore it with 'git checkout -- {registry_path.name}'.",
            file=sys.stderr,
        )
        return 1
    unknown = [r for r in args.repin if r.partition("#")[2] not in published.get(r.partition("#")[0], {})]
    if unknown:
        print(f"--repin: not published by this build: {', '.join(unknown)}", file=sys.stderr)
        return 1
    merged = anchors.merge(registry, published, set(args.repin))
    added = sum(len(v) for v in merged.values()) - sum(len(v) for v in registry.values())
    new_pages = len(set(merged) - set(registry))
    anchors.dump(registry_path, merged)
    print(
        f"{registry_path.name}: {added} new anchor(s), {new_pages} new page(s), {len(args.repin)} re-pinned; "
        f"{sum(len(v) for v in merged.values())} anchors on {len(merged)} pages in all."
    )
    return 0
