"""Commands ``match`` (rank postings from files) and ``evaluate`` (quality on labelled data)."""
from __future__ import annotations

import sys
import time
from pathlib import Path

import click

__all__ = ["evaluate", "match", "seed_chains", "tune"]

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
    ranking_time = [0.0]
    try:
        started = time.perf_counter()
        if direction == "demand":
            matcher = Matcher(n_jobs=jobs).fit(capabilities.records, G)
            queries, rank, id_field = demands.records, matcher.rank, "demand_id"
        else:
            matcher = Matcher(n_jobs=jobs).fit(None, G, demands=demands.records)
            queries, rank, id_field = capabilities.records, matcher.rank_demands, "capability_id"
        indexing = time.perf_counter() - started
        indexed = len(demands.records if direction == "capability" else capabilities.records)

        def rankings():
            for batch in _progress(queries, len(queries), "ranking"):
                t = time.perf_counter()
                ranked = rank(batch, top=top)
                ranking_time[0] += time.perf_counter() - t
                yield from ((record["id"], r) for record, r in zip(batch, ranked))

        written = write_ranking(out_path, rankings(), id_field)
    except MatchingError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"indexed {indexed:,} postings in {indexing:.2f} s; ranked {len(queries):,} in "
               f"{ranking_time[0]:.2f} s ({1000 * ranking_time[0] / max(len(queries), 1):.2f} ms "
               "each)", err=True)
    click.echo(f"{written} rankings written to {out_path}"
               + (f"; {bad} record(s) skipped" if bad else ""), err=True)
    if strict and bad:
        sys.exit(1)


def _load_sets(folders):
    from matchmaker.matching.evaluate import load_dataset

    sets = []
    for folder in folders:
        try:
            sets.append(load_dataset(folder))
        except (OSError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    return sets


def _fit_progress(label):
    """A callable advancing a spinner-like counter on a terminal (nothing otherwise)."""
    if not sys.stderr.isatty():
        return None
    count = [0]

    def tick():
        count[0] += 1
        click.echo(f"\r{label}: {count[0]} settings scored", err=True, nl=False)
    return tick


def _row(name, ndcg, mrr, recall, extra=""):
    return f"  {name:<34}{ndcg:>9.3f}{mrr:>8.3f}{recall:>11.3f}{1 - ndcg:>8.3f}{extra}"


@click.command()
@click.argument("datasets", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False))
@click.option("--ablations", is_flag=True,
              help="Also score each set with one signal or resource switched off (or on), "
                   "shipped weights otherwise.")
def evaluate(datasets, ablations):
    """Quality of the engine on labelled DATASETS, against the two plain baselines.

    Each DATASET folder holds chains.json, demands.jsonl, capabilities.jsonl and
    qrels.tsv. Per set: NDCG@10, MRR, recall@10 and ranking error (1 - NDCG@10)
    of the engine, of TF-IDF and of BM25 over CJK bigrams and Latin words, and the
    demands the engine wins, ties and loses against BM25. With two sets or more,
    the engine scoring a set uses weights fitted on the other sets only
    (cross-validation across sets); the shipped weights (fitted on all sets) are
    shown too. With --ablations, each set is also scored with one signal or
    resource switched off (glossary, dictionary bridge, chain-node terms) or
    on (chain proximity, region).
    """
    import numpy as np

    from matchmaker.matching import Matcher
    from matchmaker.matching.evaluate import (
        bm25_baseline,
        engine_rankings,
        per_demand_ndcg,
        score_rankings,
        tfidf_bigram_baseline,
        wins_ties_losses,
    )
    from matchmaker.matching.fitting import cross_validate

    try:
        import bm25s  # noqa: F401
    except ImportError:
        raise click.ClickException("the BM25 baseline needs the bm25s package "
                                   "(pip install bm25s)") from None
    sets = _load_sets(datasets)
    cv = None
    if len(sets) > 1:
        cv = cross_validate(sets, list(datasets), progress=_fit_progress("fitting"))
        if sys.stderr.isatty():
            click.echo("", err=True)
    header = f"  {'':<34}{'NDCG@10':>9}{'MRR':>8}{'recall@10':>11}{'error':>8}"
    summary = []
    for i, (folder, ds) in enumerate(zip(datasets, sets)):
        n_labels = sum(len(v) for v in ds.qrels.values())
        click.echo(f"\n{folder}: {len(ds.demands)} demands, {len(ds.capabilities)} "
                   f"capabilities, {n_labels} labels")
        shipped = engine_rankings(ds, matcher=Matcher().fit(ds.capabilities, ds.chains))
        tfidf, bm25 = tfidf_bigram_baseline(ds), bm25_baseline(ds)
        bm25_nd = per_demand_ndcg(bm25, ds)
        best = min(1 - score_rankings(tfidf, ds).ndcg, 1 - score_rankings(bm25, ds).ndcg)
        rows = []
        if cv is not None:
            params = ", ".join(f"{k}={v:g}" for k, v in cv.params[i].items())
            click.echo(f"  weights fitted on the other set(s): {params}")
            m = Matcher(**cv.params[i]).fit(ds.capabilities, ds.chains)
            rows.append(("engine (fitted on the others)", engine_rankings(ds, matcher=m)))
        rows.append(("engine (shipped weights)", shipped))
        click.echo(header)
        for name, ranked in rows + [("TF-IDF (baseline)", tfidf), ("BM25 (baseline)", bm25)]:
            sc = score_rankings(ranked, ds)
            extra = ""
            if name.startswith("engine"):
                w, t, lo = wins_ties_losses(per_demand_ndcg(ranked, ds), bm25_nd)
                extra = f"   vs BM25: {w} won, {t} tied, {lo} lost"
            click.echo(_row(name, sc.ndcg, sc.mrr, sc.recall, extra))
        main_name, main_ranked = rows[0]
        main = score_rankings(main_ranked, ds)
        w, t, lo = wins_ties_losses(per_demand_ndcg(main_ranked, ds), bm25_nd)
        ratio = (1 - main.ndcg) / best if best > 0 else float("nan")
        click.echo(f"  {main_name}: error / best baseline error = {ratio:.2f}")
        summary.append((folder, main.ndcg, ratio, w, lo))
    if len(summary) > 1:
        click.echo("\nsummary (" + ("cross-validated" if cv is not None else "shipped") + ")")
        for folder, nd, ratio, w, lo in summary:
            ok = nd >= 0.80 and ratio <= 0.5 and w >= lo
            click.echo(f"  {folder}: NDCG@10 {nd:.3f}, error ratio {ratio:.2f}, "
                       f"{w} won / {lo} lost vs BM25 -> {'meets' if ok else 'misses'} the "
                       "targets (NDCG@10 >= 0.80, ratio <= 0.5, wins >= losses)")
        click.echo(f"  mean NDCG@10 {np.mean([s[1] for s in summary]):.3f}")
    if ablations:
        _print_ablations(datasets, sets)


