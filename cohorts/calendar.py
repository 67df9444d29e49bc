"""Calendar feeds (iCalendar) of phases, for the calendar apps participants and staff use.

Every phase is an all-day event whose UID never changes; when staff move a phase its SEQUENCE
rises, so a subscribed calendar updates the event instead of adding a second one.
"""

from datetime import timedelta

from django.http import HttpResponse
from django.utils import timezone
from icalendar import Calendar, Event

from curriculum.models import PhaseMode

PRODID = "-//Angkatan//Jadwal pelatihan//ID"


def phase_location(phase, cohort, participant=None):
    """Where the phase happens, as a participant needs to know it."""
    if phase.mode == PhaseMode.CAMPUS:
        return cohort.venue or str(cohort.organiser)
    if phase.mode == PhaseMode.OFFICE:
        return str(participant.agency) if participant else str(PhaseMode.OFFICE.label)
    return str(PhaseMode.ONLINE.label)


def phases_calendar(*, name, phases, participant=None):
    """`phases` with their cohort (select_related), in any order; returns the .ics bytes."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Asia/Jakarta")
    stamp = timezone.now()
    for phase in phases:
        cohort = phase.cohort
        event = Event()
        event.add("uid", f"{phase.uid}@angkatan")
        event.add("sequence", phase.sequence)
        event.add("dtstamp", stamp)
        event.add("summary", f"{phase.name} — {cohort}")
        event.add("dtstart", phase.start_date)
        # All-day events end on the day after the last one (RFC 5545).
        event.add("dtend", phase.end_date + timedelta(days=1))
        event.add("location", phase_location(phase, cohort, participant))
        event.add("description", f"{phase.jp} JP, {phase.days} hari. {cohort.organiser}.")
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    return calendar.to_ical()


def calendar_response(ics, name):
    response = HttpResponse(ics, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="jadwal-{name}.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
