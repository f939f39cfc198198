"""Batch analysis gives exactly the tokens and concepts of one-text processing."""
from collections import Counter

from matchmaker.domain.text import tokenize
from matchmaker.matching.batch import TokenVocabulary, analyse

EXTRA = [
    {"title": "N型TOPCon電池片", "description": "ab型 n型 5g基站 12吋 2.5D ip66 trackers 175°C高温"},
    {"title": "Ｆｕｌｌ－ｗｉｄｔｈ　ＰＯＥ", "description": "1×10¹⁵Ω·cm, 16μm网版"},
    {"title": "单", "description": ""},
]


def test_batch_counts_equal_tokenize_and_find(dev_capabilities, dev_demands, dev_concepts):
    records = dev_capabilities + dev_demands + EXTRA
    vocab = TokenVocabulary()
    out = analyse([r["title"] for r in records], [r.get("description") or "" for r in records],
                  dev_concepts, vocab, grow=True, title_weight=1)
    n_concepts = dev_concepts.n_concepts
    for i, text in enumerate(out.texts):
        lo, hi = out.counts.indptr[i], out.counts.indptr[i + 1]
        tokens, concepts = Counter(), Counter()
        for col, value in zip(out.counts.indices[lo:hi], out.counts.data[lo:hi]):
            if col >= n_concepts:
                tokens[vocab.tokens[col - n_concepts]] += int(value)
            else:
                concepts[int(col)] += int(value)
        assert tokens == Counter(tokenize(text, normalized=True)), text
        assert concepts == Counter(dev_concepts.find_ids(text)), text


def test_title_terms_count_title_weight_times(dev_concepts):
    vocab = TokenVocabulary()
    out = analyse(["光伏组件"], ["光伏组件"], dev_concepts, vocab, grow=True, title_weight=2)
    column = dev_concepts.n_concepts + vocab.id_of("光伏")
    row = out.counts[[0]].toarray()[0]
    assert row[column] == 3  # twice for the title, once for the description


def test_latin_runs_compiled_and_plain_agree(dev_capabilities):
    import numpy as np

    from matchmaker.domain.text import normalize_many
    from matchmaker.matching import kernels
    from matchmaker.matching.terms import _digest
    from matchmaker.matching.vocabulary import _latin_alphabet

    text = "\n".join(normalize_many([f"{r['title']} {r.get('description') or ''}"
                                     for r in dev_capabilities + EXTRA]))
    cp = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    compiled = kernels.latin_runs(cp, _latin_alphabet())
    # Reference: runs found with NumPy, hashed in Python.
    inside = np.concatenate([[False], _latin_alphabet()[cp], [False]]).astype(np.int8)
    edges = np.flatnonzero(np.diff(inside))
    start, end = edges[0::2], edges[1::2]
    plain = (start, end, np.asarray([_digest(text[a:b]) or 1 for a, b in zip(start, end)],
                                    dtype=np.uint64))
    assert len(compiled[0]) > 500
    for a, b in zip(compiled, plain):
        assert np.array_equal(a, b)
    assert "175°c" in {text[s:e] for s, e in zip(compiled[0].tolist(), compiled[1].tolist())}


def test_ranking_side_analysis_keeps_known_tokens_of_unknown_runs(dev_concepts):
    vocab = TokenVocabulary()
    analyse(["TOPCon cells 200Wh/kg"], [""], dev_concepts, vocab, grow=True)
    size = len(vocab)
    # "topcon-x" is a run never seen; its "topcon" token is known, "x" is no token.
    out = analyse(["topcon-x cells, 200wh/kg; unknownword"], [""], dev_concepts, vocab,
                  grow=False, title_weight=1)
    assert len(vocab) == size
    n = dev_concepts.n_concepts
    cols = out.counts.indices[out.counts.indices >= n] - n
    assert sorted(vocab.tokens[c] for c in cols) == ["200wh/kg", "cell", "topcon"]


def test_compiled_csr_matches_scipy():
    import numpy as np
    from scipy import sparse

    from matchmaker.matching.kernels import csr_arrays

    rng = np.random.default_rng(0)
    rows, cols = rng.integers(0, 50, 2000), rng.integers(0, 30, 2000)
    vals = rng.integers(1, 3, 2000).astype(np.float32)
    indptr, indices, data = csr_arrays(rows, cols, vals, 60)
    expected = sparse.coo_array((vals, (rows, cols)), shape=(60, 30)).tocsr()
    expected.sum_duplicates()
    assert np.array_equal(indptr, expected.indptr) and np.array_equal(indices, expected.indices)
    assert np.array_equal(data, expected.data)


def test_compiled_outputs_grow_past_their_first_guess(dev_concepts):
    """Texts denser in hits than the kernels' first allocation give complete results."""
    import numpy as np

    from matchmaker.matching.terms import TermMatcher

    dense = "电池片" * 60  # a hit at every position
    fast = TermMatcher(["电池", "电池片", "池片", "片电"], backend="numba").scan(dense)
    slow = TermMatcher(["电池", "电池片", "池片", "片电"], backend="python").scan(dense)
    for a, b in zip(fast, slow):
        assert np.array_equal(a, b)
    # 40 letters after a number's unit, each before CJK ("5a型"), and a run every 2 characters.
    text = "5a型 " * 40 + "x " * 200
    vocab = TokenVocabulary()
    out = analyse([text], [""], dev_concepts, vocab, grow=True, title_weight=1)
    tokens = Counter()
    n = dev_concepts.n_concepts
    for col, value in zip(out.counts.indices, out.counts.data):
        if col >= n:
            tokens[vocab.tokens[col - n]] += int(value)
    assert tokens == Counter(tokenize(out.texts[0], normalized=True))
