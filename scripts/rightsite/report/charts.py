"""Static SVG charts of the annual report, each with the rows of an accessible table.

Text stays text (`svg.fonttype = none`, family "Noto Sans CJK SC"), so the charts are
searchable, scale in print, and screen readers read the `<title>`; the same numbers are
given as (label, value) rows for a table under each chart. Output is byte-for-byte
deterministic: fixed hash salt, no date, no random ids. Uses matplotlib's object API
(no pyplot, no global state), so it is safe inside a build.
"""
from __future__ import annotations

import html
import io
import re
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:  # matplotlib itself is imported only when a chart is drawn
    from matplotlib.typing import RcKeyType

FONT = "Noto Sans CJK SC"
COLOR = "#2f6db5"
MUTED = "#8a94a6"
RC: dict[RcKeyType, Any] = {
    "svg.fonttype": "none",
    "svg.hashsalt": "rightsite",
    "font.family": [FONT, "sans-serif"],
    "font.size": 9,
    "axes.unicode_minus": False,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": MUTED,
    "xtick.color": "#333333",
    "ytick.color": "#333333",
}


class Chart(NamedTuple):
    """One chart: its title, the SVG markup (no XML prolog, ready to inline), the table rows."""

    title: str
    svg: str
    rows: list[tuple[str, str]]


def _svg(fig: Any, title: str) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": "rightsite"})
    text = buf.getvalue()
    text = re.sub(r"^<\?xml[^>]*>\s*<!DOCTYPE[^>]*>\s*", "", text)
    text = re.sub(r"<svg ", '<svg role="img" aria-label="' + html.escape(title, quote=True) + '" ', text, count=1)
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + f"\n <title>{html.escape(title)}</title>", text, count=1)


def _fmt(value: Any, unit: str) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and value.is_integer() and unit != "%":
        value = int(value)
    return f"{value:,}{unit}" if isinstance(value, int) else f"{value}{unit}"


def _text_pt(text: str, size: float) -> float:
    """The width of `text` at `size` pt in the CJK font: Chinese characters are one em wide,
    Latin letters and digits about 0.6 em (Noto Sans CJK's proportional Latin)."""
    return sum(size if ord(ch) > 0x2E7F else 0.6 * size for ch in text)


def _margins(fig: Any, ylabels: list[str], size: tuple[float, float]) -> None:
    """Room for the title, the tick labels and the axes, computed from the texts (what
    `tight_layout` measures by drawing the figure once more, a third of a chart's time)."""
    width, height = size[0] * 72, size[1] * 72
    tick = RC["font.size"]
    left = (max(_text_pt(t, tick) for t in ylabels) + 3.5 + 8) / width
    top = 1 - (10.5 * 1.25 + 10 + 6) / height
    bottom = (tick * 1.25 + 3.5 + 6) / height
    fig.subplots_adjust(left=left, right=1 - 12 / width, top=top, bottom=bottom)


