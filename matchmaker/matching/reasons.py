"""The text reason of a ranked pair: the terms that made the two postings similar.

The terms are the columns the query and the posting share, ordered by their
contribution to the text score (query weight x posting weight), so the
reason is exactly what scored. Columns are turned back into readable terms:

* a concept shows the term each posting uses for it, ``demand/capability``
  when they differ (``TOPCon/隧穿氧化硅钝化接触``);
* consecutive shared CJK bigrams are joined into the longest string found in
  both texts (``磷酸铁锂`` rather than ``磷酸``, ``酸铁``, ``铁锂``);
* Latin words and numbers with units show as they are.

Never shown: stop words (the ``stopwordsiso`` Chinese and English lists), bare
numbers, the pair's qualification names (the qualification reason's job),
tokens found in a large share of the postings, and concepts that one posting
gets from its chain node rather than from its text.
"""

from __future__ import annotations

import functools

import numpy as np

from matchmaker.domain.qualifications import normalize_qualification
from matchmaker.matching.vocabulary import GROUP_CJK, GROUP_NUMBER

__all__ = ["is_stop_word", "stop_words", "text_terms"]

_MINOR = 0.15  # terms contributing less than this share of the best one are not shown


@functools.lru_cache(maxsize=1)
def stop_words() -> frozenset:
    """The Chinese (simplified) and English stop words of the ``stopwordsiso`` lists."""
    import stopwordsiso

    from matchmaker.domain.text import normalize_many

    words = list(stopwordsiso.stopwords("zh")) + list(stopwordsiso.stopwords("en"))
    return frozenset(normalize_many(words))


def is_stop_word(term: str) -> bool:
    return term.casefold() in stop_words()


#: Canonical qualification key of a shown term (terms repeat a lot across rankings).


@functools.lru_cache(maxsize=65536)
def _loose(text: str) -> str:
    return "".join(ch for ch in text.casefold() if ch.isalnum())


@functools.lru_cache(maxsize=65536)
def _empty_word(term: str) -> bool:
    """A term that says nothing whatever the pair: blank, a stop word or a bare number."""
    loose = _loose(term)
    return not loose or is_stop_word(term) or loose.replace(".", "").isdigit()


#: Characters that join words rather than name things; trimmed from the ends of a shown
#: CJK run, so 研发与 shows as 研发 and never as the fragment 发与.
_JOINERS = frozenset("与和及或的等为在对于将并且了是由向从按以其之每各该此")


def _trim(piece, doc_text, covered):
    """``piece`` without the parts already shown by a concept term or joining characters."""
    start = doc_text.find(piece)
    end = start + len(piece)
    for term in covered:
        if not term or term == piece:
            continue
        i = doc_text.find(term, max(0, start - len(term) + 1))
        while 0 <= i < end:
            t_end = i + len(term)
            if i <= start < t_end < end:      # a term overlaps the piece's head
                start = t_end
            elif start < i < end <= t_end:    # ... or its tail
                end = i
            i = doc_text.find(term, i + 1)
    piece = doc_text[start:end] if start < end else ""
    return piece.strip("".join(_JOINERS))


def _runs(doc_text, query_text, bigrams):
    """Longest strings of ``doc_text`` made of shared bigrams and found in ``query_text``.

    ``bigrams`` maps a shared CJK token to its contribution; returns
    ``{string: contribution}``.
    """
    at = {}
    for b, w in bigrams.items():
        i = doc_text.find(b)  # the first occurrence is enough to show the string
        if i >= 0:
            at[i] = (b, w)
    out: dict[str, float] = {}
    positions = sorted(at)
    k = 0
    while k < len(positions):
        start = positions[k]
        end, weight = start + len(at[start][0]), at[start][1]
        k += 1
        while k < len(positions) and positions[k] == end - 1 and len(at[positions[k]][0]) == 2 \
                and doc_text[start:end + 1] in query_text:
            end += 1
            weight += at[positions[k]][1]
            k += 1
        piece = doc_text[start:end]
        out[piece] = max(out.get(piece, 0.0), weight)
    return out


def _bridged_item(items, bigrams, head, shown):
    """Move the shared bigrams of a bridged headword from ``bigrams`` into one shown item."""
    weight = sum(bigrams.pop(head[k:k + 2], 0.0) for k in range(len(head) - 1))
    if weight > 0:
        items[shown] = max(items.get(shown, 0.0), weight)


