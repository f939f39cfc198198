"""Choosing score weights on labelled data, and checking them on held-out demands.

Weights tuned on the very demands they are judged on flatter the engine.
:func:`held_out` splits the demands in two halves, tunes the weights on one
half, scores the other with them, then swaps the halves: every demand is
scored by weights that never saw it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from matchmaker.matching.evaluate import (
    Dataset,
    Scores,
    bm25_baseline,
    engine_rankings,
    score_rankings,
    tfidf_bigram_baseline,
)

__all__ = ["DEFAULT_GRID", "HeldOut", "held_out", "split_demands", "tune"]

#: Weight grid searched by :func:`tune` (text weight is 1 minus the others).
DEFAULT_GRID = {
    "graph_weight": (0.1, 0.2, 0.3),
    "head_weight": (0.1, 0.2, 0.3),
    "region_weight": (0.0, 0.05, 0.1),
}


def _combinations(grid):
    names = list(grid)
    for values in itertools.product(*(grid[n] for n in names)):
        params = dict(zip(names, values))
        rest = 1.0 - sum(params.values())
        if rest <= 0.05:
            continue
        params["text_weight"] = round(rest, 4)
        yield params


def tune(dataset: Dataset, grid=None, matcher=None):
    """Best rank-time weights on ``dataset`` by mean NDCG@10.

    Parameters
    ----------
    dataset : Dataset
    grid : dict, optional
        Parameter name -> candidate values; defaults to :data:`DEFAULT_GRID`.
    matcher : Matcher, optional
        A matcher already fitted on ``dataset``'s capabilities; weights are
        set on it (no refit is needed for them).

    Returns
    -------
    params : dict
    scores : Scores
    """
    from matchmaker.matching.matcher import Matcher

    if matcher is None:
        matcher = Matcher().fit(dataset.capabilities, dataset.chains)
    best = None
    for params in _combinations(grid or DEFAULT_GRID):
        matcher.set_params(**params)
        scores = score_rankings(engine_rankings(dataset, matcher=matcher), dataset)
        key = (round(scores.ndcg, 6), round(scores.mrr, 6))
        if best is None or key > best[0]:
            best = (key, params, scores)
    return best[1], best[2]


def split_demands(dataset: Dataset, random_state=0):
    """Two halves of the demand ids, shuffled with ``random_state``."""
    rng = np.random.default_rng(random_state)
    ids = [d["id"] for d in dataset.demands]
    order = rng.permutation(len(ids))
    half = len(ids) // 2
    return [ids[i] for i in sorted(order[:half])], [ids[i] for i in sorted(order[half:])]


@dataclass
class HeldOut:
    """Scores of each half with weights tuned on the other half."""

    halves: tuple
    tuned_params: tuple          # params tuned on half 0, on half 1
    engine_tuned: tuple          # Scores of half 0 (tuned on 1), of half 1 (tuned on 0)
    engine_default: tuple
    tfidf: tuple
    bm25: tuple

    @staticmethod
    def mean(pair) -> Scores:
        a, b = pair
        n = a.n + b.n
        return Scores((a.ndcg * a.n + b.ndcg * b.n) / n, (a.mrr * a.n + b.mrr * b.n) / n,
                      (a.recall * a.n + b.recall * b.n) / n, n)


def held_out(dataset: Dataset, *, random_state=0, grid=None) -> HeldOut:
    """Two-fold held-out evaluation over the demands (see module docstring)."""
    from matchmaker.matching.matcher import Matcher

    halves = split_demands(dataset, random_state)
    parts = [dataset.subset(h) for h in halves]
    default = Matcher()
    defaults = default.get_params()
    fitted = Matcher().fit(dataset.capabilities, dataset.chains)
    tuned = [tune(p, grid, fitted)[0] for p in parts]
    engine_tuned, engine_default, tfidf, bm25 = [], [], [], []
    for i, part in enumerate(parts):
        fitted.set_params(**tuned[1 - i])
        engine_tuned.append(score_rankings(engine_rankings(part, matcher=fitted), part))
        fitted.set_params(**{k: defaults[k] for k in tuned[1 - i]})
        engine_default.append(score_rankings(engine_rankings(part, matcher=fitted), part))
        tfidf.append(score_rankings(tfidf_bigram_baseline(part), part))
        bm25.append(score_rankings(bm25_baseline(part), part))
    return HeldOut(tuple(halves), tuple(tuned), tuple(engine_tuned), tuple(engine_default),
                   tuple(tfidf), tuple(bm25))
