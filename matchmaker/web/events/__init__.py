"""The fair pages: matchmaking events from the list to the day itself.

Four blueprints share the ``/events`` prefix: :mod:`.public` (``events``: the
list, an event's page, registration, meeting requests and agendas),
:mod:`.admin` (``event_admin``: the organisers' settings, participants and
requests), :mod:`.schedule` (``event_schedule``: building, publishing and
exporting the schedule) and :mod:`.day` (``event_day``: check-in, outcomes and
the dashboard). :mod:`.helpers` takes the steps they all take: the event the
viewer may see or manage, the participant a page is about, slot choices and the
labels put into every template.
"""
