"""data/events/<id>.yml: one event of the rights-promotion program."""
from __future__ import annotations

import datetime as dt
from typing import ClassVar, Literal

from pydantic import AwareDatetime, Field

from .common import Count, Id, OptText, Record, Text, PiiAllow

STATUS_LABELS = {"planned": "计划中", "cancelled": "已取消", "postponed": "已延期", "held": "已举办"}
AUDIENCE_LABELS = {"consumers": "消费者", "merchants": "商户"}


class Recap(Record):
    attendance: Count = Field(title="参加人数")
    materials: Count = Field(0, title="发放资料（份）")
    merchants: Count = Field(0, title="培训商户数")
    summary: Text = Field(title="活动回顾")


class Event(Record):
    id: Id = Field(title="编号", pattern=r"^\d{4}-\d{3}$")
    title: Text = Field(title="标题")
    kind: Literal["宣传日", "讲座", "商户培训", "咨询", "进社区", "比较试验"] = Field(title="活动类型")
    audience: Literal["consumers", "merchants"] = Field(title="对象")
    start: AwareDatetime = Field(title="开始时间")
    end: AwareDatetime = Field(title="结束时间")
    location: Text = Field(title="地点")
    status: Literal["planned", "cancelled", "postponed", "held"] = Field(title="状态")
    registration: Text = Field(title="报名方式")
    description: Text = Field(title="活动介绍")
    owner: Text = Field(title="负责部门")
    note: OptText = Field(None, title="备注")
    recap: Recap | None = Field(None, title="活动回顾（举办后填写）")
    pii_allow: list[PiiAllow] = Field(default_factory=list, title="个人信息误报豁免")

    TEXT_FIELDS: ClassVar[tuple[str, ...]] = ("title", "location", "registration", "description", "note")

    def is_over(self, now: dt.datetime) -> bool:
        return self.end < now

    def is_upcoming(self, now: dt.datetime) -> bool:
        """Still to take place: not over, and planned or postponed (flyers are made for these)."""
        return not self.is_over(now) and self.status in ("planned", "postponed")

    def is_announced(self, now: dt.datetime) -> bool:
        """Listed under 即将举办 and in the calendars: not over and not held, cancelled ones
        included so that readers and calendars learn of the cancellation."""
        return not self.is_over(now) and self.status != "held"

    def status_is_overdue(self, now: dt.datetime) -> bool:
        """Over, but still marked as planned or postponed (an editor must set held or cancelled)."""
        return self.is_over(now) and self.status in ("planned", "postponed")

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def audience_label(self) -> str:
        return AUDIENCE_LABELS[self.audience]
