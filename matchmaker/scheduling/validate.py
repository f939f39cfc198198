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
            errors.append(Message("duplicate_participant", {"record": "participant", "participant": pid,
                                                            "count": count}))
    tables_of = defaultdict(list)
    for p in problem.participants:
        where = {"record": "participant", "participant": p.id}
        if p.role not in (BUYER, SUPPLIER):
            errors.append(Message("invalid_role", {**where, "role": p.role}))
        if p.table is not None:
            if p.role == SUPPLIER:
                errors.append(Message("supplier_table", where))
            elif isinstance(p.table, bool) or not isinstance(p.table, int) \
                    or not 1 <= p.table <= problem.tables:
                errors.append(Message("table_out_of_range", {**where, "table": p.table, "tables": problem.tables}))
            else:
                tables_of[p.table].append(p.id)
        unknown = sorted(set(p.unavailable) - slotset)
        if unknown:
            errors.append(Message("unknown_unavailable_slots", {**where, "slots": tuple(unknown)}))
        if p.max_meetings is not None and (
                isinstance(p.max_meetings, bool) or not isinstance(p.max_meetings, int)
                or p.max_meetings < 0):
            errors.append(Message("invalid_max_meetings", {**where, "value": p.max_meetings}))
    for table, buyers in sorted(tables_of.items()):
        if len(buyers) > 1:
            warnings.append(Message("shared_table", {"table": table, "buyers": tuple(buyers)}))


def _role_problem(where, pmap) -> list[Message]:
    b, s = pmap.get(where["buyer"]), pmap.get(where["supplier"])
    found = []
    if b is None:
        found.append(Message("unknown_buyer", where))
    if s is None:
        found.append(Message("unknown_supplier", where))
    if b is not None and s is not None and b.role == SUPPLIER and s.role == BUYER:
        return [Message("roles_swapped", where)]
    if b is not None and b.role != BUYER:
        found.append(Message("not_a_buyer", {**where, "role": b.role}))
    if s is not None and s.role != SUPPLIER:
        found.append(Message("not_a_supplier", {**where, "role": s.role}))
    return found


def _merge_requests(problem, pmap, errors, warnings):
    merged: dict[tuple[str, str], Request] = {}
    counts = Counter()
    for i, r in enumerate(problem.requests):
        where = {"record": "request", "index": i + 1, "buyer": r.buyer, "supplier": r.supplier}
        bad = _role_problem(where, pmap)
        errors.extend(bad)
        p = r.priority
        if isinstance(p, bool) or not isinstance(p, (int, float)) or not math.isfinite(p) \
                or p <= 0:
            errors.append(Message("invalid_priority", {**where, "priority": p}))
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
        where = {"record": "locked", "index": i + 1, "buyer": m.buyer, "supplier": m.supplier,
                 "slot": m.slot, "table": m.table}
        bad = _role_problem(where, pmap)
        errors.extend(bad)
        if m.slot not in slotset:
            errors.append(Message("unknown_slot", where))
            continue
        if not isinstance(m.table, int) or not 1 <= m.table <= problem.tables:
            errors.append(Message("table_out_of_range", {**where, "tables": problem.tables}))
        elif (m.slot, m.table) in table_used:
            errors.append(Message("locked_table_taken", where))
        table_used.add((m.slot, m.table))
        if bad:
            continue
        buyer = pmap[m.buyer]
        if buyer.table is not None and buyer.table != m.table:
            errors.append(Message("buyer_fixed_table", {**where, "fixed_table": buyer.table}))
        elif m.table in owner and m.buyer not in owner[m.table]:
            errors.append(Message("table_of_other_buyers", {**where, "buyers": tuple(sorted(owner[m.table]))}))
        for pid in (m.buyer, m.supplier):
            if m.slot in pmap[pid].unavailable:
                errors.append(Message("locked_unavailable", {**where, "participant": pid}))
            if (pid, m.slot) in busy:
                errors.append(Message("locked_double_booked", {**where, "participant": pid}))
            busy.add((pid, m.slot))
            count[pid] += 1
        pairs[m.key] += 1
        if pairs[m.key] == 2:
            errors.append(Message("pair_locked_twice", where))
    for pid, n in count.items():
        limit = pmap[pid].max_meetings
        if limit is None:
            limit = problem.max_meetings_default
        if limit is not None and n > limit:
            errors.append(Message("locked_over_limit", {"record": "participant", "participant": pid,
                                                        "count": n, "limit": limit}))


def validate(problem: Problem) -> Problem:
    """Return ``problem`` with duplicate requests merged, or raise.

    Duplicate requests are merged keeping the highest priority and noted
    in ``warnings``; everything else that is wrong is collected and raised
    at once, each problem a :class:`~.messages.Message` whose kind is in
    :data:`~.messages.PROBLEM_KINDS`.

    Raises
    ------
    InvalidEventError
    """
    errors: list[Message] = []
    warnings: list[Message] = list(problem.warnings)
    if not problem.slots:
        errors.append(Message("no_slots"))
    for slot, count in Counter(problem.slots).items():
        if count > 1:
            errors.append(Message("duplicate_slot", {"slot": slot, "count": count}))
    if isinstance(problem.tables, bool) or not isinstance(problem.tables, int) \
            or problem.tables < 1:
        errors.append(Message("invalid_tables", {"value": problem.tables}))
        problem = replace(problem, tables=10**9)
    default = problem.max_meetings_default
    if default is not None and (not isinstance(default, int) or default < 0):
        errors.append(Message("invalid_max_meetings_default", {"value": default}))
    _check_participants(problem, errors, warnings)
    pmap = problem.participant_map()
    requests = _merge_requests(problem, pmap, errors, warnings)
    _check_locked(problem, pmap, errors)
    if errors:
        raise InvalidEventError(errors)
    return replace(problem, requests=tuple(requests), warnings=tuple(dict.fromkeys(warnings)))
