"""Exact schedules for small events: a time-indexed MILP solved by HiGHS.

Variables ``x[r, t]`` (request r held in slot t) and ``y[p]`` (participant p
met). Tables need no variables of their own: floating tables are
interchangeable, so "at most ``fl_cap[t]`` floating meetings in slot t" and
"at most one meeting per fixed table and slot" are exact. The lexicographic
objective is solved in two stages: most participants met, then most
priority with that coverage.
"""

from __future__ import annotations

import time
from collections import defaultdict
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp
from scipy.sparse import coo_matrix

from .bounds import granularity
from .instance import bits

__all__ = ["ExactResult", "exact_size", "solve_exact", "solve_weighted"]


@dataclass
class ExactResult:
    slot_of: dict
    coverage: int
    priority: float
    proven: bool
    coverage_bound: int
    priority_bound: float
    """Bounds the priority of schedules meeting ``bound_coverage`` participants."""
    bound_coverage: int


def exact_size(inst):
    """Number of ``x[r, t]`` variables the exact model of ``inst`` needs."""
    return sum(inst.A[r].bit_count() for r in range(inst.R)
               if inst.cap[inst.rb[r]] > 0 and inst.cap[inst.rs[r]] > 0)


def _model(inst):
    cols = []  # (r, t)
    for r in range(inst.R):
        if inst.cap[inst.rb[r]] > 0 and inst.cap[inst.rs[r]] > 0:
            for t in bits(inst.A[r]):
                cols.append((r, t))
    covers = sorted({p for r, _ in cols for p in (inst.rb[r], inst.rs[r])}
                    - inst.pin_covered)
    ycol = {p: len(cols) + i for i, p in enumerate(covers)}
    n = len(cols) + len(covers)
    rows, cc, vals, ub = [], [], [], []

    def add(members, bound, extra=()):
        i = len(ub)
        for j in members:
            rows.append(i)
            cc.append(j)
            vals.append(1.0)
        for j, v in extra:
            rows.append(i)
            cc.append(j)
            vals.append(v)
        ub.append(bound)

    by_request = defaultdict(list)
    by_part_slot = defaultdict(list)
    by_part = defaultdict(list)
    floating = defaultdict(list)
    shared = defaultdict(list)
    sharers = defaultdict(set)
    for b, k in enumerate(inst.fixed):
        if k is not None:
            sharers[k].add(b)
    for j, (r, t) in enumerate(cols):
        b, s = inst.rb[r], inst.rs[r]
        by_request[r].append(j)
        for p in (b, s):
            by_part_slot[(p, t)].append(j)
            by_part[p].append(j)
        k = inst.fixed[b]
        if k is None:
            floating[t].append(j)
        elif len(sharers[k]) > 1:
            shared[(k, t)].append(j)
    for js in by_request.values():
        if len(js) > 1:
            add(js, 1.0)
    for js in by_part_slot.values():
        if len(js) > 1:
            add(js, 1.0)
    for p, js in by_part.items():
        limit = inst.limit[p] - inst.pin_count[p]
        if limit < len(js):
            add(js, float(limit))
    for t, js in floating.items():
        if inst.fl_cap[t] < len(js):
            add(js, float(inst.fl_cap[t]))
    for js in shared.values():
        add(js, 1.0)
    for p, j in ycol.items():
        add([j], 0.0, extra=[(i, -1.0) for i in by_part[p]])
    A = coo_matrix((vals, (rows, cc)), shape=(len(ub), n)).tocsr()
    return cols, ycol, A, np.array(ub)


def _run(c, constraints, n, time_limit):
    options = {"time_limit": max(0.5, time_limit), "mip_rel_gap": 1e-9, "presolve": True}
    return milp(c, constraints=constraints, integrality=np.ones(n),
                bounds=Bounds(np.zeros(n), np.ones(n)), options=options)


