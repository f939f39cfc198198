"""Place requests into slots: relaxation first, then repair and improve.

1. Published meetings (when moves are allowed) take back their slot; then
   the requests the slot-free relaxation holds are placed hardest first
   (those whose endpoint has no other chosen request, then fewest common
   free slots), moving earlier meetings along ejection chains when needed.
2. Participants still without a meeting get one of their requests, even if
   that drops other meetings, whenever more participants end up met.
3. Every request still out is tried, the most valuable first.
4. Requests worth more than a meeting blocking them replace it.
5. Published meetings that moved go back to their slot wherever that is
   free or can be freed by a swap.
6. Idle gaps between a participant's meetings are closed by moving single
   meetings and by swapping two meetings of the same buyer.
"""

from __future__ import annotations

import time

from .instance import bits
from .state import State

__all__ = ["build_schedule", "idle_gaps", "reduce_gaps"]


def idle_gaps(busy, avail):
    """Slots a participant attends, between their first and last meeting, without a meeting."""
    if not busy:
        return 0
    low = busy & -busy
    span = (1 << busy.bit_length()) - low
    return (span & avail & ~busy).bit_count()


class _Clock:
    def __init__(self, deadline):
        self.deadline = deadline
        self.ticks = 0

    def out(self):
        self.ticks += 1
        return (self.ticks & 63) == 0 and time.perf_counter() > self.deadline

    def now_out(self):
        return time.perf_counter() > self.deadline


def _requests_of(inst):
    out = [[] for _ in inst.pid]
    for r in range(inst.R):
        if inst.A[r]:
            out[inst.rb[r]].append(r)
            out[inst.rs[r]].append(r)
    return out


def _place_selected(st, selected, clock):
    inst = st.inst
    # Published meetings first take back their slot; they may still be
    # moved by later ejection chains.
    for r in selected:
        hint = inst.hints.get(r)
        if hint is not None and st.free_mask(r) >> hint[0] & 1:
            st.assign(r, hint[0])
    st.commit()
    cover = _edge_cover(st, selected)

    def key(r):
        return (r not in cover, inst.A[r].bit_count(), -inst.rp[r])

    for r in sorted((r for r in selected if st.slot[r] < 0), key=key):
        st.insert(r, 2)
        st.commit()
        if clock.out():
            return


def _edge_cover(st, selected):
    """One selected request per participant still without a meeting,
    sharing requests between two such participants where possible: these
    are placed first, so that slots go to meeting everyone before they go
    to priority."""
    inst = st.inst
    by_part = {}
    for r in selected:
        for p in (inst.rb[r], inst.rs[r]):
            by_part.setdefault(p, []).append(r)
    cover, done = set(), set()
    for p in sorted(by_part, key=lambda p: len(by_part[p])):
        if st.cnt[p] or p in done:
            continue
        options = by_part[p]
        both = [r for r in options
                if not ({inst.rb[r], inst.rs[r]} - {p}) & done
                and not st.cnt[inst.rs[r] if inst.rb[r] == p else inst.rb[r]]]
        r = min(both or options, key=lambda r: inst.A[r].bit_count())
        cover.add(r)
        done.update((inst.rb[r], inst.rs[r]))
    return cover


def _cover_missing(st, reqs, clock):
    inst = st.inst
    improved = False
    for p in inst.with_request:
        if st.cnt[p] or inst.cap[p] <= 0:
            continue
        options = sorted(reqs[p], key=lambda r: -inst.rp[r])
        for r in options:
            if st.insert(r, 2):
                improved = True
                break
        else:
            for r in options:
                if st.swap_in(r):
                    improved = True
                    break
        st.commit()
        if clock.out():
            break
    return improved


def _gain(st, r):
    inst = st.inst
    return (st.cnt[inst.rb[r]] == 0) + (st.cnt[inst.rs[r]] == 0)


def _fill(st, depth, clock):
    inst = st.inst
    order = sorted((r for r in range(inst.R) if st.slot[r] < 0 and inst.A[r]),
                   key=lambda r: (-_gain(st, r), -inst.rp[r], inst.A[r].bit_count()))
    for r in order:
        if st.slot[r] < 0:
            st.insert(r, depth)
            st.commit()
        if clock.out():
            return


def _cheapest_nearby(st, r):
    inst = st.inst
    low = float("inf")
    for p in (inst.rb[r], inst.rs[r]):
        for o in st.occ[p].values():
            if st.movable[o] and inst.rp[o] < low:
                low = inst.rp[o]
    return low


def _swaps(st, clock):
    inst = st.inst
    improved = False
    order = sorted((r for r in range(inst.R) if st.slot[r] < 0 and inst.A[r]),
                   key=lambda r: (-_gain(st, r), -inst.rp[r]))
    for r in order:
        if st.slot[r] >= 0:
            continue
        if not _gain(st, r) and inst.rp[r] <= _cheapest_nearby(st, r):
            continue
        if st.swap_in(r):
            improved = True
        st.commit()
        if clock.out():
            break
    return improved


