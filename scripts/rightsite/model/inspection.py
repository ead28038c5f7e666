"""data/inspections/<id>.yml: one inspection of one merchant against one service standard.

Internal records: the site publishes only aggregates of them (the annual report's
`supervision.*` figures, the 质量监督 section of the standards page). The merchant is an
internal code and its sector, never a name; the inspector is a role, never a person.
Cross-record rules (standard, version, clauses, dates, follow-ups) are in
guard/inspections.py; the domain rules every reader shares are methods here.
"""
from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from .common import Date, Id, OptText, PiiAllow, Record, Text

RESULTS = ("符合", "不符合", "不适用")
ACTIONS = ("整改", "警告", "处罚", "停业整顿")
DEADLINE_ACTIONS = ("整改", "停业整顿")  # actions that set a date by which the merchant must have put things right
FOLLOW_UP_RESULTS = ("已整改", "部分整改", "未整改")
INSPECTION_KINDS = ("定期检查", "专项检查", "投诉核查")
MERCHANT_CODE = r"^[A-Z]{1,4}-?[0-9]{2,8}$"


class Merchant(Record):
    code: str = Field(title="商户内部编号", pattern=MERCHANT_CODE,
                      description="商场内部的商户编号（如 M-0231），不写店名；只在内部记录中出现，网站和 PDF 中不出现")
    sector: Text = Field(title="行业", description="data/categories.yml 中的行业名称")


class ClauseResult(Record):
    clause: Text = Field(title="条款号", pattern=r"^\d+(\.\d+)*$", description="所依据标准的条款号，如 3 或 11.2")
    result: Literal["符合", "不符合", "不适用"] = Field(title="检查结果", description="符合 / 不符合 / 不适用")
    finding: OptText = Field(None, title="发现的问题", description="不符合时必填：看到了什么（不写人名、电话）")


class Action(Record):
    kind: Literal["整改", "警告", "处罚", "停业整顿"] = Field(
        title="处理措施", description="整改（须写期限）/ 警告 / 处罚 / 停业整顿（须写期限：恢复营业前须复查）")
    deadline: Date | None = Field(None, title="整改期限", description="整改、停业整顿必填，须晚于检查日期")
    note: OptText = Field(None, title="说明", description="如 处罚依据的商户管理公约条款、整改要求")


class FollowUp(Record):
    date: Date = Field(title="复查日期")
    result: Literal["已整改", "部分整改", "未整改"] = Field(title="复查结果", description="已整改 / 部分整改 / 未整改")
    note: OptText = Field(None, title="复查情况")


class Inspection(Record):
    id: Id = Field(title="编号", pattern=r"^\d{4}-\d{3}$", description="YYYY-NNN，与文件名相同")
    date: Date = Field(title="检查日期")
    kind: Literal["定期检查", "专项检查", "投诉核查"] = Field("定期检查", title="检查类型",
                                                    description="定期检查 / 专项检查 / 投诉核查")
    inspector: Text = Field(title="检查人员（岗位）", description="写岗位，如 商户服务部巡检员；不写姓名")
    merchant: Merchant = Field(title="受检商户")
    standard: Id = Field(title="依据标准", description="data/standards 中的标准编号，如 std-01")
    version: Text = Field(title="标准版本", description="检查时所用的版本：标准的现行版本或其修订记录中的版本")
    results: list[ClauseResult] = Field(min_length=1, title="逐条检查结果")
    notes: OptText = Field(None, title="其他情况")
    actions: list[Action] = Field(default_factory=list, title="处理措施", description="全部符合时不写")
    follow_up: FollowUp | None = Field(None, title="复查", description="整改期限过后必须填写")
    owner: OptText = Field(None, title="跟进部门", description="负责复查的部门；不写则为标准的负责部门")
    pii_allow: list[PiiAllow] = Field(default_factory=list, title="个人信息误报豁免")

    def texts(self) -> list[tuple[tuple, str]]:
        """(path, text) of every free-text field, for the personal-data scan."""
        out: list[tuple[tuple, str]] = [(("inspector",), self.inspector)]
        out += [(("notes",), self.notes)] if self.notes else []
        out += [(("results", i, "finding"), r.finding) for i, r in enumerate(self.results) if r.finding]
        out += [(("actions", i, "note"), a.note) for i, a in enumerate(self.actions) if a.note]
        if self.follow_up and self.follow_up.note:
            out.append((("follow_up", "note"), self.follow_up.note))
        return out

    def nonconforming(self) -> list[ClauseResult]:
        """The clauses found not to conform (不符合)."""
        return [r for r in self.results if r.result == "不符合"]

    def passed(self) -> bool:
        """No clause failed."""
        return not self.nonconforming()

    def deadline(self) -> dt.date | None:
        """The latest date by which the actions require things put right, or None (no 整改 / 停业整顿)."""
        dates = [a.deadline for a in self.actions if a.kind in DEADLINE_ACTIONS and a.deadline]
        return max(dates) if dates else None

    def rectified_on_time(self) -> bool:
        """A re-inspection on or before the deadline found everything put right."""
        due = self.deadline()
        fu = self.follow_up
        return due is not None and fu is not None and fu.result == "已整改" and fu.date <= due

    def settled(self) -> bool:
        """Nothing left open: every clause conformed, or a re-inspection found it put right."""
        return self.passed() or (self.follow_up is not None and self.follow_up.result == "已整改")
