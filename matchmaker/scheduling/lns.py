"""Large-neighbourhood search: re-solve a few slots exactly, keep the rest.

When an event is too large for the exact model, pick a window of slots
small enough for the MILP, pin every meeting outside it, and let HiGHS
rearrange everything inside (which requests, which slot). The current
meetings in the window are a feasible answer, so a finished solve never
makes the schedule worse; chains of moves that local repair cannot find
(a supplier displaced here, covered there) come out of one solve.
"""

from __future__ import annotations

import time

from .exact import solve_weighted
from .instance import bits

__all__ = ["improve_by_windows"]


def _sizes(inst):
    per_slot = [0] * inst.T
    per_buyer = [0] * len(inst.pid)
    for r in range(inst.R):
        if inst.A[r] and inst.cap[inst.rb[r]] > 0 and inst.cap[inst.rs[r]] > 0:
            per_buyer[inst.rb[r]] += inst.A[r].bit_count()
            for t in bits(inst.A[r]):
                per_slot[t] += 1
    return per_slot, per_buyer


def _pick(sizes, order, max_vars):
    chosen, total = [], 0
    for i in order:
        if chosen and total + sizes[i] > max_vars:
            continue
        chosen.append(i)
        total += sizes[i]
    return chosen


def improve_by_windows(inst, st, deadline, target, *, max_vars=25000, solve_time=8.0):
    """Improve the State ``st`` in place until ``deadline`` or ``target``.

    Neighbourhoods alternate between a window of slots (all buyers) and a
    group of buyers (all slots). Returns the number that improved the
    schedule.
    """
    per_slot, per_buyer = _sizes(inst)
    buyers = [b for b in range(len(inst.pid)) if inst.is_buyer[b] and per_buyer[b]]
    rng = st.rng
    improved = 0
    stale = 0
    rounds = 0
    while True:
        left = deadline - time.perf_counter()
        if left < 0.5 or (st.covered >= target[0] and st.prio >= target[1] - 1e-6):
            break
        rounds += 1
        if rounds % 2:
            order = list(range(inst.T))
            rng.shuffle(order)
            window, group = 0, None
            for t in _pick(per_slot, order, max_vars):
                window |= 1 << t
        else:
            order = list(buyers)
            rng.shuffle(order)
            window = inst.full
            group = set(_pick(per_buyer, order, max_vars))
        slot_of = {r: st.slot[r] for r in range(inst.R) if st.slot[r] >= 0}
        sub = inst.restricted(slot_of, window, group)
        found = solve_weighted(sub, min(solve_time, left))
        if found is not None:
            new_slots, coverage, free_priority = found
            value = (coverage, sub.pin_priority + free_priority)
            if value[0] > st.covered or (value[0] == st.covered and value[1] > st.prio + 1e-6):
                for r, t in slot_of.items():
                    if st.movable[r] and sub.pins.get(r) is None:
                        st.unassign(r)
                for r, t in new_slots.items():
                    st.assign(r, t)
                st.commit()
                improved += 1
                stale = 0
                continue
        stale += 1
        if stale >= 8:
            break
    return improved
