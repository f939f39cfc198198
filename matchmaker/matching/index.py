"""Term-major inverted index over L2-normalised TF-IDF rows.

Scoring a query against a million postings touches only the postings of the
query's terms. Terms are taken in decreasing query weight until a budget of
postings is spent (the *head*); the head's exact partial dot products pick the
best ``n_candidates`` documents, and the remaining *tail* terms -- frequent,
low-weight tokens such as common bigrams -- are then added for those
candidates only, by binary search in their sorted posting lists. Candidates
thus carry their exact cosine similarity while the work per query stays
bounded whatever the corpus size.

New documents go to a small *delta* segment scored directly; deleted
documents are masked. :meth:`InvertedIndex.merge` folds the delta into the
main segment.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["InvertedIndex"]


class InvertedIndex:
    """Searchable store of TF-IDF rows.

    Parameters
    ----------
    rows : scipy sparse matrix, shape (n_docs, n_terms)
        L2-normalised float rows (CSR or anything convertible).
    posting_budget : int, default 400_000
        Postings accumulated exhaustively per query before switching to
        candidate-only scoring.
    """

    def __init__(self, rows, *, posting_budget=400_000):
        self.posting_budget = int(posting_budget)
        rows = sparse.csr_array(rows, dtype=np.float32)
        self.n_terms = rows.shape[1]
        self._set_main(rows)
        self._delta_rows: list = []
        self._delta = None
        self.alive = np.ones(self.n_main, dtype=bool)

    def _set_main(self, rows):
        csc = sparse.csc_array(rows, dtype=np.float32)
        csc.sort_indices()
        self.n_main = rows.shape[0]
        self.indptr = csc.indptr.astype(np.int64, copy=False)
        self.indices = csc.indices.astype(np.int32, copy=False)
        self.data = csc.data.astype(np.float32, copy=False)
        self.df = np.diff(self.indptr)
        self._buffer = np.zeros(self.n_main, dtype=np.float32)

    # -- updates -------------------------------------------------------------
    @property
    def n_docs(self) -> int:
        """Documents stored, deleted ones included (row numbers never move until merge)."""
        return self.n_main + len(self._delta_rows)

    @property
    def n_delta(self) -> int:
        return len(self._delta_rows)

    def append(self, row) -> int:
        """Add one L2-normalised row; return its document number."""
        row = sparse.csr_array(row, dtype=np.float32)
        if row.shape[1] != self.n_terms:
            row.resize((1, self.n_terms))
        self._delta_rows.append(row)
        self._delta = None
        self.alive = np.append(self.alive, True)
        return self.n_docs - 1

    def delete(self, doc: int) -> None:
        self.alive[doc] = False

    def merge(self):
        """Fold the delta segment into the main segment and drop deleted rows.

        Returns the mapping old document number -> new one (-1 for dropped).
        """
        main = self._main_rows()
        parts = [main] + self._delta_rows
        rows = sparse.csr_array(sparse.vstack(parts, format="csr")) if len(parts) > 1 else main
        keep = np.flatnonzero(self.alive)
        mapping = np.full(len(self.alive), -1, dtype=np.int64)
        mapping[keep] = np.arange(len(keep))
        rows = rows[keep]
        self._set_main(rows)
        self._delta_rows = []
        self._delta = None
        self.alive = np.ones(self.n_main, dtype=bool)
        return mapping

    def _main_rows(self):
        csc = sparse.csc_array((self.data, self.indices, self.indptr),
                               shape=(self.n_main, self.n_terms))
        return sparse.csr_array(csc)

    def _delta_matrix(self):
        if self._delta is None and self._delta_rows:
            self._delta = sparse.csr_array(sparse.vstack(self._delta_rows, format="csr"))
        return self._delta

    def contains(self, col, docs) -> np.ndarray:
        """Which of ``docs`` have a non-zero weight in column ``col``."""
        docs = np.asarray(docs, dtype=np.int64)
        out = np.zeros(len(docs), dtype=bool)
        main = docs < self.n_main
        if main.any():
            lo, hi = self.indptr[col], self.indptr[col + 1]
            if hi > lo:
                posting = self.indices[lo:hi]
                d = docs[main]
                pos = np.minimum(np.searchsorted(posting, d), hi - lo - 1)
                out[main] = posting[pos] == d
        if (~main).any():
            delta = self._delta_matrix()
            column = delta[:, [col]].toarray().ravel() != 0
            out[~main] = column[docs[~main] - self.n_main]
        return out

    def values(self, cols, docs) -> np.ndarray:
        """Stored weights of ``docs`` in columns ``cols``, shape (len(cols), len(docs))."""
        cols = np.asarray(cols, dtype=np.int64)
        docs = np.asarray(docs, dtype=np.int64)
        out = np.zeros((len(cols), len(docs)), dtype=np.float32)
        main = np.flatnonzero(docs < self.n_main)
        if len(main):
            order = main[np.argsort(docs[main])]
            sorted_docs = docs[order]
            indptr, indices, data = self.indptr, self.indices, self.data
            for r, c in enumerate(cols):
                lo, hi = indptr[c], indptr[c + 1]
                if hi == lo:
                    continue
                pos = np.searchsorted(indices[lo:hi], sorted_docs)
                pos[pos >= hi - lo] = hi - lo - 1
                hit = indices[lo + pos] == sorted_docs
                out[r, order[hit]] = data[lo + pos[hit]]
        extra = np.flatnonzero(docs >= self.n_main)
        if len(extra):
            rows = self._delta_matrix()[docs[extra] - self.n_main][:, cols].toarray()
            out[:, extra] = rows.T
        return out

    # -- search --------------------------------------------------------------
    def search(self, q_cols, q_vals, n_candidates, allowed=None):
        """Best documents for one query by cosine similarity.

        Parameters
        ----------
        q_cols : ndarray of int
            Column numbers of the query's non-zero weights.
        q_vals : ndarray of float
            The query's L2-normalised weights.
        n_candidates : int
            How many documents to return at most.
        allowed : callable, optional
            ``allowed(docs) -> bool mask``: which documents may be returned
            (e.g. a qualification filter).

        Returns
        -------
        docs : ndarray of int64
        scores : ndarray of float32
            Exact cosine similarities, unordered; documents sharing no term
            with the query are not returned.
        """
        q_cols = np.asarray(q_cols, dtype=np.int64)
        q_vals = np.asarray(q_vals, dtype=np.float32)
        docs, scores = self._search_main(q_cols, q_vals, n_candidates, allowed)
        delta = self._delta_matrix()
        if delta is not None:
            dense = np.zeros(self.n_terms, dtype=np.float32)
            dense[q_cols] = q_vals
            d_scores = delta @ dense
            d_docs = np.flatnonzero(d_scores > 0)
            d_scores = d_scores[d_docs]
            d_docs = d_docs + self.n_main
            ok = self.alive[d_docs]
            if allowed is not None:
                ok &= allowed(d_docs)
            docs = np.concatenate([docs, d_docs[ok]])
            scores = np.concatenate([scores, d_scores[ok].astype(np.float32)])
            if len(docs) > n_candidates:
                top = np.argpartition(-scores, n_candidates - 1)[:n_candidates]
                docs, scores = docs[top], scores[top]
        return docs, scores

    def _search_main(self, q_cols, q_vals, n_candidates, allowed):
        empty = np.empty(0, dtype=np.int64), np.empty(0, dtype=np.float32)
        if self.n_main == 0 or len(q_cols) == 0:
            return empty
        df = self.df[q_cols]
        live = df > 0
        q_cols, q_vals, df = q_cols[live], q_vals[live], df[live]
        if len(q_cols) == 0:
            return empty
        order = np.argsort(-q_vals, kind="stable")
        # Head: highest-weight terms whose postings fit in the budget.
        budget = self.posting_budget
        spent = np.cumsum(df[order])
        head_mask = spent <= budget
        head_mask[0] = True  # always score the strongest term
        head, tail = order[head_mask], order[~head_mask]
        buf = self._buffer
        indptr, indices, data = self.indptr, self.indices, self.data
        for t in head:
            c = q_cols[t]
            lo, hi = indptr[c], indptr[c + 1]
            buf[indices[lo:hi]] += q_vals[t] * data[lo:hi]
        # Touched documents: a scan of the score buffer is cheaper than
        # de-duplicating the concatenated postings.
        docs = np.flatnonzero(buf)
        scores = buf[docs]
        buf[docs] = 0.0
        ok = self.alive[docs]
        if allowed is not None:
            ok &= allowed(docs)
        docs, scores = docs[ok].astype(np.int64), scores[ok]
        if len(docs) > n_candidates:
            top = np.argpartition(-scores, n_candidates - 1)[:n_candidates]
            docs, scores = docs[top], scores[top]
        if len(tail) and len(docs):
            sort = np.argsort(docs)
            docs, scores = docs[sort], scores[sort]
            for t in tail:
                c = q_cols[t]
                lo, hi = indptr[c], indptr[c + 1]
                posting = indices[lo:hi]
                pos = np.searchsorted(posting, docs)
                pos[pos >= len(posting)] = len(posting) - 1
                hit = posting[pos] == docs
                if hit.any():
                    scores[hit] += q_vals[t] * data[lo:hi][pos[hit]]
        return docs, scores
