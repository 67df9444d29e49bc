"""Cohorts: creating an angkatan from a program, scheduling and moving its phases, the
sessions of classical phases with their JP, and each organiser's register of outside speakers.
Attendance, which belongs to an enrolment, is in participants."""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from config.db import unique_or_error
from curriculum.models import PhaseMode
from curriculum.services import version_in_force

from .models import (
    ClassSession,
    Cohort,
    CohortPhase,
    NonWorkingDay,
    Speaker,
    calendar_token_new,
)
from .scheduling import countable_dates, phase_dates

ERROR_NO_PHASES = _("Program %(program)s versi %(number)s belum memiliki tahap.")
ERROR_PHASE_DATES_ORDER = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
ERROR_OVERLAPS_PREVIOUS = _("%(phase)s tidak boleh mulai sebelum %(other)s selesai (%(date)s).")
ERROR_OVERLAPS_NEXT = _(
    "%(phase)s tidak boleh selesai pada atau sesudah %(other)s mulai (%(date)s). "
    "Centang “Geser tahap sesudahnya” untuk memindahkan tahap-tahap berikutnya."
)
ERROR_NOT_A_PHASE_DAY = _("%(date)s bukan hari pelaksanaan %(phase)s.")
ERROR_DAY_TWICE = _("%(date)s sudah tercatat sebagai hari libur instansi ini.")
ERROR_RECORDS_OUTSIDE = _(
    "%(phase)s sudah memiliki sesi atau presensi pada %(date)s, di luar tanggal baru. "
    "Hapus sesinya atau pilih tanggal yang mencakup hari itu."
)
ERROR_NOT_AT_CAMPUS = _("Sesi dan presensi hanya dicatat untuk tahap di kampus penyelenggara.")
ERROR_COHORT_TWICE = _("Angkatan dengan program, penyelenggara, nomor, dan tahun ini sudah ada.")
ERROR_TWO_TEACHERS = _("Pilih widyaiswara atau narasumber luar, tidak keduanya.")
ERROR_SPEAKER_ELSEWHERE = _("Narasumber ini tidak ada di daftar narasumber penyelenggara.")
ERROR_SPEAKER_TWICE = _("Narasumber dengan nama ini sudah ada di daftar.")

# A jam pelajaran (JP) lasts 45 minutes in Indonesian government training.
JP_MINUTES = 45


def _date(value):
    return date_format(value, "DATE_FORMAT")


def organiser_closed_days(institution):
    return frozenset(institution.non_working_days.values_list("date", flat=True))


def phases_schedule(*, templates, start_date, closed=frozenset()):
    """Dates for each phase template in order: each starts on the first countable day after
    the previous one ends. Returns a list of (template, first_day, last_day)."""
    schedule, day = [], start_date
    for template in templates:
        first, last = phase_dates(day, template.days, template.day_rule, closed)
        schedule.append((template, first, last))
        day = last + timedelta(days=1)
    return schedule


@transaction.atomic
def cohort_create(
    *, program, organiser, angkatan, year, start_date, venue="", capacity=None, co_organiser=None,
    on_behalf_of=None, on_behalf_signs=False,
):  # fmt: skip
    version = version_in_force(program=program, on=start_date)
    templates = list(version.phase_templates.order_by("order"))
    if not templates:
        raise ValidationError(
            ERROR_NO_PHASES, params={"program": program, "number": version.number}
        )
    schedule = phases_schedule(
        templates=templates, start_date=start_date, closed=organiser_closed_days(organiser)
    )
    cohort = Cohort(
        program=program,
        program_version=version,
        organiser=organiser,
        co_organiser=co_organiser,
        on_behalf_of=on_behalf_of,
        on_behalf_signs=bool(on_behalf_of and on_behalf_signs),
        angkatan=angkatan,
        year=year,
        start_date=schedule[0][1],
        end_date=schedule[-1][2],
        venue=venue,
        capacity=capacity or program.default_capacity,
    )
    cohort.full_clean()
    with unique_or_error(ERROR_COHORT_TWICE):
        cohort.save()
    CohortPhase.objects.bulk_create(
        CohortPhase(
            cohort=cohort,
            template=template,
            order=template.order,
            kind=template.kind,
            name=template.name,
            mode=template.mode,
            jp=template.jp,
            days=template.days,
            day_rule=template.day_rule,
            start_date=first,
            end_date=last,
        )
        for template, first, last in schedule
    )
    return cohort


