"""Read and validate ``chains.json`` documents into a ``networkx.DiGraph``.

The graph schema every part of the platform relies on:

* ``G.graph["chains"]`` maps chain id -> ``{"id", "name", "name_en"}`` in document
  order (``name_en`` is ``""`` when absent);
* each node carries ``chain``, ``name``, ``name_en`` (``""`` when absent),
  ``stage`` (one of :data:`STAGES`) and ``keywords`` (a list of strings);
* each edge goes from supplier to customer and carries ``kind``, one of
  :data:`EDGE_KINDS`: ``"supply"`` (the default) or ``"recycle"`` (回收再生, material
  that returns upstream, written ``[supplier, customer, "recycle"]``); an edge may
  join two chains.

Supply cycles are refused everywhere, inside a chain and across chains:
"upstream" and "downstream" only mean something when supply flows one way, and
drawing a chain left to right needs it. A loop that material really takes, such
as recycled lithium going back to the raw-material makers, is written with a
``recycle`` edge: recycling edges are left out of the cycle check (and out of
the stage order of a drawing, see :mod:`graph.layout`), so they may close a
loop, while a cycle that remains without them is still an error.
"""

from __future__ import annotations

import difflib
import json
import os
from pathlib import Path

import networkx as nx

from graph.errors import ChainProblem, ChainValidationError, UnknownChainError

__all__ = ["EDGE_KINDS", "STAGES", "chain_nodes", "edge_kind", "load_chains", "supply_graph",
           "validate_chains"]

#: The allowed values of a node's ``stage``, in drawing order.
STAGES = ("upstream", "midstream", "downstream")

#: The allowed kinds of an edge; the first one is the default.
EDGE_KINDS = ("supply", "recycle")

# Words people write for a kind, offered as "did you mean" in an error.
_KIND_WORDS = {"供应": "supply", "供货": "supply", "回收": "recycle", "回收再生": "recycle",
               "再生": "recycle", "recycling": "recycle", "recycled": "recycle"}


def load_chains(source) -> nx.DiGraph:
    """Build the industrial-chain graph from a ``chains.json`` document.

    Parameters
    ----------
    source : str, os.PathLike, dict or bytes
        A path to a JSON file, the already-parsed document, or the JSON text
        itself (a string whose first non-blank character is ``{`` or ``[``).

    Returns
    -------
    G : networkx.DiGraph
        The graph in the schema described in :mod:`graph.build`.

    Raises
    ------
    ChainValidationError
        If the document has any problem; ``.problems`` lists all of them, each
        naming where it is (chain, node, edge, or line and column).
    OSError
        If ``source`` is a path that cannot be read.

    See Also
    --------
    validate_chains : the same checks, returning the problems instead.

    Examples
    --------
    >>> G = load_chains({"chains": [{"id": "c", "name": "链", "nodes": [
    ...     {"id": "c.a", "name": "甲", "stage": "upstream"},
    ...     {"id": "c.b", "name": "乙", "stage": "downstream"}],
    ...     "edges": [["c.a", "c.b"]]}]})
    >>> list(G.edges)
    [('c.a', 'c.b')]
    """
    document, problems, label = _parse(source)
    if problems:
        raise ChainValidationError(problems, label)
    G, problems = _build(document)
    if problems:
        raise ChainValidationError(problems, label)
    return G


def validate_chains(source) -> list[ChainProblem]:
    """Return every problem of a ``chains.json`` document, without raising.

    Parameters
    ----------
    source : str, os.PathLike, dict or bytes
        As for :func:`load_chains`.

    Returns
    -------
    problems : list of ChainProblem
        Empty when the document is valid.

    Raises
    ------
    OSError
        If ``source`` is a path that cannot be read.
    """
    document, problems, _ = _parse(source)
    if problems:
        return problems
    return _build(document)[1]


def chain_nodes(G, chain) -> list:
    """Return the nodes of one chain, in graph order.

    Raises
    ------
    UnknownChainError
        If ``chain`` is not in ``G.graph["chains"]``.
    """
    chains = G.graph.get("chains", {})
    if chain not in chains:
        raise UnknownChainError(chain, chains)
    return [n for n, c in G.nodes(data="chain") if c == chain]


def edge_kind(G, supplier, customer) -> str:
    """The kind of an edge of ``G``: ``"supply"`` or ``"recycle"``.

    An edge without a ``kind`` attribute (a graph built by hand) is a supply edge.
    """
    return G.edges[supplier, customer].get("kind", EDGE_KINDS[0])


def supply_graph(G) -> nx.DiGraph:
    """A read-only view of ``G`` without its recycling edges.

    Every node is kept; the view has no cycle when ``G`` was built by
    :func:`load_chains`.
    """
    return nx.subgraph_view(G, filter_edge=lambda u, v: edge_kind(G, u, v) != "recycle")


