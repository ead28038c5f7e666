"""Inspection records (data/inspections/) against the standards, the categories and the calendar,
and the opt-in public merchant list of data/site.yml against the inspections.

Rules: `ref.standard`, `ref.version`, `ref.clause`, `ref.category`, `ref.merchant`,
`schema.date_order`, `schema.missing`, `schema.duplicate_id`, `schema.inspection`,
`schema.role`, `pii.name`. Overdue follow-ups are staleness (`stale.inspection`, guard/stale.py).
"""
from __future__ import annotations

import datetime as dt
import re

from ..load import Loaded, Project
from ..model.inspection import DEADLINE_ACTIONS, Inspection
from ..model.standard import Standard
from ..problems import Problems

# A role ends with a post or a unit: 巡检员, 检查人员, 专员, 主管, 经理, 组长, 主任, 小组, 办公室, 部, 中心, 站 …
ROLE_END = re.compile(r"(员|主管|经理|组长|主任|站长|所长|科长|部长|小组|办公室|部|组|中心|站|所|科|处|队)$")
UNIT_END = re.compile(r"(部|组|室|中心|站|所|科|处|队|办|局|司|会)$")
POSTS = ("巡检员", "检查员", "督导员", "管理员", "人员", "专员", "主管", "经理", "组长", "主任", "站长", "员")
# the commonest Chinese surnames: a role that is a surname and a given name before a post ("张伟巡检员") is a person
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟"
    "谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤")
MODIFIERS = frozenset({"高级", "资深", "专职", "兼职", "值班", "夜班", "白班", "首席", "常驻", "驻场", "安全", "质量", "食品"})


def version_dates(std: Standard) -> dict[str, dt.date]:
    """Every version of a standard -> the date it was issued (the earliest history entry naming it;
    the current version without one dates from `effective`)."""
    out: dict[str, dt.date] = {}
    for h in sorted(std.history, key=lambda h: h.date):
        out.setdefault(h.version, h.date)
    out.setdefault(std.version, std.effective)
    return out


def role_problem(text: str) -> tuple[str, str] | None:
    """(rule, message) when the inspector field is not a role, or None."""
    plain = text.strip()
    if not ROLE_END.search(plain) or re.search(r"[\s（）()·•:：,，、/]", plain):
        return ("schema.role",
                f"检查人员“{plain[:20]}”应写岗位，如 商户服务部巡检员、消费维权站检查人员，不写姓名或括注。"
                "请改为岗位名称。 Write the inspector's role, not a person's name.")
    head = next((plain[: -len(p)] for p in POSTS if plain.endswith(p)), plain)
    if 2 <= len(head) <= 3 and head[0] in SURNAMES and head not in MODIFIERS and not UNIT_END.search(head):
        masked = head[0] + "某" * (len(head) - 1) + plain[len(head):]
        return ("pii.name",
                f"检查人员“{masked}”疑似含个人姓名：内部记录也只写岗位。请改为岗位名称（如 商户服务部巡检员）。"
                " The inspector looks like a person's name; write the role.")
    return None


def check_inspections(project: Project, today: dt.date) -> Problems:
    """Every inspection record checked against its standard, the categories and `today`;
    then the public merchant list against the inspections."""
    out = Problems()
    cats = project.categories.record if project.categories else None
    sectors = {s.name for s in cats.sectors} if cats else set()
    first_sector: dict[str, tuple[str, str]] = {}  # merchant code -> (sector, file) of its first record
    for item in sorted(project.inspections.values(), key=lambda i: (i.record.date, i.id)):
        _check_one(project, item, today, sectors, out)
        m = item.record.merchant
        seen = first_sector.setdefault(m.code, (m.sector, item.file))
        if seen[0] != m.sector:
            out.error("ref.merchant", item.file, item.line("merchant", "sector"), "merchant.sector",
                      f"商户 {m.code} 在 {seen[1]} 中的行业是“{seen[0]}”，这里是“{m.sector}”。同一商户请用同一行业，"
                      "或核对商户编号。 One merchant code, one sector.")
    _check_merchant_list(project, out)
    return out


