"""Compiled inner loops of the analysis (Numba), with the arrays they work on.

Indexing a million postings means scanning over a hundred million characters.
The vectorised NumPy versions of these scans make a dozen passes over arrays
as long as the text; a compiled loop makes one. Each kernel here has a NumPy
(or plain Python) twin elsewhere that gives the same result and is used when
Numba is not installed; tests hold the two together.

Kernels are compiled on first use and cached on disk (``cache=True``), so
only the first run after an install pays for compilation.
"""

from __future__ import annotations

import functools

import numpy as np

__all__ = ["available", "latin_runs", "term_candidates"]


@functools.cache
def available() -> bool:
    """Whether the compiled kernels can be used (Numba importable)."""
    try:
        import numba  # noqa: F401
    except ImportError:  # pragma: no cover - numba is a dependency; kept for slim installs
        return False
    return True


@functools.cache
def _compiled():
    from numba import njit

    @njit(cache=True, nogil=True)
    def scan_terms(cp, pair_has, slot_count, slot_first, slot_lengths, table, owner,
                   bits, probes, prefix_bits, mix, base, salt):
        n = cp.shape[0]
        cap = max(16, n // 4)
        out_pos = np.empty(cap, dtype=np.int64)
        out_key = np.empty(cap, dtype=np.int64)
        found = 0
        shift = np.uint64(64 - prefix_bits)
        tshift = np.uint64(64 - bits)
        tmask = np.uint64((1 << bits) - 1)
        twenty_one = np.uint64(21)
        for i in range(n - 1):
            a = np.uint64(cp[i])
            pair = (a << twenty_one) | np.uint64(cp[i + 1])
            lengths_lo = 0
            lengths_hi = 0
            two = pair_has[np.int64((pair * mix) >> shift)]
            if i + 2 < n:
                triple = (pair << twenty_one) ^ np.uint64(cp[i + 2])
                slot = np.int64((triple * mix) >> shift)
                c = slot_count[slot]
                if c:
                    lengths_lo = slot_first[slot]
                    lengths_hi = lengths_lo + c
            if not two and lengths_hi == lengths_lo:
                continue
            # Candidate lengths ascend (2 first): extend one rolling hash.
            h = np.uint64(0)
            done = i
            for j in range(-1 if two else 0, lengths_hi - lengths_lo):
                length = 2 if j < 0 else slot_lengths[lengths_lo + j]
                if i + length > n:
                    break
                for k in range(done, i + length):
                    h = h * base + np.uint64(cp[k])
                done = i + length
                d = h + np.uint64(length) * salt
                s = (d * mix) >> tshift
                for _ in range(probes):
                    stored = table[np.int64(s)]
                    if stored == d:
                        if found == cap:
                            cap *= 2
                            grown_pos = np.empty(cap, dtype=np.int64)
                            grown_key = np.empty(cap, dtype=np.int64)
                            grown_pos[:found] = out_pos[:found]
                            grown_key[:found] = out_key[:found]
                            out_pos, out_key = grown_pos, grown_key
                        out_pos[found] = i
                        out_key[found] = owner[np.int64(s)]
                        found += 1
                        break
                    if stored == 0:
                        break
                    s = (s + np.uint64(1)) & tmask
        return out_pos[:found], out_key[:found]

    @njit(cache=True, nogil=True)
    def runs(cp, alphabet, base, salt):
        n = cp.shape[0]
        cap = max(16, n // 8)
        starts = np.empty(cap, dtype=np.int64)
        ends = np.empty(cap, dtype=np.int64)
        hashes = np.empty(cap, dtype=np.uint64)
        found = 0
        i = 0
        while i < n:
            if not alphabet[cp[i]]:
                i += 1
                continue
            h = np.uint64(0)
            j = i
            while j < n and alphabet[cp[j]]:
                h = h * base + np.uint64(cp[j])
                j += 1
            h = h + np.uint64(j - i) * salt
            if h == 0:
                h = np.uint64(1)
            if found == cap:
                cap *= 2
                grown = np.empty(cap, dtype=np.int64)
                grown[:found] = starts[:found]
                starts = grown
                grown = np.empty(cap, dtype=np.int64)
                grown[:found] = ends[:found]
                ends = grown
                grown_h = np.empty(cap, dtype=np.uint64)
                grown_h[:found] = hashes[:found]
                hashes = grown_h
            starts[found] = i
            ends[found] = j
            hashes[found] = h
            found += 1
            i = j
        return starts[:found], ends[:found], hashes[:found]

    return scan_terms, runs


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

    Same result as ``TermMatcher._raw_numpy``: positions ascending, keys of
    one position in the order of their prefix's length table (two-character
    keys first).
    """
    from matchmaker.matching.terms import _BASE, _LENGTH_SALT, _MIX, _PREFIX_BITS

    return _compiled()[0](
        np.ascontiguousarray(cp, dtype=np.uint32), matcher._pair_has, matcher._slot_count,
        matcher._slot_first, matcher._slot_lengths, matcher._table, matcher._owner,
        matcher._bits, matcher._probes, _PREFIX_BITS, np.uint64(_MIX), np.uint64(_BASE),
        np.uint64(_LENGTH_SALT))