def build_schedule(inst, selected, deadline, rng, target=None) -> State:
    """Return a State holding a schedule of ``inst``, starting from ``selected``.

    ``target`` is a (coverage, priority) no schedule can beat; the search
    stops as soon as it is reached.
    """
    clock = _Clock(deadline)
    st = State(inst, rng)

    def done():
        if clock.now_out():
            return True
        return target is not None and st.covered >= target[0] and st.prio >= target[1] - 1e-6

    _place_selected(st, selected, clock)
    reqs = _requests_of(inst)
    if not done():
        _cover_missing(st, reqs, clock)
    if not done():
        _fill(st, 2, clock)
    for _round in range(4):
        if done():
            break
        changed = _cover_missing(st, reqs, clock)
        changed |= _swaps(st, clock)
        if not changed:
            break
        _fill(st, 1, clock)
    if not done():
        _fill(st, 0, clock)
    restore_published(st)
    return st


def restore_published(st):
    """Move published meetings back to their published slot where that is
    free, or where the meeting holding it can take their place instead."""
    inst = st.inst
    for r, (hint, _table) in inst.hints.items():
        t = st.slot[r]
        if t < 0 or t == hint or not st.movable[r]:
            continue
        b, s = inst.rb[r], inst.rs[r]
        mark = len(st.log)
        st.unassign(r)
        if st.free_mask(r) >> hint & 1:
            st.assign(r, hint)
            continue
        others = {st.occ[p].get(hint) for p in (b, s)} - {None}
        if len(others) == 1:
            o = others.pop()
            if st.movable[o] and inst.hints.get(o, (-1,))[0] != hint:
                st.unassign(o)
                fits = st.free_mask(r) >> hint & 1
                if fits:
                    st.assign(r, hint)
                    if st.free_mask(o) >> t & 1:
                        st.assign(o, t)
                        continue
        st.rollback(mark)
    st.commit()


def _move_gain(st, r, t2):
    inst = st.inst
    t = st.slot[r]
    delta = 0
    for p in (inst.rb[r], inst.rs[r]):
        busy = st.busy[p]
        after = (busy & ~(1 << t)) | (1 << t2)
        delta += idle_gaps(after, inst.avail[p]) - idle_gaps(busy, inst.avail[p])
    return delta


def _try_move(st, r):
    inst = st.inst
    b, s = inst.rb[r], inst.rs[r]
    k = inst.fixed[b]
    mask = inst.A[r] & ~st.busy[b] & ~st.busy[s]
    mask &= ~(st.fl_full if k is None else st.tbusy[k])
    best, best_t = 0, -1
    for t2 in bits(mask):
        d = _move_gain(st, r, t2)
        if d < best:
            best, best_t = d, t2
    if best_t < 0:
        return False
    st.unassign(r)
    st.assign(r, best_t)
    return True


def _total_gaps(st, parts):
    inst = st.inst
    return sum(idle_gaps(st.busy[p], inst.avail[p]) for p in parts)


def _try_exchange(st, r1, r2):
    """Swap the slots of two meetings of the same buyer if gaps shrink."""
    inst = st.inst
    t1, t2 = st.slot[r1], st.slot[r2]
    s1, s2 = inst.rs[r1], inst.rs[r2]
    if not (inst.A[r1] >> t2 & 1 and inst.A[r2] >> t1 & 1):
        return False
    if st.busy[s1] >> t2 & 1 or st.busy[s2] >> t1 & 1:
        return False
    parts = (s1, s2)
    before = _total_gaps(st, parts)
    mark = len(st.log)
    st.unassign(r1)
    st.unassign(r2)
    st.assign(r1, t2)
    st.assign(r2, t1)
    if _total_gaps(st, parts) < before:
        return True
    st.rollback(mark)
    return False


def reduce_gaps(st, deadline, passes=3):
    """Move meetings to close idle gaps; coverage and priority never change."""
    clock = _Clock(deadline)
    inst = st.inst
    for _ in range(passes):
        changed = False
        placed = [r for r in range(inst.R) if st.slot[r] >= 0 and st.movable[r]
                  and inst.hints.get(r, (-1,))[0] != st.slot[r]]
        for r in placed:
            b, s = inst.rb[r], inst.rs[r]
            if idle_gaps(st.busy[b], inst.avail[b]) or idle_gaps(st.busy[s], inst.avail[s]):
                changed |= _try_move(st, r)
            if clock.out():
                st.commit()
                return
        by_buyer = {}
        for r in placed:
            by_buyer.setdefault(inst.rb[r], []).append(r)
        for rs in by_buyer.values():
            for i, r1 in enumerate(rs):
                s1 = inst.rs[r1]
                if not idle_gaps(st.busy[s1], inst.avail[s1]):
                    continue
                for r2 in rs[i + 1:]:
                    if _try_exchange(st, r1, r2):
                        changed = True
                        break
                if clock.out():
                    st.commit()
                    return
        st.commit()
        if not changed:
            return
