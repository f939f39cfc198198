"""Commands that run the site: init, seed, serve, demo."""
from __future__ import annotations

import unicodedata

import click

from ..db import session_scope

DEMO_HOST = "127.0.0.1"
DEMO_PORT = 5000


def _app():
    from .. import create_app
    return create_app()


@click.command()
def init() -> None:
    """Create or upgrade the database schema (Alembic)."""
    from .. import migrate
    app = _app()
    migrate.upgrade(app.config["DATABASE_URL"])
    click.echo(f"Database ready: {_safe_url(app.config['DATABASE_URL'])}")


@click.command()
@click.option("--demo", is_flag=True, help="Also load demo enterprises, postings, events and accounts.")
def seed(demo: bool) -> None:
    """Load the industrial chains (and demo data); running it twice creates no duplicates."""
    from ..services import seeding
    app = _app()
    with session_scope(app) as session:
        report = seeding.seed_chains(session)
        if demo:
            report.update(seeding.seed_demo(session))
    for key, (added, total) in report.items():
        click.echo(f"{key:<14} {added:>5} added, {total:>5} in database")


def _run(app, host: str, port: int, debug: bool) -> None:
    app.run(host=host, port=port, debug=debug, use_reloader=False)


@click.command()
@click.option("--host", default=DEMO_HOST, show_default=True)
@click.option("--port", default=DEMO_PORT, show_default=True, type=int)
@click.option("--debug/--no-debug", default=False)
def serve(host: str, port: int, debug: bool) -> None:
    """Run the development server."""
    app = _app()
    _warm_up(announce=True)
    _fit_engines(app)
    _run(app, host, port, debug)


def _warm_up(announce: bool = False) -> None:
    """Compile the matching kernels now rather than in the first request.

    The first start after an install compiles them for this machine (some
    seconds); ``announce`` says so beforehand, so the wait does not look like a hang.
    """
    from ..matching import kernels

    if announce:
        click.echo("Preparing the matching engine (the first start after an install compiles it for "
                   "this machine, about 20 s) ...", err=True)
    seconds = kernels.warm_up()
    if seconds > 3:
        click.echo(f"matching engine compiled for this machine in {seconds:.0f} s "
                   "(kept for the next start)", err=True)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: CJK and other wide characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int) -> str:
    """``text`` left-aligned in ``width`` terminal columns (``str.ljust`` counts a CJK character as one)."""
    return text + " " * max(0, width - display_width(text))


def _fit_engines(app) -> None:
    """Fit the matching engines before the first request (which then answers at once)."""
    from ..services.engines import warm_up
    warm_up(app)


@click.command()
@click.option("--host", default=DEMO_HOST, show_default=True)
@click.option("--port", default=DEMO_PORT, show_default=True, type=int)
@click.option("--no-serve", is_flag=True, help="Prepare the demo database and stop.")
def demo(host: str, port: int, no_serve: bool) -> None:
    """init + seed --demo + serve, printing the URL and the demo log-ins."""
    from .. import migrate
    from ..services import seeding
    app = _app()
    click.echo(f"Preparing the database: {_safe_url(app.config['DATABASE_URL'])} ...", err=True)
    migrate.upgrade(app.config["DATABASE_URL"])
    click.echo("Loading the industrial chains and the demo data ...", err=True)
    with session_scope(app) as session:
        seeding.seed_chains(session)
        seeding.seed_demo(session)
    _warm_up(announce=True)
    click.echo("")
    if no_serve:
        click.echo("Matchmaker demo database ready; start the site with: matchmaker serve")
    else:
        click.echo(f"Matchmaker demo: http://{host}:{port}/")
    click.echo(f"Demo log-ins (password for all: {seeding.DEMO_PASSWORD}):")
    width = max(display_width(a["role_label"]) for a in seeding.DEMO_ACCOUNTS) + 2
    for account in seeding.DEMO_ACCOUNTS:
        click.echo(f"  {pad(account['role_label'], width)}{account['email']}")
    click.echo("")
    if not no_serve:
        click.echo("Fitting the matching engines to the demo data ...", err=True)
        _fit_engines(app)
        _run(app, host, port, False)


def _safe_url(url: str) -> str:
    from sqlalchemy.engine import make_url
    return make_url(url).render_as_string(hide_password=True)


@click.command()
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
def worker(burst: bool) -> None:
    """Run a background worker (RQ) for the queues; needs REDIS_URL."""
    from ..jobs import work
    app = _app()
    url = app.config.get("REDIS_URL")
    if not url:
        raise click.UsageError("REDIS_URL is not set: without Redis, background work runs in-process.")
    _warm_up()
    with app.app_context():
        work(url, burst=burst)
