"""QR codes as vector SVG (a data: URL or inline <svg>), for links a reader cannot click on paper.

segno computes the matrix; the SVG is written here with a viewBox and filled squares, so
it scales to any printed size without gaps, and the same URL always gives the same bytes.
"""
from __future__ import annotations

import base64
import functools

import segno


def qr_svg(url: str, *, border: int = 2) -> str:
    """A square SVG (viewBox in modules, black on transparent) encoding `url`, error level M."""
    code = segno.make(url, error="m", micro=False, boost_error=False)
    rows = [list(row) for row in code.matrix_iter(scale=1, border=border)]
    size = len(rows)
    parts = []
    for y, row in enumerate(rows):
        x = 0
        while x < size:
            if row[x]:
                start = x
                while x < size and row[x]:
                    x += 1
                parts.append(f"M{start} {y}h{x - start}v1h-{x - start}z")
            else:
                x += 1
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
            f'width="{size}" height="{size}" shape-rendering="crispEdges">'
            f'<path fill="#000" d="{"".join(parts)}"/></svg>')


@functools.lru_cache(maxsize=1024)  # a flyer's three set-ups, the handbook's and standards' covers
def qr_data_url(url: str, *, border: int = 2) -> str:
    """The QR code of `url` as a data:image/svg+xml URL for an <img src>."""
    svg = qr_svg(url, border=border).encode("ascii")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def short_url(url: str) -> str:
    """How a URL is printed: no scheme, no trailing slash (https://www.12315.cn/ -> www.12315.cn)."""
    text = url.strip()
    for prefix in ("https://", "http://", "mailto:", "tel:"):
        if text.lower().startswith(prefix):
            text = text[len(prefix):]
            break
    return text[:-1] if text.endswith("/") and text.count("/") == 1 else text


def printed_url(url: str):
    """A short URL as print HTML that wraps only after a "/": each part is kept on one line,
    since a break at the hyphen of a host (qinghe-/plaza) reads as part of the address.
    A part too long for any line may still break anywhere."""
    from markupsafe import Markup, escape

    text = short_url(url)
    parts = [p + "/" for p in text.split("/")[:-1]] + ([text.rsplit("/", 1)[-1]] if not text.endswith("/") else [])
    return Markup("").join(Markup('<span class="url-part">{}</span>').format(p) if len(p) <= 32 else escape(p)
                           for p in parts if p)
