"""Find dictionary terms in normalised text.

:class:`TermMatcher` reports every occurrence of every term, overlapping ones
included (``镀钯铜键合丝`` gives ``镀钯铜``, ``镀钯铜键合丝`` and ``键合丝``).

The scan is vectorised over a whole batch of postings and costs about the
same whatever the size of the dictionary: every position whose first three
characters (two, for two-character terms) begin some term is a candidate for
each length such terms have, and each candidate is checked by comparing a
64-bit polynomial hash of the text there -- computed for all positions at
once from prefix sums -- with a hash table of the terms. A plain Python scan
(``backend="python"``) gives the same results and serves as a reference; with
Numba installed the same scan runs as one compiled loop
(:mod:`matchmaker.matching.kernels`).

Latin terms match whole words only (``emc`` is not found in ``emcx``), a
plural is accepted (``tracker`` matches ``trackers``, ``battery`` matches
``batteries``), and a hyphen, slash or underscore counts as a space
(``fc-bga`` = ``fc bga`` = ``fc/bga``).
"""

from __future__ import annotations

import numpy as np

from matchmaker.matching import kernels

__all__ = ["TermMatcher", "alnum_mask", "canonical", "span_order"]


_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

_BASE = 0x100000001B3  # odd multiplier of the polynomial hash (mod 2**64)
_BASE_INV = pow(_BASE, -1, 1 << 64)
_MASK = (1 << 64) - 1
_LENGTH_SALT = 0x9E3779B97F4A7C15  # mixed into a key's hash so lengths never collide


_MIX = 0xFF51AFD7ED558CCD  # multiplier of the multiply-shift table hash
_PREFIX_BITS = 18


def _prefix(key: str, n: int) -> int:
    """The first ``n`` (2 or 3) characters of a key as one integer, as hashed when scanning."""
    if n == 2:
        return ord(key[0]) << 21 | ord(key[1])
    return ((ord(key[0]) << 21 | ord(key[1])) << 21 ^ ord(key[2])) & _MASK


def _slot(value: int, bits: int) -> int:
    return ((value * _MIX) & _MASK) >> (64 - bits)


def _digest(key: str) -> int:
    """Polynomial hash of a key, plus its salted length (mod 2**64)."""
    h = 0
    for ch in key:
        h = (h * _BASE + ord(ch)) & _MASK
    return (h + len(key) * _LENGTH_SALT) & _MASK


def canonical(text: str) -> str:
    """The form terms are matched in: separators ``-``, ``_``, ``/`` become spaces.

    The length is unchanged, so offsets in the canonical text are offsets in
    ``text``.
    """
    return text.replace("-", " ").replace("_", " ").replace("/", " ")


def alnum_mask(codepoints: np.ndarray) -> np.ndarray:
    """Which code points are ``a-z`` or ``0-9`` (text is case-folded)."""
    return ((codepoints >= 0x61) & (codepoints <= 0x7A)) | ((codepoints >= 0x30)
                                                             & (codepoints <= 0x39))


def _variants(key: str):
    yield key
    if key[-1].isalpha() and key[-1] in _ALNUM:
        yield key + "s"
        yield key + "es"
        if len(key) > 3 and key[-1] == "y" and key[-2] not in "aeiou":
            yield key[:-1] + "ies"


def span_order(doc, concept, start, end):
    """``np.lexsort((-end, start[, concept, doc]))``, by one stable sort of packed keys.

    Falls back to ``lexsort`` when the keys do not fit in 63 bits.
    """
    if len(start) < 2:
        return np.arange(len(start))
    length = end - start
    len_bits = int(length.max()).bit_length()
    key = start.astype(np.int64) << len_bits | ((1 << len_bits) - 1 - length)
    bits = len_bits + int(start.max()).bit_length()
    if doc is not None:
        c_bits = int(concept.max()).bit_length()
        d_bits = int(doc.max()).bit_length()
        if bits + c_bits + d_bits > 63 or concept.min() < 0 or length.min() < 0:
            return np.lexsort((-end, start, concept, doc))
        key |= (doc.astype(np.int64) << c_bits | concept) << bits
    elif bits > 63 or length.min() < 0:
        return np.lexsort((-end, start))
    return np.argsort(key, kind="stable")


