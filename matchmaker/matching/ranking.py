"""Ranking one query against an indexed corpus: candidates, fused score, reasons.

See :mod:`~matchmaker.matching.matcher` for the score; this module applies it
to one analysed query (a row of a prepared batch).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from matchmaker.matching.corpus import CAPABILITY
from matchmaker.matching.result import Match
from matchmaker.matching.scores import graph_scores, qualified_sets_of
from matchmaker.matching.weights import calibrate

__all__ = ["EXHAUSTIVE_LIMIT", "Restriction", "Settings", "rank_query"]


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


#: A restriction leaving at most this many postings is scored exhaustively
#: (exact, and cheaper than a search that would mostly read excluded postings).
EXHAUSTIVE_LIMIT = 20_000
#: How far the search's posting budget may grow to find enough postings of a
#: broad restriction (multiples of the budget).
MAX_BUDGET_GROWTH = 8


@dataclass(frozen=True, slots=True)
class Restriction:
    """Postings a ranking may return (a page's filters, a fair's participants).

    ``docs`` are document numbers; ``exhaustive`` scores every one of them
    instead of searching (used for a fair's short lists).
    """

    docs: np.ndarray
    exhaustive: bool = False


def _candidates(q: Query, target, top, s: Settings, among: Restriction | None):
    """Documents with text evidence and their text scores in [0, 1]."""
    ok_sets = qualified_sets_of(target.kind == CAPABILITY, q.batch.quals[q.i], target.qual_sets)
    qual_codes = target.qual_codes
    allowed = None if ok_sets is None else (lambda d: ok_sets[qual_codes[d]])
    index = target.index
    if among is not None and (among.exhaustive or len(among.docs) <= EXHAUSTIVE_LIMIT):
        docs = among.docs[index.alive[among.docs]]
        if allowed is not None and len(docs):
            docs = docs[allowed(docs)]
        text = index.dot(docs, q.cols, q.vals)
    else:
        budget = s.posting_budget
        if among is not None:
            # Only the restricted postings count: the search reads more of each
            # posting list so as to meet about as many of them as it would meet
            # postings without the restriction.
            mask = np.zeros(index.n_docs, dtype=bool)
            mask[among.docs] = True
            share = max(len(among.docs) / max(index.n_docs, 1), 1.0 / MAX_BUDGET_GROWTH)
            budget = int(budget / share)
            qual_ok = allowed
            allowed = (lambda d: mask[d]) if qual_ok is None else (lambda d: mask[d] & qual_ok(d))
        index.posting_budget = budget
        docs, text = index.search(q.cols, q.vals, max(s.n_candidates, top), allowed,
                                  priority=target.featurizer.column_weight_)
        if among is not None and len(docs) < top:
            # the search read too little to meet enough of a rare restriction: score all of it
            return _candidates(q, target, top, s, Restriction(among.docs, exhaustive=True))
    has_text = text > 0
    return docs[has_text], np.minimum(text[has_text] / np.float32(q.reach), 1.0)


def rank_query(q: Query, target, top, s: Settings, proximity, explainer, among=None):
    """The best ``top`` postings of ``target`` for query ``q``, as :class:`Match` objects.

    ``among`` (a :class:`Restriction`) keeps the ranking to those postings:
    the restriction applies before the best ``top`` are chosen, so a narrow
    one still yields ``top`` matches when that many postings qualify.
    ``explainer`` None leaves the matches' reasons empty.
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
    if k < len(docs):
        # Every posting tied with the k-th is kept for the tie-break below, so
        # which of them make the cut does not depend on their order in memory.
        cut = -np.partition(-raw, k - 1)[k - 1]
        best = np.flatnonzero(raw >= cut)
    else:
        best = np.arange(len(docs))
    # Ties broken by id so that a ranking is reproducible.
    ids = target.ids
    order = np.lexsort((np.array([ids[d] for d in docs[best]]), -raw[best]))
    best = best[order[:k]]
    best_docs = docs[best]
    if explainer is None:
        reasons = [()] * len(best_docs)
    else:
        reasons = explainer.explain(q.batch, q.i, q.cols, q.vals, q.nodes, q.conf, target,
                                    best_docs, same_region[best], (s.graph_weight * graph[best]) > 0,
                                    min_conf)
    scores = calibrate(raw[best], s.slope, s.intercept)
    return [Match(target.ids[d], round(float(sc), 4), r, target.kind)
            for sc, d, r in zip(scores, best_docs, reasons)]
