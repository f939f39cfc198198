"""Analysing postings in batches: normalised text, token and concept counts, heads.

The engine analyses up to a million postings, so the work is done on whole
batches rather than text by text: the batch is normalised in one call, joined
into one string, CJK bigrams are cut with numpy over its code points, Latin
words and numbers come from runs of the characters they are made of (each
distinct run cut into tokens once), and concepts from one compiled
dictionary scan. The tokens are exactly those of
:func:`matchmaker.domain.text.tokenize` (a unit test holds the two together).

Each posting becomes a row of counts over ``[concepts | tokens]`` columns;
terms of the title count ``title_weight`` times.
"""

from __future__ import annotations

import functools
import re
from itertools import chain

import numpy as np
from scipy import sparse

from matchmaker.domain.text import LATIN_TOKEN_RE, normalize_many, stem
from matchmaker.matching import kernels
from matchmaker.matching.concepts import heads
from matchmaker.matching.terms import _digest

__all__ = [
    "GROUP_CJK",
    "GROUP_CONCEPT",
    "GROUP_NUMBER",
    "GROUP_WORD",
    "Analysed",
    "TokenVocabulary",
    "analyse",
]

GROUP_CONCEPT, GROUP_CJK, GROUP_WORD, GROUP_NUMBER = 0, 1, 2, 3


def _compact_csr(rows, cols, vals, n_rows, n_cols):
    """CSR with sorted columns, duplicates summed, 32-bit indices and no spare capacity."""
    indptr, indices, data = kernels.csr_arrays(rows, cols, vals, n_rows)
    return sparse.csr_array((data, indices, indptr), shape=(n_rows, n_cols))


def _key_token(key: int) -> str:
    return chr(key >> 21) + chr(key & 0x1FFFFF) if key >> 21 else chr(key)


_MIX = np.uint64(0xFF51AFD7ED558CCD)


