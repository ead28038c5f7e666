"""Read the complaint desk's yearly export (data/complaints/<year>.csv) into columns.

The file comes from Excel as often as from the desk's software, so it may be UTF-8
(with or without BOM) or GB18030. Only the nine known columns are allowed: a free-text
column could carry personal data. Every bad row is reported (line, column, the fix),
not just the first; a bad row is left out of the table.

The table is columnar (`array` per column, categories as small integer codes), so a
million rows take about 20 MB and the figures are computed with C-speed counters.
"""
from __future__ import annotations

import codecs
import csv
import datetime as dt
import enum
import io
import re
from array import array
from dataclasses import dataclass, field
from pathlib import Path

from .categories import Categories
from ..problems import Problems

COLUMNS = ("id", "received", "closed", "channel", "nature", "sector", "outcome", "amount_recovered", "satisfaction")
MAX_PROBLEMS = 1000  # per file; beyond that one summary problem says how many more
_ID = re.compile(r"(\d{4})-\d{4,}")
_AMOUNT = re.compile(r"(\d{1,10})(?:\.(\d{1,2}))?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_SCORES = {"": 0, "1": 1, "2": 2, "3": 3, "4": 4, "5": 5}


class _Bad(enum.Enum):
    BAD = 0  # an enum member rather than object(), so that `is _BAD` narrows the type


_BAD = _Bad.BAD  # cached "not a valid date"


@dataclass
class ComplaintTable:
    """One year of complaints, one array per column.

    `received` is the day of the year (0 = 1 January); `days` is closed − received in
    days, or -1 while open. Category columns hold indexes into the name tuples.
    `outcome` is -1 while open; `satisfaction` is 0 when not rated.
    """

    year: int
    file: str
    channels: tuple[str, ...]
    natures: tuple[str, ...]
    sectors: tuple[str, ...]
    outcomes: tuple[str, ...]
    received: array = field(default_factory=lambda: array("H"))
    days: array = field(default_factory=lambda: array("l"))
    channel: array = field(default_factory=lambda: array("b"))
    nature: array = field(default_factory=lambda: array("b"))
    sector: array = field(default_factory=lambda: array("b"))
    outcome: array = field(default_factory=lambda: array("b"))
    cents: array = field(default_factory=lambda: array("q"))
    satisfaction: array = field(default_factory=lambda: array("b"))
    encoding: str = "utf-8"

    def __len__(self) -> int:
        return len(self.received)


def complaints_path(root: Path, year: int) -> Path:
    return Path(root) / "data" / "complaints" / f"{year}.csv"


def detect_encoding(raw: bytes) -> tuple[str | None, int]:
    """("utf-8-sig" | "gb18030" | None, line of the first bad byte).

    A file that decodes as UTF-8 is UTF-8. One that fails only after valid non-ASCII
    UTF-8 text is a damaged UTF-8 file, not GB18030: guessing would garble every name.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    step = 1 << 20
    for start in range(0, len(raw), step):
        try:
            decoder.decode(raw[start:start + step], final=start + step >= len(raw))
        except UnicodeDecodeError as exc:
            pos = start + exc.start
            if raw[:pos].isascii():
                break
            return None, raw[:pos].count(b"\n") + 1
    else:
        return "utf-8-sig", 0
    try:
        codecs.decode(raw, "gb18030")
    except UnicodeDecodeError as exc:
        return None, raw[:exc.start].count(b"\n") + 1
    return "gb18030", 0


class _Rows:
    """Collects row problems with a cap, so a wholly wrong file still gives a short list."""

    def __init__(self, problems: Problems, file: str):
        self.problems, self.file, self.count, self.last = problems, file, 0, 0

    def error(self, rule: str, line: int, column: str, message: str) -> None:
        self.count += 1
        self.last = line
        if self.count <= MAX_PROBLEMS:
            self.problems.error(rule, self.file, line, column, message)

    def finish(self) -> None:
        if self.count > MAX_PROBLEMS:
            more = self.count - MAX_PROBLEMS
            self.problems.error("schema.csv", self.file, self.last, "",
                                f"另有 {more} 处错误未逐一列出（共 {self.count} 处）。请先改正上面列出的，再运行检查。"
                                f" {more} more errors not listed ({self.count} in all); fix the ones above and check again.")


def _clip(value: str) -> str:
    """A cell as quoted in a message: at most 20 characters, long digit runs masked.

    A phone or card number typed into the wrong column must not be repeated in full.
    """
    return re.sub(r"\d{6,}", lambda m: m.group()[:3] + "****", value[:20])


def _date_message(value: str) -> str:
    hint = ""
    if re.fullmatch(r"\d{4}/\d{1,2}/\d{1,2}", value.strip()):
        hint = "（Excel 常把日期改成 2025/3/5：请把该列设为文本，或用自定义格式 yyyy-mm-dd 后再另存）"
    return (f"“{_clip(value)}”不是有效日期。请写成 YYYY-MM-DD，且日期真实存在{hint}。"
            " Not a valid date; write YYYY-MM-DD with a real day.")


def read_complaints(path: Path, rel: str, year: int, categories: Categories, problems: Problems) -> ComplaintTable | None:
    """Read and check one yearly export. Problems go to `problems`; returns None if unreadable.

    Rows with errors are left out of the table, so callers must not compute figures
    from a table whose file had errors.
    """
    cats = categories
    table = ComplaintTable(year, rel, tuple(c.name for c in cats.channels), tuple(n.name for n in cats.natures),
                           tuple(s.name for s in cats.sectors), tuple(o.name for o in cats.outcomes))
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        problems.error("schema.file", rel, 1, "", f"无法读取文件：{exc.strerror}。 Cannot read the file.")
        return None
    encoding, bad_line = detect_encoding(raw)
    if encoding is None:
        problems.error("schema.csv.encoding", rel, bad_line, "",
                       "文件编码无法识别：既不是 UTF-8 也不是 GB18030，或这一行有损坏的字符。"
                       "请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”。"
                       " Not UTF-8 or GB18030 (or damaged here); save again as “CSV UTF-8”.")
        return None
    table.encoding = encoding
    reader = csv.reader(io.TextIOWrapper(io.BytesIO(raw), encoding=encoding, newline=""), strict=True)
    try:
        header = next(reader, None)
    except csv.Error as exc:
        problems.error("schema.csv", rel, 1, "", f"表头无法读取：{exc}。 The header row cannot be read.")
        return None
    if not header or not any(h.strip() for h in header):
        problems.error("schema.csv.column", rel, 1, "",
                       "文件没有表头。第一行应为：" + ",".join(COLUMNS) + "。 The first row must name the columns.")
        return None
    header = [h.strip().lstrip("\ufeff") for h in header]
    bad_header = False
    for name in header:
        if name not in COLUMNS:
            bad_header = True
            shown = _clip(name) if name else "（空白列名）"
            problems.error("schema.csv.column", rel, 1, name or "",
                           f"未知的列“{shown}”。只允许这九列：{','.join(COLUMNS)}。请删除这一列"
                           "（自由填写的列可能含有个人信息，不得导出）。"
                           " Unknown column; only the nine listed columns are allowed (free text may carry personal data).")
    for name in COLUMNS:
        times = header.count(name)
        if times == 0:
            bad_header = True
            problems.error("schema.csv.column", rel, 1, name,
                           f"缺少列“{name}”。表头应为：{','.join(COLUMNS)}。 Missing column `{name}`.")
        elif times > 1:
            bad_header = True
            problems.error("schema.csv.column", rel, 1, name,
                           f"列“{name}”出现了 {times} 次。请只保留一列。 Duplicate column.")
    if bad_header:
        return None
    _read_rows(reader, header, table, cats, _Rows(problems, rel), year)
    return table


def _read_rows(reader, header: list[str], table: ComplaintTable, cats: Categories, out: _Rows, year: int) -> None:
    """The hot loop: every lookup is a dict hit; dates and amounts are cached by their text."""
    order = [header.index(c) for c in COLUMNS]
    same_order = order == list(range(9))
    width = len(header)
    channels = {n: i for i, n in enumerate(table.channels)}
    natures = {n: table.natures.index(canon) for n, canon in cats.nature_names().items()}
    sectors = {n: i for i, n in enumerate(table.sectors)}
    outcomes = {n: i for i, n in enumerate(table.outcomes)}
    first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
    dates: dict[str, int | _Bad] = {}
    amounts: dict[str, int] = {}
    seen_ids: dict[str, int] = {}
    t = table
    a_rec, a_days, a_ch, a_na, a_se, a_ou, a_ce, a_sa = (t.received.append, t.days.append, t.channel.append, t.nature.append,
                                                         t.sector.append, t.outcome.append, t.cents.append, t.satisfaction.append)

    def date_of(text: str) -> int | _Bad:
        try:
            value = dt.date.fromisoformat(text) if _DATE.fullmatch(text) else _BAD
        except ValueError:
            value = _BAD
        value = value.toordinal() if value is not _BAD else _BAD
        dates[text] = value
        return value

    def unknown(column: str, value: str, names) -> str:
        return (f"“{_clip(value)}”不是 data/categories.yml 中的{column_label[column]}。可选：{'、'.join(names)}。"
                f" Unknown {column}; use a name from data/categories.yml.")

    column_label = {"channel": "投诉渠道", "nature": "投诉性质", "sector": "行业", "outcome": "处理结果"}
    while True:
        line = reader.line_num + 1  # where the row starts (a quoted field may span lines)
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            out.error("schema.csv", line, "", f"从这一行开始的内容无法读取（{exc}），多半是引号没有配对。请检查引号。"
                                              " The row starting here cannot be read; check the quotes.")
            continue
        if len(row) != width:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue  # blank line
            out.error("schema.csv", line, "", f"这一行有 {len(row)} 列，表头有 {width} 列。请检查多余或缺少的逗号。"
                                              f" The row has {len(row)} fields, the header {width}.")
            continue
        if same_order:
            rid, rec, clo, ch, na, se, ou, am, sa = row
        else:
            rid, rec, clo, ch, na, se, ou, am, sa = [row[i] for i in order]
        ok = True
        m = _ID.fullmatch(rid)
        if m is None or int(m.group(1)) != year:
            ok = False
            out.error("schema.csv.id", line, "id", f"编号“{_clip(rid)}”格式不对。应为 {year}-00001 这样的“年度-序号”。"
                                                   f" The id must look like {year}-00001.")
        elif rid in seen_ids:
            ok = False
            out.error("schema.csv.id", line, "id", f"编号 {rid} 重复（第一次在第 {seen_ids[rid]} 行）。每条投诉的编号必须唯一。"
                                                   " Duplicate id.")
        else:
            seen_ids[rid] = line
        r = dates.get(rec)
        if r is None:
            r = date_of(rec)
        if r is _BAD:
            ok = False
            out.error("schema.csv.date", line, "received", _date_message(rec))
        elif not first <= r <= last:
            ok = False
            out.error("schema.csv.date", line, "received", f"受理日期 {rec} 不在 {year} 年内。{year}.csv 只收 {year} 年受理的投诉。"
                                                           f" Received outside {year}; it belongs in another year's file.")
        if clo == "":
            days = -1
        else:
            c = dates.get(clo)
            if c is None:
                c = date_of(clo)
            if c is _BAD:
                ok = False
                days = -1
                out.error("schema.csv.date", line, "closed", _date_message(clo) + " 尚未办结的请留空。 Leave empty while open.")
            elif r is not _BAD and c < r:
                ok = False
                days = -1
                out.error("schema.csv.date_order", line, "closed", f"办结日期 {clo} 早于受理日期 {rec}。请改正其中一个。"
                                                                   " `closed` must not be before `received`.")
            else:
                days = c - r if r is not _BAD else -1
        code_ch = channels.get(ch)
        if code_ch is None:
            ok = False
            out.error("schema.csv.category", line, "channel", unknown("channel", ch, table.channels))
        code_na = natures.get(na)
        if code_na is None:
            ok = False
            out.error("schema.csv.category", line, "nature", unknown("nature", na, table.natures))
        code_se = sectors.get(se)
        if code_se is None:
            ok = False
            out.error("schema.csv.category", line, "sector", unknown("sector", se, table.sectors))
        if ou == "":
            code_ou = -1
            if clo != "":
                ok = False
                out.error("schema.csv.outcome", line, "outcome", "已办结（closed 有日期）的投诉必须填写处理结果。"
                                                                 "可选：" + "、".join(table.outcomes) + "。 A closed complaint needs an outcome.")
        else:
            code_ou = outcomes.get(ou)
            if code_ou is None:
                ok = False
                out.error("schema.csv.category", line, "outcome", unknown("outcome", ou, table.outcomes))
            elif clo == "":
                ok = False
                out.error("schema.csv.outcome", line, "outcome", "未办结（closed 为空）的投诉不应有处理结果。请补上办结日期，或清空处理结果。"
                                                                 " An open complaint has no outcome; add `closed` or clear `outcome`.")
        cents = amounts.get(am)
        if cents is None:
            if am == "":
                cents = 0
            else:
                ma = _AMOUNT.fullmatch(am)
                cents = -1 if ma is None else int(ma.group(1)) * 100 + int((ma.group(2) or "0").ljust(2, "0"))
            amounts[am] = cents
        if cents < 0:
            ok = False
            out.error("schema.csv.amount", line, "amount_recovered",
                      f"“{_clip(am)}”应为金额（元），如 3200 或 3200.50，最多两位小数，不带“元”、逗号或货币符号；没有则写 0。"
                      " Must be an amount in yuan such as 3200.50 (no unit, no thousands separator).")
        score = _SCORES.get(sa)
        if score is None:
            ok = False
            out.error("schema.csv.satisfaction", line, "satisfaction",
                      f"“{_clip(sa)}”应为 1 到 5 的整数，未评价的留空。 Must be a whole number 1–5, or empty.")
        if ok:
            assert r is not _BAD  # a bad date made ok False
            a_rec(r - first)
            a_days(days)
            a_ch(code_ch)
            a_na(code_na)
            a_se(code_se)
            a_ou(code_ou)
            a_ce(cents)
            a_sa(score)
    out.finish()
