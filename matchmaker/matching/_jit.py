"""The Numba kernels themselves (see :mod:`matchmaker.matching.kernels`).

Imported only when a kernel is first needed, so that importing the engine
does not import Numba. Defined at module level so that Numba's on-disk cache
can find them again in the next process.
"""

import numpy as np
from numba import njit


@njit(cache=True)
def grown(a, used, size):
    # a copy of a's first `used` entries with room for `size`
    out = np.empty(size, dtype=a.dtype)
    out[:used] = a[:used]
    return out


@njit(cache=True, inline="always")
def canon(c):
    # the separators of terms.canonical(): "-", "_", "/" read as spaces
    return np.uint64(0x20) if c == 0x2D or c == 0x5F or c == 0x2F else np.uint64(c)


@njit(cache=True, nogil=True)
def scan_terms(cp, pair_has, slot_count, slot_first, slot_lengths, table, owner,
               bits, probes, prefix_bits, mix, base, salt, stem_has, stem_bits):
    n = cp.shape[0]
    cap = max(16, n // 4)
    out_pos = np.empty(cap, dtype=np.int64)
    out_key = np.empty(cap, dtype=np.int64)
    found = 0
    shift = np.uint64(64 - prefix_bits)
    tshift = np.uint64(64 - bits)
    tmask = np.uint64((1 << bits) - 1)
    twenty_one = np.uint64(21)
    for i in range(n - 1):
        a = canon(cp[i])
        pair = (a << twenty_one) | canon(cp[i + 1])
        lengths_lo = 0
        lengths_hi = 0
        two = pair_has[np.int64((pair * mix) >> shift)]
        if i + 2 < n:
            triple = (pair << twenty_one) ^ canon(cp[i + 2])
            slot = np.int64((triple * mix) >> shift)
            c = slot_count[slot]
            if c:
                lengths_lo = slot_first[slot]
                lengths_hi = lengths_lo + c
        if not two and lengths_hi == lengths_lo:
            continue
        # Candidate lengths ascend (2 first): extend one rolling hash, and stop
        # as soon as the text read is no longer the beginning of a longer key.
        h = np.uint64(0)
        done = 0
        stem_shift = np.uint64(64 - stem_bits)
        for j in range(-1 if two else 0, lengths_hi - lengths_lo):
            length = 2 if j < 0 else slot_lengths[lengths_lo + j]
            if i + length > n:
                break
            going = True
            while done < length:
                if done >= 3:
                    p = h + np.uint64(done) * salt
                    if not stem_has[np.int64((p * mix) >> stem_shift)]:
                        going = False
                        break
                h = h * base + canon(cp[i + done])
                done += 1
            if not going:
                break
            d = h + np.uint64(length) * salt
            s = (d * mix) >> tshift
            for _ in range(probes):
                stored = table[np.int64(s)]
                if stored == d:
                    if found == cap:
                        cap *= 2
                        out_pos = grown(out_pos, found, cap)
                        out_key = grown(out_key, found, cap)
                    out_pos[found] = i
                    out_key[found] = owner[np.int64(s)]
                    found += 1
                    break
                if stored == 0:
                    break
                s = (s + np.uint64(1)) & tmask
    return out_pos[:found], out_key[:found]


@njit(cache=True, nogil=True)
def runs(cp, alphabet, base, salt):
    n = cp.shape[0]
    cap = max(16, n // 8)
    starts = np.empty(cap, dtype=np.int64)
    ends = np.empty(cap, dtype=np.int64)
    hashes = np.empty(cap, dtype=np.uint64)
    found = 0
    i = 0
    while i < n:
        if not alphabet[cp[i]]:
            i += 1
            continue
        h = np.uint64(0)
        j = i
        while j < n and alphabet[cp[j]]:
            h = h * base + np.uint64(cp[j])
            j += 1
        h = h + np.uint64(j - i) * salt
        if h == 0:
            h = np.uint64(1)
        if found == cap:
            cap *= 2
            starts = grown(starts, found, cap)
            ends = grown(ends, found, cap)
            hashes = grown(hashes, found, cap)
        starts[found] = i
        ends[found] = j
        hashes[found] = h
        found += 1
        i = j
    return starts[:found], ends[:found], hashes[:found]


@njit(cache=True, inline="always")
def is_cjk(c):
    return (0x4E00 <= c <= 0x9FFF) or (0x3400 <= c <= 0x4DBF) or (0xF900 <= c <= 0xFAFF)


@njit(cache=True, inline="always")
def is_alnum(c):
    return (0x61 <= c <= 0x7A) or (0x30 <= c <= 0x39)


@njit(cache=True, nogil=True)
def cjk(cp, doc_start, doc_len, title_len, excluded, slots, slot_ids, bits, mix):
    n_docs = doc_start.shape[0]
    n = cp.shape[0]
    cap = max(16, n)
    docs = np.empty(cap, dtype=np.int32)
    keys = np.empty(cap, dtype=np.uint64)
    ids = np.empty(cap, dtype=np.int64)
    title = np.empty(cap, dtype=np.bool_)
    doubts = np.empty(16, dtype=np.int64)
    n_doubts = 0
    found = 0
    shift = np.uint64(64 - bits)
    mask = np.uint64((1 << bits) - 1)
    x = 0  # next excluded position (sorted)
    for d in range(n_docs):
        start = doc_start[d]
        end = start + doc_len[d]
        t_end = start + title_len[d]
        prev_run = False
        for i in range(start, end):
            c = cp[i]
            here = is_cjk(c)
            nxt = i + 1 < end and is_cjk(cp[i + 1])
            if 0x61 <= c <= 0x7A:
                if nxt and not (i > 0 and is_alnum(cp[i - 1])):
                    while x < excluded.shape[0] and excluded[x] < i:
                        x += 1
                    if x < excluded.shape[0] and excluded[x] == i:
                        prev_run = False
                        continue
                    here = True  # a Latin letter leading a CJK run ("n型")
                    if i > 0:
                        b = cp[i - 1]
                        if b != 0x20 and b != 0x0A and not is_cjk(b):
                            if n_doubts == doubts.shape[0]:
                                doubts = grown(doubts, n_doubts, 2 * n_doubts)
                            doubts[n_doubts] = i
                            n_doubts += 1
                    key = (np.uint64(c) << np.uint64(21)) | np.uint64(cp[i + 1])
                else:
                    prev_run = False
                    continue
            elif here and nxt:
                key = (np.uint64(c) << np.uint64(21)) | np.uint64(cp[i + 1])
            elif here and not prev_run:
                key = np.uint64(c)
            else:
                prev_run = here
                continue
            prev_run = True
            if found == cap:
                cap *= 2
                docs = grown(docs, found, cap)
                keys = grown(keys, found, cap)
                ids = grown(ids, found, cap)
                title = grown(title, found, cap)
            docs[found] = d
            keys[found] = key
            title[found] = i < t_end
            s = (key * mix) >> shift
            got = -1
            while True:
                stored = slots[np.int64(s)]
                if stored == key:
                    got = slot_ids[np.int64(s)]
                    break
                if stored == 0:
                    break
                s = (s + np.uint64(1)) & mask
            ids[found] = got
            found += 1
    return (docs[:found], keys[:found], ids[:found], title[:found],
            doubts[:n_doubts])


@njit(cache=True, nogil=True)
def csr(rows, cols, vals, n_rows):
    # Bucket the entries by row (counting sort), then sort each row's columns
    # and add up repeated ones.
    counts = np.zeros(n_rows + 1, dtype=np.int64)
    for r in rows:
        counts[r + 1] += 1
    start = np.cumsum(counts)
    fill = start[:-1].copy()
    bucket_cols = np.empty(rows.shape[0], dtype=np.int64)
    bucket_vals = np.empty(rows.shape[0], dtype=np.float32)
    for k in range(rows.shape[0]):
        at = fill[rows[k]]
        bucket_cols[at] = cols[k]
        bucket_vals[at] = vals[k]
        fill[rows[k]] = at + 1
    indptr = np.zeros(n_rows + 1, dtype=np.int32)
    indices = np.empty(rows.shape[0], dtype=np.int32)
    data = np.empty(rows.shape[0], dtype=np.float32)
    nnz = 0
    for r in range(n_rows):
        lo, hi = start[r], start[r + 1]
        if hi > lo:
            order = np.argsort(bucket_cols[lo:hi], kind="mergesort")
            last = -1
            for o in order:
                c = bucket_cols[lo + o]
                if c == last:
                    data[nnz - 1] += bucket_vals[lo + o]
                else:
                    indices[nnz] = c
                    data[nnz] = bucket_vals[lo + o]
                    nnz += 1
                    last = c
        indptr[r + 1] = nnz
    return indptr, indices[:nnz].copy(), data[:nnz].copy()


@njit(cache=True, nogil=True)
def resolve_hits(doc, end, concept, amb_hit, amb_sense, n_concepts):
    # Hits in text order; an ambiguous hit (concept -1) stands for its
    # accepted senses (amb_hit ascending, senses ascending per hit). A hit
    # reaching no further than an earlier hit of the same concept in the same
    # posting is nested in it and dropped.
    n = doc.shape[0]
    cap = n + amb_hit.shape[0]
    out_hit = np.empty(cap, dtype=np.int64)
    out_concept = np.empty(cap, dtype=np.int64)
    reach = np.zeros(n_concepts, dtype=np.int64)
    owner = np.full(n_concepts, -1, dtype=np.int64)
    found = 0
    a = 0
    for k in range(n):
        c = concept[k]
        if c >= 0:
            lo, hi = 0, 1
        else:
            while a < amb_hit.shape[0] and amb_hit[a] < k:
                a += 1
            lo = a
            while a < amb_hit.shape[0] and amb_hit[a] == k:
                a += 1
            hi = a
        for s in range(lo, hi):
            cc = c if c >= 0 else amb_sense[s]
            if owner[cc] == doc[k] and reach[cc] >= end[k]:
                continue
            if owner[cc] != doc[k]:
                owner[cc] = doc[k]
                reach[cc] = end[k]
            elif end[k] > reach[cc]:
                reach[cc] = end[k]
            out_hit[found] = k
            out_concept[found] = cc
            found += 1
    return out_hit[:found], out_concept[:found]


@njit(cache=True, nogil=True)
def accumulate(indices, data, lo, hi, weight, buf, mark):
    # Partial dot products of a query with the documents of some posting-list
    # heads; returns the touched documents (first-touch order) and their sums,
    # leaving buf and mark cleared.
    total = 0
    for s in range(lo.shape[0]):
        total += hi[s] - lo[s]
    touched = np.empty(total, dtype=np.int64)
    k = 0
    for s in range(lo.shape[0]):
        w = weight[s]
        for p in range(lo[s], hi[s]):
            d = indices[p]
            if not mark[d]:
                mark[d] = True
                touched[k] = d
                k += 1
            buf[d] += w * data[p]
    docs = touched[:k]
    scores = np.empty(k, dtype=np.float32)
    for j in range(k):
        d = docs[j]
        scores[j] = buf[d]
        buf[d] = 0.0
        mark[d] = False
    return docs, scores
