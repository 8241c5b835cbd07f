"""Times as the plant reads them: the store keeps UTC ISO text; people see their own clock.

The plant's zone is the ``timezone`` setting (LAOSHIFU_TIMEZONE or config.yaml, e.g.
Asia/Shanghai), else the machine's own.
"""

from __future__ import annotations

from datetime import date, datetime, timezone, tzinfo
from zoneinfo import ZoneInfo


def plant_zone(name: str | None = None) -> tzinfo:
    """The zone named in the settings, else this machine's local zone."""
    if name:
        return ZoneInfo(name)
    return datetime.now().astimezone().tzinfo or timezone.utc


def check_day(day: str, field: str = "day") -> None:
    """A day to review must read YYYY-MM-DD; else the error names the field it came in."""
    from .errors import LaoshifuError, Problem

    try:
        date.fromisoformat(day)
    except ValueError:
        raise LaoshifuError(Problem(f"cannot read day {day!r}", field=field,
                                    hint="write YYYY-MM-DD, e.g. 2026-07-22")) from None


def parse(value: str | datetime | None) -> datetime | None:
    """A stored time (ISO text, ``Z`` or an offset; without one it is UTC) or None."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        moment = value
    else:
        try:
            moment = datetime.fromisoformat(str(value).strip().replace("Z", "+00:00"))
        except ValueError:
            return None
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def show(value: str | datetime | None, zone: tzinfo, *, seconds: bool = False) -> str:
    """``2026-07-22T06:05:09+00:00`` → ``2026-07-22 14:05`` in Shanghai; text that is not a
    time is shown as it is."""
    moment = parse(value)
    if moment is None:
        return "" if value is None else str(value)
    return moment.astimezone(zone).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")
