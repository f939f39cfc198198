"""Check that a Problem makes sense, and merge duplicate requests."""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import replace

from .errors import InvalidEventError
from .messages import Message
from .model import BUYER, SUPPLIER, Problem, Request

__all__ = ["validate"]


def _check_participants(problem, errors, warnings):
    slotset = set(problem.slots)
    seen = Counter(p.id for p in problem.participants)
    for pid, count in seen.items():
        if count > 1:
            errors.append(f"participant {pid!r}: listed {count} times (ids must be unique)")
    tables_of = defaultdict(list)
    for p in problem.participants:
        where = f"participant {p.id!r}"
        if p.role not in (BUYER, SUPPLIER):
            errors.append(f"{where}: role {p.role!r} is not 'buyer' or 'supplier'")
        if p.table is not None:
            if p.role == SUPPLIER:
                errors.append(f"{where}: only buyers have a fixed table (suppliers visit buyers)")
            elif isinstance(p.table, bool) or not isinstance(p.table, int) \
                    or not 1 <= p.table <= problem.tables:
                errors.append(f"{where}: table {p.table!r} is outside 1..{problem.tables}")
            else:
                tables_of[p.table].append(p.id)
        unknown = sorted(set(p.unavailable) - slotset)
        if unknown:
            errors.append(f"{where}: unavailable slot(s) {', '.join(map(repr, unknown))} "
                          f"are not among the event's slots")
        if p.max_meetings is not None and (
                isinstance(p.max_meetings, bool) or not isinstance(p.max_meetings, int)
                or p.max_meetings < 0):
            errors.append(f"{where}: max_meetings {p.max_meetings!r} is not a whole number >= 0")
    for table, buyers in sorted(tables_of.items()):
        if len(buyers) > 1:
            warnings.append(Message("shared_table", {"table": table, "buyers": tuple(buyers)}))


def _role_problem(buyer, supplier, pmap):
    b, s = pmap.get(buyer), pmap.get(supplier)
    found = []
    if b is None:
        found.append(f"unknown buyer {buyer!r}")
    if s is None:
        found.append(f"unknown supplier {supplier!r}")
    if b is not None and s is not None and b.role == SUPPLIER and s.role == BUYER:
        return ["buyer and supplier are swapped"]
    if b is not None and b.role != BUYER:
        found.append(f"{buyer!r} is a {b.role}, not a buyer")
    if s is not None and s.role != SUPPLIER:
        found.append(f"{supplier!r} is a {s.role}, not a supplier")
    return found


def _merge_requests(problem, pmap, errors, warnings):
    merged: dict[tuple[str, str], Request] = {}
    counts = Counter()
    for i, r in enumerate(problem.requests):
        where = f"request #{i + 1} ({r.buyer}, {r.supplier})"
        bad = _role_problem(r.buyer, r.supplier, pmap)
        for text in bad:
            errors.append(f"{where}: {text}")
        p = r.priority
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not math.isfinite(p) \
                or p <= 0:
            errors.append(f"{where}: priority {p!r} must be a number above 0")
            continue
        if bad:
            continue
        counts[r.key] += 1
        old = merged.get(r.key)
        if old is None or p > old.priority:
            merged[r.key] = r
    for key, count in counts.items():
        if count > 1:
            warnings.append(Message("duplicate_request", {"buyer": key[0], "supplier": key[1], "count": count,
                                                          "priority": merged[key].priority}))
    return list(merged.values())


def _check_locked(problem, pmap, errors):
    slotset = set(problem.slots)
    owner = defaultdict(set)
    for p in problem.participants:
        if p.table is not None:
            owner[p.table].add(p.id)
    busy, table_used, pairs, count = set(), set(), Counter(), Counter()
    for i, m in enumerate(problem.locked):
        where = f"locked #{i + 1} ({m.buyer}, {m.supplier}, {m.slot}, table {m.table})"
        bad = _role_problem(m.buyer, m.supplier, pmap)
        errors.extend(f"{where}: {text}" for text in bad)
        if m.slot not in slotset:
            errors.append(f"{where}: slot {m.slot!r} is not among the event's slots")
            continue
        if not isinstance(m.table, int) or not 1 <= m.table <= problem.tables:
            errors.append(f"{where}: table {m.table!r} is outside 1..{problem.tables}")
        elif (m.slot, m.table) in table_used:
            errors.append(f"{where}: table {m.table} already holds a locked meeting in {m.slot}")
        table_used.add((m.slot, m.table))
        if bad:
            continue
        buyer = pmap[m.buyer]
        if buyer.table is not None and buyer.table != m.table:
            errors.append(f"{where}: buyer {m.buyer!r} always sits at table {buyer.table}")
        elif m.table in owner and m.buyer not in owner[m.table]:
            errors.append(f"{where}: table {m.table} belongs to buyer(s) "
                          f"{', '.join(sorted(owner[m.table]))}")
        for pid in (m.buyer, m.supplier):
            if m.slot in pmap[pid].unavailable:
                errors.append(f"{where}: {pid!r} is unavailable in {m.slot}")
            if (pid, m.slot) in busy:
                errors.append(f"{where}: {pid!r} already has a locked meeting in {m.slot}")
            busy.add((pid, m.slot))
            count[pid] += 1
        pairs[m.key] += 1
        if pairs[m.key] == 2:
            errors.append(f"{where}: this pair is locked more than once")
    for pid, n in count.items():
        limit = pmap[pid].max_meetings
        if limit is None:
            limit = problem.max_meetings_default
        if limit is not None and n > limit:
            errors.append(f"participant {pid!r}: {n} locked meetings exceed max_meetings {limit}")


def validate(problem: Problem) -> Problem:
    """Return ``problem`` with duplicate requests merged, or raise.

    Duplicate requests are merged keeping the highest priority and noted
    in ``warnings``; everything else that is wrong is collected and raised
    at once.

    Raises
    ------
    InvalidEventError
    """
    errors: list[str] = []
    warnings: list[Message] = list(problem.warnings)
    if not problem.slots:
        errors.append("slots: the event needs at least one slot")
    for slot, count in Counter(problem.slots).items():
        if count > 1:
            errors.append(f"slots: {slot!r} is listed {count} times (slot names must be unique)")
    if isinstance(problem.tables, bool) or not isinstance(problem.tables, int) \
            or problem.tables < 1:
        errors.append(f"tables: {problem.tables!r} is not a whole number >= 1")
        problem = replace(problem, tables=10**9)
    default = problem.max_meetings_default
    if default is not None and (not isinstance(default, int) or default < 0):
        errors.append(f"max_meetings_default: {default!r} is not a whole number >= 0")
    _check_participants(problem, errors, warnings)
    pmap = problem.participant_map()
    requests = _merge_requests(problem, pmap, errors, warnings)
    _check_locked(problem, pmap, errors)
    if errors:
        raise InvalidEventError(errors)
    return replace(problem, requests=tuple(requests), warnings=tuple(dict.fromkeys(warnings)))
