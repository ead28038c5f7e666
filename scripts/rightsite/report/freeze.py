"""Freeze a report's figures at publication; afterwards catch any drift (rule `report.drift`).

`rightsite report YEAR --freeze` appends a `figures:` block to data/reports/YEAR.yml and
marks the report published. From then on `rightsite check` recomputes the figures and
compares them leaf by leaf (`complaints.by_nature.质量` is one leaf). A difference is an
error unless a `corrections` entry records it: same figure, `old` equal to the frozen
value (or to the previous correction's `new`), `new` equal to today's value. The published
report shows the corrected values and every correction as a notice.

Where git history is available (report.history), "the frozen value" is the one recorded at
the commit that froze the report, not whatever the file says now: a frozen leaf edited in
the file (by hand, or by deleting the block and freezing again) is an error unless the
corrections lead from the published value to the edited one.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..model.common import validate_doc
from ..model.report import Report
from ..problems import Problems
from ..yamlio import YamlDoc, parse_yaml
from . import YearData
from .figures import FIGURES, sources
from .history import csv_note

MISSING = None  # a leaf that one side does not have compares like an empty value
_PLAIN_KEY = re.compile(r"[A-Za-z\u3400-\u9fff][A-Za-z0-9_.\u3400-\u9fff\u00b7\u2013-]*")
_YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}
_INT = re.compile(r"-?\d+")
_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def mark(year: int) -> str:
    return (f"# 以下数字由 `rightsite report {year} --freeze` 在发布时写入，请勿手改。"
            "需要更正时，请在 corrections 中登记（date、figure、old、new、reason），不要重新冻结。")


def flatten(value: Any, path: str) -> dict[str, Any]:
    """{"a": {"b": 1}} at "k" -> {"k.a.b": 1}; an empty object has no leaves."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(flatten(v, f"{path}.{k}"))
        return out
    return {path: value}


def same(a: Any, b: Any) -> bool:
    """Equal as numbers when both are numbers (412 == "412" == 412.0), else as text; None == empty."""
    if a is None or a == "" or b is None or b == "":
        return (a is None or a == "") and (b is None or b == "")
    sa, sb = str(a), str(b)
    if _NUMBER.fullmatch(sa) and _NUMBER.fullmatch(sb):
        return Decimal(sa) == Decimal(sb)
    return sa == sb


def shown(value: Any) -> str:
    return "（空）" if value is None or value == "" else str(value)


def typed(value: Any, kind: str) -> Any:
    """Frozen text back to JSON types: "1608" -> 1608, "14.05" -> 14.05; text figures stay text."""
    if isinstance(value, dict):
        return {k: typed(v, kind) for k, v in value.items()}
    if value is None or kind == "text" or not isinstance(value, str):
        return value
    if _INT.fullmatch(value):
        return int(value)
    return float(Decimal(value)) if _NUMBER.fullmatch(value) else value


# ---- writing ---------------------------------------------------------------------------

def _key(k: str) -> str:
    return k if _PLAIN_KEY.fullmatch(k) and k.lower() not in _YAML_WORDS else json.dumps(k, ensure_ascii=False)


