"""Every schedule respects every hard constraint of the event."""

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.scheduling import (
    Message,
    Participant,
    Problem,
    Request,
    check,
    greedy_schedule,
    schedule,
)

from .reference import events

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(events(max_slots=6, max_buyers=6, max_suppliers=10, max_requests=40), st.integers(0, 9))
def test_every_hard_constraint_holds(problem, seed):
    result = schedule(problem, time_limit=5, random_state=seed)
    assert check(problem, result.meetings) == []
    pmap = problem.participant_map()
    for m in result.meetings:
        assert m.slot not in pmap[m.buyer].unavailable
        assert m.slot not in pmap[m.supplier].unavailable
        if pmap[m.buyer].table is not None:
            assert m.table == pmap[m.buyer].table
    held = {(m.buyer, m.supplier, m.slot, m.table) for m in result.meetings}
    assert {(m.buyer, m.supplier, m.slot, m.table) for m in problem.locked} <= held
    assert all(m.locked for m in result.meetings
               if (m.buyer, m.supplier, m.slot, m.table) in
               {(x.buyer, x.supplier, x.slot, x.table) for x in problem.locked})


@SETTINGS
@given(events(max_slots=6, max_buyers=6, max_suppliers=10, max_requests=40))
def test_every_request_is_either_held_or_explained(problem):
    result = schedule(problem, time_limit=5)
    held = {m.key for m in result.meetings}
    left = {r.key for r, _ in result.unscheduled}
    assert held.isdisjoint(left)
    assert held | left == {r.key for r in problem.requests} | {m.key for m in problem.locked}
    assert all(reason for _, reason in result.unscheduled)
    assert result.total_priority == sum(m.priority for m in result.meetings)


@SETTINGS
@given(events(max_slots=6, max_buyers=6, max_suppliers=10, max_requests=40))
def test_greedy_baseline_is_valid_too(problem):
    assert check(problem, greedy_schedule(problem).meetings) == []


def test_fixed_table_belongs_to_its_buyer():
    # Table 1 is B1's; B2 must use table 2 even in slots where B1 is away.
    parts = [Participant("B1", "buyer", table=1, unavailable=frozenset({"a"})),
             Participant("B2", "buyer"), Participant("S1", "supplier"),
             Participant("S2", "supplier")]
    requests = [Request("B1", "S1"), Request("B2", "S2"), Request("B2", "S1")]
    problem = Problem(["a", "b"], 2, parts, requests)
    result = schedule(problem)
    assert check(problem, result.meetings) == []
    assert len(result.meetings) == 3
    assert {m.table for m in result.meetings if m.buyer == "B2"} == {2}
    assert [m.table for m in result.meetings if m.buyer == "B1"] == [1]


def test_buyers_sharing_a_fixed_table_never_meet_in_the_same_slot():
    parts = [Participant("B1", "buyer", table=1), Participant("B2", "buyer", table=1),
             Participant("S1", "supplier"), Participant("S2", "supplier")]
    requests = [Request("B1", "S1"), Request("B2", "S2")]
    problem = Problem(["a", "b"], 3, parts, requests)
    result = schedule(problem)
    assert check(problem, result.meetings) == []
    assert sorted(m.slot for m in result.meetings) == ["a", "b"]


def test_max_meetings_and_table_count_bind():
    parts = [Participant(f"B{i}", "buyer") for i in range(3)]
    parts += [Participant("S1", "supplier", max_meetings=2)]
    parts += [Participant(f"T{i}", "supplier") for i in range(3)]
    requests = [Request(f"B{i}", "S1", 3) for i in range(3)]
    requests += [Request(f"B{i}", f"T{i}", 1) for i in range(3)]
    problem = Problem(["a", "b"], 2, parts, requests)
    result = schedule(problem)
    assert check(problem, result.meetings) == []
    assert len(result.meetings) == 4  # two tables, two slots
    # All seven meet only if S1 gives up its second priority-3 meeting.
    assert result.participants_met == 7
    assert sum(m.supplier == "S1" for m in result.meetings) == 1
    assert result.total_priority == 6 and result.optimal
    relaxed = schedule(replace(problem, tables=3))
    assert sum(m.supplier == "S1" for m in relaxed.meetings) == 2
    assert relaxed.participants_met == 7 and relaxed.total_priority == 9


def test_locked_meeting_kept_even_when_it_costs_priority():
    parts = [Participant("B1", "buyer"), Participant("S1", "supplier"),
             Participant("S2", "supplier")]
    requests = [Request("B1", "S1", 1), Request("B1", "S2", 5)]
    problem = Problem(["a"], 1, parts, requests)
    base = schedule(problem)
    assert [m.supplier for m in base.meetings] == ["S2"]
    locked = replace(base.meetings[0], supplier="S1", priority=1, locked=True)
    result = schedule(replace(problem, locked=[locked]))
    assert [(m.supplier, m.locked) for m in result.meetings] == [("S1", True)]
    assert check(replace(problem, locked=[locked]), result.meetings) == []


def test_no_common_slot_is_explained():
    parts = [Participant("B1", "buyer", unavailable=frozenset({"a"})),
             Participant("S1", "supplier", unavailable=frozenset({"b"}))]
    problem = Problem(["a", "b"], 1, parts, [Request("B1", "S1")])
    result = schedule(problem)
    assert result.meetings == []
    assert result.unscheduled[0][1] == Message("no_shared_slot")
    assert str(result.unscheduled[0][1]) == "buyer and supplier share no free slot"
    assert result.coverage_bound == 0 and result.optimal


def test_idle_gaps_are_closed():
    # S1 meets three buyers; nothing forces a gap, so none is left.
    slots = ["a", "b", "c", "d", "e"]
    parts = [Participant(f"B{i}", "buyer") for i in range(3)] + [Participant("S1", "supplier")]
    parts[1] = Participant("B1", "buyer", unavailable=frozenset({"a", "b"}))
    problem = Problem(slots, 3, parts, [Request(f"B{i}", "S1") for i in range(3)])
    result = schedule(problem, random_state=3)
    used = sorted(slots.index(m.slot) for m in result.meetings)
    assert len(used) == 3 and used[-1] - used[0] == 2
