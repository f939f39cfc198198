"""The schedule is the best possible: coverage first, then total priority."""

from hypothesis import HealthCheck, given, settings

from matchmaker.scheduling import (
    Participant,
    Problem,
    Request,
    check,
    greedy_schedule,
    schedule,
)

from .reference import brute_force_coverage, events, reference_optimum

SETTINGS = settings(max_examples=150, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(events())
def test_small_events_match_the_exact_milp(problem):
    result = schedule(problem, time_limit=10, random_state=0)
    coverage, priority = reference_optimum(problem)
    assert check(problem, result.meetings) == []
    assert result.participants_met == coverage
    assert abs(result.total_priority - priority) < 1e-6
    assert result.optimal


@SETTINGS
@given(events(max_slots=3, max_buyers=3, max_suppliers=3, fixed=False, locked=False))
def test_coverage_equals_brute_force_maximum(problem):
    result = schedule(problem, time_limit=10, random_state=1)
    assert result.participants_met == brute_force_coverage(problem)
    assert result.coverage_bound >= result.participants_met


@SETTINGS
@given(events())
def test_bounds_are_never_below_the_schedule(problem):
    result = schedule(problem, time_limit=10)
    assert result.upper_bound >= result.total_priority - 1e-9
    assert result.coverage_bound >= result.participants_met
    assert result.participants_met <= result.participants_with_request


def _starving_fair():
    # B1 is there for one slot only and S1 is its favourite; greedy gives
    # that slot to S1, although S1 could meet B2, and S2 never sits down.
    parts = [Participant("B1", "buyer", unavailable=frozenset({"09:20"})),
             Participant("B2", "buyer"),
             Participant("S1", "supplier"), Participant("S2", "supplier")]
    requests = [Request("B1", "S1", 3), Request("B1", "S2", 1), Request("B2", "S1", 1)]
    return Problem(["09:00", "09:20"], 2, parts, requests)


def test_greedy_starves_a_supplier_and_the_scheduler_does_not():
    problem = _starving_fair()
    greedy = greedy_schedule(problem)
    ours = schedule(problem, random_state=0)
    greedy_met = {p for m in greedy.meetings for p in (m.buyer, m.supplier)}
    ours_met = {p for m in ours.meetings for p in (m.buyer, m.supplier)}
    assert "S2" not in greedy_met
    assert ours_met == {"B1", "B2", "S1", "S2"}
    assert ours.participants_met == ours.coverage_bound == 4
    # Meeting everyone costs priority: S1 meets B2 instead of B1.
    assert ours.total_priority == 2
    assert ours.optimal
    assert check(problem, ours.meetings) == []


def test_priority_decides_once_coverage_is_settled():
    parts = [Participant("B1", "buyer"), Participant("S1", "supplier"),
             Participant("S2", "supplier", max_meetings=1)]
    requests = [Request("B1", "S1", 1), Request("B1", "S2", 5)]
    problem = Problem(["a", "b"], 1, parts, requests)
    result = schedule(problem)
    assert {m.supplier for m in result.meetings} == {"S1", "S2"}
    assert result.total_priority == 6