def _scalar(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    return json.dumps(str(v), ensure_ascii=False)


def figures_yaml(figures: dict[str, Any], indent: int = 2) -> list[str]:
    """The figures as block YAML lines, in registry order, readable back by yamlio."""
    pad, lines = " " * indent, []
    for k, v in figures.items():
        if isinstance(v, dict) and v:
            lines.append(f"{pad}{_key(k)}:")
            lines.extend(figures_yaml(v, indent + 2))
        else:
            lines.append(f"{pad}{_key(k)}: {'{}' if isinstance(v, dict) else _scalar(v)}")
    return lines


def frozen_text(text: str, doc: YamlDoc, year: int, figures: dict[str, Any], published: dt.date) -> str:
    """The report file with status published, a publication date, and a fresh figures block.

    Editors' text, comments and order are kept; only those three keys are touched.
    """
    lines = text.split("\n")
    status_line = doc.lines[("status",)]
    lines[status_line - 1] = "status: published"
    inserted = 0
    if ("published",) not in doc.lines:
        lines.insert(status_line, f"published: {published.isoformat()}")
        inserted = 1
    elif doc.data.get("published") is None:
        lines[doc.lines[("published",)] - 1] = f"published: {published.isoformat()}"
    if ("figures",) in doc.lines:  # replace an earlier block (published by hand, never frozen)
        top = sorted(line for path, line in doc.lines.items() if len(path) == 1)
        start = doc.lines[("figures",)]
        end = next((ln for ln in top if ln > start), len(lines) + 1 - inserted) - 1
        if start > status_line:
            start, end = start + inserted, end + inserted
        if start >= 2 and lines[start - 2].startswith("# 以下数字由"):
            start -= 1
        del lines[start - 1:end]
    body = "\n".join(lines).rstrip("\n")
    return body + "\n\n" + mark(year) + "\nfigures:\n" + "\n".join(figures_yaml(figures)) + "\n"


def _write_atomic(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def freeze_report(root: Path, data: YearData, today: dt.date) -> tuple[int, str, Problems]:
    """Freeze `data.figures` into the report file. Returns (exit code, message, problems)."""
    year, rel = data.year, f"data/reports/{data.year}.yml"
    if data.report is None:
        return 1, (f"没有报告文件 {rel}（或它有错误）。请先写好前言、要点等内容再冻结。"
                   f" Write {rel} first."), Problems()
    if today <= dt.date(year, 12, 31):
        return 1, (f"{year} 年尚未结束（今天是 {today}），年度数字还会变化，不能冻结。"
                   f" The year {year} is not over yet; freeze after it ends."), Problems()
    rec = data.report.record
    pub = data.publication
    if pub is not None and not (rec.status == "published" and rec.figures is not None):
        return 1, (f"{year} 年度报告已于 {pub.record.published or pub.date} 发布，数字在提交 {pub.short}（{pub.date}）冻结，"
                   f"不能重新冻结。请从 git 恢复 status 和 figures 块（git show {pub.short}:{rel}）；"
                   "需要更正数字时，在 corrections 中登记 date、figure、old、new、reason。"
                   f" Published and frozen at {pub.short}: never re-freeze; restore the file and record corrections."), Problems()
    if rec.status == "published" and rec.figures is not None:
        found = drift_problems(data)
        if found.items:
            return 1, ("报告已发布，数字已冻结，且与现在的数据不一致。不能重新冻结；请在 corrections 中登记更正，"
                       "不要删除 figures 块再冻结。 Already frozen and the data changed: record corrections, never re-freeze."), found
        return 0, f"{rel} 已于 {rec.published} 发布并冻结，数字没有变化。 Already frozen; nothing changed.", found
    assert data.figures is not None  # the caller stops when the figures cannot be computed
    path = Path(root) / rel
    published = rec.published or today
    text = frozen_text(path.read_text(encoding="utf-8-sig"), data.report.doc, year, data.figures, published)
    doc = parse_yaml(text)
    record, _ = validate_doc(Report, doc)
    ok = not doc.issues and record is not None and record.figures is not None
    if ok:
        assert record is not None and record.figures is not None  # both part of `ok`
        back, want = flatten(record.figures, ""), flatten(data.figures, "")
        ok = list(back) == list(want) and all(same(back[k], want[k]) for k in back)
    if not ok:
        return 1, f"冻结后的 {rel} 无法正确读回，未写入（程序错误，请报告）。 Internal error; nothing written.", Problems()
    _write_atomic(path, text)
    return 0, (f"已冻结 {len(data.figures)} 项数字，{rel} 标记为已发布（发布日期 {published}）。"
               f" Froze {len(data.figures)} figures; the report is published."), Problems()


# ---- checking --------------------------------------------------------------------------

def _figure_of(path: str) -> str | None:
    """The registry key a leaf path belongs to (the longest matching key)."""
    best = None
    for key in FIGURES:
        if (path == key or path.startswith(key + ".")) and (best is None or len(key) > len(best)):
            best = key
    return best


def _label(path: str) -> str:
    key = _figure_of(path)
    if key is None:
        return path
    rest = path[len(key) + 1:]
    return FIGURES[key].label + (f" · {rest}" if rest else "")


def _leaves(frozen: dict[str, Any], computed: dict[str, Any]) -> list[tuple[str, str, Any, Any]]:
    """(figure key, leaf path, frozen, computed) for every leaf of every frozen figure."""
    out = []
    for key, old in frozen.items():
        a = flatten(old, key)
        b = flatten(computed[key], key) if key in computed else a  # a retired figure keeps its frozen value
        for path in list(a) + [p for p in b if p not in a]:
            out.append((key, path, a.get(path, MISSING), b.get(path, MISSING)))
    return out


def _line(data: YearData, key: str, path: str) -> int:
    rest = path[len(key) + 1:]
    assert data.report is not None  # only called for a published report
    return data.report.doc.line_of(("figures", key, *(rest.split(".") if rest else ())))


def apply_corrections(data: YearData) -> tuple[dict[str, Any], list[dict[str, Any]], Problems]:
    """(published figures with corrections applied, correction notices, drift problems)."""
    problems = Problems()
    loaded = data.report
    assert loaded is not None  # callers check that the report is published
    rec = loaded.record
    pub = data.publication
    frozen = pub.figures if pub is not None else rec.figures or {}  # what was published, as git recorded it
    published = {k: typed(v, FIGURES[k].kind if k in FIGURES else "") for k, v in frozen.items()}
    computed = data.figures or {}
    leaves = {path: (key, old, new) for key, path, old, new in _leaves(frozen, computed)}
    current = {path: old for path, (key, old, new) in leaves.items()}
    notices, used = [], set()
    order = sorted(range(len(rec.corrections)), key=lambda i: rec.corrections[i].date)
    for i in order:
        c = rec.corrections[i]
        line = loaded.line("corrections", i, "figure")
        if c.figure not in leaves:
            hint = "；对象中的一项请写成 complaints.by_nature.质量 这样" if c.figure in FIGURES else ""
            problems.error("ref.figure", loaded.file, line, f"corrections[{i}].figure",
                           f"更正的数字“{c.figure}”不在已冻结的数字中{hint}。可写的名称见 figures 块。"
                           " Unknown figure; use a key of the frozen figures block.")
            continue
        if not same(c.old, current[c.figure]):
            problems.error("report.drift", loaded.file, loaded.line("corrections", i, "old"), f"corrections[{i}].old",
                           f"更正记录的原数值 {shown(c.old)} 与已发布的数值 {shown(current[c.figure])} 不一致。"
                           f"请把 old 改为 {shown(current[c.figure])}。 `old` must equal the published value.")
            continue
        current[c.figure] = c.new
        used.add(i)
        key = leaves[c.figure][0]
        _set(published, key, c.figure, typed(c.new, FIGURES[key].kind))
        notices.append({"date": c.date.isoformat(), "figure": c.figure, "label": _label(c.figure),
                        "old": typed(c.old, FIGURES[key].kind), "new": typed(c.new, FIGURES[key].kind), "reason": c.reason})
    tampered = _edited_leaves(data, problems, leaves, current) if pub is not None else set()
    if data.figures is not None:
        for path, (key, old, new) in leaves.items():
            if same(current[path], new) or path in tampered:
                continue
            files = "、".join(sources(key, data.year))
            was = shown(current[path]) + ("（已更正）" if not same(current[path], old) else "")
            problems.error("report.drift", loaded.file, _line(data, key, path), f"figures.{path}",
                           f"已发布的数字“{_label(path)}”（{path}）与数据不一致：冻结值 {was}，按现在的数据重新计算为 {shown(new)}"
                           f"（数据文件：{files}）{csv_note(pub)}。如是有意更正，请在 corrections 中登记 date、figure: {path}、"
                           f"old: {shown(current[path])}、new: {shown(new)} 和 reason，不要改动 figures 块，也不要重新冻结；"
                           "否则请把数据改回。"
                           f" Published figure {path} drifted: frozen {shown(current[path])}, now {shown(new)} ({files}); "
                           "record a correction (never re-freeze) or restore the data.")
    return published, notices, problems


def _edited_leaves(data: YearData, problems: Problems, leaves: dict[str, tuple[str, Any, Any]],
                   current: dict[str, Any]) -> set[str]:
    """Leaves of the file's figures block that differ from what was published (git), with no
    correction leading from the published value to the one written now: errors. Returns them."""
    loaded, pub = data.report, data.publication
    assert loaded is not None and pub is not None  # only called for a published report with history
    block: dict[str, Any] = {}
    for key, value in (loaded.record.figures or {}).items():
        block.update(flatten(value, key))
    out: set[str] = set()
    added: set[str] = set()
    for path in list(leaves) + [p for p in block if p not in leaves]:
        was = leaves[path][1] if path in leaves else MISSING
        now = block.get(path, MISSING)
        if same(was, now) or (path in current and same(current[path], now)):
            continue  # unchanged, or explained by the corrections
        out.add(path)
        key = leaves[path][0] if path in leaves else (_figure_of(path) or path)
        if key not in pub.figures:  # a whole figure the published report did not have
            if key not in added:
                added.add(key)
                problems.error("report.drift", loaded.file, _line(data, key, key), f"figures.{key}",
                               f"数字“{_label(key)}”（{key}）在发布时（提交 {pub.short}，{pub.date}）的报告中没有，"
                               "已发布的报告不能增加数字，也不要重新冻结（--freeze）。请删除 figures 块中的这一项。"
                               f" The figure {key} was not part of the published report: remove it from the figures block.")
            continue
        problems.error("report.drift", loaded.file, _line(data, key, path), f"figures.{path}",
                       f"冻结的数字“{_label(path)}”（{path}）被改动了：发布时（提交 {pub.short}，{pub.date}）为 {shown(was)}，"
                       f"现在写成 {shown(now)}{csv_note(pub)}。冻结的数字不能修改，也不要重新冻结（--freeze）。"
                       f"请把它改回 {shown(was)}；如需更正，在 corrections 中登记 date、figure: {path}、old: {shown(was)}、"
                       f"new（新数值）和 reason。 The frozen figure {path} was edited: published {shown(was)}, "
                       f"now {shown(now)}; restore it and record a correction.")
    return out


def _set(figures: dict[str, Any], key: str, path: str, value: Any) -> None:
    rest = path[len(key) + 1:]
    if not rest:
        figures[key] = value
        return
    node = figures.setdefault(key, {})
    parts = rest.split(".")
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def drift_problems(data: YearData) -> Problems:
    """report.drift (and ref.figure) problems of a published, frozen report; empty otherwise."""
    rec = data.report.record if data.report else None
    if rec is None or rec.status != "published" or rec.figures is None or data.figures is None:
        return Problems()
    return apply_corrections(data)[2]
