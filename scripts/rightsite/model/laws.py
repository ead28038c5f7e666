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
    text: OptText = Field(None, title="条文原文", description="本条的官方文本，逐字照录（含各款），不改写")
    source: OptText = Field(None, title="文本来源", description="官方发布载体及文号，如 中华人民共和国主席令第七号（2013年10月25日）")
    checked: Date | None = Field(None, title="核对日期", description="最近一次与官方文本逐字核对的日期")
    verified: bool = Field(True, title="已核实", description="未能从官方文本核实时写 false，网站显示“待核实”")
    verify_note: OptText = Field(None, title="核实说明", description="verified 为 false 时，写明未能核实的原因")

    @property
    def label(self) -> str:
        return f"《{self.short}》{self.article}"


class Laws(Record):
    owner: OptText = Field(None, title="负责部门",
                           description="负责核对条文原文的部门（stale.law 等提醒发给它）；不填时为小组负责人 group.owner")
    laws: list[Law] = Field(min_length=1)
