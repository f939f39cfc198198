"""Find dictionary terms in normalised text.

:class:`TermMatcher` compiles thousands of terms into one regular expression
shaped like a trie, so a text is scanned once whatever the dictionary size.
At every position the longest term starting there is reported, so
overlapping terms are all found (``镀钯铜键合丝`` gives ``镀钯铜`` and ``键合丝``).

Latin terms match whole words only (``emc`` is not found in ``emcs`` unless
as a plural, ``tracker`` matches ``trackers``), and a space, hyphen, slash or
underscore inside a term may be written any of those ways or left out
(``fc-bga`` = ``fc bga`` = ``fcbga``).
"""

from __future__ import annotations

import re

__all__ = ["TermMatcher", "term_key"]

_SEPARATORS = " -_/"
_SEP = object()  # trie unit standing for an optional separator
_SEP_RE = "[ \\-_/]?"
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
_SEP_STRIP = str.maketrans("", "", _SEPARATORS)


def term_key(text: str) -> str:
    """The lookup key of a term or of a matched span: separators removed."""
    return text.translate(_SEP_STRIP)


def _units(term: str):
    units = []
    for ch in term:
        if ch in _SEPARATORS:
            if units and units[-1] is not _SEP:
                units.append(_SEP)
        else:
            units.append(ch)
    while units and units[-1] is _SEP:
        units.pop()
    return units


def _compile_node(node: dict) -> str:
    end = node.get(None)
    branches = []
    for unit in sorted((u for u in node if u is not None), key=lambda u: (u is _SEP, str(u))):
        child = _compile_node(node[unit])
        head = _SEP_RE if unit is _SEP else re.escape(unit)
        branches.append(head + child)
    if end is not None:
        # A Latin ending may take a plural and must end a word.
        branches.append("(?:e?s)?(?![a-z0-9])" if end == "latin" else "")
    if not branches:
        return ""
    if len(branches) == 1:
        return branches[0] if end is None or not branches[0] else f"(?:{branches[0]})"
    return "(?:" + "|".join(branches) + ")"


class TermMatcher:
    """Scan normalised text for a fixed set of terms.

    Parameters
    ----------
    terms : iterable of str
        Normalised terms (see :func:`matchmaker.domain.text.normalize`).

    Attributes
    ----------
    terms_ : dict
        Lookup key (:func:`term_key`) -> the term as given.
    """

    def __init__(self, terms):
        trie: dict = {}
        self.terms_: dict[str, str] = {}
        for term in terms:
            units = _units(term)
            if not units:
                continue
            self.terms_.setdefault(term_key(term), term)
            variants = [units]
            if len(units) > 3 and units[-1] == "y" and units[-2] not in "aeiou":
                variants.append(units[:-1] + list("ies"))  # battery -> batteries
            for variant in variants:
                node = trie
                for unit in variant:
                    node = node.setdefault(unit, {})
                node[None] = "latin" if variant[-1] in _ALNUM else "other"
        latin = {u: n for u, n in trie.items() if u in _ALNUM}
        other = {u: n for u, n in trie.items() if u not in _ALNUM}
        parts = []
        if latin:
            parts.append("(?<![a-z0-9])" + _compile_node(latin))
        if other:
            parts.append(_compile_node(other))
        if not parts:
            self.pattern_ = re.compile("(?!x)x")
            return
        # The leading character class lets the regex engine skip positions
        # where no term can start; without it every position enters the trie.
        first = "".join(sorted({u for u in trie if u is not _SEP}))
        self.pattern_ = re.compile(
            "(?=[" + re.escape(first) + "])(?=(" + "|".join(parts) + "))")

    def lookup(self, span: str) -> str | None:
        """The dictionary term a matched span stands for."""
        key = term_key(span)
        term = self.terms_.get(key)
        if term is None and key.endswith("s"):
            term = (self.terms_.get(key[:-1])
                    or (self.terms_.get(key[:-2]) if key.endswith("es") else None)
                    or (self.terms_.get(key[:-3] + "y") if key.endswith("ies") else None))
        return term

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """All terms in ``text`` as ``(term, start, end)``, by start position.

        At each start only the longest term is reported; a term lying inside a
        longer one that starts earlier is still reported.
        """
        out = []
        lookup = self.lookup
        for m in self.pattern_.finditer(text):
            span = m.group(1)
            if not span:
                continue
            term = lookup(span)
            if term is not None:
                start = m.start()
                out.append((term, start, start + len(span)))
        return out
