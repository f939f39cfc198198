"""The systems bench_match.py measures, each run in its own worker process."""

from __future__ import annotations

import os

# Also set by bench_match.py before anything is imported; repeated here so the
# workers run with one thread even when this module is imported on its own.
for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ[_var] = "1"

import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TOP = 20


def pin():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def percentile(values, q):
    import numpy as np

    return float(np.percentile(np.asarray(values) * 1000, q))


def _best_of(runs, work):
    """Shortest wall time of ``runs`` runs of ``work()`` (the least disturbed one)."""
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - t)
    return best


def _queries(path):
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _graph(chains):
    """The chain graph: the ``chains`` file, or the seeded chains."""
    import graph
    from matchmaker.commands.match import seed_chains

    return graph.load_chains(chains if chains else seed_chains())


_CAPABILITY_FIELDS = ("id", "enterprise", "title", "description", "region", "size",
                      "chain_nodes")


def work_engine(corpus, queries, n, chains=None):
    from synth import read_jsonl

    from matchmaker.matching import Matcher

    G = _graph(chains)
    qs = _queries(queries)
    base = _rss_mb()
    t, c = time.perf_counter(), time.process_time()
    matcher = Matcher().fit(read_jsonl(corpus), G)
    build = time.perf_counter() - t
    build_cpu = time.process_time() - c
    peak_build = _rss_mb()
    matcher.rank(qs[:5], top=TOP)  # warm caches
    lat, cpu = [], []
    for q in qs:
        t, c = time.perf_counter(), time.process_time()
        matcher.rank([q], top=TOP)
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    batch = _best_of(3, lambda: matcher.rank(qs, top=TOP))
    try:  # reads the index's internals, which may change shape
        recall = _search_recall(matcher, qs[:100])
    except Exception as exc:  # noqa: BLE001 - reported, not fatal
        recall = {"error": f"{type(exc).__name__}: {exc}"}
    # Incremental update: a new capability, rankable at once, then removed.
    fresh = {k: v for k, v in qs[0].items() if k in _CAPABILITY_FIELDS}
    fresh.update(id="NEW-1", qualifications=["ISO 9001", "IATF 16949", "ISO 13485"]
                 + list(qs[0].get("required_qualifications") or []))
    t = time.perf_counter()
    matcher.add(fresh)
    found = "NEW-1" in [m.id for m in matcher.rank([qs[0]], top=TOP)[0]]
    add_s = time.perf_counter() - t
    t = time.perf_counter()
    matcher.remove("NEW-1")
    gone = "NEW-1" not in [m.id for m in matcher.rank([qs[0]], top=TOP)[0]]
    remove_s = time.perf_counter() - t
    return {"add": add_s, "add_found": found, "remove": remove_s, "remove_gone": gone,
            "build": build, "build_cpu": build_cpu, "base": base, "peak_build": peak_build,
            "peak": _rss_mb(), "lat": lat, "cpu": cpu, "batch": batch, "n_queries": len(qs),
            "recall": recall}


def _search_recall(matcher, queries):
    """How close the bounded index search comes to an exhaustive one, by text similarity.

    For each query: the summed cosine similarity of the top 20 the inverted
    index finds (reading at most ``posting_budget`` entries) over that of the
    true top 20 (every posting scored), and the share of the true top 20 found.
    """
    import numpy as np
    from scipy import sparse

    from matchmaker.matching.corpus import prepare

    target = matcher.capabilities_
    index = target.index
    rows = sparse.csr_array((index.row_vals, index.row_cols, index.row_ptr),
                            shape=(index.n_main, index.n_terms))
    ratios, overlaps = [], []
    for batch in prepare(queries, "demand", target.featurizer, matcher.node_columns_):
        weighed = target.featurizer.weigh(batch.analysed.counts)
        for i in range(len(batch)):
            lo, hi = weighed.indptr[i], weighed.indptr[i + 1]
            q_cols, q_vals = weighed.indices[lo:hi], weighed.data[lo:hi]
            dense = np.zeros(index.n_terms, dtype=np.float32)
            dense[q_cols] = q_vals
            every = rows @ dense
            true = np.argpartition(-every, TOP - 1)[:TOP]
            docs, scores = index.search(q_cols, q_vals, TOP)
            best = float(every[true].sum())
            if best > 0:
                ratios.append(float(np.sort(scores)[::-1][:TOP].sum()) / best)
                overlaps.append(len(set(docs.tolist()) & set(true.tolist())) / TOP)
    return {"score": float(np.mean(ratios)), "overlap": float(np.mean(overlaps)),
            "n": len(ratios)}


