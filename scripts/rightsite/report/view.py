"""The annual report's view model (one YearView a year, template helpers), shared by the report pages
and the report PDF. No MkDocs imports."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..load import Project
from . import load_year
from .charts import all_charts
from .cli import report_figures
from .figures import FIGURES
from .figures import definitions as figure_definitions
from .text import fill, format_value


@dataclass
class YearView:
    year: int
    status: str
    title: str
    published: Any
    figures: dict[str, Any]
    notices: list[dict]
    record: Any
    charts: list
    featured: list
    categories: Any = None
    standards: dict[str, str] | None = None  # standard id -> title, for the supervision tables


def cached_charts(project: Project, figures: dict, year: int) -> list:
    """Charts of a year, reused from .cache/charts when the figures and the chart code are unchanged
    (drawing them with matplotlib is most of the report pages' cost)."""
    import hashlib
    import json
    import os
    from importlib import metadata
    from pathlib import Path

    from . import charts

    source = Path(charts.__file__).read_bytes() + Path(__file__).read_bytes()  # drawing and post-processing
    try:
        mpl = metadata.version("matplotlib")
    except metadata.PackageNotFoundError:
        mpl = "?"
    key = hashlib.sha256(json.dumps([year, figures, mpl], sort_keys=True, default=str).encode() + source).hexdigest()[:32]
    path = project.root / ".cache" / "charts" / f"{key}.json"
    hit = _read_charts(path)
    if hit is not None:
        return hit
    made = [c._replace(svg=_unique_ids(c.svg, f"y{year}c{i}-")) for i, c in enumerate(all_charts(figures, year))]
    payload = [{"title": c.title, "svg": c.svg, "rows": c.rows} for c in made]
    body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps({"sha256": hashlib.sha256(body.encode()).hexdigest(), "charts": payload},
                                  ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only checkout still builds, only slower
    return made


def _read_charts(path) -> list | None:
    """The charts cached at `path` if the file is intact (its sha256 matches), else None.

    A damaged file (truncated, edited, not JSON) is removed and the charts are drawn again."""
    import hashlib
    import json
    import logging

    from . import charts

    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        if not path.exists():
            return None
        raw = ""
    try:
        data = json.loads(raw)
        if isinstance(data, list):  # written before digests were recorded: draw again, quietly
            return None
        payload = data["charts"]
        body = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        if hashlib.sha256(body.encode()).hexdigest() != data["sha256"]:
            raise ValueError("digest mismatch")
        return [charts.Chart(c["title"], c["svg"], [tuple(r) for r in c["rows"]]) for c in payload]
    except (ValueError, KeyError, TypeError, AttributeError):
        logging.getLogger("rightsite.report").info(
            "图表缓存 %s 已损坏，重新绘制。 Chart cache damaged; drawing again.", path.name)
        path.unlink(missing_ok=True)
        return None


def _unique_ids(svg: str, prefix: str) -> str:
    """matplotlib numbers ids from 1 in every chart; on one page they must not collide."""
    import re

    svg = re.sub(r'\bid="([^"]+)"', lambda m: f'id="{prefix}{m.group(1)}"', svg)
    svg = re.sub(r'(xlink:href|href)="#([^"]+)"', lambda m: f'{m.group(1)}="#{prefix}{m.group(2)}"', svg)
    return re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}{m.group(1)})", svg)


def year_views(project: Project) -> list[YearView]:
    """Every year that has a complaint export and computable figures, newest first
    (once per loaded project: the report pages and the report PDFs share them)."""
    if "report.views" in project.memo:
        return project.memo["report.views"]
    views = project.memo["report.views"] = []
    for year in sorted(project.complaints, reverse=True):
        data = load_year(project, year)
        if data.figures is None:
            continue
        figures, notices, _ = report_figures(data)
        rec = data.report.record if data.report else None
        featured = [project.cases[c].record for c in (rec.featured_cases if rec else []) if c in project.cases]
        views.append(YearView(year, data.status, rec.title if rec else f"{year}年度消费者权益保护工作报告",
                              rec.published if rec else None, figures, notices, rec,
                              cached_charts(project, figures, year), featured,
                              project.categories.record if project.categories else None,
                              {k: v.record.title for k, v in sorted(project.standards.items())}))
    return views


def context(view: YearView) -> dict:
    """Template helpers: `fig(key)` formats a figure, `words(text)` fills placeholders."""
    def fig(key: str) -> str:
        value = view.figures.get(key)
        f = FIGURES.get(key)
        return format_value(value, f.unit if f else "", f.kind if f else "")

    def words(text: str) -> str:
        return fill(text or "", view.figures)[0]

    definitions = [{"label": label, "definition": text}
                   for label, text in figure_definitions(view.categories, view.figures)]
    return dict(view=view, fig=fig, words=words, definitions=definitions, F=view.figures,
                supervision=bool(view.figures.get("supervision.inspections")), std_titles=view.standards or {})
