"""How close two chain nodes are along supply edges.

The score of nodes ``a`` and ``b`` is

* ``1`` when ``a == b``;
* ``direct * decay ** (d - 1)`` when one is upstream of the other, ``d`` being
  the length of the shortest directed supply path between them in either
  direction (a direct supplier -> customer link scores ``direct``);
* ``sibling * direct * decay ** (u - 1)`` when they are related only through a
  path that changes direction, ``u`` being the length of the shortest path
  ignoring edge direction -- e.g. two suppliers of the same customer, or two
  customers of the same supplier;
* the larger of the two when both apply, and ``0`` when no path of at most
  ``max_distance`` edges joins them (e.g. nodes of unrelated chains).

With the defaults (``direct=0.8``, ``decay=0.5``, ``sibling=0.75``) a direct
link scores 0.8, a supplier's supplier 0.4, a co-supplier of the same customer
0.3. Setting ``sibling=1`` gives the plain undirected formula
``direct * decay ** (u - 1)``. The score is symmetric: ``proximity(G, a, b) ==
proximity(G, b, a)``, and it never increases with distance.

Every edge counts, whatever its kind: a recycling edge (回收再生, e.g. battery
recycling -> lithium raw materials) is a supply link like any other, since the
recycler really supplies that customer.

:class:`ProximityIndex` precomputes every pair once (a few thousand nodes) so
that a ranking query can score thousands of node pairs with array lookups;
:func:`proximity` computes one pair with networkx and gives the same value.
"""

from __future__ import annotations

import numbers

import networkx as nx
import numpy as np
from scipy.sparse import csr_array
from scipy.sparse.csgraph import dijkstra

from graph.errors import UnknownNodeError

__all__ = ["ProximityIndex", "format_path", "proximity"]

# Distances are stored as uint8; 255 means "no path within reach".
_FAR = 255
_LONGEST = 254


def _check_params(direct, decay, sibling, max_distance) -> int:
    """Validate the scoring parameters; return the longest distance that scores."""
    for name, value, zero_ok in (("direct", direct, False), ("decay", decay, False),
                                 ("sibling", sibling, True)):
        real = isinstance(value, numbers.Real) and not isinstance(value, bool)
        if not (real and (0 <= value if zero_ok else 0 < value) and value <= 1):
            bound = "0 <= x <= 1" if zero_ok else "0 < x <= 1"
            raise ValueError(f"{name} must be a number with {bound}, got {value!r}")
    if max_distance is None:
        return _LONGEST
    if not isinstance(max_distance, numbers.Integral) or max_distance < 1:
        raise ValueError(f"max_distance must be a positive integer or None, "
                         f"got {max_distance!r}")
    return min(int(max_distance), _LONGEST)


def _score(directed, undirected, direct, decay, sibling, reach) -> float:
    """Score of a pair from its two distances (``_FAR`` = no path)."""
    if directed == 0:
        return 1.0
    along = direct * decay ** (directed - 1) if directed <= reach else 0.0
    across = sibling * direct * decay ** (undirected - 1) if undirected <= reach else 0.0
    return max(along, across)


def _table(direct, decay, sibling, reach) -> np.ndarray:
    """``_score`` for every pair of stored distances, indexed [directed, undirected]."""
    table = np.zeros((_FAR + 1, _FAR + 1))
    for d in range(reach + 1):
        for u in range(d + 1):  # a path ignoring direction is never longer
            table[d, u] = _score(d, u, direct, decay, sibling, reach)
    for u in range(1, reach + 1):
        table[_FAR, u] = _score(_FAR, u, direct, decay, sibling, reach)
    return table


def _check_node(G, node):
    if node not in G:
        raise UnknownNodeError(node)


