"""data/reports/<year>.yml: the annual report's own words, status, and once published its frozen figures.

The figures themselves are computed (rightsite.report.figures); this file holds what
editors write, and `rightsite report YEAR --freeze` appends the `figures` block at
publication. After that the numbers may only change through an entry in `corrections`.
"""
from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from .common import Date, Id, OptText, Record, Text

# Frozen values are read as text by the strict reader, but an editor's YAML tooling sees
# numbers, so corrections accept either.
Value = str | int | float | None


class Correction(Record):
    date: Date = Field(title="更正日期")
    figure: Text = Field(title="更正的数字",
                         description="数字的键，如 complaints.total；对象中的一项写成 complaints.by_nature.质量")
    old: Value = Field(title="原数值", description="冻结时的数值（必须与 figures 中的一致）")
    new: Value = Field(title="新数值", description="重新计算出的数值")
    reason: Text = Field(title="更正原因", description="在报告中作为更正说明公开")


class Report(Record):
    year: int = Field(title="年度", ge=2000, le=2100, description="与文件名相同")
    status: Literal["draft", "published"] = Field(title="状态", description="draft 草稿 / published 已发布")
    published: Date | None = Field(None, title="发布日期", description="发布时填写；--freeze 时未填则写入当天")
    title: Text = Field(title="报告标题")
    foreword: Text = Field(title="前言")
    highlights: list[Text] = Field(default_factory=list, title="年度要点")
    featured_cases: list[Id] = Field(default_factory=list, title="精选案例", description="data/cases 中的案例编号")
    suggestions: list[Text] = Field(default_factory=list, title="改进建议")
    supervision: OptText = Field(None, title="质量监督说明",
                                 description="报告“质量监督”一节开头的一段话，可用 {supervision.inspections} 这样的数字占位符")
    figures: dict[str, Any] | None = Field(None, title="冻结的数字",
                                           description="由 rightsite report YEAR --freeze 写入，请勿手改")
    corrections: list[Correction] = Field(default_factory=list, title="更正记录")
