"""Analysing postings in batches: normalised text, token and concept counts.

The engine analyses up to a million postings, so the work is done on whole
batches rather than text by text: the batch is normalised in one call, joined
into one string, and cut in compiled passes over its code points
(:mod:`~matchmaker.matching.kernels`): CJK bigrams, runs of Latin token
characters (each distinct run cut into tokens once, see
:mod:`~matchmaker.matching.vocabulary`) and dictionary concepts. The tokens are exactly those of
:func:`matchmaker.domain.text.tokenize` (a unit test holds the two together).

Each posting becomes a row of counts over ``[concepts | tokens]`` columns;
terms of the title count ``title_weight`` times.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from matchmaker.domain.text import LATIN_TOKEN_RE, normalize_many
from matchmaker.matching import kernels
from matchmaker.matching.vocabulary import (
    GROUP_CJK,
    GROUP_CONCEPT,
    GROUP_NUMBER,
    GROUP_WORD,
    TokenVocabulary,
)

__all__ = [
    "GROUP_CJK",
    "GROUP_CONCEPT",
    "GROUP_NUMBER",
    "GROUP_WORD",
    "Analysed",
    "TokenVocabulary",
    "analyse",
]

def _compact_csr(rows, cols, vals, n_rows, n_cols):
    """CSR with sorted columns, duplicates summed, 32-bit indices and no spare capacity."""
    indptr, indices, data = kernels.csr_arrays(rows, cols, vals, n_rows)
    return sparse.csr_array((data, indices, indptr), shape=(n_rows, n_cols))


class Analysed:
    """A batch of analysed postings.

    Attributes
    ----------
    texts : list of str
        Normalised ``title + " " + description``.
    title_lens : ndarray of int64
    counts : scipy.sparse.csr_array
        Title-weighted counts over ``[concepts | tokens]`` columns.
    """

    __slots__ = ("counts", "hits", "nodes", "texts", "title_lens")

    def __init__(self, texts, title_lens, counts, hits=None):
        self.texts, self.title_lens, self.counts = texts, title_lens, counts
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
    """CJK tokens of a batch: posting, token id (-1: unknown), in title."""
    none = np.empty(0, dtype=np.int64)
    out = kernels.cjk_tokens(cp, doc_start, lens, title_lens, none, vocab._keys)
    doubts = out[4]
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
    doc, keys, ids, in_title, _ = out
    missing = np.flatnonzero(ids < 0)
    if len(missing):
        ids[missing] = vocab.key_ids(keys[missing], grow)
    return doc, ids, in_title


def analyse(titles, bodies, concepts, vocab: TokenVocabulary, *, grow, title_weight=2,
            bridge=None):
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
    bridge : callable, optional
        ``bridge(text) -> str``: words indexed with a posting's text but not
        shown as part of it (the Chinese words of its English ones,
        :class:`~matchmaker.matching.bridge.Bridge`).

    Returns
    -------
    Analysed
    """
    n = len(titles)
    norm = normalize_many(list(titles) + list(bodies))
    n_titles, n_bodies = norm[:n], norm[n:]
    texts = [f"{t} {b}" if b else t for t, b in zip(n_titles, n_bodies)]
    shown = texts
    if bridge is not None:
        # The bridged words follow the text after a separator that no token spans.
        texts = [f"{t} | {extra}" if (extra := bridge(t)) else t for t in texts]
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
    doc, ids, in_title = _cjk(cp, doc_start, lens, title_lens, texts, vocab, grow)
    ok = ids >= 0
    rows.append(doc[ok])
    cols.append(ids[ok] + n_concepts)
    vals.append(np.where(in_title[ok], heavy, np.float32(1)))
    # Concepts, of the written text only: a dictionary's translation of a word is
    # no evidence of a domain term ("cathode" is 负极 in electrolysis, 正极 in a battery).
    c_doc, c_start, _, c_concept, c_term = concepts.scan(chunk, doc_of, n, cp)
    if shown is not texts:
        written_end = doc_start + np.fromiter(map(len, shown), dtype=np.int64, count=n)
        keep = c_start < written_end[c_doc]
        c_doc, c_start, c_concept, c_term = c_doc[keep], c_start[keep], c_concept[keep], \
            c_term[keep]
    rows.append(c_doc)
    cols.append(c_concept)
    vals.append(weight_of(c_start, c_doc))
    counts = _compact_csr(np.concatenate(rows), np.concatenate(cols),
                          np.concatenate(vals).astype(np.float32), n, n_concepts + len(vocab))
    return Analysed(shown, title_lens, counts, (c_doc, c_concept, c_term))
