"""Explain a schedule: why requests are left out, what changed since publication."""

from __future__ import annotations

from .instance import bits
from .model import Change

__all__ = ["diff_previous", "unscheduled_reasons"]


def _limit_reason(inst, p, role):
    part = inst.problem.participants[p]
    explicit = part.max_meetings is not None or inst.problem.max_meetings_default is not None
    if explicit and inst.limit[p] < inst.free[p].bit_count() + inst.pin_count[p]:
        return f"{role} reached max_meetings ({inst.limit[p]})"
    return f"{role}'s schedule is full"


def _reason(inst, r, slot_of, busy, count, tables_left):
    b, s = inst.rb[r], inst.rs[r]
    if not inst.avail[b] & inst.avail[s]:
        return "buyer and supplier share no free slot"
    if not inst.A[r]:
        if inst.free[b] & inst.free[s]:
            if not inst.floating and inst.fixed[b] is None:
                return "no table for this buyer: every table is another buyer's fixed table"
            return "no table free in common slots (locked or kept meetings hold them)"
        return "the slots they share are taken by locked or kept meetings"
    if count[b] >= inst.limit[b]:
        return _limit_reason(inst, b, "buyer")
    if count[s] >= inst.limit[s]:
        return _limit_reason(inst, s, "supplier")
    common = inst.A[r]
    if not common & ~busy[b]:
        text = "buyer is busy in every slot they share"
    elif not common & ~busy[s]:
        text = "supplier is busy in every slot they share"
    elif not common & ~busy[b] & ~busy[s]:
        text = "buyer and supplier have no common free slot left"
    else:
        k = inst.fixed[b]
        if k is not None:
            text = f"table {k} is taken in every common free slot"
        else:
            open_ = [t for t in bits(common & ~busy[b] & ~busy[s]) if tables_left[t] > 0]
            if open_:
                return "left out when the time limit was reached"
            text = "no table free in common slots"
    blocking = [inst.rp[o] for o, t in slot_of.items() if common >> t & 1]
    if blocking and inst.rp[r] <= min(blocking):
        text += "; lower priority than the meetings kept"
    elif blocking:
        text += "; those slots hold meetings that let more participants meet"
    return text


def unscheduled_reasons(inst, slot_of):
    """Return ``[(Request, reason)]`` for requests not in ``slot_of``."""
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
    why = {req.key: text for req, text in reasons}
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
                                  why.get(key, "left out")))
        elif (after.slot, after.table) != (m.slot, m.table):
            text = "table changed" if after.slot == m.slot else "moved to another slot"
            changes.append(Change("moved", m.buyer, m.supplier, m, after, text))
    published = set(before) | gone
    for key, m in new.items():
        if key not in published:
            changes.append(Change("added", m.buyer, m.supplier, None, m, ""))
    order = {s: i for i, s in enumerate(problem.slots)}
    changes.sort(key=lambda c: (("removed", "moved", "added").index(c.kind),
                                order.get((c.before or c.after).slot, -1), c.buyer, c.supplier))
    return changes
