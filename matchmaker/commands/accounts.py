"""``matchmaker users``: accounts that cannot be created from the web site (the first admin)."""
from __future__ import annotations

import sys

import click

from ..db import session_scope


def _app():
    from .. import create_app
    return create_app()


@click.group()
def users() -> None:
    """User accounts (账号管理)."""


@users.command("create-admin")
@click.argument("email")
@click.option("--name", default="平台管理员", show_default=True, help="Display name.")
@click.password_option(help="At least 10 characters; asked for when not given.")
def create_admin(email: str, name: str, password: str) -> None:
    """Create an admin account for EMAIL (admins then create organisers on the site)."""
    from ..services import accounts, audit
    app = _app()
    try:
        with app.app_context(), session_scope(app) as session:
            user = accounts.create_user(session, email, name, password, role="admin")
            audit.record(session, None, "user.create_admin", user, email=user.email, via="cli")
            email = user.email
    except accounts.AccountError as exc:
        click.echo(f"refused: {exc.message}", err=True)
        sys.exit(1)
    click.echo(f"admin account created: {email}")
