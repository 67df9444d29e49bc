"""The widyaiswara ledger (*catatan mengajar*): what a widyaiswara or an outside speaker did
over a period, across every cohort and organiser, read from what the cohorts already record.

- JP taught: the JP of the class sessions they taught, per program and per subject, and per
  month for the chart;
- projects coached: the enrolments whose coach they are, per cohort running in the period;
- seminars examined: the seminars of the period they sat on as examiner;
- designs reviewed: their approvals and revision requests of submitted designs (the
  workflow's steps);
- their evaluation averages (participants.evaluations), from groups of at least five answers.

Widyaiswara submit it as evidence for their career credits (*angka kredit*) and staff use it
to pay honoraria. Staff read it within their agencies' cohorts only (`cohorts`): an agency pays
for its own cohorts and sees nothing of another's; a widyaiswara's own ledger and an
administrator's read cover every organiser.

Each figure is one SQL aggregate (GROUP BY), and the cohorts they name are read once at the
end, so a ledger costs the same few queries whether its person worked in 5 cohorts or 50.
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Count, Exists, F, IntegerField, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Coalesce, TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import ClassSession, Cohort, Speaker
from cohorts.scope import cohorts_within_reach, speakers_within_reach
from config.users import user_label
from participants.evaluations import teacher_evaluation_averages
from participants.models import Enrolment, Mentor, Participant
from participants.nip import nip_format
from projects.models import ProjectStep, Seminar, State

# The workflow's decisions on a submitted design, as ProjectStep.action stores them
# (projects.workflow DESIGN_DECISIONS; documents reads projects through its models only).
APPROVE, REVISE = "approve_design", "request_revision"

MONTHS = [_("Jan"), _("Feb"), _("Mar"), _("Apr"), _("Mei"), _("Jun"), _("Jul"), _("Agu"),
          _("Sep"), _("Okt"), _("Nov"), _("Des")]  # fmt: skip


def ledger_period(start=None, end=None, *, today=None, year=None):
    """The period asked for, whole days both ends; calendar year `year` (this one unless
    given) by default, and the ends swapped when typed the wrong way round."""
    year = year or (today or timezone.localdate()).year
    start = start or date(year, 1, 1)
    end = end or date(year, 12, 31)
    return (end, start) if end < start else (start, end)


def ledger_default_year(*, widyaiswara=None, speaker=None, cohorts=None, today=None):
    """The calendar year a ledger opens on: that of the person's latest session taught or
    cohort coached (its start), not after this year, within `cohorts` when given (staff's
    reach); this year when there is none. One query."""
    current = (today or timezone.localdate()).year
    last_day = date(current, 12, 31)
    if speaker is not None:
        person = Speaker.objects.filter(pk=speaker.pk)
        sessions = ClassSession.objects.filter(speaker=OuterRef("pk"))
        coached = None
    else:
        person = get_user_model().objects.filter(pk=widyaiswara.pk)
        sessions = ClassSession.objects.filter(widyaiswara=OuterRef("pk"))
        coached = Enrolment.objects.filter(coach=OuterRef("pk"), cohort__start_date__lte=last_day)
    sessions = sessions.filter(date__lte=last_day)
    if cohorts is not None:
        sessions = sessions.filter(phase__cohort__in=cohorts.values("pk"))
        if coached is not None:
            coached = coached.filter(cohort__in=cohorts.values("pk"))
    latest = {"taught": Subquery(sessions.order_by("-date").values("date")[:1])}
    if coached is not None:
        latest["coached"] = Subquery(
            coached.order_by("-cohort__start_date").values("cohort__start_date")[:1]
        )
    found = [day for day in person.annotate(**latest).values_list(*latest).first() or () if day]
    return max(found).year if found else current


@dataclass
class Ledger:
    name: str
    nip: str
    start: date
    end: date
    speaker: object = None  # the register's Speaker, for an outside speaker
    kept_to_reach: bool = False  # kept to staff's cohorts (not every organiser's)
    programs: list = field(default_factory=list)
    subjects: list = field(default_factory=list)
    months: list = field(default_factory=list)
    coached: list = field(default_factory=list)
    seminars: list = field(default_factory=list)
    designs: list = field(default_factory=list)
    evaluations: dict | None = None
    totals: dict = field(default_factory=dict)

    @property
    def is_speaker(self):
        return self.speaker is not None


def _nip_of(user):
    """A widyaiswara's NIP when the deployment knows it: from their participant or mentor
    record (a user has no NIP of their own). One query."""
    for model in (Participant, Mentor):
        nip = model.objects.filter(user_id=user.pk).values_list("nip", flat=True).first()
        if nip:
            return nip_format(nip)
    return ""


def _month_series(rows, start, end):
    """Every month of the period with its JP (0 when nothing was taught)."""
    by_month = {(r["month"].year, r["month"].month): r["jp"] or 0 for r in rows}
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(
            {
                "month": date(year, month, 1),
                "label": f"{MONTHS[month - 1]} {year}",
                "jp": by_month.get((year, month), 0),
            }
        )
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _evaluation_averages(**kwargs):
    """The participants' evaluation averages of this person: {"criteria": [{label, average,
    answers}], "average", "answers"}, only from groups of at least five answers."""
    result = teacher_evaluation_averages(**kwargs)
    return {
        "criteria": [
            {"label": label, "average": average, "answers": answers}
            for label, average, answers in result.criteria
        ],
        "average": result.average,
        "answers": result.answers,
    }


def teacher_ledger(*, widyaiswara=None, speaker=None, start=None, end=None, cohorts=None):
    """The ledger of a widyaiswara (a user) or of an outside speaker (a register Speaker) over
    [start, end] (this calendar year by default). `cohorts`: a queryset the figures are kept
    to (staff's cohorts within reach); None for every cohort and organiser.

    Queries: the NIP (widyaiswara only, one or two), JP per cohort and subject, JP per month,
    and for a widyaiswara projects coached, seminars examined and designs reviewed, then the
    cohorts named, and the evaluation averages (two or three), whatever the cohorts' number.
    The averages cover every organiser even for staff: they are anonymous aggregates, and
    participants.evaluations reads them per person, not per cohort."""
    if (widyaiswara is None) == (speaker is None):
        raise ValueError("teacher_ledger: a widyaiswara or a speaker, one of them")
    start, end = ledger_period(start, end)
    if speaker is not None:
        ledger = Ledger(name=speaker.name, nip="", start=start, end=end, speaker=speaker)
        taught = Q(speaker=speaker)
    else:
        ledger = Ledger(
            name=user_label(widyaiswara), nip=_nip_of(widyaiswara), start=start, end=end
        )
        taught = Q(widyaiswara=widyaiswara)

    ledger.kept_to_reach = cohorts is not None
    sessions = ClassSession.objects.filter(taught, date__gte=start, date__lte=end)
    if cohorts is not None:
        sessions = sessions.filter(phase__cohort__in=cohorts.values("pk"))
    by_subject = list(
        sessions.values("phase__cohort_id", "subject")
        .annotate(jp=Sum("jp"), sessions=Count("pk"))
        .order_by()
    )
    months = list(
        sessions.annotate(month=TruncMonth("date"))
        .values("month")
        .annotate(jp=Sum("jp"))
        .order_by("month")
    )
    coached = seminars = designs = []
    if widyaiswara is not None:
        coached, seminars, designs = _supervision(widyaiswara, start, end, cohorts)

    cohort_ids = {r["phase__cohort_id"] for r in by_subject}
    cohort_ids |= {r["cohort_id"] for r in [*coached, *seminars, *designs]}
    named = Cohort.objects.filter(pk__in=cohort_ids).select_related("program", "organiser")
    named = {c.pk: c for c in named}

    ledger.programs, ledger.subjects = _taught_tables(by_subject, named)
    ledger.months = _month_series(months, start, end)
    for row in [*coached, *seminars, *designs]:
        row["cohort"] = named[row["cohort_id"]]
    ledger.coached = sorted(coached, key=_cohort_order)
    ledger.seminars = sorted(seminars, key=_cohort_order)
    ledger.designs = sorted(designs, key=_cohort_order)
    ledger.evaluations = _evaluation_averages(
        widyaiswara=widyaiswara, speaker=speaker, start=start, end=end
    )
    ledger.totals = {
        "jp": sum(r["jp"] for r in ledger.programs),
        "sessions": sum(r["sessions"] for r in ledger.programs),
        "cohorts_taught": len({r["phase__cohort_id"] for r in by_subject}),
        "coached": sum(r["participants"] for r in ledger.coached),
        "coached_final": sum(r["final"] for r in ledger.coached),
        "seminars": sum(r["seminars"] for r in ledger.seminars),
        "examined": sum(r["participants"] for r in ledger.seminars),
        "approved": sum(r["approved"] for r in ledger.designs),
        "revisions": sum(r["revisions"] for r in ledger.designs),
        "reviewed": sum(r["approved"] + r["revisions"] for r in ledger.designs),
    }
    return ledger


def _cohort_order(row):
    cohort = row["cohort"]
    return (cohort.start_date, cohort.program.name, cohort.angkatan)


def _taught_tables(by_subject, named):
    """JP per program (with its cohorts) and per subject, from the rows per cohort and
    subject."""
    programs, subjects = {}, {}
    for row in by_subject:
        program = named[row["phase__cohort_id"]].program
        entry = programs.setdefault(
            program.pk, {"program": program.name, "cohorts": set(), "sessions": 0, "jp": 0}
        )
        entry["cohorts"].add(row["phase__cohort_id"])
        entry["sessions"] += row["sessions"]
        entry["jp"] += row["jp"] or 0
        subject = subjects.setdefault(
            (program.name, row["subject"]),
            {"program": program.name, "subject": row["subject"], "sessions": 0, "jp": 0},
        )
        subject["sessions"] += row["sessions"]
        subject["jp"] += row["jp"] or 0
    program_rows = sorted(programs.values(), key=lambda r: r["program"])
    for row in program_rows:
        row["cohorts"] = len(row["cohorts"])
    return program_rows, [subjects[key] for key in sorted(subjects)]


def _supervision(user, start, end, cohorts):
    """Projects coached (cohorts running in the period), seminars examined and designs
    reviewed (in the period), each grouped by cohort: three queries."""
    enrolments = Enrolment.objects.filter(
        coach=user, cohort__start_date__lte=end, cohort__end_date__gte=start
    )
    seminars = Seminar.objects.filter(
        examiners=user, starts_at__date__gte=start, starts_at__date__lte=end
    )
    steps = ProjectStep.objects.filter(
        actor=user,
        action__in=(APPROVE, REVISE),
        taken_at__date__gte=start,
        taken_at__date__lte=end,
    )
    if cohorts is not None:
        within = cohorts.values("pk")
        enrolments = enrolments.filter(cohort__in=within)
        seminars = seminars.filter(cohort__in=within)
        steps = steps.filter(project__enrolment__cohort__in=within)
    coached = list(
        enrolments.values("cohort_id")
        .annotate(
            participants=Count("pk"),
            final=Count("pk", filter=Q(project__state=State.FINAL)),
        )
        .order_by()
    )
    examined = list(
        seminars.values("cohort_id")
        .annotate(
            seminars=Count("pk", distinct=True), participants=Count("enrolments", distinct=True)
        )
        .order_by()
    )
    reviewed = list(
        steps.values(cohort_id=F("project__enrolment__cohort_id"))
        .annotate(
            projects=Count("project", distinct=True),
            approved=Count("pk", filter=Q(action=APPROVE)),
            revisions=Count("pk", filter=Q(action=REVISE)),
        )
        .order_by()
    )
    return coached, examined, reviewed


# The staff's list of the people whose ledgers they may read.


def _period_jp(teacher_field, start, end, cohorts):
    """The JP a row's person taught in the period (within `cohorts`), as a subquery."""
    sessions = ClassSession.objects.filter(
        **{teacher_field: OuterRef("pk")}, date__gte=start, date__lte=end
    )
    if cohorts is not None:
        sessions = sessions.filter(phase__cohort__in=cohorts.values("pk"))
    total = sessions.order_by().values(teacher_field).annotate(total=Sum("jp")).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def ledger_widyaiswara_within_reach(user, *, start=None, end=None):
    """The widyaiswara whose ledger `user` (staff) may read: those who taught or coached in a
    cohort within their reach (every cohort for administrators), with the JP they taught there
    in the period, by name. Subqueries: one query for the rows."""
    start, end = ledger_period(start, end)
    cohorts = cohorts_within_reach(user)
    taught = ClassSession.objects.filter(
        widyaiswara=OuterRef("pk"), phase__cohort__in=cohorts.values("pk")
    )
    coached = Enrolment.objects.filter(coach=OuterRef("pk"), cohort__in=cohorts.values("pk"))
    return (
        get_user_model()
        .objects.filter(Exists(taught) | Exists(coached))
        .annotate(period_jp=_period_jp("widyaiswara", start, end, cohorts))
        .order_by("first_name", "last_name", "pk")
    )


def ledger_speakers_within_reach(user, *, start=None, end=None):
    """The outside speakers of the registers within `user`'s reach, with the JP they taught in
    the period in the cohorts within reach, by name."""
    start, end = ledger_period(start, end)
    cohorts = cohorts_within_reach(user)
    return (
        speakers_within_reach(user)
        .select_related("institution")
        .annotate(period_jp=_period_jp("speaker", start, end, cohorts))
        .order_by("name", "pk")
    )


def month_bars(months, *, width=400, height=170, top=18, bottom=32, left=2):
    """The geometry of the chart of JP per month (an SVG drawn server-side): each month's bar
    with its x, y, width and height in the chart's own units, its label and figure."""
    highest = max((m["jp"] for m in months), default=0) or 1
    slot = (width - left) / max(len(months), 1)
    usable = height - top - bottom
    bars = []
    for index, month in enumerate(months):
        bar_height = round(usable * month["jp"] / highest, 1)
        x = round(left + index * slot + slot * 0.15, 1)
        bars.append(
            {
                **month,
                "x": x,
                "width": round(slot * 0.7, 1),
                "y": round(top + usable - bar_height, 1),
                "height": bar_height,
                "center": round(left + index * slot + slot / 2, 1),
                "short": str(MONTHS[month["month"].month - 1]),
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "baseline": height - bottom,
        "label_y": height - bottom + 14,
        "year_y": height - bottom + 26,
    }
