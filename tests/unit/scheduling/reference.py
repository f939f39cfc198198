"""Independent reference solutions and random events for the scheduler tests.

The reference MILP models tables explicitly (``x[request, slot, table]``),
straight from the rules in the exchange formats, so it shares no modelling
shortcut with the scheduler under test.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from dataclasses import replace

import numpy as np
from hypothesis import strategies as st
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from matchmaker.scheduling import Participant, Problem, Request, greedy_schedule


def reference_optimum(problem):
    """Return (most participants met, most priority at that coverage)."""
    pmap = problem.participant_map()
    owned = {p.table for p in problem.participants if p.table is not None}
    locked = {(m.buyer, m.supplier): (m.slot, m.table) for m in problem.locked}
    requests = {r.key: r.priority for r in problem.requests}
    for m in problem.locked:
        requests.setdefault(m.key, m.priority)
    cols = []
    for b, s in requests:
        buyer, supplier = pmap[b], pmap[s]
        for slot in problem.slots:
            if slot in buyer.unavailable or slot in supplier.unavailable:
                continue
            for table in range(1, problem.tables + 1):
                if buyer.table is not None and table != buyer.table:
                    continue
                if buyer.table is None and table in owned:
                    continue
                cols.append((b, s, slot, table))
    people = sorted({p for key in requests for p in key})
    n = len(cols) + len(people)
    ycol = {p: len(cols) + i for i, p in enumerate(people)}
    groups = defaultdict(list)
    lower = np.zeros(n)
    for j, (b, s, slot, table) in enumerate(cols):
        groups[("request", b, s)].append(j)
        groups[("person-slot", b, slot)].append(j)
        groups[("person-slot", s, slot)].append(j)
        groups[("table-slot", slot, table)].append(j)
        groups[("person", b)].append(j)
        groups[("person", s)].append(j)
        if locked.get((b, s)) == (slot, table):
            lower[j] = 1.0
    rows, cc, vals, ub = [], [], [], []
    for key, js in groups.items():
        if key[0] == "person":
            limit = pmap[key[1]].max_meetings
            if limit is None:
                limit = problem.max_meetings_default
            if limit is None:
                continue
            bound = limit
        else:
            bound = 1
        for j in js:
            rows.append(len(ub))
            cc.append(j)
            vals.append(1.0)
        ub.append(bound)
    for p, yj in ycol.items():
        rows.append(len(ub))
        cc.append(yj)
        vals.append(1.0)
        for j in groups[("person", p)]:
            rows.append(len(ub))
            cc.append(j)
            vals.append(-1.0)
        ub.append(0)
    if n == 0:
        return 0, 0.0
    A = coo_matrix((vals, (rows, cc)), shape=(len(ub), n))
    cons = [LinearConstraint(A, -np.inf, np.array(ub, dtype=float))]
    bounds = Bounds(lower, np.ones(n))
    c = np.zeros(n)
    c[list(ycol.values())] = -1
    options = {"mip_rel_gap": 0}
    first = milp(c, constraints=cons, integrality=np.ones(n), bounds=bounds, options=options)
    assert first.status == 0, first.message
    coverage = int(np.rint(-first.fun))
    row = np.zeros((1, n))
    row[0, list(ycol.values())] = 1
    cons.append(LinearConstraint(row, coverage - 0.5, np.inf))
    c = np.zeros(n)
    for j, (b, s, _slot, _table) in enumerate(cols):
        c[j] = -requests[(b, s)]
    second = milp(c, constraints=cons, integrality=np.ones(n), bounds=bounds, options=options)
    assert second.status == 0, second.message
    return coverage, -second.fun


def brute_force_coverage(problem):
    """Most participants met, by trying every set of meetings (tiny events only)."""
    pmap = problem.participant_map()
    options = []
    for r in problem.requests:
        b, s = pmap[r.buyer], pmap[r.supplier]
        slots = [t for t in problem.slots if t not in b.unavailable and t not in s.unavailable]
        options.append([None] + slots)
    best = 0
    for choice in itertools.product(*options):
        busy, per_slot, count = set(), defaultdict(int), defaultdict(int)
        ok = True
        for r, slot in zip(problem.requests, choice):
            if slot is None:
                continue
            for p in (r.buyer, r.supplier):
                if (p, slot) in busy:
                    ok = False
                busy.add((p, slot))
                count[p] += 1
            per_slot[slot] += 1
        if not ok or any(v > problem.tables for v in per_slot.values()):
            continue
        if any(pmap[p].max_meetings is not None and n > pmap[p].max_meetings
               for p, n in count.items()):
            continue
        best = max(best, len(count))
    return best


@st.composite
def events(draw, max_slots=5, max_tables=3, max_buyers=4, max_suppliers=6, max_requests=20,
           fixed=True, limits=True, locked=True):
    """Random small events with every kind of constraint."""
    slots = [f"s{i}" for i in range(draw(st.integers(1, max_slots)))]
    tables = draw(st.integers(1, max_tables))
    nb = draw(st.integers(1, max_buyers))
    ns = draw(st.integers(1, max_suppliers))
    away = st.frozensets(st.sampled_from(slots), max_size=max(1, len(slots) // 2))
    parts = []
    for i in range(nb):
        table = None
        if fixed and draw(st.integers(0, 2)) == 0:
            table = draw(st.integers(1, tables))
        limit = draw(st.integers(0, 3)) if limits and draw(st.integers(0, 3)) == 0 else None
        parts.append(Participant(f"B{i}", "buyer", table, draw(away), limit))
    for i in range(ns):
        limit = draw(st.integers(0, 3)) if limits and draw(st.integers(0, 3)) == 0 else None
        parts.append(Participant(f"S{i}", "supplier", None, draw(away), limit))
    pairs = [(b, s) for b in range(nb) for s in range(ns)]
    top = min(len(pairs), max_requests)
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True,
                           min_size=min(top, nb + ns), max_size=top))
    requests = [Request(f"B{b}", f"S{s}", draw(st.integers(1, 3))) for b, s in chosen]
    problem = Problem(slots, tables, parts, requests)
    if locked and requests and draw(st.booleans()):
        meetings = greedy_schedule(problem).meetings
        keep = draw(st.lists(st.booleans(), min_size=len(meetings), max_size=len(meetings)))
        problem = replace(problem, locked=[replace(m, locked=True)
                                           for m, k in zip(meetings, keep) if k])
    return problem
