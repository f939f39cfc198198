"""Dictionary term scanning and the concept vocabulary."""
import numpy as np
import pytest

from matchmaker.domain.text import normalize
from matchmaker.matching.concepts import is_abbreviation
from matchmaker.matching.glossary import load_glossary
from matchmaker.matching.terms import TermMatcher

TERMS = ["fc-bga", "键合丝", "镀钯铜", "镀钯铜键合丝", "emc", "tracker", "single-axis tracker",
         "n型", "电池片", "battery", "0bb"]


def found(matcher, text):
    return [t for t, _, _ in matcher.find(normalize(text))]


@pytest.fixture(params=["numba", "numpy", "python"])
def matcher(request):
    return TermMatcher(TERMS, backend=request.param)


def test_overlapping_and_nested_terms_are_all_found(matcher):
    assert found(matcher, "镀钯铜键合丝") == ["镀钯铜键合丝", "镀钯铜", "键合丝"]


def test_separators_are_interchangeable(matcher):
    assert found(matcher, "FC BGA / fc/bga / Fc-Bga") == ["fc-bga"] * 3


def test_latin_terms_match_whole_words_and_plurals(matcher):
    assert found(matcher, "emcs, EMC, emcx, xemc") == ["emc", "emc"]
    assert found(matcher, "single axis trackers") == ["single-axis tracker", "tracker"]
    assert found(matcher, "batteries") == ["battery"]


def test_backends_agree_on_real_text(dev_capabilities):
    terms = sorted({t for c in load_glossary() for t in c.terms})
    text = "\n".join(normalize(f"{c['title']} {c.get('description', '')}")
                     for c in dev_capabilities)
    slow = TermMatcher(terms, backend="python").scan(text)
    assert len(slow[0]) > 1000
    for backend in ("numba", "numpy"):
        for a, b in zip(TermMatcher(terms, backend=backend).scan(text), slow):
            assert np.array_equal(a, b)


def test_abbreviations():
    assert is_abbreviation("poe") and is_abbreviation("4g") and is_abbreviation("210")
    assert not is_abbreviation("topcon") and not is_abbreviation("电池片")


def test_languages_and_spellings_share_a_concept(dev_concepts):
    ids = [set(dev_concepts.find_ids(normalize(t))) for t in (
        "镀钯铜键合丝", "鈀覆銅鍵合線", "Palladium-coated copper bonding wire", "PCC bonding wire")]
    assert set.intersection(*ids)


def test_abbreviation_needs_context_of_its_industry(dev_concepts):
    labels = dev_concepts.labels_
    switch = {labels[c] for c in dev_concepts.find_ids(normalize("工业级PoE交换机，监控摄像机供电"))}
    film = {labels[c] for c in dev_concepts.find_ids(normalize("光伏组件用POE封装胶膜"))}
    bare = dev_concepts.find_ids(normalize("POE"))
    assert "以太网供电" in switch and "聚烯烃弹性体" not in switch
    assert "聚烯烃弹性体" in film and "以太网供电" not in film
    assert bare == []