def cohort_total_jp(cohort):
    return sum(phase.jp for phase in cohort.phases.all())


def phase_counted_days(phase, closed):
    return len(countable_dates(phase.start_date, phase.end_date, phase.day_rule, closed))


@transaction.atomic
def phase_reschedule(*, phase, start_date, end_date, shift_later=False):
    """Move one phase to the dates staff chose.

    The phase may not overlap the one before it. It may not overlap the one after it either,
    unless `shift_later`: then every later phase is scheduled again after it, by its own length
    and day rule. Moved phases raise their calendar SEQUENCE so subscribed calendars update.
    """
    cohort = Cohort.objects.select_for_update().select_related("organiser").get(pk=phase.cohort_id)
    phases = list(cohort.phases.order_by("order"))
    index = next(i for i, p in enumerate(phases) if p.pk == phase.pk)
    phase = phases[index]
    if end_date < start_date:
        raise ValidationError(ERROR_PHASE_DATES_ORDER)
    if index > 0 and start_date <= phases[index - 1].end_date:
        previous = phases[index - 1]
        raise ValidationError(
            ERROR_OVERLAPS_PREVIOUS,
            params={"phase": phase.name, "other": previous.name, "date": _date(previous.end_date)},
        )
    later = phases[index + 1 :]
    if later and not shift_later and end_date >= later[0].start_date:
        raise ValidationError(
            ERROR_OVERLAPS_NEXT,
            params={
                "phase": phase.name,
                "other": later[0].name,
                "date": _date(later[0].start_date),
            },
        )

    moved = {}
    if (phase.start_date, phase.end_date) != (start_date, end_date):
        moved[phase.pk] = (start_date, end_date)
    if shift_later:
        closed = organiser_closed_days(cohort.organiser)
        day = end_date + timedelta(days=1)
        for next_phase in later:
            first, last = phase_dates(day, next_phase.days, next_phase.day_rule, closed)
            if (first, last) != (next_phase.start_date, next_phase.end_date):
                moved[next_phase.pk] = (first, last)
            day = last + timedelta(days=1)
    _ensure_records_inside(moved, {p.pk: p for p in phases})
    for pk, (first, last) in moved.items():
        CohortPhase.objects.filter(pk=pk).update(
            start_date=first, end_date=last, sequence=F("sequence") + 1
        )
    _cohort_dates_refresh(cohort)
    return len(moved)


def _ensure_records_inside(moved, phases_by_pk):
    """A phase that already has sessions or attendance may not move away from those days:
    they would be left behind, outside every phase."""
    for pk, (first, last) in moved.items():
        dates = set(ClassSession.objects.filter(phase_id=pk).values_list("date", flat=True))
        # Attendance belongs to participants (above cohorts): read through the reverse relation.
        dates |= set(
            CohortPhase.objects.filter(pk=pk, attendances__isnull=False).values_list(
                "attendances__date", flat=True
            )
        )
        outside = sorted(d for d in dates if not first <= d <= last)
        if outside:
            raise ValidationError(
                ERROR_RECORDS_OUTSIDE,
                params={"phase": phases_by_pk[pk].name, "date": _date(outside[0])},
            )


def _cohort_dates_refresh(cohort):
    phases = list(cohort.phases.order_by("order").values_list("start_date", "end_date"))
    if phases:
        Cohort.objects.filter(pk=cohort.pk).update(start_date=phases[0][0], end_date=phases[-1][1])


def phase_days(phase, closed=None):
    """The days a phase is held, by its day rule and the organiser's closed days."""
    if closed is None:
        closed = organiser_closed_days(phase.cohort.organiser)
    return countable_dates(phase.start_date, phase.end_date, phase.day_rule, closed)


