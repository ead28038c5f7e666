"""Rendered PDFs cached by a digest of all their inputs, as the social-cards plugin of Material does.

`<cache>/pdf/manifest.json` maps each output (e.g. "downloads/handbook.pdf") to the
digest of what it was made from; `<cache>/pdf/<digest>.pdf` holds the bytes. A document
whose digest is unchanged is copied from the cache instead of being rendered. Digests
cover the HTML (which carries every record's text), the CSS, the font files' identities,
the versions of the libraries that write the bytes and the source of this package.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from importlib import metadata
from pathlib import Path

MANIFEST_VERSION = 1
LIBRARIES = ("weasyprint", "pydyf", "fonttools", "pypdf", "segno", "markdown", "jinja2", "tinycss2", "cssselect2")


@lru_cache(maxsize=1)
def toolchain_key() -> str:
    """Versions of everything that shapes the bytes, and the source of rightsite.pdf itself."""
    parts = []
    for name in LIBRARIES:
        try:
            parts.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name}=-")
    here = Path(__file__).parent
    code = hashlib.sha256()
    for path in sorted(here.glob("*.py")):
        code.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    parts.append(f"code={code.hexdigest()[:16]}")
    parts += _system_libraries()
    return ";".join(parts)


SYSTEM_LIBS = ("libpango-1.0.so.0", "libpangoft2-1.0.so.0", "libharfbuzz.so.0", "libharfbuzz-subset.so.0",
               "libfontconfig.so.1")
LIB_DIRS = ("/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu",
            "/usr/lib64", "/usr/lib", "/usr/local/lib")


def _system_libraries() -> list[str]:
    """The real file names (with versions) of the C libraries that lay out and subset text.

    Found without importing WeasyPrint, so that a rebuild with nothing changed stays cheap.
    WeasyPrint subsets with HarfBuzz when libharfbuzz-subset exists, else with fontTools:
    the bytes differ, so its presence is part of the key.
    """
    out = []
    for soname in SYSTEM_LIBS:
        found = next((os.path.realpath(os.path.join(d, soname)) for d in LIB_DIRS
                      if os.path.exists(os.path.join(d, soname))), "-")
        out.append(f"{soname}={os.path.basename(found)}")
    return out


def digest(*parts: str | bytes) -> str:
    """sha256 of the parts, each length-prefixed so that ("ab", "c") != ("a", "bc")."""
    h = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        h.update(len(data).to_bytes(8, "big"))
        h.update(data)
    return h.hexdigest()


class PdfCache:
    """The manifest of one cache folder: reuse, store, and count what was rendered or reused."""

    def __init__(self, cache_dir: Path):
        self.folder = Path(cache_dir) / "pdf"
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "manifest.json"
        self.entries: dict[str, str] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if data.get("version") == MANIFEST_VERSION:
                self.entries = dict(data.get("outputs", {}))
        except (OSError, ValueError):
            self.entries = {}
        self.used: dict[str, str] = {}
        self.rendered: list[str] = []
        self.reused: list[str] = []

    def blob(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def lookup(self, output: str, key: str) -> Path | None:
        """The cached PDF for `output` if it was made from the same inputs."""
        path = self.blob(key)
        if self.entries.get(output) == key and path.is_file():
            return path
        return None

    def reuse(self, output: str, key: str, dest: Path) -> bool:
        """Copy the cached PDF to `dest` if its digest matches; True when reused."""
        path = self.lookup(output, key)
        if path is None:
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
        self.used[output] = key
        self.reused.append(output)
        return True

    def store(self, output: str, key: str, data: bytes, dest: Path) -> None:
        """Record freshly rendered bytes for `output` and write them to `dest`."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, self.blob(key))
        self.used[output] = key
        self.rendered.append(output)

    def read(self, output: str) -> bytes | None:
        """Bytes of an output produced in this build (rendered or reused)."""
        key = self.used.get(output)
        return self.blob(key).read_bytes() if key and self.blob(key).is_file() else None

    def save(self) -> None:
        """Write the manifest of this build and delete cached PDFs no output uses any more."""
        keep = set(self.used.values())
        tmp = self.folder / f".manifest.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"version": MANIFEST_VERSION, "outputs": dict(sorted(self.used.items()))},
                                  ensure_ascii=False, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
        for path in self.folder.glob("*.pdf"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
