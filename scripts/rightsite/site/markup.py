"""Escaping record text into Markdown: record text is data, never markup.

Record fields may contain `<`, `&` or Markdown-looking characters; they are HTML-escaped
so nothing an editor types can inject tags into the site. Paragraph breaks are kept;
line breaks inside a Chinese paragraph are joined without a space.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
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


# ---- editor-written HTML: the allow-list of the handbook ------------------------------------
# Chapters (and every hand-written page under content/) are Markdown that may hold raw HTML.
# What a page may contain, after Markdown has rendered it, is this list; everything else is
# dropped by nh3 (a maintained sanitizer) on the site and in the PDFs, and reported by the guard
# (guard/links.py, rule link.html) with the file and line it came from.

ALLOWED_TAGS = frozenset(
    "a abbr b blockquote br caption cite code col colgroup dd del details dfn div dl dt em figcaption figure "
    "h1 h2 h3 h4 h5 h6 hr i img ins kbd li mark nav ol p pre q s samp small span strong sub summary sup "
    "table tbody td tfoot th thead time tr u ul".split())
# removed with everything inside them (a <script>'s text is no content)
DROPPED_WITH_CONTENT = frozenset("script style svg math template iframe object embed noscript textarea select "
                                 "applet frameset frame noembed noframes xmp plaintext".split())
# (nav, aria-current, data-search-exclude: the breadcrumbs the site puts on every chapter page)
GENERIC_ATTRIBUTES = frozenset("class id title lang dir role aria-label aria-hidden aria-describedby aria-labelledby "
                               "aria-current data-search-exclude".split())
TAG_ATTRIBUTES: dict[str, frozenset[str]] = {
    "a": frozenset({"href", "rel", "data-short"}),  # data-short: the short URL the PDFs print after a link
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"colspan", "rowspan", "align", "style"}),
    "th": frozenset({"colspan", "rowspan", "align", "style", "scope"}),
    "col": frozenset({"span"}), "colgroup": frozenset({"span"}),
    "ol": frozenset({"start", "type", "reversed"}), "li": frozenset({"value"}),
    "time": frozenset({"datetime"}), "details": frozenset({"open"}),
    "blockquote": frozenset({"cite"}), "q": frozenset({"cite"}), "del": frozenset({"cite", "datetime"}),
    "ins": frozenset({"cite", "datetime"}),
}
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
URL_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
STYLE_PROPERTIES = frozenset({"text-align"})  # what the tables extension writes for aligned columns


def sanitize_html(html: str) -> str:
    """Editor-written HTML as published: only the allow-list's tags, attributes and URL schemes,
    no comments. Relative links (other pages, images under content/) pass."""
    import nh3

    attributes = {tag: set(attrs) for tag, attrs in TAG_ATTRIBUTES.items()}
    attributes["*"] = set(GENERIC_ATTRIBUTES)
    return nh3.clean(html, tags=set(ALLOWED_TAGS), clean_content_tags=set(DROPPED_WITH_CONTENT),
                     attributes=attributes, url_schemes=set(URL_SCHEMES), link_rel=None, strip_comments=True,
                     filter_style_properties=set(STYLE_PROPERTIES))


@dataclass(frozen=True)
class Disallowed:
    """One thing `sanitize_html` drops: what (for the message), and text to find it in the source."""

    kind: str  # "tag" | "attribute" | "url" | "comment" | "style"
    what: str  # "<script>", "onerror（<img>）", "javascript:alert(1)"
    needles: tuple[str, ...]  # regular expressions to find it in the Markdown source, tried in order


def disallowed(html: str) -> list[Disallowed]:
    """Everything in rendered HTML that `sanitize_html` would drop, in document order."""
    from html.parser import HTMLParser

    found: list[Disallowed] = []

    class Finder(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.skip = 0  # inside a tag dropped with its content

        def handle_starttag(self, tag, attrs) -> None:
            tag = tag.lower()
            if self.skip:  # inside a <script>, <svg> ...: dropped whole, reported once
                self.skip += tag in DROPPED_WITH_CONTENT
                return
            opener = rf"<\s*{re.escape(tag)}\b"
            if tag in DROPPED_WITH_CONTENT or tag not in ALLOWED_TAGS:
                found.append(Disallowed("tag", f"<{tag}>", (opener,)))
                self.skip += tag in DROPPED_WITH_CONTENT and tag != "embed"
                return
            allowed = GENERIC_ATTRIBUTES | TAG_ATTRIBUTES.get(tag, frozenset())
            for name, value in attrs:
                name = name.lower()
                if name not in allowed:
                    found.append(Disallowed("attribute", f"{name}（<{tag}>）",
                                            (rf"\b{re.escape(name)}\s*=", rf"\b{re.escape(name)}\b", opener)))
                elif name in URL_ATTRIBUTES and value:
                    scheme = _scheme(value)
                    if scheme and scheme not in URL_SCHEMES:
                        loose = r"(?:\s|&#?\w+;?)*".join(re.escape(c) for c in scheme + ":")
                        found.append(Disallowed("url", value, (re.escape(value[:30]), loose, opener)))
                elif name == "style" and value:
                    props = {p.split(":", 1)[0].strip().lower() for p in value.split(";") if p.strip()}
                    if props - STYLE_PROPERTIES or "url(" in value.lower() or "expression" in value.lower():
                        found.append(Disallowed("style", f"style=\"{value}\"（<{tag}>）", (r"\bstyle\s*=", opener)))

        def handle_endtag(self, tag) -> None:
            if self.skip and tag.lower() in DROPPED_WITH_CONTENT:
                self.skip -= 1

    Finder().feed(html)
    return found


def _scheme(url: str) -> str:
    """The scheme of a URL as a browser reads it: whitespace and control characters removed,
    lower case ("JaVa\tscript:" is javascript:); "" for a relative URL."""
    cleaned = re.sub(r"[\x00-\x20\x7f]+", "", url)
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", cleaned)
    return m.group(1).lower() if m else ""
