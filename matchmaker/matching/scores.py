"""The non-text parts of a pair's score: chain proximity, title heads, qualifications."""

from __future__ import annotations

import numpy as np

__all__ = ["graph_scores", "head_scores", "qualified_sets"]


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


def head_scores(q_concepts, q_heads, d_heads, contains) -> np.ndarray:
    """Agreement on what the two postings are about, in [0, 1].

    Half is the share of a candidate's head concepts that the query names,
    half the share of the query's head concepts that the candidate names
    (see :func:`~matchmaker.matching.concepts.heads`). A posting without
    heads scores 0 on its half.

    Parameters
    ----------
    q_concepts : ndarray
        Concepts of the query.
    q_heads : ndarray
        Head concepts of the query (-1 = none).
    d_heads : ndarray, shape (n_docs, HEADS)
        Head concepts of each candidate (-1 = none).
    contains : callable
        ``contains(concepts) -> bool mask``: which candidates name any of them.
    """
    valid = d_heads >= 0
    n_heads = valid.sum(axis=1)
    named = (np.isin(d_heads, q_concepts) & valid).sum(axis=1)
    named = np.divide(named, n_heads, out=np.zeros(len(d_heads)), where=n_heads > 0)
    q_heads = q_heads[q_heads >= 0]
    covered = np.zeros(len(d_heads))
    for h in q_heads:
        covered += contains(np.asarray([h]))
    if len(q_heads):
        covered /= len(q_heads)
    return 0.5 * named + 0.5 * covered


def qualified_sets(query_is_demand, query_quals, target_sets) -> np.ndarray | None:
    """Which of the target's distinct qualification sets may be paired with the query.

    For a demand (``query_quals`` = required keys) against capabilities
    (``target_sets`` = held keys, implications included), a capability
    qualifies when it holds every required key; for a capability (held keys)
    against demands (required keys), the converse. Returns ``None`` when
    nothing is excluded.
    """
    if query_is_demand:
        if not query_quals:
            return None
        return np.fromiter((query_quals <= held for held in target_sets), dtype=bool,
                           count=len(target_sets))
    return np.fromiter((required <= query_quals for required in target_sets), dtype=bool,
                       count=len(target_sets))
