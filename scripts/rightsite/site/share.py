"""The picture a shared link shows (Open Graph `og:image`): one per page type, drawn at build
time with the system's CJK font, so nothing is fetched and the same inputs give the same bytes."""
from __future__ import annotations

import functools
import hashlib
import os
import shutil
from pathlib import Path

SIZE = (1200, 630)
RED, DARK, WHITE = (183, 28, 28), (127, 0, 0), (255, 255, 255)
FONTS = ("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
# page type -> the heading its picture shows (the first folder of the page's address)
TYPES = {"home": "", "handbook": "维权手册", "cases": "典型案例", "events": "宣传活动", "standards": "服务标准",
         "reports": "年度报告", "laws": "法律依据", "channels": "投诉渠道"}


def page_type(src_uri: str) -> str:
    """cases/2025-001.md -> cases; index.md -> home; channels.md -> channels."""
    head = src_uri.split("/", 1)[0].removesuffix(".md")
    return head if head in TYPES else "home"


def image_path(kind: str) -> str:
    return f"assets/share/{kind}.png"


def available() -> bool:
    """Whether the pictures can be drawn (Pillow and a CJK font are installed)."""
    try:
        return _font(10) is not None
    except ImportError:
        return False


@functools.lru_cache(maxsize=64)
def _font(size: int, bold: bool = True):
    from PIL import ImageFont

    for path in (FONTS if bold else FONTS[::-1]):
        if Path(path).exists():
            return ImageFont.truetype(path, size, index=2)  # index 2 of the collection: SC (Simplified Chinese)
    return None


def _fit(draw, text: str, size: int, width: int, bold: bool = True):
    """The largest font up to `size` that fits `text` into `width` pixels."""
    while size > 20:
        font = _font(size, bold)
        if font is None or draw.textlength(text, font=font) <= width:
            return font
        size -= 4
    return _font(size, bold)


def _cache_key(site_title: str, organiser: str, hotline: str | None) -> str:
    """What the pictures are drawn from: the texts, this module (layout, colours, types) and the fonts."""
    h = hashlib.sha256(Path(__file__).read_bytes())
    for part in (site_title, organiser, hotline or ""):
        h.update(b"\0" + part.encode("utf-8"))
    for font in FONTS:
        if Path(font).exists():
            st = Path(font).stat()
            h.update(f"\0{font}:{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:32]


def write_share_images(site_dir: Path, site_title: str, organiser: str, hotline: str | None,
                       cache_dir: Path | None = None) -> list[str]:
    """Draw one picture per page type into site_dir/assets/share/; returns the kinds written
    (none when the CJK font is missing: the pages then carry no og:image). With `cache_dir`,
    pictures drawn from the same inputs before are copied from there instead of drawn again."""
    if not available():
        return []
    out = site_dir / "assets" / "share"
    out.mkdir(parents=True, exist_ok=True)
    kept = cache_dir / _cache_key(site_title, organiser, hotline) if cache_dir is not None else None
    if kept is not None and all((kept / f"{kind}.png").is_file() for kind in TYPES):
        for kind in TYPES:
            shutil.copyfile(kept / f"{kind}.png", out / f"{kind}.png")
        return list(TYPES)
    written = _draw(out, site_title, organiser, hotline)
    if kept is not None:
        try:  # pictures of earlier inputs are not kept
            shutil.rmtree(kept.parent, ignore_errors=True)
            tmp = kept.parent / f".tmp-{os.getpid()}"
            shutil.copytree(out, tmp)
            tmp.rename(kept)
        except OSError:  # an unwritable cache only costs the drawing next time
            pass
    return written


def _draw(out: Path, site_title: str, organiser: str, hotline: str | None) -> list[str]:
    from PIL import Image, ImageDraw

    written = []
    for kind, heading in TYPES.items():
        img = Image.new("RGB", SIZE, RED)
        draw = ImageDraw.Draw(img)
        draw.rectangle((0, SIZE[1] - 150, SIZE[0], SIZE[1]), fill=DARK)
        big = heading or site_title
        draw.text((80, 90), big, font=_fit(draw, big, 150, SIZE[0] - 160), fill=WHITE)
        if heading:
            draw.text((84, 300), site_title, font=_fit(draw, site_title, 64, SIZE[0] - 160), fill=WHITE)
        foot = organiser + (f"　热线 {hotline}" if hotline else "")
        draw.text((80, SIZE[1] - 110), foot, font=_fit(draw, foot, 48, SIZE[0] - 160, bold=False), fill=WHITE)
        img.save(out / f"{kind}.png", optimize=True)
        written.append(kind)
    return written
