"""`today` is an input: --today, else SOURCE_DATE_EPOCH, else the date in Asia/Shanghai."""
from __future__ import annotations

import datetime as dt
import os
import re
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
ENV_TODAY = "RIGHTSITE_TODAY"


def parse_day(value: str) -> dt.date:
    """A strict YYYY-MM-DD date (ValueError otherwise)."""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value or ""):
        raise ValueError(value)
    return dt.date.fromisoformat(value)


def resolve_today(value: str | None = None) -> dt.date:
    """The date every check uses: --today, else SOURCE_DATE_EPOCH, else today in Asia/Shanghai.

    Raises ValueError on a malformed value.
    """
    if value:
        return parse_day(value)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=SHANGHAI).date()
    return dt.datetime.now(tz=SHANGHAI).date()


def build_today() -> dt.date:
    """Inside `mkdocs build`/`serve`: the date `rightsite build` passed down, else resolve_today()."""
    return resolve_today(os.environ.get(ENV_TODAY))


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of `day` in Shanghai: the moment used to tell past from upcoming events."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)
