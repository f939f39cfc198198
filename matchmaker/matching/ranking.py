"""Ranking one query against an indexed corpus: candidates, fused score, reasons.

See :mod:`~matchmaker.matching.matcher` for the score; this module applies it
to one analysed query (a row of a prepared batch).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchmaker.matching.corpus import CAPABILITY
from matchmaker.matching.result import Match
from matchmaker.matching.scores import graph_scores, qualified_sets
from matchmaker.matching.weights import calibrate

__all__ = ["Settings", "rank_query"]


@dataclass(frozen=True, slots=True)
class Settings:
    """What a ranking needs of a matcher's parameters, resolved once per call."""

    graph_weight: float
    region_weight: float
    chain_confidence: float
    slope: float
    intercept: float
    n_candidates: int
    posting_budget: int


@dataclass(frozen=True, slots=True)
class Query:
    """One analysed query: its row of ``batch``, weights, attainable maximum and nodes."""

    batch: object
    i: int
    cols: np.ndarray
    vals: np.ndarray
    reach: float
    nodes: np.ndarray
    conf: np.ndarray


def _candidates(q: Query, target, top, s: Settings, among):
    """Documents with text evidence and their text scores in [0, 1]."""
    ok_sets = qualified_sets(target.kind == CAPABILITY, q.batch.quals[q.i],
                             target.qual_sets.values)
    qual_codes = target.qual_codes
    allowed = None if ok_sets is None else (lambda d: ok_sets[qual_codes[d]])
    if among is not None:
        docs = among[target.index.alive[among]]
        if allowed is not None and len(docs):
            docs = docs[allowed(docs)]
        text = target.index.dot(docs, q.cols, q.vals)
    else:
        target.index.posting_budget = s.posting_budget
        docs, text = target.index.search(q.cols, q.vals, max(s.n_candidates, top), allowed,
                                         priority=target.featurizer.column_weight_)
    has_text = text > 0
    return docs[has_text], np.minimum(text[has_text] / np.float32(q.reach), 1.0)


def rank_query(q: Query, target, top, s: Settings, proximity, explainer, among=None):
    """The best ``top`` postings of ``target`` for query ``q``, as :class:`Match` objects.

    ``among`` (document numbers) scores those postings only instead of
    searching the index.
    """
    if q.reach <= 0:
        return []  # nothing indexable in the query: no text evidence for any pair
    docs, text = _candidates(q, target, top, s, among)
    if len(docs) == 0:
        return []
    min_conf = s.chain_confidence
    if s.graph_weight > 0:
        d_nodes, d_conf = target.node_cols[docs], target.node_conf[docs]
        graph = graph_scores(proximity, np.where(q.conf >= min_conf, q.nodes, -1), q.conf,
                             np.where(d_conf >= min_conf, d_nodes, -1), d_conf)
    else:
        graph = np.zeros(len(docs), dtype=np.float32)
    region = q.batch.regions[q.i]
    rcode = target.regions.get(region) if region is not None else None
    same_region = (target.region_codes[docs] == rcode) if rcode is not None \
        and s.region_weight > 0 else np.zeros(len(docs), dtype=bool)
    raw = text + s.graph_weight * graph + s.region_weight * same_region
    k = min(top, len(docs))
    best = np.argpartition(-raw, k - 1)[:k] if k < len(docs) else np.arange(len(docs))
    # Ties broken by id so that a ranking is reproducible.
    best = sorted(best, key=lambda j: (-raw[j], target.ids[docs[j]]))
    best_docs = docs[best]
    reasons = explainer.explain(q.batch, q.i, q.cols, q.vals, q.nodes, q.conf, target,
                                best_docs, same_region[best], (s.graph_weight * graph[best]) > 0,
                                min_conf)
    scores = calibrate(raw[best], s.slope, s.intercept)
    return [Match(target.ids[d], round(float(sc), 4), r, target.kind)
            for sc, d, r in zip(scores, best_docs, reasons)]
