"""Slots of fairs over one or several days."""
import datetime as dt

import pytest

from matchmaker.domain.slots import (
    MAX_DAYS,
    SlotError,
    fair_days,
    generate_fair_slots,
    slot_parts,
)

MAY1 = dt.date(2026, 5, 1)


def test_one_day_fair_keeps_plain_times():
    assert generate_fair_slots(MAY1, None, "09:00", "10:00", 30) == ["09:00", "09:30"]
    assert generate_fair_slots(MAY1, MAY1, "09:00", "10:00", 30) == ["09:00", "09:30"]


def test_each_day_gets_the_same_times_with_its_date_and_breaks():
    slots = generate_fair_slots(MAY1, MAY1 + dt.timedelta(days=2), "09:00", "10:30", 30, [("09:30", "10:00")])
    assert slots == [f"2026-05-0{d} {t}" for d in (1, 2, 3) for t in ("09:00", "10:00")]
    assert [slot_parts(s) for s in slots[2:4]] == [(dt.date(2026, 5, 2), "09:00"), (dt.date(2026, 5, 2), "10:00")]
    assert slot_parts("14:20") == (None, "14:20")


def test_days_must_run_forwards_and_fit_in_a_week():
    assert len(fair_days(MAY1, MAY1 + dt.timedelta(days=MAX_DAYS - 1))) == MAX_DAYS
    with pytest.raises(SlotError, match="at most"):
        fair_days(MAY1, MAY1 + dt.timedelta(days=MAX_DAYS))
    with pytest.raises(SlotError, match="before"):
        generate_fair_slots(MAY1, MAY1 - dt.timedelta(days=1), "09:00", "10:00", 30)
