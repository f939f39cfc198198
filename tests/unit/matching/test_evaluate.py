"""Ranking metrics, computed by hand on a tiny labelled set."""
import math

import pytest

from matchmaker.matching.evaluate import (
    Dataset,
    load_dataset,
    ndcg_at_k,
    recall_at_k,
    reciprocal_rank,
    score_rankings,
)

GRADES = {"A": 3, "B": 2, "C": 1}


def test_ndcg_of_a_perfect_ranking_is_one():
    assert ndcg_at_k(["A", "B", "C"], GRADES) == pytest.approx(1.0)


def test_ndcg_by_hand():
    ranked = ["X", "C", "A"]  # gains 0, 1, 3
    dcg = 1 / math.log2(3) + 3 / math.log2(4)
    idcg = 3 / math.log2(2) + 2 / math.log2(3) + 1 / math.log2(4)
    assert ndcg_at_k(ranked, GRADES) == pytest.approx(dcg / idcg)


def test_ndcg_cuts_at_k_and_idcg_counts_labelled_items_only():
    assert ndcg_at_k(["X", "A"], GRADES, k=1) == 0.0
    assert ndcg_at_k(["A"], {"A": 3}) == pytest.approx(1.0)


def test_no_output_counts_zero():
    assert ndcg_at_k([], GRADES) == 0.0
    assert reciprocal_rank([], GRADES) == 0.0
    assert recall_at_k([], GRADES) == 0.0


def test_mrr_and_recall_by_hand():
    assert reciprocal_rank(["X", "Y", "B"], GRADES) == pytest.approx(1 / 3)
    assert recall_at_k(["B", "X", "C"], GRADES, k=2) == pytest.approx(1 / 3)


def test_means_over_every_demand_including_unanswered_ones():
    data = Dataset({}, [{"id": "D1"}, {"id": "D2"}], [], {"D1": GRADES, "D2": {"A": 1}})
    scores = score_rankings({"D1": ["A", "B", "C"]}, data)  # D2 answered nothing
    assert scores.ndcg == pytest.approx(0.5)
    assert scores.mrr == pytest.approx(0.5)
    assert scores.error == pytest.approx(0.5)


def test_load_dataset_reads_the_dev_set(dev_dir):
    data = load_dataset(dev_dir)
    assert len(data.demands) == 16 and len(data.capabilities) == 170
    assert sum(len(v) for v in data.qrels.values()) == 131


def test_load_dataset_names_missing_files(tmp_path):
    with pytest.raises(FileNotFoundError, match="qrels.tsv"):
        load_dataset(tmp_path)
