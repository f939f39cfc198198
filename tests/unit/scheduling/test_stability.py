"""Re-running a published schedule keeps what can be kept and reports changes."""

from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.scheduling import (
    Message,
    Participant,
    Problem,
    Request,
    check,
    schedule,
)

from .reference import events

SETTINGS = settings(max_examples=100, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def republished(draw):
    """An event, its published schedule, and the event as it changed since."""
    problem = draw(events(max_slots=5, max_buyers=5, max_suppliers=8, max_requests=30))
    published = schedule(problem, time_limit=5, random_state=0).meetings
    drop = draw(st.sets(st.sampled_from([r.key for r in problem.requests] or [None])))
    requests = [r for r in problem.requests if r.key not in drop]
    parts = []
    for p in problem.participants:
        away = draw(st.frozensets(st.sampled_from(problem.slots), max_size=1))
        parts.append(replace(p, unavailable=p.unavailable | away))
    extra = draw(st.lists(st.tuples(st.sampled_from([p.id for p in parts if p.role == "buyer"]),
                                    st.sampled_from(["N1", "N2"]), st.integers(1, 3)),
                          max_size=4, unique_by=lambda x: x[:2]))
    parts += [Participant("N1", "supplier"), Participant("N2", "supplier")]
    requests += [Request(b, s, p) for b, s, p in extra]
    locked = [m for m in problem.locked
              if m.key not in drop and not any(m.slot in q.unavailable for q in parts
                                               if q.id in m.key)]
    changed = replace(problem, participants=parts, requests=requests, locked=locked,
                      previous=published)
    return changed, published


def _still_valid(problem, m):
    pmap = problem.participant_map()
    keys = {r.key for r in problem.requests} | {x.key for x in problem.locked}
    return (m.key in keys and m.slot not in pmap[m.buyer].unavailable
            and m.slot not in pmap[m.supplier].unavailable)


@SETTINGS
@given(republished())
def test_no_moves_keeps_every_published_meeting_still_valid(case):
    problem, published = case
    result = schedule(replace(problem, allow_moves=False), time_limit=5, random_state=1)
    assert check(problem, result.meetings) == []
    held = {(m.buyer, m.supplier, m.slot, m.table) for m in result.meetings}
    for m in published:
        if _still_valid(problem, m):
            assert (m.buyer, m.supplier, m.slot, m.table) in held
    for c in result.changes:
        if c.kind == "moved":
            # Only a meeting that could not stay is given a new place.
            assert not _still_valid(problem, c.before)


@SETTINGS
@given(republished(), st.booleans())
def test_changes_list_exactly_what_differs(case, allow_moves):
    problem, published = case
    result = schedule(replace(problem, allow_moves=allow_moves), time_limit=5, random_state=2)
    if not published:
        # Nothing was published: there is nothing to compare with.
        assert result.changes == []
        return
    before = {m.key: (m.slot, m.table) for m in published}
    after = {m.key: (m.slot, m.table) for m in result.meetings}
    expected = {("removed", k) for k in before if k not in after}
    expected |= {("added", k) for k in after if k not in before}
    expected |= {("moved", k) for k in before if k in after and before[k] != after[k]}
    assert {(c.kind, (c.buyer, c.supplier)) for c in result.changes} == expected
    for c in result.changes:
        if c.kind == "removed":
            assert c.reason
            if not _still_valid(problem, c.before):
                assert result.participants_met <= result.coverage_bound


def test_withdrawn_request_and_new_absence_are_the_reasons_given():
    parts = [Participant("B1", "buyer"), Participant("S1", "supplier"),
             Participant("S2", "supplier")]
    problem = Problem(["a", "b"], 1, parts, [Request("B1", "S1"), Request("B1", "S2")])
    published = schedule(problem).meetings
    assert len(published) == 2
    slot_s2 = next(m.slot for m in published if m.supplier == "S2")
    parts[2] = Participant("S2", "supplier", unavailable=frozenset({slot_s2}))
    again = replace(problem, participants=parts, requests=[Request("B1", "S2")],
                    previous=published, allow_moves=False)
    result = schedule(again)
    reasons = {c.supplier: (c.kind, c.reason) for c in result.changes}
    assert reasons == {"S1": ("removed", Message("request_withdrawn")),
                       "S2": ("moved", Message("participant_unavailable",
                                               {"participant": "S2", "slot": slot_s2}))}
    assert str(reasons["S2"][1]) == f"S2 is now unavailable in {slot_s2}"
    # The meeting that could not stay takes the slot S1 freed.
    assert [(m.supplier, m.slot) for m in result.meetings] == [("S2", "ab".replace(slot_s2, ""))]


def test_moves_allowed_still_prefers_the_published_slots():
    parts = [Participant(f"B{i}", "buyer") for i in range(3)]
    parts += [Participant(f"S{i}", "supplier") for i in range(3)]
    requests = [Request(f"B{i}", f"S{j}") for i in range(3) for j in range(3)]
    problem = Problem(["a", "b", "c"], 3, parts, requests)
    published = schedule(problem, random_state=5).meetings
    rerun = schedule(replace(problem, previous=published), random_state=9)
    assert rerun.changes == []
    assert rerun.optimal
