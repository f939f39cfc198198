"""Speed of the matching engine against BM25 and tantivy, on synthetic or realistic postings.

Synthetic mode (the default)::

    python benchmarks/bench_match.py --n 100000
    python benchmarks/bench_match.py --n 1000000

generates ``--n`` synthetic capabilities and ``--queries`` demands
(:mod:`synth`: 40-200 characters, simplified / traditional / English, drawn
from the seeded chains and the glossary, with noise) and ranks them over the
seeded chains.

Realistic mode::

    python benchmarks/bench_match.py --realistic --n 200000
    python benchmarks/bench_match.py --realistic --n 1000000 --systems engine,bm25s

recombines the postings of the development sets (:mod:`realistic`): each of
the ``--n`` capabilities and ``--queries`` demands takes the title of a real
posting (now and then lightly varied), one to four sentences drawn at random
from the sentences of the real postings of its kind, and the region, size,
qualifications and chain nodes of a real posting (chain nodes sometimes
dropped); the chain graph is the two development sets' chains merged. The
corpus is described (postings, mean characters, languages) before the results.

Generated files are cached in ``--data`` (``--seed`` picks another draw). Then,
each in its own process pinned to one core with one thread (``--systems``
chooses a subset):

* **engine** -- ``Matcher.fit`` streamed from a JSON Lines file (parsing
  included), then ``Matcher.rank([demand], top=20)`` per demand: the full
  pipeline (normalisation, TF-IDF + concepts, chain inference and proximity,
  qualification filter, region, reasons);
* **engine_jobs** -- the same build with ``Matcher(n_jobs=-1)``, not pinned:
  postings analysed in one worker process per core while the parent reads
  and indexes (build time and memory only; ranking is the one-core run's);
  synthetic mode only unless named in ``--systems``;
* **bm25s** -- ``bm25s.BM25(backend="numba")`` over the same tokens
  (:func:`matchmaker.domain.text.tokenize` of title and description),
  retrieving the top 20 per query;
* **tantivy** -- an on-disk index of the same tokens (whitespace tokenizer on
  pre-tokenised text, one writer thread), an OR query of the query's tokens,
  top 20 per query;
* **cli** (realistic mode) -- ``matchmaker match --jobs 1 --top 20`` end to end
  as a subprocess (start-up, reading, indexing, ranking, writing), once with
  all demands and once with the first ``--few`` of them: the difference over
  the difference in demands is the marginal cost of a demand, the rest the
  fixed cost (shown as its build time).

Printed per system: index build time and rate, peak memory (maximum resident
set size of the process, and the part added by building), query latency p50 /
p95 for one query at a time, and throughput for the whole query batch (best of
three runs). The realistic mode also prints the marginal cost of a demand and
the ratios the targets are stated in: engine batch throughput over bm25s',
engine p95 over tantivy's, engine build rate over 20,000 postings/s and peak
memory over 3 GB.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS",
             "NUMEXPR_NUM_THREADS", "RAYON_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse
import json
import resource
import shutil
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


def _graph(chains):
    """The chain graph: the ``chains`` file, or the seeded chains."""
    import graph
    from matchmaker.commands.match import seed_chains

    return graph.load_chains(chains if chains else seed_chains())


_CAPABILITY_FIELDS = ("id", "enterprise", "title", "description", "region", "size",
                      "chain_nodes")


# -- workers (one process each) -------------------------------------------------
def work_engine(corpus, queries, n, chains=None, few=None):
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


def work_engine_jobs(corpus, queries, n, chains=None, few=None):
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


def work_bm25s(corpus, queries, n, chains=None, few=None):
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


def work_tantivy(corpus, queries, n, chains=None, few=None):
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


def work_cli(corpus, queries, n, chains=None, few=None):
    """``matchmaker match`` end to end, with all demands and with the first few.

    The process is pinned to one core, so the command (``--jobs 1``) runs on it too.
    A first run on a few hundred capabilities fills the caches (compiled kernels,
    imported modules) that the two timed runs then share.
    """
    folder = Path(tempfile.mkdtemp(prefix="bench-cli-"))
    command = _cli_command()

    def run(capabilities, demands):
        out = folder / "ranking.jsonl"
        args = [*command, "match", "--demands", str(demands), "--capabilities",
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
        return wall, rows, proc.stderr.strip().splitlines()[-1:]

    try:
        sample = folder / "sample.jsonl"
        with open(corpus, "rb") as src, open(sample, "wb") as dst:
            for i, line in enumerate(src):
                if i == 500:
                    break
                dst.write(line)
        run(sample, few)
        few_wall, few_rows, _ = run(corpus, few)
        all_wall, all_rows, said = run(corpus, queries)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {"few_wall": few_wall, "few_queries": len(_queries(few)), "few_rows": few_rows,
            "wall": all_wall, "n_queries": len(_queries(queries)), "rows": all_rows,
            "said": said, "peak": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}


WORKERS = {"engine": work_engine, "engine_jobs": work_engine_jobs, "bm25s": work_bm25s,
           "tantivy": work_tantivy, "cli": work_cli}


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


def _prepare_realistic(n, n_queries, few, seed, folder):
    """Realistic capabilities, demands, the first ``few`` demands, the merged chains.

    Returns the four paths and the description of the capabilities and demands.
    """
    import realistic

    folder = folder / f"realistic-{realistic.fingerprint()}"
    folder.mkdir(parents=True, exist_ok=True)
    chains = folder / "chains.json"
    if not chains.exists():
        chains.write_text(json.dumps(realistic.merged_chains(), ensure_ascii=False),
                          encoding="utf-8")
    made = {}
    for kind, count in (("capability", n), ("demand", n_queries)):
        path = folder / f"{kind}-{count}-{seed}.jsonl"
        described = path.with_suffix(".stats.json")
        if not (path.exists() and described.exists()):
            pool = realistic.Pool(kind)
            stats = realistic.Stats()
            t = time.perf_counter()
            tmp = path.with_suffix(".tmp")
            realistic.write_jsonl(tmp, realistic.generate(kind, count, seed, pool, stats))
            tmp.rename(path)
            described.write_text(json.dumps(dict(stats.as_dict(), titles=len(pool.sources),
                                                 sentences=len(pool.sentences))))
            if kind == "capability":
                print(f"generated {count:,} realistic capabilities in "
                      f"{time.perf_counter() - t:.1f} s -> {path}")
        made[kind] = (path, json.loads(described.read_text()))
    queries = made["demand"][0]
    first = folder / f"demand-{n_queries}-{seed}-first{few}.jsonl"
    if not first.exists():
        with open(queries, "rb") as src, open(first, "wb") as dst:
            for i, line in enumerate(src):
                if i == few:
                    break
                dst.write(line)
    return (made["capability"][0], queries, first, chains,
            {"capabilities": made["capability"][1], "demands": made["demand"][1],
             "chains": _describe_chains(chains)})


def _describe_chains(path):
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    nodes = sum(len(c.get("nodes", [])) for c in document["chains"])
    edges = sum(len(c.get("edges", [])) for c in document["chains"])
    edges += sum(len(document.get(k, [])) for k in ("links", "edges"))
    return {"chains": len(document["chains"]), "nodes": nodes, "edges": edges}


_DEFAULT_SYSTEMS = {False: "engine,engine_jobs,bm25s,tantivy", True: "cli,engine,bm25s,tantivy"}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="capabilities to index")
    parser.add_argument("--queries", type=int, default=300, help="demands to rank")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--realistic", action="store_true",
                        help="postings recombined from the sentences of the development sets "
                             "(tests/data/match-dev*) instead of synthetic ones")
    parser.add_argument("--systems",
                        help="comma-separated, from engine, engine_jobs, bm25s, tantivy, cli; "
                             f"default {_DEFAULT_SYSTEMS[False]} (synthetic), "
                             f"{_DEFAULT_SYSTEMS[True]} (realistic). engine_jobs: the engine's "
                             "build with Matcher(n_jobs=-1), all cores; cli: matchmaker match "
                             "end to end (realistic mode)")
    parser.add_argument("--few", type=int, default=5,
                        help="demands of the short cli run, against which the marginal cost "
                             "of a demand is measured")
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "matchmaker-bench"),
                        help="folder caching the generated data")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--query-file", help=argparse.SUPPRESS)
    parser.add_argument("--chains-file", help=argparse.SUPPRESS)
    parser.add_argument("--few-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        if args.worker != "engine_jobs":
            _pin()
        result = WORKERS[args.worker](args.corpus, args.query_file, args.n,
                                      chains=args.chains_file, few=args.few_file)
        print(json.dumps(result))
        return
    systems = [s for s in (args.systems or _DEFAULT_SYSTEMS[args.realistic]).split(",") if s]
    unknown = [s for s in systems if s not in WORKERS]
    if unknown:
        parser.error(f"unknown system(s) {', '.join(unknown)}; choose from {', '.join(WORKERS)}")
    extra = []
    if args.realistic:
        if not 0 < args.few < args.queries:
            parser.error("--few must be at least 1 and less than --queries")
        corpus, queries, first, chains, described = _prepare_realistic(
            args.n, args.queries, args.few, args.seed, Path(args.data))
        _describe(args, described)
        extra = ["--chains-file", str(chains), "--few-file", str(first)]
    else:
        if "cli" in systems:
            parser.error("the cli system runs in the realistic mode only (--realistic)")
        corpus, queries = _prepare_data(args.n, args.queries, args.seed, Path(args.data))
    results = {}
    for system in systems:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", system, "--corpus", str(corpus),
             "--query-file", str(queries), "--n", str(args.n), *extra],
            capture_output=True, text=True, check=False)
        if proc.returncode != 0:
            tail = proc.stderr[-3000:]
            if len(proc.stderr) > len(tail):  # start at a line
                tail = tail[tail.find("\n") + 1:]
            print(f"{system} failed:\n{tail}")
            continue
        results[system] = json.loads(proc.stdout.strip().splitlines()[-1])
    if args.realistic:
        _report_realistic(args, results)
    else:
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
        _engine_notes(args, e, "docs/s")
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


def _engine_notes(args, e, unit):
    print(f"engine build CPU time {e['build_cpu']:.1f} s = {args.n / e['build_cpu']:,.0f} "
          f"{unit}")
    r = e.get("recall")
    if r and "error" in r:
        print(f"engine bounded search vs exhaustive: not measured ({r['error']})")
    elif r:
        print(f"engine bounded search vs exhaustive (text similarity, {r['n']} demands): "
              f"top {TOP} found score {r['score']:.1%} of the true top {TOP}, "
              f"{r['overlap']:.1%} of the same postings")
    print(f"engine add + rank a new capability: {e['add'] * 1000:.0f} ms (ranked: "
          f"{e['add_found']}); remove + rank: {e['remove'] * 1000:.0f} ms (hidden: "
          f"{e['remove_gone']})")


def _languages(stats):
    shares = {k: v / max(stats["n"], 1) for k, v in stats["languages"].items()}
    return (f"{shares['zh']:.0%} simplified, {shares['tw']:.0%} traditional, "
            f"{shares['en']:.0%} English, {shares['mixed']:.0%} mixed")


def _describe(args, described):
    c, d, g = described["capabilities"], described["demands"], described["chains"]
    print(f"corpus: {c['n']:,} capabilities, mean {c['chars'] / c['n']:.0f} characters per "
          f"posting (title + description; description {c['description_chars'] / c['n']:.0f}); "
          f"{_languages(c)}; {c['chain_nodes'] / c['n']:.0%} with chain nodes; "
          f"recombined from {c['titles']} titles and {c['sentences']} sentences")
    print(f"queries: {d['n']:,} demands, mean {d['chars'] / d['n']:.0f} characters; "
          f"{_languages(d)}; {d['chain_nodes'] / d['n']:.0%} with chain nodes; "
          f"from {d['titles']} titles and {d['sentences']} sentences")
    print(f"chain graph: {g['chains']} chains, {g['nodes']} nodes, {g['edges']} edges "
          "(match-dev and match-dev-2 merged)")


def _ratio(a, b):
    return a / b if b else float("nan")


def _report_realistic(args, results):
    print(f"\n{args.n:,} realistic capabilities, {args.queries} demands, top {TOP}, one core, "
          "one thread")
    print("latency: one demand at a time, wall clock; batch: all demands in one call (best of "
          "three); marginal: batch time per demand, or for cli the cost of one more demand")
    print(f"{'system':<9}{'build s':>9}{'postings/s':>12}{'peak MB':>9}{'p50 ms':>9}"
          f"{'p95 ms':>9}{'batch q/s':>11}{'marginal ms/q':>15}")
    dash = "-"
    for name, r in results.items():
        if name == "engine_jobs":
            continue
        if name == "cli":
            marginal = (r["wall"] - r["few_wall"]) / (r["n_queries"] - r["few_queries"])
            fixed = r["few_wall"] - r["few_queries"] * marginal
            print(f"{name:<9}{fixed:>9.1f}{args.n / fixed:>12,.0f}{r['peak']:>9.0f}{dash:>9}"
                  f"{dash:>9}{dash:>11}{marginal * 1000:>15.2f}")
            continue
        print(f"{name:<9}{r['build']:>9.1f}{args.n / r['build']:>12,.0f}{r['peak']:>9.0f}"
              f"{_percentile(r['lat'], 50):>9.2f}{_percentile(r['lat'], 95):>9.2f}"
              f"{r['n_queries'] / r['batch']:>11.1f}{r['batch'] / r['n_queries'] * 1000:>15.2f}")
    if "cli" in results:
        r = results["cli"]
        print(f"(cli: {r['wall']:.1f} s wall for {r['n_queries']} demands, {r['few_wall']:.1f} s "
              f"for {r['few_queries']}; its build is the fixed cost: start-up, reading, "
              f"indexing, writing; {r['rows']} and {r['few_rows']} rankings written)")
    if "bm25s" in results and "tokenize" in results["bm25s"]:
        print(f"(bm25s build includes {results['bm25s']['tokenize']:.1f} s of tokenisation)")
    e = results.get("engine")
    if not e:
        return
    _engine_notes(args, e, "postings/s")
    j = results.get("engine_jobs")
    if j:
        print(f"engine build with n_jobs=-1 ({j['jobs']} worker processes on "
              f"{os.cpu_count()} cores): {j['build']:.1f} s = {args.n / j['build']:,.0f} "
              f"postings/s; peak {j['peak']:.0f} MB (+ {j['children_peak']:.0f} MB per worker)")
    print("targets (ratio; met when the ratio is on the side shown):")
    rows = []
    throughput = e["n_queries"] / e["batch"]
    if "bm25s" in results:
        b = results["bm25s"]
        rows.append(("engine batch q/s / bm25s batch q/s", _ratio(throughput, b["n_queries"]
                                                                   / b["batch"]), ">= 1"))
    if "tantivy" in results:
        rows.append(("engine p95 / tantivy p95", _ratio(_percentile(e["lat"], 95), _percentile(
            results["tantivy"]["lat"], 95)), "<= 1"))
    rows.append(("engine build postings/s / 20,000", _ratio(args.n / e["build"], 20_000), ">= 1"))
    rows.append(("engine peak MB / 3 GB", _ratio(e["peak"], 3 * 1024), "<= 1"))
    if "cli" in results:
        rows.append(("cli peak MB / 3 GB", _ratio(results["cli"]["peak"], 3 * 1024), "<= 1"))
    for label, value, side in rows:
        ok = value >= 1 if side == ">= 1" else value <= 1
        print(f"  {'yes' if ok else 'NO ':<4} {label:<38}{value:>8.2f}  (target {side})")


if __name__ == "__main__":
    main()
