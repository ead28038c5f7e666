"""Print fonts: single Noto CJK SC faces extracted once from Debian's collections, and glyph coverage.

Debian's fonts-noto-cjk ships 20–27 MB collections (.ttc) of ten faces each. Handing those
to WeasyPrint means every document loads and subsets a whole collection. Instead each SC
face we use is copied once, table by table (no recompilation, about a second), into a
single-face .otf under `<cache>/fonts/`, keyed by the collection's size, mtime and the
fontTools version; its cmap is stored beside it as code point ranges, so later builds
neither open the font nor parse its cmap. The print CSS references these files with
@font-face under names of our own, so fontconfig never substitutes a system face.

No WeasyPrint import here: this module is also used by the cache and coverage checks,
which must stay cheap on a rebuild where nothing changed.
"""
from __future__ import annotations

import hashlib
import json
import logging
import os
import unicodedata
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("rightsite.pdf")

FONT_DIRS = (
    Path("/usr/share/fonts/opentype/noto"),
    Path("/usr/share/fonts/opentype/noto-cjk"),
    Path("/usr/share/fonts/noto-cjk"),
    Path("/usr/share/fonts/google-noto-cjk"),
)
EXTRACT_VERSION = "2"  # bump when the extraction itself changes


@dataclass(frozen=True)
class FaceSpec:
    """One face we print with: where it comes from and the @font-face it becomes."""

    key: str  # file stem in the cache, e.g. "serif-regular"
    collection: str  # file name of the Debian collection
    postscript: str  # PostScript name of the SC face inside it
    family: str  # our @font-face family name (never a system name)
    weight: int


FACES = (
    FaceSpec("serif-regular", "NotoSerifCJK-Regular.ttc", "NotoSerifCJKsc-Regular", "Rightsite Serif SC", 400),
    FaceSpec("serif-bold", "NotoSerifCJK-Bold.ttc", "NotoSerifCJKsc-Bold", "Rightsite Serif SC", 700),
    FaceSpec("sans-regular", "NotoSansCJK-Regular.ttc", "NotoSansCJKsc-Regular", "Rightsite Sans SC", 400),
    FaceSpec("sans-bold", "NotoSansCJK-Bold.ttc", "NotoSansCJKsc-Bold", "Rightsite Sans SC", 700),
)
FAMILIES = tuple(dict.fromkeys(f.family for f in FACES))
# characters that never need a glyph: controls, format characters, line/paragraph separators
_NO_GLYPH_CATEGORIES = {"Cc", "Cf", "Zl", "Zp"}


class FontError(Exception):
    """A face we need is missing or unreadable; the message says what to install."""


@dataclass(frozen=True)
class PreparedFace:
    spec: FaceSpec
    path: Path  # the single-face .otf in the cache
    source_key: str  # identity of the source collection + extraction (goes into PDF digests)


@dataclass
class FontSet:
    """The prepared faces of one build and the code points every one of them covers."""

    faces: tuple[PreparedFace, ...]
    covered: frozenset[int]

    def font_face_css(self) -> str:
        """@font-face rules pointing at the cached single-face files (file:// URLs)."""
        rules = []
        for face in self.faces:
            rules.append(
                "@font-face {"
                f' font-family: "{face.spec.family}"; src: url("{face.path.as_uri()}") format("opentype");'
                f" font-weight: {face.spec.weight}; font-style: normal; }}"
            )
        return "\n".join(rules) + "\n"

    def digest_key(self) -> str:
        """Identity of the fonts for cache digests (independent of where the cache lives)."""
        return "|".join(f"{f.spec.key}={f.source_key}" for f in self.faces)

    def uncovered(self, text: str) -> list[str]:
        """Characters of `text` that some face lacks, in order of first appearance."""
        seen: dict[str, None] = {}
        for ch in text:
            if ch in seen or ord(ch) in self.covered or ch.isspace():
                continue
            if unicodedata.category(ch) in _NO_GLYPH_CATEGORIES:
                continue
            seen[ch] = None
        return list(seen)


def find_collection(name: str, dirs: tuple[Path, ...] = FONT_DIRS) -> Path:
    """Path of a Debian Noto CJK collection, or FontError naming the package to install."""
    for folder in dirs:
        path = folder / name
        if path.is_file():
            return path
    for folder in (Path("/usr/share/fonts"), Path("/usr/local/share/fonts")):
        if folder.is_dir():
            for path in sorted(folder.rglob(name)):
                return path
    raise FontError(f"找不到字体文件 {name}。请安装 Debian 软件包 fonts-noto-cjk："
                    f"sudo apt-get install fonts-noto-cjk。 Font {name} not found; install fonts-noto-cjk.")


