"""data/laws.yml: every law article the content cites."""
from __future__ import annotations

from pydantic import Field

from .common import Date, Id, OptText, Record, Text


class Law(Record):
    id: Id = Field(title="编号", description="如 cpl-24；案例、标准、手册用它引用本条")
    law: Text = Field(title="法规全称")
    short: Text = Field(title="简称")
    article: Text = Field(title="条款", description="如 第二十四条")
    summary: Text = Field(title="一句话要点")
    effective: Date = Field(title="施行日期")
    repealed: Date | None = Field(None, title="废止日期")
    superseded_by: Id | None = Field(None, title="被哪一条取代")
    url: OptText = Field(None, title="官方文本链接")

    @property
    def label(self) -> str:
        return f"《{self.short}》{self.article}"


class Laws(Record):
    laws: list[Law] = Field(min_length=1)
