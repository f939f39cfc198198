"""Find dictionary terms in normalised text.

:class:`TermMatcher` reports every occurrence of every term, overlapping ones
included (``镀钯铜键合丝`` gives ``镀钯铜``, ``镀钯铜键合丝`` and ``键合丝``), so
a text is scanned once whatever the size of the dictionary. It uses an
Aho-Corasick automaton (the ``pyahocorasick`` package) when it is installed and
an equivalent pure-Python scan otherwise.

Latin terms match whole words only (``emc`` is not found in ``emcx``), a
plural is accepted (``tracker`` matches ``trackers``, ``battery`` matches
``batteries``), and a hyphen, slash or underscore counts as a space
(``fc-bga`` = ``fc bga`` = ``fc/bga``).
"""

from __future__ import annotations

__all__ = ["TermMatcher", "canonical"]

_SEPARATORS = str.maketrans({"-": " ", "_": " ", "/": " "})
_ALNUM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")

try:  # pragma: no cover - depends on the environment
    import ahocorasick as _aho
except ImportError:  # pragma: no cover
    _aho = None


def canonical(text: str) -> str:
    """The form terms are matched in: separators ``-``, ``_``, ``/`` become spaces.

    The length is unchanged, so offsets in the canonical text are offsets in
    ``text``.
    """
    return text.translate(_SEPARATORS)


def _variants(key: str):
    yield key
    if key[-1] in _ALNUM and key[-1].isalpha():
        yield key + "s"
        yield key + "es"
        if len(key) > 3 and key[-1] == "y" and key[-2] not in "aeiou":
            yield key[:-1] + "ies"


class TermMatcher:
    """Scan normalised text for a fixed set of terms.

    Parameters
    ----------
    terms : iterable of str
        Normalised terms (see :func:`matchmaker.domain.text.normalize`);
        terms shorter than two characters are ignored.
    backend : {"auto", "aho", "python"}, default "auto"
        ``"aho"`` needs the ``pyahocorasick`` package; ``"auto"`` uses it when
        installed. Both give the same results.
    """

    def __init__(self, terms, backend="auto"):
        if backend not in ("auto", "aho", "python"):
            raise ValueError(f"backend must be 'auto', 'aho' or 'python', got {backend!r}")
        if backend == "aho" and _aho is None:
            raise ImportError("backend='aho' needs the pyahocorasick package")
        self.backend = "aho" if backend != "python" and _aho is not None else "python"
        # key as matched -> (term, length of key, Latin start, Latin end)
        entries: dict[str, tuple] = {}
        for term in terms:
            key = canonical(term)
            if len(key.strip()) < 2:
                continue
            latin_start, latin_end = key[0] in _ALNUM, key[-1] in _ALNUM
            for variant in _variants(key):
                entries.setdefault(variant, (term, len(variant), latin_start, latin_end))
        self._entries = entries
        if self.backend == "aho":
            automaton = _aho.Automaton()
            for key, value in entries.items():
                automaton.add_word(key, value)
            if entries:
                automaton.make_automaton()
            self._automaton = automaton if entries else None
        else:
            first: dict[str, list] = {}
            for key in sorted(entries, key=len, reverse=True):
                first.setdefault(key[:2], []).append(key)
            self._first = first

    def __len__(self):
        return len(self._entries)

    def _raw(self, text):
        """(end, value) of every occurrence, unchecked for word boundaries."""
        if self.backend == "aho":
            return self._automaton.iter(text) if self._automaton is not None else ()
        entries, first = self._entries, self._first
        out = []
        get = first.get
        for i in range(len(text) - 1):
            keys = get(text[i:i + 2])
            if keys:
                for key in keys:
                    if text.startswith(key, i):
                        out.append((i + len(key) - 1, entries[key]))
        return out

    def find(self, text: str) -> list[tuple[str, int, int]]:
        """All terms in a normalised text as ``(term, start, end)``, sorted by start.

        Terms of the same text may overlap or nest.
        """
        text = canonical(text)
        n = len(text)
        out = []
        for end, (term, length, latin_start, latin_end) in self._raw(text):
            start = end - length + 1
            if latin_start and start > 0 and text[start - 1] in _ALNUM:
                continue
            if latin_end and end + 1 < n and text[end + 1] in _ALNUM:
                continue
            out.append((term, start, end + 1))
        out.sort(key=lambda h: (h[1], -h[2]))
        return out
