"""Readable reasons for a ranked pair.

Every ranked entry says why it is there, in the style of formats.md::

    ["text: 磷酸铁锂, 正极", "chain: nev-battery.cathode → nev-battery.cell",
     "region: 江苏", "qualification: IATF 16949"]

The text reason lists real terms found in both postings, most specific first:
glossary/chain concepts (written ``demand term/capability term`` when the two
postings name the concept differently, e.g. ``topcon/隧穿氧化硅钝化接触``),
then the longest Chinese strings and the English words and numbers with
units the two texts share.
"""

from __future__ import annotations

import re

from matchmaker.domain.text import CJK_CLASS, tokenize

__all__ = ["shared_terms", "text_reason"]

_CJK_RUN = re.compile(f"[{CJK_CLASS}]+")
_STOPWORDS = frozenset(
    "a an and are as at be by for from in into is it of on or per the to up with without "
    "our we us you your can will all any than that this these those other such more most "
    "over under via both each only also based using use used new high low".split()
)


def _shared_cjk(doc_text: str, query_text: str, query_bigrams: set) -> list[str]:
    """Longest CJK strings of the document that also occur in the query."""
    out = []
    for run in _CJK_RUN.finditer(doc_text):
        s = run.group()
        i, n = 0, len(s)
        while i < n - 1:
            if s[i:i + 2] not in query_bigrams:
                i += 1
                continue
            j = i + 2
            while j < n and s[j - 1:j + 1] in query_bigrams and s[i:j + 1] in query_text:
                j += 1
            if s[i:j] in query_text:
                out.append(s[i:j])
            i = j
    return out


def shared_terms(query_text, doc_text, query_hits, doc_hits, *, weight, display,
                 max_terms=4):
    """Terms two normalised texts share, best first.

    Parameters
    ----------
    query_text, doc_text : str
        Normalised texts.
    query_hits, doc_hits : list of Hit
        Concepts found in each (see :meth:`ConceptIndex.find`).
    weight : callable
        ``weight(token) -> float``: how specific a token is (its idf), 0 if unknown.
    display : callable
        ``display(term) -> str``: how to show a normalised glossary term.
    max_terms : int
        At most this many terms.
    """
    scored: dict[str, float] = {}
    covered: list[str] = []
    by_concept = {}
    for h in query_hits:
        by_concept.setdefault(h.concept, h.term)
    seen_concepts = set()
    for h in doc_hits:
        q_term = by_concept.get(h.concept)
        if q_term is None or h.concept in seen_concepts:
            continue
        seen_concepts.add(h.concept)
        shown = display(q_term) if q_term == h.term else f"{display(q_term)}/{display(h.term)}"
        scored[shown] = 10.0 + len(h.term)
        covered.extend((q_term, h.term))
    q_tokens = tokenize(query_text, normalized=True)
    q_set = set(q_tokens)
    bigrams = {t for t in q_set if len(t) == 2 and "\u3400" <= t[0] and "\u3400" <= t[1]}
    for s in _shared_cjk(doc_text, query_text, bigrams):
        if any(s in c for c in covered):
            continue
        spec = max(weight(s[k:k + 2]) for k in range(len(s) - 1)) if len(s) > 1 else 0.0
        if len(s) == 2 and spec < 2.0:
            continue  # common two-character words ("提供", "支持") explain nothing
        scored[s] = max(scored.get(s, 0.0), spec + len(s) / 2)
    for tok in set(tokenize(doc_text, normalized=True)) & q_set:
        if "\u3400" <= tok[0] or tok in _STOPWORDS or any(tok in c for c in covered):
            continue
        if tok[0].isdigit() and tok.replace(".", "").isdigit():
            continue  # bare numbers are coincidences more often than not
        spec = weight(tok)
        if spec >= 2.0:
            scored[display(tok)] = max(scored.get(tok, 0.0), spec)
    best = sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))
    out = []
    for term, _ in best:
        if any(term in kept for kept in out):
            continue
        out.append(term)
        if len(out) == max_terms:
            break
    return out


def text_reason(terms) -> str | None:
    """``"text: a, b"`` or ``None`` when no term is shared."""
    return "text: " + ", ".join(terms) if terms else None
