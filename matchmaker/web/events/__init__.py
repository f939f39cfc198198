"""The fair pages: matchmaking events from the list to the day itself.

Five blueprints serve the fairs: :mod:`.public` (``events``: the
list, an event's page, registration, meeting requests and agendas),
:mod:`.admin` (``event_admin``: the organisers' settings, participants and
requests), :mod:`.schedule` (``event_schedule``: building, publishing and
exporting the schedule), :mod:`.day` (``event_day``: check-in, outcomes and
the dashboard) and :mod:`.followup` (``followup``: each side's follow-up list at
``/followups/``, and a fair's follow-up page, corrections and CSV for its organisers). :mod:`.helpers` takes the steps they all take: the event the
viewer may see or manage, the participant a page is about, slot choices and the
labels put into every template.
"""