def proximity(G, a, b, *, direct=0.8, decay=0.5, sibling=0.75, max_distance=None) -> float:
    """Return how close two chain nodes are, in [0, 1].

    Parameters
    ----------
    G : networkx.DiGraph
        A chain graph (edges supplier -> customer).
    a, b : node
        The two nodes.
    direct : float, default 0.8
        Score of a direct supplier -> customer link (either way).
    decay : float, default 0.5
        Factor per extra edge on the path.
    sibling : float, default 0.75
        Weight of paths that change direction (shared supplier or customer).
    max_distance : int or None, default None
        Nodes farther apart than this many edges score 0; ``None`` means any
        distance up to 254 edges.

    Returns
    -------
    score : float
        See :mod:`graph.proximity` for the formula. Symmetric in ``a``, ``b``.

    Raises
    ------
    UnknownNodeError
        If ``a`` or ``b`` is not in ``G``.
    """
    reach = _check_params(direct, decay, sibling, max_distance)
    _check_node(G, a)
    _check_node(G, b)
    if a == b:
        return 1.0
    directed = _FAR
    for source, target in ((a, b), (b, a)):
        try:
            directed = min(directed, nx.shortest_path_length(G, source, target))
        except nx.NetworkXNoPath:
            pass
    try:
        undirected = nx.shortest_path_length(G.to_undirected(as_view=True), a, b)
    except nx.NetworkXNoPath:
        undirected = _FAR
    return _score(directed, undirected, direct, decay, sibling, reach)