class TermMatcher:
    """Scan normalised text for a fixed list of terms.

    Parameters
    ----------
    terms : sequence of str
        Normalised terms (see :func:`matchmaker.domain.text.normalize`); a
        term is reported by its position in this sequence. Terms shorter than
        two characters are never found.
    backend : {"auto", "numba", "numpy", "python"}, default "auto"
        ``"numba"`` is one compiled pass over the text (see
        :mod:`matchmaker.matching.kernels`), ``"numpy"`` the same algorithm
        vectorised, ``"python"`` a plain loop kept as a reference; all give the
        same results. ``"auto"`` is ``"numba"``.
    """

    def __init__(self, terms, backend="auto"):
        if backend not in ("auto", "numba", "numpy", "python"):
            raise ValueError(f"backend must be 'auto', 'numba', 'numpy' or 'python', got "
                             f"{backend!r}")
        if backend == "auto":
            backend = "numba"
        self.backend = backend
        self.terms = list(terms)
        keys: dict[str, int] = {}
        key_term, latin_start, latin_end = [], [], []
        for t, term in enumerate(self.terms):
            key = canonical(term)
            if len(key.strip()) < 2:
                continue
            for variant in _variants(key):
                if variant in keys:
                    continue
                keys[variant] = len(key_term)
                key_term.append(t)
                latin_start.append(key[0] in _ALNUM)
                latin_end.append(key[-1] in _ALNUM)
        self._keys = keys
        self._key_term = np.asarray(key_term, dtype=np.int32)
        self._latin_start = np.asarray(latin_start, dtype=bool)
        self._latin_end = np.asarray(latin_end, dtype=bool)
        length = np.zeros(len(key_term), dtype=np.int64)
        digests = [0] * len(key_term)
        for k, i in keys.items():
            length[i] = len(k)
            digests[i] = _digest(k)
        self._key_len = length
        # Open-addressing table: digest -> key (linear probing).
        bits = max(8, (4 * len(digests)).bit_length())
        self._bits = bits
        table = [0] * (1 << bits)
        owner = [-1] * (1 << bits)
        probes = 1
        for i, d in enumerate(digests):
            slot, tries = _slot(d, bits), 1
            while table[slot] not in (0, d):
                slot, tries = (slot + 1) & ((1 << bits) - 1), tries + 1
            table[slot], owner[slot] = d, i
            probes = max(probes, tries)
        self._table = np.asarray(table, dtype=np.uint64)
        self._owner = np.asarray(owner, dtype=np.int64)
        self._probes = probes
        # Lengths of the keys starting with each three characters (each two for
        # two-character keys), in tables indexed by a hash of the prefix:
        # collisions only add candidates, which the digest check drops.
        pair_has = np.zeros(1 << _PREFIX_BITS, dtype=bool)
        by_slot: dict[int, set] = {}
        for k in keys:
            if len(k) == 2:
                pair_has[_slot(_prefix(k, 2), _PREFIX_BITS)] = True
            else:
                by_slot.setdefault(_slot(_prefix(k, 3), _PREFIX_BITS), set()).add(len(k))
        count = np.zeros(1 << _PREFIX_BITS, dtype=np.int64)
        first = np.zeros(1 << _PREFIX_BITS, dtype=np.int64)
        lengths: list[int] = []
        for slot in sorted(by_slot):
            first[slot], count[slot] = len(lengths), len(by_slot[slot])
            lengths.extend(sorted(by_slot[slot]))
        self._pair_has = pair_has
        self._slot_count = count
        self._slot_first = first
        self._slot_lengths = np.asarray(lengths, dtype=np.int64)
        self._powers = (np.ones(1, dtype=np.uint64), np.ones(1, dtype=np.uint64))

    def __len__(self):
        return len(self._key_term)

    def stems(self):
        """Bit table of the beginnings (three characters or more) of longer keys.

        A scan extending a candidate stops as soon as the text read is no
        such beginning; collisions only let it read on. Returns the table
        and its size in bits.
        """
        cached = getattr(self, "_stems", None)
        if cached is None:
            bits = max(10, (8 * sum(max(0, len(k) - 3) for k in self._keys)).bit_length())
            table = np.zeros(1 << bits, dtype=bool)
            for key in self._keys:
                h = 0
                for n, ch in enumerate(key[:-1], start=1):
                    h = (h * _BASE + ord(ch)) & _MASK
                    if n >= 3:
                        table[_slot((h + n * _LENGTH_SALT) & _MASK, bits)] = True
            cached = self._stems = (table, bits)
        return cached

    def _pow(self, n):
        """Powers of the base and of its inverse, at least ``n`` of each."""
        up, down = self._powers
        if len(up) < n:
            size = max(n, 2 * len(up))
            with np.errstate(over="ignore"):
                up = np.ones(size, dtype=np.uint64)
                down = np.ones(size, dtype=np.uint64)
                np.cumprod(np.full(size - 1, _BASE, dtype=np.uint64), out=up[1:])
                np.cumprod(np.full(size - 1, _BASE_INV, dtype=np.uint64), out=down[1:])
            self._powers = up, down
        return up, down

    def _lookup(self, digest):
        """Key of each digest, -1 when it is no key's."""
        mask = np.uint64((1 << self._bits) - 1)
        slot = (digest * np.uint64(_MIX)) >> np.uint64(64 - self._bits)
        out = np.full(len(digest), -1, dtype=np.int64)
        todo = np.arange(len(digest))
        for _ in range(self._probes):
            stored = self._table[slot]
            hit = stored == digest
            out[todo[hit]] = self._owner[slot[hit]]
            more = ~hit & (stored != 0)
            todo, slot, digest = todo[more], (slot[more] + np.uint64(1)) & mask, digest[more]
            if len(todo) == 0:
                break
        return out

    def _raw_numpy(self, cp):
        """(start, key) of every occurrence, word boundaries unchecked."""
        n = len(cp)
        empty = np.empty(0, dtype=np.int64)
        if n < 2 or len(self._key_len) == 0:
            return empty, empty
        cp64 = cp.astype(np.uint64)
        shift = np.uint64(64 - _PREFIX_BITS)
        mix = np.uint64(_MIX)
        with np.errstate(over="ignore"):
            pair = (cp64[:-1] << np.uint64(21)) | cp64[1:]
            pos2 = np.flatnonzero(self._pair_has[(pair * mix) >> shift])
            triple = (pair[:-1] << np.uint64(21)) ^ cp64[2:]
            slot = ((triple * mix) >> shift).astype(np.int64)
            count = self._slot_count[slot]
            pos3 = np.flatnonzero(count)
            # One (position, length) candidate per key length of the prefix.
            slot, count = slot[pos3], count[pos3]
            pos = np.repeat(pos3, count)
            which = (np.repeat(self._slot_first[slot] - np.cumsum(count) + count, count)
                     + np.arange(len(pos)))
            pos = np.concatenate([pos2, pos])
            length = np.concatenate([np.full(len(pos2), 2, dtype=np.int64),
                                     self._slot_lengths[which]])
            fits = pos + length <= n
            pos, length = pos[fits], length[fits]
            if len(pos) == 0:
                return empty, empty
            up, down = self._pow(n + 1)
            # prefix[k] = sum of cp[j] * base**-j for j < k (mod 2**64)
            prefix = np.zeros(n + 1, dtype=np.uint64)
            np.cumsum(cp64 * down[:n], out=prefix[1:])
            end = pos + length
            digest = ((prefix[end] - prefix[pos]) * up[end - 1]
                      + length.astype(np.uint64) * np.uint64(_LENGTH_SALT))
        key = self._lookup(digest)
        ok = key >= 0
        return pos[ok], key[ok]

    def _raw_python(self, text):
        keys = self._keys
        first = getattr(self, "_first_keys", None)
        if first is None:
            first = self._first_keys = {}
            for key in sorted(keys, key=len, reverse=True):
                first.setdefault(key[:2], []).append(key)
        starts, found = [], []
        for i in range(len(text) - 1):
            for key in first.get(text[i:i + 2], ()):
                if text.startswith(key, i):
                    starts.append(i)
                    found.append(keys[key])
        return np.asarray(starts, dtype=np.int64), np.asarray(found, dtype=np.int64)

    def scan(self, text: str, codepoints=None):
        """All occurrences in a normalised text (possibly many postings joined by newlines).

        Parameters
        ----------
        text : str
        codepoints : ndarray, optional
            The text's code points, if already computed.

        Returns
        -------
        start, end : ndarray of int64
            Span of each occurrence (end exclusive), sorted by start then
            longest first.
        term : ndarray of int32
            Position of the term in :attr:`terms`.
        """
        if codepoints is None:
            cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
        else:
            cp = codepoints
        if self.backend == "numba":
            start, key = kernels.term_candidates(cp, self)
        elif self.backend == "numpy":
            # the same separators as canonical(): "-", "_", "/" become spaces
            start, key = self._raw_numpy(np.where((cp == 0x2D) | (cp == 0x5F) | (cp == 0x2F),
                                                  0x20, cp).astype(np.uint32))
        else:
            start, key = self._raw_python(canonical(text))
        end = start + self._key_len[key]
        n = len(cp)
        if len(start):
            before = np.where(start > 0, cp[np.maximum(start - 1, 0)], 0x20)
            after = np.where(end < n, cp[np.minimum(end, n - 1)], 0x20)
            bad = ((self._latin_start[key] & alnum_mask(before))
                   | (self._latin_end[key] & alnum_mask(after)))
            start, end, key = start[~bad], end[~bad], key[~bad]
        term = self._key_term[key]
        order = span_order(None, None, start, end)
        return start[order], end[order], term[order]

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """All terms in a normalised text as ``(term, start, end)``, sorted by start."""
        start, end, term = self.scan(text)
        terms = self.terms
        return [(terms[t], int(s), int(e)) for s, e, t in zip(start, end, term)]
