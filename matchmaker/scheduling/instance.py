"""Index a validated Problem into integer arrays and slot bitmasks.

Slot sets are Python ints used as bitmasks (bit t = slot t), which keeps
"common free slots of a buyer and a supplier" a single ``&``.
"""

from __future__ import annotations

import copy
from collections import Counter

from .messages import Message
from .model import BUYER, Request

__all__ = ["Instance", "bits", "popcount"]


def bits(mask):
    """Yield the set bit positions of ``mask`` in increasing order."""
    while mask:
        low = mask & -mask
        yield low.bit_length() - 1
        mask ^= low


def popcount(mask):
    return mask.bit_count()


class Instance:
    """Integer view of a Problem, with locked and kept meetings pinned.

    Attributes
    ----------
    T : int
        Number of slots.
    avail : list of int
        Per participant, the mask of slots they attend.
    limit : list of int
        Per participant, the most meetings they may have in total.
    fixed : list of int or None
        Per participant, the fixed table (buyers only).
    floating : list of int
        Tables that are nobody's fixed table.
    rb, rs, rp : lists
        Buyer index, supplier index and priority of each request.
    pins : dict
        Request index -> (slot index, table or None) of meetings that must
        stay in that slot (locked, or kept from a published schedule); the
        table is None when it must be chosen anew.
    locked : set of int
        Requests pinned by a locked meeting.
    hints : dict
        Request index -> (slot, table) of published meetings to keep where
        possible when moves are allowed.
    removed : list of (Meeting, Message)
        Published meetings that cannot be kept, with the reason.
    """

    def __init__(self, problem, *, keep_previous=None):
        self.problem = problem
        self.slots = list(problem.slots)
        self.T = len(self.slots)
        self.sidx = {s: i for i, s in enumerate(self.slots)}
        self.full = (1 << self.T) - 1
        parts = problem.participants
        self.pid = [p.id for p in parts]
        self.pidx = {p.id: i for i, p in enumerate(parts)}
        self.is_buyer = [p.role == BUYER for p in parts]
        self.avail = []
        self.limit = []
        self.fixed = []
        for p in parts:
            mask = self.full
            for s in p.unavailable:
                mask &= ~(1 << self.sidx[s])
            self.avail.append(mask)
            lim = p.max_meetings if p.max_meetings is not None else problem.max_meetings_default
            self.limit.append(self.T if lim is None else min(lim, self.T))
            self.fixed.append(p.table if p.role == BUYER else None)
        owned = {t for t in self.fixed if t is not None}
        self.owned = owned
        # A slot never holds more floating meetings than there are buyers
        # without a fixed table, so more tables than that are never needed;
        # tables named by locked or published meetings are kept in the list.
        wanted = sum(1 for b, k in zip(self.is_buyer, self.fixed) if b and k is None)
        named = {m.table for m in (*problem.locked, *problem.previous)
                 if isinstance(m.table, int) and 1 <= m.table <= problem.tables}
        floating = set(named - owned)
        t = 1
        while t <= problem.tables and len(floating) < wanted + len(named):
            if t not in owned:
                floating.add(t)
            t += 1
        self.floating = sorted(floating)
        self.requests: list[Request] = list(problem.requests)
        self.rindex = {r.key: i for i, r in enumerate(self.requests)}
        for m in problem.locked:
            if m.key not in self.rindex:
                self.rindex[m.key] = len(self.requests)
                self.requests.append(Request(m.buyer, m.supplier, m.priority))
        self.rb = [self.pidx[r.buyer] for r in self.requests]
        self.rs = [self.pidx[r.supplier] for r in self.requests]
        self.rp = [float(r.priority) for r in self.requests]
        self.R = len(self.requests)
        self.pins = {}
        self.locked = set()
        for m in problem.locked:
            r = self.rindex[m.key]
            self.pins[r] = (self.sidx[m.slot], m.table)
            self.locked.add(r)
        keep = (not problem.allow_moves) if keep_previous is None else keep_previous
        self.hints = {}
        self.removed = []
        self._classify_previous(keep)
        self._pinned_state()

    # -- published schedule -------------------------------------------------
    def _table_ok(self, b, table):
        if not isinstance(table, int) or not 1 <= table <= self.problem.tables:
            return False
        if self.fixed[b] is not None:
            return table == self.fixed[b]
        return table not in self.owned

    def _classify_previous(self, keep):
        busy = {}
        table_used = set()
        floating_used = Counter()
        count = Counter()
        for r, (t, table) in self.pins.items():
            for p in (self.rb[r], self.rs[r]):
                busy[(p, t)] = r
                count[p] += 1
            table_used.add((t, table))
            if self.fixed[self.rb[r]] is None:
                floating_used[t] += 1
        # A pair published twice is read once (its first line), as the
        # change report does.
        first = list({m.key: m for m in reversed(self.problem.previous)}.values())[::-1]
        order = sorted(first, key=lambda m: -self._current_priority(m))
        seen = set()
        for m in order:
            reason = self._previous_problem(m)
            if reason is None:
                r = self.rindex[m.key]
                t = self.sidx[m.slot]
                b, s = self.rb[r], self.rs[r]
                if r in self.pins:
                    if self.pins[r][0] == t and self.pins[r][1] == m.table:
                        seen.add(m.key)
                        continue
                    reason = Message("replaced_by_locked")
                elif (b, t) in busy or (s, t) in busy:
                    reason = Message("slot_conflict")
                elif count[b] >= self.limit[b] or count[s] >= self.limit[s]:
                    who = self.pid[b] if count[b] >= self.limit[b] else self.pid[s]
                    reason = Message("max_meetings_lowered",
                                     {"participant": who, "limit": self.limit[self.pidx[who]]})
                else:
                    table = m.table if self._table_ok(b, m.table) else None
                    if table is not None and (t, table) in table_used:
                        table = None
                    if self.fixed[b] is None and floating_used[t] >= len(self.floating):
                        reason = Message("no_table_left")
                    elif self.fixed[b] is not None and (t, self.fixed[b]) in table_used:
                        reason = Message("buyer_table_taken")
            if reason is not None:
                self.removed.append((m, reason))
                continue
            seen.add(m.key)
            busy[(b, t)] = busy[(s, t)] = r
            count[b] += 1
            count[s] += 1
            if self.fixed[b] is None:
                floating_used[t] += 1
            else:
                table = self.fixed[b]
            if table is not None:
                table_used.add((t, table))
            if keep:
                self.pins[r] = (t, table)
            else:
                self.hints[r] = (t, table)

    def _current_priority(self, m):
        r = self.rindex.get(m.key)
        return self.rp[r] if r is not None else float(m.priority)

    def _previous_problem(self, m):
        for pid in (m.buyer, m.supplier):
            if pid not in self.pidx:
                return Message("participant_left", {"participant": pid})
        if m.slot not in self.sidx:
            return Message("slot_removed", {"slot": m.slot})
        if m.key not in self.rindex:
            return Message("request_withdrawn")
        t = self.sidx[m.slot]
        for pid in (m.buyer, m.supplier):
            if not self.avail[self.pidx[pid]] >> t & 1:
                return Message("participant_unavailable", {"participant": pid, "slot": m.slot})
        return None

    def restricted(self, slot_of, window, buyers=None):
        """The sub-problem where only meetings in ``window`` (a slot mask), of
        ``buyers`` (a set, or all when None), may change.

        Other meetings of ``slot_of`` are pinned to their slot; requests
        inside the neighbourhood are all free again.
        """
        sub = copy.copy(self)
        sub.pins = dict(self.pins)
        inside = [buyers is None or b in buyers for b in self.rb]
        for r, t in slot_of.items():
            if r not in self.pins and not (window >> t & 1 and inside[r]):
                sub.pins[r] = (t, None)
        sub._pinned_state()
        sub.A = [a & window if inside[r] else 0 for r, a in enumerate(sub.A)]
        return sub

    # -- what pinned meetings leave free ------------------------------------
    def _pinned_state(self):
        n = len(self.pid)
        self.pin_busy = [0] * n
        self.pin_count = [0] * n
        self.fl_cap = [len(self.floating)] * self.T
        self.table_pin = {k: 0 for k in self.owned}
        for r, (t, table) in self.pins.items():
            b, s = self.rb[r], self.rs[r]
            for p in (b, s):
                self.pin_busy[p] |= 1 << t
                self.pin_count[p] += 1
            if self.fixed[b] is None:
                self.fl_cap[t] -= 1
            else:
                self.table_pin[self.fixed[b]] |= 1 << t
        fl_mask = sum(1 << t for t in range(self.T) if self.fl_cap[t] > 0)
        self.free = [self.avail[p] & ~self.pin_busy[p] for p in range(n)]
        self.cap = [max(0, min(self.limit[p] - self.pin_count[p], popcount(self.free[p])))
                    for p in range(n)]
        self.A = []
        for r in range(self.R):
            b, s = self.rb[r], self.rs[r]
            if r in self.pins:
                self.A.append(0)
                continue
            k = self.fixed[b]
            res = fl_mask if k is None else self.full & ~self.table_pin[k]
            self.A.append(self.free[b] & self.free[s] & res)
        # Participants named in any request, and those a pinned meeting covers.
        self.with_request = sorted({p for r in range(self.R) for p in (self.rb[r], self.rs[r])})
        self.pin_covered = {p for r in self.pins for p in (self.rb[r], self.rs[r])}
        self.pin_priority = sum(self.rp[r] for r in self.pins)
