"""One registry of the site's pages and output paths. No MkDocs imports.

Pages are named by their src_uri (as MkDocs sees them under content/, e.g. "cases/2025-001.md");
`url` turns one into its published address ("cases/2025-001/"). The generated pages, the nav,
the feeds, the PDFs' links and the link guard all ask here, so they cannot disagree.
"""
from __future__ import annotations

from pathlib import Path

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
