"""BM25 rows for postings: text tokens, bridged words and shared concept features.

A posting becomes a sparse row over two kinds of columns:

* one column per glossary/chain concept (:class:`ConceptIndex`), the same for
  every language, so "TOPCon" and "隧穿氧化层钝化接触" share a column;
* one column per token of :func:`matchmaker.domain.text.tokenize` seen when
  fitting (CJK bigrams, Latin words, numbers with units), including the
  bigrams of the Chinese words that a general dictionary gives for the
  posting's English ones (:mod:`~matchmaker.matching.bridge`).

Indexed postings are weighted with Okapi BM25 (the Lucene variant, as in
``bm25s``)::

    w(d, t) = idf(t) * scale(t) * tf (k1 + 1) / (tf + k1 (1 - b + b |d| / avgdl))
    idf(t)  = ln(1 + (N - df + 0.5) / (df + 0.5))

where ``scale`` is 1 for tokens, ``concept_weight`` for concepts and
``number_weight`` for numbers with units. A query counts each of its columns
once, so the text score of a pair is the sum of ``w(d, t)`` over the query's
columns; divided by the query's attainable maximum (every column at infinite
tf) it lies in [0, 1] (:meth:`Featurizer.query`). Stored weights are divided
by the largest possible weight so that they lie in (0, 1] (the inverted
index sorts by them).
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from matchmaker.matching.batch import GROUP_CONCEPT, TokenVocabulary, analyse
from matchmaker.matching.vocabulary import GROUP_NUMBER, GROUP_WORD

__all__ = ["Featurizer"]


def _stack(chunks, n_cols):
    """Stack CSR chunks into one, emptying the list as it goes (one copy at a time)."""
    n_rows = sum(m.shape[0] for m in chunks)
    nnz = sum(m.nnz for m in chunks)
    idx = np.int32 if nnz < 2**31 and n_cols < 2**31 else np.int64
    indptr = np.zeros(n_rows + 1, dtype=idx)
    indices = np.empty(nnz, dtype=idx)
    data = np.empty(nnz, dtype=np.float32)
    row = at = 0
    chunks.reverse()
    while chunks:
        m = chunks.pop()
        indptr[row + 1:row + m.shape[0] + 1] = m.indptr[1:] + at
        indices[at:at + m.nnz] = m.indices[:m.nnz]
        data[at:at + m.nnz] = m.data[:m.nnz]
        row, at = row + m.shape[0], at + m.nnz
        del m
    return sparse.csr_array((data, indices, indptr), shape=(n_rows, n_cols))


def _row_sums(m, values=None) -> np.ndarray:
    """Sum of each CSR row's stored values (float32; 0 for an empty row)."""
    values = m.data if values is None else values
    rows = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    return np.bincount(rows, weights=values, minlength=m.shape[0]).astype(np.float32)