def text_terms(query_text, doc_text, columns, contributions, *, n_concepts, vocabulary,
               query_terms, concept_terms, display, qualifications=(), common=None,
               bridged=((), list), max_terms=4):
    """Readable shared terms of two postings, most contributing first.

    Parameters
    ----------
    query_text, doc_text : str
        Normalised texts.
    columns, contributions : sequence
        Shared columns and their contribution to the text score.
    n_concepts : int
        Columns below this are concepts.
    vocabulary : TokenVocabulary
        Token of each token column.
    query_terms : dict
        Concept -> the term the query uses for it.
    concept_terms : callable
        ``concept_terms(c)`` -> the concept's normalised terms, longest first.
    display : callable
        ``display(term)`` -> how to show a normalised term.
    qualifications : iterable of str
        Qualification names of the two postings; a term that is (part of) one
        is the qualification reason's business and is not shown.
    common : callable, optional
        ``common(column) -> bool``: a token found in so many postings that it
        says nothing about this pair (by document frequency); not shown alone.
    bridged : (list, callable)
        ``(English phrase, Chinese headword)`` pairs of the query, and a
        callable giving those of the posting (only called when a shared bigram
        is missing from the posting's text; see
        :meth:`~matchmaker.matching.bridge.Bridge.pairs`): a headword written
        in the other text is shown as ``"forging/锻造"``.

    Stop words (:func:`stop_words`) and bare numbers are never shown.
    """
    qualifications = list(qualifications)
    quals = [q for q in map(_loose, qualifications) if q]
    keys = {k for k in map(normalize_qualification, qualifications) if k}

    def meaningless(term):
        if _empty_word(term):
            return True
        loose = _loose(term)
        return bool(quals) and (any(loose in q for q in quals)
                                or normalize_qualification(term) in keys)

    items: dict[str, float] = {}
    covered: list[str] = []
    columns = np.asarray(columns, dtype=np.int64)
    contributions = np.asarray(contributions, dtype=np.float64)
    is_concept = columns < n_concepts
    for col, w in zip(columns[is_concept].tolist(), contributions[is_concept].tolist()):
        q_term = query_terms.get(col)
        d_term = next((t for t in concept_terms(col) if t in doc_text), None)
        if q_term is None or d_term is None:
            continue  # a concept of a posting's chain node, not written in its text
        shown = (display(q_term) if q_term == d_term
                 else f"{display(q_term)}/{display(d_term)}")
        items[shown] = items.get(shown, 0.0) + w
        covered.extend((q_term, d_term))
    token_cols = columns[~is_concept] - n_concepts
    token_w = contributions[~is_concept].tolist()
    tokens = vocabulary.tokens
    groups = vocabulary.group_array()[token_cols].tolist()
    bigrams: dict[str, float] = {}
    bigram_cols: dict[str, int] = {}
    words: dict[str, float] = {}
    for col, group, w in zip(token_cols.tolist(), groups, token_w):
        token = tokens[col]
        if group == GROUP_CJK:
            bigrams[token] = w
            bigram_cols[token] = col
        elif not (common is not None and common(col + n_concepts)) and not (
                group == GROUP_NUMBER and token.replace(".", "").isdigit()):
            words[token] = w
    for token, w in words.items():
        if not any(token in c for c in covered):
            items[display(token)] = items.get(display(token), 0.0) + w
    q_pairs, d_pairs = bridged
    if any(b not in query_text for b in bigrams):
        for phrase, head in q_pairs:  # an English query word, Chinese in the posting
            if head in doc_text and head not in query_text:
                _bridged_item(items, bigrams, head, f"{display(phrase)}/{head}")
    if any(b not in doc_text for b in bigrams):
        for phrase, head in d_pairs():  # a Chinese query word, English in the posting
            if head in query_text and head not in doc_text:
                _bridged_item(items, bigrams, head, f"{head}/{display(phrase)}")
    if bigrams:
        for piece, w in _runs(doc_text, query_text, bigrams).items():
            piece = _trim(piece, doc_text, covered)
            if len(piece) == 2 and common is not None and piece in bigram_cols \
                    and common(bigram_cols[piece] + n_concepts):
                continue
            if len(piece) > 1 and not any(piece in c for c in covered):
                items[piece] = max(items.get(piece, 0.0), w)
    out: list[str] = []
    floor = None  # a share of the best meaningful term's weight
    for term, weight in sorted(items.items(), key=lambda kv: (-kv[1], kv[0])):
        if floor is not None and weight < floor:
            break  # a minor coincidence next to the terms that made the match
        if meaningless(term) or any(meaningless(part) for part in term.split("/")):
            continue
        if floor is None:
            floor = _MINOR * weight
        folded = term.casefold()
        if any(folded in kept.casefold() for kept in out):
            continue
        out.append(term)
        if len(out) == max_terms:
            break
    return out
