"""The site search speaks the matching engine's vocabulary.

A query term that is a term of the domain glossary (``seeds/glossary``: Chinese,
English, abbreviations and synonyms of one concept) also finds postings written
with the concept's other terms: ``LFP`` finds 磷酸铁锂, ``磷酸铁锂`` finds ``LFP``
and ``LiFePO4``, ``碳化矽`` finds ``SiC``. Terms are compared in the engine's
normal form (:func:`matchmaker.domain.text.normalize`), so traditional characters,
full-width letters and case do not matter. Only whole terms expand: ``电池``
does not become every battery in the glossary.
"""
from __future__ import annotations

import functools

from ..domain.text import normalize
from ..matching.glossary import load_glossary

__all__ = ["MAX_SYNONYMS", "synonyms"]

#: At most this many other terms per query term (an abbreviation shared by several industries
#: may stand for several concepts; the shortest forms are kept).
MAX_SYNONYMS = 12
#: Terms shorter than this (``EV``, ``IC``) expand only when they are a concept's own abbreviation.
_MIN_LENGTH = 2


@functools.lru_cache(maxsize=1)
def _index() -> dict[str, tuple[str, ...]]:
    """Normal form of every glossary term → the written forms of every concept it names."""
    found: dict[str, set[str]] = {}
    for concept in load_glossary():
        written = tuple(w for w in (concept.written or (concept.zh, concept.en)) if w)
        for term in concept.terms:
            if len(term) >= _MIN_LENGTH:
                found.setdefault(term, set()).update(written)
    return {term: tuple(sorted(forms, key=lambda w: (len(w), w))) for term, forms in found.items()}


def synonyms(term: str) -> list[str]:
    """The other written forms of the glossary concept(s) ``term`` names; empty when it names none."""
    key = normalize(term or "").strip()
    if not key:
        return []
    kept: list[str] = []
    covered = [key]
    # Shortest first; a form that holds one already kept (磷酸铁锂材料 holds 磷酸铁锂) adds no hit.
    for form in _index().get(key, ()):
        normal = normalize(form)
        if not any(c in normal for c in covered):
            kept.append(form)
            covered.append(normal)
    return kept[:MAX_SYNONYMS]
