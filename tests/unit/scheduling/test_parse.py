"""Reading the event JSON, and the errors a user gets for a bad one."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matchmaker.scheduling import (
    InvalidEventError,
    Message,
    Problem,
    ScheduleError,
    schedule,
)
from matchmaker.scheduling.messages import PROBLEM_KINDS

EVENT = {
    "slots": ["09:00", "09:20", "09:40"],
    "tables": 40,
    "participants": [
        {"id": "B1", "role": "buyer", "table": 1, "unavailable": ["09:00"]},
        {"id": "S1", "role": "supplier", "max_meetings": 6},
    ],
    "requests": [{"buyer": "B1", "supplier": "S1", "priority": 3}],
}


def _event(**changes):
    data = {k: (list(v) if isinstance(v, list) else v) for k, v in EVENT.items()}
    data.update(changes)
    return data


def _problems(data):
    with pytest.raises(InvalidEventError) as info:
        Problem.from_dict(data)
    assert isinstance(info.value, ScheduleError) and isinstance(info.value, ValueError)
    return info.value.problems


def test_reads_the_documented_example():
    problem = Problem.from_dict(EVENT)
    assert problem.slots == ("09:00", "09:20", "09:40")
    assert problem.tables == 40
    b1, s1 = problem.participants
    assert (b1.role, b1.table, b1.unavailable, b1.max_meetings) == (
        "buyer", 1, frozenset({"09:00"}), None)
    assert (s1.role, s1.table, s1.max_meetings) == ("supplier", None, 6)
    assert problem.requests[0].priority == 3
    assert problem.warnings == ()


def test_priority_defaults_to_one():
    problem = Problem.from_dict(_event(requests=[{"buyer": "B1", "supplier": "S1"}]))
    assert problem.requests[0].priority == 1


def test_duplicate_requests_are_merged_with_a_warning():
    requests = [{"buyer": "B1", "supplier": "S1", "priority": 2},
                {"buyer": "B1", "supplier": "S1", "priority": 5},
                {"buyer": "B1", "supplier": "S1"}]
    problem = Problem.from_dict(_event(requests=requests))
    assert [(r.key, r.priority) for r in problem.requests] == [(("B1", "S1"), 5)]
    assert problem.warnings == (Message("duplicate_request", {"buyer": "B1", "supplier": "S1",
                                                              "count": 3, "priority": 5}),)
    assert str(problem.warnings[0]) == ("request (B1, S1) is listed 3 times; "
                                        "kept once with the highest priority, 5")


def test_every_problem_is_listed_at_once():
    data = _event(
        slots=["09:00", "09:00", "09:20"],
        participants=[
            {"id": "B1", "role": "buyer", "table": 41, "unavailable": ["08:00"]},
            {"id": "S1", "role": "supplier"},
            {"id": "B2", "role": "buyer"},
        ],
        requests=[{"buyer": "S1", "supplier": "B1"},
                  {"buyer": "B1", "supplier": "S9"},
                  {"buyer": "B1", "supplier": "B2"},
                  {"buyer": "B1", "supplier": "S1", "priority": 0}],
    )
    text = "\n".join(map(str, _problems(data)))
    assert "'09:00' is listed 2 times" in text
    assert "table 41 is outside 1..40" in text
    assert "'08:00'" in text and "not among the event's slots" in text
    assert "buyer and supplier are swapped" in text
    assert "unknown supplier 'S9'" in text
    assert "'B2' is a buyer, not a supplier" in text
    assert "priority 0 must be a number above 0" in text


@pytest.mark.parametrize("change, expected", [
    ({"tables": 0}, "tables: 0 is below 1"),
    ({"tables": "many"}, "tables: 'many' is not a whole number"),
    ({"slots": "09:00"}, "slots: expected a list"),
    ({"participants": [{"id": "B1", "role": "exhibitor"}]}, "'exhibitor' is not 'buyer'"),
    ({"participants": [{"role": "buyer"}]}, "participant #1.id: missing"),
    ({"participants": EVENT["participants"] * 2}, "listed 2 times (ids must be unique)"),
    ({"participants": [{"id": "S1", "role": "supplier", "table": 2}]},
     "only buyers have a fixed table"),
    ({"participants": [{"id": "S1", "role": "supplier", "max_meetings": -1}]},
     "max_meetings: -1 is below 0"),
    ({"requests": [{"buyer": "B1", "supplier": "S1", "priority": "high"}]},
     "'high' is not a number"),
    ({"requests": [{"buyer": "B1", "supplier": "S1", "priority": True}]}, "is not a number"),
])
def test_single_mistakes_are_named(change, expected):
    problems = _problems(_event(**change))
    assert any(expected in str(p) for p in problems), problems


def test_missing_top_level_fields_are_named():
    problems = _problems({})
    assert {str(p).split(":")[0] for p in problems} >= {"slots", "tables", "participants", "requests"}
    assert list(map(str, _problems([1, 2]))) == [
        "the event must be a JSON object with slots, tables, participants and requests"]


def test_inconsistent_locked_meetings_are_rejected():
    locked = [{"buyer": "B1", "supplier": "S1", "slot": "09:00", "table": 1},
              {"buyer": "B1", "supplier": "S1", "slot": "09:20", "table": 2}]
    text = "\n".join(map(str, _problems(_event(locked=locked))))
    assert "'B1' is unavailable in 09:00" in text
    assert "buyer 'B1' always sits at table 1" in text
    assert "locked more than once" in text


def test_two_buyers_may_share_a_fixed_table_with_a_warning():
    participants = [{"id": "B1", "role": "buyer", "table": 1},
                    {"id": "B2", "role": "buyer", "table": 1},
                    {"id": "S1", "role": "supplier"}]
    problem = Problem.from_dict(_event(participants=participants))
    assert problem.warnings == (Message("shared_table", {"table": 1, "buyers": ("B1", "B2")}),)
    assert str(problem.warnings[0]) == ("table 1 is the fixed table of B1, B2; "
                                        "they never have meetings in the same slot")


def test_previous_and_locked_meetings_are_read():
    data = _event(locked=[{"buyer": "B1", "supplier": "S1", "slot": "09:20", "table": 1}],
                  previous=[{"buyer": "B1", "supplier": "S1", "slot": "09:40", "table": 1,
                             "priority": 3}])
    problem = Problem.from_dict(data)
    assert problem.locked[0].locked and problem.locked[0].slot == "09:20"
    assert problem.previous[0].slot == "09:40"
    result = schedule(problem)
    assert [(m.slot, m.table, m.locked) for m in result.meetings] == [("09:20", 1, True)]


def test_a_problem_built_in_code_is_validated_too():
    problem = Problem.from_dict(EVENT)
    from dataclasses import replace

    from matchmaker.scheduling import Request
    bad = replace(problem, requests=[Request("B1", "S1", -2)])
    with pytest.raises(InvalidEventError, match="must be a number above 0"):
        schedule(bad)


_json = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 50) | st.floats(allow_nan=True)
    | st.sampled_from(["", "B1", "S1", "09:00", "buyer", "supplier", "x"]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from(["id", "role", "table", "unavailable", "max_meetings",
                                       "buyer", "supplier", "priority", "slot"]), inner,
                      max_size=5),
    max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(st.fixed_dictionaries({}, optional={
    "slots": _json, "tables": _json, "participants": _json, "requests": _json,
    "locked": _json, "previous": _json}))
def test_any_json_gives_a_problem_or_a_readable_error(data):
    try:
        problem = Problem.from_dict(data)
    except InvalidEventError as exc:
        assert exc.problems and all(isinstance(p, Message) and p.kind in PROBLEM_KINDS and str(p)
                                    for p in exc.problems)
    else:
        schedule(problem, time_limit=2)
