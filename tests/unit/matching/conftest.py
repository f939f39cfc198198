"""Fixtures of the ranking-engine tests: the match-dev data set copied into tests/data."""
import json

import pytest

import graph
from matchmaker.matching import Matcher
from matchmaker.matching.concepts import ConceptIndex


def _jsonl(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


@pytest.fixture(scope="session")
def dev_dir(data_dir):
    return data_dir / "match-dev"


@pytest.fixture(scope="session")
def dev_graph(dev_dir):
    return graph.load_chains(dev_dir / "chains.json")


@pytest.fixture(scope="session")
def dev_capabilities(dev_dir):
    return _jsonl(dev_dir / "capabilities.jsonl")


@pytest.fixture(scope="session")
def dev_demands(dev_dir):
    return _jsonl(dev_dir / "demands.jsonl")


@pytest.fixture(scope="session")
def dev_matcher(dev_capabilities, dev_demands, dev_graph):
    """A matcher fitted on the dev capabilities and demands (do not mutate)."""
    return Matcher().fit(dev_capabilities, dev_graph, demands=dev_demands)


@pytest.fixture(scope="session")
def dev_concepts(dev_graph):
    return ConceptIndex(None, dev_graph).fit()
