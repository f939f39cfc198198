"""Pair lookups per second: ProximityIndex against networkx shortest paths per call.

Builds a synthetic chain graph (40 chains x 50 nodes = 2,000 nodes, supply edges
from earlier to later stages, a few cross-chain links), then scores random node
pairs both ways and checks that they agree.

Run from the project root: python -m benchmarks.bench_proximity [--chains 40]
[--nodes-per-chain 50]
"""

from __future__ import annotations

import argparse
import random
import time

import networkx as nx

from graph import ProximityIndex, proximity
from graph.build import STAGES


def synthetic_graph(chains: int, per_chain: int, seed: int = 0) -> nx.DiGraph:
    rng = random.Random(seed)
    G = nx.DiGraph(chains={})
    for c in range(chains):
        cid = f"c{c}"
        G.graph["chains"][cid] = {"id": cid, "name": f"链{c}", "name_en": f"Chain {c}"}
        for k in range(per_chain):
            G.add_node(f"{cid}.n{k}", chain=cid, name=f"环节{c}-{k}", name_en="",
                       stage=STAGES[min(2, 3 * k // per_chain)], keywords=[])
        for k in range(1, per_chain):
            for _ in range(2):
                G.add_edge(f"{cid}.n{rng.randrange(k)}", f"{cid}.n{k}")
    for c in range(chains):
        other = rng.randrange(chains)
        if other > c:
            G.add_edge(f"c{c}.n{per_chain - 1}", f"c{other}.n{rng.randrange(per_chain // 3)}")
    return G


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chains", type=int, default=40)
    parser.add_argument("--nodes-per-chain", type=int, default=50)
    parser.add_argument("--pairs", type=int, default=200_000)
    parser.add_argument("--baseline-pairs", type=int, default=2_000)
    args = parser.parse_args()

    G = synthetic_graph(args.chains, args.nodes_per_chain)
    print(f"graph: {G.number_of_nodes()} nodes, {G.number_of_edges()} edges")
    rng = random.Random(1)
    nodes = list(G)
    pairs = [(rng.choice(nodes), rng.choice(nodes)) for _ in range(args.pairs)]

    start = time.perf_counter()
    index = ProximityIndex(G)
    build = time.perf_counter() - start
    print(f"index build: {build:.2f} s, "
          f"{(index.directed_.nbytes + index.undirected_.nbytes) / 1e6:.1f} MB")

    start = time.perf_counter()
    scored = [index.score(a, b) for a, b in pairs]
    per_pair = (time.perf_counter() - start) / len(pairs)
    print(f"index.score:         {1 / per_pair:>12,.0f} pairs/s")

    # A ranking query: one demand's nodes against every candidate's nodes.
    a_nodes = nodes[:3]
    b_nodes = [rng.choice(nodes) for _ in range(args.pairs // 3)]
    start = time.perf_counter()
    matrix = index.pairwise(a_nodes, b_nodes)
    elapsed = time.perf_counter() - start
    print(f"index.pairwise:      {matrix.size / elapsed:>12,.0f} pairs/s")

    sample = pairs[: args.baseline_pairs]
    start = time.perf_counter()
    baseline = [proximity(G, a, b) for a, b in sample]
    per_call = (time.perf_counter() - start) / len(sample)
    print(f"networkx per call:   {1 / per_call:>12,.0f} pairs/s")

    print(f"speed-up (score vs networkx): {per_call / per_pair:,.0f}x; "
          f"index pays for itself after {build / max(per_call - per_pair, 1e-12):,.0f} pairs")
    mismatches = sum(s != b for s, b in zip(scored, baseline))
    print(f"agreement on {len(sample)} pairs: {len(sample) - mismatches}/{len(sample)}")
    if mismatches:
        raise SystemExit("index and networkx disagree")


if __name__ == "__main__":
    main()
