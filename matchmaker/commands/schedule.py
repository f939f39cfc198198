"""`matchmaker schedule EVENT.json --out schedule.csv`: build a fair's meeting schedule."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from pathlib import Path

import click

from matchmaker.io.sheets import unguard, write_table
from matchmaker.scheduling import (
    InvalidEventError,
    Meeting,
    Problem,
    ScheduleError,
    schedule,
)

__all__ = ["schedule_command"]


def _fail(message):
    click.echo(f"Error: {message}", err=True)
    raise click.exceptions.Exit(2)


def _number(value):
    value = float(value)
    return int(value) if value.is_integer() else round(value, 6)


def _read_event(path: Path):
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        _fail(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")
    except OSError as exc:
        _fail(f"{path}: cannot read ({exc.strerror})")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        _fail(f"{path}: line {exc.lineno} column {exc.colno}: {exc.msg}")
    except RecursionError:
        _fail(f"{path}: the JSON is nested too deeply (lists or objects inside each other)")
    except ValueError as exc:  # e.g. an integer of thousands of digits
        _fail(f"{path}: unreadable JSON ({exc})")


def _read_previous(path: Path):
    """Read a published schedule written by this command (slot,table,buyer,supplier,priority)."""
    meetings, problems = [], []
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            missing = {"slot", "table", "buyer", "supplier"} - set(reader.fieldnames or [])
            if missing:
                _fail(f"{path}: missing column(s) {', '.join(sorted(missing))}")
            for line, row in enumerate(reader, start=2):
                try:
                    table = int(row["table"])
                    priority = _number(row.get("priority") or 1)
                except (TypeError, ValueError):
                    problems.append(f"{path}: row {line}: table or priority is not a number")
                    continue
                meetings.append(Meeting(unguard(row["buyer"].strip()), unguard(row["supplier"].strip()),
                                        unguard(row["slot"].strip()), table, priority))
    except OSError as exc:
        _fail(f"{path}: cannot read ({exc.strerror})")
    except UnicodeDecodeError as exc:
        _fail(f"{path}: not UTF-8 text ({exc.reason})")
    if problems:
        _fail("\n  ".join(problems))
    return meetings


def _write_csv(path: Path, header, rows):
    # UTF-8 with a BOM, which Excel (used by organisers) needs for Chinese names;
    # participant ids that look like formulas are guarded.
    write_table(path, header, rows, fmt="csv")


def _side_file(out: Path, kind: str) -> Path:
    return out.with_name(f"{out.stem}.{kind}.csv")


@click.command("schedule")
@click.argument("event", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="CSV to write: slot,table,buyer,supplier,priority.")
@click.option("--time-limit", default=30.0, show_default=True,
              type=click.FloatRange(min=0.1), help="Seconds to spend searching.")
@click.option("--allow-moves/--no-moves", default=True, show_default=True,
              help="Whether meetings of a published schedule may move.")
@click.option("--previous", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Published schedule CSV (as written by this command) to keep stable; "
                   "replaces the event's own \"previous\" list.")
@click.option("--seed", type=int, default=None, help="Seed for reproducible tie-breaking.")
def schedule_command(event, out, time_limit, allow_moves, previous, seed):
    """Build the 1:1 meeting schedule of the fair described in EVENT (JSON).

    Meets as many participants as possible, then holds as much request
    priority as possible. Requests left out go to <out>.unscheduled.csv with
    a reason; with a published schedule, changes go to <out>.changes.csv.
    """
    data = _read_event(event)
    try:
        problem = Problem.from_dict(data)
    except InvalidEventError as exc:
        _fail(f"{event}: {exc}")
    problem = replace(problem, allow_moves=allow_moves)
    if previous is not None:
        problem = replace(problem, previous=_read_previous(previous))
    for text in problem.warnings:
        click.echo(f"warning: {text}", err=True)
    try:
        result = schedule(problem, time_limit=time_limit, random_state=seed)
    except ScheduleError as exc:
        _fail(f"{event}: {exc}")
    try:
        _write_csv(out, ["slot", "table", "buyer", "supplier", "priority"],
                   [[m.slot, m.table, m.buyer, m.supplier, _number(m.priority)]
                    for m in result.meetings])
        left = _side_file(out, "unscheduled")
        _write_csv(left, ["buyer", "supplier", "priority", "reason"],
                   [[r.buyer, r.supplier, _number(r.priority), why]
                    for r, why in result.unscheduled])
        if problem.previous:
            _write_csv(_side_file(out, "changes"),
                       ["change", "buyer", "supplier", "old_slot", "old_table", "new_slot",
                        "new_table", "reason"],
                       [[c.kind, c.buyer, c.supplier,
                         c.before.slot if c.before else "", c.before.table if c.before else "",
                         c.after.slot if c.after else "", c.after.table if c.after else "",
                         c.reason] for c in result.changes])
    except OSError as exc:
        click.echo(f"Error: cannot write {exc.filename}: {exc.strerror}", err=True)
        raise click.exceptions.Exit(1) from None
    gap = 100.0 * result.gap
    click.echo(f"meetings scheduled: {len(result.meetings)} -> {out}")
    proof = " (proven optimal)" if result.optimal else ""
    click.echo(f"total priority: {_number(result.total_priority)} of at most "
               f"{_number(result.upper_bound)} (gap {gap:.2f}%){proof}")
    click.echo(f"participants met: {result.participants_met} of "
               f"{result.participants_with_request} with a request "
               f"(coverage bound {result.coverage_bound})")
    click.echo(f"requests left out: {len(result.unscheduled)} -> {left}")
    if problem.previous:
        kinds = [c.kind for c in result.changes]
        click.echo(f"changes from the published schedule: {kinds.count('moved')} moved, "
                   f"{kinds.count('removed')} removed, {kinds.count('added')} added "
                   f"-> {_side_file(out, 'changes')}")