class _KeyTable:
    """Open-addressing hash table (vectorised): non-zero 64-bit key -> id."""

    def __init__(self):
        self._n_keys = 0
        self._bits = 10
        self._slots = np.zeros(1 << self._bits, dtype=np.uint64)  # 0 = empty
        self._ids = np.full(1 << self._bits, -1, dtype=np.int64)

    def _home(self, keys):
        return ((keys * _MIX) >> np.uint64(64 - self._bits)).astype(np.int64)

    def _find(self, keys):
        """Slot holding each key, or the empty slot where it would go; and whether found."""
        mask = (1 << self._bits) - 1
        slot = self._home(keys)
        found = np.zeros(len(keys), dtype=bool)
        todo = np.arange(len(keys))
        while len(todo):
            stored = self._slots[slot[todo]]
            hit = stored == keys[todo]
            found[todo[hit]] = True
            more = ~hit & (stored != 0)
            todo = todo[more]
            slot[todo] = (slot[todo] + 1) & mask
        return slot, found

    def _insert(self, keys, ids):
        mask = (1 << self._bits) - 1
        slots, table_ids = self._slots, self._ids
        for k, i in zip(keys.tolist(), ids.tolist()):
            s = int((np.uint64(k) * _MIX) >> np.uint64(64 - self._bits))
            while slots[s] != 0:
                s = (s + 1) & mask
            slots[s] = k
            table_ids[s] = i

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Id of each key (uint64 array), -1 for keys not in the table."""
        if len(keys) == 0:
            return np.empty(0, dtype=np.int64)
        with np.errstate(over="ignore"):
            slot, found = self._find(keys)
        return np.where(found, self._ids[slot], -1)

    def add(self, keys: np.ndarray, ids: np.ndarray):
        """Add distinct keys that are not in the table yet."""
        with np.errstate(over="ignore"):
            while 2 * (self._n_keys + len(keys)) > len(self._slots):
                live = self._slots != 0
                old_keys, old_ids = self._slots[live], self._ids[live]
                self._bits += 1
                self._slots = np.zeros(1 << self._bits, dtype=np.uint64)
                self._ids = np.full(1 << self._bits, -1, dtype=np.int64)
                self._insert(old_keys, old_ids)
            self._insert(keys, ids)
        self._n_keys += len(keys)


@functools.cache
def _latin_alphabet() -> np.ndarray:
    """Every character a token of :data:`LATIN_TOKEN_RE` can hold, as a table over code points.

    Runs of these characters are cut into tokens independently of what
    surrounds them: no token holds another character, and what follows a
    token only matters through a one-character look-ahead that a
    character outside the table passes just as the end of a run does.
    """
    table = np.zeros(0x110000, dtype=bool)
    for ch in "0123456789abcdefghijklmnopqrstuvwxyz.^-×/·%‰°μω":
        table[ord(ch)] = True
    everything = np.arange(0x110000, dtype="<u4").tobytes().decode("utf-32-le", "surrogatepass")
    table[[m.start() for m in re.finditer(r"\d", everything)]] = True  # what \d matches
    return table


def _python_runs(text: str, cp: np.ndarray):
    """:func:`kernels.latin_runs` without Numba (same spans and digests)."""
    alphabet = _latin_alphabet()
    inside = alphabet[cp]
    edges = np.flatnonzero(np.diff(np.concatenate([[False], inside, [False]]).astype(np.int8)))
    start, end = edges[0::2], edges[1::2]
    digest = [_digest(text[a:b]) or 1 for a, b in zip(start.tolist(), end.tolist())]
    return start.astype(np.int64), end.astype(np.int64), np.asarray(digest, dtype=np.uint64)


class TokenVocabulary:
    """Token -> column of the token part of a row (concept columns come first).

    CJK bigrams and single characters are keyed by their code points and
    looked up in a vectorised hash table. Latin words and numbers come from
    *runs*, maximal stretches of characters such tokens are made of
    (``200wh/kg``, ``topcon``, ``iso``): each distinct run is cut into tokens
    by :data:`LATIN_TOKEN_RE` once, and later occurrences are looked up by a
    64-bit hash of the run.
    """

    def __init__(self):
        self.words: dict[str, int] = {}
        self.tokens: list[str] = []
        self.groups: list[int] = []
        self._keys = _KeyTable()
        self._runs = _KeyTable()
        self._run_tokens: list[list[int]] = []
        self._run_arrays = None

    def __len__(self):
        return len(self.tokens)

    def _new(self, token, group) -> int:
        self.tokens.append(token)
        self.groups.append(group)
        return len(self.tokens) - 1

    def key_ids(self, keys: np.ndarray, grow: bool) -> np.ndarray:
        """Token ids of CJK keys (-1 for unknown ones when not growing)."""
        keys = keys.astype(np.uint64)
        ids = self._keys.find(keys)
        if grow and len(ids) and (ids < 0).any():
            new = np.unique(keys[ids < 0])
            first = len(self.tokens)
            for k in new.tolist():
                self._new(_key_token(k), GROUP_CJK)
            self._keys.add(new, np.arange(first, first + len(new)))
            ids = self._keys.find(keys)
        return ids

    def _token_id(self, number: str, word: str, grow: bool) -> int:
        if number:
            tok, group = number, GROUP_NUMBER
        elif len(word) < 2:
            return -1
        else:
            tok, group = stem(word), GROUP_WORD
        i = self.words.get(tok)
        if i is None:
            if not grow:
                return -1
            i = self.words[tok] = self._new(tok, group)
        return i

    def run_token_ids(self, run: str, grow: bool) -> list[int]:
        """Token ids of the Latin tokens of one run, in order (-1: not a token / unknown)."""
        return [self._token_id(num, word, grow) for num, word in LATIN_TOKEN_RE.findall(run)]

    def latin_ids(self, text: str, cp: np.ndarray, grow: bool):
        """Latin tokens of a text: the start of the run holding each token, and its id.

        Ids are -1 for one-letter words (never tokens) and, when not growing,
        unknown tokens. Tokens come in text order, so that the vocabulary grows
        in that order.
        """
        if kernels.available():
            start, end, digest = kernels.latin_runs(cp, _latin_alphabet())
        else:
            start, end, digest = _python_runs(text, cp)
        run = self._runs.find(digest)
        missing = np.flatnonzero(run < 0)
        if len(missing) and grow:
            new_digests, first = np.unique(digest[missing], return_index=True)
            order = np.argsort(first, kind="stable")  # register in text order
            base = len(self._run_tokens)
            for k in first[order].tolist():
                p = int(missing[k])
                self._run_tokens.append(self.run_token_ids(text[start[p]:end[p]], True))
            self._runs.add(new_digests[order], np.arange(base, base + len(order)))
            self._run_arrays = None
            run = self._runs.find(digest)
        elif len(missing):  # ranking: unknown runs are cut here and not remembered
            out_start, out_ids = [], []
            is_known = run >= 0
            counts, flat = self._run_token_ids_flat(run[is_known])
            counts, flat = counts.tolist(), flat.tolist()
            k = cursor = 0
            for p in range(len(run)):
                if is_known[p]:
                    ids = flat[cursor:cursor + counts[k]]
                    cursor += counts[k]
                    k += 1
                else:
                    ids = self.run_token_ids(text[start[p]:end[p]], False)
                out_ids.extend(ids)
                out_start.extend([int(start[p])] * len(ids))
            return np.asarray(out_start, dtype=np.int64), np.asarray(out_ids, dtype=np.int64)
        counts, flat = self._run_token_ids_flat(run)
        return np.repeat(start, counts), flat

    def _run_token_ids_flat(self, runs):
        """Token count of each run, and the ids of all their tokens concatenated."""
        if self._run_arrays is None:
            lengths = np.fromiter(map(len, self._run_tokens), dtype=np.int64,
                                  count=len(self._run_tokens))
            ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
            np.cumsum(lengths, out=ptr[1:])
            flat = np.fromiter(chain.from_iterable(self._run_tokens), dtype=np.int64,
                               count=int(ptr[-1]))
            self._run_arrays = (lengths, ptr, flat)
        lengths, ptr, flat = self._run_arrays
        counts = lengths[runs] if len(runs) else np.empty(0, dtype=np.int64)
        idx = np.repeat(ptr[runs] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        return counts, flat[idx]

    def group_array(self) -> np.ndarray:
        """:attr:`groups` as an array (kept until the vocabulary grows)."""
        cached = getattr(self, "_group_array", None)
        if cached is None or len(cached) != len(self.groups):
            cached = self._group_array = np.asarray(self.groups, dtype=np.int8)
        return cached

    def merge(self, tokens, groups) -> np.ndarray:
        """Ids of tokens from another vocabulary (``tokens``, ``groups`` lists), added
        when new, in the order given."""
        ids = np.empty(len(tokens), dtype=np.int64)
        cjk = [k for k, g in enumerate(groups) if g == GROUP_CJK]
        if cjk:
            keys = np.asarray([ord(t[0]) << 21 | ord(t[1]) if len(t) == 2 else ord(t[0])
                               for t in (tokens[k] for k in cjk)], dtype=np.uint64)
            found = self._keys.find(keys)
            new = np.flatnonzero(found < 0)
            if len(new):
                first = len(self.tokens)
                for k in new.tolist():
                    self._new(tokens[cjk[k]], GROUP_CJK)
                found[new] = np.arange(first, first + len(new))
                self._keys.add(keys[new], found[new])
            ids[cjk] = found
        words = self.words
        for k, (tok, group) in enumerate(zip(tokens, groups)):
            if group != GROUP_CJK:
                i = words.get(tok)
                if i is None:
                    i = words[tok] = self._new(tok, group)
                ids[k] = i
        return ids

    def id_of(self, token: str):
        """Token id of a token string, or None."""
        if token and "\u3400" <= token[-1] and len(token) <= 2:
            cps = [ord(c) for c in token]
            key = cps[0] << 21 | cps[1] if len(cps) == 2 else cps[0]
            i = int(self.key_ids(np.asarray([key], dtype=np.uint64), False)[0])
            return i if i >= 0 else None
        return self.words.get(token)


class Analysed:
    """A batch of analysed postings.

    Attributes
    ----------
    texts : list of str
        Normalised ``title + " " + description``.
    title_lens : ndarray of int64
    counts : scipy.sparse.csr_array
        Title-weighted counts over ``[concepts | tokens]`` columns.
    heads : ndarray of int32, shape (n, HEADS)
    """

    __slots__ = ("counts", "heads", "hits", "nodes", "texts", "title_lens")

    def __init__(self, texts, title_lens, counts, heads_, hits=None):
        self.texts, self.title_lens, self.counts, self.heads = texts, title_lens, counts, heads_
        self.hits = hits
        self.nodes = None  # chain nodes inferred for every posting, when done already

    def query_terms(self, i, terms) -> dict:
        """Concept -> the first term posting ``i`` uses for it."""
        doc, concept, term = self.hits
        lo, hi = np.searchsorted(doc, [i, i + 1])
        out: dict[int, str] = {}
        for c, t in zip(concept[lo:hi].tolist(), term[lo:hi].tolist()):
            out.setdefault(c, terms[t])
        return out

    def __len__(self):
        return len(self.texts)

    def concepts(self, i, n_concepts) -> np.ndarray:
        """Concept columns present in posting ``i``."""
        lo, hi = self.counts.indptr[i], self.counts.indptr[i + 1]
        cols = self.counts.indices[lo:hi]
        return cols[cols < n_concepts]


def _cjk(cp, doc_start, lens, title_lens, texts, vocab, grow):
    """CJK tokens of a batch: posting, token id (-1: unknown), in title; and each
    title's count of Latin letters."""
    none = np.empty(0, dtype=np.int64)
    out = kernels.cjk_tokens(cp, doc_start, lens, title_lens, none, vocab._keys)
    doubts = out[5]
    if len(doubts):
        # A letter ending a number's unit ("175°c高温") belongs to the number,
        # not to the CJK run after it.
        inside = []
        for p in doubts.tolist():
            dd = int(np.searchsorted(doc_start, p, side="right") - 1)
            local = p - int(doc_start[dd])
            for m in LATIN_TOKEN_RE.finditer(texts[dd]):
                if m.start() >= local:
                    break
                if m.end() > local:
                    inside.append(p)
                    break
        if inside:
            out = kernels.cjk_tokens(cp, doc_start, lens, title_lens,
                                     np.asarray(inside, dtype=np.int64), vocab._keys)
    doc, keys, ids, in_title, letters, _ = out
    missing = np.flatnonzero(ids < 0)
    if len(missing):
        ids[missing] = vocab.key_ids(keys[missing], grow)
    return doc, ids, in_title, letters


