"""Escaping record text into Markdown: record text is data, never markup.

Record fields may contain `<`, `&` or Markdown-looking characters; they are HTML-escaped
so nothing an editor types can inject tags into the site. Paragraph breaks are kept;
line breaks inside a Chinese paragraph are joined without a space.
"""
from __future__ import annotations

import re

from markupsafe import Markup, escape

LIST_LINE = re.compile(r"^\s*(?:[-*+]|\d+[.、)）])\s*")
CJK_END = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$")


def inline(text: object) -> Markup:
    """Escape text for use inside a Markdown line (no line breaks)."""
    value = " ".join(str(text or "").split("\n"))
    return Markup(_escape_md(str(escape(value))))


def _escape_md(text: str) -> str:
    # Emphasis and link brackets in data are literal characters, not Markdown.
    return re.sub(r"([\\`*_\[\]])", r"\\\1", text)


def paragraphs(text: object) -> Markup:
    """Escape multi-paragraph text; keep list lines, join wrapped CJK lines."""
    out = []
    for block in re.split(r"\n\s*\n", str(text or "").strip()):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if any(LIST_LINE.match(ln) for ln in lines[1:]) or LIST_LINE.match(lines[0]) and len(lines) > 1:
            out.append("\n".join(_escape_md(str(escape(ln))) for ln in lines))
            continue
        joined = lines[0]
        for ln in lines[1:]:
            joined += ("" if CJK_END.search(joined) else " ") + ln
        out.append(_escape_md(str(escape(joined))))
    return Markup("\n\n".join(out))


def money(value: object) -> str:
    """3200 -> 3,200.00"""
    return f"{float(value):,.2f}"
