"""The ranking engine: SMEs' capabilities for enterprises' demands, and back.

How a pair is scored
--------------------
The base is the text score, Okapi BM25 (:mod:`~matchmaker.matching.features`)
over CJK character bigrams, English words and numbers with units after
traditional -> simplified conversion and NFKC, plus two bridges between
languages: *concepts* (a line of the bilingual domain glossary in
``seeds/glossary`` or a term of a chain node, every way of writing it one
feature) and the Chinese words that a general dictionary (CC-CEDICT) gives for
English ones (:mod:`~matchmaker.matching.bridge`). Divided by the query's
attainable maximum it is ``text`` in [0, 1].

The other signals are bounded adjustments of it, and none can lift a pair
without text evidence (``text == 0`` stays unranked)::

    raw = text + graph_weight * graph + region_weight * same_region

* ``graph`` -- the best :class:`graph.ProximityIndex` proximity of the two
  postings' chain nodes (1 same node, 0.8 direct supplier/customer, decaying
  with distance), counting only nodes given in ``chain_nodes`` or inferred with
  a confidence of at least ``chain_confidence``;
* ``same_region`` -- 1 when both are in the same province-level region.

The weights are fitted on the labelled development sets by cross-validation
(``matchmaker tune``; values in ``matching/weights.json``). The score shown
everywhere is ``raw`` mapped to [0, 1] by a logistic calibration fitted at the
same time: the estimated chance that the pair is a right or adjacent product
(grade 2 or 3 of the sets' scale).

A capability that does not meet all of a demand's ``required_qualifications``
(:func:`~matchmaker.domain.qualifications.meets`: names compared after
normalisation, with tiers such as 小巨人 ⇒ 专精特新, levels such as CMMI 5 ⇒
CMMI 3, and editions such as AS9100D ⇒ AS9100) is never ranked for it, in
either direction. Every ranked entry carries its reasons as data
(:class:`~matchmaker.matching.result.Reason`): the shared terms that contributed
most to ``text``, the chain path when the chain signal counted, the common
region when it counted, the qualifications required and met.

Scale
-----
Indexing is vectorised over batches of postings; ranking reads a bounded
number of postings per query (:class:`~matchmaker.matching.index.InvertedIndex`)
and then scores a few hundred candidates exactly, so a query costs about the
same over a thousand or a million capabilities. :meth:`Matcher.add`,
:meth:`~Matcher.update` and :meth:`~Matcher.remove` change the index in
place without rebuilding it.
"""

from __future__ import annotations

import itertools

import numpy as np

from matchmaker.matching.bridge import Bridge
from matchmaker.matching.building import NodeInference, build_corpus, chain_nodes
from matchmaker.matching.concepts import ConceptIndex
from matchmaker.matching.corpus import CAPABILITY, DEMAND, Corpus, prepare
from matchmaker.matching.errors import NotFittedError, UnknownRecordError
from matchmaker.matching.explain import Explainer
from matchmaker.matching.features import Featurizer
from matchmaker.matching.inference import NodeInferrer
from matchmaker.matching.ranking import Query, Restriction, Settings, rank_query
from matchmaker.matching.result import Match
from matchmaker.matching.weights import fitted

__all__ = ["Match", "Matcher"]

_PARAMS = ("graph_weight", "region_weight", "chain_confidence", "concept_weight",
           "node_terms_weight", "k1", "b",
           "bridge", "number_weight", "title_weight", "n_candidates", "posting_budget",
           "max_nodes", "min_node_confidence", "glossary", "n_jobs", "calibration")
_FITTED = object()  # sentinel: the value of matching/weights.json


def _load_graph(graph):
    import networkx as nx

    if isinstance(graph, nx.DiGraph):
        return graph
    import graph as graph_pkg

    return graph_pkg.load_chains(graph)