def _parse(source):
    """Turn ``source`` into a document; return ``(document, problems, label)``."""
    if isinstance(source, (dict, list)):
        return source, [], None
    label = None
    if isinstance(source, bytes):
        try:
            text = source.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            return None, [ChainProblem("encoding", f"the data is not UTF-8: {exc}")], None
    elif isinstance(source, str) and source.lstrip()[:1] in ("{", "["):
        text = source
    elif isinstance(source, (str, os.PathLike)):
        label = str(source)
        try:
            text = Path(source).read_text(encoding="utf-8-sig")
        except UnicodeDecodeError as exc:
            problem = ChainProblem("encoding", f"the file is not UTF-8: {exc}")
            return None, [problem], label
    else:
        raise TypeError(
            "source must be a path, a dict or JSON text, "
            f"not {type(source).__name__}"
        )
    try:
        return json.loads(text), [], label
    except json.JSONDecodeError as exc:
        where = f"line {exc.lineno}, column {exc.colno}"
        problem = ChainProblem("json", f"malformed JSON: {exc.msg} at {where}", where)
        return None, [problem], label
    except RecursionError:
        problem = ChainProblem("json", "malformed JSON: lists or objects are nested too deeply "
                               "to read (a chains document needs six levels at most)")
        return None, [problem], label
    except ValueError as exc:
        # e.g. an integer with more digits than Python converts
        return None, [ChainProblem("json", f"malformed JSON: {exc}")], label


def _text(value) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _show(value) -> str:
    try:
        shown = json.dumps(value, ensure_ascii=False, default=repr)
    except (RecursionError, ValueError):
        # nested too deeply, or an integer too long to write out
        shown = f"a {_kind(value)} that cannot be shown"
    return shown if len(shown) <= 80 else shown[:77] + "..."


def _kind(value) -> str:
    return "null" if value is None else type(value).__name__


def _build(document):
    """Check a parsed document and build the graph; return ``(G, problems)``."""
    problems: list[ChainProblem] = []

    def problem(kind, message, location=""):
        problems.append(ChainProblem(kind, message, location))

    if not isinstance(document, dict):
        problem("structure", "the document must be a JSON object with a \"chains\" "
                f"list, got {_kind(document)}")
        return None, problems
    chains = document.get("chains")
    if not isinstance(chains, list):
        if "chains" not in document:
            problem("structure", "missing the top-level \"chains\" list")
        else:
            problem("structure", f"\"chains\" must be a list, got {_kind(chains)}", "chains")
        return None, problems

    G = nx.DiGraph(chains={})
    chain_at: dict[str, str] = {}
    node_at: dict[str, str] = {}
    pending_edges = []
    for i, chain in enumerate(chains):
        where = f"chains[{i}]"
        if not isinstance(chain, dict):
            problem("bad_type", f"a chain must be an object, got {_kind(chain)}", where)
            continue
        cid = chain.get("id")
        if _text(cid):
            where = f"chains[{i}] ({cid})"
        else:
            problem("missing_field", "chain has no \"id\" (a non-empty string)", where)
            cid = None
        if not _text(chain.get("name")):
            name = f"chain {cid!r}" if cid else "chain"
            problem("missing_field", f"{name} has no \"name\" (a non-empty string)", where)
        name_en = chain.get("name_en", "")
        if name_en is None:
            name_en = ""
        if not isinstance(name_en, str):
            problem("bad_type", f"\"name_en\" must be a string, got {_kind(name_en)}", where)
            name_en = ""
        if cid is not None:
            if cid in chain_at:
                problem("duplicate_chain", f"chain id {cid!r} is used twice: at "
                        f"{chain_at[cid]} and at chains[{i}]", where)
            else:
                chain_at[cid] = f"chains[{i}]"
                G.graph["chains"][cid] = {
                    "id": cid, "name": str(chain.get("name") or "").strip(),
                    "name_en": name_en.strip(),
                }
        nodes = chain.get("nodes")
        if not isinstance(nodes, list):
            if "nodes" not in chain:
                problem("missing_field", "chain has no \"nodes\" list", where)
            else:
                problem("bad_type", f"\"nodes\" must be a list, got {_kind(nodes)}", where)
            nodes = []
        for j, node in enumerate(nodes):
            _check_node(G, node, cid, f"{where}.nodes[{j}]", node_at, problem)
        edges = chain.get("edges", [])
        if not isinstance(edges, list):
            problem("bad_type", f"\"edges\" must be a list, got {_kind(edges)}", where)
            edges = []
        for k, edge in enumerate(edges):
            pending_edges.append((edge, f"{where}.edges[{k}]"))

    edge_at: dict[tuple, str] = {}
    for edge, where in pending_edges:
        _check_edge(G, edge, where, edge_at, problem)
    for kind, message, where in _cycles(G, edge_at):
        problem(kind, message, where)
    return G, problems


