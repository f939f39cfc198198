"""TF-IDF rows for postings: text tokens plus shared concept features.

A posting becomes a sparse row over two kinds of columns:

* one column per glossary/chain concept (:class:`ConceptIndex`), the same for
  every language, so "TOPCon" and "隧穿氧化层钝化接触" share a column;
* one column per token of :func:`matchmaker.domain.text.tokenize` seen when
  fitting (CJK bigrams, Latin words, numbers with units).

Counts are weighted with scikit-learn's :class:`~sklearn.feature_extraction.text.TfidfTransformer`
(sublinear tf, smoothed idf), then each column group is scaled (concepts
``concept_weight``, numbers ``number_weight``) and rows are L2-normalised, so
the dot product of two rows is their cosine similarity.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.preprocessing import normalize as l2_normalize

from matchmaker.domain.text import tokenize

__all__ = ["Featurizer", "Document"]

GROUP_CONCEPT, GROUP_CJK, GROUP_WORD, GROUP_NUMBER = 0, 1, 2, 3


class Document:
    """A normalised posting ready for featurizing.

    Attributes
    ----------
    title, body : str
        Normalised title and description.
    title_concepts, body_concepts : list of int
        Concept indices found in the title and in the description (one per
        occurrence; found in ``title + " " + body`` so that the description
        gives context to abbreviations of the title).
    heads : list of int
        Concepts naming what the posting is about (see
        :meth:`ConceptIndex.analyse`).
    """

    __slots__ = ("title", "body", "title_concepts", "body_concepts", "heads")

    def __init__(self, title, body, title_concepts, body_concepts, heads=()):
        self.title, self.body = title, body
        self.title_concepts, self.body_concepts = title_concepts, body_concepts
        self.heads = list(heads)

    @property
    def text(self) -> str:
        return f"{self.title} {self.body}" if self.body else self.title


def _group(token: str) -> int:
    c = token[0]
    if c.isdigit():
        return GROUP_NUMBER
    if "\u3400" <= c or (len(token) > 1 and "\u3400" <= token[1]):
        return GROUP_CJK
    return GROUP_WORD


class Featurizer:
    """Vocabulary, idf and column weights of one indexed side.

    Parameters
    ----------
    n_concepts : int
        Number of concept columns (they come first).
    title_weight : int, default 2
        Title tokens and concepts are counted this many times.
    concept_weight, number_weight, word_weight : float
        Scale of the concept, number and Latin-word columns relative to CJK bigrams.
    """

    def __init__(self, n_concepts, *, title_weight=2, concept_weight=2.0, number_weight=0.5,
                 word_weight=1.0):
        self.n_concepts = n_concepts
        self.title_weight = title_weight
        self.concept_weight = concept_weight
        self.number_weight = number_weight
        self.word_weight = word_weight
        self.vocabulary_: dict[str, int] = {}

    # -- counting ------------------------------------------------------------
    def _count(self, docs, grow: bool):
        vocab = self.vocabulary_
        base = self.n_concepts
        tw = int(self.title_weight)
        cols: list[int] = []
        indptr = [0]
        extend = cols.extend
        if grow:
            def ids(tokens):
                return [vocab.setdefault(t, len(vocab)) + base for t in tokens]
        else:
            get = vocab.get

            def ids(tokens):
                return [i + base for i in map(get, tokens) if i is not None]
        for doc in docs:
            title_ids = ids(tokenize(doc.title, normalized=True))
            title_ids.extend(doc.title_concepts)
            for _ in range(tw):
                extend(title_ids)
            extend(ids(tokenize(doc.body, normalized=True)))
            extend(doc.body_concepts)
            indptr.append(len(cols))
        n_cols = base + len(vocab)
        data = np.ones(len(cols), dtype=np.float32)
        matrix = sparse.csr_array(
            (data, np.asarray(cols, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(indptr) - 1, n_cols))
        matrix.sum_duplicates()
        return matrix

    # -- fitting -------------------------------------------------------------
    def fit_counts(self, docs, *, chunk=20000):
        """Learn vocabulary and idf from documents; return their count matrix (CSR)."""
        chunks = []
        batch = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= chunk:
                chunks.append(self._count(batch, grow=True))
                batch = []
        if batch or not chunks:
            chunks.append(self._count(batch, grow=True))
        n_cols = self.n_concepts + len(self.vocabulary_)
        for m in chunks:
            m.resize((m.shape[0], n_cols))
        counts = sparse.csr_array(sparse.vstack(chunks, format="csr"), dtype=np.float32)
        del chunks
        self.transformer_ = TfidfTransformer(sublinear_tf=True, smooth_idf=True, norm=None)
        self.transformer_.fit(counts)
        groups = np.full(n_cols, GROUP_CJK, dtype=np.int8)
        groups[: self.n_concepts] = GROUP_CONCEPT
        tokens = sorted(self.vocabulary_, key=self.vocabulary_.__getitem__)
        groups[self.n_concepts:] = np.fromiter(map(_group, tokens), dtype=np.int8,
                                               count=len(tokens))
        scale = np.array([self.concept_weight, 1.0, self.word_weight, self.number_weight],
                         dtype=np.float32)
        self.groups_ = groups
        self.column_scale_ = scale[groups]
        self.tokens_ = tokens
        return counts

    def weigh(self, counts, *, copy=True):
        """Sublinear tf x idf (scikit-learn), x column scale, L2-normalised rows."""
        counts = sparse.csr_array(counts, dtype=np.float32)
        if counts.shape[1] < len(self.column_scale_):
            counts.resize((counts.shape[0], len(self.column_scale_)))
        out = sparse.csr_array(self.transformer_.transform(counts, copy=copy))
        out.data *= self.column_scale_[out.indices]
        out = sparse.csr_array(l2_normalize(out, norm="l2", copy=False))
        out.data = out.data.astype(np.float32, copy=False)
        return out

    def transform(self, docs):
        """TF-IDF rows of new documents with the fitted vocabulary."""
        return self.weigh(self._count(list(docs), grow=False))

    # -- introspection -------------------------------------------------------
    def token(self, column: int) -> str | None:
        """The token behind a token column (``None`` for concept columns)."""
        if column < self.n_concepts:
            return None
        return self.tokens_[column - self.n_concepts]

    def idf(self, column: int) -> float:
        return float(self.transformer_.idf_[column])
