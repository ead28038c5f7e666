"""data/site.yml: the mall, the group, the public complaint channels."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from .common import Date, Id, OptText, Record, Text


class Mall(Record):
    name: Text = Field(title="商场名称")
    short_name: OptText = Field(None, title="简称")
    address: OptText = Field(None, title="地址")


class Group(Record):
    name: Text = Field(title="小组名称")
    short_name: OptText = Field(None, title="简称")
    owner: Text = Field(title="负责部门", description="站点资料（如投诉渠道）由谁维护")


class Channel(Record):
    id: Id = Field(title="渠道编号")
    kind: Literal["hotline", "email", "online", "desk", "12315"] = Field(title="类型")
    name: Text = Field(title="名称")
    value: Text = Field(title="号码、地址或网址")
    hours: OptText = Field(None, title="服务时间")
    note: OptText = Field(None, title="说明")
    url: OptText = Field(None, title="链接")
    verified: Date = Field(title="最近核实日期", description="最近一次有人确认该渠道可用的日期")


class ReviewPolicy(Record):
    """How often things must be looked at again (the guard's staleness rules)."""

    chapter_months: int = Field(12, ge=1, title="手册章节复核周期（月）")
    case_years: int = Field(3, ge=1, title="案例复核周期（年）")
    channel_months: int = Field(6, ge=1, title="投诉渠道核实周期（月）")
    recap_days: int = Field(14, ge=1, title="活动结束后多少天内须填写回顾")


class Site(Record):
    mall: Mall
    group: Group
    base_url: Text = Field(title="网站地址", pattern=r"^https?://.+/$")
    repo_url: OptText = Field(None, title="代码仓库地址")
    edit_uri: OptText = Field(None, title="编辑链接路径")
    channels: list[Channel] = Field(min_length=1, title="投诉渠道")
    review: ReviewPolicy = Field(default_factory=ReviewPolicy, title="复核周期")
