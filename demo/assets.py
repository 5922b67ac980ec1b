"""Solara's browser files, put in its local cache from the npm registry when missing.

Solara serves its front end (Vuetify app, RequireJS, Font Awesome) through a caching proxy
of a public CDN. Where the CDN cannot be reached (CI, a classroom behind a firewall) the
page stays blank; the same files are published on the npm registry, so `npm pack` fills
the cache once. Run `python -m demo.assets`; it does nothing when the files are there.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

_PACKAGE = re.compile(r"(?:\{\{\s*cdn\s*\}\}|getCdn\(\)\})/((?:@[\w.-]+/)?[\w.-]+)@([0-9][\w.-]*)/")
# Files whose CDN references the demo's page loads: the page template and Markdown (which
# loads KaTeX and Mermaid on demand).
_SOURCES = ("server/templates/solara.html.j2", "components/markdown.py")


def required_packages() -> list[tuple[str, str]]:
    """(npm name, version) of every package the demo's page loads from Solara's CDN proxy."""
    import solara
    import solara.server.settings as settings

    root = Path(solara.__file__).parent
    found: dict[tuple[str, str], None] = {}
    for rel in _SOURCES:
        found.update(dict.fromkeys(_PACKAGE.findall((root / rel).read_text())))
    fa = re.match(r"/?((?:@[\w.-]+/)?[\w.-]+)@([0-9][\w.-]*)/",
                  settings.assets.fontawesome_path)
    if fa:
        found[(fa.group(1), fa.group(2))] = None
    return list(found)


def cache_dir() -> Path:
    import solara.server.settings as settings

    return Path(settings.assets.proxy_cache_dir)


def missing(cache: Path | None = None) -> list[tuple[str, str]]:
    cache = cache or cache_dir()
    return [(n, v) for n, v in required_packages()
            if not (cache / f"{n}@{v}" / "package.json").exists()]


def fetch(name: str, version: str, cache: Path) -> None:
    """Unpack one npm package into the cache as `<name>@<version>/...` (the CDN's layout)."""
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is needed to fetch Solara's browser files offline")
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([npm, "pack", f"{name}@{version}", "--silent"], cwd=tmp,
                             capture_output=True, text=True, check=True, timeout=300)
        tgz = Path(tmp) / out.stdout.strip().splitlines()[-1]
        target = cache / f"{name}@{version}"
        staging = Path(tmp) / "unpacked"
        with tarfile.open(tgz) as tar:
            tar.extractall(staging, filter="data")
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            shutil.rmtree(target)
        shutil.move(str(staging / "package"), target)


def ensure() -> list[str]:
    """Fetch what is missing; return the packages fetched."""
    cache = cache_dir()
    done = []
    for name, version in missing(cache):
        fetch(name, version, cache)
        done.append(f"{name}@{version}")
    return done


if __name__ == "__main__":
    fetched = ensure()
    print("Solara browser files: " + (("fetched " + ", ".join(fetched)) if fetched
                                      else "already in the cache"), file=sys.stderr)
