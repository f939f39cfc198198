"""TF-IDF rows for postings: text tokens plus shared concept features.

A posting becomes a sparse row over two kinds of columns:

* one column per glossary/chain concept (:class:`ConceptIndex`), the same for
  every language, so "TOPCon" and "隧穿氧化层钝化接触" share a column;
* one column per token of :func:`matchmaker.domain.text.tokenize` seen when
  fitting (CJK bigrams, Latin words, numbers with units).

Counts (:mod:`~matchmaker.matching.batch`) are weighted with scikit-learn's
:class:`~sklearn.feature_extraction.text.TfidfTransformer` (sublinear tf,
smoothed idf), then each column group is scaled (concepts ``concept_weight``,
Latin words ``word_weight``, numbers ``number_weight``, CJK bigrams 1) and
rows are L2-normalised, so the dot product of two rows is their cosine
similarity.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer

from matchmaker.matching.batch import GROUP_CONCEPT, TokenVocabulary, analyse

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


class Featurizer:
    """Vocabulary, idf and column weights of one indexed side.

    Parameters
    ----------
    concepts : ConceptIndex
        Fitted concept index; its concepts are the first columns.
    title_weight : int, default 2
        Title terms count this many times.
    concept_weight, number_weight, word_weight : float
        Scale of the concept, number and Latin-word columns relative to CJK bigrams.

    Attributes
    ----------
    vocabulary_ : TokenVocabulary
    transformer_ : TfidfTransformer
    column_scale_ : ndarray of float32
    """

    def __init__(self, concepts, *, title_weight=2, concept_weight=2.0, number_weight=0.5,
                 word_weight=1.0):
        self.concepts = concepts
        self.title_weight = title_weight
        self.concept_weight = concept_weight
        self.number_weight = number_weight
        self.word_weight = word_weight
        self.vocabulary_ = TokenVocabulary()

    @property
    def n_concepts(self) -> int:
        return self.concepts.n_concepts

    def analyse(self, titles, bodies, *, grow=False):
        """Analyse raw postings (see :func:`matchmaker.matching.batch.analyse`)."""
        return analyse(titles, bodies, self.concepts, self.vocabulary_, grow=grow,
                       title_weight=int(self.title_weight))

    def fit(self, counts):
        """Learn idf from the count matrices of all fitted batches; return the stacked counts.

        ``counts`` (a list of CSR matrices) is emptied, so that the batches and
        their stacked copy are never all in memory at once.
        """
        n_cols = self.n_concepts + len(self.vocabulary_)
        stacked = _stack(counts, n_cols)
        self.transformer_ = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm=None)
        self.transformer_.fit(stacked)
        groups = np.empty(n_cols, dtype=np.int8)
        groups[: self.n_concepts] = GROUP_CONCEPT
        groups[self.n_concepts:] = self.vocabulary_.groups
        scale = np.array([self.concept_weight, 1.0, self.word_weight, self.number_weight],
                         dtype=np.float32)
        self.column_scale_ = scale[groups]
        self._weight = (self.transformer_.idf_ * self.column_scale_).astype(np.float32)
        return stacked

    def weigh(self, counts, *, copy=True):
        """Sublinear tf x idf x column scale, L2-normalised rows (float32 CSR).

        The same formula as scikit-learn's ``TfidfTransformer.transform`` with
        the fitted idf, written out so that weighing one query costs
        microseconds rather than scikit-learn's input validation.
        """
        counts = sparse.csr_array(counts, dtype=np.float32, copy=copy)
        n_cols = len(self.column_scale_)
        if counts.shape[1] != n_cols:
            if counts.shape[1] > n_cols:
                counts = counts[:, :n_cols]
            counts.resize((counts.shape[0], n_cols))
        data = counts.data
        np.log(data, out=data)
        data += 1.0
        data *= self._weight[counts.indices]
        norms = np.sqrt(np.add.reduceat(data * data, counts.indptr[:-1])
                        if len(data) else np.zeros(counts.shape[0], dtype=np.float32))
        lengths = np.diff(counts.indptr)
        norms = np.where(lengths > 0, norms, 1.0).astype(np.float32)
        norms[norms == 0] = 1.0
        data /= np.repeat(norms, lengths)
        return counts
