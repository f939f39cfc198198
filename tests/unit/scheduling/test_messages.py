"""The scheduler explains itself as data: a stable kind, named fields, an English str()."""

import json

import pytest

from matchmaker.scheduling import (
    Meeting,
    Message,
    Participant,
    Problem,
    Request,
    schedule,
)
from matchmaker.scheduling.messages import KINDS


def test_left_out_requests_carry_kind_and_fields():
    parts = [Participant("B1", "buyer"), Participant("B2", "buyer"),
             Participant("S1", "supplier", max_meetings=1),
             Participant("S2", "supplier", unavailable=frozenset({"a", "b"}))]
    problem = Problem(["a", "b"], 2, parts, [Request("B1", "S1", 3), Request("B2", "S1", 1),
                                               Request("B1", "S2")])
    result = schedule(problem, random_state=0)
    reasons = {r.key: m for r, m in result.unscheduled}
    assert reasons == {
        ("B2", "S1"): Message("max_meetings", {"role": "supplier", "participant": "S1", "limit": 1}),
        ("B1", "S2"): Message("no_shared_slot"),
    }
    assert str(reasons[("B2", "S1")]) == "supplier reached max_meetings (1)"
    assert reasons[("B2", "S1")]["limit"] == 1
    assert reasons[("B2", "S1")].participants() == ("S1",)


def test_a_full_schedule_names_the_side_that_is_full():
    parts = [Participant("B1", "buyer"), Participant("S1", "supplier"), Participant("S2", "supplier")]
    problem = Problem(["a"], 2, parts, [Request("B1", "S1", 3), Request("B1", "S2", 1)])
    (_, message), = schedule(problem).unscheduled
    assert message == Message("schedule_full", {"role": "buyer", "participant": "B1"})
    assert str(message) == "buyer's schedule is full"


def test_changes_to_a_published_schedule_say_why():
    # B9 has left the fair and S2 can no longer come at "a".
    parts = [Participant("B1", "buyer", table=1), Participant("B2", "buyer"),
             Participant("S1", "supplier"), Participant("S2", "supplier", unavailable=frozenset({"a"}))]
    previous = [Meeting("B1", "S1", "a", 1), Meeting("B2", "S2", "a", 2), Meeting("B9", "S2", "b", 2)]
    problem = Problem(["a", "b"], 2, parts, [Request("B1", "S1"), Request("B2", "S2")],
                      previous=previous, allow_moves=False)
    changes = {(c.kind, c.buyer, c.supplier): c.reason for c in schedule(problem).changes}
    assert changes == {
        ("removed", "B9", "S2"): Message("participant_left", {"participant": "B9"}),
        ("moved", "B2", "S2"): Message("participant_unavailable", {"participant": "S2", "slot": "a"}),
    }
    assert str(changes[("removed", "B9", "S2")]) == "B9 is no longer in the event"


def test_an_added_meeting_has_no_reason():
    parts = [Participant("B1", "buyer"), Participant("S1", "supplier"), Participant("S2", "supplier")]
    problem = Problem(["a", "b"], 1, parts, [Request("B1", "S1"), Request("B1", "S2")],
                      previous=[Meeting("B1", "S1", "a", 1)], allow_moves=False)
    added = [c for c in schedule(problem).changes if c.kind == "added"]
    assert [(c.supplier, c.reason) for c in added] == [("S2", None)]


def test_warnings_are_messages_and_duplicates_collapse():
    parts = [Participant("B1", "buyer", table=1), Participant("B2", "buyer", table=1),
             Participant("S1", "supplier")]
    problem = Problem(["a"], 1, parts, [Request("B1", "S1", 2), Request("B1", "S1", 1)])
    result = schedule(problem)
    assert result.warnings == [
        Message("shared_table", {"table": 1, "buyers": ("B1", "B2")}),
        Message("duplicate_request", {"buyer": "B1", "supplier": "S1", "count": 2, "priority": 2}),
    ]


def test_messages_survive_json_and_stay_hashable():
    message = Message("shared_table", {"table": 3, "buyers": ["B1", "B2"]})
    again = Message.from_dict(json.loads(json.dumps(message.to_dict())))
    assert again == message and hash(again) == hash(message)
    assert again.to_dict() == {"kind": "shared_table", "fields": {"table": 3, "buyers": ["B1", "B2"]}}
    assert len({message, again}) == 1


def test_renamed_replaces_participant_ids_only():
    message = Message("duplicate_request", {"buyer": "P1", "supplier": "P2", "count": 2, "priority": 1.5})
    named = message.renamed({"P1": "示范集团", "P2": "苏州芯片"})
    assert named.fields == {"buyer": "示范集团", "supplier": "苏州芯片", "count": 2, "priority": 1.5}
    assert str(named) == ("request (示范集团, 苏州芯片) is listed 2 times; "
                          "kept once with the highest priority, 1.5")
    role = Message("busy", {"role": "buyer", "participant": "P1", "kept": "priority"})
    assert role.renamed({"P1": "示范集团", "buyer": "x"}).fields == {
        "role": "buyer", "participant": "示范集团", "kept": "priority"}
    assert str(role) == "buyer is busy in every slot they share; lower priority than the meetings kept"


def test_unknown_kinds_are_refused():
    with pytest.raises(ValueError, match="unknown scheduler message kind 'nope'"):
        Message("nope")


#: A value for every field any kind reads.
ALL_FIELDS = {"role": "buyer", "participant": "P1", "limit": 2, "table": 4, "slot": "09:00",
              "buyers": ("P1", "P2"), "buyer": "P1", "supplier": "P2", "count": 2, "priority": 3,
              "record": "locked", "index": 2, "tables": 10, "value": "many", "slots": ("08:00",),
              "fixed_table": 3, "at": "participant #1.table", "type": "str", "keys": ("id", "role"),
              "minimum": 1}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_an_english_sentence(kind):
    text = str(Message(kind, ALL_FIELDS))
    assert text and "{" not in text
