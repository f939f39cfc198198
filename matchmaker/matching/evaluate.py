"""Ranking quality on a labelled data set, against two baselines.

A data set is a folder like ``match-dev``: ``chains.json``,
``demands.jsonl``, ``capabilities.jsonl`` and ``qrels.tsv``
(``demand_id<TAB>capability_id<TAB>grade``, grades 1-3, unlisted = 0).

Metrics, averaged over every demand of ``demands.jsonl``:

* NDCG@10 with graded gains: DCG@10 = sum of grade_i / log2(i + 1) over the
  first 10 ranked capabilities; IDCG@10 the same over the demand's labelled
  capabilities sorted by grade; a demand with no output (or no labels) counts 0;
* MRR: 1 / rank of the first capability with a grade > 0 (0 if none in the ranking);
* recall@10: share of the demand's labelled capabilities found in the first 10;
* ranking error: 1 - NDCG@10.

Baselines, the plain standard ones the engine is measured against everywhere
(:func:`baseline_tokens`): text = title + " " + description; OpenCC t2s, then
lower case; tokens = every character bigram of each run of CJK characters
(the character itself for a one-character run) and every ``[a-z0-9]+`` run as
one word. TF-IDF = scikit-learn ``TfidfVectorizer(sublinear_tf=True)`` over
those tokens, cosine; BM25 = ``bm25s.BM25()`` with its defaults over the same
tokens. Neither uses the chain graph or the qualification filter.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = [
    "Dataset",
    "Scores",
    "baseline_tokens",
    "bm25_baseline",
    "engine_rankings",
    "load_dataset",
    "ndcg_at_k",
    "per_demand_ndcg",
    "recall_at_k",
    "reciprocal_rank",
    "score_rankings",
    "tfidf_bigram_baseline",
    "wins_ties_losses",
]


@dataclass
class Dataset:
    """A labelled matching data set."""

    chains: dict
    demands: list
    capabilities: list
    qrels: dict  # demand id -> {capability id: grade}

    def subset(self, demand_ids) -> Dataset:
        keep = set(demand_ids)
        return Dataset(self.chains, [d for d in self.demands if d["id"] in keep],
                       self.capabilities, {k: v for k, v in self.qrels.items() if k in keep})


def _jsonl(path):
    with open(path, encoding="utf-8-sig") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_dataset(folder) -> Dataset:
    """Read ``chains.json``, ``demands.jsonl``, ``capabilities.jsonl`` and ``qrels.tsv``."""
    folder = Path(folder)
    missing = [n for n in ("chains.json", "demands.jsonl", "capabilities.jsonl", "qrels.tsv")
               if not (folder / n).is_file()]
    if missing:
        raise FileNotFoundError(f"{folder} lacks {', '.join(missing)}")
    chains = json.loads((folder / "chains.json").read_text(encoding="utf-8-sig"))
    qrels: dict = {}
    for lineno, line in enumerate((folder / "qrels.tsv").read_text(encoding="utf-8-sig")
                                  .splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise ValueError(f"{folder / 'qrels.tsv'}:{lineno}: expected "
                             "demand_id<TAB>capability_id<TAB>grade")
        qrels.setdefault(parts[0], {})[parts[1]] = int(parts[2])
    return Dataset(chains, _jsonl(folder / "demands.jsonl"),
                   _jsonl(folder / "capabilities.jsonl"), qrels)


# -- metrics -------------------------------------------------------------------
def ndcg_at_k(ranked, grades, k=10) -> float:
    """Graded NDCG@k of one ranking; 0 when nothing is ranked or labelled."""
    ideal = sorted((g for g in grades.values() if g > 0), reverse=True)[:k]
    idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
    if idcg == 0:
        return 0.0
    dcg = sum(grades.get(c, 0) / math.log2(i + 2) for i, c in enumerate(ranked[:k]))
    return dcg / idcg


def reciprocal_rank(ranked, grades) -> float:
    """1 / rank of the first capability with a grade > 0, 0 if there is none."""
    for i, c in enumerate(ranked, 1):
        if grades.get(c, 0) > 0:
            return 1.0 / i
    return 0.0


def recall_at_k(ranked, grades, k=10) -> float:
    """Share of labelled (grade > 0) capabilities among the first k."""
    relevant = {c for c, g in grades.items() if g > 0}
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


@dataclass
class Scores:
    """Mean metrics over the demands of a data set."""

    ndcg: float
    mrr: float
    recall: float
    n: int

    @property
    def error(self) -> float:
        return 1.0 - self.ndcg


def score_rankings(rankings, dataset, k=10) -> Scores:
    """Mean NDCG@k, MRR and recall@k; ``rankings`` maps demand id -> list of capability ids."""
    n = len(dataset.demands)
    if n == 0:
        return Scores(0.0, 0.0, 0.0, 0)
    nd = rr = rc = 0.0
    for d in dataset.demands:
        ranked = list(rankings.get(d["id"], []))
        grades = dataset.qrels.get(d["id"], {})
        nd += ndcg_at_k(ranked, grades, k)
        rr += reciprocal_rank(ranked, grades)
        rc += recall_at_k(ranked, grades, k)
    return Scores(nd / n, rr / n, rc / n, n)


def per_demand_ndcg(rankings, dataset, k=10) -> np.ndarray:
    """NDCG@k of each demand of ``dataset`` (in file order)."""
    return np.array([ndcg_at_k(list(rankings.get(d["id"], [])), dataset.qrels.get(d["id"], {}), k)
                     for d in dataset.demands])


def wins_ties_losses(a, b, tol=1e-9) -> tuple[int, int, int]:
    """How many demands ``a`` scores higher than, the same as, lower than ``b``."""
    a, b = np.asarray(a), np.asarray(b)
    return (int((a > b + tol).sum()), int((np.abs(a - b) <= tol).sum()),
            int((a < b - tol).sum()))


# -- rankers -------------------------------------------------------------------
def _text(record):
    return f"{record.get('title') or ''} {record.get('description') or ''}"


_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]"
_TOKEN = re.compile(f"(?P<cjk>{_CJK}+)|[a-z0-9]+")


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def baseline_tokens(text: str) -> list[str]:
    """Tokens of the plain baselines (see the module docstring)."""
    text = _t2s().convert(text or "").lower()
    out: list[str] = []
    for m in _TOKEN.finditer(text):
        tok = m.group()
        if m.lastgroup == "cjk":
            out.extend([tok[i:i + 2] for i in range(len(tok) - 1)] if len(tok) > 1 else [tok])
        else:
            out.append(tok)
    return out


def _ranked(ids, scores, top):
    return [ids[j] for j in np.argsort(-np.asarray(scores), kind="stable")[:top]]


def tfidf_bigram_baseline(dataset, top=10) -> dict:
    """TF-IDF (sublinear tf) cosine over the baseline tokens."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vec = TfidfVectorizer(sublinear_tf=True, analyzer=baseline_tokens)
    caps = vec.fit_transform([_text(c) for c in dataset.capabilities])
    queries = vec.transform([_text(d) for d in dataset.demands])
    sims = (queries @ caps.T).toarray()
    ids = [c["id"] for c in dataset.capabilities]
    return {d["id"]: _ranked(ids, sims[i], top) for i, d in enumerate(dataset.demands)}


def bm25_baseline(dataset, top=10) -> dict:
    """BM25 (``bm25s.BM25()``, its defaults) over the baseline tokens."""
    import bm25s

    corpus = [baseline_tokens(_text(c)) for c in dataset.capabilities]
    vocab: dict = {}
    ids_of = [[vocab.setdefault(t, len(vocab)) for t in doc] for doc in corpus]
    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenization.Tokenized(ids_of, vocab), show_progress=False)
    ids = [c["id"] for c in dataset.capabilities]
    out = {}
    for d in dataset.demands:
        toks = [vocab[t] for t in baseline_tokens(_text(d)) if t in vocab]
        scores = retriever.get_scores(toks) if toks else np.zeros(len(ids))
        out[d["id"]] = _ranked(ids, scores, top)
    return out


def engine_rankings(dataset, top=10, matcher=None, **params) -> dict:
    """Rankings of the engine (a fitted ``matcher``, or one fitted with ``params``)."""
    from matchmaker.matching.matcher import Matcher

    if matcher is None:
        matcher = Matcher(**params).fit(dataset.capabilities, dataset.chains)
    ranked = matcher.rank(dataset.demands, top=top)
    return {d["id"]: [m.id for m in r] for d, r in zip(dataset.demands, ranked)}
