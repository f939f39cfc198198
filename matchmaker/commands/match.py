"""Commands ``match`` (rank postings from files) and ``evaluate`` (quality on labelled data)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

__all__ = ["evaluate", "match", "seed_chains"]

_BATCH = 512  # queries ranked between two progress-bar updates


def seed_chains(folder=None) -> dict:
    """The chains shipped in ``seeds/chains/*.json``, merged into one document."""
    from ..services.chains import read_seed_chains
    document = read_seed_chains(Path(folder) if folder else None)
    if not document["chains"]:
        raise click.ClickException("no seeded chain files found; pass --chains FILE")
    return document


def _read(path, kind):
    from matchmaker.io import RecordFileError, read_records

    try:
        result = read_records(path, kind)
    except RecordFileError as exc:
        raise click.ClickException(str(exc)) from None
    for err in result.errors:
        click.echo(str(err), err=True)
    for warning in result.warnings:
        click.echo(f"warning: {warning}", err=True)
    return result


def _progress(items, total, label):
    """Yield batches of ``items``, with a progress bar on a terminal."""
    batches = (items[i:i + _BATCH] for i in range(0, len(items), _BATCH))
    if not sys.stderr.isatty() or total <= _BATCH:
        yield from batches
        return
    with click.progressbar(length=total, label=label, file=sys.stderr) as bar:
        for batch in batches:
            yield batch
            bar.update(len(batch))


@click.command()
@click.option("--chains", "chains_path", type=click.Path(exists=True, dir_okay=False),
              help="Chain graph (chains.json format); default: the seeded chains.")
@click.option("--demands", "demands_path", required=True,
              type=click.Path(exists=True, dir_okay=False), help="Demands: .jsonl, .csv or .xlsx.")
@click.option("--capabilities", "capabilities_path", required=True,
              type=click.Path(exists=True, dir_okay=False),
              help="Capabilities: .jsonl, .csv or .xlsx.")
@click.option("--top", default=10, show_default=True, type=click.IntRange(min=1),
              help="Ranked entries per query.")
@click.option("--direction", type=click.Choice(["demand", "capability"]), default="demand",
              show_default=True,
              help="demand: capabilities ranked for each demand; capability: the reverse.")
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False),
              help="Ranking file: .jsonl, .csv or .xlsx.")
@click.option("--strict", is_flag=True, help="Exit non-zero if any record could not be read.")
@click.option("--jobs", default=-1, show_default=True, type=int,
              help="Processes analysing postings while indexing large files (-1: every core, "
                   "1: this process only).")
def match(chains_path, demands_path, capabilities_path, top, direction, out_path, strict, jobs):
    """Rank capabilities for demands (or demands for capabilities) and write the ranking."""
    import graph
    from matchmaker.io import write_ranking
    from matchmaker.matching import Matcher, MatchingError
    from matchmaker.matching.parallel import effective_jobs

    try:
        effective_jobs(jobs)
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--jobs") from None
    try:
        G = graph.load_chains(chains_path if chains_path else seed_chains())
    except (ValueError, OSError) as exc:
        raise click.ClickException(f"cannot load chains: {exc}") from None
    demands = _read(demands_path, "demand")
    capabilities = _read(capabilities_path, "capability")
    bad = len(demands.errors) + len(capabilities.errors)
    empty = [p for p, r in ((demands_path, demands), (capabilities_path, capabilities))
             if not r.records]
    if empty:
        raise click.ClickException(f"no record could be read from {', '.join(empty)}")
    try:
        if direction == "demand":
            matcher = Matcher(n_jobs=jobs).fit(capabilities.records, G)
            queries, rank, id_field = demands.records, matcher.rank, "demand_id"
        else:
            matcher = Matcher(n_jobs=jobs).fit(None, G, demands=demands.records)
            queries, rank, id_field = capabilities.records, matcher.rank_demands, "capability_id"

        def rankings():
            for batch in _progress(queries, len(queries), "ranking"):
                for record, ranked in zip(batch, rank(batch, top=top)):
                    yield record["id"], ranked

        written = write_ranking(out_path, rankings(), id_field)
    except MatchingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{written} rankings written to {out_path}"
               + (f"; {bad} record(s) skipped" if bad else ""), err=True)
    if strict and bad:
        sys.exit(1)


def _row(name, s, extra=""):
    return f"{name:<28}{s.ndcg:>9.3f}{s.mrr:>8.3f}{s.recall:>11.3f}{s.error:>8.3f}{extra}"


@click.command()
@click.argument("dataset", type=click.Path(exists=True, file_okay=False))
@click.option("--random-state", default=0, show_default=True, type=int,
              help="Seed of the held-out split of the demands.")
def evaluate(dataset, random_state):
    """Quality of the engine on a labelled DATASET folder, against two baselines.

    DATASET holds chains.json, demands.jsonl, capabilities.jsonl and qrels.tsv.
    Prints NDCG@10, MRR, recall@10 and ranking error (1 - NDCG@10) of the engine,
    of TF-IDF over character bigrams and of BM25, on all demands and on a
    two-fold held-out split (weights tuned on one half, scored on the other).
    """
    from matchmaker.matching.evaluate import (
        bm25_baseline,
        engine_rankings,
        load_dataset,
        score_rankings,
        tfidf_bigram_baseline,
    )
    from matchmaker.matching.tuning import HeldOut, held_out

    try:
        ds = load_dataset(dataset)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    n_labels = sum(len(v) for v in ds.qrels.values())
    click.echo(f"{dataset}: {len(ds.demands)} demands, {len(ds.capabilities)} capabilities, "
               f"{n_labels} labels")
    try:
        import bm25s  # noqa: F401
    except ImportError:
        raise click.ClickException("the BM25 baseline needs the bm25s package "
                                   "(pip install bm25s)") from None
    engine = score_rankings(engine_rankings(ds), ds)
    tfidf = score_rankings(tfidf_bigram_baseline(ds), ds)
    bm25 = score_rankings(bm25_baseline(ds), ds)
    best = min(tfidf.error, bm25.error)
    header = f"{'':<28}{'NDCG@10':>9}{'MRR':>8}{'recall@10':>11}{'error':>8}"
    click.echo("\nall demands (default parameters)")
    click.echo(header)
    click.echo(_row("engine", engine))
    click.echo(_row("TF-IDF character bigrams", tfidf))
    click.echo(_row("BM25 (bm25s)", bm25))
    click.echo(f"engine error / best baseline error: {_ratio(engine.error, best)}")

    h = held_out(ds, random_state=random_state)
    click.echo(f"\nheld out (random_state={random_state}): weights tuned on one half of the "
               "demands, scored on the other, then swapped")
    for i, (half, params) in enumerate(zip(h.halves, h.tuned_params)):
        shown = ", ".join(f"{k}={v}" for k, v in params.items())
        click.echo(f"  half {'AB'[i]}: {' '.join(half)}\n    tuned on it: {shown}")
    click.echo(header)
    held = {name: HeldOut.mean(getattr(h, attr)) for name, attr in (
        ("engine (tuned on other half)", "engine_tuned"), ("engine (defaults)", "engine_default"),
        ("TF-IDF character bigrams", "tfidf"), ("BM25 (bm25s)", "bm25"))}
    for name, s in held.items():
        click.echo(_row(name, s))
    best_held = min(held["TF-IDF character bigrams"].error, held["BM25 (bm25s)"].error)
    click.echo("engine (tuned on other half) error / best baseline error: "
               f"{_ratio(held['engine (tuned on other half)'].error, best_held)}")


def _ratio(a, b):
    return f"{a / b:.2f}" if b > 0 else "n/a"