class Matcher:
    """Rank capabilities for demands (and demands for capabilities).

    Parameters
    ----------
    graph_weight, region_weight : float or None
        Weights of the chain and region adjustments (see the module
        docstring); ``None`` takes the fitted value of ``matching/weights.json``.
    chain_confidence : float or None
        Inferred chain nodes count for the chain signal only at this
        confidence or above (nodes given in ``chain_nodes`` count as 1).
    concept_weight : float or None
        Weight of concept columns relative to tokens.
    node_terms_weight : float or None
        A posting with given ``chain_nodes`` also counts the terms of those
        nodes (name, English name, keywords) this many times: the chain data
        says what the posting is about, in every language it names it.
    k1, b : float or None
        BM25 parameters.
    bridge : bool, default True
        Index the Chinese words of English ones (CC-CEDICT).
    number_weight : float, default 1.0
        Weight of number-with-unit columns.
    title_weight : int, default 1
        Title terms count this many times.
    n_candidates : int, default 300
        Postings scored in full per query, the best by text score.
    posting_budget : int, default 60_000
        Posting-list entries read per query to choose those candidates,
        strongest first (see :class:`~matchmaker.matching.index.InvertedIndex`);
        larger is slower and closer to an exhaustive search.
    max_nodes : int, default 3
        Chain nodes kept per posting.
    min_node_confidence : float, default 0.3
        Inferred chain nodes below this confidence are not kept.
    glossary : Glossary, path, None or False
        Domain glossary; ``None`` is the project glossary (``seeds/glossary``).
    n_jobs : int or None, default None
        Processes analysing postings when fitting many of them (more than two
        batches of 4,096): ``None`` or 1 is this process only, -1 all cores
        (see :mod:`~matchmaker.matching.parallel`). Ranking always runs in
        this process.
    calibration : dict or None
        ``{"slope": a, "intercept": b}``: score = 1 / (1 + exp(-(a raw + b))).

    Attributes
    ----------
    graph_ : networkx.DiGraph
    concepts_ : ConceptIndex
    inferrer_ : matchmaker.matching.inference.NodeInferrer
    capabilities_ : Corpus
    demands_ : Corpus or None
        Present when ``demands`` were given to :meth:`fit`.

    Examples
    --------
    >>> m = Matcher().fit(capabilities, "chains.json", demands=demands)  # doctest: +SKIP
    >>> m.rank([demand], top=5)[0][0].capability_id                      # doctest: +SKIP
    'C7'
    """

    def __init__(self, *, graph_weight=None, region_weight=None, chain_confidence=None,
                 concept_weight=None, node_terms_weight=None, k1=None, b=None, bridge=True, number_weight=1.0,
                 title_weight=1, n_candidates=300, posting_budget=60_000, max_nodes=3,
                 min_node_confidence=0.3, glossary=None, n_jobs=None, calibration=None):
        self.graph_weight = graph_weight
        self.region_weight = region_weight
        self.chain_confidence = chain_confidence
        self.concept_weight = concept_weight
        self.node_terms_weight = node_terms_weight
        self.k1 = k1
        self.b = b
        self.bridge = bridge
        self.number_weight = number_weight
        self.title_weight = title_weight
        self.n_candidates = n_candidates
        self.posting_budget = posting_budget
        self.max_nodes = max_nodes
        self.min_node_confidence = min_node_confidence
        self.glossary = glossary
        self.n_jobs = n_jobs
        self.calibration = calibration

    # -- scikit-learn style parameters --------------------------------------
    def get_params(self, deep=True) -> dict:
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params):
        """Set parameters.

        The rank-time weights (``graph_weight``, ``region_weight``,
        ``chain_confidence``, ``calibration``), ``n_candidates`` and
        ``posting_budget`` apply to the next ranking; the other parameters take
        effect at the next :meth:`fit`.
        """
        for name, value in params.items():
            if name not in _PARAMS:
                raise ValueError(f"unknown parameter {name!r}; expected one of {', '.join(_PARAMS)}")
            setattr(self, name, value)
        return self

    def _param(self, name):
        value = getattr(self, name)
        if value is None:
            value = fitted()["params"][name]
        value = float(value)
        if not np.isfinite(value) or value < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        return value

    def _settings(self) -> Settings:
        cal = self.calibration if self.calibration is not None else fitted()["calibration"]
        return Settings(self._param("graph_weight"), self._param("region_weight"),
                        self._param("chain_confidence"), float(cal["slope"]),
                        float(cal["intercept"]), int(self.n_candidates), int(self.posting_budget))

    # -- fitting -------------------------------------------------------------
    def fit(self, capabilities, graph, *, demands=None):
        """Index capabilities (and optionally demands) over a chain graph.

        Parameters
        ----------
        capabilities : iterable of dict or None
            Capability records (formats.md fields); may be a generator. ``None``
            when only demands are indexed (to rank demands for capabilities).
        graph : networkx.DiGraph, dict or path
            The chain graph, or anything :func:`graph.load_chains` reads.
        demands : iterable of dict, optional
            Demand records, indexed too so that :meth:`rank_demands` can rank
            them for capabilities.

        Returns
        -------
        self
        """
        from graph import ProximityIndex

        self._settings()
        for name in ("concept_weight", "node_terms_weight", "k1", "b"):
            self._param(name)
        G = _load_graph(graph)
        self.graph_ = G
        self.concepts_ = ConceptIndex(self.glossary, G).fit()
        self.inferrer_ = NodeInferrer(G, concepts=self.concepts_,
                                      min_confidence=self.min_node_confidence).fit()
        nodes = self.inferrer_.nodes_
        self.node_columns_ = {n: j for j, n in enumerate(nodes)}
        self.node_terms_ = self._node_terms(nodes)
        self.proximity_index_ = ProximityIndex(G)
        self.proximity_ = (self.proximity_index_.pairwise(nodes, nodes).astype(np.float32)
                           if nodes else np.zeros((0, 0), dtype=np.float32))
        if capabilities is None and demands is None:
            raise ValueError("fit() needs capabilities, demands, or both")
        self.capabilities_ = (self._build(capabilities, CAPABILITY)
                              if capabilities is not None else None)
        self.demands_ = self._build(demands, DEMAND) if demands is not None else None
        self._explainer = Explainer(self)
        return self

    def _node_terms(self, nodes):
        weight = self._param("node_terms_weight")
        if weight <= 0 or not nodes:
            return None
        rows, cols = [], []
        for j, node in enumerate(nodes):
            for concept in self.concepts_.node_concepts_.get(node, {}):
                rows.append(j)
                cols.append(concept)
        if not rows:
            return None
        from scipy import sparse

        return sparse.csr_array((np.full(len(rows), weight, dtype=np.float32), (rows, cols)),
                                shape=(len(nodes), self.concepts_.n_concepts))

    def _featurizer(self):
        return Featurizer(self.concepts_, title_weight=self.title_weight,
                          concept_weight=self._param("concept_weight"),
                          number_weight=self.number_weight, k1=self._param("k1"),
                          b=self._param("b"), bridge=Bridge() if self.bridge else None,
                          node_terms=self.node_terms_)

    def _node_inference(self):
        return NodeInference(self.inferrer_, self.max_nodes, self.concepts_.n_concepts,
                             float(self.title_weight))

    def _build(self, records, kind) -> Corpus:
        return build_corpus(records, kind, self._featurizer(), self.node_columns_,
                            self._node_inference(), n_jobs=self.n_jobs,
                            posting_budget=self.posting_budget)

    def _nodes(self, batch):
        return chain_nodes(batch, self._node_inference())

    # -- ranking -------------------------------------------------------------
    def rank(self, demands, top=10, *, among=None, explain=True) -> list[list[Match]]:
        """Best capabilities for each demand.

        Parameters
        ----------
        demands : iterable of dict
            Demand records (need not be indexed).
        top : int, default 10
        among : iterable of str, optional
            Capability ids the ranking is restricted to (a page's region or
            size filter, say). The restriction applies before the best ``top``
            are chosen, so it never leaves a page short while enough of these
            capabilities match. Ids that are not indexed are ignored.
        explain : bool, default True
            False leaves every match's ``reasons`` empty. Explaining costs
            most of a ranking; a page that shows 20 of 200 ranked postings
            ranks without reasons, then asks for the reasons of its 20 with
            ``among`` (scores are the same either way).

        Returns
        -------
        list of list of Match
            One list per demand, best first, at most ``top`` long; capabilities
            lacking a required qualification are left out.
        """
        self._check_fitted(CAPABILITY)
        return self._rank(demands, DEMAND, self.capabilities_, top,
                          self._restriction(self.capabilities_, among), explain=explain)

    def rank_demands(self, capabilities, top=10, *, among=None, explain=True) -> list[list[Match]]:
        """Best demands for each capability (the reverse direction of :meth:`rank`).

        Needs ``demands`` to have been given to :meth:`fit` (or added with
        :meth:`add`). Demands requiring a qualification the capability lacks
        are left out; ``among`` restricts the ranking to those demand ids;
        ``explain`` as for :meth:`rank`.
        """
        self._check_fitted(DEMAND)
        return self._rank(capabilities, CAPABILITY, self.demands_, top,
                          self._restriction(self.demands_, among), explain=explain)

    @staticmethod
    def _restriction(target: Corpus, ids) -> Restriction | None:
        if ids is None:
            return None
        # A page's filter may name tens of thousands of postings: looked up and
        # deduplicated without a Python loop of our own (a mask, not a sort).
        docs = np.fromiter(map(target.row_of.get, map(str, ids), itertools.repeat(-1)), dtype=np.int64)
        seen = np.zeros(len(target.ids), dtype=bool)
        seen[docs[docs >= 0]] = True
        return Restriction(np.flatnonzero(seen))

    def _check_fitted(self, kind):
        if not hasattr(self, "capabilities_"):
            raise NotFittedError("this Matcher is not fitted yet; call fit(capabilities, graph) "
                                 "first")
        if kind == CAPABILITY and self.capabilities_ is None:
            raise NotFittedError("no capabilities are indexed; pass capabilities to fit() to "
                                 "rank capabilities for demands")
        if kind == DEMAND and self.demands_ is None:
            raise NotFittedError("no demands are indexed; pass demands=... to fit() to rank "
                                 "demands for capabilities")

    def _rank(self, records, source_kind, target: Corpus, top, among=None, explain=True):
        top = int(top)
        if top < 1:
            raise ValueError(f"top must be a positive integer, got {top!r}")
        settings = self._settings()
        out = []
        for batch in prepare(records, source_kind, target.featurizer, self.node_columns_):
            node_cols, node_conf = self._nodes(batch)
            rows, reach = target.featurizer.query(batch.analysed.counts)
            for i in range(len(batch)):
                lo, hi = rows.indptr[i], rows.indptr[i + 1]
                query = Query(batch, i, rows.indices[lo:hi], rows.data[lo:hi], float(reach[i]),
                              node_cols[i], node_conf[i])
                out.append(rank_query(query, target, top, settings, self.proximity_,
                                      self._explainer if explain else None, among))
        return out

    def score_pairs(self, demands, capability_ids):
        """Every one of ``capability_ids`` ranked for each demand (a fair's suppliers, say).

        Same scores as :meth:`rank` (the whole index's statistics), but no
        candidate search: each listed capability is scored, and those with no
        text evidence or lacking a required qualification are left out.

        Raises
        ------
        UnknownRecordError
            An id is not indexed.
        """
        self._check_fitted(CAPABILITY)
        target = self.capabilities_
        docs = []
        for cid in capability_ids:
            doc = target.row_of.get(str(cid))
            if doc is None:
                raise UnknownRecordError(str(cid))
            docs.append(doc)
        among = Restriction(np.asarray(sorted(set(docs)), dtype=np.int64), exhaustive=True)
        return self._rank(demands, DEMAND, target, max(1, len(among.docs)), among=among)

    # -- incremental updates -------------------------------------------------
    def add(self, record, *, kind=CAPABILITY):
        """Index one more posting; it is rankable at once.

        Parameters
        ----------
        record : dict
        kind : {"capability", "demand"}
        """
        corpus = self._corpus(kind)
        batch = next(prepare([record], kind, corpus.featurizer, self.node_columns_))
        cols, conf = self._nodes(batch)
        row = corpus.featurizer.weigh(batch.analysed.counts)
        corpus.append(batch, cols, conf, row)
        corpus.maybe_compact()
        return self

    def update(self, record, *, kind=CAPABILITY):
        """Replace an indexed posting (same id) by a new version.

        Raises
        ------
        UnknownRecordError
            No posting with this id is indexed (use :meth:`add`).
        """
        corpus = self._corpus(kind)
        batch = next(prepare([record], kind, corpus.featurizer, self.node_columns_))
        cols, conf = self._nodes(batch)
        row = corpus.featurizer.weigh(batch.analysed.counts)
        corpus.remove(batch.ids[0])
        corpus.append(batch, cols, conf, row)
        corpus.maybe_compact()
        return self

    def remove(self, record_id, *, kind=CAPABILITY):
        """Stop ranking a posting.

        Raises
        ------
        UnknownRecordError
            No posting with this id is indexed.
        """
        self._corpus(kind).remove(str(record_id))
        return self

    def _corpus(self, kind) -> Corpus:
        if kind not in (CAPABILITY, DEMAND):
            raise ValueError(f"kind must be 'capability' or 'demand', got {kind!r}")
        self._check_fitted(kind)
        return self.capabilities_ if kind == CAPABILITY else self.demands_

    def __len__(self):
        """Number of indexed capabilities."""
        return len(self.capabilities_) if getattr(self, "capabilities_", None) else 0
