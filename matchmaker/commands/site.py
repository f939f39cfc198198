"""Commands that run the site: init, seed, serve, demo."""
from __future__ import annotations

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
    _warm_up()
    _fit_engines(app)
    _run(app, host, port, debug)


def _warm_up() -> None:
    """Compile the matching kernels now rather than in the first request."""
    from ..matching import kernels

    seconds = kernels.warm_up()
    if seconds > 3:
        click.echo(f"matching engine compiled for this machine in {seconds:.0f} s "
                   "(kept for the next start)", err=True)


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
    migrate.upgrade(app.config["DATABASE_URL"])
    with session_scope(app) as session:
        seeding.seed_chains(session)
        seeding.seed_demo(session)
    _warm_up()
    click.echo("")
    click.echo(f"Matchmaker demo: http://{host}:{port}/")
    click.echo(f"Demo log-ins (password for all: {seeding.DEMO_PASSWORD}):")
    for account in seeding.DEMO_ACCOUNTS:
        click.echo(f"  {account['role_label']:<28} {account['email']}")
    click.echo("")
    if not no_serve:
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