#: One change each from the shipped engine: what a signal or resource adds.
ABLATIONS = (
    ("shipped engine", {}),
    ("without the glossary", {"glossary": False}),
    ("without the dictionary bridge", {"bridge": False}),
    ("without chain-node terms", {"node_terms_weight": 0.0}),
    ("with chain proximity 0.05", {"graph_weight": 0.05, "chain_confidence": 0.6}),
    ("with region 0.02", {"region_weight": 0.02}),
)


def _print_ablations(datasets, sets):
    from matchmaker.matching import Matcher
    from matchmaker.matching.evaluate import engine_rankings, score_rankings

    names = [Path(d).name for d in datasets]
    click.echo("\nablations (NDCG@10, shipped weights otherwise)")
    click.echo(f"  {'':<34}" + "".join(f"{n:>14}" for n in names))
    base = None
    for label, change in ABLATIONS:
        scores = [score_rankings(engine_rankings(ds, matcher=Matcher(**change).fit(
            ds.capabilities, ds.chains)), ds).ndcg for ds in sets]
        base = base or scores
        cells = "".join(f"{v:>8.3f} ({v - b:+.3f})" if change else f"{v:>14.3f}"
                        for v, b in zip(scores, base))
        click.echo(f"  {label:<34}{cells}")


@click.command()
@click.argument("datasets", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False))
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="Weights file to write (default: print only). The shipped one is "
                   "matchmaker/matching/weights.json.")
def tune(datasets, out_path):
    """Fit the engine's weights and calibration on labelled DATASETS.

    Coordinate ascent on the mean over sets of NDCG@10, then a logistic
    calibration of the raw scores (see matchmaker.matching.fitting). Writes the
    weights file that `matchmaker match`, the site and the API use.
    """
    from matchmaker.matching.fitting import calibration, fit_weights
    from matchmaker.matching.weights import write_weights

    sets = _load_sets(datasets)
    params, score = fit_weights(sets, progress=_fit_progress("fitting"))
    if sys.stderr.isatty():
        click.echo("", err=True)
    cal = calibration(sets, params)
    click.echo("params: " + ", ".join(f"{k}={v:g}" for k, v in params.items()))
    click.echo(f"calibration: slope={cal['slope']:g}, intercept={cal['intercept']:g}")
    click.echo(f"mean NDCG@10 over the sets (fitted on them): {score:.3f}")
    if out_path:
        names = [Path(d).name for d in datasets]
        write_weights(out_path, params, cal, {
            "command": "matchmaker tune " + " ".join(f"tests/data/{n}" for n in names)
                       + " --out matchmaker/matching/weights.json",
            "sets": names, "mean_ndcg_at_10_fitted": round(score, 4)})
        click.echo(f"written to {out_path}")
