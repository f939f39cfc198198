"""A partial schedule (request -> slot) with undoable moves.

Tables are not tracked one by one here: floating tables are a count per
slot and a fixed table is one more resource its buyers share. Which table
number a meeting gets is decided once slots are final (see ``tables``).
"""

from __future__ import annotations

from .instance import bits

__all__ = ["State"]


class State:
    """Slots of the requests placed so far, with an undo log.

    Pinned meetings are placed at construction and never move.
    """

    def __init__(self, inst, rng):
        self.inst = inst
        self.rng = rng
        n = len(inst.pid)
        self.busy = [0] * n
        self.occ = [{} for _ in range(n)]
        self.cnt = [0] * n
        self.slot = [-1] * inst.R
        self.fl_left = [len(inst.floating)] * inst.T
        self.fl_full = 0
        self.fl_at = [set() for _ in range(inst.T)]
        self.tbusy = {k: 0 for k in inst.owned}
        self.tocc = {k: {} for k in inst.owned}
        self.movable = [r not in inst.pins for r in range(inst.R)]
        self.covered = 0
        self.prio = 0.0
        self.log = []
        for t in range(inst.T):
            if self.fl_left[t] <= 0:
                self.fl_full |= 1 << t
        for r, (t, _table) in inst.pins.items():
            self.assign(r, t)
        self.log.clear()

    # -- primitive moves (logged) -------------------------------------------
    def assign(self, r, t):
        inst = self.inst
        bit = 1 << t
        for p in (inst.rb[r], inst.rs[r]):
            self.busy[p] |= bit
            self.occ[p][t] = r
            if self.cnt[p] == 0:
                self.covered += 1
            self.cnt[p] += 1
        k = inst.fixed[inst.rb[r]]
        if k is None:
            self.fl_left[t] -= 1
            if self.fl_left[t] <= 0:
                self.fl_full |= bit
            if self.movable[r]:
                self.fl_at[t].add(r)
        else:
            self.tbusy[k] |= bit
            self.tocc[k][t] = r
        self.slot[r] = t
        self.prio += inst.rp[r]
        self.log.append((r, -1))

    def unassign(self, r):
        inst = self.inst
        t = self.slot[r]
        bit = 1 << t
        for p in (inst.rb[r], inst.rs[r]):
            self.busy[p] &= ~bit
            del self.occ[p][t]
            self.cnt[p] -= 1
            if self.cnt[p] == 0:
                self.covered -= 1
        k = inst.fixed[inst.rb[r]]
        if k is None:
            self.fl_left[t] += 1
            self.fl_full &= ~bit
            self.fl_at[t].discard(r)
        else:
            self.tbusy[k] &= ~bit
            del self.tocc[k][t]
        self.slot[r] = -1
        self.prio -= inst.rp[r]
        self.log.append((r, t))

    def rollback(self, mark):
        log = self.log
        while len(log) > mark:
            r, t = log.pop()
            if t < 0:
                self.unassign(r)
            else:
                self.assign(r, t)
            log.pop()

    def commit(self):
        """Forget the undo log (after a move is accepted for good)."""
        self.log.clear()

    # -- queries ------------------------------------------------------------
    def value(self):
        return (self.covered, self.prio)

    def can_move(self, r, frozen):
        return self.movable[r] and r not in frozen

    def free_mask(self, r):
        inst = self.inst
        b, s = inst.rb[r], inst.rs[r]
        if self.cnt[b] >= inst.limit[b] or self.cnt[s] >= inst.limit[s]:
            return 0
        m = inst.A[r] & ~self.busy[b] & ~self.busy[s]
        k = inst.fixed[b]
        return m & ~(self.fl_full if k is None else self.tbusy[k])

    def pick(self, r, mask):
        """Choose a slot in ``mask``: the published one, else one next to
        meetings the pair already has (fewer idle gaps), else the slot with
        the most tables left."""
        inst = self.inst
        hint = inst.hints.get(r)
        if hint is not None and mask >> hint[0] & 1:
            return hint[0]
        b, s = inst.rb[r], inst.rs[r]
        nb = (self.busy[b] << 1) | (self.busy[b] >> 1)
        ns = (self.busy[s] << 1) | (self.busy[s] >> 1)
        for pref in (mask & nb & ns, mask & ns, mask & nb):
            if pref:
                mask = pref
                break
        best, best_left = -1, -1
        for t in bits(mask):
            left = self.fl_left[t]
            if left > best_left:
                best, best_left = t, left
        return best

    # -- insertion with ejection chains -------------------------------------
    def _leaver(self, t, frozen):
        """A floating meeting in slot ``t`` that can move to another slot now."""
        for o in self.fl_at[t]:
            if self.can_move(o, frozen) and self.free_mask(o):
                return o
        return None

    def _blockers(self, r, t, frozen):
        inst = self.inst
        b = inst.rb[r]
        out = []
        for p in (b, inst.rs[r]):
            o = self.occ[p].get(t)
            if o is not None:
                if not self.can_move(o, frozen):
                    return None
                if o not in out:
                    out.append(o)
        k = inst.fixed[b]
        if k is not None:
            o = self.tocc[k].get(t)
            if o is not None and o not in out:
                if not self.can_move(o, frozen):
                    return None
                out.append(o)
        elif self.fl_left[t] <= 0 and not any(inst.fixed[inst.rb[o]] is None for o in out):
            o = self._leaver(t, frozen)
            if o is None:
                return None
            out.append(o)
        return out

    def insert(self, r, depth=2, frozen=frozenset()):
        """Place ``r``, moving (never dropping) other meetings if needed."""
        m = self.free_mask(r)
        if m:
            self.assign(r, self.pick(r, m))
            return True
        if depth <= 0:
            return False
        inst = self.inst
        b, s = inst.rb[r], inst.rs[r]
        if self.cnt[b] >= inst.limit[b] or self.cnt[s] >= inst.limit[s]:
            return False
        # Moving meetings never frees a participant who is busy in every
        # slot they attend.
        if not inst.avail[b] & ~self.busy[b] or not inst.avail[s] & ~self.busy[s]:
            return False
        order = list(bits(inst.A[r]))
        self.rng.shuffle(order)
        inner = frozen | {r}
        for t in order:
            blockers = self._blockers(r, t, frozen)
            if not blockers:
                continue
            mark = len(self.log)
            for o in blockers:
                self.unassign(o)
            if not self.free_mask(r) >> t & 1:
                self.rollback(mark)
                continue
            self.assign(r, t)
            if all(self.insert(o, depth - 1, inner) for o in blockers):
                return True
            self.rollback(mark)
        return False

    def swap_in(self, r, protect=frozenset()):
        """Place ``r`` even if that drops other meetings, when the schedule
        gets better: more participants met, else more total priority.

        Returns True when the schedule improved (and keeps the change).
        """
        inst = self.inst
        b, s = inst.rb[r], inst.rs[r]
        before = self.value()
        order = list(bits(inst.A[r]))
        self.rng.shuffle(order)
        for t in order:
            blockers = self._blockers(r, t, protect)
            if blockers is None:
                continue
            mark = len(self.log)
            for o in blockers:
                self.unassign(o)
            for p in (b, s):
                if self.cnt[p] >= inst.limit[p]:
                    cheapest = min((o for o in self.occ[p].values() if self.can_move(o, protect)),
                                   key=lambda o: inst.rp[o], default=None)
                    if cheapest is None:
                        break
                    blockers.append(cheapest)
                    self.unassign(cheapest)
            if not self.free_mask(r) >> t & 1:
                self.rollback(mark)
                continue
            self.assign(r, t)
            inner = protect | {r}
            for o in blockers:
                self.insert(o, 1, inner)
            cov, prio = self.value()
            if cov > before[0] or (cov == before[0] and prio > before[1] + 1e-9):
                return True
            self.rollback(mark)
        return False
