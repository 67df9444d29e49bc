"""The head's dashboard: one institution's year in figures, for the page and the monthly
report (issue 16).

A year's cohorts are those of that year (Cohort.year) that the institution organises or
co-organises, as its staff see them (cohorts.scope). Whether a cohort is running, finished or
still to come is read from its dates against `today`. Results (who passed, with which
predicate) count the finished cohorts only: a running cohort's scores are still coming in.

Every figure is counted by the database: a fixed number of queries whatever the number of
cohorts or participants (dashboard_of), plus three per program among the finished cohorts
(its components and predicate bands, and its counts, through projects.selectors), since each
program has its own final-score rules. Programs are a handful, the catalogue's, not one per
cohort.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Max, Q
from django.utils.translation import gettext_lazy as _

from cohorts.models import ClassSession, Cohort
from cohorts.selectors import teachers_jp
from participants.evaluations import cohorts_evaluation_averages
from participants.models import Enrolment
from projects.selectors import finals_summary, grading_of

# The longest lists (agencies, widyaiswara) show their ten largest and the rest in one row.
TOP = 10
OTHERS = _("Lainnya")
RUNNING, FINISHED, UPCOMING = "running", "finished", "upcoming"
STATE_LABELS = {
    RUNNING: _("Berjalan"),
    FINISHED: _("Selesai"),
    UPCOMING: _("Akan datang"),
}


@dataclass
class Results:
    """Outcomes of the finished cohorts: how many were enrolled, have a final score and pass,
    and how many hold each predicate (highest first, as the programs' bands go)."""

    enrolled: int = 0
    scored: int = 0
    passing: int = 0
    predicates: list = field(default_factory=list)

    @property
    def unscored(self):
        return self.enrolled - self.scored

    @property
    def pass_rate(self):
        """Passing among those enrolled, in percent to one place; None with nobody."""
        if not self.enrolled:
            return None
        rate = Decimal(self.passing * 100) / Decimal(self.enrolled)
        return rate.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


@dataclass
class Dashboard:
    institution: object
    year: int
    today: object
    cohorts: list
    by_program: list
    by_agency: list
    participants: int
    results: Results
    jp_by_teacher: list
    jp_total: int
    evaluations: object = None

    def count(self, state):
        return sum(1 for cohort in self.cohorts if cohort.state == state)

    @property
    def running(self):
        return self.count(RUNNING)

    @property
    def finished(self):
        return self.count(FINISHED)

    @property
    def upcoming(self):
        return self.count(UPCOMING)


def cohorts_of_institution(institution, year):
    """The cohorts of `year` the institution organises or co-organises (a queryset)."""
    return Cohort.objects.filter(Q(organiser=institution) | Q(co_organiser=institution), year=year)


def cohort_state(cohort, today):
    if cohort.end_date < today:
        return FINISHED
    if cohort.start_date > today:
        return UPCOMING
    return RUNNING


def top_and_rest(rows, top=TOP):
    """`rows` ((label, number), largest first) cut to the `top` largest, the rest summed in
    one row "Lainnya"."""
    rows = list(rows)
    if len(rows) <= top + 1:
        return rows
    return [*rows[:top], (OTHERS, sum(value for _label, value in rows[top:]))]


def dashboard_cohorts(institution, year, today):
    """The year's cohorts, first to start first, each with its program, its number of
    `participants` and its `state`: one query."""
    cohorts = list(
        cohorts_of_institution(institution, year)
        .select_related("program")
        .annotate(participants=Count("enrolments"))
        .order_by("start_date", "program__name", "angkatan", "pk")
    )
    for cohort in cohorts:
        cohort.state = cohort_state(cohort, today)
        cohort.state_label = STATE_LABELS[cohort.state]
    return cohorts


def _participants_by(cohorts, field):
    """(value of `field`, participants), most first: one query. A participant counts once
    per value, even in two cohorts."""
    rows = (
        Enrolment.objects.filter(cohort__in=cohorts)
        .values(field)
        .annotate(count=Count("participant", distinct=True))
        .order_by("-count", field)
    )
    return [(row[field], row["count"]) for row in rows]


def participants_by_program(cohorts):
    """(program name, participants), most first: one query."""
    return _participants_by(cohorts, "cohort__program__name")


def participants_by_agency(cohorts):
    """(agency, participants), most first, every agency (OPD) that sent someone: one query.
    A participant belongs to one agency, so the counts add up to the participants."""
    return _participants_by(cohorts, "participant__agency__name")


def jp_by_teacher(cohorts, today):
    """(widyaiswara or outside speaker, JP), most first: the JP of the sessions they taught
    in these cohorts up to `today` (a session to come is not delivered yet). One query."""
    taught = teachers_jp(ClassSession.objects.filter(phase__cohort__in=cohorts, date__lte=today))
    return sorted(((t.name, t.jp) for t in taught), key=lambda pair: (-pair[1], pair[0]))


def results_of(cohorts):
    """Results over these (finished) cohorts, counted per program by projects.selectors
    (finals_summary: each final score and predicate reckoned in SQL by the program's own
    rules) and added up. Predicates of the same name add up across programs."""
    results = Results()
    by_program = {}
    for cohort in cohorts:
        by_program.setdefault(cohort.program_id, (cohort.program, []))[1].append(cohort.pk)
    predicates = {}
    for program, cohort_ids in by_program.values():
        summary = finals_summary(
            Enrolment.objects.filter(cohort_id__in=cohort_ids), grading_of(program)
        )
        results.enrolled += summary["enrolled"]
        results.scored += summary["scored"]
        results.passing += summary["passing"]
        for name, count in summary["predicates"]:
            predicates[name] = predicates.get(name, 0) + count
    results.predicates = list(predicates.items())
    return results


def dashboard_of(*, institution, year, today):
    """Every figure of the dashboard. Queries: the cohorts, participants by program and by
    agency, JP by teacher, the evaluation averages (5), and three per program among the
    finished cohorts (results_of), whatever the number of cohorts."""
    cohorts = dashboard_cohorts(institution, year, today)
    ids = [cohort.pk for cohort in cohorts]
    by_agency = participants_by_agency(ids) if ids else []
    jp = jp_by_teacher(ids, today) if ids else []
    return Dashboard(
        institution=institution,
        year=year,
        today=today,
        cohorts=cohorts,
        by_program=participants_by_program(ids) if ids else [],
        by_agency=top_and_rest(by_agency),
        participants=sum(count for _name, count in by_agency),
        results=results_of([cohort for cohort in cohorts if cohort.state == FINISHED]),
        jp_by_teacher=top_and_rest(jp),
        jp_total=sum(value for _name, value in jp),
        evaluations=cohorts_evaluation_averages(ids),
    )


def dashboard_default_year(institution, current):
    """The year a dashboard opens on: the latest year, not after `current`, in which the
    institution has a cohort; `current` when it has none. One query."""
    latest = (
        Cohort.objects.filter(Q(organiser=institution) | Q(co_organiser=institution))
        .filter(year__lte=current)
        .aggregate(latest=Max("year"))["latest"]
    )
    return latest or current


def dashboard_years(institution, current):
    """The years the institution has cohorts in, and the current one, latest first: one
    query."""
    years = set(
        Cohort.objects.filter(Q(organiser=institution) | Q(co_organiser=institution))
        .values_list("year", flat=True)
        .distinct()
    )
    return sorted(years | {current}, reverse=True)
