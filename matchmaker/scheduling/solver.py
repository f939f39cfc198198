"""The scheduler: relaxation, slot placement, exact MILP when small, report."""

from __future__ import annotations

import random
import time

import numpy as np

from .bounds import granularity, solve_relaxation
from .exact import exact_size, solve_exact
from .heuristic import build_schedule, idle_gaps, reduce_gaps
from .instance import Instance
from .lns import improve_by_windows
from .model import Meeting, Problem, ScheduleResult
from .report import diff_previous, unscheduled_reasons
from .state import State
from .tables import assign_tables
from .validate import validate

__all__ = ["EXACT_MAX_VARIABLES", "schedule"]

#: Events whose time-indexed model has at most this many variables are also
#: solved exactly (events up to ~60 requests always are).
EXACT_MAX_VARIABLES = 12000


def check_random_state(seed):
    """Return a ``random.Random`` from None, an int, or a generator."""
    if isinstance(seed, random.Random):
        return seed
    if isinstance(seed, np.random.Generator):
        return random.Random(int(seed.integers(2**63)))
    if seed is None or isinstance(seed, (int, np.integer)):
        return random.Random(None if seed is None else int(seed))
    raise TypeError(f"random_state must be None, an int or a generator, not {seed!r}")


def _better(a, b, tol):
    """Is (coverage, priority) ``a`` lexicographically better than ``b``?"""
    return a[0] > b[0] or (a[0] == b[0] and a[1] > b[1] + tol)


def _floor_if_integral(inst, bound):
    # With integer priorities no total lies strictly between two integers.
    if granularity(inst.rp) >= 1.0:
        return float(np.floor(bound + 1e-6))
    return bound


def build_result(inst, slot_of, *, upper_bound, coverage_bound, optimal, stats):
    """Turn ``{request: slot}`` into a ScheduleResult with tables, reasons, changes."""
    problem = inst.problem
    table_of = assign_tables(inst, slot_of)
    meetings = [
        Meeting(inst.requests[r].buyer, inst.requests[r].supplier, inst.slots[t],
                table_of[r], inst.requests[r].priority, r in inst.locked)
        for r, t in slot_of.items()
    ]
    meetings.sort(key=lambda m: (inst.sidx[m.slot], m.table))
    reasons = unscheduled_reasons(inst, slot_of)
    busy = {}
    for r, t in slot_of.items():
        for p in (inst.rb[r], inst.rs[r]):
            busy[p] = busy.get(p, 0) | 1 << t
    met = set(busy)
    stats = {**stats, "idle_gaps": sum(idle_gaps(m, inst.avail[p]) for p, m in busy.items())}
    total = float(sum(inst.rp[r] for r in slot_of))
    return ScheduleResult(
        meetings=meetings,
        unscheduled=reasons,
        total_priority=total,
        upper_bound=float(max(upper_bound, total)),
        participants_with_request=len(inst.with_request),
        participants_met=len(met),
        coverage_bound=int(max(coverage_bound, len(met))),
        optimal=optimal,
        changes=diff_previous(inst, meetings, reasons),
        stats=stats,
        warnings=list(problem.warnings),
    )


def schedule(problem: Problem, time_limit: float = 30.0, random_state=None) -> ScheduleResult:
    """Build a 1:1 meeting schedule for a matchmaking fair.

    The schedule meets as many participants (those named in a request) as
    possible, then holds as much total request priority as possible, then
    leaves as few idle gaps between a participant's meetings as it can.

    Parameters
    ----------
    problem : Problem
    time_limit : float
        Seconds to spend; the best schedule found by then is returned.
    random_state : None, int, random.Random or numpy Generator
        Seeds the tie-breaking of the repair search.

    Returns
    -------
    ScheduleResult
        ``upper_bound`` bounds the total priority of any schedule meeting
        as many participants; ``coverage_bound`` bounds the participants
        any schedule meets; ``optimal`` is True when both are reached.

    Raises
    ------
    InvalidEventError
        When the problem is inconsistent (every fault is listed).

    Notes
    -----
    A fixed table belongs to its buyer: no other meeting ever uses it, even
    in slots where that buyer is away.

    Bounds come from a slot-free relaxation (a min-cost flow plus Hall
    inequalities, solved by HiGHS). Slots are found by placing the requests
    that relaxation holds, hardest first, with ejection chains and repair.
    When the time-indexed model is small (``EXACT_MAX_VARIABLES``), it is
    solved exactly by ``scipy.optimize.milp``; otherwise, until the bounds
    are reached or time runs out, windows of slots and groups of buyers are
    re-solved exactly in turn with everything else held fixed.

    With ``problem.previous`` and ``allow_moves=False``, every published
    meeting whose request is still there and whose participants still
    attend that slot stays exactly in place; ``changes`` lists what moved,
    what was removed (with the reason) and what was added.
    """
    start = time.perf_counter()
    deadline = start + float(time_limit)
    rng = check_random_state(random_state)
    problem = validate(problem)
    inst = Instance(problem)
    tol = max(1e-6, 1e-9 * sum(inst.rp))
    relax = solve_relaxation(inst, time_limit=max(1.0, 0.4 * time_limit))
    relax_time = time.perf_counter() - start
    size = exact_size(inst)
    small = size <= EXACT_MAX_VARIABLES
    target = (relax.coverage, _floor_if_integral(inst, inst.pin_priority + relax.priority
                                                 + relax.slack))
    # Leave time for the exact model or the window search, idle gaps and the report.
    st = build_schedule(inst, relax.selected,
                        start + relax_time + 0.3 * (time_limit - relax_time), rng, target)
    method = "relaxation+repair"
    cov_bound = relax.coverage
    exact_bound = None  # (coverage it applies from, priority bound)
    if not (st.covered >= cov_bound and st.prio >= target[1] - tol):
        search_end = start + 0.85 * time_limit
        if small:
            ex = solve_exact(inst, max(1.0, search_end - time.perf_counter()),
                             coverage_known=st.covered if st.covered >= cov_bound else None)
            if ex is not None:
                ex_value = (ex.coverage, inst.pin_priority + ex.priority)
                if _better(ex_value, st.value(), tol):
                    method = "exact MILP"
                    st = State(inst, rng)
                    for r, t in ex.slot_of.items():
                        st.assign(r, t)
                    st.commit()
                cov_bound = min(cov_bound, ex.coverage_bound)
                exact_bound = (ex.bound_coverage, inst.pin_priority + ex.priority_bound)
        elif improve_by_windows(inst, st, search_end, target):
            method = "relaxation+repair+windows"
    coverage, priority = st.covered, st.prio
    upper = inst.pin_priority + relax.priority_bound(
        coverage, max(1.0, deadline - time.perf_counter()))
    if exact_bound is not None and coverage >= exact_bound[0]:
        upper = min(upper, exact_bound[1])
    reduce_gaps(st, start + 0.92 * time_limit)
    slot_of = {r: st.slot[r] for r in range(inst.R) if st.slot[r] >= 0}
    upper = _floor_if_integral(inst, upper)
    proven = coverage >= cov_bound and priority >= upper - tol
    stats = {
        "time": time.perf_counter() - start,
        "method": method,
        "relaxation_time": relax_time,
        "exact_variables": size,
        "proven_coverage": coverage >= cov_bound,
    }
    return build_result(inst, slot_of, upper_bound=upper, coverage_bound=cov_bound,
                        optimal=bool(proven), stats=stats)
