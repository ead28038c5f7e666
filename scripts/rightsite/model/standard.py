"""data/standards/<id>.yml: a service standard for the mall's merchants."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Date, Id, PiiAllow, Record, Text


class Clause(Record):
    number: Text = Field(title="条款号", pattern=r"^\d+(\.\d+)*$")
    level: Literal["必须", "应当", "建议"] = Field(title="要求等级")
    text: Text = Field(title="条款内容")
    laws: list[Id] = Field(default_factory=list, title="依据")


class Revision(Record):
    version: Text = Field(title="版本")
    date: Date = Field(title="日期")
    changes: Text = Field(title="修订内容")


class Standard(Record):
    id: Id = Field(title="编号", pattern=r"^std-\d{2,}$")
    title: Text = Field(title="标题")
    version: Text = Field(title="版本")
    effective: Date = Field(title="施行日期")
    review_by: Date = Field(title="复核期限")
    owner: Text = Field(title="负责部门")
    sectors: list[Text] = Field(min_length=1, title="适用行业", description="行业名称，或 [全部]")
    summary: Text = Field(title="目的与范围")
    clauses: list[Clause] = Field(min_length=1, title="条款")
    history: list[Revision] = Field(min_length=1, title="修订记录")
    pii_allow: list[PiiAllow] = Field(default_factory=list, title="个人信息误报豁免")
