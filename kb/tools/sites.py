"""The sites the benchmark and the search evaluation build: this site (a
git repository, as hosted) and the bare Material peer, from the same
articles; one clean build of either, and a built site's bytes."""

from __future__ import annotations

import gzip
import http.server
import io
import re
import resource
import shutil
import subprocess
import time
from pathlib import Path

import yaml

from kb.devtools import ROOT, build_site, copy_project, material_theme, read_config
from kb.tools import synthetic

TEXT = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt")  # served gzipped
MARK_LINE = re.compile(r"^\s*\{[^}]*\}\s*$", re.M)


def make_projects(workdir: Path, articles: int, only_ours: bool = False) -> dict[str, Path]:
    ours = copy_project(workdir / "ours")
    if articles:
        synthetic.write(articles, ours / "docs" / "articles", prose=True)
    # As hosted: a git repository, so last-updated dates come from git.
    git = ["git", "-c", "user.name=bench", "-c", "user.email=bench@127.0.0.1", "-c", "commit.gpgsign=false"]
    subprocess.run(["git", "init", "-q"], cwd=ours, check=True)
    subprocess.run([*git, "add", "-A"], cwd=ours, check=True)
    subprocess.run([*git, "commit", "-qm", "benchmark"], cwd=ours, check=True)
    if only_ours:
        return {"ours": ours}
    bare = workdir / "bare"
    (bare / "docs" / "articles").mkdir(parents=True)
    (bare / "mkdocs.yml").write_text(peer_config(), encoding="utf-8")
    for md in (ROOT / "docs" / "articles").glob("*.md"):
        if md.name != "index.md":
            (bare / "docs" / "articles" / md.name).write_text(
                MARK_LINE.sub("", md.read_text(encoding="utf-8")), encoding="utf-8"
            )
    (bare / "docs" / "index.md").write_text("# CX Knowledge Base\n", encoding="utf-8")
    if articles:
        synthetic.write(articles, bare / "docs" / "articles", plain=True, prose=True)
    return {"ours": ours, "bare": bare}


def peer_config() -> str:
    """The fair peer's mkdocs.yml: bare Material with this site's theme
    settings (features, palette toggle, fonts), so the comparison is of what
    this site adds, not of a configuration nobody would run."""
    config = {"site_name": "CX Knowledge Base", "theme": material_theme(read_config(ROOT / "mkdocs.yml"))}
    return yaml.safe_dump(config, sort_keys=False, allow_unicode=True)


def build(project: Path, site: Path, site_url: str) -> tuple[float, float]:
    """One clean build: (wall seconds, CPU seconds of the build and its children)."""
    if site.exists():
        shutil.rmtree(site)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    result = build_site(project, site, {"SITE_URL": site_url}, strict=False, quiet=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if result.returncode != 0:
        raise SystemExit(f"build of {project.name} failed:\n{result.stderr[-3000:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def site_bytes(site: Path) -> tuple[int, int]:
    """(bytes, files) of the built site."""
    sizes = [f.stat().st_size for f in site.rglob("*") if f.is_file()]
    return sum(sizes), len(sizes)


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves as GitHub Pages does: text compressed, and every response
    cacheable for 10 minutes (`Cache-Control: max-age=600`), so a file a
    page asks for twice (Material asks for sitemap.xml three times) is
    transferred once."""

    compress = True

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def log_message(self, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        accepted = "gzip" in self.headers.get("Accept-Encoding", "")
        if not (self.compress and accepted) or path.suffix not in TEXT or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


class UncompressedHandler(GzipHandler):
    """As GzipHandler, nothing compressed: the worst case Lighthouse is also
    run on (a host that does not compress)."""

    compress = False
