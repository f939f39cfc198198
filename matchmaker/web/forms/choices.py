"""Choice lists shared by posting forms: regions and chain nodes, in the user's language."""
from __future__ import annotations

import networkx as nx
from wtforms.fields.choices import SelectChoice

from ...domain.regions import REGIONS, english_name
from ...i18n import tr

__all__ = ["as_select", "chain_choices", "chain_node_choices", "choice_groups", "region_choices"]


def as_select(pairs) -> list[SelectChoice]:
    """``(value, label)`` pairs as WTForms choices."""
    return [SelectChoice(value, label) for value, label in pairs]


def choice_groups(choices) -> list[tuple[str, list[tuple[str, str]]]]:
    """Options of a field grouped by their optgroup, groups in first-seen order."""
    groups: dict = {}
    for choice in choices:
        groups.setdefault(choice.optgroup or "", []).append((choice.value, choice.label))
    return list(groups.items())


def region_choices(blank: str | None = None) -> list[tuple[str, str]]:
    first = [("", blank if blank is not None else tr("（不限）", "(any)"))]
    return first + [(r, tr(r, english_name(r) or r)) for r in REGIONS]


def chain_choices(G: nx.DiGraph, blank: str | None = None) -> list[tuple[str, str]]:
    chains = G.graph.get("chains", {})
    first = [("", blank if blank is not None else tr("（全部产业链）", "(all chains)"))]
    return first + [(cid, tr(c["name"], c.get("name_en") or c["name"])) for cid, c in chains.items()]


def chain_node_choices(G: nx.DiGraph) -> list[SelectChoice]:
    """Every chain node, its chain as the optgroup, in chain order."""
    out = []
    for cid, chain in G.graph.get("chains", {}).items():
        group = tr(chain["name"], chain.get("name_en") or chain["name"])
        out.extend(SelectChoice(n, tr(d["name"], d.get("name_en") or d["name"]), optgroup=group)
                   for n, d in G.nodes(data=True) if d.get("chain") == cid)
    return out
