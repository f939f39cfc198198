"""Problems in an event's data come as messages: a kind, the fields naming the record, English str()."""

import pytest

from matchmaker.scheduling import (
    InvalidEventError,
    Meeting,
    Message,
    Participant,
    Problem,
    Request,
    validate,
)
from matchmaker.scheduling.messages import KINDS, PROBLEM_KINDS


def _problems(problem):
    with pytest.raises(InvalidEventError) as info:
        validate(problem)
    return info.value.problems


def _file_problems(data):
    with pytest.raises(InvalidEventError) as info:
        Problem.from_dict(data)
    return info.value.problems


def test_every_problem_kind_is_a_message_kind():
    assert PROBLEM_KINDS <= KINDS
    assert len(PROBLEM_KINDS) >= 25


def test_problems_of_the_event_and_its_participants():
    parts = [Participant("B1", "buyer", table=5, unavailable=frozenset({"08:00"})),
             Participant("B1", "buyer"),
             Participant("S1", "supplier", table=2, max_meetings=-1),
             Participant("X1", "guest")]
    problems = _problems(Problem(["a", "a"], 3, parts, [], max_meetings_default=-2))
    assert [(m.kind, dict(m.fields)) for m in problems] == [
        ("duplicate_slot", {"slot": "a", "count": 2}),
        ("invalid_max_meetings_default", {"value": -2}),
        ("duplicate_participant", {"record": "participant", "participant": "B1", "count": 2}),
        ("table_out_of_range", {"record": "participant", "participant": "B1", "table": 5, "tables": 3}),
        ("unknown_unavailable_slots", {"record": "participant", "participant": "B1", "slots": ("08:00",)}),
        ("supplier_table", {"record": "participant", "participant": "S1"}),
        ("invalid_max_meetings", {"record": "participant", "participant": "S1", "value": -1}),
        ("invalid_role", {"record": "participant", "participant": "X1", "role": "guest"}),
    ]
    assert list(map(str, problems)) == [
        "slots: 'a' is listed 2 times (slot names must be unique)",
        "max_meetings_default: -2 is not a whole number >= 0",
        "participant 'B1': listed 2 times (ids must be unique)",
        "participant 'B1': table 5 is outside 1..3",
        "participant 'B1': unavailable slot(s) '08:00' are not among the event's slots",
        "participant 'S1': only buyers have a fixed table (suppliers visit buyers)",
        "participant 'S1': max_meetings -1 is not a whole number >= 0",
        "participant 'X1': role 'guest' is not 'buyer' or 'supplier'",
    ]


def test_an_event_without_slots_or_tables():
    problems = _problems(Problem([], 0, [Participant("B1", "buyer")], []))
    assert problems == [Message("no_slots"), Message("invalid_tables", {"value": 0})]
    assert list(map(str, problems)) == ["slots: the event needs at least one slot",
                                        "tables: 0 is not a whole number >= 1"]


def test_problems_of_requests_name_the_request():
    parts = [Participant("B1", "buyer"), Participant("B2", "buyer"), Participant("S1", "supplier")]
    requests = [Request("S1", "B1"), Request("B1", "S9"), Request("B1", "B2"), Request("B1", "S1", 0)]
    problems = _problems(Problem(["a"], 2, parts, requests))
    where = {"record": "request", "buyer": "B1"}
    assert problems == [
        Message("roles_swapped", {"record": "request", "index": 1, "buyer": "S1", "supplier": "B1"}),
        Message("unknown_supplier", {**where, "index": 2, "supplier": "S9"}),
        Message("not_a_supplier", {**where, "index": 3, "supplier": "B2", "role": "buyer"}),
        Message("invalid_priority", {**where, "index": 4, "supplier": "S1", "priority": 0}),
    ]
    assert list(map(str, problems)) == [
        "request #1 (S1, B1): buyer and supplier are swapped",
        "request #2 (B1, S9): unknown supplier 'S9'",
        "request #3 (B1, B2): 'B2' is a buyer, not a supplier",
        "request #4 (B1, S1): priority 0 must be a number above 0",
    ]


