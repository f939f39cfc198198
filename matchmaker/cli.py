"""The ``matchmaker`` command line."""
from __future__ import annotations

import sys
from importlib import import_module

import click
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from . import redis_client
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

#: Exit status of a command stopped because the database or Redis cannot be used
#: (``EX_UNAVAILABLE`` of sysexits.h).
EXIT_UNAVAILABLE = 69


class ServiceUnavailable(click.ClickException):
    """The database or Redis cannot be used: one line on standard error, no traceback."""

    exit_code = EXIT_UNAVAILABLE

    def show(self, file=None) -> None:
        click.echo(self.format_message(), err=True)


def _detail(exc: BaseException) -> str:
    """The first line of what the driver said (psycopg, sqlite3, redis)."""
    text = str(getattr(exc, "orig", None) or exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _database_message(exc: BaseException) -> str:
    detail = _detail(exc)
    if "no such table" in detail or "no such column" in detail:
        return ("数据库尚未初始化或需要升级，请先运行 matchmaker init / The database is not set up or needs an "
                f"upgrade; run `matchmaker init` first ({detail})")
    return f"数据库无法使用，请检查 DATABASE_URL 与数据库服务 / The database cannot be used ({detail})"


def _redis_message(exc: BaseException) -> str:
    return f"Redis 无法连接，请检查 REDIS_URL 与 Redis 服务 / Redis cannot be reached ({_detail(exc)})"


class MatchmakerGroup(click.Group):
    """Turns a database or Redis that cannot be used, in any command, into one clear line."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (OperationalError, InterfaceError, PoolTimeout) as exc:
            raise ServiceUnavailable(_database_message(exc)) from None
        except redis_client.errors() as exc:
            raise ServiceUnavailable(_redis_message(exc)) from None


@click.group(cls=MatchmakerGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="matchmaker")
def main() -> None:
    """Matchmaker: supply-chain matchmaking for large enterprises and SMEs (大中小企业融通对接平台)."""


for _module, _names in COMMANDS:
    _mod = import_module(f"matchmaker.commands.{_module}")
    for _name in _names:
        main.add_command(getattr(_mod, _name))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
