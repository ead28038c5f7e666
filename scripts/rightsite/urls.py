"""One registry of the site's pages and output paths. No MkDocs imports.

Pages are named by their src_uri (as MkDocs sees them under content/, e.g. "cases/2025-001.md");
`url` turns one into its published address ("cases/2025-001/"). The generated pages, the nav,
the feeds, the PDFs' links and the link guard all ask here, so they cannot disagree.
"""
from __future__ import annotations

import re as _re
from pathlib import Path
from urllib.parse import urlsplit as _urlsplit

HOME = "index.md"
LAWS = "laws.md"
CHANNELS = "channels.md"
HANDBOOK_INDEX = "handbook/index.md"
CASES_INDEX = "cases/index.md"
EVENTS_INDEX = "events/index.md"
STANDARDS_INDEX = "standards/index.md"
REPORTS_INDEX = "reports/index.md"
MERCHANT_LIST = "standards/merchants.md"  # only when data/site.yml opts in (merchant_list)
SECTION_INTROS = (CASES_INDEX, EVENTS_INDEX, STANDARDS_INDEX, HANDBOOK_INDEX)  # may have a hand-written intro
FACETS = ("nature", "sector", "year", "outcome")

HANDBOOK_PDF = "downloads/handbook.pdf"
BOOKLET_PDF = "downloads/handbook-booklet.pdf"
STANDARDS_PDF = "downloads/standards.pdf"
POSTER_PDF = "downloads/channels-poster.pdf"
CHECKLISTS_PDF = "downloads/checklists/all.pdf"
CHECKLISTS_SELF_PDF = "downloads/checklists/all-self.pdf"
FEED = "feed.xml"
CALENDAR = "events.ics"


def chapter(file: str) -> str:
    """A handbook chapter's page, from its file (content/handbook/x.md or x.md)."""
    return f"handbook/{Path(file).name}"


def case(case_id: str) -> str:
    return f"cases/{case_id}.md"


def facet(key: str) -> str:
    return f"cases/by-{key}.md"


def event(event_id: str) -> str:
    return f"events/{event_id}.md"


def standard(standard_id: str) -> str:
    return f"standards/{standard_id}.md"


def report(year: int) -> str:
    return f"reports/{year}.md"


def event_calendar(event_id: str) -> str:
    return f"events/{event_id}.ics"


def flyer_pdf(event_id: str) -> str:
    return f"downloads/flyers/{event_id}.pdf"


def standard_pdf(standard_id: str) -> str:
    return f"downloads/standards/{standard_id}.pdf"


def checklist_pdf(standard_id: str, self_check: bool = False) -> str:
    """The inspection checklist of a standard, or the merchants' self-check version (自查表)."""
    return f"downloads/checklists/{standard_id}{'-self' if self_check else ''}.pdf"


def report_pdf(year: int) -> str:
    return f"downloads/report-{year}.pdf"


def url(src_uri: str) -> str:
    """The published address of a page, relative to the site root (directory URLs)."""
    if src_uri == HOME:
        return ""
    if src_uri.endswith("/index.md"):
        return src_uri[: -len("index.md")]
    return src_uri[: -len(".md")] + "/" if src_uri.endswith(".md") else src_uri


def absolute(base_url: str, src_uri: str) -> str:
    return base_url + url(src_uri)


def page_uris(project) -> list[str]:
    """src_uri of every page the site will have: generated pages and handbook chapters
    (hand-written pages elsewhere under content/ are added by the link guard)."""
    pages = [HOME, HANDBOOK_INDEX, CASES_INDEX, EVENTS_INDEX, STANDARDS_INDEX, LAWS, CHANNELS]
    pages += [facet(k) for k in FACETS] if project.categories else []
    pages += [chapter(c.file) for c in project.sorted_chapters()]
    pages += [case(i) for i in project.cases]
    pages += [event(i) for i in project.events]
    pages += [standard(i) for i in project.standards]
    if project.site and project.site.record.merchant_list:
        pages.append(MERCHANT_LIST)
    if project.complaints:
        pages += [REPORTS_INDEX] + [report(y) for y in sorted(project.complaints, reverse=True)]
    return pages


