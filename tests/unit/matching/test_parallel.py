"""Fitting with worker processes (n_jobs) gives the rankings of one process."""
import os

import numpy as np
import pytest

from matchmaker.matching import Matcher
from matchmaker.matching.batch import (
    GROUP_CJK,
    GROUP_NUMBER,
    GROUP_WORD,
    TokenVocabulary,
)
from matchmaker.matching.parallel import effective_jobs


def test_n_jobs_follows_scikit_learn_convention():
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert effective_jobs(None) == 1
    assert effective_jobs(3) == 3
    assert effective_jobs(-1) == cores
    for bad in (0, 1.5, "2", True):
        with pytest.raises(ValueError, match="n_jobs"):
            effective_jobs(bad)


def test_merged_tokens_keep_their_ids_and_new_ones_are_added_once():
    vocab = TokenVocabulary()
    first = vocab.merge(["光伏", "topcon", "200wh/kg"], [GROUP_CJK, GROUP_WORD, GROUP_NUMBER])
    again = vocab.merge(["组件", "topcon", "光伏"], [GROUP_CJK, GROUP_WORD, GROUP_CJK])
    assert again[1] == first[1] and again[2] == first[0]
    assert len(vocab) == 4 and vocab.id_of("组件") == again[0] and vocab.id_of("光伏") == first[0]


def _many(capabilities, n):
    """``n`` capabilities: titles of dev capabilities with descriptions of others."""
    out, m = [], len(capabilities)
    for k in range(n):
        c = dict(capabilities[k % m])
        other = capabilities[(k // m * 7 + k) % m]
        c["id"] = f"{c['id']}-{k}"
        c["description"] = f"{other.get('description') or ''} 批次{k % 97} lot {k % 89}"
        out.append(c)
    return out


def test_two_processes_rank_like_one(dev_capabilities, dev_demands, dev_graph):
    records = _many(dev_capabilities, 2 * 4096 + 500)  # enough for the workers to start
    one = Matcher().fit(records, dev_graph)
    two = Matcher(n_jobs=2).fit(iter(records), dev_graph)
    assert len(two.capabilities_.featurizer.vocabulary_) == len(
        one.capabilities_.featurizer.vocabulary_)
    checked = 0
    for a, b in zip(one.rank(dev_demands[:20], top=10), two.rank(dev_demands[:20], top=10)):
        scores = np.array([m.score for m in a])
        assert np.allclose(scores, [m.score for m in b], atol=1e-5)
        # The copies differ only in their lot numbers: where scores tie, rounding may
        # order them either way; elsewhere the order is the same.
        gaps = np.diff(scores, prepend=np.inf, append=-np.inf)
        for k in np.flatnonzero((-gaps[:-1] > 1e-4) & (-gaps[1:] > 1e-4)):
            assert a[k].id == b[k].id and a[k].reasons == b[k].reasons
            checked += 1
    assert checked >= 20


def test_a_bad_record_stops_the_workers_with_the_usual_error(dev_capabilities, dev_graph):
    records = _many(dev_capabilities, 2 * 4096 + 500)
    records[-1] = {"title": "no id"}
    from matchmaker.matching.errors import InvalidRecordError

    with pytest.raises(InvalidRecordError, match="has no id"):
        Matcher(n_jobs=2).fit(records, dev_graph)


def test_workers_end_on_terminate_whatever_sigterm_handler_the_caller_has(dev_capabilities, dev_graph):
    """A process that served RQ jobs has RQ's SIGTERM handler (a warm shutdown that returns); workers forked
    from it must still end when the pool is terminated, or stopping a fit on a bad record hangs."""
    import signal
    import threading
    import time

    from matchmaker.matching.parallel import PoolAnalyser, _context
    if _context().get_start_method() != "fork":
        pytest.skip("the workers inherit the handler only when forked")
    previous = signal.signal(signal.SIGTERM, lambda *_: None)
    try:
        featurizer = Matcher().fit(dev_capabilities[:50], dev_graph).capabilities_.featurizer
        analyser = PoolAnalyser(featurizer, 2)
        pids = [p.pid for p in analyser._pool._pool]
        busy = [analyser._pool.apply_async(time.sleep, (30,)) for _ in pids]  # workers in the middle of work
        time.sleep(0.5)
        stopping = threading.Thread(target=analyser.terminate, daemon=True)
        stopping.start()
        stopping.join(10)
        if stopping.is_alive():  # the workers ignored SIGTERM: end them so the test run goes on, then fail
            for pid in pids:
                os.kill(pid, signal.SIGKILL)
            stopping.join(10)
            pytest.fail("terminate() did not end the workers within 10 s")
        assert not any(job.ready() for job in busy)
        for pid in pids:
            with pytest.raises(ChildProcessError):
                os.waitpid(pid, os.WNOHANG)  # reaped: the worker is gone
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_workers_start_clean_beside_other_threads(dev_capabilities, dev_graph):
    """A server or browser driver runs threads; forking beside them can deadlock."""
    import threading

    from matchmaker.matching.parallel import _context

    matcher = Matcher(n_jobs=2)
    records = _many(dev_capabilities, 2 * 4096 + 10)
    release = threading.Event()
    lock = threading.Lock()

    def busy():  # another thread, holding a lock, as a server's would
        with lock:
            release.wait(60)

    threading.Thread(target=busy, daemon=True).start()
    done = []
    worker = threading.Thread(target=lambda: done.append(matcher.fit(records, dev_graph)),
                              daemon=True)
    worker.start()
    worker.join(120)
    assert _context().get_start_method() != "fork"  # threads running: never forked
    release.set()
    assert done, "fitting with worker processes hung"
    assert len(done[0].capabilities_) == len(records)
