"""A deterministic generator of complaint-desk exports, for the sample data and the benchmarks.

The numbers are invented but shaped like a mall's desk: 售后服务, 质量, 合同 and 预付卡
lead; peaks before and after 春节, in the 3·15 week, around 618 and after 双十一; busier
weekends; 预付卡 (and the beauty/fitness/training sectors behind it) growing in 2025.
The export is taken on 15 January of the next year, so late-December complaints with a
long handling time are still open (closed and outcome empty).

    python -m rightsite.report.sample [--root PATH]   # rewrites data/complaints/2024.csv and 2025.csv
"""
from __future__ import annotations

import bisect
import csv
import datetime as dt
import itertools
import math
import random
import sys
from pathlib import Path
from typing import Iterator, Mapping

SAMPLE = {2024: (1608, 20240315), 2025: (1834, 20250315)}  # year: (rows, seed)
SPRING_FESTIVAL = {2023: (1, 22), 2024: (2, 10), 2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26)}

NATURES_2024 = {"售后服务": 25.5, "质量": 20.5, "合同": 14.0, "预付卡": 11.5, "价格": 7.0, "虚假宣传": 6.5,
                "安全": 4.0, "假冒": 2.5, "计量": 1.8, "人格权益": 1.4, "其他": 5.3}
NATURES_2025 = {**NATURES_2024, "售后服务": 24.2, "质量": 19.3, "预付卡": 15.8, "价格": 6.6, "其他": 4.6}
# the promotion seasons tilt the mix: returns after the sales, price tricks during them
TILT = {
    "cny_pre": {"价格": 1.5, "质量": 1.2, "预付卡": 1.2},
    "cny_post": {"售后服务": 1.3, "预付卡": 1.4},
    "w315": {"虚假宣传": 1.3, "假冒": 1.5, "人格权益": 1.3},
    "s618": {"售后服务": 1.4, "价格": 1.4, "虚假宣传": 1.3},
    "s1111": {"售后服务": 1.5, "价格": 1.4, "质量": 1.2},
    "summer": {"预付卡": 1.3, "安全": 1.3},
    "normal": {},
}
SECTORS = {
    "售后服务": {"家用电器": 30, "通讯器材": 20, "服装鞋帽": 18, "家居用品": 10, "眼镜": 5, "珠宝首饰": 5, "儿童用品": 5, "化妆品": 4, "其他": 3},
    "质量": {"服装鞋帽": 28, "食品": 14, "家用电器": 12, "家居用品": 10, "儿童用品": 9, "餐饮": 8, "化妆品": 7, "通讯器材": 6,
           "眼镜": 3, "珠宝首饰": 3},
    "合同": {"教育培训": 16, "健身休闲": 14, "家居用品": 12, "家用电器": 10, "影院娱乐": 10, "美容美发": 10, "餐饮": 8, "儿童游乐": 8,
           "服装鞋帽": 6, "停车服务": 3, "其他": 3},
    "预付卡": {"美容美发": 32, "健身休闲": 26, "教育培训": 20, "儿童游乐": 10, "餐饮": 8, "影院娱乐": 2, "其他": 2},
    "价格": {"餐饮": 22, "服装鞋帽": 22, "停车服务": 12, "食品": 12, "珠宝首饰": 10, "化妆品": 8, "家用电器": 6, "影院娱乐": 4, "其他": 4},
    "虚假宣传": {"化妆品": 20, "美容美发": 16, "教育培训": 14, "健身休闲": 10, "眼镜": 10, "家用电器": 8, "服装鞋帽": 8, "食品": 8, "珠宝首饰": 6},
    "安全": {"儿童游乐": 25, "餐饮": 22, "食品": 15, "儿童用品": 12, "停车服务": 12, "健身休闲": 8, "影院娱乐": 4, "其他": 2},
    "假冒": {"珠宝首饰": 35, "化妆品": 30, "服装鞋帽": 25, "通讯器材": 6, "其他": 4},
    "计量": {"食品": 55, "珠宝首饰": 35, "餐饮": 6, "其他": 4},
    "人格权益": {"服装鞋帽": 25, "化妆品": 20, "教育培训": 20, "美容美发": 12, "健身休闲": 10, "停车服务": 8, "其他": 5},
    "其他": {"停车服务": 35, "其他": 30, "餐饮": 10, "影院娱乐": 10, "儿童游乐": 8, "服装鞋帽": 7},
}
CHANNELS_2024 = {"服务台": 40, "热线电话": 25, "在线留言": 14, "12315转办": 12, "消协转办": 5, "电子邮件": 4}
CHANNELS_2025 = {"服务台": 37, "热线电话": 24, "在线留言": 18, "12315转办": 13, "消协转办": 5, "电子邮件": 3}
OUTCOMES = {"调解成功": 70, "部分支持": 12, "调解不成": 6, "撤回": 5, "转办": 7}
OUTCOMES_BY_NATURE = {
    "预付卡": {"调解成功": 52, "部分支持": 18, "调解不成": 12, "撤回": 3, "转办": 15},
    "安全": {"调解成功": 58, "部分支持": 22, "调解不成": 9, "撤回": 4, "转办": 7},
    "其他": {"调解成功": 55, "部分支持": 8, "调解不成": 5, "撤回": 10, "转办": 22},
}
# days to close: (share, low, high) buckets
DAYS = [(30, 0, 0), (25, 1, 3), (22, 4, 7), (13, 8, 15), (6, 16, 30), (3, 31, 60), (1, 61, 100)]
DAYS_SLOW = [(10, 0, 0), (15, 1, 3), (20, 4, 7), (22, 8, 15), (18, 16, 30), (11, 31, 60), (4, 61, 120)]
MEDIAN_YUAN = {"家用电器": 1300, "通讯器材": 1500, "珠宝首饰": 1800, "服装鞋帽": 380, "食品": 90, "化妆品": 320, "眼镜": 650,
               "家居用品": 900, "儿童用品": 260, "餐饮": 180, "美容美发": 1600, "教育培训": 3200, "健身休闲": 2200,
               "儿童游乐": 450, "影院娱乐": 150, "停车服务": 30, "其他": 200}
