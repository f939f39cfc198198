"""Speed of the matching engine on synthetic capabilities, against BM25 and tantivy.

    python benchmarks/bench_match.py --n 100000
    python benchmarks/bench_match.py --n 1000000

Generates ``--n`` synthetic capabilities and ``--queries`` demands
(:mod:`synth`: 40-200 characters, simplified / traditional / English, drawn
from the seeded chains and the glossary, with noise), then, each in its own
process pinned to one core with one thread:

* **engine** -- ``Matcher.fit`` streamed from a JSON Lines file (parsing
  included), then ``Matcher.rank([demand], top=20)`` per demand: the full
  pipeline (normalisation, TF-IDF + concepts, chain inference and proximity,
  qualification filter, region, reasons);
* **engine_jobs** -- the same build with ``Matcher(n_jobs=-1)``, not pinned:
  postings analysed in one worker process per core while the parent reads
  and indexes (build time and memory only; ranking is the one-core run's);
* **bm25s** -- ``bm25s.BM25(backend="numba")`` over the same tokens
  (:func:`matchmaker.domain.text.tokenize`), retrieving the top 20 per query;
* **tantivy** -- an on-disk index of the same tokens (whitespace tokenizer on
  pre-tokenised text, one writer thread), an OR query of the query's tokens,
  top 20 per query.

Printed per system: index build time and rate, peak memory (maximum resident
set size of the process, and the part added by building), query latency p50 /
p95 for one query at a time, and throughput for the whole query batch (best of
three runs).
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

TOP = 20


def _pin():
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _percentile(values, q):
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


# -- workers (one process each) -------------------------------------------------
def work_engine(corpus, queries, n):
    from synth import read_jsonl

    import graph
    from matchmaker.commands.match import seed_chains
    from matchmaker.matching import Matcher

    G = graph.load_chains(seed_chains())
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
    recall = _search_recall(matcher, qs[:100])
    # Incremental update: a new capability, rankable at once, then removed.
    fresh = dict(qs[0], id="NEW-1", qualifications=["ISO 9001", "IATF 16949", "ISO 13485"])
    fresh.pop("required_qualifications", None)
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


def work_engine_jobs(corpus, queries, n):
    """Build only, with ``Matcher(n_jobs=-1)``: every core of the machine."""
    from synth import read_jsonl

    import graph
    from matchmaker.commands.match import seed_chains
    from matchmaker.matching import Matcher
    from matchmaker.matching.parallel import effective_jobs

    G = graph.load_chains(seed_chains())
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


def work_bm25s(corpus, queries, n):
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


def work_tantivy(corpus, queries, n):
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


WORKERS = {"engine": work_engine, "engine_jobs": work_engine_jobs, "bm25s": work_bm25s,
           "tantivy": work_tantivy}


# -- driver ---------------------------------------------------------------------
def _prepare_data(n, n_queries, seed, folder):
    from synth import Vocabulary, generate, write_jsonl

    folder.mkdir(parents=True, exist_ok=True)
    corpus = folder / f"capabilities-{n}-{seed}.jsonl"
    queries = folder / f"demands-{n_queries}-{seed}.jsonl"
    vocab = None
    if not corpus.exists():
        vocab = Vocabulary()
        t = time.perf_counter()
        tmp = corpus.with_suffix(".tmp")
        write_jsonl(tmp, generate("capability", n, seed, vocab))
        tmp.rename(corpus)
        print(f"generated {n:,} capabilities in {time.perf_counter() - t:.0f} s -> {corpus}")
    if not queries.exists():
        write_jsonl(queries, generate("demand", n_queries, seed, vocab))
    return corpus, queries


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="capabilities to index")
    parser.add_argument("--queries", type=int, default=300, help="demands to rank")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--systems", default="engine,engine_jobs,bm25s,tantivy",
                        help="engine_jobs: the engine's build with Matcher(n_jobs=-1), all cores")
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "matchmaker-bench"),
                        help="folder caching the generated data")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--query-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        if args.worker != "engine_jobs":
            _pin()
        result = WORKERS[args.worker](args.corpus, args.query_file, args.n)
        print(json.dumps(result))
        return
    corpus, queries = _prepare_data(args.n, args.queries, args.seed, Path(args.data))
    results = {}
    for system in args.systems.split(","):
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", system, "--corpus", str(corpus),
             "--query-file", str(queries), "--n", str(args.n)],
            capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            print(f"{system} failed:\n{proc.stderr[-3000:]}")
            continue
        results[system] = json.loads(proc.stdout.strip().splitlines()[-1])
    _report(args, results)


def _report(args, results):
    print(f"\n{args.n:,} capabilities, {args.queries} demands, top {TOP}, one core, one thread")
    print("latency: one demand at a time, wall clock (and CPU time of the process); "
          "batch: all demands in one call")
    print(f"{'system':<9}{'build s':>9}{'docs/s':>10}{'peak MB':>9}{'build +MB':>10}"
          f"{'p50 ms':>9}{'p95 ms':>9}{'p50 cpu':>9}{'p95 cpu':>9}{'batch q/s':>11}")
    for name, r in results.items():
        if name == "engine_jobs":
            continue
        print(f"{name:<9}{r['build']:>9.1f}{args.n / r['build']:>10,.0f}{r['peak']:>9.0f}"
              f"{r['peak_build'] - r['base']:>10.0f}{_percentile(r['lat'], 50):>9.2f}"
              f"{_percentile(r['lat'], 95):>9.2f}{_percentile(r['cpu'], 50):>9.2f}"
              f"{_percentile(r['cpu'], 95):>9.2f}{r['n_queries'] / r['batch']:>11.1f}")
    if "bm25s" in results and "tokenize" in results["bm25s"]:
        print(f"(bm25s build includes {results['bm25s']['tokenize']:.1f} s of tokenisation)")
    checks = []
    e = results.get("engine")
    if e:
        print(f"engine build CPU time {e['build_cpu']:.1f} s = {args.n / e['build_cpu']:,.0f} "
              "docs/s")
        r = e.get("recall")
        if r:
            print(f"engine bounded search vs exhaustive (text similarity, {r['n']} demands): "
                  f"top {TOP} found score {r['score']:.1%} of the true top {TOP}, "
                  f"{r['overlap']:.1%} of the same postings")
        print(f"engine add + rank a new capability: {e['add'] * 1000:.0f} ms (ranked: "
              f"{e['add_found']}); remove + rank: {e['remove'] * 1000:.0f} ms (hidden: "
              f"{e['remove_gone']})")
        if "tantivy" in results:
            checks.append(("p95 <= tantivy p95", _percentile(e["lat"], 95)
                           <= _percentile(results["tantivy"]["lat"], 95)))
        if "bm25s" in results:
            checks.append(("throughput >= bm25s numba", e["n_queries"] / e["batch"]
                           >= results["bm25s"]["n_queries"] / results["bm25s"]["batch"]))
        checks.append(("build >= 20,000 docs/s (one core)", args.n / e["build"] >= 20_000))
        checks.append(("peak <= 3 GB", e["peak"] <= 3 * 1024))
    j = results.get("engine_jobs")
    if j:
        print(f"engine build with n_jobs=-1 ({j['jobs']} worker processes on "
              f"{os.cpu_count()} cores): {j['build']:.1f} s = {args.n / j['build']:,.0f} "
              f"docs/s; peak {j['peak']:.0f} MB (+ {j['children_peak']:.0f} MB per worker)")
        checks.append((f"build >= 20,000 docs/s (n_jobs=-1, {j['jobs']} workers)",
                       args.n / j["build"] >= 20_000))
        checks.append(("peak with workers <= 3 GB",
                       j["peak"] + j["jobs"] * j["children_peak"] <= 3 * 1024))
    for label, ok in checks:
        print(f"  {'yes' if ok else 'NO ':<4} {label}")


if __name__ == "__main__":
    main()
