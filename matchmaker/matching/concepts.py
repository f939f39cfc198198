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

from matchmaker.domain.text import normalize
from matchmaker.matching.glossary import Glossary, load_glossary
from matchmaker.matching.terms import TermMatcher, term_key

__all__ = ["ConceptIndex", "Hit", "is_abbreviation"]

_ABBREV_RE = re.compile(r"[a-z0-9]{1,4}")


def is_abbreviation(term: str) -> bool:
    """Whether a normalised term is a short Latin abbreviation or a bare number.

    ``poe``, ``fc-bga`` (5 letters, no), ``4g``, ``210`` are; ``topcon`` and
    any term holding a CJK character are not.
    """
    return bool(_ABBREV_RE.fullmatch(term_key(term)))


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
        Node id -> list of concept indices named by the node (name, name_en,
        keywords).
    matcher_ : TermMatcher
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
                self.written_.setdefault(term, raw)
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
            for node, (chain, terms) in node_terms.items():
                linked: list[int] = []
                profile = " ; ".join(terms)
                resolved = {h.term: h.concept for h in self.find(profile)}
                for term in terms:
                    if term in senses:
                        hits = [c for t, c in resolved.items() if t == term]
                        linked.extend(hits or senses[term][:1])
                    else:
                        idx = len(self.ids_)
                        self.ids_.append(f"node:{node}/{term}")
                        self.labels_.append(term)
                        domains.append(set())
                        senses[term] = [idx]
                        linked.append(idx)
                self.node_concepts_[node] = list(dict.fromkeys(linked))
                for idx in self.node_concepts_[node]:
                    if chain:
                        domains[idx].add(chain)
            self.domains_ = [frozenset(d) for d in domains]
            self._set_senses(senses)
        return self

    def _set_senses(self, senses):
        self.senses_ = {t: tuple(dict.fromkeys(c)) for t, c in senses.items()}
        self._abbrev = {t for t in self.senses_ if is_abbreviation(t)}
        self._plain = {t: c[0] for t, c in self.senses_.items()
                       if len(c) == 1 and t not in self._abbrev}
        self.matcher_ = TermMatcher(self.senses_)

    @property
    def n_concepts(self) -> int:
        return len(self.ids_)

    def display(self, term: str) -> str:
        """How to show a normalised term: as written in the glossary when Latin."""
        raw = self.written_.get(term)
        if raw is None or not raw.isascii():
            return term
        return raw

    # -- finding -------------------------------------------------------------
    def find(self, text: str) -> list[Hit]:
        """Concepts named in a normalised text, with the term and span of each.

        Ambiguous terms resolve to the senses whose domain is supported by an
        unambiguous term of the same text; an abbreviation without such
        support is dropped.
        """
        found = self.matcher_.find(text)
        if not found:
            return []
        plain = self._plain
        domains = self.domains_
        support: set = set()
        for term, _, _ in found:
            c = plain.get(term)
            if c is not None:
                support |= domains[c]
        out: list[Hit] = []
        for term, start, end in found:
            c = plain.get(term)
            if c is not None:
                out.append(Hit(c, term, start, end))
                continue
            options = self.senses_[term]
            kept = [c for c in options if domains[c] & support]
            if not kept and term not in self._abbrev:
                kept = list(options)
            out.extend(Hit(c, term, start, end) for c in kept)
        return out

    def find_ids(self, text: str, split: int | None = None):
        """Concept indices named in a normalised text (repeated per occurrence).

        With ``split``, return two lists: concepts of terms starting before
        that offset (e.g. in the title) and the others.
        """
        found = self.matcher_.find(text)
        if not found:
            return ([], []) if split is not None else []
        plain = self._plain
        if all(t in plain for t, _, _ in found):
            pairs = [(plain[t], s) for t, s, _ in found]
        else:
            pairs = [(h.concept, h.start) for h in self.find(text)]
        if split is None:
            return [c for c, _ in pairs]
        return [c for c, s in pairs if s < split], [c for c, s in pairs if s >= split]
