"""Which chain nodes a free text is about.

A posting that does not name its chain nodes still talks about them: "N型
TOPCon电池片" is about ``pv.cell``, "Pd-coated Cu bonding wire" about
``icpkg.bonding-wire``. :class:`NodeInferrer` finds the concepts a text names
(node names, English names and keywords, and every synonym, abbreviation,
traditional or English form the domain glossary knows for them) and scores
each node by the concepts it shares with the text:

    score(node) = sum over distinct concepts c named by both text and node of
                  link(node, c) * evidence(text, c) / n(c)

where ``n(c)`` is the number of nodes naming ``c`` (a term shared by three
nodes says less about each), ``link`` is 1 when ``c`` is one of the node's
terms and 0.5 when it is only named inside one, and ``evidence`` is 1 for a
concept of the text (callers may weigh description concepts lower than title
ones). The confidence is ``1 - exp(-1.2 * score)``: one
specific keyword gives 0.70, two give 0.91, a keyword shared by two nodes
0.45. Nodes below ``min_confidence`` are not reported, so a text about
nothing in the graph gets an empty list.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from matchmaker.domain.text import normalize, normalize_many
from matchmaker.matching.concepts import ConceptIndex

__all__ = ["NodeInferrer", "infer_nodes"]

_STEEPNESS = 1.2


class NodeInferrer:
    """Precomputed node inference for many texts.

    Parameters
    ----------
    G : networkx.DiGraph, optional
        Chain graph (nodes with ``name``, ``name_en``, ``keywords``). May also
        be given to :meth:`fit`.
    glossary : Glossary, path, None or False, default None
        Domain glossary (see :class:`~matchmaker.matching.concepts.ConceptIndex`);
        ``None`` loads the project glossary, ``False`` uses only the graph.
    min_confidence : float, default 0.3
        Nodes inferred with less confidence are dropped.
    concepts : ConceptIndex, optional
        An already fitted concept index built on ``G`` (shared with the
        ranking engine, so texts are scanned once).

    Attributes
    ----------
    nodes_ : list
        Nodes in column order of :attr:`weights_`.
    weights_ : scipy.sparse.csr_array, shape (n_concepts, n_nodes)
        ``link / n(c)`` for every concept ``c`` a node names (``link`` is 1
        for a whole node term, 0.5 for a concept named inside one).
    concepts_ : ConceptIndex

    Examples
    --------
    >>> inferrer = NodeInferrer(G).fit()          # doctest: +SKIP
    >>> inferrer.infer("N型TOPCon電池片採購")     # doctest: +SKIP
    [('pv.cell', 0.7)]
    """

    def __init__(self, G=None, *, glossary=None, min_confidence=0.3, concepts=None):
        self.G = G
        self.glossary = glossary
        self.min_confidence = min_confidence
        self.concepts = concepts

    def fit(self, G=None):
        """Build the concept-to-node weights; return ``self``."""
        if G is not None:
            self.G = G
        if self.G is None:
            raise ValueError("NodeInferrer needs a chain graph: pass G to the constructor or fit()")
        if not 0 <= self.min_confidence <= 1:
            raise ValueError(f"min_confidence must be in [0, 1], got {self.min_confidence!r}")
        concepts = self.concepts
        if concepts is None:
            concepts = ConceptIndex(self.glossary, self.G).fit()
        self.concepts_ = concepts
        self.nodes_ = list(self.G.nodes)
        column = {n: j for j, n in enumerate(self.nodes_)}
        rows, cols, vals = [], [], []
        for node, linked in concepts.node_concepts_.items():
            if node in column:
                rows.extend(linked)
                cols.extend([column[node]] * len(linked))
                vals.extend(linked.values())
        shape = (concepts.n_concepts, len(self.nodes_))
        link = sparse.csr_array((np.asarray(vals, dtype=np.float32), (rows, cols)), shape=shape)
        per_concept = np.diff(link.indptr).astype(np.float32)  # nodes naming each concept
        spread = np.divide(1.0, per_concept, out=np.zeros_like(per_concept), where=per_concept > 0)
        self.weights_ = sparse.csr_array(sparse.diags_array(spread) @ link)
        return self

    # -- single texts --------------------------------------------------------
    def infer(self, text, top=3, *, normalized=False):
        """Nodes a text is about, best first.

        Parameters
        ----------
        text : str
            Free text in simplified or traditional Chinese, English, or mixed.
        top : int, default 3
            At most this many nodes.
        normalized : bool, default False
            The text already went through ``matchmaker.domain.text.normalize``.

        Returns
        -------
        list of (node, confidence)
            Confidence in [0, 1]; empty when nothing is confidently related.
        """
        if not normalized:
            text = normalize(text)
        return self.infer_concepts([self.concepts_.find_ids(text)], top)[0]

    def infer_many(self, texts, top=3, *, normalized=False):
        """:meth:`infer` for many texts; one list per text."""
        if not normalized:
            texts = normalize_many(texts)
        find = self.concepts_.find_ids
        return self.infer_concepts([find(t) for t in texts], top)

    # -- vectorised ----------------------------------------------------------
    def score_matrix(self, concept_matrix):
        """Node confidences of texts given as a (texts x concepts) evidence matrix.

        Each entry is how strongly a text names a concept, capped at 1 (a
        concept counts once however often it is repeated). Returns a dense
        float32 array (texts x nodes).
        """
        present = sparse.csr_array(concept_matrix, dtype=np.float32, copy=True)
        present.sum_duplicates()
        np.minimum(present.data, 1.0, out=present.data)
        raw = (present @ self.weights_).toarray()
        return (1.0 - np.exp(-_STEEPNESS * raw)).astype(np.float32)

    def top_nodes(self, concept_matrix, top=3, block=16384):
        """Best ``top`` node columns per text, vectorised.

        Returns
        -------
        nodes : ndarray of int32, shape (n_texts, top)
            Column in :attr:`nodes_`, -1 where fewer nodes pass ``min_confidence``.
        confidence : ndarray of float32, shape (n_texts, top)
        """
        concept_matrix = sparse.csr_array(concept_matrix)
        n = concept_matrix.shape[0]
        k = max(0, min(int(top), len(self.nodes_)))
        nodes = np.full((n, k), -1, dtype=np.int32)
        conf = np.zeros((n, k), dtype=np.float32)
        if k == 0 or n == 0:
            return nodes, conf
        for start in range(0, n, block):
            scores = self.score_matrix(concept_matrix[start:start + block])
            if k < scores.shape[1]:
                part = np.argpartition(-scores, k - 1, axis=1)[:, :k]
            else:
                part = np.tile(np.arange(scores.shape[1]), (scores.shape[0], 1))
            vals = np.take_along_axis(scores, part, axis=1)
            order = np.argsort(-vals, axis=1, kind="stable")
            part = np.take_along_axis(part, order, axis=1)
            vals = np.take_along_axis(vals, order, axis=1)
            keep = vals >= max(self.min_confidence, 1e-6)
            nodes[start:start + len(part)] = np.where(keep, part, -1)
            conf[start:start + len(part)] = np.where(keep, vals, 0.0)
        return nodes, conf

    def infer_concepts(self, concept_lists, top=3):
        """Inferred nodes for texts given as lists of concept indices."""
        n = len(concept_lists)
        rows = np.repeat(np.arange(n), [len(c) for c in concept_lists])
        cols = np.fromiter((c for cs in concept_lists for c in cs), dtype=np.int64, count=len(rows))
        matrix = sparse.csr_array((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                                  shape=(n, self.concepts_.n_concepts))
        nodes, conf = self.top_nodes(matrix, top)
        return [[(self.nodes_[j], round(float(c), 4)) for j, c in zip(nr, cr) if j >= 0]
                for nr, cr in zip(nodes, conf)]


def infer_nodes(G, text, top=3, *, glossary=None, min_confidence=0.3):
    """Which nodes of ``G`` a free text is about.

    Parameters
    ----------
    G : networkx.DiGraph
        Chain graph.
    text : str
        Simplified or traditional Chinese, English, or mixed.
    top : int, default 3
        At most this many nodes.
    glossary, min_confidence
        See :class:`NodeInferrer`.

    Returns
    -------
    list of (node, confidence)
        Best first, confidence in [0, 1]; empty when nothing is confidently
        related.

    Notes
    -----
    Builds a :class:`NodeInferrer` on every call; fit one and call
    :meth:`NodeInferrer.infer` to infer nodes for many texts.
    """
    if not text or not str(text).strip():
        return []
    inferrer = NodeInferrer(G, glossary=glossary, min_confidence=min_confidence).fit()
    return inferrer.infer(text, top)