def _bars(title: str, labels: list[str], values: list[float], unit: str, horizontal: bool,
          notes: list[str] | None = None, size: tuple[float, float] = (6.4, 3.2), whole: bool = False) -> str:
    import matplotlib  # imported only when a chart is drawn: most builds reuse cached charts
    from matplotlib.figure import Figure

    with matplotlib.rc_context(RC):
        fig = Figure(figsize=size, dpi=100)
        ax = fig.add_subplot()
        shown = notes or [_fmt(v, unit) for v in values]
        if horizontal:
            pos = list(range(len(labels)))[::-1]  # first label at the top
            bars = ax.barh(pos, values, color=COLOR, height=0.65)
            ax.set_yticks(pos, labels)
            ax.spines["left"].set_visible(False)
            ax.tick_params(axis="y", length=0)
            ax.xaxis.grid(True, color="#e3e6eb", linewidth=0.6)
            ax.set_xlim(0, (max(values) if values and max(values) > 0 else 1) * 1.18)
        else:
            bars = ax.bar(labels, values, color=COLOR, width=0.65)
            ax.yaxis.grid(True, color="#e3e6eb", linewidth=0.6)
            ax.set_ylim(0, (max(values) if values and max(values) > 0 else 1) * 1.15)
        if whole:  # counts of a few: ticks at whole numbers only
            from matplotlib.ticker import MaxNLocator

            (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
        ax.set_axisbelow(True)
        ax.bar_label(bars, labels=shown, padding=2, fontsize=8, color="#333333")
        ax.set_title(title, loc="left", fontsize=10.5, pad=10)
        # the y axis shows the labels (horizontal bars) or the numbers of its ticks
        _margins(fig, labels if horizontal else [str(int(t)) for t in ax.get_yticks()] or ["0"], size)
        return _svg(fig, title)


def by_month_chart(figures: dict[str, Any], year: int) -> Chart:
    """Complaints received per month (bar chart)."""
    months = figures.get("complaints.by_month") or {}
    title = f"{year}年各月投诉受理量（件）"
    labels = [f"{int(m)}月" for m in months]
    values = list(months.values())
    rows = [(lab, _fmt(v, "件")) for lab, v in zip(labels, values)]
    return Chart(title, _bars(title, labels, values, "", horizontal=False), rows)


def by_nature_chart(figures: dict[str, Any], year: int) -> Chart:
    """Complaints by nature, largest first, with shares (horizontal bar chart)."""
    counts = figures.get("complaints.by_nature") or {}
    shares = figures.get("complaints.by_nature.share") or {}
    items = sorted(counts.items(), key=lambda kv: (-kv[1], list(counts).index(kv[0])))
    title = f"{year}年投诉性质分布（件）"
    notes = [f"{n}（{_fmt(shares.get(k), '%')}）" for k, n in items]
    rows = [(k, f"{n}件，占{_fmt(shares.get(k), '%')}") for k, n in items]
    svg = _bars(title, [k for k, _ in items], [n for _, n in items], "", True, notes, (6.4, 3.6))
    return Chart(title, svg, rows)


def by_channel_chart(figures: dict[str, Any], year: int) -> Chart:
    """Complaints by intake channel, largest first (horizontal bar chart)."""
    counts = figures.get("complaints.by_channel") or {}
    total = sum(counts.values()) or 1
    items = sorted(counts.items(), key=lambda kv: (-kv[1], list(counts).index(kv[0])))
    title = f"{year}年投诉来源渠道（件）"
    notes = [f"{n}（{round(100 * n / total, 1)}%）" for _, n in items]
    rows = [(k, f"{n}件") for k, n in items]
    return Chart(title, _bars(title, [k for k, _ in items], [n for _, n in items], "", True, notes, (6.4, 2.6)), rows)


def outcome_chart(figures: dict[str, Any], year: int) -> Chart:
    """Shares of the outcomes of closed complaints (horizontal bar chart, percent)."""
    shares = figures.get("complaints.by_outcome.share") or {}
    counts = figures.get("complaints.by_outcome") or {}
    title = f"{year}年已办结投诉的处理结果（%）"
    labels = list(shares)
    values = [v or 0 for v in shares.values()]
    rows = [(k, f"{_fmt(shares[k], '%')}（{counts.get(k, 0)}件）") for k in labels]
    return Chart(title, _bars(title, labels, values, "%", True, size=(6.4, 2.4)), rows)


def days_chart(figures: dict[str, Any], year: int) -> Chart:
    """How long closed complaints took, in day buckets (bar chart)."""
    dist = figures.get("complaints.days_to_close.distribution") or {}
    median = figures.get("complaints.days_to_close.median")
    p90 = figures.get("complaints.days_to_close.p90")
    title = f"{year}年投诉办结用时分布（件）"
    labels, values = list(dist), list(dist.values())
    rows = [(k, f"{v}件") for k, v in dist.items()]
    rows += [("中位数", _fmt(median, "天")), ("第 90 百分位", _fmt(p90, "天"))]
    return Chart(title, _bars(title, labels, values, "", horizontal=False), rows)


def findings_chart(figures: dict[str, Any], year: int) -> Chart | None:
    """Non-conformities found by inspections, by the level of the clause (bar chart); None
    when the year has no inspections (or its published figures predate them)."""
    if not figures.get("supervision.inspections"):
        return None
    levels = figures.get("supervision.findings.by_level") or {}
    title = f"{year}年监督检查发现的不符合项（按条款等级，项）"
    labels = [f"“{k}”条款" for k in levels]
    values = list(levels.values())
    rows = [(lab, f"{v}项") for lab, v in zip(labels, values)]
    return Chart(title, _bars(title, labels, values, "", horizontal=False, size=(6.4, 2.6), whole=True), rows)


def actions_chart(figures: dict[str, Any], year: int) -> Chart | None:
    """What the inspections led to, by kind of action (horizontal bar chart)."""
    if not figures.get("supervision.inspections"):
        return None
    kinds = figures.get("supervision.actions.by_kind") or {}
    title = f"{year}年监督检查的处理措施（次）"
    rows = [(k, f"{v}次") for k, v in kinds.items()]
    return Chart(title, _bars(title, list(kinds), list(kinds.values()), "", True, size=(6.4, 2.2), whole=True), rows)


CHARTS = (by_month_chart, by_nature_chart, by_channel_chart, outcome_chart, days_chart, findings_chart, actions_chart)


def all_charts(figures: dict[str, Any], year: int) -> list[Chart]:
    """Every chart of the report, in reading order (the supervision charts only for a year with inspections)."""
    return [c for make in CHARTS if (c := make(figures, year)) is not None]