class ProximityIndex:
    """All-pairs proximity of a chain graph, for fast repeated lookups.

    Parameters
    ----------
    G : networkx.DiGraph, optional
        When given, the index is fitted on it at once (``ProximityIndex(G)`` is
        ``ProximityIndex().fit(G)``).
    direct, decay, sibling, max_distance
        As for :func:`proximity`; the index returns exactly its values.

    Attributes
    ----------
    nodes_ : list
        The nodes, in graph order; ``index_[node]`` is a node's row.
    index_ : dict
        Node -> row in the distance arrays.
    directed_ : numpy.ndarray of uint8, shape (n, n)
        Shortest directed path length in either direction (255 = none).
    undirected_ : numpy.ndarray of uint8, shape (n, n)
        Shortest path length ignoring direction (255 = none).
    graph_ : networkx.DiGraph
        The fitted graph, used by :meth:`path`; refit after changing it.

    Notes
    -----
    Memory is ``2 * n**2`` bytes (8 MB for 2,000 nodes).

    Examples
    --------
    >>> G = nx.DiGraph([("a", "b"), ("b", "c")])
    >>> index = ProximityIndex(G)
    >>> index.score("a", "b"), index.scores(["a"], ["b", "c"])
    (0.8, 0.8)
    >>> index.path("a", "c")
    ['a', 'b', 'c']
    """

    def __init__(self, G=None, *, direct=0.8, decay=0.5, sibling=0.75, max_distance=None):
        self.direct = direct
        self.decay = decay
        self.sibling = sibling
        self.max_distance = max_distance
        if G is not None:
            self.fit(G)

    def fit(self, G):
        """Compute every pairwise distance of ``G``; return ``self``."""
        reach = _check_params(self.direct, self.decay, self.sibling, self.max_distance)
        self.nodes_ = list(G)
        self.index_ = {node: i for i, node in enumerate(self.nodes_)}
        n = len(self.nodes_)
        rows = [self.index_[u] for u, _ in G.edges]
        cols = [self.index_[v] for _, v in G.edges]
        adjacency = csr_array((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        downstream = self._distances(adjacency, True, reach)
        self.directed_ = np.minimum(downstream, downstream.T)
        self.undirected_ = self._distances(adjacency, False, reach)
        self.graph_ = G
        self._table = _table(self.direct, self.decay, self.sibling, reach)
        return self

    @staticmethod
    def _distances(adjacency, directed, reach, block=512):
        n = adjacency.shape[0]
        out = np.full((n, n), _FAR, dtype=np.uint8)
        # Rows in blocks keep the float64 scratch array small on big graphs.
        for start in range(0, n, block):
            rows = np.arange(start, min(start + block, n))
            dist = dijkstra(adjacency, directed=directed, unweighted=True,
                            indices=rows, limit=reach + 0.5)
            near = np.isfinite(dist)
            out[start:start + len(rows)][near] = dist[near].astype(np.uint8)
        return out

    def _rows(self, nodes):
        try:
            return np.fromiter((self.index_[n] for n in nodes), dtype=np.intp)
        except KeyError as exc:
            raise UnknownNodeError(exc.args[0]) from None

    def score(self, a, b) -> float:
        """Proximity of two nodes; equal to :func:`proximity` with the same parameters."""
        i, j = self._rows((a, b))
        return float(self._table[self.directed_[i, j], self.undirected_[i, j]])

    def pairwise(self, a_nodes, b_nodes) -> np.ndarray:
        """Matrix of proximities, shape ``(len(a_nodes), len(b_nodes))``."""
        rows, cols = self._rows(a_nodes), self._rows(b_nodes)
        grid = np.ix_(rows, cols)
        return self._table[self.directed_[grid], self.undirected_[grid]]

    def scores(self, a_nodes, b_nodes) -> float:
        """Best proximity over all pairs of the two node sets (0 if either is empty)."""
        matrix = self.pairwise(a_nodes, b_nodes)
        return float(matrix.max()) if matrix.size else 0.0

    def best_pair(self, a_nodes, b_nodes):
        """The pair ``(a, b)`` behind :meth:`scores`, or ``None`` if it scores 0."""
        a_nodes, b_nodes = list(a_nodes), list(b_nodes)
        matrix = self.pairwise(a_nodes, b_nodes)
        if not matrix.size or matrix.max() <= 0:
            return None
        i, j = np.unravel_index(int(matrix.argmax()), matrix.shape)
        return a_nodes[i], b_nodes[j]

    def path(self, a, b) -> list:
        """The node path behind :meth:`score`, from ``a`` to ``b``.

        A path along supply edges (in either direction) is preferred when it
        gives the score; otherwise the shortest path ignoring direction.
        Returns ``[a]`` when ``a == b`` and ``[]`` when the score is 0.
        """
        i, j = self._rows((a, b))
        if a == b:
            return [a]
        directed, undirected = self.directed_[i, j], self.undirected_[i, j]
        score = self._table[directed, undirected]
        if score <= 0:
            return []
        if directed != _FAR and score == self._table[directed, _FAR]:
            for source, target, forward in ((a, b, True), (b, a, False)):
                try:
                    found = nx.shortest_path(self.graph_, source, target)
                except nx.NetworkXNoPath:
                    continue
                if len(found) - 1 == directed:
                    return found if forward else found[::-1]
        return nx.shortest_path(self.graph_.to_undirected(as_view=True), a, b)


def format_path(G, path, label="id") -> str:
    """Write a node path with arrows in supply direction.

    ``["pv.wafer", "pv.cell"]`` becomes ``"pv.wafer → pv.cell"``; a step
    against supply direction is written ``←``.

    Parameters
    ----------
    G : networkx.DiGraph
        The chain graph.
    path : list
        Consecutive nodes, e.g. from :meth:`ProximityIndex.path`.
    label : {"id", "name", "name_en"}
        What to show for each node; ``name_en`` falls back to ``name``.
    """
    if label not in ("id", "name", "name_en"):
        raise ValueError(f"label must be 'id', 'name' or 'name_en', got {label!r}")

    def show(node):
        if label == "id":
            return str(node)
        data = G.nodes[node]
        return (data.get("name_en") if label == "name_en" else None) or data.get("name", "")

    if not path:
        return ""
    parts = [show(path[0])]
    for u, v in zip(path, path[1:]):
        parts.append("→" if G.has_edge(u, v) else "←")
        parts.append(show(v))
    return " ".join(parts)
