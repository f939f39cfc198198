"""Industrial-chain graphs: build, validate, compare, score, find weak links, draw.

A pure package: it takes plain data (dicts, ``networkx.DiGraph``) and returns
plain data. See :mod:`graph.build` for the graph schema.
"""

from graph.build import STAGES, chain_nodes, load_chains, validate_chains
from graph.diff import ChainDiff, NodeChange, diff_chains
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
    "STAGES",
    "STATUSES",
    "ChainDiff",
    "ChainError",
    "ChainProblem",
    "ChainValidationError",
    "NodeChange",
    "ProximityIndex",
    "UnknownChainError",
    "UnknownNodeError",
    "WeakLink",
    "chain_nodes",
    "chains_to_dict",
    "diff_chains",
    "format_path",
    "layout",
    "load_chains",
    "proximity",
    "read_graphml",
    "render_svg",
    "validate_chains",
    "weak_links",
    "write_chains",
    "write_graphml",
]
