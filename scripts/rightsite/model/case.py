"""data/cases/<id>.yml: one anonymized mediation case (典型案例)."""
from __future__ import annotations

from typing import ClassVar

from pydantic import Field

from .common import Date, Id, Money, OptText, PiiAllow, Record, Text


class Case(Record):
    id: Id = Field(title="编号", pattern=r"^\d{4}-\d{3}$", description="YYYY-NNN，与文件名相同")
    title: Text = Field(title="标题")
    received: Date = Field(title="受理日期")
    closed: Date = Field(title="办结日期")
    nature: Text = Field(title="投诉性质")
    sector: Text = Field(title="行业")
    channel: Text = Field(title="投诉渠道")
    outcome: Text = Field(title="处理结果")
    amount_recovered: Money = Field(title="挽回金额（元）")
    summary: Text = Field(title="案情简介")
    process: Text = Field(title="调解过程")
    result: Text = Field(title="处理结果说明")
    laws: list[Id] = Field(min_length=1, title="法律依据")
    analysis: OptText = Field(None, title="案例评析")
    tips: Text = Field(title="消费提示")
    merchant_tips: OptText = Field(None, title="经营者提示")
    related: list[Id] = Field(default_factory=list, title="相关案例")
    reviewed: Date = Field(title="最近审核日期")
    pii_allow: list[PiiAllow] = Field(default_factory=list, title="个人信息误报豁免")

    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("title", "summary", "process", "result", "analysis", "tips", "merchant_tips")
