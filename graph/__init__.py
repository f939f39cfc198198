"""Industrial-chain graphs: build, validate, compare, score, find weak links, draw.

A pure package: it takes plain data (dicts, ``networkx.DiGraph``) and returns
plain data. See :mod:`graph.build` for the graph schema.
"""

from graph.build import (
    EDGE_KINDS,
    STAGES,
    chain_nodes,
    edge_kind,
    load_chains,
    supply_graph,
    validate_chains,
)
from graph.diff import ChainDiff, EdgeChange, NodeChange, diff_chains
from graph.errors import (
    ChainError,
    ChainProblem,
    ChainValidationError,
    UnknownChainError,
    UnknownNodeError,
)
from graph.export import chains_to_dict, read_graphml, write_chains, write_graphml
from graph.layout import layout
from graph.proximity import ProximityIndex, format_path, proximity
from graph.svg import render_svg
from graph.weak import STATUSES, WeakLink, weak_links

__all__ = [
    "EDGE_KINDS",
    "STAGES",
    "STATUSES",
    "ChainDiff",
    "ChainError",
    "ChainProblem",
    "ChainValidationError",
    "EdgeChange",
    "NodeChange",
    "ProximityIndex",
    "UnknownChainError",
    "UnknownNodeError",
    "WeakLink",
    "chain_nodes",
    "chains_to_dict",
    "diff_chains",
    "edge_kind",
    "format_path",
    "layout",
    "load_chains",
    "proximity",
    "read_graphml",
    "render_svg",
    "supply_graph",
    "validate_chains",
    "weak_links",
    "write_chains",
    "write_graphml",
]