def _source_key(src: Path) -> str:
    import fontTools

    st = src.stat()
    raw = f"{src.name}:{st.st_size}:{st.st_mtime_ns}:fonttools-{fontTools.version}:x{EXTRACT_VERSION}"
    return hashlib.sha256(raw.encode()).hexdigest()[:16]


def _ranges(codepoints: list[int]) -> list[list[int]]:
    out: list[list[int]] = []
    for cp in sorted(codepoints):
        if out and cp == out[-1][1] + 1:
            out[-1][1] = cp
        else:
            out.append([cp, cp])
    return out


def _extract(spec: FaceSpec, src: Path, dest: Path, meta: Path) -> None:
    """Copy the SC face out of the collection without recompiling its tables."""
    from fontTools.ttLib import TTCollection

    # recalcTimestamp=False: the copy keeps the collection's head.modified, so every machine
    # extracts the same bytes and the PDFs do not depend on when the cache was filled
    collection = TTCollection(str(src), lazy=True, recalcTimestamp=False, recalcBBoxes=False)
    for font in collection.fonts:
        if font["name"].getDebugName(6) == spec.postscript:
            break
    else:
        raise FontError(f"{src} 中没有 {spec.postscript} 字形。请重新安装 fonts-noto-cjk。"
                        f" {src} has no face {spec.postscript}.")
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    font.save(str(tmp), reorderTables=False)
    cmap = sorted(font.getBestCmap())
    os.replace(tmp, dest)
    _write_meta(meta, {"postscript": spec.postscript, "source": str(src), "cmap": _ranges(cmap)}, dest)


def _write_meta(meta: Path, data: dict, dest: Path) -> None:
    """The face's coverage, with the size, mtime and sha256 of the extracted file (to verify it)."""
    st = dest.stat()
    data = {**data, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
            "sha256": hashlib.sha256(dest.read_bytes()).hexdigest()}
    tmp_meta = meta.with_name(f".{meta.name}.{os.getpid()}.tmp")
    tmp_meta.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp_meta, meta)


def _cached_ranges(dest: Path, meta: Path) -> list[list[int]] | None:
    """The coverage of an extracted face if the file is intact, else None (extract again).

    Unchanged size and mtime: trusted, as git trusts its index; otherwise the sha256 decides.
    A cache from before digests were recorded gets them now."""
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
        ranges = data["cmap"]
        st = dest.stat()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if "sha256" not in data:
        _write_meta(meta, data, dest)
        return ranges
    if st.st_size == data.get("size") and st.st_mtime_ns == data.get("mtime_ns"):
        return ranges
    if st.st_size == data.get("size") and hashlib.sha256(dest.read_bytes()).hexdigest() == data["sha256"]:
        return ranges
    log.info("字体缓存 %s 已损坏，重新提取。 Font cache damaged; extracting again.", dest.name)
    return None


def _prepare_face(spec: FaceSpec, cache_dir: Path) -> tuple[PreparedFace, list[list[int]]]:
    src = find_collection(spec.collection)
    key = _source_key(src)
    folder = cache_dir / "fonts"
    folder.mkdir(parents=True, exist_ok=True)
    dest = folder / f"{spec.key}-{key}.otf"
    meta = folder / f"{spec.key}-{key}.json"
    ranges = _cached_ranges(dest, meta) if dest.is_file() and meta.is_file() else None
    if ranges is None:
        for old in folder.glob(f"{spec.key}-*"):  # an older (or damaged) extraction of the same face
            old.unlink(missing_ok=True)
        _extract(spec, src, dest, meta)
        ranges = json.loads(meta.read_text(encoding="utf-8"))["cmap"]
    return PreparedFace(spec, dest, key), ranges


_PREPARED: dict[Path, FontSet] = {}


def prepare_fonts(cache_dir: Path) -> FontSet:
    """Extract (first time only) the faces we print with and return them with their coverage.

    Raises FontError when fonts-noto-cjk is missing.
    """
    cache_dir = Path(cache_dir).resolve()
    if cache_dir in _PREPARED and all(f.path.is_file() for f in _PREPARED[cache_dir].faces):
        return _PREPARED[cache_dir]
    faces = []
    covered: set[int] | None = None
    for spec in FACES:
        face, ranges = _prepare_face(spec, cache_dir)
        faces.append(face)
        points = {cp for lo, hi in ranges for cp in range(lo, hi + 1)}
        covered = points if covered is None else covered & points  # a character must print in every face
    fontset = FontSet(tuple(faces), frozenset(covered or ()))
    _PREPARED[cache_dir] = fontset
    return fontset


def describe_char(ch: str) -> str:
    """`“😀”（U+1F600 GRINNING FACE）` for messages."""
    name = unicodedata.name(ch, "")
    return f"“{ch}”（U+{ord(ch):04X}{' ' + name if name else ''}）"
