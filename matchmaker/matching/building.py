"""Building a corpus: postings read in batches, analysed, placed on the chain, indexed.

:func:`build_corpus` is what :meth:`Matcher.fit` runs for each side; with
``n_jobs`` it hands the analysis (and the inference of chain nodes) to worker
processes (:mod:`~matchmaker.matching.parallel`).
"""

from __future__ import annotations

import gc
import itertools

import numpy as np

from matchmaker.matching.corpus import Corpus, prepare
from matchmaker.matching.parallel import PoolAnalyser, effective_jobs

__all__ = ["BATCH", "NodeInference", "build_corpus", "chain_nodes"]

BATCH = 4096  # postings analysed together


class NodeInference:
    """Chain nodes of postings from their concept counts: a concept of the title is full
    evidence, one of the description half (counts of title terms are ``title_weight``)."""

    def __init__(self, inferrer, k, n_concepts, title_weight):
        self.inferrer, self.k, self.n_concepts, self.title_weight = (inferrer, k, n_concepts,
                                                                     title_weight)

    def __call__(self, counts):
        evidence = counts[:, :self.n_concepts] / self.title_weight
        return self.inferrer.top_nodes(evidence, self.k)


def chain_nodes(batch, infer: NodeInference):
    """Chain node columns and confidences of a prepared batch, shape ``(n, infer.k)``.

    Nodes given in ``chain_nodes`` have confidence 1; the others are
    inferred from the posting's concepts (the title says what is offered,
    the description also names context), or taken from a worker that did so.
    """
    k = infer.k
    n = len(batch)
    cols = np.full((n, k), -1, dtype=np.int32)
    conf = np.zeros((n, k), dtype=np.float32)
    todo = []
    for i, given in enumerate(batch.nodes):
        if given:
            m = min(k, len(given))
            cols[i, :m] = given[:m]
            conf[i, :m] = 1.0
        else:
            todo.append(i)
    if todo:
        done = batch.analysed.nodes
        if done is not None:  # inferred by a worker process
            inferred, confidence = done[0][todo], done[1][todo]
        else:
            inferred, confidence = infer(batch.analysed.counts[todo])
        width = inferred.shape[1]  # fewer than k when the graph has fewer nodes
        rows = np.asarray(todo)[:, None]
        cols[rows, np.arange(width)] = inferred
        conf[rows, np.arange(width)] = confidence
    return cols, conf


def build_corpus(records, kind, featurizer, node_columns, infer: NodeInference, *, n_jobs,
                 posting_budget) -> Corpus:
    """Index records of one kind (see :meth:`Matcher.fit`)."""
    # Indexing creates millions of objects none of which form cycles; the
    # cyclic garbage collector would only rescan them again and again.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _build(records, kind, featurizer, node_columns, infer, n_jobs, posting_budget)
    finally:
        if paused:
            gc.enable()


def _build(records, kind, featurizer, node_columns, infer, n_jobs, posting_budget):
    corpus = Corpus(kind, featurizer, infer.k)
    counts = []
    jobs = effective_jobs(n_jobs)
    pool = None
    if jobs > 1:  # workers only for more than two batches
        records = iter(records)
        head = list(itertools.islice(records, 2 * BATCH + 1))
        if len(head) > 2 * BATCH:
            pool = PoolAnalyser(featurizer, jobs, infer=infer)
        records = itertools.chain(head, records)
    try:
        for batch in prepare(records, kind, featurizer, node_columns, grow=True, batch=BATCH,
                             pool=pool):
            corpus.absorb(batch, *chain_nodes(batch, infer))
            counts.append(batch.analysed.counts)
    except BaseException:
        if pool is not None:
            pool.terminate()
        raise
    if pool is not None:
        pool.close()
    stacked = featurizer.fit(counts)
    rows = featurizer.weigh(stacked, copy=False)
    del stacked
    corpus.finish(rows, posting_budget)
    return corpus
