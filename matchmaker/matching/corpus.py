"""One indexed side of the matching: capabilities, or demands.

A :class:`Corpus` keeps, per posting, what ranking needs and nothing more:
its id, its normalised text (for explanations), its BM25 row (in an
:class:`~matchmaker.matching.index.InvertedIndex`), its chain nodes with
confidences, its region code and its qualification-set code. Region names and
qualification sets repeat a lot, so each distinct value is stored once and
postings hold small integer codes.
"""

from __future__ import annotations

import functools

import numpy as np
from scipy import sparse

from matchmaker.domain.qualifications import qualification_set, requirement_set
from matchmaker.domain.regions import normalize_region
from matchmaker.matching.errors import (
    DuplicateRecordError,
    InvalidRecordError,
    UnknownRecordError,
)
from matchmaker.matching.index import InvertedIndex

__all__ = ["CAPABILITY", "DEMAND", "Corpus", "Interner", "Prepared", "prepare"]

CAPABILITY, DEMAND = "capability", "demand"


class Interner:
    """Stores each distinct value once; values are referred to by code."""

    def __init__(self):
        self.values: list = []
        self._codes: dict = {}
        #: Answers worked out over :attr:`values` (see :func:`~matchmaker.matching.scores.qualified_sets_of`);
        #: values are only ever appended, so an answer stays right for the values it covers.
        self.memo: dict = {}

    def code(self, value) -> int:
        c = self._codes.get(value)
        if c is None:
            c = self._codes[value] = len(self.values)
            self.values.append(value)
        return c

    def get(self, value):
        return self._codes.get(value)


class Prepared:
    """A batch of postings, analysed and ready to index or to query with.

    Attributes
    ----------
    ids : list of str
    analysed : Analysed
        Normalised texts, count rows and head concepts.
    regions : list of str or None
        Canonical region names.
    quals, qual_names : list
        Qualification keys (held for capabilities, required for demands) and
        the names as written.
    nodes : list of list of int
        Node columns given in ``chain_nodes``.
    """

    __slots__ = ("analysed", "ids", "nodes", "qual_names", "quals", "regions")

    def __len__(self):
        return len(self.ids)


def _text(value) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def _names(value) -> tuple:
    if not value:
        return ()
    if isinstance(value, str):
        return (value,)
    names = tuple(value)
    if all(type(v) is str for v in names) and all(names):  # the usual case, checked fast
        return names
    return tuple(v for v in names if isinstance(v, str) and v.strip())


@functools.lru_cache(maxsize=65536)
def _region(value):
    return normalize_region(value)


@functools.lru_cache(maxsize=65536)
def _held(names):
    return qualification_set(names)


@functools.lru_cache(maxsize=65536)
def _required(names):
    return requirement_set(names)


def _add_node_terms(prepared, node_terms):
    """Add the concepts of each posting's given chain nodes to its counts."""
    rows = [i for i, nodes in enumerate(prepared.nodes) for _ in nodes]
    if not rows:
        return
    nodes = [n for ns in prepared.nodes for n in ns]
    counts = prepared.analysed.counts
    picked = node_terms[nodes]  # (n given, n_concepts)
    n_rows, n_cols = counts.shape
    which = sparse.csr_array((np.ones(len(rows), dtype=np.float32),
                              (np.asarray(rows), np.arange(len(rows)))),
                             shape=(n_rows, len(rows)))
    extra = which @ picked
    extra.resize((n_rows, n_cols))
    summed = sparse.csr_array(counts + extra)
    summed.sort_indices()
    prepared.analysed.counts = summed


def prepare(records, kind, featurizer, node_columns, *, grow=False, batch=4096, pool=None):
    """Analyse records of one kind, in batches.

    Yields :class:`Prepared` batches, so that a million records never sit in
    memory twice. ``kind`` is ``"capability"`` (qualifications held) or
    ``"demand"`` (qualifications required); ``grow`` extends the featurizer's
    vocabulary (when fitting). With a ``pool``
    (:class:`~matchmaker.matching.parallel.PoolAnalyser`, growing only), the
    texts are analysed in worker processes while the next batches are read.
    The featurizer's ``node_terms`` (CSR, node column x concept, or None) adds
    the terms of a posting's given chain nodes to its counts: a capability declared on 正极材料 is
    about cathode materials, in every language the chain names it.
    """
    node_terms = featurizer.node_terms
    qual_field = "qualifications" if kind == CAPABILITY else "required_qualifications"
    quals_of = _held if kind == CAPABILITY else _required

    def describe(chunk):
        out = Prepared()
        out.ids = [str(r["id"]) for r in chunk]
        out.regions = [_region(r["region"]) if isinstance(r.get("region"), str) else None
                       for r in chunk]
        out.qual_names = [_names(r.get(qual_field)) for r in chunk]
        out.quals = [quals_of(names) for names in out.qual_names]
        out.nodes = [[node_columns[n] for n in _names(r.get("chain_nodes")) if n in node_columns]
                     if r.get("chain_nodes") else [] for r in chunk]
        return (out, [_text(r.get("title")) for r in chunk],
                [_text(r.get("description")) for r in chunk])

    described = map(describe, _chunks(records, kind, batch))
    if pool is None:
        for out, titles, bodies in described:
            out.analysed = featurizer.analyse(titles, bodies, grow=grow)
            if node_terms is not None:
                _add_node_terms(out, node_terms)
            yield out
    else:
        from matchmaker.matching.parallel import pipelined

        for out, analysed in pipelined(described, pool):
            out.analysed = analysed
            if node_terms is not None:
                _add_node_terms(out, node_terms)
            yield out


