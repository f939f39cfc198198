"""A shared concept vocabulary for Chinese and English postings.

Glossary lines and the names and keywords of chain nodes are all *concepts*;
every way of writing a concept (simplified, traditional, English, synonym,
abbreviation) maps to the same concept id. Texts in different languages that
name the same thing therefore share concept features, which is how an English
demand for "Pd-coated Cu bonding wire" meets a capability offering "镀钯铜键合丝".

Short abbreviations are ambiguous across industries (``POE`` film vs ``PoE``
switch, ``EHR`` hitch vs ``EHR`` health record). An abbreviation counts as a
concept only when the same text also names an unambiguous term of that
concept's domain (its glossary file or its chain); otherwise it is left to
plain word matching.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from matchmaker.domain.text import normalize
from matchmaker.matching import kernels
from matchmaker.matching.glossary import Glossary, load_glossary
from matchmaker.matching.terms import TermMatcher, canonical

__all__ = ["ConceptIndex", "Hit", "is_abbreviation"]

_ABBREV_RE = re.compile(r"[a-z0-9]{1,4}")


def is_abbreviation(term: str) -> bool:
    """Whether a normalised term is a short Latin abbreviation or a bare number.

    ``poe``, ``fc-bga`` (5 letters, no), ``4g``, ``210`` are; ``topcon`` and
    any term holding a CJK character are not.
    """
    return bool(_ABBREV_RE.fullmatch(canonical(term).replace(" ", "")))


@dataclass(frozen=True, slots=True)
class Hit:
    """A concept found in a text: concept index, the matched term, its span."""

    concept: int
    term: str
    start: int
    end: int


class ConceptIndex:
    """Concepts of a glossary and of a chain graph, and their occurrences in text.

    Parameters
    ----------
    glossary : Glossary, path, or None, default None
        The glossary; ``None`` loads the project glossary
        (``seeds/glossary``), ``False`` uses none.
    graph : networkx.DiGraph, optional
        Chain graph whose node names, English names and keywords become
        concepts too (linked to glossary concepts they share a term with).

    Attributes
    ----------
    ids_ : list of str
        Concept ids: glossary ids, then ``node:<node id>/<term>`` for node
        terms the glossary lacks.
    labels_ : list of str
        A readable name per concept.
    domains_ : list of frozenset
        Glossary domain and/or chain ids of each concept.
    senses_ : dict
        Normalised term -> tuple of concept indices it may mean.
    written_ : dict
        Normalised term -> the term as first written in the glossary or graph.
    node_concepts_ : dict
        Node id -> {concept index: weight}: 1 for concepts the node's name,
        English name or keywords are a term of, 0.5 for concepts named inside
        one of those (``逆变器`` in ``逆变器与电力电子``).
    matcher_ : TermMatcher
        Finds every term of :attr:`senses_` (in its order).
    """

    def __init__(self, glossary=None, graph=None):
        self.glossary = glossary
        self.graph = graph

    # -- fitting -------------------------------------------------------------
    def fit(self):
        """Build the vocabulary and the term matcher; return ``self``."""
        glossary = self.glossary
        if glossary is None:
            glossary = load_glossary()
        elif glossary is False:
            glossary = Glossary()
        elif not isinstance(glossary, Glossary):
            glossary = load_glossary(glossary)
        self.ids_: list[str] = []
        self.labels_: list[str] = []
        domains: list[set] = []
        senses: dict[str, list[int]] = {}
        self.written_: dict[str, str] = {}
        for concept in glossary:
            for term, raw in zip(concept.terms, concept.written):
                # Prefer the all-capitals spelling of an abbreviation (POE over PoE).
                if term not in self.written_ or (raw.isupper() and
                                                 not self.written_[term].isupper()):
                    self.written_[term] = raw
            idx = len(self.ids_)
            self.ids_.append(concept.id)
            self.labels_.append(concept.zh)
            domains.append({concept.domain})
            for term in concept.terms:
                senses.setdefault(term, []).append(idx)
        self.domains_ = [frozenset(d) for d in domains]
        self._set_senses(senses)
        self.node_concepts_: dict = {}
        G = self.graph
        if G is not None:
            node_terms = {}
            for node, data in G.nodes(data=True):
                chain = data.get("chain", "")
                raw = [data.get("name", ""), data.get("name_en", ""), *(data.get("keywords") or [])]
                for r in raw:
                    if r:
                        self.written_.setdefault(normalize(r), r)
                node_terms[node] = (chain, [t for t in dict.fromkeys(map(normalize, raw)) if t])
            # Resolve the node's glossary terms in the context of its own terms,
            # so the pv node keyword "POE" links to the film, not to Ethernet.
            # Concepts named inside a node term ("逆变器" in "逆变器与电力电子")
            # link too, with half the weight of a whole term.
            for node, (chain, terms) in node_terms.items():
                linked: dict[int, float] = {}
                hits = self.find(" ; ".join(terms))
                exact = {}
                for h in hits:
                    exact.setdefault(h.term, []).append(h.concept)
                    linked.setdefault(h.concept, 0.5)
                for term in terms:
                    if term in senses:
                        for c in exact.get(term) or senses[term][:1]:
                            linked[c] = 1.0
                    else:
                        idx = len(self.ids_)
                        self.ids_.append(f"node:{node}/{term}")
                        self.labels_.append(term)
                        domains.append(set())
                        senses[term] = [idx]
                        linked[idx] = 1.0
                self.node_concepts_[node] = linked
                if chain:
                    for idx in linked:
                        domains[idx].add(chain)
            self.domains_ = [frozenset(d) for d in domains]
            self._set_senses(senses)
        return self

    def _set_senses(self, senses):
        self.senses_ = {t: tuple(dict.fromkeys(c)) for t, c in senses.items()}
        terms = list(self.senses_)
        self.matcher_ = TermMatcher(terms)
        n_terms = len(terms)
        abbrev = np.fromiter(map(is_abbreviation, terms), dtype=bool, count=n_terms)
        single = np.fromiter((len(self.senses_[t]) == 1 for t in terms), dtype=bool,
                             count=n_terms)
        first = np.fromiter((self.senses_[t][0] for t in terms), dtype=np.int64, count=n_terms)
        # Concept of a term that needs no context; -1 for ambiguous terms and abbreviations.
        self._plain = np.where(single & ~abbrev, first, -1)
        self._abbrev = abbrev
        counts = np.fromiter((len(self.senses_[t]) for t in terms), dtype=np.int64,
                             count=n_terms)
        self._sense_count = counts
        self._sense_start = np.concatenate([[0], np.cumsum(counts)[:-1]]).astype(np.int64)
        self._senses_flat = np.fromiter((c for t in terms for c in self.senses_[t]),
                                        dtype=np.int64, count=int(counts.sum()))
        names = sorted({d for ds in self.domains_ for d in ds})
        bit = {d: np.uint64(1) << np.uint64(i % 64) for i, d in enumerate(names)}
        masks = np.zeros(len(self.domains_), dtype=np.uint64)
        for c, ds in enumerate(self.domains_):
            for d in ds:
                masks[c] |= bit[d]
        self._domain_mask = masks
        # The same as small arrays of bit numbers (-1 padded): concepts have few domains.
        width = max(1, max((len(ds) for ds in self.domains_), default=1))
        domain_bits = np.full((len(self.domains_), width), -1, dtype=np.int64)
        for c, ds in enumerate(self.domains_):
            numbers = sorted({int(bit[d]).bit_length() - 1 for d in ds})
            domain_bits[c, :len(numbers)] = numbers
        self._domain_bits = domain_bits

    @property
    def n_concepts(self) -> int:
        return len(self.ids_)

    def display(self, term: str) -> str:
        """How to show a normalised term: with the glossary's capitals (``TOPCon``).

        Only the case may change, so the term shown is the one in the text.
        """
        raw = self.written_.get(term)
        if raw is None or raw.casefold() != term:
            return term
        return raw

    # -- finding -------------------------------------------------------------
    def scan(self, text, doc_of, n_docs, codepoints=None):
        """Concepts named in a text holding ``n_docs`` postings.

        An ambiguous term resolves to its sense(s) whose domain the most
        unambiguous terms of the same posting name; an abbreviation whose
        senses no such term supports is dropped. A hit nested in a longer hit of the same concept
        (``平单轴`` in ``平单轴跟踪支架``) is not repeated.

        Parameters
        ----------
        text : str
            Normalised postings joined by newlines.
        doc_of : callable
            ``doc_of(positions) -> posting numbers``.
        n_docs : int
        codepoints : ndarray, optional
            See :meth:`TermMatcher.scan`.

        Returns
        -------
        doc, start, end, concept, term : ndarray
            One entry per hit, sorted by posting then start.
        """
        start, end, term = self.matcher_.scan(text, codepoints)
        doc = doc_of(start)
        concept = self._plain[term]
        ambiguous = np.flatnonzero(concept < 0)
        amb_hit = amb_sense = np.empty(0, dtype=np.int64)
        if len(ambiguous):
            plain = concept >= 0
            # Support of each domain in each posting: how many unambiguous terms name it.
            support = np.zeros(n_docs * 64, dtype=np.int32)
            bits = self._domain_bits[concept[plain]]
            owner = np.repeat(doc[plain], bits.shape[1]) * 64 + bits.ravel()
            owner = owner[bits.ravel() >= 0]
            support += np.bincount(owner, minlength=n_docs * 64).astype(np.int32)
            support = support.reshape(n_docs, 64)
            # Every sense of every ambiguous hit, scored by its best-supported domain.
            t = term[ambiguous]
            n_senses = self._sense_count[t]
            hit = np.repeat(ambiguous, n_senses)
            first = np.repeat(self._sense_start[t] - np.cumsum(n_senses) + n_senses, n_senses)
            sense = self._senses_flat[first + np.arange(len(hit))]
            sense_bits = self._domain_bits[sense]
            score = np.where(sense_bits >= 0,
                             support[doc[hit][:, None], np.maximum(sense_bits, 0)], 0).max(axis=1)
            best = np.zeros(len(concept), dtype=np.int32)
            np.maximum.at(best, hit, score)
            ok = (score > 0) & (score == best[hit])
            # A full word with no supported sense keeps them all; an abbreviation none.
            ok |= (best[hit] == 0) & ~self._abbrev[term[hit]]
            amb_hit, amb_sense = hit[ok], sense[ok]
            order = np.lexsort((amb_sense, amb_hit))
            amb_hit, amb_sense = amb_hit[order].astype(np.int64), amb_sense[order].astype(np.int64)
        # Each hit in text order (ambiguous ones as their senses), minus those
        # nested in an earlier, longer hit of the same concept.
        idx, concept = kernels.resolve_hits(doc, end, concept, amb_hit, amb_sense,
                                            self.n_concepts)
        return doc[idx], start[idx], end[idx], concept, term[idx]

    def find(self, text: str) -> list[Hit]:
        """Concepts named in one normalised text, with the term and span of each."""
        _, start, end, concept, term = self.scan(text, np.zeros_like, 1)
        terms = self.matcher_.terms
        return [Hit(int(c), terms[t], int(s), int(e))
                for s, e, c, t in zip(start, end, concept, term)]

    def find_ids(self, text: str) -> list[int]:
        """Concept indices named in one normalised text (repeated per occurrence)."""
        return [int(c) for c in self.scan(text, np.zeros_like, 1)[3]]
