"""Every built page is valid HTML: the Nu HTML Checker (vnu.jar, the W3C
validator's engine) finds no error that this project causes.

One vnu run checks the whole `site` fixture. The only errors allowed are the
few that Material for MkDocs' own templates produce, listed in ALLOWED below
with the template line that emits each; every one of them also appears when a
bare Material site (no overrides, no hook, no plugins) is validated: see
test_allowed_errors_are_materials_own, which builds such a site and checks.

vnu.jar comes from package-lock.json (`npm ci`, run by `make test`), Java
from Debian's default-jre-headless (`make test` installs it when missing).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import pytest
from early import early

from kb.devtools import ROOT, build_site, material_theme, read_config
from kb.htmltext import built_pages

VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


@dataclass(frozen=True)
class Allowed:
    """An error Material's own templates cause: `message` and `extract` are
    regular expressions matched against vnu's message and the source extract."""

    name: str
    message: str
    extract: str
    # Does a bare Material site (site_name, theme: material, one page) show it,
    # or only with the Material features this site turns on in mkdocs.yml?
    needs_features: bool

    def matches(self, error: dict) -> bool:
        return bool(re.search(self.message, error["message"]) and re.search(self.extract, error.get("extract", "")))


ALLOWED = [
    # material/templates/base.html, lines 99-100:
    #   <input class="md-toggle" data-md-toggle="drawer" type="checkbox" id="__drawer" autocomplete="off">
    #   <input class="md-toggle" data-md-toggle="search" type="checkbox" id="__search" autocomplete="off">
    # autocomplete is not allowed on a checkbox. Two per page, on every page,
    # including a bare Material site.
    Allowed(
        "base.html: autocomplete on the drawer and search checkboxes",
        r"^Attribute “autocomplete” is only allowed when the input type is",
        r'<input class="md-toggle" data-md-toggle="(drawer|search)" type="checkbox" id="__(drawer|search)" '
        r'autocomplete="off">',
        needs_features=False,
    ),
    # material/templates/partials/nav-item.html, lines 107 and 119, with the
    # navigation.sections feature: a section's label gets tabindex="{{ tabindex }}"
    # and tabindex is empty for top-level sections. One per section per page.
    Allowed(
        'partials/nav-item.html: tabindex="" on a section label (navigation.sections)',
        r"^Bad value “” for attribute “tabindex” on element “label”",
        r'<label class="md-nav__link[^"]*" for="__nav_\d+" id="__nav_\d+_label" tabindex="">',
        needs_features=True,
    ),
    # material/templates/partials/toc.html, line 15, with navigation.indexes:
    # on a section's index page that has a table of contents, toc.html prints
    # <label for="__toc"> but nav-item.html (line 145) prints the matching
    # <input id="__toc"> only for pages that are not a section index.
    Allowed(
        'partials/toc.html: label for="__toc" without its input on a section index page (navigation.indexes)',
        r"^The value of the “for” attribute of the “label” element must be the ID of a non-hidden form control",
        r'<label class="md-nav__title" for="__toc">',
        needs_features=True,
    ),
]

# The Material features this site turns on (read from mkdocs.yml): a bare
# site with them shows the errors marked needs_features.
MATERIAL_FEATURES = material_theme(read_config())["features"]


# One short run: the quick compiler alone (-XX:TieredStopAtLevel=1) halves
# its CPU time (measured: 4 core-seconds instead of 9 for this site and the
# bare ones, same messages); its deeper frames need a larger thread stack.
JAVA_FLAGS = ["-XX:TieredStopAtLevel=1", "-Xss4m"]