def solve_exact(inst, time_limit, coverage_known=None):
    """Solve the lexicographic model of ``inst`` within ``time_limit`` seconds.

    Parameters
    ----------
    coverage_known : int or None
        Participants (pinned ones included) a schedule is already known to
        meet, when that equals the relaxation bound: stage one is skipped.

    Returns
    -------
    ExactResult or None
        None when no solution was found in time.
    """
    start = time.perf_counter()
    cols, ycol, A, ub = _model(inst)
    n = A.shape[1]
    pin_cov = len(inst.pin_covered)
    if n == 0:
        return ExactResult({}, pin_cov, 0.0, True, pin_cov, 0.0, pin_cov)
    base = [LinearConstraint(A, -np.inf, ub)] if A.shape[0] else []
    yidx = np.array(sorted(ycol.values()), dtype=int)
    proven = True
    if coverage_known is None:
        c = np.zeros(n)
        c[yidx] = -1.0
        res = _run(c, base, n, time_limit)
        if res.x is None:
            return None
        cover = int(np.rint(-res.fun))
        proven = res.status == 0
        cov_bound = pin_cov + (cover if proven else int(np.floor(-res.mip_dual_bound + 1e-6)))
    else:
        cover = coverage_known - pin_cov
        cov_bound = coverage_known
    row = np.zeros((1, n))
    row[0, yidx] = 1.0
    constraints = base + [LinearConstraint(row, cover - 0.5, np.inf)]
    gran = granularity(inst.rp)
    bonus = 0.5 * gran / (len(inst.hints) + 1) if inst.hints else 0.0
    c = np.zeros(n)
    for j, (r, t) in enumerate(cols):
        hint = inst.hints.get(r)
        c[j] = -(inst.rp[r] + (bonus if hint is not None and hint[0] == t else 0.0))
    left = time_limit - (time.perf_counter() - start)
    res = _run(c, constraints, n, left)
    if res.x is None:
        return None
    x = res.x
    slot_of = {r: t for j, (r, t) in enumerate(cols) if x[j] > 0.5}
    met = {p for r in slot_of for p in (inst.rb[r], inst.rs[r])} | inst.pin_covered
    coverage = len(met & set(inst.with_request))
    priority = sum(inst.rp[r] for r in slot_of)
    stage2 = res.status == 0
    slack = bonus * len(inst.hints)
    if stage2:
        bound = priority + slack
    else:
        bound = -res.mip_dual_bound + slack
    return ExactResult(slot_of, coverage, priority, proven and stage2 and coverage == cov_bound,
                       max(cov_bound, coverage), bound, pin_cov + cover)


def solve_weighted(inst, time_limit):
    """One-stage MILP: participants met weigh more than all priority together.

    Used on sub-problems of a large event, where one solve is cheaper than
    two. Returns ``(slot_of, coverage, priority)`` or None without a
    solution in time.
    """
    cols, ycol, A, ub = _model(inst)
    n = A.shape[1]
    if n == 0:
        return None
    base = [LinearConstraint(A, -np.inf, ub)] if A.shape[0] else []
    gran = granularity(inst.rp)
    bonus = 0.5 * gran / (len(inst.hints) + 1) if inst.hints else 0.0
    c = np.zeros(n)
    for j, (r, t) in enumerate(cols):
        hint = inst.hints.get(r)
        c[j] = -(inst.rp[r] + (bonus if hint is not None and hint[0] == t else 0.0))
    weight = sum(inst.rp[r] for r in {r for r, _ in cols}) + bonus * len(inst.hints) + 1.0
    c[np.array(sorted(ycol.values()), dtype=int)] = -weight
    res = _run(c, base, n, time_limit)
    if res.x is None:
        return None
    slot_of = {r: t for j, (r, t) in enumerate(cols) if res.x[j] > 0.5}
    met = {p for r in slot_of for p in (inst.rb[r], inst.rs[r])} | inst.pin_covered
    coverage = len(met & set(inst.with_request))
    return slot_of, coverage, sum(inst.rp[r] for r in slot_of)
