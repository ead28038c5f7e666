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


class Outcome(Category):
    resolution: Literal["resolved", "partly", "unresolved", "other"] = Field(
        title="是否算作解决",
        description="resolved 解决 / partly 部分解决（两者计入解决率）/ unresolved 未解决 / other 不计入（如撤回、转办）")


RESOLUTION_LABELS = {"resolved": "解决", "partly": "部分解决", "unresolved": "未解决", "other": "不计入"}


class Categories(Record):
    natures: list[Nature] = Field(min_length=1, title="投诉性质")
    sectors: list[Sector] = Field(min_length=1, title="行业")
    channels: list[Category] = Field(min_length=1, title="投诉来源渠道")
    outcomes: list[Outcome] = Field(min_length=1, title="处理结果")

    def resolved_outcomes(self) -> list[str]:
        """Names of the outcomes counted as resolved (fully or partly), in file order."""
        return [o.name for o in self.outcomes if o.resolution in ("resolved", "partly")]

    def nature_names(self) -> dict[str, str]:
        """Every accepted name (including aliases) -> canonical name."""
        out = {n.name: n.name for n in self.natures}
        for n in self.natures:
            out.update({a: n.name for a in n.aliases})
        return out
