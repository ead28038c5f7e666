"""Escaping record text into Markdown: record text is data, never markup.

Record fields may contain `<`, `&` or Markdown-looking characters; they are HTML-escaped
so nothing an editor types can inject tags into the site. Paragraph breaks are kept;
line breaks inside a Chinese paragraph are joined without a space.
"""
from __future__ import annotations

import re
from typing import SupportsFloat

from markupsafe import Markup, escape

LIST_LINE = re.compile(r"^\s*(?:[-*+]\s+\S|\d+[.、)）]\s*\S)")
# characters that would otherwise be Markdown or attr_list syntax, as HTML entities
_ENTITIES = {"{": "&#123;", "}": "&#125;", "|": "&#124;"}
CJK_END = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$")


def inline(text: object) -> Markup:
    """Escape text for use inside a Markdown line (no line breaks)."""
    value = " ".join(str(text or "").split("\n"))
    return Markup(_escape_md(str(escape(value))))


def _escape_md(text: str) -> str:
    """Record text is literal: no emphasis, links, attribute lists, table cells or headings."""
    text = re.sub(r"([\\`*_\[\]])", r"\\\1", text)
    text = re.sub(r"[{}|]", lambda m: _ENTITIES[m.group(0)], text)
    # a line that would start a heading, a rule or a setext underline
    return re.sub(r"(?m)^(\s*)([#=>+-])", r"\1\\\2", text)


def paragraphs(text: object) -> Markup:
    """Escape multi-paragraph text; keep list lines, join wrapped CJK lines."""
    out = []
    for block in re.split(r"\n\s*\n", str(text or "").strip()):
        lines = [ln.strip() for ln in block.split("\n") if ln.strip()]
        if not lines:
            continue
        if any(LIST_LINE.match(ln) for ln in lines):
            # a list: keep its markers (escape only the item text); a blank line before the first item
            rendered: list[str] = []
            in_list = False
            for ln in lines:
                m = LIST_LINE.match(ln)
                if m:
                    if rendered and not in_list:
                        rendered.append("")
                    head = re.match(r"^\s*(?:[-*+]|\d+[.、)）])", ln)
                    assert head is not None  # a prefix of LIST_LINE, which matched
                    marker = head.group(0)
                    item = ln[len(marker):].strip()
                    marker = re.sub(r"[、)）]$", ".", marker.strip()) if marker.strip()[0].isdigit() else "-"
                    rendered.append(f"{marker} {_escape_md(str(escape(item)))}")
                    in_list = True
                else:
                    rendered.append(("" if not in_list else "") + _escape_md(str(escape(ln))))
                    in_list = False
            out.append("\n".join(rendered))
            continue
        joined = lines[0]
        for ln in lines[1:]:
            joined += ("" if CJK_END.search(joined) else " ") + ln
        out.append(_escape_md(str(escape(joined))))
    return Markup("\n\n".join(out))


def money(value: SupportsFloat | str) -> str:
    """3200 -> 3,200.00"""
    return f"{float(value):,.2f}"


def link(value: object, kind: str = "web") -> Markup:
    """The destination of a Markdown link to a record's URL, phone or e-mail (`kind` as in
    urls.URL_KINDS): parsed and checked by `urls.href`, percent-encoded so it cannot close the
    link, and "#" when the value is not an address of that kind (the guard reports it)."""
    from ..urls import href

    return Markup(href(str(value or ""), kind) or "#")


# the page templates' filters (theme/pages/*.j2): every record value goes through one of these
FILTERS = {"inline": inline, "paras": paragraphs, "money": money, "link": link}
