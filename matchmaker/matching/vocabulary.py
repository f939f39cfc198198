"""Token vocabulary of the engine: token -> column, for CJK keys and Latin tokens.

CJK bigrams and single characters are keyed by their code points and looked
up in a vectorised hash table; Latin words and numbers come from runs of
the characters they are made of, each distinct run cut into tokens once
(see :class:`TokenVocabulary`).
"""

from __future__ import annotations

import functools
from itertools import chain

import numpy as np

from matchmaker.domain.text import LATIN_TOKEN_RE, digit_table, stem
from matchmaker.matching import kernels

__all__ = ["GROUP_CJK", "GROUP_CONCEPT", "GROUP_NUMBER", "GROUP_WORD", "TokenVocabulary"]

GROUP_CONCEPT, GROUP_CJK, GROUP_WORD, GROUP_NUMBER = 0, 1, 2, 3


def _key_token(key: int) -> str:
    return chr(key >> 21) + chr(key & 0x1FFFFF) if key >> 21 else chr(key)


_MIX = np.uint64(0xFF51AFD7ED558CCD)


class _KeyTable:
    """Open-addressing hash table (vectorised): non-zero 64-bit key -> id."""

    def __init__(self):
        self._n_keys = 0
        self._bits = 10
        self._slots = np.zeros(1 << self._bits, dtype=np.uint64)  # 0 = empty
        self._ids = np.full(1 << self._bits, -1, dtype=np.int64)

    def _home(self, keys):
        return ((keys * _MIX) >> np.uint64(64 - self._bits)).astype(np.int64)

    def _find(self, keys):
        """Slot holding each key, or the empty slot where it would go; and whether found."""
        mask = (1 << self._bits) - 1
        slot = self._home(keys)
        found = np.zeros(len(keys), dtype=bool)
        todo = np.arange(len(keys))
        while len(todo):
            stored = self._slots[slot[todo]]
            hit = stored == keys[todo]
            found[todo[hit]] = True
            more = ~hit & (stored != 0)
            todo = todo[more]
            slot[todo] = (slot[todo] + 1) & mask
        return slot, found

    def _insert(self, keys, ids):
        mask = (1 << self._bits) - 1
        slots, table_ids = self._slots, self._ids
        for k, i in zip(keys.tolist(), ids.tolist()):
            s = int((np.uint64(k) * _MIX) >> np.uint64(64 - self._bits))
            while slots[s] != 0:
                s = (s + 1) & mask
            slots[s] = k
            table_ids[s] = i

    def find(self, keys: np.ndarray) -> np.ndarray:
        """Id of each key (uint64 array), -1 for keys not in the table."""
        if len(keys) == 0:
            return np.empty(0, dtype=np.int64)
        with np.errstate(over="ignore"):
            slot, found = self._find(keys)
        return np.where(found, self._ids[slot], -1)

    def add(self, keys: np.ndarray, ids: np.ndarray):
        """Add distinct keys that are not in the table yet."""
        with np.errstate(over="ignore"):
            while 2 * (self._n_keys + len(keys)) > len(self._slots):
                live = self._slots != 0
                old_keys, old_ids = self._slots[live], self._ids[live]
                self._bits += 1
                self._slots = np.zeros(1 << self._bits, dtype=np.uint64)
                self._ids = np.full(1 << self._bits, -1, dtype=np.int64)
                self._insert(old_keys, old_ids)
            self._insert(keys, ids)
        self._n_keys += len(keys)


@functools.cache
def _latin_alphabet() -> np.ndarray:
    """Every character a token of :data:`LATIN_TOKEN_RE` can hold, as a table over code points.

    Runs of these characters are cut into tokens independently of what
    surrounds them: no token holds another character, and what follows a
    token only matters through a one-character look-ahead that a
    character outside the table passes just as the end of a run does.
    """
    table = np.zeros(0x110000, dtype=bool)
    for ch in "0123456789abcdefghijklmnopqrstuvwxyz.^-×/·%‰°μω":
        table[ord(ch)] = True
    table |= digit_table()  # what \d matches
    return table