STARS = {"调解成功": (1, 2, 7, 28, 62), "部分支持": (4, 8, 20, 38, 30), "调解不成": (22, 28, 30, 15, 5),
         "撤回": (4, 6, 15, 35, 40), "转办": (5, 10, 25, 35, 25)}
HEADER = ("id", "received", "closed", "channel", "nature", "sector", "outcome", "amount_recovered", "satisfaction")


def _cum(weights: Mapping[str, float]) -> tuple[list[str], list[float]]:
    return list(weights), list(itertools.accumulate(weights.values()))


def _spring_festival(year: int) -> dt.date:
    month, day = SPRING_FESTIVAL.get(year, (2, 1))
    return dt.date(year, month, day)


def _period(day: dt.date, cny: dt.date) -> str:
    offset = (day - cny).days
    md = (day.month, day.day)
    if -20 <= offset < 0:
        return "cny_pre"
    if 0 <= offset <= 20:
        return "cny_post"
    if (3, 8) <= md <= (3, 22):
        return "w315"
    if (6, 1) <= md <= (6, 30):
        return "s618"
    if (11, 1) <= md <= (11, 30):
        return "s1111"
    if (7, 1) <= md <= (8, 31):
        return "summer"
    return "normal"


def _day_weight(day: dt.date, cny: dt.date) -> float:
    w = 1.35 if day.weekday() >= 5 else 1.0
    offset, md = (day - cny).days, (day.month, day.day)
    if -20 <= offset < 0:
        w *= 1.6  # 年货 shopping, cards sold before the holiday
    elif 0 <= offset <= 7:
        w *= 1.3
    elif 8 <= offset <= 20:
        w *= 1.25  # returns after the holiday
    if (3, 10) <= md <= (3, 20):
        w *= 2.6 if md == (3, 15) else 1.8
    if (6, 1) <= md <= (6, 25):
        w *= 1.8 if (6, 15) <= md <= (6, 22) else 1.45
    if (11, 1) <= md <= (11, 20):
        w *= 2.0 if (11, 11) <= md <= (11, 18) else 1.6
    if (10, 1) <= md <= (10, 7):
        w *= 1.2
    if (7, 1) <= md <= (8, 31):
        w *= 1.1
    if md >= (12, 20):
        w *= 1.15
    return w


def _amount(rng: random.Random, sector: str, nature: str, outcome: str) -> str:
    if outcome not in ("调解成功", "部分支持") or rng.random() < (0.35 if outcome == "调解成功" else 0.25):
        return "0"
    median = MEDIAN_YUAN.get(sector, 200) * (1.4 if nature == "预付卡" else 0.8)
    yuan = min(rng.lognormvariate(math.log(median), 0.75), 60000.0) * (0.5 if outcome == "部分支持" else 1.0)
    roll = rng.random()
    if roll < 0.6:
        return str(max(1, round(yuan)))
    if roll < 0.85:
        return f"{max(1, round(yuan))}.{rng.choice('1235678')}0"
    cents = max(1, round(yuan * 100))
    return f"{cents // 100}.{cents % 100:02d}"


