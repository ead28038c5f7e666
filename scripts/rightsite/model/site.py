"""data/site.yml: the mall, the group, the public complaint channels."""
from __future__ import annotations

import re
from typing import Literal


from pydantic import Field, model_validator

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

    @model_validator(mode="after")
    def _value_fits_kind(self):
        """The value becomes a tel:/mailto:/https: link: it must be what its kind says."""
        checks = {
            "hotline": (r"[0-9][0-9 -]{2,19}", "电话号码只能包含数字、空格和连字符"),
            "12315": (r"[0-9][0-9 -]{2,19}", "电话号码只能包含数字、空格和连字符"),
            "email": (r"[^@\s:/]+@[^@\s:/]+\.[^@\s:/]+", "应为电子邮箱地址"),
            "online": (r"https://[^\s\"'<>]+", "应为 https:// 开头的网址"),
        }
        for value in (self.value, self.url):
            rule = checks.get(self.kind) if value is self.value else (r"https?://[^\s\"'<>]+", "应为 http(s):// 开头的网址")
            if value and rule and not re.fullmatch(rule[0], value):
                raise ValueError(f"“{value[:40]}”{rule[1]}。 The value does not fit kind `{self.kind}`.")
        return self


class ReviewPolicy(Record):
    """How often things must be looked at again (the guard's staleness rules)."""

    chapter_months: int = Field(12, ge=1, le=120, title="手册章节复核周期（月）")
    case_years: int = Field(3, ge=1, le=50, title="案例复核周期（年）")
    channel_months: int = Field(6, ge=1, le=120, title="投诉渠道核实周期（月）")
    recap_days: int = Field(14, ge=1, le=365, title="活动结束后多少天内须填写回顾")


class Site(Record):
    mall: Mall
    group: Group
    base_url: Text = Field(title="网站地址", pattern=r"^https?://.+/$")
    repo_url: OptText = Field(None, title="代码仓库地址")
    edit_uri: OptText = Field(None, title="编辑链接路径")
    channels: list[Channel] = Field(min_length=1, title="投诉渠道")
    review: ReviewPolicy = Field(default_factory=ReviewPolicy, title="复核周期")
