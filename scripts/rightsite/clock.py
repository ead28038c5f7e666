"""`today` is an input: --today, else SOURCE_DATE_EPOCH, else the date in Asia/Shanghai."""
from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
ENV_TODAY = "RIGHTSITE_TODAY"


def resolve_today(value: str | None = None) -> dt.date:
    """The date every check uses. Raises ValueError on a malformed --today."""
    value = value or os.environ.get(ENV_TODAY)
    if value:
        return dt.date.fromisoformat(value)
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return dt.datetime.fromtimestamp(int(epoch), tz=SHANGHAI).date()
    return dt.datetime.now(tz=SHANGHAI).date()


def start_of_day(day: dt.date) -> dt.datetime:
    """Midnight of `day` in Shanghai: the moment used to tell past from upcoming events."""
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=SHANGHAI)