def work_engine_jobs(corpus, queries, n, chains=None):
    """Build only, with ``Matcher(n_jobs=-1)``: every core of the machine."""
    from synth import read_jsonl

    from matchmaker.matching import Matcher
    from matchmaker.matching.parallel import effective_jobs

    G = _graph(chains)
    base = _rss_mb()
    t = time.perf_counter()
    matcher = Matcher(n_jobs=-1).fit(read_jsonl(corpus), G)
    build = time.perf_counter() - t
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    assert len(matcher.capabilities_) == n
    return {"build": build, "base": base, "peak_build": _rss_mb(), "peak": _rss_mb(),
            "children_peak": children, "jobs": effective_jobs(-1)}


def _tokens(texts):
    from matchmaker.domain.text import normalize_many, tokenize

    return [tokenize(t, normalized=True) for t in normalize_many(texts)]


def _record_text(r):
    return f"{r.get('title') or ''} {r.get('description') or ''}"


def work_bm25s(corpus, queries, n, chains=None):
    import bm25s
    import numpy as np
    from synth import read_jsonl

    qs = _queries(queries)
    base = _rss_mb()
    t = time.perf_counter()
    ids, vocab = [], {}
    chunk = []
    for r in read_jsonl(corpus):
        chunk.append(_record_text(r))
        if len(chunk) == 20000:
            ids.extend([[vocab.setdefault(w, len(vocab)) for w in doc] for doc in _tokens(chunk)])
            chunk = []
    if chunk:
        ids.extend([[vocab.setdefault(w, len(vocab)) for w in doc] for doc in _tokens(chunk)])
    tokenize_s = time.perf_counter() - t
    retriever = bm25s.BM25(backend="numba")
    retriever.index(bm25s.tokenization.Tokenized(ids, vocab), show_progress=False)
    del ids
    build = time.perf_counter() - t
    peak_build = _rss_mb()
    q_ids = [[vocab[w] for w in doc if w in vocab] or [0] for doc in _tokens(
        [_record_text(q) for q in qs])]
    q_tok = bm25s.tokenization.Tokenized(q_ids, vocab)

    def retrieve(tokens):
        return retriever.retrieve(tokens, k=TOP, backend_selection="numba", n_threads=1,
                                  show_progress=False)

    retrieve(bm25s.tokenization.Tokenized(q_ids[:5], vocab))  # compile
    lat, cpu = [], []
    for q in qs:
        t, c = time.perf_counter(), time.process_time()
        (doc,) = _tokens([_record_text(q)])
        retrieve(bm25s.tokenization.Tokenized([[vocab[w] for w in doc if w in vocab] or [0]],
                                              vocab))
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    batch = _best_of(3, lambda: retrieve(q_tok))
    del np
    return {"build": build, "tokenize": tokenize_s, "base": base, "peak_build": peak_build,
            "peak": _rss_mb(), "lat": lat, "cpu": cpu, "batch": batch, "n_queries": len(qs)}


