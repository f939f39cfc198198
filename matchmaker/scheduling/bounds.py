"""The slot-free relaxation: which requests to hold, and bounds on what is possible.

Forget which slot each meeting takes and keep only how many meetings each
participant can have (``min(max_meetings, free slots)``) and how many a pool
of tables can seat over the day. What is left is a flow network::

    table pool --> buyer --(request, 1)--> supplier --> sink

with the buyer and supplier arcs split in two: a first unit worth ``W``
(the participant is met) and the rest worth 0. With ``W`` larger than any
total priority, a minimum-cost flow is the lexicographic optimum of the
relaxation: the most participants met, then the most priority. Every real
schedule is such a flow, so its value bounds every schedule; the network
matrix is totally unimodular, so the simplex solution is integral and also
names a good set of requests to place in slots.

Two kinds of Hall inequalities make the relaxation aware of slots: the
requests of one participant whose common free slots lie within a set S of
one or two slots hold at most |S| meetings. They break total unimodularity,
so the strengthened model is solved as a MILP (usually at the root); if
that does not finish in time, the plain network LP is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import coo_matrix, vstack

from .instance import bits

__all__ = ["Relaxation", "granularity", "solve_relaxation"]

_TOL = 1e-6


def granularity(priorities):
    """Smallest difference that matters between two totals of ``priorities``."""
    if all(float(p).is_integer() for p in priorities):
        return 1.0
    return 1e-3 * min(priorities, default=1.0)


@dataclass
class Relaxation:
    selected: list[int]
    coverage: int
    """Most participants any schedule can meet (pinned meetings included)."""
    priority: float
    """Most free priority of any schedule meeting ``coverage`` participants."""
    slack: float
    """Bonus for kept meetings that may hide in ``priority``."""
    model: dict

    def priority_bound(self, coverage, time_limit=None):
        """Most free priority of any schedule meeting ``coverage`` participants."""
        if coverage >= self.coverage:
            return self.priority + self.slack
        return _bound_for_coverage(self.model, coverage - self.model["pin_cov"], time_limit)


def _hall_cuts(inst, free, first_row):
    """Rows "requests of p confined to slots S hold at most |S|", |S| <= 2."""
    confined = {}
    for j, r in enumerate(free):
        a = inst.A[r]
        if a.bit_count() <= 2:
            for p in (inst.rb[r], inst.rs[r]):
                confined.setdefault(p, {}).setdefault(a, []).append(j)
    rows, cols, ub = [], [], []
    for masks in confined.values():
        singles = [a for a in masks if a.bit_count() == 1]
        sets = {a for a in masks} | {a | b for i, a in enumerate(singles) for b in singles[i + 1:]}
        for S in sets:
            js = list(masks.get(S, ()))
            if S.bit_count() == 2:
                for t in bits(S):
                    js += masks.get(1 << t, ())
            if len(js) > S.bit_count():
                row = first_row + len(ub)
                rows += [row] * len(js)
                cols += js
                ub.append(float(S.bit_count()))
    return rows, cols, ub


def _build(inst, bonus):
    free = [r for r in range(inst.R)
            if inst.A[r] and inst.cap[inst.rb[r]] > 0 and inst.cap[inst.rs[r]] > 0]
    parts = sorted({p for r in free for p in (inst.rb[r], inst.rs[r])})
    prow = {p: i for i, p in enumerate(parts)}
    rows, cols, vals = [], [], []
    cost, upper = [], []
    for j, r in enumerate(free):
        cost.append(-(inst.rp[r] + (bonus if r in inst.hints else 0.0)))
        upper.append(1.0)
        rows += [prow[inst.rb[r]], prow[inst.rs[r]]]
        cols += [j, j]
        vals += [-1.0, -1.0]
    n_x = len(free)
    cover_cols = []
    group_of = {}
    groups = []
    for p in parts:
        if inst.is_buyer[p]:
            key = inst.fixed[p]
            if key not in group_of:
                group_of[key] = len(groups)
                groups.append([])
        arcs = []
        if p not in inst.pin_covered:
            arcs.append(1.0)
        rest = inst.cap[p] - len(arcs)
        if rest > 0:
            arcs.append(float(rest))
        for i, ub in enumerate(arcs):
            j = len(cost)
            is_cover = i == 0 and p not in inst.pin_covered
            if is_cover:
                cover_cols.append(j)
            cost.append(0.0)
            upper.append(ub)
            rows.append(prow[p])
            cols.append(j)
            vals.append(1.0)
            if inst.is_buyer[p]:
                groups[group_of[inst.fixed[p]]].append(j)
    # Tables a group of buyers can fill over the day.
    gcap = []
    for key, g in group_of.items():
        buyers = [p for p in parts if inst.is_buyer[p] and inst.fixed[p] == key]
        if key is None:
            cap = 0
            for t in range(inst.T):
                nb = sum(1 for b in buyers if inst.free[b] >> t & 1)
                cap += min(inst.fl_cap[t], nb)
        else:
            union = 0
            for b in buyers:
                union |= inst.free[b]
            cap = (union & ~inst.table_pin[key]).bit_count()
        gcap.append(float(cap))
    ub_rows, ub_cols = [], []
    for gi, g in enumerate(groups):
        ub_rows += [gi] * len(g)
        ub_cols += g
    n = len(cost)
    A_eq = coo_matrix((vals, (rows, cols)), shape=(len(parts), n)).tocsr()
    cut_rows, cut_cols, cut_ub = _hall_cuts(inst, free, len(groups))
    ub_rows += cut_rows
    ub_cols += cut_cols
    gcap += cut_ub
    A_ub = coo_matrix(([1.0] * len(ub_rows), (ub_rows, ub_cols)),
                      shape=(len(gcap), n)).tocsr()
    pmax = max((inst.rp[r] for r in free), default=1.0)
    flow_max = min(sum(gcap[: len(groups)]), len(free))
    return {
        "free": free, "n_x": n_x, "cost": np.array(cost), "upper": np.array(upper),
        "A_eq": A_eq, "A_ub": A_ub, "b_ub": np.array(gcap),
        "cover": np.array(cover_cols, dtype=int), "network_rows": len(groups),
        "weight": pmax * (flow_max + 1) + 1.0, "pin_cov": len(inst.pin_covered),
        "rp": np.array([inst.rp[r] for r in free]),
    }


def _solve(model, cost, extra=None, time_limit=None, cuts=True):
    A_ub, b_ub = model["A_ub"], model["b_ub"]
    if not cuts:
        k = model["network_rows"]
        A_ub, b_ub = A_ub[:k], b_ub[:k]
    if extra is not None:
        A_ub = vstack([A_ub, extra[0]]).tocsr()
        b_ub = np.concatenate([b_ub, extra[1]])
    options = {"presolve": True}
    if time_limit is not None:
        options["time_limit"] = max(1.0, float(time_limit))
    n = len(cost)
    res = linprog(cost, A_ub=A_ub if A_ub.shape[0] else None, b_ub=b_ub if A_ub.shape[0] else None,
                  A_eq=model["A_eq"], b_eq=np.zeros(model["A_eq"].shape[0]),
                  bounds=np.column_stack([np.zeros(n), model["upper"]]),
                  method="highs-ds", options=options)
    if res.x is None:
        return None
    return res


def _solve_integral(model, cost, time_limit):
    n = len(cost)
    constraints = [LinearConstraint(model["A_eq"], 0.0, 0.0)]
    if model["A_ub"].shape[0]:
        constraints.append(LinearConstraint(model["A_ub"], -np.inf, model["b_ub"]))
    options = {"presolve": True, "mip_rel_gap": 1e-12}
    if time_limit is not None:
        options["time_limit"] = max(1.0, float(time_limit))
    res = milp(cost, constraints=constraints, integrality=np.ones(n),
               bounds=Bounds(np.zeros(n), model["upper"]), options=options)
    return res if res.status == 0 and res.x is not None else None


def _bound_for_coverage(model, coverage, time_limit):
    n = len(model["cost"])
    if n == 0:
        return 0.0
    cost = np.zeros(n)
    cost[: model["n_x"]] = -model["rp"]
    row = np.zeros((1, n))
    row[0, model["cover"]] = -1.0
    res = _solve(model, cost, extra=(coo_matrix(row), np.array([-float(coverage)])),
                 time_limit=time_limit)
    if res is None or res.status != 0:
        return float(model["rp"].sum())
    # The dual bound of a finished simplex run equals its objective.
    return float(-res.fun) * (1 + 1e-9) + 1e-9


def solve_relaxation(inst, time_limit=None) -> Relaxation:
    """Solve the slot-free relaxation of ``inst`` lexicographically.

    Returns
    -------
    Relaxation
        ``selected`` requests (an integral optimum), ``coverage`` (an
        upper bound on participants met, pinned ones included) and
        ``priority`` (an upper bound on the free requests' total priority
        at that coverage).
    """
    gran = granularity(inst.rp)
    bonus = 0.5 * gran / (len(inst.hints) + 1) if inst.hints else 0.0
    model = _build(inst, bonus)
    n = len(model["cost"])
    pin_cov = model["pin_cov"]
    if n == 0:
        return Relaxation([], pin_cov, 0.0, 0.0, model)
    cost = model["cost"].copy()
    cost[model["cover"]] = -model["weight"]
    res = None
    if model["A_ub"].shape[0] > model["network_rows"]:
        res = _solve_integral(model, cost, time_limit)
    if res is None:
        res = _solve(model, cost, time_limit=time_limit, cuts=False)
    if res is None or res.status != 0:
        # No proof in time: fall back to trivially valid bounds.
        cover = len(model["cover"])
        return Relaxation([], pin_cov + cover, float(model["rp"].sum()), 0.0, model)
    x = res.x
    n_x = model["n_x"]
    selected = [model["free"][j] for j in range(n_x) if x[j] > 0.5]
    frac = np.abs(x - np.round(x)).max() if n else 0.0
    coverage = int(np.rint(x[model["cover"]].sum()))
    priority = float(np.dot(model["rp"], np.round(x[:n_x])))
    slack = bonus * len(inst.hints)
    if frac > _TOL:
        # Not expected on a network matrix; keep both bounds valid anyway.
        coverage = int(np.floor(x[model["cover"]].sum() + _TOL))
        priority = _bound_for_coverage(model, coverage, time_limit)
        slack = 0.0
    return Relaxation(selected, pin_cov + coverage, priority, slack, model)
