"""``matchmaker chains``: validate, import, export and coverage (weak-link) tables."""
from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import click

import graph as chaingraph

from ..db import session_scope


def _app():
    from .. import create_app
    return create_app()


@click.group()
def chains() -> None:
    """Industrial chains (产业链): validate, import, export, weak links."""


@chains.command()
@click.argument("files", nargs=-1, required=True, type=click.Path())
def validate(files: tuple[str, ...]) -> None:
    """Check FILES against the chains format; list every problem with where it is.

    Several files (or a folder of ``*.json`` files) are checked as one set, as the seed chains are
    loaded: an edge may join nodes of two files.
    """
    paths = _chain_files(files)
    origins: list[tuple[Path, int]] = []  # (file, index in it) of each chain of a merged set
    if len(paths) == 1:
        source, label = Path(paths[0]), str(paths[0])  # a Path: a name such as "[v2].json" is no JSON text
    else:
        source, label = _merged(paths, origins), f"{len(paths)} files"
    try:
        G = chaingraph.load_chains(source)
    except chaingraph.ChainValidationError as exc:
        click.echo(f"{label}: {len(exc.problems)} problem(s)", err=True)
        for p in exc.problems:
            where = _in_file(p.location, origins)
            click.echo(f"  - {p.message}" + (f" [{where}]" if where else ""), err=True)
        if len(paths) == 1 and any(p.kind == "unknown_node" for p in exc.problems):
            click.echo("  (if those nodes are in other chain files, check the files together: "
                       "matchmaker chains validate FOLDER or FILE FILE …)", err=True)
        sys.exit(1)
    except (chaingraph.ChainError, OSError) as exc:
        click.echo(f"{label}: {exc}", err=True)
        sys.exit(1)
    recycling = sum(kind == "recycle" for _, _, kind in G.edges(data="kind"))
    click.echo(f"{label}: OK — {len(G.graph['chains'])} chains, {G.number_of_nodes()} nodes, "
               f"{G.number_of_edges()} edges" + (f" ({recycling} recycling)" if recycling else ""))


def _chain_files(names: tuple[str, ...]) -> list[Path]:
    """The files named, a folder standing for its ``*.json`` files; a name that is neither ends the command."""
    paths: list[Path] = []
    for name in names:
        path = Path(name)
        if path.is_dir():
            found = sorted(path.glob("*.json"))
            if not found:
                click.echo(f"{name}: no *.json file in this folder", err=True)
                sys.exit(1)
            paths.extend(found)
        elif path.is_file():
            paths.append(path)
        else:
            click.echo(f"{name}: no such file or folder", err=True)
            sys.exit(1)
    return paths


def _in_file(location: str, origins: list[tuple[Path, int]]) -> str:
    """A problem's place in a merged set, named in its own file: ``chains[3] (nev)`` → ``nev.json: chains[0] (nev)``."""
    match = re.match(r"chains\[(\d+)\]", location or "")
    if not match or not origins or int(match.group(1)) >= len(origins):
        return location
    path, index = origins[int(match.group(1))]
    return f"{path.name}: chains[{index}]" + location[match.end():]