class Featurizer:
    """Vocabulary, idf and column weights of one indexed side.

    Parameters
    ----------
    concepts : ConceptIndex
        Fitted concept index; its concepts are the first columns.
    title_weight : int, default 1
        Title terms count this many times.
    concept_weight, number_weight, word_weight : float
        Scale of the concept, number and Latin-word columns relative to CJK bigrams.
    k1, b : float
        BM25 term-frequency saturation and length normalisation.
    bridge : callable, optional
        ``bridge(text) -> str`` (see :func:`~matchmaker.matching.batch.analyse`).
    node_terms : scipy.sparse.csr_array, optional
        Node column x concept weights added to the counts of postings with
        given chain nodes (see :func:`~matchmaker.matching.corpus.prepare`).

    Attributes
    ----------
    vocabulary_ : TokenVocabulary
    idf_ : ndarray of float64
    avgdl_ : float
        Mean posting length (title-weighted counts).
    column_weight_ : ndarray of float32
        ``idf * scale * (k1 + 1) / norm_``: the largest weight a column can reach.
    norm_ : float
    """

    def __init__(self, concepts, *, title_weight=1, concept_weight=1.0, number_weight=1.0,
                 word_weight=1.0, k1=1.5, b=0.75, bridge=None, node_terms=None):
        self.concepts = concepts
        self.title_weight = title_weight
        self.concept_weight = concept_weight
        self.number_weight = number_weight
        self.word_weight = word_weight
        self.k1 = k1
        self.b = b
        self.bridge = bridge
        self.node_terms = node_terms
        self.vocabulary_ = TokenVocabulary()

    @property
    def n_concepts(self) -> int:
        return self.concepts.n_concepts

    @property
    def n_columns(self) -> int:
        return len(self.column_weight_)

    def analyse(self, titles, bodies, *, grow=False):
        """Analyse raw postings (see :func:`matchmaker.matching.batch.analyse`)."""
        return analyse(titles, bodies, self.concepts, self.vocabulary_, grow=grow,
                       title_weight=int(self.title_weight), bridge=self.bridge)

    def fit(self, counts):
        """Learn idf and mean length from the count matrices of all fitted batches;
        return the stacked counts.

        ``counts`` (a list of CSR matrices) is emptied, so that the batches and
        their stacked copy are never all in memory at once.
        """
        n_cols = self.n_concepts + len(self.vocabulary_)
        stacked = _stack(counts, n_cols)
        n_docs = stacked.shape[0]
        df = np.bincount(stacked.indices, minlength=n_cols).astype(np.float64)
        self.idf_ = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        mean = float(_row_sums(stacked).mean()) if n_docs else 0.0
        self.avgdl_ = mean if mean > 0 else 1.0
        groups = np.empty(n_cols, dtype=np.int8)
        groups[: self.n_concepts] = GROUP_CONCEPT
        groups[self.n_concepts:] = self.vocabulary_.groups
        scale = np.ones(max(GROUP_CONCEPT, GROUP_NUMBER, GROUP_WORD) + 1, dtype=np.float64)
        scale[GROUP_CONCEPT] = self.concept_weight
        scale[GROUP_WORD] = self.word_weight
        scale[GROUP_NUMBER] = self.number_weight
        top = self.idf_ * scale[groups] * (float(self.k1) + 1.0)
        self.norm_ = float(top.max()) if n_cols and top.max() > 0 else 1.0
        self.column_weight_ = (top / self.norm_).astype(np.float32)
        return stacked

    def _fit_width(self, counts, copy):
        counts = sparse.csr_array(counts, dtype=np.float32, copy=copy)
        n_cols = len(self.column_weight_)
        if counts.shape[1] != n_cols:
            if counts.shape[1] > n_cols:
                counts = sparse.csr_array(counts[:, :n_cols])
            counts.resize((counts.shape[0], n_cols))
        return counts

    def weigh(self, counts, *, copy=True):
        """BM25 weights of postings to index (float32 CSR, values in (0, 1])."""
        counts = self._fit_width(counts, copy)
        data = counts.data
        lengths = np.diff(counts.indptr)
        if len(data) == 0:
            return counts
        doc_len = _row_sums(counts)
        k1, b = float(self.k1), float(self.b)
        norm = (k1 * (1.0 - b + b * doc_len / self.avgdl_)).astype(np.float32)
        per_entry = np.repeat(norm, lengths)
        # tf (k1 + 1) / (tf + norm), times the column's idf * scale / (k1 + 1) / norm_
        data *= self.column_weight_[counts.indices] / (data + per_entry)
        return counts

    def query(self, counts):
        """Query rows: each column counts once, weight 1.

        Returns
        -------
        rows : scipy.sparse.csr_array
            Binary rows (float32), unknown columns dropped.
        maxima : ndarray of float32
            Per row, the largest text score a posting could reach: the sum of
            the columns' largest weights (0 for an empty query).
        """
        rows = self._fit_width(counts, True)
        rows.eliminate_zeros()
        rows.data[:] = 1.0
        reach = self.column_weight_[rows.indices]
        maxima = _row_sums(rows, reach)
        return rows, maxima