def _chunks(records, kind, batch):
    """Checked records in lists of ``batch``."""
    buf: list = []
    for r in records:
        if not isinstance(r, dict):
            raise InvalidRecordError(f"a {kind} must be a dict, got {type(r).__name__}")
        rid = r.get("id")
        if rid is None or (isinstance(rid, str) and not rid.strip()):
            raise InvalidRecordError(f"a {kind} has no id: {_preview(r)}")
        buf.append(r)
        if len(buf) >= batch:
            yield buf
            buf = []
    if buf:
        yield buf


def _preview(record) -> str:
    text = repr(record)
    return text if len(text) <= 80 else text[:77] + "..."


class Corpus:
    """The indexed postings of one kind.

    Attributes
    ----------
    kind : str
        ``"capability"`` or ``"demand"``.
    featurizer : Featurizer
    index : InvertedIndex
    ids : list of str
        Id per document number.
    row_of : dict
        Id -> document number, for live documents.
    texts : list of str
        Normalised ``title + " " + description`` per document number.
    region_codes, qual_codes : ndarray of int32
        Codes into :attr:`regions` and :attr:`qual_sets` (-1: no region).
    node_cols : ndarray of int32, shape (n, k)
        Chain node columns (-1 = none); ``node_conf`` their confidences.
    """

    def __init__(self, kind, featurizer, max_nodes):
        self.kind = kind
        self.featurizer = featurizer
        self.max_nodes = max_nodes
        self.regions = Interner()
        self.qual_sets = Interner()
        self.qual_display: list = []
        self.ids: list = []
        self.row_of: dict = {}
        self.texts: list = []
        self._region_codes: list = []
        self._qual_codes: list = []
        self._node_cols: list = []
        self._node_conf: list = []
        self.index = None

    # -- building ------------------------------------------------------------
    def absorb(self, prepared, node_cols, node_conf):
        """Record metadata of a prepared batch (rows are indexed separately)."""
        start = len(self.ids)
        for i, rid in enumerate(prepared.ids):
            if rid in self.row_of:
                raise DuplicateRecordError(rid)
            self.row_of[rid] = start + i
        self.ids.extend(prepared.ids)
        self.texts.extend(prepared.analysed.texts)
        for region in prepared.regions:
            self._region_codes.append(-1 if region is None else self.regions.code(region))
        for qs, names in zip(prepared.quals, prepared.qual_names):
            code = self.qual_sets.code(qs)
            if code == len(self.qual_display):
                self.qual_display.append(names)
            self._qual_codes.append(code)
        self._node_cols.append(node_cols)
        self._node_conf.append(node_conf)

    def finish(self, rows, posting_budget):
        """Freeze metadata into arrays and index the BM25 rows."""
        self.region_codes = np.asarray(self._region_codes, dtype=np.int32)
        self.qual_codes = np.asarray(self._qual_codes, dtype=np.int32)
        k = self.max_nodes
        self.node_cols = (np.concatenate(self._node_cols) if self._node_cols
                          else np.empty((0, k), dtype=np.int32))
        self.node_conf = (np.concatenate(self._node_conf) if self._node_conf
                          else np.empty((0, k), dtype=np.float32))
        self._region_codes = self._qual_codes = None
        self._node_cols, self._node_conf = [], []
        self.index = InvertedIndex(rows, posting_budget=posting_budget)

    # -- incremental updates -------------------------------------------------
    def append(self, prepared, node_cols, node_conf, row):
        """Add one prepared posting to the delta segment."""
        rid = prepared.ids[0]
        if rid in self.row_of:
            raise DuplicateRecordError(rid)
        doc = self.index.append(row)
        self.row_of[rid] = doc
        self.ids.append(rid)
        self.texts.append(prepared.analysed.texts[0])
        region = prepared.regions[0]
        rc = -1 if region is None else self.regions.code(region)
        self.region_codes = np.append(self.region_codes, np.int32(rc))
        code = self.qual_sets.code(prepared.quals[0])
        if code == len(self.qual_display):
            self.qual_display.append(prepared.qual_names[0])
        self.qual_codes = np.append(self.qual_codes, np.int32(code))
        self.node_cols = np.vstack([self.node_cols, node_cols])
        self.node_conf = np.vstack([self.node_conf, node_conf])
        return doc

    def remove(self, record_id):
        doc = self.row_of.pop(record_id, None)
        if doc is None:
            raise UnknownRecordError(record_id)
        self.index.delete(doc)

    def maybe_compact(self):
        """Fold the delta segment in once it holds 5% of the postings (min 1,000)."""
        if self.index.n_delta > max(1000, self.index.n_main // 20):
            self.compact()

    def compact(self):
        """Merge the delta segment and drop removed postings."""
        mapping = self.index.merge()
        keep = np.flatnonzero(mapping >= 0)
        self.ids = [self.ids[i] for i in keep]
        self.texts = [self.texts[i] for i in keep]
        self.region_codes = self.region_codes[keep]
        self.qual_codes = self.qual_codes[keep]
        self.node_cols = self.node_cols[keep]
        self.node_conf = self.node_conf[keep]
        self.row_of = {rid: i for i, rid in enumerate(self.ids)}

    def __len__(self):
        return len(self.row_of)
