"""The non-text parts of a pair's score: chain proximity and the qualification filter."""

from __future__ import annotations

import numpy as np

from matchmaker.domain.qualifications import meets

__all__ = ["graph_scores", "qualified_sets", "qualified_sets_of"]


def graph_scores(proximity, q_nodes, q_conf, d_nodes, d_conf) -> np.ndarray:
    """Best confidence-weighted chain proximity of a query to each candidate.

    Parameters
    ----------
    proximity : ndarray, shape (n_nodes, n_nodes)
        Pairwise proximity of the graph's nodes.
    q_nodes, q_conf : ndarray, shape (k,)
        The query's node columns (-1 = none) and their confidences.
    d_nodes, d_conf : ndarray, shape (n_docs, k)
        The same for each candidate.

    Returns
    -------
    ndarray of float32, shape (n_docs,)
        ``max proximity(q, d) * confidence(q) * confidence(d)`` over node pairs.
    """
    qm = q_nodes >= 0
    if not qm.any() or len(d_nodes) == 0:
        return np.zeros(len(d_nodes), dtype=np.float32)
    qn, qc = q_nodes[qm], q_conf[qm]
    valid = d_nodes >= 0
    prox = proximity[qn][:, np.where(valid, d_nodes, 0)]  # (query nodes, docs, k)
    prox = prox * qc[:, None, None] * np.where(valid, d_conf, 0.0)[None]
    return prox.max(axis=(0, 2)).astype(np.float32)


def qualified_sets(query_is_demand, query_quals, target_sets) -> np.ndarray | None:
    """Which of the target's distinct qualification sets may be paired with the query.

    For a demand (``query_quals`` = required keys) against capabilities
    (``target_sets`` = held keys, implications included), a capability
    qualifies when it meets every requirement; for a capability (held keys)
    against demands (required keys), the converse. Whether requirements are
    met is :func:`~matchmaker.domain.qualifications.meets`, the rule the site
    applies too. Returns ``None`` when nothing is excluded.
    """
    if query_is_demand:
        if not query_quals:
            return None
        return np.fromiter((meets(query_quals, held) for held in target_sets), dtype=bool,
                           count=len(target_sets))
    return np.fromiter((meets(required, query_quals) for required in target_sets), dtype=bool,
                       count=len(target_sets))


#: Distinct queries whose answers an interner keeps (past this many they are forgotten at once).
QUALIFIED_MEMO_SIZE = 4096


def qualified_sets_of(query_is_demand, query_quals, interner) -> np.ndarray | None:
    """:func:`qualified_sets` against the distinct sets of ``interner`` (an append-only
    :class:`~matchmaker.matching.corpus.Interner`), kept with it per query.

    A corpus of 225,000 capabilities holds thousands of distinct qualification sets,
    and most queries ask with one of a few requirement sets: each answer is worked
    out once, and only for the sets added since when the corpus grows.
    """
    if query_is_demand and not query_quals:
        return None
    values = interner.values
    n = len(values)
    key = (bool(query_is_demand), query_quals)
    known = interner.memo.get(key)
    if known is not None and len(known) == n:
        return known
    start = 0 if known is None else len(known)
    fresh = qualified_sets(query_is_demand, query_quals, values[start:n])
    answer = fresh if known is None else np.concatenate([known, fresh])
    if len(interner.memo) >= QUALIFIED_MEMO_SIZE:
        interner.memo.clear()
    interner.memo[key] = answer
    return answer
