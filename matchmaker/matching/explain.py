"""Reasons for the entries of a ranking (text, chain, region, qualification)."""

from __future__ import annotations

import functools
from itertools import pairwise

import numpy as np

from matchmaker.domain.qualifications import display_name, normalize_qualification
from matchmaker.domain.regions import short_name
from matchmaker.matching.reasons import text_terms
from matchmaker.matching.result import Reason

__all__ = ["Explainer"]

#: Weakest weighted proximity still shown as a chain reason (two supply steps apart
#: scores 0.4 at full confidence; four steps, 0.1, is not worth a line).
MIN_CHAIN_REASON = 0.15

_MAX_QUERY_COLUMNS = 64  # the strongest query terms are enough to explain a match
_MAX_SHARED = 12
_COMMON_SHARE = 0.05  # tokens in more than this share of the postings are not shown alone
_COMMON_MIN_DOCS = 50  # shared columns turned into words, most contributing first


def _none(_text):
    return []


class Explainer:
    """Builds the ``reasons`` of ranked entries for a fitted matcher.

    Only the few entries returned are explained, from data the ranking
    already has (the shared columns of the query and the posting), so explaining
    costs little whatever the corpus size.
    """

    def __init__(self, matcher):
        self.m = matcher
        concepts = matcher.concepts_
        by_concept: dict[int, list] = {}
        for term, senses in concepts.senses_.items():
            for c in senses:
                by_concept.setdefault(c, []).append(term)
        self._concept_terms = {c: sorted(ts, key=len, reverse=True) for c, ts in by_concept.items()}
        self._chains: dict = {}

    def _terms_of(self, concept):
        return self._concept_terms.get(concept, ())

    def explain(self, batch, i, q_cols, q_vals, q_nodes, q_conf, target, docs, same_region,
                chain_counts, min_conf):
        """Reasons for each of ``docs`` (document numbers of ``target``).

        ``same_region`` and ``chain_counts`` tell, per doc, whether the region
        and chain signals contributed to its score; only then is the reason
        given. Qualification names are never given as shared text terms.
        """
        m = self.m
        q_text = batch.analysed.texts[i]
        query_terms = batch.analysed.query_terms(i, m.concepts_.matcher_.terms)
        if len(q_cols) > _MAX_QUERY_COLUMNS:
            strongest = np.argpartition(-q_vals, _MAX_QUERY_COLUMNS - 1)[:_MAX_QUERY_COLUMNS]
            q_cols, q_vals = q_cols[strongest], q_vals[strongest]
        d_vals = target.index.values(q_cols, docs)
        q_first = self._first_positions(q_text, q_cols, target)
        required = (batch.qual_names[i] if target.kind == "capability" else None)
        quals = set(batch.qual_names[i])
        bridge = target.featurizer.bridge
        q_pairs = bridge.pairs(q_text) if bridge is not None else []
        index = target.index
        limit = max(_COMMON_SHARE * index.n_main, 2.0)

        def common(col):
            # By document frequency: a token in a large share of the postings
            # says nothing about one pair (only judged on a corpus of some size).
            return index.n_main >= _COMMON_MIN_DOCS and index.df[col] > limit

        out = []
        for j, doc in enumerate(docs):
            reasons = []
            contrib = q_vals * d_vals[:, j]
            nz = np.flatnonzero(contrib)
            if len(nz) > _MAX_SHARED:
                # Equal contributions are common (BM25 of single occurrences): ties go
                # to the term first met in the query, whatever the column numbers.
                order = np.lexsort((q_first[nz], -np.round(contrib[nz], 6)))
                nz = nz[order[:_MAX_SHARED]]
            held = target.qual_display[target.qual_codes[doc]]
            terms = text_terms(q_text, target.texts[doc], q_cols[nz], contrib[nz],
                               n_concepts=m.concepts_.n_concepts,
                               vocabulary=target.featurizer.vocabulary_,
                               query_terms=query_terms, concept_terms=self._terms_of,
                               display=m.concepts_.display,
                               qualifications=quals.union(held).union(
                                   target.qual_sets.values[target.qual_codes[doc]]),
                               common=common,
                               bridged=(q_pairs, functools.partial(
                                   bridge.pairs if bridge is not None else _none,
                                   target.texts[doc])))
            if terms:
                reasons.append(Reason("text", tuple(terms)))
            chain = self._chain(q_nodes, q_conf, target, doc, min_conf) if chain_counts[j] \
                else None
            if chain:
                reasons.append(chain)
            if same_region[j]:
                reasons.append(Reason("region",
                                      (short_name(batch.regions[i]) or batch.regions[i],)))
            names = required if required is not None else held
            shown = [display_name(k) for k in dict.fromkeys(map(normalize_qualification, names))
                     if k]
            if shown:
                reasons.append(Reason("qualification", tuple(shown)))
            out.append(tuple(reasons))
        return out

    def _first_positions(self, text, cols, target):
        """Where each column's token first occurs in ``text`` (len(text) if not found)."""
        n_concepts = self.m.concepts_.n_concepts
        tokens = target.featurizer.vocabulary_.tokens
        out = np.full(len(cols), len(text), dtype=np.int64)
        for k, col in enumerate(cols.tolist()):
            if col >= n_concepts:
                at = text.find(tokens[col - n_concepts])
                if at >= 0:
                    out[k] = at
            else:
                out[k] = -1  # concepts first: they name what is offered
        return out

    def _chain(self, q_nodes, q_conf, target, doc, min_conf):
        m = self.m
        d_nodes, d_conf = target.node_cols[doc], target.node_conf[doc]
        best, pair = 0.0, None
        for qn, qc in zip(q_nodes, q_conf):
            if qn < 0 or qc < min_conf:
                continue
            for dn, dc in zip(d_nodes, d_conf):
                if dn < 0 or dc < min_conf:
                    continue
                s = float(m.proximity_[qn, dn]) * float(qc) * float(dc)
                if s > best:
                    best, pair = s, (int(qn), int(dn))
        if pair is None or best < MIN_CHAIN_REASON:
            return None  # a long detour through the graph explains nothing to a user
        key = (pair, target.kind)
        shown = self._chains.get(key)
        if shown is None:
            shown = self._chains[key] = self._path(pair, target.kind)
        return shown

    def _path(self, pair, kind):
        from graph import format_path

        m = self.m
        nodes = m.inferrer_.nodes_
        q_node, d_node = nodes[pair[0]], nodes[pair[1]]
        supplier, customer = (d_node, q_node) if kind == "capability" else (q_node, d_node)
        path = m.proximity_index_.path(supplier, customer)
        G = m.graph_
        steps = list(pairwise(path))
        if steps and not all(G.has_edge(u, v) for u, v in steps) \
                and all(G.has_edge(v, u) for u, v in steps):
            path = path[::-1]  # written in supply direction
        return Reason("chain", tuple(format_path(G, path).split(" ")))
