"""The non-text parts of a pair's score: chain proximity and the qualification filter."""

from __future__ import annotations

import numpy as np

from matchmaker.domain.qualifications import meets

__all__ = ["graph_scores", "qualified_sets"]


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
