"""What the public site shows of the inspections: yearly aggregates on the standards page and,
only when data/site.yml opts in, the named list of merchants that passed. No MkDocs imports.

Nothing here returns a merchant code or a per-merchant result, except the opted-in list,
which carries the names data/site.yml gives (never the codes).
"""
from __future__ import annotations

import datetime as dt

from ..load import Project
from ..report.figures import supervision_figures


def yearly_aggregates(project: Project, today: dt.date, years: int = 2) -> list[dict]:
    """The last `years` calendar years with inspections up to `today`, newest first:
    {"year", "until" (today for the running year, else None), "figures"}."""
    found = sorted({i.record.date.year for i in project.inspections.values() if i.record.date <= today}, reverse=True)
    out = []
    for year in found[:years]:
        until = today if year == today.year else None
        out.append({"year": year, "until": until, "figures": supervision_figures(year, project, until)})
    return out


def merchant_list(project: Project) -> dict | None:
    """The opted-in list: title, intro and per merchant its name, sector, date listed, note and
    the titles of the standards it was inspected against; None without the opt-in."""
    if project.site is None or project.site.record.merchant_list is None:
        return None
    ml = project.site.record.merchant_list
    by_code: dict[str, list] = {}
    for item in project.inspections.values():
        by_code.setdefault(item.record.merchant.code, []).append(item.record)
    rows = []
    for m in ml.merchants:
        records = sorted(by_code.get(m.code, []), key=lambda r: (r.date, r.id))
        standards = list(dict.fromkeys(r.standard for r in records))
        rows.append({
            "name": m.name, "since": m.since, "note": m.note,
            "sector": records[-1].merchant.sector if records else "",
            "standards": [project.standards[s].record.title for s in standards if s in project.standards],
        })
    return {"title": ml.title, "intro": ml.intro, "merchants": rows}
