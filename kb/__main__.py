"""One command line for every project tool: `python -m kb COMMAND [options]`.

    python -m kb build --profile    mkdocs build, and where its time went by stage
    python -m kb new "The Title" --author "Jane Doe" --themes journey,culture
    python -m kb anchors            register newly published anchors
    python -m kb offline            the offline edition zip
    python -m kb benchmark          this site against a bare Material site
    python -m kb shot SITE PAGE...  screenshots of built pages
    python -m kb synthetic N DIR    synthetic articles for scale tests
    python -m kb blocks             the generated blocks a page can ask for

`python -m kb COMMAND --help` describes each one.
"""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "build": ("kb.stages", "mkdocs build; with --profile, where the time went by stage"),
    "new": ("kb.tools.new_article", "scaffold an article with valid front matter"),
    "anchors": ("kb.tools.update_anchors", "add newly published anchors to anchors.json"),
    "offline": ("kb.tools.build_offline", "build the offline edition zip"),
    "benchmark": ("kb.tools.benchmark", "measure this site against a bare Material site"),
    "shot": ("kb.tools.screenshot", "screenshot built pages, desktop and phone, light and dark"),
    "synthetic": ("kb.tools.synthetic", "write synthetic articles for scale tests"),
    "blocks": ("kb.render", "list the generated blocks (<!-- kb:NAME -->)"),
    "mcp": ("kb.mcp_server", "serve the knowledge base to AI assistants (MCP, over stdio)"),
}


def usage() -> str:
    width = max(map(len, COMMANDS))
    lines = [f"  {name.ljust(width)}  {about}" for name, (_, about) in COMMANDS.items()]
    return "usage: python -m kb COMMAND [options]\n\ncommands:\n" + "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print(usage(), file=sys.stderr if argv and argv[0] not in ("-h", "--help") else sys.stdout)
        return 0 if not argv or argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    sys.argv[0] = f"python -m kb {argv[0]}"  # what argparse shows in usage and errors
    return module.main(argv[1:]) or 0


if __name__ == "__main__":
    sys.exit(main())
