"""data/categories.yml: complaint natures, sectors, intake channels and outcomes."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import OptText, Record, Text

Slug = Text


class Category(Record):
    name: Text = Field(title="名称")
    slug: Slug = Field(title="网址用名", pattern=r"^[a-z0-9][a-z0-9-]*$")
    description: OptText = Field(None, title="说明")


class Nature(Category):
    aliases: list[Text] = Field(default_factory=list, title="别名（旧称）")


class Sector(Category):
    group: Literal["商品类", "服务类", "其他类"] = Field(title="大类")


class Categories(Record):
    natures: list[Nature] = Field(min_length=1, title="投诉性质")
    sectors: list[Sector] = Field(min_length=1, title="行业")
    channels: list[Category] = Field(min_length=1, title="投诉来源渠道")
    outcomes: list[Category] = Field(min_length=1, title="处理结果")

    def nature_names(self) -> dict[str, str]:
        """Every accepted name (including aliases) -> canonical name."""
        out = {n.name: n.name for n in self.natures}
        for n in self.natures:
            out.update({a: n.name for a in n.aliases})
        return out
