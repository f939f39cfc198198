"""Meeting time slots of a fair, generated from opening hours, meeting length and breaks."""
from __future__ import annotations

import datetime as dt

__all__ = ["MAX_DAYS", "SlotError", "fair_days", "generate_fair_slots", "generate_slots", "slot_parts"]

#: The longest fair, in days.
MAX_DAYS = 7


class SlotError(ValueError):
    """The hours, length or breaks of a fair do not make a valid day."""


def _minutes(hhmm: str) -> int:
    try:
        hours, minutes = hhmm.strip().split(":")
        value = int(hours) * 60 + int(minutes)
    except (AttributeError, ValueError):
        raise SlotError(f"时间格式应为 HH:MM / time must be HH:MM, got {hhmm!r}") from None
    if not 0 <= value < 24 * 60 or not 0 <= int(minutes) < 60:
        raise SlotError(f"时间超出范围 / time out of range: {hhmm!r}")
    return value


def _fmt(value: int) -> str:
    return f"{value // 60:02d}:{value % 60:02d}"


def generate_slots(start: str, end: str, minutes: int, breaks=()) -> list[str]:
    """Start times (``"HH:MM"``) of the meeting slots between ``start`` and ``end``.

    A slot must fit entirely before ``end`` and must not overlap any ``(from, to)``
    break; after a break the next slot starts when the break ends.

    Examples
    --------
    >>> generate_slots("09:00", "10:00", 20)
    ['09:00', '09:20', '09:40']
    >>> generate_slots("09:00", "10:20", 20, [("09:40", "10:00")])
    ['09:00', '09:20', '10:00']
    """
    if not isinstance(minutes, int) or minutes <= 0:
        raise SlotError("会谈时长必须为正整数分钟 / meeting length must be a positive number of minutes")
    lo, hi = _minutes(start), _minutes(end)
    if hi <= lo:
        raise SlotError(f"结束时间须晚于开始时间 / end {end} must be after start {start}")
    spans = sorted((_minutes(a), _minutes(b)) for a, b in breaks)
    for a, b in spans:
        if b <= a:
            raise SlotError(f"休息时段无效 / break {_fmt(a)}–{_fmt(b)} ends before it starts")
    slots, t = [], lo
    while t + minutes <= hi:
        clash = next(((a, b) for a, b in spans if t < b and a < t + minutes), None)
        if clash:
            t = clash[1]
            continue
        slots.append(_fmt(t))
        t += minutes
    return slots


def fair_days(first: dt.date, last: dt.date | None = None) -> list[dt.date]:
    """The days of a fair running from ``first`` to ``last`` (inclusive; one day when ``last`` is None)."""
    last = last or first
    if last < first:
        raise SlotError(f"结束日期早于开始日期 / the last day {last} is before the first {first}")
    days = (last - first).days + 1
    if days > MAX_DAYS:
        raise SlotError(f"对接会最长 {MAX_DAYS} 天 / a fair lasts at most {MAX_DAYS} days")
    return [first + dt.timedelta(days=i) for i in range(days)]


def generate_fair_slots(first: dt.date, last: dt.date | None, start: str, end: str, minutes: int,
                        breaks=()) -> list[str]:
    """Slots of every day of a fair.

    A one-day fair keeps plain ``"HH:MM"`` slots; the slots of a fair over several
    days carry their day, ``"YYYY-MM-DD HH:MM"``, so each one names a single moment.

    Examples
    --------
    >>> generate_fair_slots(dt.date(2026, 5, 1), dt.date(2026, 5, 2), "09:00", "09:40", 20)
    ['2026-05-01 09:00', '2026-05-01 09:20', '2026-05-02 09:00', '2026-05-02 09:20']
    """
    days = fair_days(first, last)
    times = generate_slots(start, end, minutes, breaks)
    if len(days) == 1:
        return times
    return [f"{day.isoformat()} {t}" for day in days for t in times]


def slot_parts(slot: str) -> tuple[dt.date | None, str]:
    """``"2026-05-01 09:00"`` -> ``(date(2026, 5, 1), "09:00")``; ``"09:00"`` -> ``(None, "09:00")``."""
    day, _sep, time = slot.strip().rpartition(" ")
    return (dt.date.fromisoformat(day) if day else None), time
