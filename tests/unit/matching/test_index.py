"""The inverted index returns exact cosine similarities and follows updates."""
import numpy as np
from scipy import sparse
from sklearn.preprocessing import normalize

from matchmaker.matching.index import InvertedIndex


def random_rows(n, m, seed):
    rows = sparse.random(n, m, density=0.05, random_state=seed, format="csr", dtype=np.float32)
    return sparse.csr_array(normalize(rows))


def test_candidates_carry_exact_cosine():
    rows = random_rows(300, 80, 0)
    index = InvertedIndex(rows, posting_budget=10_000)
    query = random_rows(1, 80, 1)
    docs, scores = index.search(query.indices, query.data, n_candidates=300)
    expected = (rows @ query.T).toarray().ravel()
    assert np.allclose(scores, expected[docs], atol=1e-6)
    assert set(docs) == set(np.flatnonzero(expected > 0))


def test_small_budget_still_finds_the_best_document():
    rows = random_rows(2000, 200, 2)
    index = InvertedIndex(rows, posting_budget=500)
    target = 1234
    q = rows[[target]]
    docs, scores = index.search(q.indices, q.data, n_candidates=50)
    assert docs[np.argmax(scores)] == target
    assert np.isclose(scores.max(), 1.0, atol=1e-5)


def test_append_delete_and_merge():
    rows = random_rows(100, 50, 3)
    index = InvertedIndex(rows)
    extra = random_rows(1, 50, 4)
    doc = index.append(extra)
    assert doc == 100
    docs, scores = index.search(extra.indices, extra.data, n_candidates=10)
    assert docs[np.argmax(scores)] == doc
    index.delete(doc)
    assert doc not in index.search(extra.indices, extra.data, n_candidates=200)[0]
    index.delete(5)
    mapping = index.merge()
    assert mapping[5] == -1 and mapping[doc] == -1 and mapping[6] == 5
    assert index.n_docs == 99
