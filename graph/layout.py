"""Positions for drawing one chain left to right, upstream to downstream.

``x`` is the stage (upstream 0, midstream 1, downstream 2). Inside a stage,
nodes fed by another node of the same stage are pushed right by longest-path
layering: a stage with ``L`` layers puts layer ``l`` at ``stage + l / L``, so
every supply edge inside a stage still points left to right and no edge is
drawn vertically. ``y`` is the row, ``0`` at the top, rows one unit apart; each
column is centred on the tallest one.

Rows are ordered by barycentre sweeps: each node moves towards the mean row of
its supply neighbours in the columns already placed, alternately sweeping
right and left; the ordering with the fewest edge crossings is kept. Ties keep
graph order, so the result is deterministic. Only the chain's own nodes and
supply edges are used: cross-chain edges and recycling edges (which run back
upstream, against the stage order) do not influence the drawing; a drawing
adds recycling edges afterwards (see :mod:`graph.svg`).
"""

from __future__ import annotations

import networkx as nx
import numpy as np

from graph.build import STAGES, chain_nodes, supply_graph
from graph.errors import ChainError

__all__ = ["layout"]


def _layers(H, nodes) -> dict:
    """Longest-path layer of each node among supply edges inside its own stage."""
    stage = {n: H.nodes[n]["stage"] for n in nodes}
    inner = nx.DiGraph()
    inner.add_nodes_from(nodes)
    inner.add_edges_from((u, v) for u, v in H.edges if stage[u] == stage[v])
    try:
        order = list(nx.topological_sort(inner))
    except nx.NetworkXUnfeasible:
        cycle = " -> ".join(u for u, _ in nx.find_cycle(inner))
        raise ChainError(f"cannot lay out a supply cycle: {cycle}") from None
    layer = {}
    for node in order:
        layer[node] = max((layer[p] + 1 for p in inner.predecessors(node)), default=0)
    return layer


def _crossings(edges, column, row) -> int:
    """Number of proper crossings between straight edges."""
    if len(edges) < 2:
        return 0
    x1 = np.array([column[u] for u, _ in edges], dtype=float)
    y1 = np.array([row[u] for u, _ in edges], dtype=float)
    x2 = np.array([column[v] for _, v in edges], dtype=float)
    y2 = np.array([row[v] for _, v in edges], dtype=float)

    def orient(ax, ay, bx, by, cx, cy):
        return np.sign((bx - ax) * (cy - ay) - (by - ay) * (cx - ax))

    # Pairwise (i, j): does segment j straddle segment i, and vice versa.
    a = orient(x1[:, None], y1[:, None], x2[:, None], y2[:, None], x1[None, :], y1[None, :])
    b = orient(x1[:, None], y1[:, None], x2[:, None], y2[:, None], x2[None, :], y2[None, :])
    straddle = (a * b) < 0
    return int(np.triu(straddle & straddle.T, 1).sum())


def layout(G, chain, *, sublayers=True, sweeps=8) -> dict:
    """Return drawing positions for the nodes of one chain.

    Parameters
    ----------
    G : networkx.DiGraph
        The chain graph.
    chain : str
        The chain to lay out.
    sublayers : bool, default True
        Push nodes right inside their stage so that edges between two nodes of
        the same stage point right (see :mod:`graph.layout`); with ``False``
        every node of a stage has ``x`` equal to the stage index.
    sweeps : int, default 8
        Barycentre sweeps (each one right then left).

    Returns
    -------
    pos : dict
        Node -> ``(x, y)`` for every node of the chain; ``x`` in ``[0, 3)``,
        ``y`` the row from the top.

    Raises
    ------
    UnknownChainError
        If ``chain`` is not in ``G``.
    ChainError
        If the supply edges between nodes of one stage form a cycle.
    """
    nodes = chain_nodes(G, chain)
    H = supply_graph(G).subgraph(nodes)
    layer = _layers(H, nodes) if sublayers else dict.fromkeys(nodes, 0)
    depth = {s: 1 + max((layer[n] for n in nodes if H.nodes[n]["stage"] == s), default=0)
             for s in STAGES}
    x_of = {n: STAGES.index(H.nodes[n]["stage"]) + layer[n] / depth[H.nodes[n]["stage"]]
            for n in nodes}
    xs = sorted(set(x_of.values()))
    column = {n: xs.index(x_of[n]) for n in nodes}
    columns = [[n for n in nodes if column[n] == c] for c in range(len(xs))]
    tallest = max((len(c) for c in columns), default=0)
    edges = list(H.edges)
    neighbours = {n: list(H.predecessors(n)) + list(H.successors(n)) for n in nodes}

    def rows(cols):
        return {n: i + (tallest - len(col)) / 2 for col in cols for i, n in enumerate(col)}

    def barycentre(node, row, placed):
        near = [row[m] for m in neighbours[node] if m in placed]
        return sum(near) / len(near) if near else row[node]

    def sweep(cols, order):
        cols = [list(c) for c in cols]
        placed = set()
        for c in order:
            row = rows(cols)
            keys = [(barycentre(n, row, placed), i) for i, n in enumerate(cols[c])]
            cols[c] = [cols[c][i] for _, i in sorted(keys)]
            placed.update(cols[c])
        return cols

    best = columns
    best_cost = _crossings(edges, column, rows(columns))
    current = columns
    rightward = list(range(len(columns)))
    for _ in range(sweeps):
        if best_cost == 0:
            break
        for order in (rightward, rightward[::-1]):
            current = sweep(current, order)
            cost = _crossings(edges, column, rows(current))
            if cost < best_cost:
                best, best_cost = current, cost
    row = rows(best)
    return {n: (float(x_of[n]), float(row[n])) for n in nodes}
