"""Inspection checklists (检查表) and merchants' self-check sheets (自查表), A4, from the standards.

    downloads/checklists/<id>.pdf        the inspector's checklist of one standard
    downloads/checklists/<id>-self.pdf   the merchant's self-check version (no inspector fields)
    downloads/checklists/all.pdf, all-self.pdf   every standard in one document

Every clause of the standard's current version is a row: number, level, text, legal basis,
boxes for 符合 / 不符合 / 不适用 and a line for the finding. Each sheet prints the standard's
version and its date, so an old sheet is recognisable. Rendering and caching are those of
every other document (pdf/__init__.build_pdfs).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from .. import urls
from ..model.inspection import ACTIONS, FOLLOW_UP_RESULTS, INSPECTION_KINDS, RESULTS
from .brochures import THEME_PDF, Document, source_date

if TYPE_CHECKING:
    from .brochures import Brochures

TEMPLATE = (THEME_PDF / "checklist.html.j2").as_posix()


def checklist_documents(b: Brochures) -> list[Document]:
    """The checklists and self-check sheets of every standard, each alone and all together."""
    loaded = sorted(b.p.standards.values(), key=lambda s: s.id)
    docs: list[Document] = []
    if not loaded:
        return docs
    for self_check in (False, True):
        kind = "自查表" if self_check else "检查表"
        created = source_date([d for s in loaded for d in b._standard_dates(s.record)])
        singles = []
        for s in loaded:
            std = s.record
            doc = Document(urls.checklist_pdf(std.id, self_check), "checklist",
                           f"{std.title}{kind}（{std.id}，第 {std.version} 版）", "", b.p.root / "data",
                           source_date(b._standard_dates(std)), TEMPLATE)
            doc.sources = [b.source(s)] + b.law_sources(i for c in std.clauses for i in c.laws) + [b.site_source]
            doc.html = _render(b, doc.title, [b._standard_ctx(s)], self_check)
            singles.append(doc)
        # the sheets one after another, laid out once for both: each is numbered by itself
        # (第 1 页，共 n 页), as a form that is filled in and filed on its own
        combined = Document(urls.CHECKLISTS_SELF_PDF if self_check else urls.CHECKLISTS_PDF, "checklist",
                            f"{b.site.mall.name}商户服务标准{kind}（全部标准）", "", b.p.root / "data", created, TEMPLATE)
        combined.sources = [b.source(s) for s in loaded] + b.law_sources(
            i for s in loaded for c in s.record.clauses for i in c.laws) + [b.site_source]
        combined.html = _render(b, combined.title, [b._standard_ctx(s) for s in loaded], self_check)
        combined.parts = [d.output for d in singles]
        docs += [*singles, combined]
    return docs

def _render(b: Brochures, title: str, standards: list[dict], self_check: bool) -> str:
    return b.render("checklist.html.j2", title=title, standards=standards, self_check=self_check,
                    results=RESULTS, actions=ACTIONS, follow_up_results=FOLLOW_UP_RESULTS,
                    inspection_kinds=INSPECTION_KINDS)