def _check_node(G, node, cid, where, node_at, problem):
    if not isinstance(node, dict):
        problem("bad_type", f"a node must be an object, got {_kind(node)}", where)
        return
    nid = node.get("id")
    ok = True
    if _text(nid):
        where = f"{where} ({nid})"
    else:
        problem("missing_field", "node has no \"id\" (a non-empty string)", where)
        nid, ok = None, False
    label = f"node {nid!r}" if nid else "node"
    if not _text(node.get("name")):
        problem("missing_field", f"{label} has no \"name\" (a non-empty string)", where)
        ok = False
    name_en = node.get("name_en", "")
    if name_en is None:
        name_en = ""
    if not isinstance(name_en, str):
        problem("bad_type", f"{label}: \"name_en\" must be a string, got {_kind(name_en)}",
                where)
        ok = False
    stage = node.get("stage")
    allowed = ", ".join(STAGES)
    if stage is None:
        problem("missing_field", f"{label} has no \"stage\"; allowed: {allowed}", where)
        ok = False
    elif stage not in STAGES:
        problem("unknown_stage", f"{label} has unknown stage {stage!r}; allowed: {allowed}",
                where)
        ok = False
    keywords = node.get("keywords", [])
    if keywords is None:
        keywords = []
    if not isinstance(keywords, list) or not all(_text(k) for k in keywords):
        problem("bad_keywords", f"{label}: \"keywords\" must be a list of non-empty "
                f"strings, got {_show(keywords)}", where)
        ok = False
    if nid is None:
        return
    if nid in node_at:
        problem("duplicate_node", f"node id {nid!r} is defined twice: at "
                f"{node_at[nid]} and at {where}", where)
        return
    node_at[nid] = where
    # Added even when a field is wrong so that edges naming it are not also
    # reported as naming an unknown node; the graph is discarded anyway.
    if ok:
        G.add_node(nid, chain=cid, name=node["name"].strip(), name_en=name_en.strip(),
                   stage=stage, keywords=[k.strip() for k in keywords])
    else:
        G.add_node(nid, chain=cid, name=None, name_en="", stage=stage, keywords=[])


def _check_edge(G, edge, where, edge_at, problem):
    if (not isinstance(edge, list) or len(edge) not in (2, 3)
            or not all(isinstance(end, str) for end in edge[:2])):
        problem("bad_edge", "an edge must be a pair [supplier, customer] of node ids, "
                f"optionally followed by its kind ({' or '.join(EDGE_KINDS)}), "
                f"got {_show(edge)}", where)
        return
    supplier, customer = edge[:2]
    kind = edge[2] if len(edge) == 3 else EDGE_KINDS[0]
    usable = True
    if kind not in EDGE_KINDS:
        close = []
        if isinstance(kind, str):
            word = kind.strip().lower()
            close = [_KIND_WORDS[word]] if word in _KIND_WORDS \
                else difflib.get_close_matches(word, EDGE_KINDS, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problem("unknown_edge_kind", f"edge {supplier} -> {customer} has unknown kind "
                f"{_show(kind)}; allowed: {', '.join(EDGE_KINDS)}{hint}", where)
        usable = False
    missing = [end for end in (supplier, customer) if end not in G]
    for end in dict.fromkeys(missing):
        close = difflib.get_close_matches(end, list(G), n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        problem("unknown_node", f"edge {supplier} -> {customer} names unknown node "
                f"{end!r}{hint}", where)
    if missing or not usable:
        return
    if supplier == customer:
        problem("self_loop", f"edge {supplier} -> {customer} joins a node to itself", where)
        return
    if (supplier, customer) in edge_at:
        problem("duplicate_edge", f"edge {supplier} -> {customer} is listed twice: at "
                f"{edge_at[supplier, customer]} and at {where}", where)
        return
    edge_at[supplier, customer] = where
    G.add_edge(supplier, customer, kind=kind)


def _cycles(G, edge_at):
    """Yield one ``(kind, message, location)`` per knot of supply edges.

    Recycling edges are left out: a loop they close is allowed.
    """
    S = supply_graph(G)
    order = {n: i for i, n in enumerate(G)}
    for component in nx.strongly_connected_components(S):
        if len(component) < 2:
            continue
        start = min(component, key=order.__getitem__)
        cycle = [u for u, _ in nx.find_cycle(S.subgraph(component), source=start)]
        path = " -> ".join(cycle + [cycle[0]])
        chains = list(dict.fromkeys(G.nodes[n]["chain"] for n in cycle))
        if len(chains) == 1:
            message = f"supply cycle inside chain {chains[0]!r}: {path}"
        else:
            message = f"supply cycle across chains {', '.join(chains)}: {path}"
        marked = json.dumps([cycle[-1], cycle[0], "recycle"], ensure_ascii=False)
        message += ("; supply must flow one way: if material returns upstream here, mark "
                    f"that edge as recycling, {marked}; otherwise model the return flow "
                    "as its own node")
        yield "cycle", message, edge_at[cycle[-1], cycle[0]]
