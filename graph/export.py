"""Write the chain graph back out: ``chains.json`` and GraphML.

``chains_to_dict`` is the inverse of :func:`graph.load_chains`: chain and node
order are kept, so ``load_chains(chains_to_dict(G))`` equals ``G``. Each edge is
listed under the chain of its supplier, which is where a cross-chain edge is
usually written; an input that lists it under the customer's chain loads to the
same graph. A supply edge is written as the pair ``[supplier, customer]``, a
recycling edge as ``[supplier, customer, "recycle"]``.

GraphML cannot hold lists or nested mappings, so node keywords are written as
one ``;``-joined string (``\\`` and ``;`` inside a keyword are escaped with a
backslash) and the ordered chain table as a JSON string in the graph attribute
``chains``; :func:`read_graphml` decodes both. Each edge carries its ``kind``.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx

from graph.build import EDGE_KINDS, edge_kind
from graph.errors import ChainError

__all__ = ["chains_to_dict", "read_graphml", "write_chains", "write_graphml"]


def chains_to_dict(G) -> dict:
    """Return the ``chains.json`` document of a chain graph.

    Parameters
    ----------
    G : networkx.DiGraph
        A graph in the schema of :func:`graph.load_chains`.

    Returns
    -------
    document : dict
        ``{"chains": [...]}`` as in the exchange format. ``name_en`` is written
        only when non-empty; ``keywords`` always.

    Raises
    ------
    ChainError
        If a node names a chain missing from ``G.graph["chains"]``.
    """
    chains = {}
    for cid, info in G.graph.get("chains", {}).items():
        entry = {"id": cid, "name": info.get("name", "")}
        if info.get("name_en"):
            entry["name_en"] = info["name_en"]
        entry["nodes"] = []
        entry["edges"] = []
        chains[cid] = entry
    for node, data in G.nodes(data=True):
        cid = data.get("chain")
        if cid not in chains:
            raise ChainError(
                f"node {node!r} belongs to chain {cid!r}, which is not in "
                "G.graph['chains']"
            )
        entry = {"id": node, "name": data.get("name", ""),
                 "stage": data.get("stage")}
        if data.get("name_en"):
            entry["name_en"] = data["name_en"]
        entry["keywords"] = list(data.get("keywords") or [])
        # Keep the key order of the documented format.
        order = ("id", "name", "name_en", "stage", "keywords")
        chains[cid]["nodes"].append({k: entry[k] for k in order if k in entry})
    for supplier, customer in G.edges:
        kind = edge_kind(G, supplier, customer)
        edge = [supplier, customer] if kind == EDGE_KINDS[0] else [supplier, customer, kind]
        chains[G.nodes[supplier]["chain"]]["edges"].append(edge)
    return {"chains": list(chains.values())}


def write_chains(G, path) -> None:
    """Write ``G`` as a UTF-8 ``chains.json`` file (indented, not ASCII-escaped)."""
    text = json.dumps(chains_to_dict(G), ensure_ascii=False, indent=2)
    Path(path).write_text(text + "\n", encoding="utf-8")


def _join_keywords(keywords) -> str:
    return ";".join(k.replace("\\", "\\\\").replace(";", "\\;") for k in keywords)


def _split_keywords(text: str) -> list[str]:
    if not text:
        return []
    parts, current, chars = [], [], iter(text)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == ";":
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def write_graphml(G, path) -> None:
    """Write ``G`` as GraphML, readable back with :func:`read_graphml`.

    Parameters
    ----------
    G : networkx.DiGraph
        A graph in the schema of :func:`graph.load_chains`.
    path : str or os.PathLike
        The file to write.
    """
    H = nx.DiGraph()
    H.graph["chains"] = json.dumps(G.graph.get("chains", {}), ensure_ascii=False)
    for node, data in G.nodes(data=True):
        H.add_node(
            node,
            chain=data.get("chain", ""),
            name=data.get("name", ""),
            name_en=data.get("name_en", "") or "",
            stage=data.get("stage", ""),
            keywords=_join_keywords(data.get("keywords") or []),
        )
    H.add_edges_from((u, v, {"kind": edge_kind(G, u, v)}) for u, v in G.edges)
    nx.write_graphml(H, path, encoding="utf-8")


def read_graphml(path) -> nx.DiGraph:
    """Read a GraphML file written by :func:`write_graphml`.

    Returns
    -------
    G : networkx.DiGraph
        The chain graph, equal to the one written.

    Raises
    ------
    ChainError
        If the file is not a directed graph carrying the chain table.
    """
    H = nx.read_graphml(path, node_type=str)
    if not H.is_directed() or "chains" not in H.graph:
        raise ChainError(f"{path} is not a chain graph written by write_graphml "
                         "(directed, with a 'chains' graph attribute)")
    G = nx.DiGraph(chains=json.loads(H.graph["chains"]))
    for node, data in H.nodes(data=True):
        G.add_node(
            node,
            chain=data.get("chain", ""),
            name=data.get("name", ""),
            name_en=data.get("name_en", ""),
            stage=data.get("stage", ""),
            keywords=_split_keywords(data.get("keywords", "")),
        )
    G.add_edges_from((u, v, {"kind": kind or EDGE_KINDS[0]})
                     for u, v, kind in H.edges(data="kind"))
    return G
