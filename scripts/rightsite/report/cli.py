"""`rightsite report YEAR [--format text|json] [--freeze]`, and the report checks of `rightsite check`."""
from __future__ import annotations

import datetime as dt
import json
import re
import sys
from pathlib import Path
from typing import Any

from ..load import Loaded, Project, load_project
from ..model.report import Report
from ..model.survey import Survey
from ..problems import Problems
from ..model.complaints import complaints_path
from . import YearData, load_year
from .figures import FIGURES, definitions
from .freeze import apply_corrections, drift_problems, freeze_report
from .history import history_problems, published

STATUS_LABELS = {"draft": "草稿", "published": "已发布"}
HOTSPOT_LABELS = {"count": "当年", "previous": "上年", "change": "变化率%", "share_change": "比重变化(百分点)"}


def available_years(root: Path) -> list[int]:
    folder = Path(root) / "data" / "complaints"
    return sorted(int(p.stem) for p in folder.glob("*.csv") if re.fullmatch(r"\d{4}", p.stem)) if folder.is_dir() else []


def report_figures(data: YearData) -> tuple[dict[str, Any], list[dict[str, Any]], Problems]:
    """The figures a year's report shows: computed for a draft; for a published report the
    frozen ones with corrections applied. Also the correction notices and any drift."""
    rec = data.report.record if data.report else None
    if rec is None or rec.status != "published" or rec.figures is None:
        return data.figures or {}, [], Problems()
    return apply_corrections(data)


def run_report(root: Path, year: int, fmt: str, freeze: bool, today: dt.date) -> int:
    """Print a year's figures (0), report input errors (1), or refuse an unknown year (2)."""
    if not complaints_path(root, year).exists():
        years = "、".join(map(str, available_years(root))) or "（无）"
        print(f"没有 {year} 年的投诉台账 data/complaints/{year}.csv。已有年度：{years}。"
              f" No complaint export for {year}.", file=sys.stderr)
        return 2
    project = load_project(root)
    data = load_year(project, year)
    if data.figures is None:
        print(data.problems.to_text(), file=sys.stderr)
        print(f"{year} 年的数字无法计算：请先改正上面的错误。 Fix the errors above first.", file=sys.stderr)
        return 1
    code = 0
    if freeze:
        code, message, found = freeze_report(root, data, today)
        if found.items:
            print(found.to_text(), file=sys.stderr)
        print(message, file=sys.stderr)
        if code:
            return code
        data = load_year(load_project(root), year)
    figures, notices, drift = report_figures(data)
    if drift.items:
        print(drift.to_text(), file=sys.stderr)
        code = 1
    if fmt == "json":
        print(json.dumps({"year": year, "status": data.status, "figures": figures}, ensure_ascii=False, indent=2))
    else:
        print(to_text(data, figures, notices, project.categories.record if project.categories else None))
    return code


