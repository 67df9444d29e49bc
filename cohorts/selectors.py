"""Reads for cohort pages: each is a fixed number of queries, whatever the cohort's size."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from curriculum.models import PhaseMode

from .models import ClassSession, Cohort, CohortPhase, Speaker
from .scheduling import countable_dates
from .scope import within_reach


def cohort_list():
    return Cohort.objects.select_related("program", "organiser", "co_organiser").annotate(
        enrolled=Count("enrolments", distinct=True),
        scored=Count(
            "enrolments", filter=Q(enrolments__project__final_score__isnull=False), distinct=True
        ),
    )


def cohort_with_phases():
    """Cohorts with what the cohort page shows of them (program, organisers, phases)."""
    return Cohort.objects.select_related(
        "program", "organiser", "co_organiser", "on_behalf_of", "program_version"
    ).prefetch_related("phases")


def cohort_phase_or_404(user, pk, phase_pk):
    """The cohort and one of its phases, for the phase pages (404 if they do not match, or
    if the cohort is another agency's)."""
    phase = get_object_or_404(
        within_reach(
            CohortPhase.objects.select_related("cohort__program", "cohort__organiser", "template"),
            user,
        ),
        pk=phase_pk,
        cohort_id=pk,
    )
    return phase.cohort, phase


def campus_phase_or_404(user, pk, phase_pk):
    """As `cohort_phase_or_404`, for the pages of class sessions and attendance: only a phase
    held on the organiser's campus has them (an online phase or one at the participants'
    offices is not found)."""
    cohort, phase = cohort_phase_or_404(user, pk, phase_pk)
    if phase.mode != PhaseMode.CAMPUS:
        raise Http404
    return cohort, phase


@dataclass
class PhaseRow:
    phase: CohortPhase
    counted_days: int
    is_current: bool
    is_past: bool
    offset: float
    width: float
    dates: list

    @property
    def differs(self):
        """Staff moved the phase so that it no longer holds its template's number of days."""
        return self.counted_days != self.phase.days


@dataclass
class MonthMark:
    """One month on the timeline's ruler: where it starts and how much of the span it takes."""

    month: date
    offset: float
    width: float


@dataclass
class Schedule:
    rows: list
    today: date
    today_offset: float | None
    months: list = field(default_factory=list)

    @property
    def current(self):
        return next((row for row in self.rows if row.is_current), None)

    @property
    def upcoming(self):
        return next((row for row in self.rows if row.phase.start_date > self.today), None)

    @property
    def total_jp(self):
        return sum(row.phase.jp for row in self.rows)

    @property
    def current_days_left(self):
        """Countable days of the current phase from today on, today included."""
        current = self.current
        if not current:
            return None
        return sum(1 for day in current.dates if day >= self.today)


def schedule_for(cohort, phases, closed, today):
    """The cohort's phases laid out on a timeline, with today's place in it. No query: the
    caller passes the phases and the organiser's closed days."""
    rows = []
    if not phases:
        return Schedule(rows, today, None)
    first, last = phases[0].start_date, phases[-1].end_date
    span = (last - first).days + 1
    for phase in phases:
        dates = countable_dates(phase.start_date, phase.end_date, phase.day_rule, closed)
        row = PhaseRow(
            phase=phase,
            counted_days=len(dates),
            is_current=phase.start_date <= today <= phase.end_date,
            is_past=phase.end_date < today,
            offset=100 * (phase.start_date - first).days / span,
            width=100 * ((phase.end_date - phase.start_date).days + 1) / span,
            dates=dates,
        )
        rows.append(row)
    today_offset = 100 * (today - first).days / span if first <= today <= last else None
    return Schedule(rows, today, today_offset, months_between(first, last))


def months_between(first, last):
    """The months from `first` to `last`, each placed as the phases are (percent of the span),
    so that the timeline can be read against the calendar."""
    span = (last - first).days + 1
    marks = []
    month = first.replace(day=1)
    while month <= last:
        following = (month + timedelta(days=32)).replace(day=1)
        start, end = max(month, first), min(following - timedelta(days=1), last)
        marks.append(
            MonthMark(
                month=month,
                offset=100 * (start - first).days / span,
                width=100 * ((end - start).days + 1) / span,
            )
        )
        month = following
    return marks


def cohort_schedule(cohort, today):
    """Two queries: the phases and the organiser's non-working days."""
    phases = list(cohort.phases.order_by("order"))
    closed = frozenset(cohort.organiser.non_working_days.values_list("date", flat=True))
    return schedule_for(cohort, phases, closed, today)


def phase_day_board(phase, days):
    """For each day of a classical phase: its sessions and how many were marked present."""
    sessions = defaultdict(list)
    for session in ClassSession.objects.filter(phase=phase).select_related(
        "widyaiswara", "speaker"
    ):
        sessions[session.date].append(session)
    counts = defaultdict(dict)
    # Attendance belongs to participants (above cohorts): counted through the reverse relation.
    for row in phase.attendances.values("date", "status").annotate(n=Count("pk")).order_by():
        counts[row["date"]][row["status"]] = row["n"]
    return [
        {"date": day, "sessions": sessions.get(day, []), "attendance": counts.get(day, {})}
        for day in days
    ]


def cohorts_of_widyaiswara(user):
    """The cohorts a widyaiswara coaches in or teaches a session of, latest first. Two
    semi-joins, not one join and DISTINCT: over years of cohorts the join multiplies every
    enrolment by every session and sorts the lot (1.8 s for 200 cohorts of 50)."""
    coached = Cohort.objects.filter(enrolments__coach=user).values("pk")
    taught = Cohort.objects.filter(phases__sessions__widyaiswara=user).values("pk")
    return (
        Cohort.objects.filter(Q(pk__in=coached) | Q(pk__in=taught))
        .select_related("program", "organiser")
        .order_by("-start_date")
    )


def speaker_list(*, q=""):
    """The register of outside speakers, by name, with the agency keeping each; `q` searches
    the name (titles included)."""
    speakers = Speaker.objects.select_related("institution").order_by("name", "pk")
    if q := (q or "").strip():
        speakers = speakers.filter(name__icontains=q)
    return speakers


@dataclass(frozen=True)
class TeacherJP:
    """A widyaiswara or an outside speaker with the sessions and JP they taught."""

    name: str
    is_speaker: bool
    sessions: int
    jp: int

    @property
    def role(self):
        return _("Narasumber luar") if self.is_speaker else _("Widyaiswara")


def teachers_jp(sessions):
    """Each widyaiswara and outside speaker of `sessions` (a ClassSession queryset) with the
    number of sessions and the JP they taught, in no particular order: one query. Sessions with
    nobody set yet are left out. Names as ClassSession.teacher_name gives them."""
    rows = (
        sessions.exclude(widyaiswara__isnull=True, speaker__isnull=True)
        .values(
            "widyaiswara_id",
            "widyaiswara__first_name",
            "widyaiswara__last_name",
            "widyaiswara__username",
            "speaker_id",
            "speaker__name",
        )
        .annotate(jp=Sum("jp"), sessions=Count("pk"))
        .order_by()
    )
    teachers = []
    for row in rows:
        if row["speaker_id"]:
            name = row["speaker__name"]
        else:
            full = f"{row['widyaiswara__first_name']} {row['widyaiswara__last_name']}".strip()
            name = full or row["widyaiswara__username"]
        teachers.append(TeacherJP(name, bool(row["speaker_id"]), row["sessions"], row["jp"]))
    return teachers
