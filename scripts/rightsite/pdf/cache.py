"""Rendered PDFs cached by a digest of all their inputs, as the social-cards plugin of Material does.

`<cache>/pdf/manifest.json` maps each output (e.g. "downloads/handbook.pdf") to the
digest of what it was made from and the sha256 of its bytes; `<cache>/pdf/<digest>.pdf`
holds the bytes. A document whose input digest is unchanged and whose cached bytes still
match their sha256 is copied from the cache instead of being rendered. Digests
cover the HTML (which carries every record's text), the CSS, the font files' identities,
the versions of the libraries that write the bytes and the source of this package.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
from functools import lru_cache
from importlib import metadata
from pathlib import Path

MANIFEST_VERSION = 2  # 2: each output also records the sha256 of its bytes
log = logging.getLogger("rightsite.pdf")
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


def pdf_defect(data: bytes) -> str | None:
    """Why `data` is not a readable PDF (pypdf cannot parse it, or it has no pages), or None."""
    import io
    import logging

    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    if not data.startswith(b"%PDF-"):
        return "文件头不是 %PDF-（不是 PDF 文件） not a PDF header"
    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its repair notes are not ours to print
    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
        return f"pypdf 无法解析：{type(exc).__name__}: {str(exc)[:80]}"
    return None if pages else "没有页面 no pages"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class PdfCache:
    """The manifest of one cache folder: reuse, store, and count what was rendered or reused.

    Each entry records the digest of its inputs (`key`) and of its bytes (`sha256`); a cached
    file is reused only when its bytes still have that digest. A damaged entry (truncated,
    overwritten, manifest unreadable) is dropped, logged and rendered again, never published.
    """

    def __init__(self, cache_dir: Path, kind: str = "pdf"):
        self.folder = Path(cache_dir) / kind
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "manifest.json"
        self.entries: dict[str, dict[str, str]] = {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if isinstance(data, dict) and data.get("version") == MANIFEST_VERSION:
                self.entries = {k: v for k, v in dict(data.get("outputs", {})).items()
                                if isinstance(v, dict) and isinstance(v.get("key"), str)
                                and isinstance(v.get("sha256"), str)}
        except (OSError, ValueError, TypeError):
            if self.path.exists():
                log.info("PDF 缓存清单 %s 已损坏，全部重新生成。 Cache manifest damaged; rendering again.", self.path)
            self.entries = {}
        self.used: dict[str, tuple[str, str]] = {}  # output -> (key, sha256 of its bytes)
        self.rendered: list[str] = []
        self.reused: list[str] = []
        self.damaged: list[str] = []

    def blob(self, key: str) -> Path:
        return self.folder / f"{key}.pdf"

    def lookup(self, output: str, key: str) -> bytes | None:
        """The cached bytes of `output` if made from the same inputs and still intact."""
        entry = self.entries.get(output)
        if entry is None or entry["key"] != key:
            return None
        try:
            data = self.blob(key).read_bytes()
        except OSError:
            return None
        why = ("内容与记录的摘要不符" if sha256(data) != entry["sha256"] else
               "文件不完整" if not (data.startswith(b"%PDF-") and b"%%EOF" in data[-1024:]) else "")
        if why:
            self.damaged.append(output)
            log.info("缓存中的 %s 已损坏（%s），重新生成。 Cached copy damaged; rendering again.", output, why)
            self.blob(key).unlink(missing_ok=True)
            return None
        return data

    def reuse(self, output: str, key: str, dest: Path) -> bool:
        """Write the cached PDF to `dest` if its inputs and bytes check out; True when reused."""
        data = self.lookup(output, key)
        if data is None:
            return False
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        self.used[output] = (key, sha256(data))
        self.reused.append(output)
        return True

    def store(self, output: str, key: str, data: bytes, dest: Path) -> None:
        """Record freshly rendered (and checked) bytes for `output` and write them to `dest`."""
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_bytes(data)
        tmp = self.folder / f".{key}.{os.getpid()}.tmp"
        tmp.write_bytes(data)
        os.replace(tmp, self.blob(key))
        self.used[output] = (key, sha256(data))
        self.rendered.append(output)

    def read(self, output: str) -> bytes | None:
        """Bytes of an output produced in this build (rendered or reused), verified again."""
        key, sha = self.used.get(output, ("", ""))
        try:
            data = self.blob(key).read_bytes() if key else None
        except OSError:
            return None
        return data if data is not None and sha256(data) == sha else None

    def save(self) -> None:
        """Write the manifest of this build and delete cached PDFs no output uses any more."""
        keep = {key for key, _ in self.used.values()}
        outputs = {k: {"key": key, "sha256": sha} for k, (key, sha) in sorted(self.used.items())}
        tmp = self.folder / f".manifest.{os.getpid()}.tmp"
        tmp.write_text(json.dumps({"version": MANIFEST_VERSION, "outputs": outputs}, ensure_ascii=False, indent=1),
                       encoding="utf-8")
        os.replace(tmp, self.path)
        for path in self.folder.glob("*.pdf"):
            if path.stem not in keep:
                path.unlink(missing_ok=True)
