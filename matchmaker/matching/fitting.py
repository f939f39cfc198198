"""Fitting the engine's weights on labelled sets, and judging them on other sets.

What fits one labelled set is worth nothing on another chain with other
wording, so every choice is made by cross-validation *across sets*: the
weights used to score a set are fitted on the other sets only
(:func:`cross_validate`). The weights shipped in ``matching/weights.json``
are fitted on all sets (:func:`fit_weights`, ``matchmaker tune``).

The search is coordinate ascent on mean NDCG@10 (Metzler & Croft's method
for linear ranking functions): one parameter at a time over a small grid,
the others held, until a full pass changes nothing. Index parameters
(``concept_weight``, ``node_terms_weight``, ``k1``, ``b``) need a refit per value; the rank-time
weights do not. The objective is the mean over sets of each set's mean
NDCG@10, so a large set does not drown a small one.

The calibration maps a pair's raw score to the chance that it is a right or
adjacent product (grade 2 or 3): a logistic regression on the raw scores of
the top 20 candidates of every demand of the sets.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchmaker.matching.evaluate import engine_rankings, per_demand_ndcg

__all__ = ["GRID", "CrossValidated", "calibration", "cross_validate", "fit_weights"]

#: Values tried per parameter.
GRID = {
    "concept_weight": (0.5, 1.0, 1.5, 2.0, 3.0),
    "node_terms_weight": (0.0, 0.25, 0.5, 1.0),
    "k1": (0.9, 1.2, 1.5, 2.0),
    "b": (0.5, 0.6, 0.75, 0.9),
    "graph_weight": (0.0, 0.02, 0.05, 0.1),
    "chain_confidence": (0.6, 0.8, 1.0),
    "region_weight": (0.0, 0.01, 0.03),
}
MIN_GAIN = 0.003
INDEX_PARAMS = ("concept_weight", "node_terms_weight", "k1", "b")
START = {"concept_weight": 1.0, "node_terms_weight": 0.0, "k1": 1.5, "b": 0.75, "graph_weight": 0.0,
         "chain_confidence": 1.0, "region_weight": 0.0}


class _Scorer:
    """Mean NDCG@10 of parameter settings on some sets; fitted matchers cached per index
    setting."""

    def __init__(self, datasets, progress=None):
        self.datasets = list(datasets)
        self._fitted: dict = {}
        self._seen: dict = {}
        self.progress = progress

    def _matcher(self, ds_index, params):
        from matchmaker.matching.matcher import Matcher

        key = (ds_index, tuple(params[k] for k in INDEX_PARAMS))
        m = self._fitted.get(key)
        if m is None:
            ds = self.datasets[ds_index]
            m = Matcher(**{k: params[k] for k in INDEX_PARAMS}).fit(ds.capabilities, ds.chains)
            self._fitted[key] = m
        return m.set_params(**{k: v for k, v in params.items() if k not in INDEX_PARAMS})

    def __call__(self, params) -> float:
        key = tuple(sorted(params.items()))
        if key not in self._seen:
            means = []
            for i, ds in enumerate(self.datasets):
                ranked = engine_rankings(ds, matcher=self._matcher(i, params))
                means.append(float(np.mean(per_demand_ndcg(ranked, ds))))
            self._seen[key] = float(np.mean(means))
            if self.progress is not None:
                self.progress()
        return self._seen[key]


def fit_weights(datasets, *, grid=None, start=None, max_passes=4, min_gain=MIN_GAIN,
                progress=None):
    """Parameters maximising mean NDCG@10 over ``datasets`` (coordinate ascent).

    Parameters
    ----------
    datasets : list of Dataset
    grid : dict, optional
        Parameter -> candidate values (default :data:`GRID`).
    start : dict, optional
        Starting point (default :data:`START`).
    max_passes : int
    min_gain : float
        A change is kept only when it raises the objective by more than this:
        on a few dozen demands, smaller differences are noise, and following
        them fits the sets rather than the method.
    progress : callable, optional
        Called after each new setting is scored.

    Returns
    -------
    params : dict
    score : float
        Mean over the sets of mean NDCG@10.
    """
    grid = GRID if grid is None else grid
    params = dict(START if start is None else start)
    score = _Scorer(datasets, progress)
    best = score(params)
    for _ in range(max_passes):
        changed = False
        for name, values in grid.items():
            for value in values:
                if value == params[name]:
                    continue
                trial = {**params, name: value}
                s = score(trial)
                if s > best + min_gain:
                    best, params, changed = s, trial, True
        if not changed:
            break
    return params, best


def calibration(datasets, params, *, top=20) -> dict:
    """Logistic calibration of raw scores: ``{"slope": a, "intercept": b}``."""
    from sklearn.linear_model import LogisticRegression

    from matchmaker.matching.matcher import Matcher

    xs, ys = [], []
    for ds in datasets:
        m = Matcher(**params, calibration={"slope": 1.0, "intercept": 0.0}).fit(
            ds.capabilities, ds.chains)
        for d, ranked in zip(ds.demands, m.rank(ds.demands, top=top)):
            grades = ds.qrels.get(d["id"], {})
            for match in ranked:
                # identity calibration: the score is the logistic of the raw score
                p = min(max(match.score, 1e-9), 1 - 1e-9)
                xs.append(np.log(p / (1 - p)))
                ys.append(grades.get(match.id, 0) >= 2)
    if len(set(ys)) < 2:
        return {"slope": 10.0, "intercept": -2.0}
    model = LogisticRegression(C=100.0).fit(np.asarray(xs)[:, None], np.asarray(ys))
    return {"slope": round(float(model.coef_[0, 0]), 4),
            "intercept": round(float(model.intercept_[0]), 4)}


@dataclass
class CrossValidated:
    """Per set: the parameters fitted on the other sets and the per-demand NDCG@10 with them."""

    names: list
    params: list
    ndcg: list  # per set, array of per-demand NDCG@10


def cross_validate(datasets, names, *, progress=None) -> CrossValidated:
    """Score each set with weights fitted on the others (leave one set out)."""
    if len(datasets) < 2:
        raise ValueError("cross-validation across sets needs at least two sets")
    from matchmaker.matching.matcher import Matcher

    params_out, ndcg_out = [], []
    for i, ds in enumerate(datasets):
        others = [d for j, d in enumerate(datasets) if j != i]
        params, _ = fit_weights(others, progress=progress)
        m = Matcher(**params).fit(ds.capabilities, ds.chains)
        params_out.append(params)
        ndcg_out.append(per_demand_ndcg(engine_rankings(ds, matcher=m), ds))
    return CrossValidated(list(names), params_out, ndcg_out)