def _merged(paths: list[Path], origins: list[tuple[Path, int]]) -> dict:
    """One chains document of several files; a file that is not one ends the command with its problems.

    ``origins`` receives, for each chain of the result, its file and its index there."""
    merged: list = []
    for path in paths:
        try:
            document = json.loads(path.read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            # The single-file check says exactly what is wrong (JSON position, encoding, nesting).
            problems = chaingraph.validate_chains(path)
            click.echo(f"{path}: {len(problems)} problem(s)", err=True)
            for p in problems:
                click.echo(f"  - {p.message}" + (f" [{p.location}]" if p.location else ""), err=True)
            sys.exit(1)
        chains = document.get("chains") if isinstance(document, dict) else None
        if not isinstance(chains, list):
            click.echo(f'{path}: missing the top-level "chains" list', err=True)
            sys.exit(1)
        merged.extend(chains)
        origins.extend((path, index) for index in range(len(chains)))
    return {"chains": merged}


@chains.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Apply without asking.")
def import_(file: str, yes: bool) -> None:
    """Replace the stored chains by FILE after showing what changes."""
    from ..services import chain_analysis
    app = _app()
    with session_scope(app) as session:
        try:
            plan = chain_analysis.plan_upload(session, Path(file))
        except chaingraph.ChainError as exc:
            click.echo(str(exc), err=True)
            sys.exit(1)
        d = plan.diff
        for label, items in (("chains added", d.chains_added), ("chains removed", d.chains_removed),
                             ("nodes added", d.nodes_added), ("nodes removed", d.nodes_removed),
                             ("nodes renamed", d.nodes_renamed), ("edges added", d.edges_added),
                             ("edges removed", d.edges_removed), ("edges changed", d.edges_changed)):
            click.echo(f"{label:<15} {len(items)}")
        for change in d.edges_changed:
            click.echo(f"  edge {change}")
        for kind, label, node in plan.affected:
            click.echo(f"  affected {kind} {label} -> {node}")
        if d.is_empty:
            click.echo("No changes.")
            return
        if not yes and not click.confirm("Apply?", default=False):
            click.echo("Nothing changed.")
            return
        added, updated, removed = chain_analysis.apply_upload(session, plan.document, None)
    click.echo(f"Applied: {added} added, {updated} updated, {removed} removed chains.")


@chains.command()
@click.option("--format", "fmt", type=click.Choice(["json", "graphml"]), default="json", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False), help="Write here instead of standard output.")
def export(fmt: str, out: str | None) -> None:
    """Write the stored chains as JSON (the chains format) or GraphML."""
    from ..services import chains as chain_service
    app = _app()
    with session_scope(app) as session:
        G = chain_service.current_graph(session)
    if fmt == "json":
        text = json.dumps(chaingraph.chains_to_dict(G), ensure_ascii=False, indent=2)
        if out:
            with open(out, "w", encoding="utf-8") as fh:
                fh.write(text + "\n")
        else:
            click.echo(text)
    else:
        if out:
            chaingraph.write_graphml(G, out)
        else:
            import io
            buf = io.BytesIO()
            chaingraph.write_graphml(G, buf)
            click.echo(buf.getvalue().decode("utf-8"))


#: What each status measures: the platform's own postings, not the real chain (see graph.weak).
STATUS_LABEL = {"gap": "平台供给空白 no supply on the platform", "thin": "单一来源 single source on the platform",
                "ok": "正常 covered", "idle": "暂无供需 no postings"}


@chains.command("weak-links")
@click.option("--chain", "chain_id", help="Only this chain.")
@click.option("--all", "show_all", is_flag=True, help="Also list covered nodes and nodes without postings.")
def weak_links(chain_id: str | None, show_all: bool) -> None:
    """A table of the platform's coverage: nodes with open demand and no verified supplier on the
    platform, and nodes with a single verified supplier on the platform; with the SRDI (专精特新) and
    Little Giant (小巨人) suppliers of each node. It measures this platform's postings, not the chain."""
    from ..presentation import local_time
    from ..services import chain_analysis
    app = _app()
    with session_scope(app) as session:
        try:
            report = chain_analysis.coverage(session, chain_id)
        except chaingraph.ChainError as exc:
            click.echo(str(exc), err=True)
            sys.exit(2)
    links = report.links
    rows = [w for w in links if show_all or w.status in ("gap", "thin")]
    if not links:
        click.echo("No chains loaded; run `matchmaker seed`.")
        return
    click.echo(f"Data as of {local_time(report.as_of, zone=False)} (Beijing time); "
               "counts only the postings of this platform.")
    if not rows:
        click.echo("Every node with open demand has two or more verified suppliers on the platform.")
        return
    header = (f"{_pad('status', 40)} {'node':<28} {'name':<14} {'suppliers':>9} {'SRDI':>5} {'giants':>6} "
              f"{'unverified':>10} {'demands':>7}  top region")
    click.echo(header)
    click.echo("-" * len(header))
    srdi, giant = chain_analysis.TIERS
    for w in rows:
        share = f"{w.top_region} {w.region_concentration:.0%}" if w.region_concentration is not None else "-"
        click.echo(f"{_pad(STATUS_LABEL[w.status], 40)} {w.node:<28} {_pad(w.name, 14)} {w.suppliers:>9} "
                   f"{w.tagged.get(srdi, 0):>5} {w.tagged.get(giant, 0):>6} "
                   f"{w.suppliers_unverified:>10} {w.demands:>7}  {share}")
    counts = {s: sum(w.status == s for w in links) for s in ("gap", "thin")}
    click.echo(f"\n{counts['gap']} nodes with no supply on the platform, {counts['thin']} with a single source "
               f"on the platform, of {len(links)} nodes.")


def _pad(text: str, width: int) -> str:
    """Pad for terminals where a CJK character is two columns wide."""
    import unicodedata
    cols = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - cols)


def _register_file_commands() -> None:
    from .chains_pure import diff_command, svg_command
    chains.add_command(diff_command, "diff")
    chains.add_command(svg_command, "svg")


_register_file_commands()
