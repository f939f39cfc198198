"""Benchmark the meeting scheduler against the greedy baseline.

Generates fairs with skewed popularity (a few buyers and suppliers are
wanted by many, Zipf-like), random unavailability, tables that bind and
priorities 1-3, then prints for the scheduler and for greedy-by-priority:
meetings, participants left without a meeting, total priority, the upper
bound on priority, the coverage bound and the time.

    python benchmarks/bench_schedule.py                 # 300 x 2000, 20k requests
    python benchmarks/bench_schedule.py --fair          # 400 suppliers, 480 table-slots
    python benchmarks/bench_schedule.py --small         # <= 60 requests vs exact MILP
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from matchmaker.scheduling import (
    Participant,
    Problem,
    Request,
    check,
    greedy_schedule,
    schedule,
)
from matchmaker.scheduling.exact import solve_exact
from matchmaker.scheduling.instance import Instance


def _zipf_weights(n, exponent, rng):
    w = 1.0 / np.arange(1, n + 1) ** exponent
    rng.shuffle(w)
    return w / w.sum()


def make_event(buyers, suppliers, requests, slots, tables, unavail, seed,
               fixed_share=0.1, limit_share=0.2, exponent=0.9):
    """Return a Problem with Zipf-like popularity on both sides."""
    rng = np.random.default_rng(seed)
    slot_names = [f"{9 + (20 * i) // 60:02d}:{(20 * i) % 60:02d}" for i in range(slots)]
    parts = []
    fixed_tables = rng.permutation(np.arange(1, tables + 1))
    n_fixed = int(fixed_share * min(buyers, tables))
    for i in range(buyers):
        off = frozenset(s for s in slot_names if rng.random() < unavail)
        table = int(fixed_tables[i]) if i < n_fixed else None
        parts.append(Participant(f"B{i + 1}", "buyer", table, off))
    for i in range(suppliers):
        off = frozenset(s for s in slot_names if rng.random() < unavail)
        limit = int(rng.integers(2, 7)) if rng.random() < limit_share else None
        parts.append(Participant(f"S{i + 1}", "supplier", None, off, limit))
    wb = _zipf_weights(buyers, exponent, rng)
    ws = _zipf_weights(suppliers, exponent * 0.7, rng)
    pairs = set()
    # Every supplier asks for at least one buyer; the rest follows popularity.
    for s in range(suppliers):
        if len(pairs) < requests:
            pairs.add((int(rng.choice(buyers, p=wb)), s))
    while len(pairs) < min(requests, buyers * suppliers):
        need = requests - len(pairs)
        bs = rng.choice(buyers, size=2 * need, p=wb)
        ss = rng.choice(suppliers, size=2 * need, p=ws)
        for b, s in zip(bs.tolist(), ss.tolist()):
            pairs.add((b, s))
            if len(pairs) >= requests:
                break
    prio = rng.choice([1, 2, 3], size=len(pairs), p=[0.5, 0.3, 0.2])
    reqs = [Request(f"B{b + 1}", f"S{s + 1}", int(p))
            for (b, s), p in zip(sorted(pairs), prio.tolist())]
    return Problem(slot_names, tables, parts, reqs)


def _row(name, res, elapsed):
    unmet = res.participants_with_request - res.participants_met
    return (f"{name:<10} {len(res.meetings):>8} {unmet:>7} {res.total_priority:>10.0f} "
            f"{res.upper_bound:>10.0f} {100 * res.gap:>6.2f}% {res.coverage_bound:>8} "
            f"{res.participants_with_request - res.coverage_bound:>9} "
            f"{res.stats['idle_gaps']:>9} {elapsed:>7.2f}s")


def compare(problem, time_limit, seed):
    print(f"{'method':<10} {'meetings':>8} {'unmet':>7} {'priority':>10} {'upper':>10} "
          f"{'gap':>7} {'cov.bnd':>8} {'min unmet':>9} {'idle gaps':>9} {'time':>8}")
    t0 = time.perf_counter()
    ours = schedule(problem, time_limit=time_limit, random_state=seed)
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    base = greedy_schedule(problem)
    t_base = time.perf_counter() - t0
    # Bounds for the baseline's own coverage (computing them is not part of its time).
    bounded = greedy_schedule(problem, bounds=True)
    base.upper_bound, base.coverage_bound = bounded.upper_bound, bounded.coverage_bound
    print(_row("scheduler", ours, t_ours))
    print(_row("greedy", base, t_base))
    for name, res in (("scheduler", ours), ("greedy", base)):
        bad = check(problem, res.meetings)
        if bad:
            print(f"  {name}: {len(bad)} violated constraints, e.g. {bad[0]}")
    unmet = ours.participants_with_request - ours.participants_met
    floor = ours.participants_with_request - ours.coverage_bound
    print(f"  participants with a request: {ours.participants_with_request}; "
          f"left without a meeting: {unmet} (proven minimum {floor} "
          f"{'reached' if unmet == floor else 'not reached'}); greedy leaves "
          f"{base.participants_with_request - base.participants_met}")
    print(f"  priority held: {100 * ours.total_priority / max(ours.upper_bound, 1e-9):.2f}% "
          f"of the upper bound; optimal proven: {ours.optimal}; method: {ours.stats['method']}")
    return ours, base


def run_small(count, seed, time_limit):
    """Events of at most 60 requests: compare with the exact MILP."""
    rng = np.random.default_rng(seed)
    equal = proven = 0
    worst = 0.0
    t_all = time.perf_counter()
    for i in range(count):
        nb, ns = int(rng.integers(2, 7)), int(rng.integers(3, 13))
        nr = int(rng.integers(5, min(60, nb * ns) + 1))
        problem = make_event(nb, ns, nr, int(rng.integers(2, 7)), int(rng.integers(1, 5)),
                             float(rng.uniform(0, 0.5)), int(rng.integers(1 << 30)))
        ours = schedule(problem, time_limit=time_limit, random_state=i)
        ex = solve_exact(Instance(problem), 60.0)
        same = (ours.participants_met == ex.coverage
                and abs(ours.total_priority - ex.priority) < 1e-6)
        equal += same and ex.proven
        proven += ours.optimal
        worst = max(worst, ours.stats["time"])
        if not same or check(problem, ours.meetings):
            print(f"  instance {i}: ours ({ours.participants_met}, {ours.total_priority}) "
                  f"exact ({ex.coverage}, {ex.priority}) proven={ex.proven}")
    print(f"small events: {count}; equal to the exact MILP: {equal}; proven optimal by the "
          f"scheduler: {proven}; slowest {worst:.2f}s; total {time.perf_counter() - t_all:.1f}s")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--buyers", type=int, default=300)
    ap.add_argument("--suppliers", type=int, default=2000)
    ap.add_argument("--requests", type=int, default=20000)
    ap.add_argument("--slots", type=int, default=16)
    ap.add_argument("--tables", type=int, default=300)
    ap.add_argument("--unavail", type=float, default=0.15)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--time-limit", type=float, default=30.0)
    ap.add_argument("--fair", action="store_true",
                    help="400 suppliers, 480 table-slots, 30%% unavailability")
    ap.add_argument("--small", action="store_true", help="events of <= 60 requests vs MILP")
    ap.add_argument("--count", type=int, default=100, help="events for --small")
    args = ap.parse_args(argv)
    if args.small:
        run_small(args.count, args.seed, args.time_limit)
        return
    if args.fair:
        args.buyers, args.suppliers, args.requests = 60, 400, 2400
        args.slots, args.tables, args.unavail = 16, 30, 0.3
    print(f"event: {args.buyers} buyers, {args.suppliers} suppliers, {args.requests} requests, "
          f"{args.slots} slots, {args.tables} tables, unavailability {args.unavail:.0%}, "
          f"seed {args.seed}")
    t0 = time.perf_counter()
    problem = make_event(args.buyers, args.suppliers, args.requests, args.slots, args.tables,
                         args.unavail, args.seed)
    print(f"  generated in {time.perf_counter() - t0:.1f}s")
    compare(problem, args.time_limit, args.seed)


if __name__ == "__main__":
    main()
