"""Coverage of a chain by the supply and demand the platform knows of.

For every node, supply is counted in distinct enterprises (an enterprise with
several capabilities at one node counts once) and demand in open demands.
Only *verified* suppliers count as supply; unverified ones are reported beside
them so an organiser can see who to verify first.

The statuses measure the postings given, not the real chain: a node without a
supplier on the platform may have many off it. They are shown as such
(平台供给空白 "no supply on the platform", 单一来源 "single source on the
platform"), never as a diagnosis of the chain (断点, 堵点), which needs data
from outside the platform. The keys below are stable identifiers; the words
shown for them live with the callers.

Statuses, in the order they are listed:

``gap``
    open demand and no verified supplier on the platform.
``thin``
    exactly one verified supplier on the platform, with or without demand.
``ok``
    two or more verified suppliers (covered).
``idle``
    neither demand nor verified supply; listed last so coverage holes that
    nobody is asking about yet stay visible without crowding out the nodes
    with unmet demand.

A supply record may carry ``tags`` (for instance the tiers of quality SMEs a
supplier is recognised in); :attr:`WeakLink.tagged` counts the distinct verified
suppliers holding each tag.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from graph.build import chain_nodes
from graph.errors import UnknownNodeError

__all__ = ["STATUSES", "WeakLink", "weak_links"]

#: Weak-link statuses, most urgent first.
STATUSES = ("gap", "thin", "ok", "idle")


@dataclass(frozen=True)
class WeakLink:
    """Supply and demand at one chain node.

    Attributes
    ----------
    node, name, name_en, chain, stage
        The node and its attributes from the graph.
    status : {"gap", "thin", "ok", "idle"}
        See :mod:`graph.weak`.
    suppliers : int
        Distinct verified supplier enterprises.
    suppliers_unverified : int
        Distinct enterprises whose capabilities here are all unverified.
    demands : int
        Open demands at the node.
    capabilities : int
        Verified capability records at the node.
    region_concentration : float or None
        Share of verified suppliers (with a known region) in the largest
        region; ``None`` when there is none.
    top_region : str or None
        That region (ties: alphabetical first).
    enterprise_concentration : float or None
        Share of the verified capabilities held by the enterprise with most of
        them; ``None`` without verified capabilities.
    top_enterprise : str or None
        That enterprise (ties: alphabetical first).
    tagged : dict of str to int
        For each tag carried by a verified supplier's records here, the
        number of distinct verified suppliers carrying it (tags absent from
        every record are absent).
    """

    node: str
    name: str
    name_en: str
    chain: str
    stage: str
    status: str
    suppliers: int
    suppliers_unverified: int
    demands: int
    capabilities: int
    region_concentration: float | None
    top_region: str | None
    enterprise_concentration: float | None
    top_enterprise: str | None
    tagged: dict[str, int] = field(default_factory=dict, hash=False)


def _largest(counts: Counter):
    """``(key, share)`` of the largest count, ties broken alphabetically."""
    total = sum(counts.values())
    if not total:
        return None, None
    key = min(counts, key=lambda k: (-counts[k], str(k)))
    return key, counts[key] / total


def _status(suppliers: int, demands: int) -> str:
    if suppliers == 0:
        return "gap" if demands > 0 else "idle"
    return "thin" if suppliers == 1 else "ok"


def weak_links(G, supply, demand, chain=None, *, ignore_unknown=False) -> list[WeakLink]:
    """Measure how the given supply and demand cover one chain or every chain.

    Parameters
    ----------
    G : networkx.DiGraph
        The chain graph.
    supply : iterable of dict
        One dict per SME capability at a node: ``{"node", "enterprise",
        "region", "verified", "tags"}``; ``region`` may be missing or ``None``,
        ``verified`` defaults to ``False`` and ``tags`` (an iterable of str)
        to none.
    demand : iterable of dict
        One dict per open demand at a node: ``{"node", "enterprise"}``.
    chain : str, optional
        Only report this chain's nodes (records at other nodes are skipped).
    ignore_unknown : bool, default False
        Skip records naming a node not in ``G`` instead of raising.

    Returns
    -------
    links : list of WeakLink
        One per node, ordered by status (gap, thin, ok, idle), then by chain
        order and node order.

    Raises
    ------
    UnknownNodeError
        If a record names a node not in ``G`` (unless ``ignore_unknown``).
    UnknownChainError
        If ``chain`` is given and not in ``G``.
    """
    nodes = chain_nodes(G, chain) if chain is not None else list(G)
    wanted = set(nodes)
    verified = {n: {} for n in nodes}      # node -> enterprise -> region
    unverified = {n: set() for n in nodes}
    capabilities = {n: Counter() for n in nodes}
    tags = {n: {} for n in nodes}          # node -> tag -> enterprises
    demands = Counter()

    def known(record, what):
        node = record.get("node")
        if node in G:
            return node in wanted
        if ignore_unknown:
            return False
        raise UnknownNodeError(node, f"named by a {what} record of "
                               f"{record.get('enterprise')!r}")

    for record in supply:
        if not known(record, "supply"):
            continue
        node, enterprise = record["node"], record.get("enterprise")
        if record.get("verified", False):
            region = record.get("region") or None
            # First verified record with a region fixes the supplier's region here.
            if verified[node].get(enterprise) is None:
                verified[node][enterprise] = region
            capabilities[node][enterprise] += 1
            for tag in record.get("tags") or ():
                tags[node].setdefault(tag, set()).add(enterprise)
        else:
            unverified[node].add(enterprise)
    for record in demand:
        if known(record, "demand"):
            demands[record["node"]] += 1

    chain_rank = {c: i for i, c in enumerate(G.graph.get("chains", {}))}
    node_rank = {n: i for i, n in enumerate(G)}
    links = []
    for node in nodes:
        data = G.nodes[node]
        suppliers = verified[node]
        regions = Counter(r for r in suppliers.values() if r is not None)
        top_region, region_share = _largest(regions)
        top_enterprise, enterprise_share = _largest(capabilities[node])
        links.append(WeakLink(
            node=node,
            name=data.get("name", ""),
            name_en=data.get("name_en", "") or "",
            chain=data.get("chain"),
            stage=data.get("stage"),
            status=_status(len(suppliers), demands[node]),
            suppliers=len(suppliers),
            suppliers_unverified=len(unverified[node] - suppliers.keys()),
            demands=demands[node],
            capabilities=sum(capabilities[node].values()),
            region_concentration=region_share,
            top_region=top_region,
            enterprise_concentration=enterprise_share,
            top_enterprise=top_enterprise,
            tagged={tag: len(holders) for tag, holders in sorted(tags[node].items())},
        ))
    links.sort(key=lambda w: (STATUSES.index(w.status),
                              chain_rank.get(w.chain, len(chain_rank)), node_rank[w.node]))
    return links
