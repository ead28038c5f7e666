"""The annual report (年度报告): complaint export, survey, editors' words, figures, freezing.

Entry points:
- `load_year(project, year)` reads everything a year's report needs and computes its figures;
- `report.figures.FIGURES` is the registry behind the 数据说明 appendix;
- `report.freeze` freezes figures at publication and detects drift afterwards;
- `report.charts` draws the static SVG charts (needs matplotlib; import it only when drawing);
- `report.cli.run_report` and `report.cli.report_problems` serve `rightsite report` and `rightsite check`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..load import Loaded, Project, report_path, survey_path
from ..model.complaints import ComplaintTable, complaints_path
from ..model.report import Report
from ..model.survey import Survey
from ..problems import Problems
from .figures import FIGURES, compute_figures
from .history import Published, published

INPUT_PREFIXES = ("data/categories.yml", "data/events/", "data/cases/", "data/standards/", "data/inspections/")


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
    publication: Published | None = None  # the report as git recorded it at the commit that froze it

    @property
    def status(self) -> str:
        return self.report.record.status if self.report else "draft"


def report_words(project: Project):
    """(report file, path of the field, text) of the editors' words of every annual report:
    title, foreword, supervision, highlights, suggestions and correction reasons."""
    for _, item in sorted(project.reports.items()):
        rec = item.record
        yield item, ("title",), rec.title
        yield item, ("foreword",), rec.foreword
        if rec.supervision:
            yield item, ("supervision",), rec.supervision
        for name in ("highlights", "suggestions"):
            for i, text in enumerate(getattr(rec, name)):
                yield item, (name, i), text
        for i, c in enumerate(rec.corrections):
            yield item, ("corrections", i, "reason"), c.reason


def load_year(project: Project, year: int) -> YearData:
    """A year's CSV (and last year's), survey and report file, as `load_project` read them,
    and the figures computed from them.

    Problems of those inputs, and loading errors of the records the figures count
    (events, cases, standards, inspections, categories), are in `.problems`; then `.figures` is None.
    Computed once per loaded project: check, website and PDFs share the result.
    """
    years = project.memo.setdefault("report.years", {})
    if year in years:
        return years[year]
    data = years[year] = YearData(year)
    root = project.root
    files = {project.rel(complaints_path(root, year)), project.rel(complaints_path(root, year - 1)),
             project.rel(survey_path(root, year)), project.rel(report_path(root, year))}
    data.problems.extend([p for p in project.yearly_problems.items if p.file in files])
    data.table = project.complaints.get(year)
    data.previous = project.complaints.get(year - 1)
    data.survey = project.surveys.get(year)
    data.report = project.reports.get(year)
    data.publication = published(project, year)
    data.problems.extend([p for p in project.problems.items if p.level == "error" and p.file.startswith(INPUT_PREFIXES)])
    previous_ok = data.previous is not None or not complaints_path(root, year - 1).exists()
    if data.table is not None and previous_ok and project.categories is not None and not data.problems.counts()["error"]:
        data.figures = compute_figures(year, data.table, data.previous, project.categories.record, project,
                                       data.survey.record if data.survey else None)
    return data


__all__ = ["FIGURES", "YearData", "compute_figures", "load_year", "report_path", "survey_path"]
