"""Explain a schedule: why requests are left out, what changed since publication."""

from __future__ import annotations

from .instance import bits
from .messages import Message
from .model import BUYER, SUPPLIER, Change

__all__ = ["diff_previous", "unscheduled_reasons"]


def _limit_reason(inst, p, role):
    part = inst.problem.participants[p]
    explicit = part.max_meetings is not None or inst.problem.max_meetings_default is not None
    if explicit and inst.limit[p] < inst.free[p].bit_count() + inst.pin_count[p]:
        return Message("max_meetings", {"role": role, "participant": inst.pid[p], "limit": inst.limit[p]})
    return Message("schedule_full", {"role": role, "participant": inst.pid[p]})


def _reason(inst, r, slot_of, busy, count, tables_left):
    b, s = inst.rb[r], inst.rs[r]
    if not inst.avail[b] & inst.avail[s]:
        return Message("no_shared_slot")
    if not inst.A[r]:
        if inst.free[b] & inst.free[s]:
            if not inst.floating and inst.fixed[b] is None:
                return Message("no_table_for_buyer")
            return Message("tables_held")
        return Message("slots_held")
    if count[b] >= inst.limit[b]:
        return _limit_reason(inst, b, BUYER)
    if count[s] >= inst.limit[s]:
        return _limit_reason(inst, s, SUPPLIER)
    common = inst.A[r]
    if not common & ~busy[b]:
        kind, fields = "busy", {"role": BUYER, "participant": inst.pid[b]}
    elif not common & ~busy[s]:
        kind, fields = "busy", {"role": SUPPLIER, "participant": inst.pid[s]}
    elif not common & ~busy[b] & ~busy[s]:
        kind, fields = "no_common_free_slot", {}
    else:
        k = inst.fixed[b]
        if k is not None:
            kind, fields = "table_taken", {"table": k}
        else:
            open_ = [t for t in bits(common & ~busy[b] & ~busy[s]) if tables_left[t] > 0]
            if open_:
                return Message("time_limit")
            kind, fields = "no_free_table", {}
    blocking = [inst.rp[o] for o, t in slot_of.items() if common >> t & 1]
    if blocking:
        fields["kept"] = "priority" if inst.rp[r] <= min(blocking) else "coverage"
    return Message(kind, fields)


def unscheduled_reasons(inst, slot_of):
    """Return ``[(Request, Message)]`` for requests not in ``slot_of``."""
    busy = [0] * len(inst.pid)
    count = [0] * len(inst.pid)
    tables_left = [len(inst.floating)] * inst.T
    near = {}
    for r, t in slot_of.items():
        for p in (inst.rb[r], inst.rs[r]):
            busy[p] |= 1 << t
            count[p] += 1
            near.setdefault(p, {})[r] = t
        if inst.fixed[inst.rb[r]] is None:
            tables_left[t] -= 1
    out = []
    for r in range(inst.R):
        if r in slot_of:
            continue
        b, s = inst.rb[r], inst.rs[r]
        around = {**near.get(b, {}), **near.get(s, {})}
        out.append((inst.requests[r], _reason(inst, r, around, busy, count, tables_left)))
    return out


def diff_previous(inst, meetings, reasons):
    """Changes from the published schedule (``problem.previous``) to ``meetings``."""
    problem = inst.problem
    if not problem.previous:
        return []
    new = {m.key: m for m in meetings}
    why = {req.key: message for req, message in reasons}
    changes = []
    gone = set()
    for m, reason in inst.removed:
        if m.key in gone:
            continue
        gone.add(m.key)
        after = new.get(m.key)
        if after is None:
            changes.append(Change("removed", m.buyer, m.supplier, m, None, reason))
        elif (after.slot, after.table) != (m.slot, m.table):
            changes.append(Change("moved", m.buyer, m.supplier, m, after, reason))
    before = {}
    for m in problem.previous:
        if m.key not in gone:
            before.setdefault(m.key, m)
    for key, m in before.items():
        after = new.get(key)
        if after is None:
            changes.append(Change("removed", m.buyer, m.supplier, m, None,
                                  why.get(key, Message("left_out"))))
        elif (after.slot, after.table) != (m.slot, m.table):
            reason = Message("table_changed" if after.slot == m.slot else "slot_changed")
            changes.append(Change("moved", m.buyer, m.supplier, m, after, reason))
    published = set(before) | gone
    for key, m in new.items():
        if key not in published:
            changes.append(Change("added", m.buyer, m.supplier, None, m))
    order = {s: i for i, s in enumerate(problem.slots)}
    changes.sort(key=lambda c: (("removed", "moved", "added").index(c.kind),
                                order.get((c.before or c.after).slot, -1), c.buyer, c.supplier))
    return changes