def test_problems_of_locked_meetings_name_the_meeting():
    parts = [Participant("B1", "buyer", table=1), Participant("B2", "buyer"),
             Participant("S1", "supplier", unavailable=frozenset({"a"}), max_meetings=1),
             Participant("S2", "supplier")]
    locked = [Meeting("B1", "S1", "a", 2, locked=True),
              Meeting("B2", "S1", "b", 1, locked=True),
              Meeting("B2", "S2", "b", 1, locked=True),
              Meeting("B2", "S2", "c", 3, locked=True),
              Meeting("B2", "S2", "z", 3, locked=True)]
    problems = _problems(Problem(["a", "b", "c"], 3, parts, [], locked=locked))
    assert [m.kind for m in problems] == [
        "buyer_fixed_table", "locked_unavailable", "table_of_other_buyers", "locked_table_taken",
        "table_of_other_buyers", "locked_double_booked", "pair_locked_twice", "unknown_slot",
        "locked_over_limit"]
    assert problems[0].fields == {"record": "locked", "index": 1, "buyer": "B1", "supplier": "S1", "slot": "a",
                                  "table": 2, "fixed_table": 1}
    assert problems[1]["participant"] == "S1" and problems[2]["buyers"] == ("B1",)
    assert list(map(str, problems)) == [
        "locked #1 (B1, S1, a, table 2): buyer 'B1' always sits at table 1",
        "locked #1 (B1, S1, a, table 2): 'S1' is unavailable in a",
        "locked #2 (B2, S1, b, table 1): table 1 belongs to buyer(s) B1",
        "locked #3 (B2, S2, b, table 1): table 1 already holds a locked meeting in b",
        "locked #3 (B2, S2, b, table 1): table 1 belongs to buyer(s) B1",
        "locked #3 (B2, S2, b, table 1): 'B2' already has a locked meeting in b",
        "locked #4 (B2, S2, c, table 3): this pair is locked more than once",
        "locked #5 (B2, S2, z, table 3): slot 'z' is not among the event's slots",
        "participant 'S1': 2 locked meetings exceed max_meetings 1",
    ]


def test_the_error_lists_the_english_sentences():
    parts = [Participant("B1", "buyer", table=4), Participant("S1", "supplier")]
    with pytest.raises(InvalidEventError) as info:
        validate(Problem(["a"], 3, parts, [Request("B1", "S1")]))
    assert str(info.value) == "the event has 1 problem:\n  - participant 'B1': table 4 is outside 1..3"


def test_problems_name_participants_by_name_once_renamed():
    (problem,) = _problems(Problem(["a"], 2, [Participant("P1", "buyer"), Participant("P2", "supplier")],
                                   [Request("P1", "P2")], locked=[Meeting("P1", "P2", "a", 3, locked=True)]))
    assert problem.participants() == ("P1", "P2")
    named = problem.renamed({"P1": "示范集团", "P2": "苏州芯片"})
    assert str(named) == "locked #1 (示范集团, 苏州芯片, a, table 3): table 3 is outside 1..2"


def test_problems_of_the_file_shape_are_messages_too():
    problems = _file_problems({"slots": ["09:00", 7], "tables": "many",
                               "participants": [{"id": "B1", "role": "exhibitor", "unavailable": "09:00"}, 3],
                               "requests": [{"buyer": "B1", "supplier": "S1", "priority": "high"}]})
    assert [m.kind for m in problems] == ["not_a_slot_item", "not_whole_number", "unknown_role",
                                          "unavailable_not_list", "not_an_object", "not_a_number"]
    assert problems[2].fields == {"at": "participant 'B1'.role", "value": "exhibitor"}
    assert list(map(str, problems)) == [
        "slots: item #2 (7) is not a slot name",
        "tables: 'many' is not a whole number",
        "participant 'B1'.role: 'exhibitor' is not 'buyer' or 'supplier'",
        "participant 'B1'.unavailable: expected a list of slot names",
        "participant #2: expected an object with id and role",
        "request #1.priority: 'high' is not a number",
    ]
    assert _file_problems([]) == [Message("event_not_object")]
    assert list(map(str, _file_problems({}))) == [
        "slots: missing (expected a list)", "tables: missing (expected the number of tables)",
        "participants: missing (expected a list)", "requests: missing (expected a list)",
        "slots: the event needs at least one slot"]