# ---- URL-valued fields of records ------------------------------------------------------------
# Every URL an editor types (base_url, repo_url, a channel's value or link, a law's official
# text) is parsed with urllib.parse and must use a scheme its field allows; characters that
# could end a Markdown link, an HTML attribute or an XML value are never part of one. `href`
# turns a checked value into the one string written into pages, feeds and PDFs.

URL_KINDS = {
    "site": ("http", "https"),   # data/site.yml base_url: the site's own address, ends with /
    "web": ("http", "https"),    # repo_url, a channel's url, a law's url
    "https": ("https",),         # an online channel
    "email": ("mailto",),        # an e-mail channel: the bare address, written as mailto:
    "tel": ("tel",),             # a hotline: digits, spaces and dashes, written as tel:
}
_FORBIDDEN = _re.compile(r"[\s\"'<>`\\{}|^\[\]()\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
_HOST = _re.compile(r"(?=.{1,253}$)(?:[A-Za-z0-9\u00a1-\uffff](?:[A-Za-z0-9\u00a1-\uffff-]{0,61}[A-Za-z0-9\u00a1-\uffff])?\.)*"
                    r"[A-Za-z0-9\u00a1-\uffff](?:[A-Za-z0-9\u00a1-\uffff-]{0,61}[A-Za-z0-9\u00a1-\uffff])?")
_EMAIL = _re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@" + _HOST.pattern)
_TEL = _re.compile(r"\+?[0-9](?:[0-9 -]{1,22}[0-9])?")
EXAMPLES = {"site": "https://www.example.cn/", "web": "https://www.example.cn/page",
            "https": "https://www.example.cn/complaint", "email": "service@example.cn", "tel": "0571-8888 6666"}


def url_problem(value: str, kind: str = "web") -> str | None:
    """None when `value` may stand in a field of `kind` (see URL_KINDS), else why not, in
    Chinese and English (without the fix: the caller adds the field's example)."""
    value = str(value)
    if kind == "tel":
        return None if _TEL.fullmatch(value) else "电话号码只能包含数字、空格和连字符 a phone number is digits, spaces and dashes"
    schemes = URL_KINDS.get(kind, URL_KINDS["web"])
    if kind != "email":
        scheme = _re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", value)
        if scheme is None or scheme.group(1).lower() not in schemes:
            allowed = "、".join(f"{s}://" for s in schemes)
            now = scheme.group(1) if scheme else "无"
            return f"只能以 {allowed} 开头（现为“{now[:12]}”） the scheme must be {' or '.join(schemes)}"
    bad = _FORBIDDEN.search(value)
    if bad:
        ch = bad.group(0)
        shown = "空格" if ch == " " else (f"“{ch}”" if ch.isprintable() else "不可见字符")
        return (f"含有{shown}（U+{ord(ch):04X}）：地址中不能有空格、引号、尖括号、括号、花括号或不可见字符"
                " contains a forbidden character")
    if kind == "email":
        return None if _EMAIL.fullmatch(value) else "不是电子邮箱地址 not an e-mail address"
    try:
        parts = _urlsplit(value)
        port = parts.port
    except ValueError:
        return "无法解析（端口或方括号不对） cannot be parsed"
    if not parts.hostname or not _HOST.fullmatch(parts.hostname) or port == 0:
        return "缺少有效的域名 no valid host name"
    if parts.username is not None or parts.password is not None:
        return "不能含用户名或密码（@ 之前的部分） no user name or password"
    if kind == "site" and (parts.query or parts.fragment or not parts.path.endswith("/")):
        return "网站地址应以 / 结尾，且不带 ? 或 # the site address ends with / and has no query or fragment"
    return None


_UNSAFE_IN_LINK = _re.compile(r"[^A-Za-z0-9:/?#@!$&*+,;=%\-._~\u00a1-\uffff]")


def href(value: str | None, kind: str = "web") -> str:
    """The link written for a checked value: tel:/mailto: for phones and e-mail, the URL
    itself otherwise, percent-encoding anything that could close a link or an attribute.
    A value that fails `url_problem` gives "" (the caller prints it as text, never a link)."""
    if not value or url_problem(value, kind) is not None:
        return ""
    if kind == "tel":
        return "tel:" + _re.sub(r"[ -]", "", value)
    out = _UNSAFE_IN_LINK.sub(lambda m: "".join(f"%{b:02X}" for b in m.group(0).encode()), value)
    return ("mailto:" + out) if kind == "email" else out
