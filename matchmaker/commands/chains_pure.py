"""``matchmaker chains diff`` and ``matchmaker chains svg``: work on files only.

Neither command opens the database, so they also serve to check a chains file
before it is imported.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

import graph as chaingraph


def _load(path: str):
    try:
        return chaingraph.load_chains(Path(path))  # never taken for JSON text
    except chaingraph.ChainValidationError as exc:
        click.echo(str(exc), err=True)
    except (chaingraph.ChainError, OSError) as exc:
        click.echo(f"{path}: {exc}", err=True)
    sys.exit(1)


@click.command("diff")
@click.argument("old", type=click.Path(dir_okay=False))
@click.argument("new", type=click.Path(dir_okay=False))
def diff_command(old: str, new: str) -> None:
    """List what changes from chains file OLD to chains file NEW.

    Exits 0 when they describe the same graph, 3 when they differ.
    """
    diff = chaingraph.diff_chains(_load(old), _load(new))
    if diff.is_empty:
        click.echo("No changes.")
        return
    for line in diff.summary():
        click.echo(line)
    sys.exit(3)


@click.command("svg")
@click.argument("file", type=click.Path(dir_okay=False))
@click.argument("chain")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False),
              help="Write here instead of standard output.")
def svg_command(file: str, chain: str, lang: str, out: str | None) -> None:
    """Draw CHAIN of chains file FILE as an SVG map."""
    G = _load(file)
    try:
        svg = chaingraph.render_svg(G, chain, lang=lang)
    except chaingraph.ChainError as exc:
        click.echo(str(exc), err=True)
        sys.exit(1)
    if out:
        Path(out).write_text(svg + "\n", encoding="utf-8")
    else:
        click.echo(svg)