def _value(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and unit == "元":
        return f"{value:,.2f} 元"
    return f"{value} {unit}".rstrip()


def to_text(data: YearData, figures: dict[str, Any], notices: list[dict[str, Any]], categories=None) -> str:
    """A plain listing for editors: every figure with its label, then the definitions."""
    rec = data.report.record if data.report else None
    head = f"{data.year} 年度报告数字 · {STATUS_LABELS[data.status]} {data.status}"
    if rec and rec.published:
        head += f" · 发布于 {rec.published}"
    lines = [head, ""]
    for key, value in figures.items():
        fig = FIGURES.get(key)
        label, unit = (fig.label, fig.unit) if fig else (key, "")
        if isinstance(value, dict):
            empty = all(v is None for v in value.values())
            lines.append(f"{label}  [{key}]" + ("  —" if empty else ""))
            for k, v in ({} if empty else value).items():
                if isinstance(v, dict):
                    v = "，".join(f"{HOTSPOT_LABELS.get(a, a)} {b}" for a, b in v.items())
                    lines.append(f"    {k}: {v}")
                else:
                    lines.append(f"    {k}: {_value(v, unit)}")
        else:
            lines.append(f"{label}  [{key}]  {_value(value, unit)}")
    for n in notices:
        lines.append(f"更正 {n['date']}：{n['label']} 由 {n['old']} 更正为 {n['new']}。{n['reason']}")
    lines += ["", "数据说明"]
    keys = [f.key for f in FIGURES.values() if f.key in figures]
    lines += [f"  {label}（{key}）：{text}" for key, (label, text) in zip(keys, definitions(categories, figures))]
    return "\n".join(lines)


# ---- rightsite check -------------------------------------------------------------------

def _survey_checks(item: Loaded[Survey]) -> Problems:
    out, s = Problems(), item.record
    if s.period_end < s.period_start:
        out.error("schema.date_order", item.file, item.line("period_end"), "period_end",
                  f"调查结束日期 {s.period_end} 早于开始日期 {s.period_start}。请改正。 `period_end` is before `period_start`.")
    seen: dict[str, int] = {}
    for i, q in enumerate(s.questions):
        if q.score > s.scale_max:
            out.error("schema.type", item.file, item.line("questions", i, "score"), f"questions[{i}].score",
                      f"得分 {q.score} 超过满分 {s.scale_max}。请改正得分或 scale_max。 Score above the scale maximum.")
        if q.responses is not None and q.responses > s.sample_size:
            out.error("schema.type", item.file, item.line("questions", i, "responses"), f"questions[{i}].responses",
                      f"有效回答数 {q.responses} 超过样本量 {s.sample_size}。请改正。 More responses than the sample size.")
        if q.id in seen:
            out.error("schema.duplicate_id", item.file, item.line("questions", i, "id"), f"questions[{i}].id",
                      f"题号 {q.id} 重复（第一次在第 {seen[q.id]} 行）。请重新编号。 Duplicate question id.")
        seen.setdefault(q.id, item.line("questions", i, "id"))
    return out


def _report_checks(project: Project, item: Loaded[Report]) -> Problems:
    out, r, f = Problems(), item.record, item.file
    if not complaints_path(project.root, r.year).exists():
        out.error("schema.file", f, item.line("year"), "year",
                  f"缺少 {r.year} 年的投诉台账 data/complaints/{r.year}.csv，报告数字无从计算。请放入投诉台站导出的 CSV。"
                  " The complaint export for this year is missing.")
    if published(project, r.year) is not None:
        pass  # published in git history: report.history says what is wrong, without advice to re-freeze
    elif r.status == "published":
        if r.published is None:
            out.error("schema.missing", f, item.line("status"), "published",
                      "已发布的报告必须有发布日期 published: YYYY-MM-DD。 A published report needs `published`.")
        if r.figures is None:
            out.error("schema.missing", f, item.line("status"), "figures",
                      f"已发布的报告还没有冻结数字。请运行 rightsite report {r.year} --freeze（它会写入 figures 并标记发布）。"
                      f" Published without frozen figures; run `rightsite report {r.year} --freeze`.")
    else:
        if r.figures is not None:
            out.error("schema.report", f, item.line("figures"), "figures",
                      "草稿不应有冻结数字 figures：它只由 --freeze 在发布时写入。请删除 figures 块。"
                      " A draft has no frozen figures; remove the block.")
        if r.corrections:
            out.error("schema.report", f, item.line("corrections"), "corrections",
                      "草稿不需要更正记录：更正只用于已发布的报告。请删除 corrections。 Corrections are for published reports only.")
    for i, cid in enumerate(r.featured_cases):
        if cid not in project.cases and cid not in project.invalid.get("cases", {}):
            out.error("ref.case", f, item.line("featured_cases", i), f"featured_cases[{i}]",
                      f"精选案例“{cid}”不存在（data/cases/{cid}.yml）。请改正编号或删除这一项。 Unknown case id.")
    for i, c in enumerate(r.corrections):
        if r.published and c.date < r.published:
            out.error("schema.date_order", f, item.line("corrections", i, "date"), f"corrections[{i}].date",
                      f"更正日期 {c.date} 早于发布日期 {r.published}。请改正。 A correction cannot predate publication.")
    return out


def report_problems(root: Path, project: Project) -> Problems:
    """Everything `rightsite check` must know about the annual reports.

    CSV errors (schema.csv*), survey and report schema errors, references (ref.case,
    ref.figure) and, for published reports, drift of the frozen figures and any change to what
    git recorded at publication (report.drift).
    """
    out = Problems()
    out.extend(project.yearly_problems)  # reading the CSVs, surveys and report files (load_project)
    out.extend(history_problems(project))  # deleted, unpublished or stripped reports; shallow clones
    for item in project.surveys.values():
        out.extend(_survey_checks(item))
    for year, item in sorted(project.reports.items()):
        out.extend(_report_checks(project, item))
        if item.record.status == "published" and item.record.figures is not None and project.categories is not None:
            out.extend(drift_problems(load_year(project, year)))
    return out
