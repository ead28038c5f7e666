"""Saddle-stitch imposition with pypdf: two A5 pages side by side on each side of an A4 landscape sheet.

For n pages (padded with blanks to a multiple of 4), sheet i (from 0) carries
    front: page n-2i (left)  | page 2i+1 (right)
    back:  page 2i+2 (left)  | page n-2i-1 (right)
so that the sheets, printed double-sided (flip on the short edge), stacked in order,
folded and stapled, read 1, 2, 3 ... n. The blanks go just before the back cover when
`keep_last` is set, so the back cover stays on the outside.
"""
from __future__ import annotations

import io

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import NameObject, TextStringObject

A4_LANDSCAPE = (841.89, 595.28)  # points


def booklet_order(n: int) -> list[tuple[int, int]]:
    """Page numbers (1-based) for each sheet side, left then right; `n` must be a multiple of 4."""
    if n % 4:
        raise ValueError(f"page count {n} is not a multiple of 4")
    sides = []
    for i in range(n // 4):
        sides.append((n - 2 * i, 2 * i + 1))
        sides.append((2 * i + 2, n - 2 * i - 1))
    return sides


def padded_sequence(count: int, keep_last: bool = True) -> list[int | None]:
    """Source page indexes (0-based) in reading order, with None for the blanks added to reach a multiple of 4."""
    blanks = (-count) % 4
    pages: list[int | None] = list(range(count))
    if keep_last and count > 1:
        return pages[:-1] + [None] * blanks + pages[-1:]
    return pages + [None] * blanks


def impose(pdf: bytes, *, title: str = "", author: str = "", created: str = "", lang: str = "zh-CN",
           keep_last: bool = True) -> bytes:
    """The saddle-stitch booklet of `pdf` (A5 pages) as a new PDF of A4 landscape sheet sides.

    `created` is a PDF date string (D:20261015000000+08'00') for CreationDate and ModDate.
    """
    reader = PdfReader(io.BytesIO(pdf))
    sequence = padded_sequence(len(reader.pages), keep_last)
    n = len(sequence)
    first = reader.pages[0]
    width, height = float(first.mediabox.width), float(first.mediabox.height)
    sheet_w, sheet_h = max(A4_LANDSCAPE[0], 2 * width), max(A4_LANDSCAPE[1], height)
    dx, dy = (sheet_w - 2 * width) / 2, (sheet_h - height) / 2  # centre the spread on the sheet
    writer = PdfWriter()
    for left, right in booklet_order(n):
        sheet = PageObject.create_blank_page(width=sheet_w, height=sheet_h)
        for slot, number in ((0, left), (1, right)):
            index = sequence[number - 1]
            if index is None:
                continue
            page = reader.pages[index]
            box = page.mediabox
            move = Transformation().translate(dx + slot * width - float(box.left), dy - float(box.bottom))
            sheet.merge_transformed_page(page, move)
        writer.add_page(sheet)
    info = {"/Producer": "rightsite (pypdf)", "/Creator": "rightsite",
            "/Subject": "A4 横向双面打印（沿短边翻转），整叠对折后骑马钉装订。"
                        " Print on A4 landscape, double-sided, flip on the short edge; fold and staple."}
    if title:
        info["/Title"] = title
    if author:
        info["/Author"] = author
    if created:
        info["/CreationDate"] = created
        info["/ModDate"] = created
    writer.add_metadata(info)
    writer.root_object[NameObject("/Lang")] = TextStringObject(lang)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
