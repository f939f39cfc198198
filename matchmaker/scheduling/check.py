"""List every hard constraint a schedule violates."""

from __future__ import annotations

from collections import Counter, defaultdict

from .model import BUYER, SUPPLIER, Problem

__all__ = ["check"]


def check(problem: Problem, meetings) -> list[str]:
    """Return a description of every hard constraint ``meetings`` violates.

    Parameters
    ----------
    problem : Problem
    meetings : iterable of Meeting

    Returns
    -------
    list of str
        Empty when the schedule is valid: each meeting joins a requested
        (or locked) buyer-supplier pair once, in a known slot at a table in
        ``1..tables``; nobody is in two meetings of a slot or in a slot they
        are unavailable; ``max_meetings`` holds; a table seats one meeting per
        slot; fixed tables are used by their own buyers only and always; every
        locked meeting is present exactly.
    """
    meetings = list(meetings)
    pmap = problem.participant_map()
    slotset = set(problem.slots)
    requested = {r.key for r in problem.requests} | {m.key for m in problem.locked}
    owners = defaultdict(set)
    for p in problem.participants:
        if p.table is not None:
            owners[p.table].add(p.id)
    found = []
    per_slot = Counter()
    table_slot = Counter()
    pair_count = Counter()
    count = Counter()
    for m in meetings:
        where = f"meeting ({m.buyer}, {m.supplier}, {m.slot}, table {m.table})"
        buyer, supplier = pmap.get(m.buyer), pmap.get(m.supplier)
        if buyer is None or buyer.role != BUYER:
            found.append(f"{where}: {m.buyer!r} is not a buyer of the event")
        if supplier is None or supplier.role != SUPPLIER:
            found.append(f"{where}: {m.supplier!r} is not a supplier of the event")
        if m.slot not in slotset:
            found.append(f"{where}: unknown slot {m.slot!r}")
        if not isinstance(m.table, int) or not 1 <= m.table <= problem.tables:
            found.append(f"{where}: table outside 1..{problem.tables}")
        if m.key not in requested:
            found.append(f"{where}: nobody requested this pair")
        pair_count[m.key] += 1
        table_slot[(m.slot, m.table)] += 1
        for p in (buyer, supplier):
            if p is None:
                continue
            per_slot[(p.id, m.slot)] += 1
            count[p.id] += 1
            if m.slot in p.unavailable:
                found.append(f"{where}: {p.id!r} is unavailable in {m.slot}")
        if buyer is not None and buyer.table is not None and buyer.table != m.table:
            found.append(f"{where}: buyer {m.buyer!r} must sit at table {buyer.table}")
        if m.table in owners and m.buyer not in owners[m.table]:
            found.append(f"{where}: table {m.table} belongs to "
                         f"{', '.join(sorted(owners[m.table]))}")
    for (pid, slot), n in sorted(per_slot.items()):
        if n > 1:
            found.append(f"{pid!r} has {n} meetings in slot {slot}")
    for (slot, table), n in sorted(table_slot.items(), key=str):
        if n > 1:
            found.append(f"table {table} holds {n} meetings in slot {slot}")
    for key, n in sorted(pair_count.items()):
        if n > 1:
            found.append(f"({key[0]}, {key[1]}) meet {n} times")
    for pid, n in sorted(count.items()):
        limit = pmap[pid].max_meetings
        if limit is None:
            limit = problem.max_meetings_default
        if limit is not None and n > limit:
            found.append(f"{pid!r} has {n} meetings, above max_meetings {limit}")
    held = {(m.buyer, m.supplier, m.slot, m.table) for m in meetings}
    for m in problem.locked:
        if (m.buyer, m.supplier, m.slot, m.table) not in held:
            found.append(f"locked meeting ({m.buyer}, {m.supplier}, {m.slot}, table {m.table}) "
                         f"is missing")
    return found
