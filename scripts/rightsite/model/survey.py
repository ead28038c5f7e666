"""data/surveys/<year>.yml: the aggregates of the year's satisfaction survey (满意度调查).

Only aggregates live here, never answers of individual people. ISO 10004 asks a
report to state the sample size, the method and the period, so all three are required.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import Field

from .common import Count, Date, Id, OptText, Record, Text

Score = Annotated[Decimal, Field(ge=0, max_digits=6, decimal_places=2)]


class Question(Record):
    id: Id = Field(title="题号", description="如 q1，在报告中排序用")
    text: Text = Field(title="题目", description="问卷上的问题，或概括它的短语（如 投诉处理及时性）")
    score: Score = Field(title="得分", description="该题的平均分，满分见 scale_max")
    responses: Count | None = Field(None, title="有效回答数", description="不写则等于 sample_size")


class Survey(Record):
    year: int = Field(title="年度", ge=2000, le=2100)
    title: Text = Field(title="调查名称")
    method: Text = Field(title="调查方式", description="如 现场拦截访问与线上问卷相结合")
    period_start: Date = Field(title="调查开始日期")
    period_end: Date = Field(title="调查结束日期")
    sample_size: Count = Field(title="有效样本量（份）")
    scale_max: Score = Field(Decimal(5), title="满分", description="每题得分的满分，如 5 或 100")
    questions: list[Question] = Field(min_length=1, title="各题得分")
    note: OptText = Field(None, title="说明", description="抽样方法、误差或其他需要读者知道的事")