def work_tantivy(corpus, queries, n, chains=None):
    import tantivy
    from synth import read_jsonl

    qs = _queries(queries)
    base = _rss_mb()
    folder = tempfile.mkdtemp(prefix="bench-tantivy-")
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("body", stored=False, tokenizer_name="whitespace")
    builder.add_integer_field("doc", stored=True, fast=True)
    schema = builder.build()
    index = tantivy.Index(schema, path=folder)
    t = time.perf_counter()
    writer = index.writer(heap_size=256_000_000, num_threads=1)
    chunk, k = [], 0
    for r in read_jsonl(corpus):
        chunk.append(_record_text(r))
        if len(chunk) == 20000:
            for toks in _tokens(chunk):
                writer.add_document(tantivy.Document(body=" ".join(toks), doc=k))
                k += 1
            chunk = []
    for toks in _tokens(chunk):
        writer.add_document(tantivy.Document(body=" ".join(toks), doc=k))
        k += 1
    writer.commit()
    writer.wait_merging_threads()
    index.reload()
    build = time.perf_counter() - t
    peak_build = _rss_mb()
    searcher = index.searcher()

    def search(record):
        (doc,) = _tokens([_record_text(record)])
        terms = [tantivy.Query.term_query(schema, "body", w) for w in dict.fromkeys(doc)]
        query = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in terms])
        return searcher.search(query, TOP, count=False).hits

    for q in qs[:5]:
        search(q)
    lat, cpu = [], []
    for q in qs:
        t, c = time.perf_counter(), time.process_time()
        search(q)
        lat.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    batch = _best_of(3, lambda: [search(q) for q in qs])
    return {"build": build, "base": base, "peak_build": peak_build, "peak": _rss_mb(),
            "lat": lat, "cpu": cpu, "batch": batch, "n_queries": len(qs)}


def _cli_command():
    script = Path(sys.executable).with_name("matchmaker")
    if script.exists():
        return [str(script)]
    code = "import sys; from matchmaker.cli import main; sys.argv[0] = 'matchmaker'; main()"
    return [sys.executable, "-c", code]


# The timing line ``matchmaker match`` prints to stderr, e.g. "indexed 467 postings in
# 1.6 s; ranked 45 in 0.07 s (1.50 ms each)".
_TIMING = re.compile(r"indexed ([\d,]+) postings in ([\d.]+) s; ranked ([\d,]+) in ([\d.]+) s"
                     r"(?: \(([\d.]+) ms each\))?")


def _timing(stderr):
    """Indexing and ranking as the command reports them, from its stderr."""
    found = _TIMING.search(stderr)
    if not found:
        raise RuntimeError("matchmaker match printed no line 'indexed ... postings in X s; "
                           "ranked N in Y s' on stderr; it printed:\n" + stderr[-3000:])
    indexed, indexing, ranked, ranking, each = found.groups()
    ranked = int(ranked.replace(",", ""))
    # The per-demand figure has more significant digits than the total (two decimals).
    ranking = float(each) * ranked / 1000 if each else float(ranking)
    return {"indexed": int(indexed.replace(",", "")), "index": float(indexing),
            "ranked": ranked, "rank": ranking}


def work_cli(corpus, queries, n, chains=None):
    """``matchmaker match`` end to end with all demands (best of three), as a subprocess.

    Returns the wall time of the whole command and, from the timing line it
    prints, the seconds spent indexing and ranking; the rest is start-up,
    reading and writing. The process is pinned to one core, so the command
    (``--jobs 1``) runs on it too. A first run on 500 capabilities fills the
    caches (compiled kernels, imported modules) that the timed runs then share.
    """
    folder = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    command = _cli_command()

    def run(capabilities):
        out = folder / "ranking.jsonl"
        args = [*command, "match", "--demands", str(queries), "--capabilities",
                str(capabilities), "--top", str(TOP), "--out", str(out), "--jobs", "1"]
        if chains:
            args += ["--chains", str(chains)]
        t = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, check=False)
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            raise RuntimeError(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-3000:]}")
        with open(out, "rb") as fh:
            rows = sum(1 for _ in fh)
        return dict(_timing(proc.stderr), wall=wall, rows=rows)

    try:
        sample = folder / "sample.jsonl"
        with open(corpus, "rb") as src, open(sample, "wb") as dst:
            for i, line in enumerate(src):
                if i == 500:
                    break
                dst.write(line)
        run(sample)
        best = min((run(corpus) for _ in range(3)), key=lambda r: r["wall"])
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return dict(best, n_queries=len(_queries(queries)),
                peak=resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)


WORKERS = {"engine": work_engine, "engine_jobs": work_engine_jobs, "bm25s": work_bm25s,
           "tantivy": work_tantivy, "cli": work_cli}

