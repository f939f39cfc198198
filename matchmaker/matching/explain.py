"""Reasons for the entries of a ranking (text, chain, region, qualification)."""

from __future__ import annotations

from matchmaker.domain.qualifications import display_name, normalize_qualification
from matchmaker.domain.regions import short_name
from matchmaker.matching.reasons import shared_terms, text_reason

__all__ = ["Explainer"]


class Explainer:
    """Builds the ``reasons`` of ranked entries for a fitted matcher.

    Only the few entries that are returned get explained, so this work does
    not grow with the corpus.
    """

    def __init__(self, matcher):
        self.m = matcher
        self._query_key = None
        self._query_hits = None

    def reasons(self, batch, i, q_nodes, q_conf, target, doc, same_region) -> tuple:
        m = self.m
        out = []
        q_text = batch.analysed.texts[i]
        key = (id(batch), i)
        if self._query_key != key:
            self._query_key, self._query_hits = key, m.concepts_.find(q_text)
        d_text = target.texts[doc]
        terms = shared_terms(q_text, d_text, self._query_hits, m.concepts_.find(d_text),
                             weight=target.featurizer.idf_of,
                             display=m.concepts_.display)
        reason = text_reason(terms)
        if reason:
            out.append(reason)
        chain = self._chain(q_nodes, q_conf, target, doc)
        if chain:
            out.append(chain)
        if same_region:
            out.append(f"region: {short_name(batch.regions[i]) or batch.regions[i]}")
        required = (batch.qual_names[i] if target.kind == "capability"
                    else target.qual_display[target.qual_codes[doc]])
        shown = [display_name(k) for k in dict.fromkeys(map(normalize_qualification, required))
                 if k]
        if shown:
            out.append("qualification: " + ", ".join(shown))
        return tuple(out)

    def _chain(self, q_nodes, q_conf, target, doc):
        m = self.m
        d_nodes, d_conf = target.node_cols[doc], target.node_conf[doc]
        best, pair = 0.0, None
        for qn, qc in zip(q_nodes, q_conf):
            if qn < 0:
                continue
            for dn, dc in zip(d_nodes, d_conf):
                if dn < 0:
                    continue
                s = float(m.proximity_[qn, dn]) * float(qc) * float(dc)
                if s > best:
                    best, pair = s, (qn, dn)
        if pair is None:
            return None
        nodes = m.inferrer_.nodes_
        q_node, d_node = nodes[pair[0]], nodes[pair[1]]
        supplier, customer = (d_node, q_node) if target.kind == "capability" else (q_node, d_node)
        path = m.proximity_index_.path(supplier, customer)
        G = m.graph_
        if len(path) > 1 and not all(G.has_edge(u, v) for u, v in zip(path, path[1:])) \
                and all(G.has_edge(v, u) for u, v in zip(path, path[1:])):
            path = path[::-1]  # written in supply direction
        from graph import format_path

        return "chain: " + format_path(G, path)
