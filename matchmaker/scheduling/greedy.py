"""The baseline organisers use by hand: best requests first, first slot that fits."""

from __future__ import annotations

import random
import time

from .bounds import solve_relaxation
from .instance import Instance
from .model import Problem, ScheduleResult
from .solver import build_result
from .state import State
from .validate import validate

__all__ = ["greedy_schedule"]


def greedy_schedule(problem: Problem, bounds: bool = False) -> ScheduleResult:
    """Schedule requests by decreasing priority, each in the first slot and
    table free for both sides; nothing already placed ever moves.

    Parameters
    ----------
    problem : Problem
    bounds : bool
        Also compute ``upper_bound`` and ``coverage_bound`` (one linear
        program); otherwise they are set to the schedule's own values.

    Returns
    -------
    ScheduleResult
    """
    start = time.perf_counter()
    problem = validate(problem)
    inst = Instance(problem)
    st = State(inst, random.Random(0))
    order = sorted((r for r in range(inst.R) if r not in inst.pins), key=lambda r: -inst.rp[r])
    for r in order:
        mask = st.free_mask(r)
        if mask:
            st.assign(r, (mask & -mask).bit_length() - 1)
    st.commit()
    slot_of = {r: st.slot[r] for r in range(inst.R) if st.slot[r] >= 0}
    upper, cov_bound = st.prio, st.covered
    if bounds:
        relax = solve_relaxation(inst)
        cov_bound = relax.coverage
        upper = inst.pin_priority + relax.priority_bound(st.covered)
    stats = {"time": time.perf_counter() - start, "method": "greedy"}
    return build_result(inst, slot_of, upper_bound=upper, coverage_bound=cov_bound,
                        optimal=False, stats=stats)