class TokenVocabulary:
    """Token -> column of the token part of a row (concept columns come first).

    CJK bigrams and single characters are keyed by their code points and
    looked up in a vectorised hash table. Latin words and numbers come from
    *runs*, maximal stretches of characters such tokens are made of
    (``200wh/kg``, ``topcon``, ``iso``): each distinct run is cut into tokens
    by :data:`LATIN_TOKEN_RE` once, and later occurrences are looked up by a
    64-bit hash of the run.
    """

    def __init__(self):
        self.words: dict[str, int] = {}
        self.tokens: list[str] = []
        self.groups: list[int] = []
        self._keys = _KeyTable()
        self._runs = _KeyTable()
        self._run_tokens: list[list[int]] = []
        self._run_arrays = None

    def __len__(self):
        return len(self.tokens)

    def _new(self, token, group) -> int:
        self.tokens.append(token)
        self.groups.append(group)
        return len(self.tokens) - 1

    def key_ids(self, keys: np.ndarray, grow: bool) -> np.ndarray:
        """Token ids of CJK keys (-1 for unknown ones when not growing)."""
        keys = keys.astype(np.uint64)
        ids = self._keys.find(keys)
        if grow and len(ids) and (ids < 0).any():
            new = np.unique(keys[ids < 0])
            first = len(self.tokens)
            for k in new.tolist():
                self._new(_key_token(k), GROUP_CJK)
            self._keys.add(new, np.arange(first, first + len(new)))
            ids = self._keys.find(keys)
        return ids

    def _token_id(self, number: str, word: str, grow: bool) -> int:
        if number:
            tok, group = number, GROUP_NUMBER
        elif len(word) < 2:
            return -1
        else:
            tok, group = stem(word), GROUP_WORD
        i = self.words.get(tok)
        if i is None:
            if not grow:
                return -1
            i = self.words[tok] = self._new(tok, group)
        return i

    def run_token_ids(self, run: str, grow: bool) -> list[int]:
        """Token ids of the Latin tokens of one run, in order (-1: not a token / unknown)."""
        return [self._token_id(num, word, grow) for num, word in LATIN_TOKEN_RE.findall(run)]

    def latin_ids(self, text: str, cp: np.ndarray, grow: bool):
        """Latin tokens of a text: the start of the run holding each token, and its id.

        Ids are -1 for one-letter words (never tokens) and, when not growing,
        unknown tokens. Tokens come in text order, so that the vocabulary grows
        in that order.
        """
        start, end, digest = kernels.latin_runs(cp, _latin_alphabet())
        run = self._runs.find(digest)
        missing = np.flatnonzero(run < 0)
        if len(missing) and grow:
            new_digests, first = np.unique(digest[missing], return_index=True)
            order = np.argsort(first, kind="stable")  # register in text order
            base = len(self._run_tokens)
            for k in first[order].tolist():
                p = int(missing[k])
                self._run_tokens.append(self.run_token_ids(text[start[p]:end[p]], True))
            self._runs.add(new_digests[order], np.arange(base, base + len(order)))
            self._run_arrays = None
            run = self._runs.find(digest)
        elif len(missing):  # ranking: unknown runs are cut here and not remembered
            out_start, out_ids = [], []
            is_known = run >= 0
            counts, flat = self._run_token_ids_flat(run[is_known])
            counts, flat = counts.tolist(), flat.tolist()
            k = cursor = 0
            for p in range(len(run)):
                if is_known[p]:
                    ids = flat[cursor:cursor + counts[k]]
                    cursor += counts[k]
                    k += 1
                else:
                    ids = self.run_token_ids(text[start[p]:end[p]], False)
                out_ids.extend(ids)
                out_start.extend([int(start[p])] * len(ids))
            return np.asarray(out_start, dtype=np.int64), np.asarray(out_ids, dtype=np.int64)
        counts, flat = self._run_token_ids_flat(run)
        return np.repeat(start, counts), flat

    def _run_token_ids_flat(self, runs):
        """Token count of each run, and the ids of all their tokens concatenated."""
        if self._run_arrays is None:
            lengths = np.fromiter(map(len, self._run_tokens), dtype=np.int64,
                                  count=len(self._run_tokens))
            ptr = np.zeros(len(lengths) + 1, dtype=np.int64)
            np.cumsum(lengths, out=ptr[1:])
            flat = np.fromiter(chain.from_iterable(self._run_tokens), dtype=np.int64,
                               count=int(ptr[-1]))
            self._run_arrays = (lengths, ptr, flat)
        lengths, ptr, flat = self._run_arrays
        counts = lengths[runs] if len(runs) else np.empty(0, dtype=np.int64)
        idx = np.repeat(ptr[runs] - np.cumsum(counts) + counts, counts) + np.arange(counts.sum())
        return counts, flat[idx]

    def group_array(self) -> np.ndarray:
        """:attr:`groups` as an array (kept until the vocabulary grows)."""
        cached = getattr(self, "_group_array", None)
        if cached is None or len(cached) != len(self.groups):
            cached = self._group_array = np.asarray(self.groups, dtype=np.int8)
        return cached

    def merge(self, tokens, groups) -> np.ndarray:
        """Ids of tokens from another vocabulary (``tokens``, ``groups`` lists), added
        when new, in the order given."""
        ids = np.empty(len(tokens), dtype=np.int64)
        cjk = [k for k, g in enumerate(groups) if g == GROUP_CJK]
        if cjk:
            keys = np.asarray([ord(t[0]) << 21 | ord(t[1]) if len(t) == 2 else ord(t[0])
                               for t in (tokens[k] for k in cjk)], dtype=np.uint64)
            found = self._keys.find(keys)
            new = np.flatnonzero(found < 0)
            if len(new):
                first = len(self.tokens)
                for k in new.tolist():
                    self._new(tokens[cjk[k]], GROUP_CJK)
                found[new] = np.arange(first, first + len(new))
                self._keys.add(keys[new], found[new])
            ids[cjk] = found
        words = self.words
        for k, (tok, group) in enumerate(zip(tokens, groups)):
            if group != GROUP_CJK:
                i = words.get(tok)
                if i is None:
                    i = words[tok] = self._new(tok, group)
                ids[k] = i
        return ids

    def id_of(self, token: str):
        """Token id of a token string, or None."""
        if token and "\u3400" <= token[-1] and len(token) <= 2:
            cps = [ord(c) for c in token]
            key = cps[0] << 21 | cps[1] if len(cps) == 2 else cps[0]
            i = int(self.key_ids(np.asarray([key], dtype=np.uint64), False)[0])
            return i if i >= 0 else None
        return self.words.get(token)