def _check_one(project: Project, item: Loaded[Inspection], today: dt.date, sectors: set[str], out: Problems) -> None:
    rec, f = item.record, item.file
    found = role_problem(rec.inspector)
    if found:
        out.error(found[0], f, item.line("inspector"), "inspector", found[1])
    if sectors and rec.merchant.sector not in sectors:
        out.error("ref.category", f, item.line("merchant", "sector"), "merchant.sector",
                  f"“{rec.merchant.sector}”不是 data/categories.yml 中的行业。可选：{'、'.join(sorted(sectors))}。"
                  " Unknown sector.")
    if rec.date > today:
        out.error("schema.date_order", f, item.line("date"), "date",
                  f"检查日期 {rec.date} 晚于今天（{today}）。请写实际检查的日期。 The inspection date is in the future.")
    _check_standard(project, item, out)
    _check_actions(item, today, out)


def _check_standard(project: Project, item: Loaded[Inspection], out: Problems) -> None:
    rec, f = item.record, item.file
    loaded = project.standards.get(rec.standard)
    if loaded is None:
        if rec.standard not in project.invalid.get("standards", {}):  # an invalid standard is reported on its own
            known = "、".join(sorted(project.standards)) or "（无）"
            out.error("ref.standard", f, item.line("standard"), "standard",
                      f"服务标准“{rec.standard}”不存在（data/standards/{rec.standard}.yml）。现有：{known}。"
                      " Unknown standard.")
        return
    std = loaded.record
    if std.sectors != ["全部"] and rec.merchant.sector not in std.sectors:
        out.error("ref.category", item.file, item.line("merchant", "sector"), "merchant.sector",
                  f"{std.id}《{std.title}》只适用于{'、'.join(std.sectors)}，不适用于“{rec.merchant.sector}”。"
                  "请核对行业或所依据的标准。 The standard does not apply to this sector.")
    versions = version_dates(std)
    if rec.version not in versions:
        others = [v for v in versions if v != std.version]
        choices = f"{std.version}（现行）" + ("、" + "、".join(others) if others else "")
        out.error("ref.version", f, item.line("version"), "version",
                  f"{std.id} 没有第 {rec.version} 版。可写：{choices}。请按检查时所用的版本填写。 Unknown version.")
    elif versions[rec.version] > rec.date:
        out.error("ref.version", f, item.line("version"), "version",
                  f"{std.id} 第 {rec.version} 版于 {versions[rec.version]} 才发布，检查日期 {rec.date} 时还没有这一版。"
                  "请改为检查时施行的版本。 That version did not exist on the inspection date.")
    numbers = [c.number for c in std.clauses]
    seen: dict[str, int] = {}
    for i, r in enumerate(rec.results):
        line = item.line("results", i, "clause")
        if r.clause not in numbers:
            out.error("ref.clause", f, line, f"results[{i}].clause",
                      f"{std.id} 没有第 {r.clause} 条（现行第 {std.version} 版的条款：{'、'.join(numbers)}）。"
                      "请改正条款号。 No such clause in the standard.")
        if r.clause in seen:
            out.error("schema.duplicate_id", f, line, f"results[{i}].clause",
                      f"第 {r.clause} 条的结果写了两次（第一次在第 {seen[r.clause]} 行）。请合并为一项。 Clause listed twice.")
        seen.setdefault(r.clause, line)
        if r.result == "不符合" and not r.finding:
            out.error("schema.missing", f, item.line("results", i, "result"), f"results[{i}].finding",
                      f"第 {r.clause} 条不符合，但没有写发现的问题。请在 finding 中写明看到了什么。"
                      " A non-conformity needs a `finding`.")