def generate_rows(year: int, n: int, seed: int) -> Iterator[tuple[str, ...]]:
    """`n` complaint rows of `year` (no header), in id order; the same arguments give the same rows."""
    rng = random.Random(seed)
    jan1, cny = dt.date(year, 1, 1), _spring_festival(year)
    days = [jan1 + dt.timedelta(d) for d in range((dt.date(year + 1, 1, 1) - jan1).days)]
    day_cum = list(itertools.accumulate(_day_weight(d, cny) for d in days))
    received = sorted(rng.choices(range(len(days)), cum_weights=day_cum, k=n))
    export = dt.date(year + 1, 1, 15)
    natures = NATURES_2024 if year <= 2024 else NATURES_2025
    by_period = {}
    for period, tilt in TILT.items():
        by_period[period] = _cum({k: v * tilt.get(k, 1.0) for k, v in natures.items()})
    periods = [_period(d, cny) for d in days]
    sectors = {k: _cum(v) for k, v in SECTORS.items()}
    ch_names, ch_cum = _cum(CHANNELS_2024 if year <= 2024 else CHANNELS_2025)
    outcomes = {k: _cum(OUTCOMES_BY_NATURE.get(k, OUTCOMES)) for k in SECTORS}
    fast, slow = _cum({str(i): b[0] for i, b in enumerate(DAYS)})[1], _cum({str(i): b[0] for i, b in enumerate(DAYS_SLOW)})[1]
    stars = {k: list(itertools.accumulate(v)) for k, v in STARS.items()}
    width = max(5, len(str(n)))
    old_name = year <= 2024  # the desk's old software still wrote 人格尊严
    rand, pick = rng.random, bisect.bisect
    for i, d in enumerate(received, 1):
        day = days[d]
        names, cum = by_period[periods[d]]
        nature = names[pick(cum, rand() * cum[-1])]
        s_names, s_cum = sectors[nature]
        sector = s_names[pick(s_cum, rand() * s_cum[-1])]
        channel = ch_names[pick(ch_cum, rand() * ch_cum[-1])]
        o_names, o_cum = outcomes[nature]
        outcome = o_names[pick(o_cum, rand() * o_cum[-1])]
        if outcome == "撤回":
            took = min(int(rng.expovariate(0.6)), 10)
        elif outcome == "转办":
            took = rng.randint(0, 3)
        else:
            table, cum_days = (DAYS_SLOW, slow) if nature in ("预付卡", "安全") else (DAYS, fast)
            _, low, high = table[pick(cum_days, rand() * cum_days[-1])]
            took = rng.randint(low, high)
        closed = day + dt.timedelta(took)
        if closed > export:
            row = ("", "", "", "")
        else:
            rate = 0.4 if outcome in ("撤回", "转办") else 0.72
            score = str(pick(stars[outcome], rand() * 100) + 1) if rand() < rate else ""
            row = (closed.isoformat(), outcome, _amount(rng, sector, nature, outcome), score)
        shown = "人格尊严" if old_name and nature == "人格权益" else nature
        yield (f"{year}-{i:0{width}d}", day.isoformat(), row[0], channel, shown, sector, row[1], row[2], row[3])


def write_csv(path: Path, rows, encoding: str = "utf-8") -> int:
    """Write a header and `rows` to `path` (LF line ends); returns the number of rows."""
    path.parent.mkdir(parents=True, exist_ok=True)
    count = 0
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(HEADER)
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def write_sample(root: Path) -> list[Path]:
    """Rewrite the committed sample exports under `root`/data/complaints/."""
    written = []
    for year, (n, seed) in SAMPLE.items():
        path = Path(root) / "data" / "complaints" / f"{year}.csv"
        write_csv(path, generate_rows(year, n, seed))
        written.append(path)
    return written


if __name__ == "__main__":
    args = sys.argv[1:]
    root = Path(args[args.index("--root") + 1]) if "--root" in args else None
    if root is None:
        from ..cli import find_root

        root = find_root()
    assert root is not None  # run inside a project (a folder with mkdocs.yml and data/)
    for p in write_sample(root):
        print(p)
