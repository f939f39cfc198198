"""``matchmaker events``: expire stale meeting requests, build a stored fair's schedule, remind follow-ups.

The notices these commands send link to the site's pages as the site itself
would: addresses are built with ``url_for`` for the configured ``SERVER_NAME``
or ``MATCHMAKER_BASE_URL`` (e.g. ``https://fairs.example.org/matchmaker``, for
a site under a path) and are site paths without either.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager

import click

from ..db import session_scope


def _app():
    from .. import create_app
    return create_app()


@contextmanager
def _site(app):
    """An application context with a request context in which ``url_for`` gives the site's paths."""
    base_url = app.config.get("MATCHMAKER_BASE_URL") or None
    with app.test_request_context(base_url=base_url), session_scope(app) as session:
        yield session


@click.group()
def events() -> None:
    """Matchmaking fairs (供需对接会): request expiry, scheduling and follow-up reminders."""


@events.command()
@click.option("--event", "event_id", type=int, default=None, help="Only this event (default: every event).")
def expire(event_id: int | None) -> None:
    """Mark pending meeting requests past their expiry as expired and tell who asked."""
    from ..services.events.requests import expire_pending
    from ..web.events.helpers import requests_link
    app = _app()
    with _site(app) as session:
        count = expire_pending(session, event_id, link_for=requests_link)
    click.echo(f"expired {count} request(s)")


@events.command()
@click.argument("event_id", type=int)
@click.option("--allow-moves", is_flag=True, help="Let published meetings move (default: they stay put).")
@click.option("--time-limit", type=float, default=30.0, show_default=True, help="Seconds to spend.")
@click.option("--seed", type=int, default=0, show_default=True, help="Random seed of the search.")
def schedule(event_id: int, allow_moves: bool, time_limit: float, seed: int) -> None:
    """Build EVENT_ID's schedule from the database and store it (as the web page does)."""
    from .. import scheduling
    from ..models import Event
    from ..services.errors import ServiceError
    from ..services.events import schedule as event_schedule
    from ..web.events.helpers import agenda_links
    app = _app()
    with _site(app) as session:
        event = session.get(Event, event_id)
        if event is None:
            click.echo(f"no event with id {event_id}", err=True)
            sys.exit(1)
        try:
            stats = event_schedule.run_schedule(session, None, event, allow_moves=allow_moves,
                                                time_limit=time_limit, random_state=seed,
                                                agenda_links=agenda_links(session, event))
        except ServiceError as exc:
            click.echo(f"{event.name}: {exc.message}", err=True)
            sys.exit(1)
        names = event_schedule.participant_names(session, event)
        keys = {event_schedule.participant_key(pid): name for pid, name in names.items()}

        def english(value) -> str:
            message = event_schedule.stored_message(value)
            if isinstance(message, scheduling.Message):
                message = message.renamed(keys)
            return str(message or "")

        click.echo(f"{event.name} (schedule version {stats['version']})")
        click.echo(f"meetings scheduled   {stats['meetings']} of {stats['requests']} accepted requests")
        click.echo(f"total priority       {stats['total_priority']:g} (upper bound {stats['upper_bound']:g}, "
                   f"gap {stats['gap']:g}%)")
        click.echo(f"participants met     {stats['participants_met']} of {stats['participants_with_request']} "
                   f"with a request (bound {stats['coverage_bound']})")
        click.echo(f"optimal              {'yes' if stats['optimal'] else 'not proven'} "
                   f"({stats['seconds']:g} s, {stats['method']})")
        for change in stats["changes"]:
            buyer, supplier = (names.get(p, str(p)) for p in change["pair"])
            before = "{} table {}".format(*change["before"]) if change["before"] else "-"
            after = "{} table {}".format(*change["after"]) if change["after"] else "-"
            reason = english(change.get("reason"))
            click.echo(f"  {change['kind']:<8} {buyer} / {supplier}: {before} -> {after}"
                       + (f" ({reason})" if reason else ""))
        for item in stats["unscheduled"]:
            buyer, supplier = (names.get(p, str(p)) for p in item["pair"])
            click.echo(f"  left out {buyer} / {supplier}: {english(item['reason'])}")


@events.command("remind-followups")
@click.option("--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Count days up to this date, YYYY-MM-DD (default: today in Beijing time).")
def remind_followups(today) -> None:
    """Remind both sides of meetings still at intent or negotiating, 30 and 90 days after the fair.

    Each side's members get a notification and an e-mail linking to their follow-up
    page; a reminder already sent is never sent again, so run it daily (from cron or
    a timer). A meeting first seen after 90 days gets the 90-day reminder only.
    """
    from ..services.events.followup import send_followup_reminders
    from ..web.events.followup import followup_link
    app = _app()
    with _site(app) as session:
        count = send_followup_reminders(session, today.date() if today else None, link_for=followup_link)
    click.echo(f"sent {count} follow-up reminder(s)")
