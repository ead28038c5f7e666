"""Every figure of the annual report, defined once: key, Chinese label, one-line definition, unit.

`FIGURES` is the registry the report's 数据说明 appendix is printed from, and
`compute_figures` returns the values in the same order. Values are plain JSON types:
counts are int, percentages and yuan are float rounded half-up from exact integers
(so the same data always gives the same digits), objects are dicts in a fixed order.
Only the standard library is used; the heavy lifting is `collections.Counter` over arrays.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from ..clock import SHANGHAI
from ..model.categories import Categories
from ..model.survey import Survey
from ..model.complaints import ComplaintTable


@dataclass(frozen=True)
class Figure:
    key: str
    label: str
    definition: str
    unit: str  # shown after the value: 件 % 百分点 元 天 分 场 人次 份 家 家次 项 次 条
    kind: str = "count"  # count | percent | points | yuan | days | score | scale | text
    source: str = "complaints"  # complaints | complaints+previous | survey | events | cases | standards | inspections


_F = Figure
_YOY = "complaints+previous"
_INSP = "inspections"
FIGURES: dict[str, Figure] = {f.key: f for f in [
    _F("complaints.total", "投诉受理量", "当年受理（received 在当年）的投诉件数。", "件"),
    _F("complaints.total.previous", "上年投诉受理量", "上一年度投诉台账的件数；没有上年台账时为空。", "件", source=_YOY),
    _F("complaints.total.change", "受理量同比变化", "（当年受理量 − 上年受理量）÷ 上年受理量 × 100。", "%", "percent", _YOY),
    _F("complaints.by_channel", "按来源渠道", "各投诉渠道（data/categories.yml 的 channels）受理的件数。", "件"),
    _F("complaints.by_nature", "按投诉性质", "各投诉性质的件数{alias_example}。", "件"),
    _F("complaints.by_nature.share", "投诉性质占比", "各性质件数 ÷ 受理量 × 100。", "%", "percent"),
    _F("complaints.by_nature.change", "投诉性质同比变化", "各性质件数较上年的变化率（%）；上年为 0 件时为空。", "%", "percent", _YOY),
    _F("complaints.by_nature.share_change", "投诉性质比重变化", "各性质当年占比 − 上年占比，单位为百分点。", "百分点", "points", _YOY),
    _F("complaints.by_sector", "按行业", "各行业（商户经营类别）的件数。", "件"),
    _F("complaints.by_sector.share", "行业占比", "各行业件数 ÷ 受理量 × 100。", "%", "percent"),
    _F("complaints.by_sector.change", "行业同比变化", "各行业件数较上年的变化率（%）；上年为 0 件时为空。", "%", "percent", _YOY),
    _F("complaints.by_sector.share_change", "行业比重变化", "各行业当年占比 − 上年占比，单位为百分点。", "百分点", "points", _YOY),
    _F("complaints.by_group", "按商品/服务大类", "按行业所属大类（商品类、服务类、其他类）汇总的件数。", "件"),
    _F("complaints.by_group.share", "大类占比", "各大类件数 ÷ 受理量 × 100。", "%", "percent"),
    _F("complaints.by_month", "按月份", "按受理日期所在月份统计的件数，键为 01 至 12。", "件"),
    _F("complaints.hotspots", "投诉热点",
       "占比较上年上升最多的投诉性质和行业（各取前三个，只计上升的）：当年件数、上年件数、件数变化率（%）、比重变化（百分点）。",
       "件", source=_YOY),
    _F("complaints.closed", "已办结件数", "closed 填有日期的投诉件数。", "件"),
    _F("complaints.open", "未办结件数", "台账导出时仍未办结（closed 为空）的投诉件数。", "件"),
    _F("complaints.by_outcome", "按处理结果", "已办结投诉中各处理结果的件数。", "件"),
    _F("complaints.by_outcome.share", "处理结果占比", "各处理结果件数 ÷ 已办结件数 × 100。", "%", "percent"),
    _F("complaints.resolved", "解决件数", "处理结果算作解决或部分解决（{resolved_outcomes}）的件数。", "件"),
    _F("complaints.resolved.share", "解决率", "解决件数 ÷ 受理量 × 100（与消协公布的“解决率”口径相同）。", "%", "percent"),
    _F("complaints.days_to_close.median", "办结用时中位数",
       "已办结投诉从受理到办结的自然日数（当天办结为 0）的中位数；件数为偶数时取中间两个数的平均。", "天", "days"),
    _F("complaints.days_to_close.p90", "办结用时第 90 百分位",
       "把已办结投诉的用时从小到大排列，取第“0.9 × 件数（向上取整）”个（最近秩法）：九成投诉在这个天数内办结。", "天", "days"),
    _F("complaints.days_to_close.distribution", "办结用时分布",
       "已办结投诉按用时分组的件数：当天、1–3 天、4–7 天、8–15 天、16–30 天、31–60 天、60 天以上。", "件"),
    _F("complaints.closed_within_7d.share", "7 日内办结率",
       "受理后 7 天内（含第 7 天）办结的件数 ÷ 受理量 × 100；未办结的计为未在 7 日内办结。", "%", "percent"),
    _F("complaints.closed_within_30d.share", "30 日内办结率",
       "受理后 30 天内（含第 30 天）办结的件数 ÷ 受理量 × 100；未办结的计为未在 30 日内办结。", "%", "percent"),
    _F("complaints.amount_recovered", "挽回经济损失", "各投诉 amount_recovered（为消费者挽回的金额）之和。", "元", "yuan"),
    _F("complaints.amount_recovered.change", "挽回金额同比变化", "（当年金额 − 上年金额）÷ 上年金额 × 100。", "%", "percent", _YOY),
    _F("satisfaction.rated", "参与评价件数", "投诉办结回访时给出满意度评分（satisfaction 列不为空）的件数。", "件"),
    _F("satisfaction.mean", "投诉处理满意度", "有评分投诉的平均分（1–5 分），保留两位小数。", "分", "score"),
    _F("satisfaction.distribution", "满意度评分分布", "评 1 至 5 分的件数。", "件"),
    _F("satisfaction.satisfied.share", "满意率", "评 4 分或 5 分的件数 ÷ 有评分件数 × 100。", "%", "percent"),
    _F("survey.sample_size", "满意度调查样本量", "年度满意度调查（data/surveys/年度.yml）的有效样本量。", "份", source="survey"),
    _F("survey.method", "调查方式", "年度满意度调查的方式。", "", "text", "survey"),
    _F("survey.period", "调查时间", "年度满意度调查的起止日期。", "", "text", "survey"),
    _F("survey.scale_max", "调查满分", "调查每题得分的满分。", "分", "scale", "survey"),
    _F("survey.scores", "调查各题得分", "每道题的平均得分。", "分", "score", "survey"),
    _F("survey.overall", "调查综合得分", "各题得分的算术平均，保留两位小数。", "分", "score", "survey"),
    _F("events.held", "举办宣传活动", "开始时间在当年、状态为已举办（held）的活动场次；取消、延期的不计。", "场", source="events"),
    _F("events.by_kind", "按活动类型", "已举办活动按类型（宣传日、讲座、商户培训等）的场次。", "场", source="events"),
    _F("events.attendees", "活动参加人次", "已举办活动回顾中参加人数（recap.attendance）之和；没有回顾的计 0。", "人次", source="events"),
    _F("events.materials", "发放宣传资料", "已举办活动回顾中发放资料份数（recap.materials）之和。", "份", source="events"),
    _F("merchants.trainings", "商户培训场次", "类型为商户培训、状态为已举办的活动场次。", "场", source="events"),
    _F("merchants.trained", "培训商户", "商户培训活动回顾中培训商户数（recap.merchants）之和；同一商户参加两次计两次。", "家次", source="events"),
    _F("cases.published", "发布典型案例", "案例库（data/cases）中受理日期在当年的案例数。", "件", source="cases"),
    _F("standards.revised", "修订服务标准", "服务标准修订记录（history）中日期在当年的条数；首次发布也计一次。", "次", source="standards"),
    _F("supervision.inspections", "监督检查", "检查日期在当年的检查记录数（data/inspections，每份记录是对一家商户按一项标准的一次检查）。",
       "次", source=_INSP),
    _F("supervision.inspections.by_standard", "按标准的检查次数", "当年各服务标准的检查次数；只列当年检查过的标准。", "次", source=_INSP),
    _F("supervision.merchants", "受检商户", "当年至少被检查一次的商户数（按商户内部编号计，同一商户检查多次计一家）。", "家", source=_INSP),
    _F("supervision.passed", "全部符合的检查", "当年检查中没有任何“不符合”条款的次数。", "次", source=_INSP),
    _F("supervision.clauses_checked", "检查条款项次", "当年检查中判为“符合”或“不符合”的条款项次；“不适用”的不计。", "项", source=_INSP),
    _F("supervision.conformity.share", "条款符合率", "判为“符合”的条款项次 ÷ 检查条款项次 × 100。", "%", "percent", _INSP),
    _F("supervision.findings", "发现不符合项", "当年检查中判为“不符合”的条款项次。", "项", source=_INSP),
    _F("supervision.findings.by_level", "不符合项按条款等级",
       "不符合项按所依据条款的要求等级（必须、应当、建议，以标准现行版本为准）统计的项次。", "项", source=_INSP),
    _F("supervision.findings.by_standard", "不符合项按标准", "不符合项按所依据的服务标准统计的项次；只列当年检查过的标准。", "项", source=_INSP),
    _F("supervision.actions.by_kind", "处理措施", "当年检查作出的处理措施按类型（整改、警告、处罚、停业整顿）的次数；一次检查可有多项措施。",
       "次", source=_INSP),
    _F("supervision.rectification.ordered", "限期整改",
       "当年检查中要求限期整改（整改或停业整顿，取最晚的期限）且期限不晚于当年12月31日的检查次数；期限在次年的不计。",
       "次", source=_INSP),
    _F("supervision.rectification.on_time", "按期整改", "限期整改中，复查日期不晚于整改期限且复查结果为“已整改”的次数。", "次", source=_INSP),
    _F("supervision.rectification.on_time.share", "按期整改率",
       "按期整改次数 ÷ 限期整改次数 × 100；没有复查记录、逾期复查或复查未整改完成的，都计为未按期整改。", "%", "percent", _INSP),
    _F("supervision.repeat_findings", "重复出现的问题", "当年的不符合项中，同一商户同一标准同一条款在更早的检查中也被判为“不符合”的项次。",
       "项", source=_INSP),
    _F("supervision.repeat_merchants", "问题重复出现的商户", "当年至少有一项重复出现的问题的商户数。", "家", source=_INSP),
]}

DAY_BUCKETS = (("当天", 0, 0), ("1–3天", 1, 3), ("4–7天", 4, 7), ("8–15天", 8, 15), ("16–30天", 16, 30),
               ("31–60天", 31, 60), ("60天以上", 61, None))
EVENT_KINDS = ("宣传日", "讲座", "商户培训", "咨询", "进社区", "比较试验")
_CENT = Decimal("0.01")


def definitions(categories: Categories | None, keys) -> list[tuple[str, str]]:
    """(label, definition) of each figure in `keys`, in registry order, with the project's own
    names filled in (which outcomes count as resolved comes from data/categories.yml)."""
    names = "、".join(f"“{n}”" for n in categories.resolved_outcomes()) if categories else ""
    alias = next(((a, n.name) for n in (categories.natures if categories else []) for a in n.aliases), None)
    example = f"；旧称计入现名（如 {alias[0]} 计入 {alias[1]}）" if alias else ""
    wanted = set(keys)
    return [(f.label, f.definition.replace("{resolved_outcomes}", names or "无").replace("{alias_example}", example))
            for f in FIGURES.values() if f.key in wanted]


def sources(key: str, year: int) -> list[str]:
    """The data files (relative to the root) a figure is computed from, for drift messages."""
    fig = FIGURES.get(key)
    src = fig.source if fig else "complaints"
    return {
        "complaints": [f"data/complaints/{year}.csv"],
        _YOY: [f"data/complaints/{year}.csv", f"data/complaints/{year - 1}.csv"],
        "survey": [f"data/surveys/{year}.yml"],
        "events": ["data/events/"],
        "cases": ["data/cases/"],
        "standards": ["data/standards/"],
        _INSP: ["data/inspections/", "data/standards/"],
    }[src]


def pct(part: int | Decimal, whole: int | Decimal) -> float | None:
    """part ÷ whole × 100, rounded half-up to 2 decimals; None when whole is 0."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(_CENT, ROUND_HALF_UP))


