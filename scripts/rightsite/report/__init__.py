"""The annual report (年度报告): complaint export, survey, editors' words, figures, freezing.

Entry points:
- `load_year(project, year)` reads everything a year's report needs and computes its figures;
- `report.figures.FIGURES` is the registry behind the 数据说明 appendix;
- `report.freeze` freezes figures at publication and detects drift afterwards;
- `report.charts` draws the static SVG charts (needs matplotlib; import it only when drawing);
- `report.cli.run_report` and `report.cli.report_problems` serve `rightsite report` and `rightsite check`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..load import Loaded, Project
from ..model.common import validate_doc
from ..model.report import Report
from ..model.survey import Survey
from ..problems import Problems
from ..yamlio import parse_yaml
from .complaints import ComplaintTable, complaints_path, read_complaints
from .figures import FIGURES, compute_figures

INPUT_PREFIXES = ("data/categories.yml", "data/events/", "data/cases/", "data/standards/")


def report_path(root: Path, year: int) -> Path:
    return Path(root) / "data" / "reports" / f"{year}.yml"


def survey_path(root: Path, year: int) -> Path:
    return Path(root) / "data" / "surveys" / f"{year}.yml"


def read_record(root: Path, path: Path, model: type, problems: Problems) -> Loaded | None:
    """Read one YAML record strictly (same rules as load.py); problems are appended, never raised."""
    rel = Path(path).resolve().relative_to(Path(root).resolve()).as_posix()
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        problems.error("schema.file", rel, 1, "", f"无法读取文件：{exc.strerror}。 Cannot read the file.")
        return None
    except UnicodeDecodeError:
        problems.error("schema.encoding", rel, 1, "", "文件不是 UTF-8 编码。请在编辑器中以 UTF-8 另存。 Save the file as UTF-8.")
        return None
    doc = parse_yaml(text)
    for issue in doc.issues:
        problems.error(issue.rule, rel, issue.line, issue.field, issue.message)
    if doc.data is None:
        return None
    if not isinstance(doc.data, dict):
        problems.error("schema.type", rel, 1, "", "文件内容应为“字段: 值”的映射。 The file must be a mapping.")
        return None
    record, found = validate_doc(model, doc)
    for line, fld, rule, message in found:
        problems.error(rule, rel, line, fld, message)
    if record is None:
        return None
    stem = Path(path).stem
    if re.fullmatch(r"\d{4}", stem) and record.year != int(stem):
        problems.error("schema.id", rel, doc.line_of(("year",)), "year",
                       f"年度 {record.year} 与文件名 {stem} 不一致。请让两者相同。 `year` must equal the file name.")
        return None
    return Loaded(record, rel, doc)


@dataclass
class YearData:
    """Everything one year's report is made of. `figures` is None when an input has errors."""

    year: int
    problems: Problems = field(default_factory=Problems)
    table: ComplaintTable | None = None
    previous: ComplaintTable | None = None
    survey: Loaded[Survey] | None = None
    report: Loaded[Report] | None = None
    figures: dict[str, Any] | None = None

    @property
    def status(self) -> str:
        return self.report.record.status if self.report else "draft"


def report_words(project: Project):
    """(report file, path of the field, text) of the editors' words of every annual report:
    title, foreword, highlights, suggestions and correction reasons."""
    folder = project.root / "data" / "reports"
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else []:
        item = read_record(project.root, path, Report, Problems())
        if item is None:
            continue
        rec = item.record
        yield item, ("title",), rec.title
        yield item, ("foreword",), rec.foreword
        for name in ("highlights", "suggestions"):
            for i, text in enumerate(getattr(rec, name)):
                yield item, (name, i), text
        for i, c in enumerate(rec.corrections):
            yield item, ("corrections", i, "reason"), c.reason


_TABLES: dict[str, tuple] = {}  # path -> (stat key, table, problems)


def read_table(project: Project, year: int, problems: Problems,
               cache: dict[int, ComplaintTable | None] | None = None) -> ComplaintTable | None:
    """The complaint table of `year`, or None if the file is missing or has any error."""
    if cache is not None and year in cache:
        return cache[year]
    path = complaints_path(project.root, year)
    table = None
    if path.exists() and project.categories is not None:
        st = path.stat()
        # `make serve` and `rightsite build` read the same unchanged export several times
        key = (str(path), st.st_mtime_ns, st.st_size, project.categories.record.model_dump_json())
        hit = _TABLES.get(key[0])
        if hit is not None and hit[0] == key:
            table, found = hit[1], hit[2]
        else:
            mine = Problems()
            table = read_complaints(path, project.rel(path), year, project.categories.record, mine)
            found = list(mine.items)
            _TABLES[key[0]] = (key, table, found)
        problems.extend(found)
        if any(p.level == "error" for p in found):
            table = None
    if cache is not None:
        cache[year] = table
    return table


def load_year(project: Project, year: int, cache: dict[int, ComplaintTable | None] | None = None) -> YearData:
    """Read the year's CSV (and last year's), survey and report file; compute the figures.

    Problems of those inputs, and loading errors of the records the figures count
    (events, cases, standards, categories), are in `.problems`; then `.figures` is None.
    Computed once per loaded project: check, website and PDFs share the result.
    """
    years = project.memo.setdefault("report.years", {})
    if year in years:
        return years[year]
    data = years[year] = YearData(year)
    root = project.root
    data.table = read_table(project, year, data.problems, cache)
    if complaints_path(root, year - 1).exists():
        data.previous = read_table(project, year - 1, data.problems, cache)
    if survey_path(root, year).exists():
        data.survey = read_record(root, survey_path(root, year), Survey, data.problems)
    if report_path(root, year).exists():
        data.report = read_record(root, report_path(root, year), Report, data.problems)
    data.problems.extend([p for p in project.problems.items if p.level == "error" and p.file.startswith(INPUT_PREFIXES)])
    previous_ok = data.previous is not None or not complaints_path(root, year - 1).exists()
    if data.table is not None and previous_ok and project.categories is not None and not data.problems.counts()["error"]:
        data.figures = compute_figures(year, data.table, data.previous, project.categories.record, project,
                                       data.survey.record if data.survey else None)
    return data


__all__ = ["FIGURES", "YearData", "compute_figures", "load_year", "read_record", "report_path", "survey_path"]
