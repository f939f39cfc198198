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
    def _hits(self, text):
        """(concept, term, start, end) of the concepts named in a normalised text.

        Ambiguous terms resolve to the senses whose domain is supported by an
        unambiguous term of the same text; an abbreviation without such
        support is dropped. A hit nested in a longer hit of the same concept
        (``平单轴`` in ``平单轴跟踪支架``) is not repeated.
        """
        found = self.matcher_.find(text)
        if not found:
            return []
        plain = self._plain
        if all(t in plain for t, _, _ in found):
            hits = [(plain[t], t, s, e) for t, s, e in found]
        else:
            domains = self.domains_
            support: set = set()
            for term, _, _ in found:
                c = plain.get(term)
                if c is not None:
                    support |= domains[c]
            hits = []
            for term, start, end in found:
                c = plain.get(term)
                if c is not None:
                    hits.append((c, term, start, end))
                    continue
                options = self.senses_[term]
                kept = [c for c in options if domains[c] & support]
                if not kept and term not in self._abbrev:
                    kept = options
                hits.extend((c, term, start, end) for c in kept)
        if len(hits) > 1:
            reach: dict[int, int] = {}  # concept -> end of its last kept hit
            kept_hits = []
            for h in hits:  # sorted by start, longest first
                if reach.get(h[0], -1) >= h[3]:
                    continue
                reach[h[0]] = h[3]
                kept_hits.append(h)
            hits = kept_hits
        return hits

    def find(self, text: str) -> list[Hit]:
        """Concepts named in a normalised text, with the term and span of each."""
        return [Hit(c, t, s, e) for c, t, s, e in self._hits(text)]

    def find_ids(self, text: str) -> list[int]:
        """Concept indices named in a normalised text (repeated per occurrence)."""
        return [h[0] for h in self._hits(text)]

    def analyse(self, title: str, body: str):
        """Concepts of a posting: those of its title, of its description, and its heads.

        The *head* of a title is what the posting is about (a product, a
        service), as opposed to what it is for or made of: the last concept of
        a Chinese title (Chinese noun phrases end with their head: "TOPCon电池片
        EL/IV检测分选机" is a sorter), or the last one before "for", "with"...
        in an English title ("Probe cards for 300 mm wafer sort" are probe
        cards). Concepts in parentheses are asides, not heads.

        Returns
        -------
        title_ids, body_ids, head_ids : list of int
        """
        hits = self._hits(f"{title} {body}" if body else title)
        if not hits:
            return [], [], []
        split = len(title) + 1
        title_hits = [(c, s, e) for c, _, s, e in hits if s < split]
        body_ids = [c for c, _, s, _ in hits if s >= split]
        return [c for c, _, _ in title_hits], body_ids, _heads(title, title_hits)


_EN_CUT = re.compile(r" (?:for|with|of|in|on|from|by|using|via|to|at)\b| - |[,;:]")
_ASIDE = re.compile(r"\([^()]*\)|\[[^\[\]]*\]|【[^【】]*】")


def _heads(title, hits):
    """Concepts of the title's head (see :meth:`ConceptIndex.analyse`)."""
    if not hits:
        return []
    limit = len(title)
    latin = sum(ch.isascii() and ch.isalpha() for ch in title)
    if latin > len(title) / 2:
        cut = _EN_CUT.search(title)
        if cut and cut.start() > 0:
            limit = cut.start()
    asides = [(m.start(), m.end()) for m in _ASIDE.finditer(title)]
    kept = [h for h in hits if h[2] <= limit and not any(a <= h[1] < b for a, b in asides)]
    if not kept:
        kept = [h for h in hits if not any(a <= h[1] < b for a, b in asides)] or hits
    end = max(h[2] for h in kept)
    return list(dict.fromkeys(c for c, _, e in kept if e == end))
