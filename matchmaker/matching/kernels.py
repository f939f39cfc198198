"""Compiled inner loops of the analysis (Numba), with the arrays they work on.

Indexing a million postings means scanning over a hundred million characters.
The vectorised NumPy versions of these scans make a dozen passes over arrays
as long as the text; a compiled loop makes one. Where a NumPy or plain-Python
reference exists, tests hold the kernel to it.

Kernels are compiled on first use and cached on disk (``cache=True``), so
only the first run after an install pays for compilation.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["accumulate", "cjk_tokens", "csr_arrays", "latin_runs", "resolve_hits",
           "term_candidates"]


@functools.cache
def _compiled():
    from matchmaker.matching import _jit

    return _jit.scan_terms, _jit.runs, _jit.cjk, _jit.csr, _jit.resolve_hits, _jit.accumulate


def accumulate(indices, data, lo, hi, weight, buf, mark):
    """Partial scores of the documents in posting-list ranges ``lo[s]:hi[s]``.

    Each range's entries count ``weight[s]`` times their stored weight.
    ``buf`` (float32) and ``mark`` (bool), one entry per document, must be
    zero and are left so. Returns the documents touched and their scores.
    """
    return _compiled()[5](indices, data, lo, hi, weight, buf, mark)


def resolve_hits(doc, end, concept, amb_hit, amb_sense, n_concepts):
    """Concept hits of a scan, in text order, nested repeats dropped.

    Parameters
    ----------
    doc, end : ndarray
        Posting and end of each term hit (hits sorted by start, longest first).
    concept : ndarray
        Concept of each hit, -1 for an ambiguous term.
    amb_hit, amb_sense : ndarray of int64
        The accepted senses of the ambiguous hits, sorted by hit then sense.
    n_concepts : int

    Returns
    -------
    hit, concept : ndarray of int64
        The hit each kept entry comes from (repeated for several senses) and its concept.
    """
    return _compiled()[4](np.ascontiguousarray(doc, dtype=np.int64),
                          np.ascontiguousarray(end, dtype=np.int64),
                          np.ascontiguousarray(concept, dtype=np.int64), amb_hit, amb_sense,
                          int(n_concepts))


def csr_arrays(rows, cols, vals, n_rows):
    """``indptr, indices, data`` (int32, int32, float32) of the sparse matrix with
    ``vals`` at ``(rows, cols)``: columns sorted in each row, repeated entries added."""
    return _compiled()[3](np.ascontiguousarray(rows, dtype=np.int64),
                          np.ascontiguousarray(cols, dtype=np.int64),
                          np.ascontiguousarray(vals, dtype=np.float32), int(n_rows))


def cjk_tokens(cp, doc_start, doc_len, title_len, excluded, table):
    """CJK bigrams and single characters of postings joined in ``cp``, in one pass.

    Parameters
    ----------
    cp : ndarray of uint32
        Code points of the postings' normalised texts joined by newlines.
    doc_start, doc_len, title_len : ndarray of int64
        Where each posting starts, its length and its title's length.
    excluded : ndarray of int64
        Sorted positions of Latin letters not to treat as leading a CJK run.
    table : vocabulary._KeyTable
        Known keys, looked up in the same pass.

    Returns
    -------
    doc, key, id, in_title : ndarray
        One entry per token: its posting, key (``first << 21 | second``, or
        the code point of a single character), id in ``table`` (-1 unknown),
        and whether it is in the title.
    doubts : ndarray of int64
        Leading letters right after a character that is neither a space nor
        CJK: the caller checks whether they end a number's unit (``175°c高温``)
        and, if so, calls again with them in ``excluded``.
    """
    from matchmaker.matching.vocabulary import _MIX

    return _compiled()[2](np.ascontiguousarray(cp, dtype=np.uint32), doc_start, doc_len,
                          title_len, excluded, table._slots, table._ids, table._bits, _MIX)


def latin_runs(cp, alphabet):
    """Maximal runs of code points in ``alphabet`` (a boolean table over all code points).

    Returns
    -------
    start, end : ndarray of int64
        Span of each run (end exclusive), in text order.
    digest : ndarray of uint64
        A 64-bit polynomial hash of each run's characters and length (never 0).
    """
    from matchmaker.matching.terms import _BASE, _LENGTH_SALT

    return _compiled()[1](np.ascontiguousarray(cp, dtype=np.uint32), alphabet,
                          np.uint64(_BASE), np.uint64(_LENGTH_SALT))


def term_candidates(cp, matcher):
    """``(start, key)`` of every dictionary key occurring in ``cp`` (see ``TermMatcher``).

    ``cp`` need not be canonical: separators are read as spaces.

    Same result as ``TermMatcher._raw_numpy``: positions ascending, keys of
    one position in the order of their prefix's length table (two-character
    keys first).
    """
    from matchmaker.matching.terms import _BASE, _LENGTH_SALT, _MIX, _PREFIX_BITS

    return _compiled()[0](
        np.ascontiguousarray(cp, dtype=np.uint32), matcher._pair_has, matcher._slot_count,
        matcher._slot_first, matcher._slot_lengths, matcher._table, matcher._owner,
        matcher._bits, matcher._probes, _PREFIX_BITS, np.uint64(_MIX), np.uint64(_BASE),
        np.uint64(_LENGTH_SALT), *matcher.stems())


def warm_up() -> float:
    """Compile (or load from the disk cache) every kernel the engine uses; return seconds taken.

    The first use after an install compiles for some seconds; servers and
    test runs call this once at start so that no request waits for it.
    """
    import time

    import networkx as nx

    from matchmaker.matching.matcher import Matcher

    start = time.perf_counter()
    G = nx.DiGraph()
    G.add_node("demo.cell", name="电芯", name_en="battery cell", keywords=["cell"], stage="mid",
               chain="demo")
    G.add_node("demo.pack", name="电池包", name_en="battery pack", keywords=["pack"],
               stage="down", chain="demo")
    G.add_edge("demo.cell", "demo.pack")
    records = [
        {"id": "1", "title": "N型电芯 battery cells", "description": "≥200Wh/kg, 10 Ah 电芯"},
        {"id": "2", "title": "电池包 PACK", "description": "pack 电池包 20 kWh"},
    ]
    matcher = Matcher(glossary=False).fit(records, G, demands=records)
    matcher.rank(records[:1], top=1)
    matcher.rank_demands(records[:1], top=1)
    return time.perf_counter() - start
