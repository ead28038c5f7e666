"""Figures inside editors' words: `{complaints.total}` in a report's foreword or highlights
is replaced by the computed (or frozen) value, so no number is typed by hand."""
from __future__ import annotations

import re
from typing import Any

from .figures import FIGURES

PLACEHOLDER = re.compile(r"\{([a-z0-9_]+(?:\.[^\s{}.]+)+)\}")


def lookup(figures: dict[str, Any], key: str) -> tuple[Any, str, str] | None:
    """Value, unit and kind of `key`, where `a.b.质量` may name one item of the object figure `a.b`."""
    if key in figures:
        fig = FIGURES.get(key)
        return figures[key], fig.unit if fig else "", fig.kind if fig else ""
    head, _, item = key.rpartition(".")
    if head in figures and isinstance(figures[head], dict) and item in figures[head]:
        fig = FIGURES.get(head)
        return figures[head][item], fig.unit if fig else "", fig.kind if fig else ""
    return None


def format_value(value: Any, unit: str, kind: str = "") -> str:
    """How a figure reads in Chinese running text: 1608件, 79.1%, 93.79万元, 4.19分, 满分 10分."""
    if value is None:
        return "—"
    if kind == "scale":  # a scale's maximum is a round number: 10, not 10.0
        v = float(value)
        return f"{int(v) if v.is_integer() else v}{unit}"
    if unit == "元":
        v = float(value)
        return f"{v / 10000:,.2f}万元" if v >= 10000 else f"{v:,.2f}元"
    if unit == "%":
        return f"{value}%"
    if unit == "百分点":
        return f"{value}个百分点"
    if isinstance(value, float) and value.is_integer() and unit not in ("分",):
        value = int(value)
    return f"{value}{unit}"


def fill(text: str, figures: dict[str, Any]) -> tuple[str, list[str]]:
    """Replace every `{key}`; returns the text and the keys that are unknown."""
    unknown: list[str] = []

    def sub(m: re.Match) -> str:
        found = lookup(figures, m.group(1))
        if found is None:
            unknown.append(m.group(1))
            return m.group(0)
        return format_value(*found)

    return PLACEHOLDER.sub(sub, text), unknown


def placeholder_problems(project):
    """Every `{key}` in a report's words must name a figure (rule `ref.figure`)."""
    from ..problems import Problems
    from . import report_words

    out = Problems()
    for item, path, text in report_words(project):
        for m in PLACEHOLDER.finditer(text or ""):
            key = m.group(1)
            if key not in FIGURES and key.rpartition(".")[0] not in FIGURES:
                name = ".".join(map(str, path))
                out.error("ref.figure", item.file, item.line(*path), name,
                          f"“{{{key}}}”不是报告中的数字。可用的数字见 rightsite report {item.record.year} 的输出（如 {{complaints.total}}）。"
                          " Unknown figure in placeholder.")
    return out