def phase_day_check(phase, day):
    """Refuse a day that is not a campus day of this phase (sessions and attendance)."""
    if phase.mode != PhaseMode.CAMPUS:
        raise ValidationError(ERROR_NOT_AT_CAMPUS)
    if day not in phase_days(phase):
        raise ValidationError(
            ERROR_NOT_A_PHASE_DAY, params={"date": _date(day), "phase": phase.name}
        )


def session_jp(start_time, end_time):
    """The JP a session is worth by default: its whole 45-minute periods, at least one (an
    opening of 30 minutes still counts one)."""
    minutes = (end_time.hour * 60 + end_time.minute) - (start_time.hour * 60 + start_time.minute)
    return max(1, minutes // JP_MINUTES)


def session_add(
    *,
    phase,
    date,
    start_time,
    end_time,
    subject,
    widyaiswara=None,
    speaker=None,
    room="",
    jp=None,
):
    """A session taught by a widyaiswara or by an outside speaker of the organiser's register,
    never both. `jp` None: computed from the times (session_jp)."""
    phase_day_check(phase, date)
    # Times may come as text ("08:00"), as the model field accepts them.
    start_time = ClassSession._meta.get_field("start_time").to_python(start_time)
    end_time = ClassSession._meta.get_field("end_time").to_python(end_time)
    if jp is None and start_time and end_time:
        jp = session_jp(start_time, end_time)
    if widyaiswara is not None and speaker is not None:
        raise ValidationError(ERROR_TWO_TEACHERS)
    if speaker is not None and speaker.institution_id != phase.cohort.organiser_id:
        raise ValidationError(ERROR_SPEAKER_ELSEWHERE)
    session = ClassSession(
        phase=phase,
        date=date,
        start_time=start_time,
        end_time=end_time,
        subject=subject,
        widyaiswara=widyaiswara,
        speaker=speaker,
        room=room,
        jp=jp,
    )
    session.full_clean()
    session.save()
    return session


def session_delete(*, phase, session_id):
    """Remove a session of this phase (an id of another phase's session does nothing)."""
    ClassSession.objects.filter(pk=session_id, phase=phase).delete()


SPEAKER_FIELDS = ("name", "kind", "origin", "position", "phone", "email")


def speaker_create(*, institution, name, kind, origin="", position="", phone="", email=""):
    """Add an outside speaker to the institution's register."""
    speaker = Speaker(
        institution=institution,
        name=name,
        kind=kind,
        origin=origin,
        position=position,
        phone=phone,
        email=email,
    )
    speaker.full_clean()
    with unique_or_error(ERROR_SPEAKER_TWICE):
        speaker.save()
    return speaker


def speaker_update(*, speaker, **fields):
    """Change a speaker's details (name, kind, origin, position, contact); the register they
    belong to does not change."""
    unknown = set(fields) - set(SPEAKER_FIELDS)
    if unknown:
        raise TypeError(f"speaker_update: unknown fields {sorted(unknown)}")
    for name, value in fields.items():
        setattr(speaker, name, value)
    speaker.full_clean()
    with unique_or_error(ERROR_SPEAKER_TWICE):
        speaker.save(update_fields=list(fields))
    return speaker


def non_working_day_delete(*, institution_id, day_id):
    """Remove one of the institution's non-working days (another's id does nothing)."""
    NonWorkingDay.objects.filter(pk=day_id, institution_id=institution_id).delete()


def non_working_day_add(*, institution, date, name):
    if institution.non_working_days.filter(date=date).exists():
        raise ValidationError(ERROR_DAY_TWICE, params={"date": _date(date)})
    day = NonWorkingDay(institution=institution, date=date, name=name)
    day.full_clean(validate_constraints=False)
    with unique_or_error(ERROR_DAY_TWICE, date=_date(date)):
        day.save()
    return day


def cohort_calendar_reset(*, cohort):
    """A new secret for the cohort's calendar URL, when someone should lose access to it."""
    cohort.calendar_token = calendar_token_new()
    cohort.save(update_fields=["calendar_token"])
    return cohort.calendar_token