def vnu(*roots: Path) -> list[dict]:
    """vnu's messages for every HTML file under `roots` (one Java start); each
    message's "root" is the folder it came from, its "page" the path in it."""
    java = shutil.which("java")
    if java is None or not VNU_JAR.exists():
        pytest.fail(
            "The HTML validity test needs Java and vnu.jar: run `make test` "
            "(or apt-get install default-jre-headless && npm ci)."
        )
    result = subprocess.run(
        [java, *JAVA_FLAGS, "-jar", str(VNU_JAR), "--format", "json", "--skip-non-html", *map(str, roots)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    # vnu writes its JSON report to stderr; exit status 1 means "errors found".
    report = json.loads(result.stderr or result.stdout)
    for message in report["messages"]:
        path = message.get("url", "").removeprefix("file:")
        root = max((r for r in roots if path.startswith(str(r) + "/")), key=lambda r: len(str(r)), default=None)
        message["root"] = root
        message["page"] = path.removeprefix(str(root)).lstrip("/") if root else path
    return report["messages"]


def errors(messages: list[dict]) -> list[dict]:
    # "info" messages (warnings) are advice; "error" (with subType "fatal")
    # and "non-document-error" (a file vnu could not read) fail.
    return [m for m in messages if m["type"] != "info"]


def allowed_by(error: dict) -> Allowed | None:
    return next((a for a in ALLOWED if a.matches(error)), None)


def describe(errs: list[dict]) -> str:
    """Errors grouped by message, with the pages and an extract of each."""
    groups = defaultdict(list)
    for e in errs:
        groups[e["message"]].append(e)
    lines = []
    for message, group in sorted(groups.items(), key=lambda g: -len(g[1])):
        pages = sorted({e["page"] for e in group})
        lines.append(
            f"{len(group)} x {message}\n    pages: {', '.join(pages)}\n"
            f"    e.g. line {group[0].get('lastLine')}: {group[0].get('extract', '')!r}"
        )
    return "\n".join(lines)


def bare_project(project: Path, variant: str) -> Path:
    """A bare Material site (no custom_dir, no hook, no plugin but search):
    "bare", the minimal one, or "features", with this site's Material
    features and a section index page like docs/themes/index.md."""
    (project / "docs" / "section").mkdir(parents=True)
    config = "site_name: X\ntheme:\n  name: material\n"
    if variant == "features":
        config += "  features:\n" + "".join(f"    - {f}\n" for f in MATERIAL_FEATURES)
        (project / "docs" / "section" / "index.md").write_text("# Section\n\nIntro.\n\n## A part\n\nText.\n")
        (project / "docs" / "section" / "page.md").write_text("# Page\n\nText.\n\n## A part\n\nText.\n")
    (project / "mkdocs.yml").write_text(config)
    (project / "docs" / "index.md").write_text("# An article\n\nSome text.\n\n## A part\n\nMore text.\n")
    return project


VARIANTS = ("bare", "features")


@early
def bare_sites(tmp_path_factory) -> Path:
    """The two bare Material sites, built at the same time, in one folder."""
    from concurrent.futures import ThreadPoolExecutor

    work = tmp_path_factory.mktemp("vnu")

    def build(variant):
        project = bare_project(work / "projects" / variant, variant)
        return build_site(project, work / "sites" / variant, strict=True, quiet=True)

    with ThreadPoolExecutor(len(VARIANTS)) as pool:
        for result in pool.map(build, VARIANTS):
            assert result.returncode == 0, result.stderr
    return work / "sites"


@early
def checked(built_site, bare_sites) -> dict[str, list[dict]]:
    """vnu's messages, one Java run for this site and the two bare Material
    sites: {"site": [...], "bare": [...]}."""
    site = built_site[0]
    found = vnu(site, bare_sites)
    return {
        "site": [m for m in found if m["root"] == site],
        "bare": [m for m in found if m["root"] == bare_sites],
    }


@pytest.fixture(scope="module")
def messages(checked) -> list[dict]:
    return checked["site"]


def test_every_page_is_valid_html(site, messages):
    unexplained = [e for e in errors(messages) if allowed_by(e) is None]
    if unexplained:
        pytest.fail(
            f"{len(unexplained)} HTML errors that Material does not cause (vnu.jar over {site}):\n"
            + describe(unexplained),
            pytrace=False,
        )


def test_vnu_checked_every_page(site, messages):
    """vnu reports only pages with messages; Material's base.html error is on
    every page, so it proves each built page was read."""
    base_html = ALLOWED[0]
    seen = {e["page"] for e in errors(messages) if base_html.matches(e)}
    pages = {str(p.relative_to(site)) for p in built_pages(site)}
    assert len(pages) >= 10
    assert seen == pages, f"vnu did not report on: {sorted(pages - seen)}"


def test_every_allowed_error_still_occurs(messages):
    """An entry nothing matches any more (a Material upgrade fixed it) goes."""
    unused = [a.name for a in ALLOWED if not any(a.matches(e) for e in errors(messages))]
    assert not unused, f"Remove from ALLOWED, no page has them any more: {unused}"


def test_allowed_errors_are_materials_own(checked):
    """The evidence for ALLOWED: a bare Material site (no custom_dir, no hook,
    no plugin but search) shows exactly those errors and no other. Two such
    sites, checked in the same vnu run as this site: the minimal one, and one
    with this site's Material features and a section index page like
    docs/themes/index.md."""
    errs = errors(checked["bare"])
    assert errs, "vnu found nothing at all in bare Material: is it checking?"
    assert all(allowed_by(e) for e in errs), "Material errors not in ALLOWED:\n" + describe(
        [e for e in errs if not allowed_by(e)]
    )
    found = {variant: {allowed_by(e).name for e in errs if e["page"].startswith(variant + "/")} for variant in VARIANTS}
    for entry in ALLOWED:
        assert entry.name in found["features"], f"A Material site with this site's features does not show: {entry.name}"
        assert (entry.name in found["bare"]) == (not entry.needs_features), entry.name
