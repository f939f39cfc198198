"""Choice lists shared by posting forms: regions and chain nodes, in the user's language."""
from __future__ import annotations

import networkx as nx

from ...domain.regions import REGIONS, english_name
from ...i18n import tr

__all__ = ["region_choices", "chain_choices", "chain_node_choices", "kind_label"]


def region_choices(blank: str | None = None) -> list[tuple[str, str]]:
    first = [("", blank if blank is not None else tr("（不限）", "(any)"))]
    return first + [(r, tr(r, english_name(r) or r)) for r in REGIONS]


def chain_choices(G: nx.DiGraph, blank: str | None = None) -> list[tuple[str, str]]:
    chains = G.graph.get("chains", {})
    first = [("", blank if blank is not None else tr("（全部产业链）", "(all chains)"))]
    return first + [(cid, tr(c["name"], c.get("name_en") or c["name"])) for cid, c in chains.items()]


def chain_node_choices(G: nx.DiGraph) -> dict[str, list[tuple[str, str]]]:
    """Nodes grouped by chain (rendered as ``<optgroup>``), in chain order."""
    groups: dict[str, list[tuple[str, str]]] = {}
    chains = G.graph.get("chains", {})
    for cid, chain in chains.items():
        label = tr(chain["name"], chain.get("name_en") or chain["name"])
        groups[label] = [(n, tr(d["name"], d.get("name_en") or d["name"]))
                         for n, d in G.nodes(data=True) if d.get("chain") == cid]
    return {label: nodes for label, nodes in groups.items() if nodes}


def kind_label(kind: str) -> str:
    return {"challenge": tr("揭榜挂帅", "Challenge"), "procurement": tr("采购", "Procurement")}.get(kind, kind)