def analyse(titles, bodies, concepts, vocab: TokenVocabulary, *, grow, title_weight=2):
    """Analyse a batch of postings (see module docstring).

    Parameters
    ----------
    titles, bodies : list of str
        Raw titles and descriptions.
    concepts : ConceptIndex
    vocab : TokenVocabulary
        Extended with new tokens when ``grow`` (fitting), else unknown tokens
        are ignored.
    title_weight : int
        How many times title terms count.

    Returns
    -------
    Analysed
    """
    n = len(titles)
    norm = normalize_many(list(titles) + list(bodies))
    n_titles, n_bodies = norm[:n], norm[n:]
    texts = [f"{t} {b}" if b else t for t, b in zip(n_titles, n_bodies)]
    lens = np.fromiter(map(len, texts), dtype=np.int64, count=n)
    title_lens = np.fromiter(map(len, n_titles), dtype=np.int64, count=n)
    doc_start = np.zeros(n, dtype=np.int64)
    if n > 1:
        doc_start[1:] = np.cumsum(lens + 1)[:-1]
    chunk = "\n".join(texts)
    cp = np.frombuffer(chunk.encode("utf-32-le"), dtype=np.uint32)
    title_end = doc_start + title_lens
    heavy = np.float32(title_weight)

    def doc_of(pos):
        return (np.searchsorted(doc_start, pos, side="right") - 1).astype(np.int32)

    def weight_of(pos, doc):
        return np.where(pos < title_end[doc], heavy, np.float32(1))

    rows, cols, vals = [], [], []
    n_concepts = concepts.n_concepts
    # Latin words and numbers with units, cut run by run (see TokenVocabulary).
    start, ids = vocab.latin_ids(chunk, cp, grow)
    ok = ids >= 0
    d = doc_of(start[ok])
    rows.append(d)
    cols.append(ids[ok] + n_concepts)
    vals.append(weight_of(start[ok], d))
    # CJK bigrams (a Latin letter may lead a run: "n型"), single-character runs.
    doc, ids, in_title, letters = _cjk(cp, doc_start, lens, title_lens, texts, vocab, grow)
    ok = ids >= 0
    rows.append(doc[ok])
    cols.append(ids[ok] + n_concepts)
    vals.append(np.where(in_title[ok], heavy, np.float32(1)))
    # Concepts.
    c_doc, c_start, c_end, c_concept, c_term = concepts.scan(chunk, doc_of, n, cp)
    rows.append(c_doc)
    cols.append(c_concept)
    vals.append(weight_of(c_start, c_doc))
    head = heads(n_titles, c_doc, c_start, c_end, c_concept, doc_start,
                 latin_titles=letters * 2 > title_lens)
    counts = _compact_csr(np.concatenate(rows), np.concatenate(cols),
                          np.concatenate(vals).astype(np.float32), n, n_concepts + len(vocab))
    return Analysed(texts, title_lens, counts, head, (c_doc, c_concept, c_term))
