"""Shared pieces of the record models: strict base class, field types, error wording."""
from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from ..yamlio import YamlDoc, dotted

Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
OptText = Annotated[str, StringConstraints(strip_whitespace=True)] | None
Id = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$")]
Date = dt.date
Money = Annotated[Decimal, Field(ge=0, max_digits=12, decimal_places=2)]
Count = Annotated[int, Field(ge=0)]


class Record(BaseModel):
    """Base of every record: unknown fields are errors, values are validated on assignment."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


R = TypeVar("R", bound=Record)


class PiiAllow(Record):
    """An accepted false positive of the personal-data scan, with the reason."""

    text: Text = Field(title="被误判的文字")
    reason: Text = Field(title="理由")


def field_label(model: type[BaseModel], name: str) -> str:
    info = model.model_fields.get(name)
    return (info.title or name) if info else name


_DIGIT_RUN = re.compile(r"[0-9０-９](?:[0-9０-９ .\-/\u00ad\u200b-\u200d\u2060]*[0-9０-９]){6,}")


_NOT_SECRET = re.compile(r"\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{4}-\d{3}|\d{4}\d{2}\d{2}(?<=^(?:19|20)\d{6})")


def mask_digits(text: str) -> str:
    """Long digit runs (7 digits or more, with or without separators) with their middle hidden,
    so no message repeats a phone, ID or card number someone typed: 13812345678 -> 138****5678."""
    def hide(m: re.Match) -> str:
        run = m.group(0)
        if _NOT_SECRET.fullmatch(run):
            return run  # a date (2025-02-30) or a record id (2025-017)
        digits = re.sub(r"[^0-9０-９]", "", run)
        keep = 3 if len(digits) >= 11 else 2
        return digits[:keep] + "*" * (len(digits) - keep - (4 if keep == 3 else 2)) + digits[-(4 if keep == 3 else 2):]

    return _DIGIT_RUN.sub(hide, text)


def clip(value: Any, width: int = 40) -> str:
    """A typed value as quoted in a message: digit runs masked, cut to `width` characters,
    control and invisible characters shown as spaces."""
    text = mask_digits(str(value))
    text = re.sub(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]", " ", text)
    return text if len(text) <= width else text[: width - 3] + "..."


def _plain(value: Any) -> str:
    return clip(value)


def explain(err: Mapping[str, Any]) -> str:
    """Turn one pydantic error into a plain Chinese + English sentence with the fix."""
    kind = err.get("type", "")
    value = err.get("input")
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "缺少必填字段。请补上它（字段说明见 data/FIELDS.md）。 Required field is missing; add it."
    if kind == "extra_forbidden":
        return "未知字段。请检查拼写，或删除它（可用字段见 data/FIELDS.md）。 Unknown field; check the spelling or remove it."
    if kind.startswith("date_"):
        return (f"“{_plain(value)}”不是有效日期。请写成 YYYY-MM-DD，且日期真实存在（例如 2025-02-28）。"
                f" Not a valid date; write YYYY-MM-DD with a real day.")
    if kind == "timezone_aware":
        return (f"“{_plain(value)}”缺少时区。请写成 2026-03-15T10:00:00+08:00。"
                " The time needs a zone, e.g. 2026-03-15T10:00:00+08:00.")
    if kind.startswith("datetime"):
        return (f"“{_plain(value)}”不是有效的时间。请写成 2026-03-15T10:00:00+08:00，且日期真实存在。"
                " Not a valid date-time; write 2026-03-15T10:00:00+08:00.")
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"“{_plain(value)}”应为整数（如 120）。 Must be a whole number."
    if kind.startswith("decimal") or kind in {"float_parsing", "float_type"}:
        return f"“{_plain(value)}”应为金额数字（如 3200 或 3200.50，最多两位小数）。 Must be an amount such as 3200.50."
    if kind in {"greater_than_equal", "greater_than"}:
        return f"“{_plain(value)}”不能小于 {ctx.get('ge', ctx.get('gt'))}。 Must not be below {ctx.get('ge', ctx.get('gt'))}."
    if kind in {"less_than_equal", "less_than"}:
        return f"“{_plain(value)}”不能大于 {ctx.get('le', ctx.get('lt'))}。 Must not be above {ctx.get('le', ctx.get('lt'))}."
    if kind == "literal_error":
        return f"“{_plain(value)}”不是允许的值。只能是：{ctx.get('expected')}。 Allowed: {ctx.get('expected')}."
    if kind in {"string_too_short"}:
        return "不能为空。请填写内容。 Must not be empty."
    if kind == "string_pattern_mismatch" and str(ctx.get("pattern", "")).startswith("^https?://"):
        from ..load import url_message
        from ..urls import url_problem

        return url_message(str(value), "site", url_problem(str(value), "site") or "应以 http:// 或 https:// 开头、以 / 结尾")
    if kind == "string_pattern_mismatch":
        return f"“{_plain(value)}”格式不对：只能用字母、数字、连字符（如 2025-017）。 Use letters, digits and dashes only."
    if kind == "string_type":
        return "应为文字，却写成了列表或映射。 Must be text, not a list or mapping."
    if kind == "list_type":
        return "应为列表（每项一行，以“- ”开头，或写成 [a, b]）。 Must be a list."
    if kind in {"dict_type", "model_type", "model_attributes_type"}:
        return "应为映射（“字段: 值”的形式）。 Must be a mapping of `field: value`."
    if kind == "bool_parsing":
        return f"“{_plain(value)}”应为 true 或 false。 Must be true or false."
    if kind == "value_error":
        return str(ctx.get("error") or err.get("msg"))
    return f"{err.get('msg')}（值：{_plain(value)}）"


def _salvage(model: type[R], data: Any, exc: ValidationError) -> R | None:
    """The record without the fields that failed, when each of them is optional or unknown, so that
    a record with one wrong field still gets every other check (references, dates, personal data)
    in the same run. None when a required field or the record as a whole is wrong."""
    if not isinstance(data, dict):
        return None
    cleaned = dict(data)
    for err in exc.errors():
        top = err["loc"][0] if err["loc"] else None
        known = model.model_fields.get(top) if isinstance(top, str) else None
        if top not in cleaned or err["type"] == "missing" or (known is not None and known.is_required()):
            return None
        cleaned.pop(top)
    try:
        return model.model_validate(cleaned)
    except ValidationError:
        return None


def validate_doc(model: type[R], doc: YamlDoc, base: tuple = (),
                 salvage: bool = False) -> tuple[R | None, list[tuple[int, str, str, str]]]:
    """Validate `doc.data` (at `base`) against `model`.

    Returns the record (or None) and problems as (line, field, rule, message). With `salvage`, a record
    whose wrong fields are all optional comes back without them, beside the problems.
    """
    data = doc.data
    for part in base:
        data = data[part]
    try:
        return model.model_validate(data), []
    except ValidationError as exc:
        found = []
        for err in exc.errors():
            loc = tuple(p for p in err["loc"] if not (isinstance(p, str) and p.startswith(("function-", "constrained-"))))
            # pydantic adds union member names ("str", "none", "date") to loc: drop them
            path = base + tuple(p for p in loc if not (isinstance(p, str) and p in {"str", "none", "date", "int", "decimal", "is-instance[date]"}))
            rule = "schema.missing" if err["type"] == "missing" else "schema.url" if "https?://" in str(
                (err.get("ctx") or {}).get("pattern", "")) else (
                "schema.unknown_field" if err["type"] == "extra_forbidden" else
                "schema.date" if err["type"].startswith(("date", "datetime", "timezone")) else "schema.type")
            found.append((doc.line_of(path), dotted(path), rule, explain(err)))
        return (_salvage(model, data, exc) if salvage else None), found