def change(now: int | Decimal, before: int | Decimal | None) -> float | None:
    """Relative change in percent, or None without a base."""
    if before is None or not before:
        return None
    return pct(Decimal(now) - Decimal(before), before)


def points(a: float | None, b: float | None) -> float | None:
    """Difference of two percentages in percentage points."""
    if a is None or b is None:
        return None
    return float((Decimal(str(a)) - Decimal(str(b))).quantize(_CENT, ROUND_HALF_UP))


def median_from_hist(hist: Counter) -> int | float | None:
    """Median of the values counted in `hist` (value -> how often)."""
    n = sum(hist.values())
    if n == 0:
        return None
    lo, hi = rank_from_hist(hist, (n + 1) // 2), rank_from_hist(hist, n // 2 + 1)
    return lo if lo == hi else (lo + hi) / 2


def rank_from_hist(hist: Counter, rank: int) -> int:
    """The `rank`-th smallest value (1-based) of the values counted in `hist`."""
    seen = 0
    for value in sorted(hist):
        seen += hist[value]
        if seen >= rank:
            return value
    raise ValueError(rank)


def _named(counts: Counter, names: tuple[str, ...]) -> dict[str, int]:
    return {name: counts.get(i, 0) for i, name in enumerate(names)}


def _shares(counts: dict[str, int], total: int) -> dict[str, float | None]:
    return {k: pct(v, total) for k, v in counts.items()}


def _top_growth(now: dict[str, int], before: dict[str, int], total: int, before_total: int, label: str,
                top: int = 3) -> dict[str, dict]:
    """The `top` names whose share rose most (percentage points), only those that rose."""
    rows = []
    for k, n in now.items():
        rise = points(pct(n, total), pct(before.get(k, 0), before_total))
        if rise is not None and rise > 0:
            rows.append((rise, k))
    rows.sort(key=lambda r: (-r[0], r[1]))
    return {f"{label}·{k}": {"count": now[k], "previous": before.get(k, 0), "change": change(now[k], before.get(k, 0)),
                             "share_change": rise}
            for rise, k in rows[:top]}


@dataclass
class _Base:
    """What both years contribute to the year-on-year figures."""

    total: int
    by_nature: dict[str, int]
    by_sector: dict[str, int]
    cents: int


def _base(t: ComplaintTable) -> _Base:
    return _Base(len(t), _named(Counter(t.nature), t.natures), _named(Counter(t.sector), t.sectors), sum(t.cents))


def compute_figures(year: int, table: ComplaintTable, previous: ComplaintTable | None, categories: Categories,
                    project: Any = None, survey: Survey | None = None) -> dict[str, Any]:
    """All figures of `year`, keyed and ordered as in FIGURES.

    `table` must come from a file without errors; `previous` is last year's table or
    None (then every year-on-year figure is None). `project` (a loaded Project) gives the
    events, cases and standards figures; without it they are None.
    """
    t = table
    cur, prev = _base(t), (_base(previous) if previous is not None else None)
    total = cur.total
    f: dict[str, Any] = {}
    f["complaints.total"] = total
    f["complaints.total.previous"] = prev.total if prev else None
    f["complaints.total.change"] = change(total, prev.total if prev else None)
    f["complaints.by_channel"] = _named(Counter(t.channel), t.channels)
    for dim, now, before in (("nature", cur.by_nature, prev.by_nature if prev else None),
                             ("sector", cur.by_sector, prev.by_sector if prev else None)):
        share = _shares(now, total)
        f[f"complaints.by_{dim}"] = now
        f[f"complaints.by_{dim}.share"] = share
        f[f"complaints.by_{dim}.change"] = {k: change(v, before.get(k, 0) if before else None) for k, v in now.items()}
        before_share = _shares(before, prev.total) if before and prev else {}
        f[f"complaints.by_{dim}.share_change"] = {k: points(share[k], before_share.get(k)) for k in now}
    groups = {"商品类": 0, "服务类": 0, "其他类": 0}
    group_of = {s.name: s.group for s in categories.sectors}
    for name, n in cur.by_sector.items():
        groups[group_of.get(name, "其他类")] += n
    f["complaints.by_group"] = groups
    f["complaints.by_group.share"] = _shares(groups, total)
    f["complaints.by_month"] = _by_month(year, t)
    f["complaints.hotspots"] = ({**_top_growth(cur.by_nature, prev.by_nature, total, prev.total, "性质"),
                                 **_top_growth(cur.by_sector, prev.by_sector, total, prev.total, "行业")} if prev else {})
    days = Counter(t.days)
    open_ = days.pop(-1, 0)
    closed = total - open_
    f["complaints.closed"] = closed
    f["complaints.open"] = open_
    outcomes = Counter(t.outcome)
    outcomes.pop(-1, None)
    by_outcome = _named(outcomes, t.outcomes)
    f["complaints.by_outcome"] = by_outcome
    f["complaints.by_outcome.share"] = _shares(by_outcome, closed)
    resolved = sum(by_outcome.get(name, 0) for name in categories.resolved_outcomes())
    f["complaints.resolved"] = resolved
    f["complaints.resolved.share"] = pct(resolved, total)
    f["complaints.days_to_close.median"] = median_from_hist(days)
    f["complaints.days_to_close.p90"] = rank_from_hist(days, -(-9 * closed // 10)) if closed else None
    f["complaints.days_to_close.distribution"] = {
        label: sum(n for d, n in days.items() if d >= lo and (hi is None or d <= hi)) for label, lo, hi in DAY_BUCKETS}
    f["complaints.closed_within_7d.share"] = pct(sum(n for d, n in days.items() if d <= 7), total)
    f["complaints.closed_within_30d.share"] = pct(sum(n for d, n in days.items() if d <= 30), total)
    f["complaints.amount_recovered"] = float(Decimal(cur.cents) / 100)
    f["complaints.amount_recovered.change"] = change(cur.cents, prev.cents if prev else None)
    scores = Counter(t.satisfaction)
    scores.pop(0, None)
    rated = sum(scores.values())
    f["satisfaction.rated"] = rated
    f["satisfaction.mean"] = (float((Decimal(sum(s * n for s, n in scores.items())) / rated).quantize(_CENT, ROUND_HALF_UP))
                              if rated else None)
    f["satisfaction.distribution"] = {str(s): scores.get(s, 0) for s in range(1, 6)}
    f["satisfaction.satisfied.share"] = pct(scores.get(4, 0) + scores.get(5, 0), rated)
    f.update(_survey_figures(survey))
    f.update(_project_figures(year, project))
    f.update(supervision_figures(year, project))
    assert list(f) == list(FIGURES), "compute_figures and FIGURES disagree"
    return f


def _by_month(year: int, t: ComplaintTable) -> dict[str, int]:
    per_day = Counter(t.received)
    jan1 = dt.date(year, 1, 1)
    months = {f"{m:02d}": 0 for m in range(1, 13)}
    for day, n in per_day.items():
        months[f"{(jan1 + dt.timedelta(days=day)).month:02d}"] += n
    return months


def _survey_figures(survey: Survey | None) -> dict[str, Any]:
    if survey is None:
        return {k: None for k in ("survey.sample_size", "survey.method", "survey.period", "survey.scale_max")} | {
            "survey.scores": {}, "survey.overall": None}
    qs = survey.questions
    mean = sum((q.score for q in qs), Decimal(0)) / len(qs)
    return {
        "survey.sample_size": survey.sample_size,
        "survey.method": survey.method,
        "survey.period": f"{survey.period_start.isoformat()} 至 {survey.period_end.isoformat()}",
        "survey.scale_max": float(survey.scale_max),
        "survey.scores": {q.text: float(q.score) for q in qs},
        "survey.overall": float(mean.quantize(_CENT, ROUND_HALF_UP)),
    }


def _project_figures(year: int, project: Any) -> dict[str, Any]:
    keys = ("events.held", "events.by_kind", "events.attendees", "events.materials", "merchants.trainings",
            "merchants.trained", "cases.published", "standards.revised")
    if project is None:
        return dict.fromkeys(keys)
    held = [e.record for e in project.events.values()
            if e.record.status == "held" and e.record.start.astimezone(SHANGHAI).year == year]
    trainings = [e for e in held if e.kind == "商户培训"]
    by_kind = {k: sum(e.kind == k for e in held) for k in EVENT_KINDS}
    return {
        "events.held": len(held),
        "events.by_kind": by_kind,
        "events.attendees": sum(e.recap.attendance for e in held if e.recap),
        "events.materials": sum(e.recap.materials for e in held if e.recap),
        "merchants.trainings": len(trainings),
        "merchants.trained": sum(e.recap.merchants for e in trainings if e.recap),
        "cases.published": sum(c.record.received.year == year for c in project.cases.values()),
        "standards.revised": sum(h.date.year == year for s in project.standards.values() for h in s.record.history),
    }


SUPERVISION_KEYS = tuple(k for k in FIGURES if k.startswith("supervision."))
CLAUSE_LEVELS = ("必须", "应当", "建议")


def supervision_figures(year: int, project: Any, until: dt.date | None = None) -> dict[str, Any]:
    """The `supervision.*` figures of `year` from the project's inspection records (dated up to
    `until` when given: the standards page's "so far this year"). None values without a project."""
    from ..model.inspection import ACTIONS

    if project is None:
        return dict.fromkeys(SUPERVISION_KEYS)
    records = sorted((i.record for i in project.inspections.values()), key=lambda r: (r.date, r.id))
    this = [r for r in records if r.date.year == year and (until is None or r.date <= until)]
    std_order = sorted({r.standard for r in this})
    levels: dict[tuple[str, str], str] = {}
    for sid, loaded in project.standards.items():
        for c in loaded.record.clauses:
            levels[(sid, c.number)] = c.level
    judged = [(r, c) for r in this for c in r.results if c.result != "不适用"]
    failed = [(r, c) for r, c in judged if c.result == "不符合"]
    earlier: set[tuple[str, str, str]] = set()  # (merchant, standard, clause) found failing before
    repeats: list[tuple[str, str]] = []
    for r in records:
        if r.date.year > year or (until is not None and r.date > until):
            break
        for c in r.nonconforming():
            key = (r.merchant.code, r.standard, c.clause)
            if r.date.year == year and key in earlier:
                repeats.append((r.merchant.code, c.clause))
        earlier |= {(r.merchant.code, r.standard, c.clause) for c in r.nonconforming()}
    # orders due by the end of the year (or by `until`, for a year still running)
    cutoff = min(dt.date(year, 12, 31), until) if until else dt.date(year, 12, 31)
    ordered = [r for r in this if (due := r.deadline()) is not None and due <= cutoff]
    on_time = sum(r.rectified_on_time() for r in ordered)
    by_level = {lvl: 0 for lvl in CLAUSE_LEVELS}
    for r, c in failed:
        lvl = levels.get((r.standard, c.clause))
        if lvl in by_level:
            by_level[lvl] += 1
    return {
        "supervision.inspections": len(this),
        "supervision.inspections.by_standard": {s: sum(r.standard == s for r in this) for s in std_order},
        "supervision.merchants": len({r.merchant.code for r in this}),
        "supervision.passed": sum(r.passed() for r in this),
        "supervision.clauses_checked": len(judged),
        "supervision.conformity.share": pct(len(judged) - len(failed), len(judged)),
        "supervision.findings": len(failed),
        "supervision.findings.by_level": by_level,
        "supervision.findings.by_standard": {s: sum(r.standard == s for r, _ in failed) for s in std_order},
        "supervision.actions.by_kind": {k: sum(a.kind == k for r in this for a in r.actions) for k in ACTIONS},
        "supervision.rectification.ordered": len(ordered),
        "supervision.rectification.on_time": on_time,
        "supervision.rectification.on_time.share": pct(on_time, len(ordered)),
        "supervision.repeat_findings": len(repeats),
        "supervision.repeat_merchants": len({m for m, _ in repeats}),
    }