def _check_actions(item: Loaded[Inspection], today: dt.date, out: Problems) -> None:
    rec, f = item.record, item.file
    if rec.actions and rec.passed():
        out.error("schema.inspection", f, item.line("actions"), "actions",
                  "有处理措施，但没有不符合的条款。请在 results 中标出不符合的条款，或删去 actions。"
                  " Actions without any non-conformity.")
    for i, a in enumerate(rec.actions):
        if a.kind in DEADLINE_ACTIONS and a.deadline is None:
            out.error("schema.missing", f, item.line("actions", i, "kind"), f"actions[{i}].deadline",
                      f"“{a.kind}”须写期限 deadline: YYYY-MM-DD（晚于检查日期 {rec.date}）。 `{a.kind}` needs a deadline.")
        if a.deadline is not None and a.deadline <= rec.date:
            out.error("schema.date_order", f, item.line("actions", i, "deadline"), f"actions[{i}].deadline",
                      f"整改期限 {a.deadline} 不晚于检查日期 {rec.date}。请写检查之后的日期。"
                      " The deadline must be after the inspection date.")
    fu = rec.follow_up
    if fu is not None:
        if fu.date < rec.date:
            out.error("schema.date_order", f, item.line("follow_up", "date"), "follow_up.date",
                      f"复查日期 {fu.date} 早于检查日期 {rec.date}。请改正。 The re-inspection cannot precede the inspection.")
        if fu.date > today:
            out.error("schema.date_order", f, item.line("follow_up", "date"), "follow_up.date",
                      f"复查日期 {fu.date} 晚于今天（{today}）。复查之后再填写 follow_up。 The re-inspection is in the future.")
        if rec.passed():
            out.error("schema.inspection", f, item.line("follow_up"), "follow_up",
                      "全部条款符合，不需要复查。请删去 follow_up，或在 results 中标出不符合的条款。"
                      " A follow-up without any non-conformity.")


def _check_merchant_list(project: Project, out: Problems) -> None:
    """Each listed merchant has inspections, and the latest one against each standard it was
    inspected against has nothing left open."""
    site = project.site
    if site is None or site.record.merchant_list is None:
        return
    by_code: dict[str, list[Inspection]] = {}
    for item in project.inspections.values():
        by_code.setdefault(item.record.merchant.code, []).append(item.record)
    seen: dict[str, int] = {}
    for i, m in enumerate(site.record.merchant_list.merchants):
        path = ("merchant_list", "merchants", i)
        if m.code in seen:
            out.error("schema.duplicate_id", site.file, site.line(*path, "code"), f"merchant_list.merchants[{i}].code",
                      f"商户编号 {m.code} 在名单中出现两次（第一次在第 {seen[m.code]} 行）。请删去一项。")
            continue
        seen[m.code] = site.line(*path, "code")
        records = by_code.get(m.code)
        if not records:
            if project.invalid.get("inspections"):
                continue  # its record may be one that did not validate
            out.error("ref.merchant", site.file, site.line(*path, "code"), f"merchant_list.merchants[{i}].code",
                      f"名单中的“{m.name}”（{m.code}）没有任何检查记录（data/inspections/）。只有检查合格的商户才能公开列入；"
                      "请核对编号，或先录入检查记录。 A listed merchant needs inspection records.")
            continue
        latest: dict[str, Inspection] = {}
        for r in sorted(records, key=lambda r: (r.date, r.id)):
            latest[r.standard] = r
        open_ = [r for r in latest.values() if not r.settled()]
        if open_:
            r = open_[0]
            out.error("ref.merchant", site.file, site.line(*path, "name"), f"merchant_list.merchants[{i}]",
                      f"名单中的“{m.name}”（{m.code}）最近一次按 {r.standard} 的检查（{r.id}，{r.date}）有不符合项，"
                      "尚未经复查确认整改。请先复查，或把它从名单中删去。 A listed merchant has open findings.")
