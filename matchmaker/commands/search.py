"""``matchmaker search``: maintain the posting search index."""
from __future__ import annotations

import click

from ..db import session_scope


def _app():
    from .. import create_app
    return create_app()


@click.group()
def search() -> None:
    """Search index (检索索引)."""


@search.command()
def reindex() -> None:
    """Rebuild the index of demands and capabilities (after rows were written outside the site, e.g. by SQL)."""
    from ..services import search as service
    app = _app()
    with app.app_context(), session_scope(app) as session:
        count = service.reindex(session)
    click.echo(f"indexed {count} postings")
