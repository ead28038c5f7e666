"""content/handbook/<slug>.md: the front matter of a handbook chapter."""
from __future__ import annotations

from pydantic import Field

from .common import Date, Id, Record, Text, PiiAllow


class Chapter(Record):
    title: Text = Field(title="章节标题")
    order: int = Field(title="顺序")
    owner: Text = Field(title="负责部门")
    reviewed: Date | None = Field(None, title="最近审核日期", description="不写则以该文件最近一次提交日期为准")
    laws: list[Id] = Field(default_factory=list, title="引用的法律条款")
    review_months: int | None = Field(None, title="复核周期（月）", ge=1, le=120)
    description: str | None = Field(None, title="页面描述")
    pii_allow: list[PiiAllow] = Field(default_factory=list, title="个人信息误报豁免")
