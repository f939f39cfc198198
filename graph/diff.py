"""What changed between two versions of the chain graph.

Used before replacing the chain data of a running site: renamed nodes only need
their labels refreshed, removed nodes orphan the demands and capabilities that
point at them (:meth:`ChainDiff.affected` lists those).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import networkx as nx

from graph.build import edge_kind, load_chains

__all__ = ["ChainDiff", "EdgeChange", "NodeChange", "diff_chains"]

_NAME_FIELDS = ("name", "name_en")
_OTHER_FIELDS = ("chain", "stage", "keywords")


@dataclass(frozen=True)
class NodeChange:
    """One attribute of one node (or chain) that differs: ``old -> new``."""

    node: str
    field: str
    old: object
    new: object

    def __str__(self) -> str:
        return f"{self.node}.{self.field}: {self.old!r} -> {self.new!r}"


@dataclass(frozen=True)
class EdgeChange:
    """An edge in both graphs whose kind differs: ``supply -> recycle`` or back."""

    supplier: str
    customer: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.supplier} -> {self.customer}: {self.old} -> {self.new}"


@dataclass
class ChainDiff:
    """Differences from an old chain graph to a new one.

    Attributes
    ----------
    nodes_added, nodes_removed : list
        Node ids, in the order of the graph that has them.
    nodes_renamed : list of NodeChange
        Same id, ``name`` or ``name_en`` changed.
    nodes_changed : list of NodeChange
        Same id, ``chain``, ``stage`` or ``keywords`` changed.
    edges_added, edges_removed : list of tuple
        ``(supplier, customer)`` pairs.
    edges_changed : list of EdgeChange
        Same pair, another kind (``supply`` or ``recycle``).
    chains_added, chains_removed : list
        Chain ids.
    chains_renamed : list of NodeChange
        Same chain id, ``name`` or ``name_en`` changed (``node`` is the chain id).
    """

    nodes_added: list = field(default_factory=list)
    nodes_removed: list = field(default_factory=list)
    nodes_renamed: list = field(default_factory=list)
    nodes_changed: list = field(default_factory=list)
    edges_added: list = field(default_factory=list)
    edges_removed: list = field(default_factory=list)
    edges_changed: list = field(default_factory=list)
    chains_added: list = field(default_factory=list)
    chains_removed: list = field(default_factory=list)
    chains_renamed: list = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        """True when the two graphs are the same."""
        return not any(getattr(self, name) for name in self.__dataclass_fields__)

    def affected(self, references) -> list:
        """Return the references that point at a removed node.

        Parameters
        ----------
        references : iterable of (posting_id, node_id)
            E.g. every (demand or capability id, chain node) pair in use.

        Returns
        -------
        list of tuple
            The pairs whose node was removed, in input order.
        """
        removed = set(self.nodes_removed)
        return [(posting, node) for posting, node in references if node in removed]

    def summary(self) -> list[str]:
        """One line per non-empty category, e.g. ``"nodes removed (2): a, b"``."""
        lines = []
        for name in self.__dataclass_fields__:
            items = getattr(self, name)
            if items:
                shown = ", ".join(
                    " -> ".join(i) if isinstance(i, tuple) else str(i) for i in items)
                lines.append(f"{name.replace('_', ' ')} ({len(items)}): {shown}")
        return lines


def _graph(source):
    return source if isinstance(source, nx.DiGraph) else load_chains(source)


def _changes(key, old, new, fields):
    return [NodeChange(key, f, old.get(f), new.get(f))
            for f in fields if (old.get(f) or "") != (new.get(f) or "")]


def diff_chains(old, new) -> ChainDiff:
    """Compare two chain graphs.

    Parameters
    ----------
    old, new : networkx.DiGraph or anything :func:`graph.load_chains` accepts
        The previous and the next version.

    Returns
    -------
    ChainDiff
        ``diff_chains(G, G).is_empty`` is True.
    """
    old, new = _graph(old), _graph(new)
    old_chains, new_chains = old.graph.get("chains", {}), new.graph.get("chains", {})
    diff = ChainDiff(
        nodes_added=[n for n in new if n not in old],
        nodes_removed=[n for n in old if n not in new],
        edges_added=[e for e in new.edges if not old.has_edge(*e)],
        edges_removed=[e for e in old.edges if not new.has_edge(*e)],
        edges_changed=[EdgeChange(u, v, edge_kind(old, u, v), edge_kind(new, u, v))
                       for u, v in new.edges
                       if old.has_edge(u, v) and edge_kind(old, u, v) != edge_kind(new, u, v)],
        chains_added=[c for c in new_chains if c not in old_chains],
        chains_removed=[c for c in old_chains if c not in new_chains],
    )
    for chain, info in new_chains.items():
        if chain in old_chains:
            diff.chains_renamed += _changes(chain, old_chains[chain], info, _NAME_FIELDS)
    for node, data in new.nodes(data=True):
        if node in old:
            diff.nodes_renamed += _changes(node, old.nodes[node], data, _NAME_FIELDS)
            diff.nodes_changed += _changes(node, old.nodes[node], data, _OTHER_FIELDS)
    return diff
