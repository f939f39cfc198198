"""The ranking engine: SMEs' capabilities for enterprises' demands, and back.

How a pair is scored
--------------------
Every (demand, capability) pair gets a score in [0, 1]::

    score = 0.50 * text + 0.25 * graph + 0.20 * head + 0.05 * region

(the default weights; they are parameters and are normalised to sum to 1).

* ``text`` -- cosine similarity of the two postings' TF-IDF vectors
  (:mod:`~matchmaker.matching.features`): CJK character bigrams, English
  words, numbers with their units, and *concepts*. A concept is a line of
  the bilingual domain glossary (``seeds/glossary``) or a term of a chain
  node; every way of writing it -- simplified, traditional, English,
  synonym, abbreviation -- counts as the same feature, which is how "TOPCon"
  meets "隧穿氧化层钝化接触" and "Pd-coated Cu wire" meets "镀钯铜键合丝".
  Abbreviations count only in the context of their industry (``POE`` film
  beside other photovoltaic terms, ``PoE`` beside networking ones).
* ``graph`` -- how close the two postings sit in the industrial-chain graph:
  the best :class:`graph.ProximityIndex` proximity (1 same node, 0.8 direct
  supplier/customer, decaying with distance, 0 unrelated) over their chain
  nodes, each weighted by its confidence -- 1 for nodes given in
  ``chain_nodes``, the :class:`graph.infer.NodeInferrer` confidence for nodes
  inferred from the text.
* ``head`` -- whether both postings are about the same thing: half for the
  share of the capability's *head* concepts (what its title offers: the last
  concept of a Chinese title, the one before "for"/"with" in an English one)
  that the demand names, half for the share of the demand's heads the
  capability names. It keeps a TOPCon cell sorter from ranking as a TOPCon
  cell, and a diesel-engine repair shop as a diesel engine.
* ``region`` -- 1 when both are in the same province-level region: a boost,
  never a filter.

A capability lacking any of a demand's ``required_qualifications`` (names
compared after :func:`~matchmaker.domain.qualifications.normalize_qualification`,
so ``IATF16949`` = ``IATF 16949``, with implications such as 小巨人 ⇒ 专精特新)
is never ranked for it, in either direction. Every ranked entry carries its
reasons: the shared terms that contributed most to ``text``, the chain path,
the common region, the qualifications required and met.

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

import numpy as np

from matchmaker.matching.building import NodeInference, build_corpus, chain_nodes
from matchmaker.matching.concepts import ConceptIndex
from matchmaker.matching.corpus import CAPABILITY, DEMAND, Corpus, prepare
from matchmaker.matching.errors import NotFittedError
from matchmaker.matching.explain import Explainer
from matchmaker.matching.features import Featurizer
from matchmaker.matching.result import Match
from matchmaker.matching.scores import graph_scores, head_scores, qualified_sets

__all__ = ["Match", "Matcher"]

_PARAMS = ("text_weight", "graph_weight", "head_weight", "region_weight", "concept_weight",
           "number_weight", "title_weight", "n_candidates", "posting_budget", "max_nodes",
           "min_node_confidence", "glossary", "n_jobs")


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
    text_weight, graph_weight, head_weight, region_weight : float
        Weights of the score components, default 0.5, 0.25, 0.2, 0.05
        (normalised to sum to 1; see the module docstring).
    concept_weight : float, default 2.0
        Weight of concept columns relative to CJK bigrams in the TF-IDF rows.
    number_weight : float, default 0.5
        Weight of number-with-unit columns.
    title_weight : int, default 2
        Title terms count this many times.
    n_candidates : int, default 300
        Postings scored in full per query: the best by text similarity, plus
        postings on the query's own chain nodes.
    posting_budget : int, default 60_000
        Posting-list entries read per query to choose those candidates,
        strongest first (see :class:`~matchmaker.matching.index.InvertedIndex`);
        larger is slower and closer to an exhaustive search.
    max_nodes : int, default 3
        Chain nodes kept per posting.
    min_node_confidence : float, default 0.3
        Inferred chain nodes below this confidence are ignored.
    glossary : Glossary, path, None or False
        Domain glossary; ``None`` is the project glossary (``seeds/glossary``).
    n_jobs : int or None, default None
        Processes analysing postings when fitting many of them (more than two
        batches of 4,096): ``None`` or 1 is this process only, -1 all cores
        (see :mod:`~matchmaker.matching.parallel`). Ranking always runs in
        this process.

    Attributes
    ----------
    graph_ : networkx.DiGraph
    concepts_ : ConceptIndex
    inferrer_ : graph.infer.NodeInferrer
    capabilities_ : Corpus
    demands_ : Corpus or None
        Present when ``demands`` were given to :meth:`fit`.

    Examples
    --------
    >>> m = Matcher().fit(capabilities, "chains.json", demands=demands)  # doctest: +SKIP
    >>> m.rank([demand], top=5)[0][0].capability_id                      # doctest: +SKIP
    'C7'
    """

    def __init__(self, *, text_weight=0.5, graph_weight=0.25, head_weight=0.2,
                 region_weight=0.05,
                 concept_weight=2.0, number_weight=0.5, title_weight=2, n_candidates=300,
                 posting_budget=60_000, max_nodes=3, min_node_confidence=0.3, glossary=None,
                 n_jobs=None):
        self.text_weight = text_weight
        self.graph_weight = graph_weight
        self.head_weight = head_weight
        self.region_weight = region_weight
        self.concept_weight = concept_weight
        self.number_weight = number_weight
        self.title_weight = title_weight
        self.n_candidates = n_candidates
        self.posting_budget = posting_budget
        self.max_nodes = max_nodes
        self.min_node_confidence = min_node_confidence
        self.glossary = glossary
        self.n_jobs = n_jobs

    # -- scikit-learn style parameters --------------------------------------
    def get_params(self, deep=True) -> dict:
        return {name: getattr(self, name) for name in _PARAMS}

    def set_params(self, **params):
        """Set parameters.

        The weights, ``n_candidates`` and ``posting_budget`` apply to the next
        ranking; the other parameters take effect at the next :meth:`fit`.
        """
        for name, value in params.items():
            if name not in _PARAMS:
                raise ValueError(f"unknown parameter {name!r}; expected one of {', '.join(_PARAMS)}")
            setattr(self, name, value)
        return self

    def _weights(self):
        w = np.array([self.text_weight, self.graph_weight, self.head_weight,
                      self.region_weight], dtype=float)
        if (w < 0).any() or w.sum() <= 0:
            raise ValueError("text_weight, graph_weight, head_weight and region_weight must "
                             "be >= 0 and not all 0")
        return w / w.sum()

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
        from graph.infer import NodeInferrer

        self._weights()
        G = _load_graph(graph)
        self.graph_ = G
        self.concepts_ = ConceptIndex(self.glossary, G).fit()
        self.inferrer_ = NodeInferrer(G, concepts=self.concepts_,
                                      min_confidence=self.min_node_confidence).fit()
        nodes = self.inferrer_.nodes_
        self.node_columns_ = {n: j for j, n in enumerate(nodes)}
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

    def _featurizer(self):
        return Featurizer(self.concepts_, title_weight=self.title_weight,
                          concept_weight=self.concept_weight, number_weight=self.number_weight)

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
    def rank(self, demands, top=10) -> list[list[Match]]:
        """Best capabilities for each demand.

        Parameters
        ----------
        demands : iterable of dict
            Demand records (need not be indexed).
        top : int, default 10

        Returns
        -------
        list of list of Match
            One list per demand, best first, at most ``top`` long; capabilities
            lacking a required qualification are left out.
        """
        self._check_fitted(CAPABILITY)
        return self._rank(demands, DEMAND, self.capabilities_, top)

    def rank_demands(self, capabilities, top=10) -> list[list[Match]]:
        """Best demands for each capability (the reverse direction of :meth:`rank`).

        Needs ``demands`` to have been given to :meth:`fit` (or added with
        :meth:`add`). Demands requiring a qualification the capability lacks
        are left out.
        """
        self._check_fitted(DEMAND)
        return self._rank(capabilities, CAPABILITY, self.demands_, top)

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

    def _rank(self, records, source_kind, target: Corpus, top):
        top = int(top)
        if top < 1:
            raise ValueError(f"top must be a positive integer, got {top!r}")
        weights = self._weights()
        out = []
        for batch in prepare(records, source_kind, target.featurizer, self.node_columns_):
            node_cols, node_conf = self._nodes(batch)
            rows = target.featurizer.weigh(batch.analysed.counts)
            for i in range(len(batch)):
                lo, hi = rows.indptr[i], rows.indptr[i + 1]
                out.append(self._rank_one(batch, i, rows.indices[lo:hi], rows.data[lo:hi],
                                          node_cols[i], node_conf[i], target, top, weights))
        return out

    def _rank_one(self, batch, i, q_cols, q_vals, q_nodes, q_conf, target, top, weights):
        ok_sets = qualified_sets(target.kind == CAPABILITY, batch.quals[i],
                                 target.qual_sets.values)
        qual_codes = target.qual_codes
        allowed = None if ok_sets is None else (lambda d: ok_sets[qual_codes[d]])
        target.index.posting_budget = int(self.posting_budget)
        docs, text = target.index.search(q_cols, q_vals, max(int(self.n_candidates), top),
                                         allowed)
        docs, text = self._add_graph_candidates(docs, text, q_nodes, target, allowed)
        if len(docs) == 0:
            return []
        graph = graph_scores(self.proximity_, q_nodes, q_conf, target.node_cols[docs],
                             target.node_conf[docs])
        region = batch.regions[i]
        rcode = target.regions.get(region) if region is not None else None
        same_region = (target.region_codes[docs] == rcode) if rcode is not None else \
            np.zeros(len(docs), dtype=bool)
        head = head_scores(batch.analysed.concepts(i, self.concepts_.n_concepts),
                           batch.analysed.heads[i], target.heads[docs],
                           lambda concepts: target.index.contains(concepts, docs))
        score = (weights[0] * np.minimum(text, 1.0) + weights[1] * graph
                 + weights[2] * head + weights[3] * same_region)
        k = min(top, len(docs))
        best = np.argpartition(-score, k - 1)[:k] if k < len(docs) else np.arange(len(docs))
        # Ties broken by id so that a ranking is reproducible.
        best = sorted(best, key=lambda j: (-score[j], target.ids[docs[j]]))
        best_docs = docs[best]
        reasons = self._explainer.explain(batch, i, q_cols, q_vals, q_nodes, q_conf, target,
                                          best_docs, same_region[best])
        kind = target.kind
        return [Match(target.ids[d], round(float(min(max(score[j], 0.0), 1.0)), 4), r, kind)
                for j, d, r in zip(best, best_docs, reasons)]

    def _add_graph_candidates(self, docs, text, q_nodes, target, allowed):
        """Postings on the query's own chain nodes, even with no shared text."""
        q_nodes = q_nodes[q_nodes >= 0]
        if len(q_nodes) == 0:
            return docs, text
        extra = target.docs_on_nodes(q_nodes, int(self.n_candidates) // 4)
        if allowed is not None and len(extra):
            extra = extra[allowed(extra)]
        extra = np.setdiff1d(extra, docs, assume_unique=False)
        if len(extra) == 0:
            return docs, text
        return (np.concatenate([docs, extra]),
                np.concatenate([text, np.zeros(len(extra), dtype=np.float32)]))

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
