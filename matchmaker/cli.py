"""The ``matchmaker`` command line."""
from __future__ import annotations

import sys
from importlib import import_module

import click

from .version import __version__

#: Sub-command modules: (module under matchmaker.commands, attribute names).
COMMANDS = (
    ("site", ("init", "seed", "serve", "demo", "worker")),
    ("chains", ("chains",)),
    ("accounts", ("users",)),
    ("search", ("search",)),
    ("events", ("events",)),
    ("schedule", ("schedule_command",)),
    ("match", ("match", "evaluate", "tune")),
    ("imports", ("import_command",)),
    ("exports", ("export_command",)),
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="matchmaker")
def main() -> None:
    """Matchmaker: supply-chain matchmaking for large enterprises and SMEs (大中小企业融通对接平台)."""


for _module, _names in COMMANDS:
    _mod = import_module(f"matchmaker.commands.{_module}")
    for _name in _names:
        main.add_command(getattr(_mod, _name))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
