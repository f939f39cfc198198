"""Analysing batches of postings in worker processes (``Matcher(n_jobs=...)``).

Analysis (normalising, cutting tokens, finding concepts) is most of the cost
of indexing and each batch is independent of the others but for the token
vocabulary. Each worker keeps a vocabulary of its own and sends back, with
every analysed batch, the tokens it met for the first time; the parent maps
them onto the shared vocabulary and renumbers the batch's columns. The parent
meanwhile reads records and does the per-record bookkeeping, so reading,
analysing and indexing overlap. Workers are forked only from a process
running no other thread; otherwise they start from a fork server.

Results are the same as with one process up to the order of token columns
(which worker first meets a token is not fixed), so scores can differ in
floating-point rounding only.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections import deque

import numpy as np
from scipy import sparse

from matchmaker.matching.batch import TokenVocabulary, analyse

__all__ = ["PoolAnalyser", "effective_jobs"]

_state: dict = {}


def effective_jobs(n_jobs) -> int:
    """Worker count for an ``n_jobs`` parameter (scikit-learn's convention).

    ``None`` or 1 is one process; a negative value counts back from the
    available cores (-1 = all of them).
    """
    if n_jobs is None:
        return 1
    if not isinstance(n_jobs, int) or isinstance(n_jobs, bool) or n_jobs == 0:
        raise ValueError(f"n_jobs must be a non-zero integer or None, got {n_jobs!r}")
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, cores + 1 + n_jobs) if n_jobs < 0 else n_jobs


def _start(concepts, title_weight, infer, bridge):
    # A forked worker inherits its parent's Python signal handlers (an RQ worker's SIGTERM handler asks
    # for a warm shutdown and returns): the pool's terminate() must end the worker all the same.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _state.update(concepts=concepts, title_weight=title_weight, infer=infer, bridge=bridge,
                  vocab=TokenVocabulary(), sent=0)


def _analyse(titles, bodies):
    vocab = _state["vocab"]
    out = analyse(titles, bodies, _state["concepts"], vocab, grow=True,
                  title_weight=_state["title_weight"], bridge=_state["bridge"])
    if _state["infer"] is not None:
        out.nodes = _state["infer"](out.counts)
    first = _state["sent"]
    _state["sent"] = len(vocab)
    return os.getpid(), first, vocab.tokens[first:], vocab.groups[first:], out


def _context():
    """How to start workers: forked when this process runs no other thread (fast: the
    workers share what is loaded); otherwise from a fork server (or spawned), because a
    child forked while another thread (a web server's, a browser driver's) holds a lock
    waits for it forever."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


class PoolAnalyser:
    """Analyse batches in ``n_jobs`` processes, results in submission order.

    Parameters
    ----------
    featurizer : Featurizer
        Its concept index is sent to the workers, its vocabulary receives the
        tokens they meet.
    n_jobs : int
        Worker processes (at least 2).
    infer : callable, optional
        ``infer(counts) -> (node columns, confidences)`` of a batch's postings,
        run in the workers too (see ``Matcher._nodes``); must be picklable.
    """

    def __init__(self, featurizer, n_jobs, infer=None):
        self.featurizer = featurizer
        self.depth = 2 * n_jobs  # batches in flight: enough to keep every worker busy
        self._pool = _context().Pool(n_jobs, initializer=_start,
                                     initargs=(featurizer.concepts, int(featurizer.title_weight),
                                               infer, featurizer.bridge))
        self._maps: dict[int, np.ndarray] = {}

    def submit(self, titles, bodies):
        return self._pool.apply_async(_analyse, (titles, bodies))

    def result(self, pending):
        """The :class:`~matchmaker.matching.batch.Analysed` of a submitted batch,
        its columns in the shared vocabulary."""
        pid, first, tokens, groups, out = pending.get()
        vocab = self.featurizer.vocabulary_
        mapping = self._maps.get(pid, np.empty(0, dtype=np.int64))
        if first != len(mapping):  # pragma: no cover - results of one worker arrive in order
            raise RuntimeError("worker vocabulary out of step")
        if tokens:
            mapping = np.concatenate([mapping, vocab.merge(tokens, groups)])
            self._maps[pid] = mapping
        n_concepts = self.featurizer.n_concepts
        counts = out.counts
        cols = counts.indices.astype(np.int64)
        token = cols >= n_concepts
        cols[token] = mapping[cols[token] - n_concepts] + n_concepts
        remapped = sparse.csr_array((counts.data, cols.astype(np.int32), counts.indptr),
                                    shape=(counts.shape[0], n_concepts + len(vocab)))
        remapped.sort_indices()
        out.counts = remapped
        return out

    def close(self):
        self._pool.close()
        self._pool.join()

    def terminate(self):
        self._pool.terminate()
        self._pool.join()


def pipelined(batches, analyser):
    """Yield ``(item, analysed)`` for ``(item, titles, bodies)`` batches, analysing
    up to ``analyser.depth`` of them ahead."""
    pending: deque = deque()
    for item, titles, bodies in batches:
        pending.append((item, analyser.submit(titles, bodies)))
        if len(pending) > analyser.depth:
            item, job = pending.popleft()
            yield item, analyser.result(job)
    while pending:
        item, job = pending.popleft()
        yield item, analyser.result(job)
