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
  as a subprocess with all demands (best of three runs, after one on 500
  capabilities): the wall time of the whole command (start-up, reading,
  indexing, ranking, writing), and the indexing and ranking seconds the
  command prints; its build time is the indexing, its marginal cost of a
  demand the ranking time over the number of demands.

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
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

# Imported once the thread limits are set and this folder is on sys.path.
import report
import systems


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


def _prepare_realistic(n, n_queries, seed, folder):
    """Realistic capabilities, demands and the merged chains.

    Returns the three paths and the description of the capabilities, demands and chains.
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
    return (made["capability"][0], made["demand"][0], chains,
            {"capabilities": made["capability"][1], "demands": made["demand"][1],
             "chains": _describe_chains(chains)})


def _describe_chains(path):
    document = json.loads(Path(path).read_text(encoding="utf-8"))
    nodes = sum(len(c.get("nodes", [])) for c in document["chains"])
    edges = sum(len(c.get("edges", [])) for c in document["chains"])
    edges += sum(len(document.get(k, [])) for k in ("links", "edges"))
    return {"chains": len(document["chains"]), "nodes": nodes, "edges": edges}


_DEFAULT_SYSTEMS = {False: "engine,engine_jobs,bm25s,tantivy", True: "cli,engine,engine_jobs,bm25s,tantivy"}


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
    parser.add_argument("--data", default=str(Path(tempfile.gettempdir()) / "matchmaker-bench"),
                        help="folder caching the generated data")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--corpus", help=argparse.SUPPRESS)
    parser.add_argument("--query-file", help=argparse.SUPPRESS)
    parser.add_argument("--chains-file", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        if args.worker != "engine_jobs":
            systems.pin()
        result = systems.WORKERS[args.worker](args.corpus, args.query_file, args.n,
                                              chains=args.chains_file)
        print(json.dumps(result))
        return
    chosen = [s for s in (args.systems or _DEFAULT_SYSTEMS[args.realistic]).split(",") if s]
    unknown = [s for s in chosen if s not in systems.WORKERS]
    if unknown:
        parser.error(f"unknown system(s) {', '.join(unknown)}; "
                     f"choose from {', '.join(systems.WORKERS)}")
    extra = []
    if args.realistic:
        corpus, queries, chains, described = _prepare_realistic(
            args.n, args.queries, args.seed, Path(args.data))
        report.print_corpus(args, described)
        extra = ["--chains-file", str(chains)]
    else:
        if "cli" in chosen:
            parser.error("the cli system runs in the realistic mode only (--realistic)")
        corpus, queries = _prepare_data(args.n, args.queries, args.seed, Path(args.data))
    results = {}
    for system in chosen:
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
        report.print_realistic(args, results)
    else:
        report.print_synthetic(args, results)


if __name__ == "__main__":
    main()
