"""Give each meeting a table number once slots are fixed.

A buyer with a fixed table sits there. Other buyers get a "home" table and
keep it in every slot where it is free, so that suppliers find them at the
same place all day; published meetings keep their table when they can.
"""

from __future__ import annotations

from collections import Counter, defaultdict

__all__ = ["assign_tables"]


def _homes(inst, slot_of):
    wanted = defaultdict(Counter)
    for r, (t, table) in list(inst.pins.items()) + list(inst.hints.items()):
        b = inst.rb[r]
        if table is not None and inst.fixed[b] is None:
            wanted[b][table] += 1
    load = Counter(inst.rb[r] for r in slot_of if inst.fixed[inst.rb[r]] is None)
    homes = {}
    used = set()
    for b in sorted(load, key=lambda b: (-sum(wanted[b].values()), -load[b], inst.pid[b])):
        for table, _ in wanted[b].most_common():
            if table not in used:
                homes[b] = table
                used.add(table)
                break
    spare = [t for t in inst.floating if t not in used]
    spare.reverse()
    for b in sorted(load, key=lambda b: (-load[b], inst.pid[b])):
        if b not in homes and spare:
            homes[b] = spare.pop()
    return homes


def assign_tables(inst, slot_of):
    """Return ``{request: table}`` for ``slot_of`` (``{request: slot index}``)."""
    homes = _homes(inst, slot_of)
    by_slot = defaultdict(list)
    for r, t in slot_of.items():
        by_slot[t].append(r)
    table_of = {}
    for t, rs in by_slot.items():
        taken = set()
        waiting = []
        for r in rs:
            pin = inst.pins.get(r)
            fixed = inst.fixed[inst.rb[r]]
            if fixed is not None:
                table_of[r] = fixed
                taken.add(fixed)
            elif pin is not None and pin[1] is not None:
                table_of[r] = pin[1]
                taken.add(pin[1])
            else:
                waiting.append(r)
        # Published tables first, then home tables, then whatever is left.
        rest = []
        for r in waiting:
            hint = inst.hints.get(r)
            if hint is not None and hint[0] == t and hint[1] is not None \
                    and hint[1] not in taken:
                table_of[r] = hint[1]
                taken.add(hint[1])
            else:
                rest.append(r)
        later = []
        for r in sorted(rest, key=lambda r: inst.pid[inst.rb[r]]):
            home = homes.get(inst.rb[r])
            if home is not None and home not in taken:
                table_of[r] = home
                taken.add(home)
            else:
                later.append(r)
        free = (x for x in inst.floating if x not in taken)
        for r in later:
            table = next(free)
            table_of[r] = table
            taken.add(table)
    return table_of
