"""Staleness: content past its review date, events whose status lags behind time,
law texts not checked lately, channels not verified lately (rules `stale.*`, warnings).

`rightsite stale` prints them grouped by owner, who must act.
"""
from __future__ import annotations

import datetime as dt
import json
import sys
from collections import defaultdict
from dataclasses import asdict
from pathlib import Path

from .. import urls
from ..clock import start_of_day
from ..gitdates import git_dates
from ..load import Loaded, Project
from ..problems import Problem, Problems


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus `months` calendar months (end of month if the day does not exist); date.max past year 9999."""
    year, month = divmod(day.month - 1 + months, 12)
    if day.year + year > 9999:
        return dt.date.max
    year += day.year
    month += 1
    for d in (day.day, 30, 29, 28):
        try:
            return dt.date(year, month, d)
        except ValueError:
            continue
    raise ValueError(day)


def chapter_review(project: Project, chapter: Loaded, today: dt.date) -> tuple[dt.date | None, dt.date | None, str]:
    """(last review, review due, where the review date came from) of a chapter."""
    rec = chapter.record
    policy = project.site.record.review if project.site else None
    months = rec.review_months or (policy.chapter_months if policy else 12)
    if rec.reviewed:
        return rec.reviewed, add_months(rec.reviewed, months), "reviewed"
    git = git_dates(project.root)
    last = git.date(chapter.file) if git.known else None
    return last, (add_months(last, months) if last else None), ("git" if last else git.reason or "未提交")


def overdue_pages(project: Project, today: dt.date) -> dict[str, dt.date | None]:
    """src_uri of every chapter or standard past its review date -> its last review date."""
    out: dict[str, dt.date | None] = {}
    for slug, ch in project.chapters.items():
        last, due, _ = chapter_review(project, ch, today)
        if due and due < today:
            out[urls.chapter(ch.file)] = last
    for sid, std in project.standards.items():
        if std.record.review_by < today:
            history = [h.date for h in std.record.history]
            out[urls.standard(sid)] = max(history) if history else std.record.effective
    return out


def find_stale(project: Project, today: dt.date) -> Problems:
    """Every staleness warning of the project as of `today`."""
    out = Problems()
    site = project.site.record if project.site else None
    group_owner = site.group.owner if site else ""
    policy = site.review if site else None
    now = start_of_day(today)

    for ch in project.sorted_chapters():
        last, due, source = chapter_review(project, ch, today)
        rec = ch.record
        if last is None:
            out.warning("stale.unknown", ch.file, 1, "reviewed",
                        f"无法确定最近审核日期：front matter 没有 reviewed，且{source}。请在 front matter 中写上 reviewed: YYYY-MM-DD。"
                        " No review date and no git date; add `reviewed`.", rec.owner)
        elif due is not None and due < today:  # `due` is None only when `last` is
            what = "最近审核" if source == "reviewed" else "最近一次提交（无 reviewed，按 git 提交日期）"
            out.warning("stale.chapter", ch.file, ch.line("reviewed") if rec.reviewed else 1, "reviewed",
                        f"手册章节已过复核期限：{what} {last}，应于 {due} 前复核（自 {due} 起逾期）。请复核内容后更新 reviewed。"
                        f" Past its review date since {due}; review it and update `reviewed`.", rec.owner)

    for std in project.standards.values():
        s = std.record
        if s.review_by < today:
            out.warning("stale.standard", std.file, std.line("review_by"), "review_by",
                        f"服务标准已过复核期限 {s.review_by}（自 {s.review_by} 起逾期）。请复核后更新 review_by 并记入 history。"
                        f" Past its review date since {s.review_by}.", s.owner)

    recap_days = policy.recap_days if policy else 14
    for ev in project.events.values():
        e = ev.record
        if e.status_is_overdue(now):
            out.warning("stale.event", ev.file, ev.line("status"), "status",
                        f"活动已于 {e.end.date()} 结束，状态仍是 {e.status}（自 {e.end.date()} 起）。请改为 held 并填写回顾，或改为 cancelled。"
                        " The event is over; set status to held (with a recap) or cancelled.", e.owner)
        due = e.end.date() + dt.timedelta(days=min(recap_days, (dt.date.max - e.end.date()).days))
        if e.status == "held" and e.recap is None and due < today:
            out.warning("stale.recap", ev.file, ev.line("status"), "recap",
                        f"活动已举办，结束 {recap_days} 天后仍没有回顾（自 {due} 起）。请填写 recap：参加人数、发放资料、总结。"
                        f" Held {recap_days}+ days ago without a recap; add one.", e.owner)

    from .laws import stale_laws  # the law texts' own check dates (`ref.law_repealed` is in guard.laws)

    out.extend(stale_laws(project, today))

    if site:
        assert policy is not None and project.site is not None  # both come with `site`
        for i, ch in enumerate(site.channels):
            due = add_months(ch.verified, policy.channel_months)
            if due < today:
                out.warning("stale.channel", project.site.file, project.site.line("channels", i, "verified"),
                            f"channels[{i}].verified",
                            f"投诉渠道“{ch.name}”最近核实于 {ch.verified}，超过 {policy.channel_months} 个月（自 {due} 起）。"
                            "请拨打或访问确认可用后更新 verified。 Not verified for too long; check it and update `verified`.",
                            group_owner)

    out.extend(stale_inspections(project, today, group_owner))

    years = policy.case_years if policy else 3
    for case in project.cases.values():
        c = case.record
        due = add_months(c.reviewed, 12 * years)
        if due < today:
            out.warning("stale.case", case.file, case.line("reviewed"), "reviewed",
                        f"案例最近审核于 {c.reviewed}，已超过 {years} 年（自 {due} 起）。请核对所引法律是否仍然有效，然后更新 reviewed。"
                        f" Not reviewed for {years} years; check it and update `reviewed`.", group_owner)
    return out


def stale_inspections(project: Project, today: dt.date, group_owner: str = "") -> Problems:
    """An inspection whose rectification deadline has passed needs its re-inspection recorded;
    a re-inspection that found things not (fully) put right needs a later inspection
    (rule `stale.inspection`, for the following-up department)."""
    out = Problems()
    later: dict[tuple[str, str], list[dt.date]] = defaultdict(list)  # (merchant, standard) -> inspection dates
    for item in project.inspections.values():
        later[(item.record.merchant.code, item.record.standard)].append(item.record.date)
    for item in sorted(project.inspections.values(), key=lambda i: i.id):
        rec = item.record
        std = project.standards.get(rec.standard)
        owner = rec.owner or (std.record.owner if std else "") or group_owner
        due = rec.deadline()
        fu = rec.follow_up
        if due is not None and due < today and fu is None:
            i = next(i for i, a in enumerate(rec.actions) if a.deadline == due)
            out.warning("stale.inspection", item.file, item.line("actions", i, "deadline"), f"actions[{i}].deadline",
                        f"检查 {rec.id}（{rec.merchant.code}，{rec.standard}）要求在 {due} 前整改，期限已过（自 {due} 起）"
                        "仍没有复查记录。请复查后填写 follow_up（date、result）。"
                        f" Rectification deadline {due} has passed without a recorded re-inspection.", owner)
        elif fu is not None and fu.result != "已整改" and not any(
                d > fu.date for d in later[(rec.merchant.code, rec.standard)]):
            out.warning("stale.inspection", item.file, item.line("follow_up", "result"), "follow_up.result",
                        f"检查 {rec.id}（{rec.merchant.code}）复查结果为“{fu.result}”（{fu.date}），之后还没有再次检查的记录。"
                        "请安排再次检查（新建一份检查记录），或升级处理措施。"
                        " Not put right at the re-inspection, and no later inspection recorded.", owner)
    return out


def citations(project: Project, group_owner: str = ""):
    """(record, path to the citation, law id, owner) for every law citation."""
    for ch in project.sorted_chapters():
        for i, law_id in enumerate(ch.record.laws):
            yield ch, ("laws", i), law_id, ch.record.owner
    for case in project.cases.values():
        for i, law_id in enumerate(case.record.laws):
            yield case, ("laws", i), law_id, group_owner
    for std in project.standards.values():
        for ci, clause in enumerate(std.record.clauses):
            for i, law_id in enumerate(clause.laws):
                yield std, ("clauses", ci, "laws", i), law_id, std.record.owner


def format_by_owner(problems: list[Problem]) -> str:
    groups: dict[str, list[Problem]] = defaultdict(list)
    for p in problems:
        groups[p.owner or "（未指定负责人）"].append(p)
    lines = []
    for owner in sorted(groups):
        items = sorted(groups[owner], key=Problem.sort_key)
        lines.append(f"== {owner}（{len(items)} 项）==")
        for p in items:
            lines.append(f"  {p.file}:{p.line} [{p.rule}] {p.message}")
        lines.append("")
    if not problems:
        lines.append("没有过期内容。 Nothing is stale.")
    return "\n".join(lines)


def run_stale(root: Path, today: dt.date, fmt: str) -> int:
    from ..load import load_project

    project = load_project(root)
    stale = find_stale(project, today)
    if fmt == "json":
        items = sorted(stale.items, key=lambda p: (p.owner, *p.sort_key()))
        print(json.dumps({"problems": [asdict(p) for p in items], "counts": stale.counts()}, ensure_ascii=False, indent=2))
    else:
        print(format_by_owner(stale.items))
    if project.problems.counts()["error"]:
        print(f"注意：数据还有 {project.problems.counts()['error']} 个错误，运行 rightsite check 查看。", file=sys.stderr)
    return 0
