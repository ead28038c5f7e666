"""The law entries themselves: the official text of every cited article is there (`law.text_missing`),
was compared with the official text lately (`stale.law`), is marked when it could not be verified
(`law.unverified`), and no record cites an article that is repealed or superseded (`ref.law_repealed`).
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

from ..load import Loaded, Project
from ..model import Law
from ..problems import Problems


@dataclass(frozen=True)
class Citation:
    """One place that cites a law entry: file, line and field of the citation, and who must act."""

    file: str
    line: int
    field: str
    law_id: str
    owner: str


def laws_owner(project: Project) -> str:
    """Who keeps data/laws.yml: its top-level `owner`, else the group's owner."""
    for law in project.laws.values():
        data = law.doc.data
        owner = data.get("owner") if isinstance(data, dict) else None
        if isinstance(owner, str) and owner.strip():
            return owner.strip()
        break
    return project.site.record.group.owner if project.site else ""


def law_citations(project: Project) -> Iterator[Citation]:
    """Every citation of a law entry: handbook chapters, cases, standards' clauses and the home
    page's rights (events cite no law). The same walk as `stale.citations`, plus data/site.yml."""
    from .stale import citations

    group_owner = project.site.record.group.owner if project.site else ""
    for item, path, law_id, owner in citations(project, group_owner):
        yield Citation(item.file, item.line(*path), ".".join(map(str, path)), law_id, owner)
    site = project.site
    if site and site.record.home and site.record.home.rights:
        for i, right in enumerate(site.record.home.rights.items):
            yield Citation(site.file, site.line("home", "rights", "items", i, "law"),
                           f"home.rights.items.{i}.law", right.law, group_owner)


def is_retired(law: Law, today: dt.date) -> bool:
    """Repealed on or before `today`, or superseded by another entry (a repeal still to come is not yet)."""
    return law.repealed <= today if law.repealed else bool(law.superseded_by)


def _where(citations: list[Citation], limit: int = 3) -> str:
    """"content/handbook/x.md 第 12 行、data/cases/2026-001.yml 第 20 行等 5 处"."""
    files: dict[str, int] = {}
    for c in citations:
        files.setdefault(c.file, c.line)
    shown = "、".join(f"{f} 第 {line} 行" for f, line in list(files.items())[:limit])
    return shown + (f"等 {len(files)} 个文件" if len(files) > limit else "")


def _field(law: Loaded[Law], name: str) -> str:
    return f"laws[{law.base[-1]}].{name}" if law.base else name


def check_laws(project: Project, today: dt.date) -> Problems:
    """`law.text_missing`, `law.unverified` and `ref.law_repealed`."""
    out = Problems()
    owner = laws_owner(project)
    cited: dict[str, list[Citation]] = {}
    for c in law_citations(project):
        cited.setdefault(c.law_id, []).append(c)

    for law_id, law in project.laws.items():
        rec = law.record
        if rec.text is None and law_id in cited and rec.verified:  # an unverified one is warned about below
            out.warning("law.text_missing", law.file, law.line("id"), _field(law, "text"),
                        f"{rec.label}（{law_id}）没有条文原文（text），引用它的有：{_where(cited[law_id])}。"
                        "请从官方文本逐字照录本条全文（含各款）填入 text，并填写 source 和 checked。"
                        " A cited law entry has no `text`; copy the article's official text verbatim into `text`,"
                        " with `source` and `checked`.", owner)
        if not rec.verified:
            if rec.verify_note:
                out.warning("law.unverified", law.file, law.line("verified"), _field(law, "verified"),
                            f"{rec.label}（{law_id}）标为待核实（verified: false），网站上显示“待核实”。"
                            f"核实说明：{rec.verify_note.rstrip('。.')}。请对照官方文本核实后删去 verified 和 verify_note，并更新 checked。"
                            " Not verified against the official text; verify it, then remove `verified` and `verify_note`"
                            " and update `checked`.", owner)
            else:
                out.error("law.unverified", law.file, law.line("verified"), _field(law, "verified"),
                          f"{rec.label}（{law_id}）标为待核实（verified: false），但没有 verify_note。"
                          "请在 verify_note 中写明未能核实的原因，或核实后删去 verified: false。"
                          " `verified: false` needs a `verify_note` saying why it could not be verified.", owner)

    for c in (c for cs in cited.values() for c in cs):
        law = project.laws.get(c.law_id)
        if law is None or not is_retired(law.record, today):
            continue  # an unknown id is `ref.law`
        rec = law.record
        repl = project.laws.get(rec.superseded_by) if rec.superseded_by else None
        by = f"{repl.record.label}（{rec.superseded_by}）" if repl else ""
        if rec.repealed:
            what = f"已于 {rec.repealed} 废止" + (f"，由 {by}取代" if by else "")
        else:
            what = f"已由 {by}取代" if by else "已被取代"
        out.error("ref.law_repealed", c.file, c.line, c.field,
                  f"引用的 {rec.label}（{c.law_id}）{what}。请改为引用现行条款。"
                  " Cites a repealed or superseded article; cite the one in force.", c.owner)
    return out


def stale_laws(project: Project, today: dt.date) -> Problems:
    """`stale.law`: the text was last compared with the official one more than `review.law_months`
    ago, or has never been (a `text` without `checked`). For the keeper of data/laws.yml."""
    from .stale import add_months

    out = Problems()
    owner = laws_owner(project)
    months = project.site.record.review.law_months if project.site else 12
    for law_id, law in project.laws.items():
        rec = law.record
        if rec.checked is not None:
            due = add_months(rec.checked, months)
            if due < today:
                out.warning("stale.law", law.file, law.line("checked"), _field(law, "checked"),
                            f"{rec.label}（{law_id}）的条文原文最近核对于 {rec.checked}，超过 {months} 个月（自 {due} 起）。"
                            "请与官方文本逐字核对（是否修订、废止）后更新 checked。"
                            f" The text was not checked against the official text for {months} months;"
                            " compare it and update `checked`.", owner)
        elif rec.text is not None:
            out.warning("stale.law", law.file, law.line("text"), _field(law, "checked"),
                        f"{rec.label}（{law_id}）有条文原文（text）但没有核对日期（checked）。"
                        "请与官方文本逐字核对后填写 checked: YYYY-MM-DD。"
                        " `text` without a `checked` date; compare it with the official text and add `checked`.", owner)
    return out
