"""Reads of the projects app, each a fixed number of queries whatever the cohort size: the
project pages' lists, and every participant's final score.

This is the public face of projects for the layer above: documents reads final scores, who is
passing and whether a program's results already stand here, and nowhere else in projects.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import (
    BigIntegerField,
    BooleanField,
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models.functions import Cast, Round
from django.utils import timezone

from participants.models import Enrolment
from participants.selectors import roster_filtered

from .grading import (
    LOWEST_PREDICATE,
    TWO_PLACES,
    WEIGHTS_INCOMPLETE,
    Band,
    FinalScore,
    default_bands,
    final_score_of,
)
from .models import (
    SCORING_STATES,
    ChangeProject,
    ComponentScore,
    CriterionScore,
    PredicateBand,
    ProjectStep,
    ScoreComponent,
    ScoreSheet,
    ScoringRole,
    Seminar,
)
from .models import State as S

# Outcomes that never earn a certificate, whatever the final score says.
NOT_CERTIFIED = (
    Enrolment.Status.WITHDRAWN,
    Enrolment.Status.FAILED,
    Enrolment.Status.DEFERRED,
)
# The status of a certificate that freezes a score (documents.Certificate.Status.VALID).
# Projects sits below documents, so it reads certificates through the enrolment's reverse
# relation and never imports them.
CERTIFICATE_VALID = "valid"

PROJECT_RELATED = (
    "enrolment__participant__agency",
    "enrolment__cohort__program",
    "enrolment__coach",
    "enrolment__mentor",
    "theme",
)


def _approved_by(user):
    last_submit = (
        ProjectStep.objects.filter(project=OuterRef(OuterRef("pk")), action="submit_design")
        .order_by("-pk")
        .values("pk")[:1]
    )
    return Exists(
        ProjectStep.objects.filter(
            project=OuterRef("pk"),
            action="approve_design",
            actor=user,
            pk__gt=Subquery(last_submit),
        )
    )


# A supervisor's project is done once it is final, or once its participant is out of the
# training (withdrawn, deferred, or their outcome recorded when the grades closed): nothing
# waits on it any more, and the queue shows it only under "Selesai".
IN_TRAINING = (Enrolment.Status.REGISTERED, Enrolment.Status.ACTIVE)
FINISHED = Q(state=S.FINAL) | ~Q(enrolment__status__in=IN_TRAINING)
SUPERVISOR_ROLES = (ScoringRole.COACH, ScoringRole.MENTOR)


def projects_of(user):
    """Every project the user coaches, mentors or examines, each with `my_role` (coach
    before mentor before examiner), `my_sheet` (their score sheet in that role is
    submitted) and `approved` (they approved the design since it was last submitted); the
    participant, agency, cohort, program, coach, mentor and theme joined. One query, in SQL
    whatever the number: filters and pages apply to it."""
    examined = Seminar.enrolments.through.objects.filter(seminar__examiners=user).values(
        "enrolment_id"
    )
    coaches = Q(enrolment__coach=user)
    mentors = Q(enrolment__mentor__user=user)
    return (
        ChangeProject.objects.filter(coaches | mentors | Q(enrolment_id__in=examined))
        .select_related(*PROJECT_RELATED)
        .annotate(
            my_role=Case(
                When(coaches, then=Value(ScoringRole.COACH)),
                When(mentors, then=Value(ScoringRole.MENTOR)),
                default=Value(ScoringRole.EXAMINER),
            )
        )
        .annotate(
            my_sheet=Exists(
                ScoreSheet.objects.filter(
                    project=OuterRef("pk"),
                    role=OuterRef("my_role"),
                    scorer=user,
                    submitted_at__isnull=False,
                )
            ),
            approved=_approved_by(user),
        )
        .order_by("-enrolment__cohort__start_date", "enrolment__participant__name", "pk")
    )


def _scores_due():
    """A score sheet this role still owes while its stage lasts; the report stage of the
    coach and mentor counts as a report to read instead."""
    due = Q()
    for role, states in SCORING_STATES.items():
        states = [s for s in states if role == ScoringRole.EXAMINER or s != S.REPORT_SUBMITTED]
        due |= Q(my_role=role, state__in=states)
    return due & Q(my_sheet=False)


def _queue_lists():
    """Each list of the queue as a condition over projects_of."""
    supervising = Q(my_role__in=SUPERVISOR_ROLES)
    return {
        "designs": supervising & Q(state=S.DESIGN_SUBMITTED, approved=False),
        "reports": supervising & Q(state=S.REPORT_SUBMITTED, my_sheet=False),
        "scores": _scores_due(),
        "supervised": supervising & ~FINISHED,
        "finished": supervising & FINISHED,
    }


def queue_of(user, projects=None):
    """What waits for a widyaiswara or mentor, as querysets that filter and page in SQL:
    `designs` to approve, `reports` to read and score, `scores` due as coach, mentor or
    examiner; and the projects they supervise, `supervised` (in progress) and `finished`.
    `projects`: projects_of(user) narrowed (a search), by default all of them."""
    projects = projects_of(user) if projects is None else projects
    return {name: projects.filter(q) for name, q in _queue_lists().items()}


def queue_counts(projects):
    """How many projects each list of queue_of holds, in one query."""
    return projects.aggregate(**{name: Count("pk", filter=q) for name, q in _queue_lists().items()})


def _upcoming_first(seminars):
    """Today's and later seminars first, soonest first; then the past ones, latest first, each
    with `is_past` set. Today's stay with the upcoming ones until the day ends: an examiner
    opens the list during the seminar."""
    today = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return seminars.annotate(
        is_past=ExpressionWrapper(Q(starts_at__lt=today), output_field=BooleanField())
    ).order_by(
        "is_past",
        Case(When(is_past=False, then=F("starts_at"))).asc(),
        F("starts_at").desc(),
        "room",
    )


def seminars_of_examiner(user):
    """The examiner's seminars, nearest first, as a queryset: a page of it reads its
    seminars' participants and examiners only (prefetched for the page's slice)."""
    seminars = (
        Seminar.objects.filter(examiners=user)
        .select_related("cohort__program", "cohort__organiser")
        .prefetch_related("enrolments__participant", "enrolments__project", "examiners")
    )
    return _upcoming_first(seminars)


def seminars_next_of(user, *, limit=5):
    """The examiner's nearest seminars for the queue (today's and later first, then the
    latest past ones), each with its `participant_count`: one query, however many seminars
    the years have gathered. The examiner's seminar page lists them all."""
    seminars = Seminar.objects.filter(examiners=user).select_related("cohort__program")
    return list(_upcoming_first(seminars.annotate(participant_count=Count("enrolments")))[:limit])


def seminars_of_cohort(cohort):
    """The cohort's seminars, nearest first, as a queryset (see seminars_of_examiner)."""
    return _upcoming_first(
        Seminar.objects.filter(cohort=cohort).prefetch_related(
            "enrolments__participant", "enrolments__project", "examiners"
        )
    )


def _with_old_values(records):
    """History records, newest first, each with `old` (the value before it) set."""
    records = sorted(records, key=lambda r: (r.id, r.history_date, r.history_id))
    previous = {}
    for record in records:
        record.old = previous.get(record.id)
        record.new = None if record.history_type == "-" else record.score
        previous[record.id] = record.new
    return sorted(records, key=lambda r: (r.history_date, r.history_id), reverse=True)


def criterion_history(**filters):
    """Score changes, newest first; `entered_for` is the scorer when someone else (staff,
    from a signed paper form) entered the change on their behalf."""
    records = _with_old_values(
        CriterionScore.history.filter(**filters).select_related(
            "history_user",
            "criterion__rubric",
            "sheet__scorer",
            "sheet__project__enrolment__participant",
        )
    )
    for record in records:
        scorer = record.sheet.scorer
        entered_by_another = record.history_user_id not in (None, scorer.pk)
        record.entered_for = scorer if entered_by_another else None
    return records


def component_history(**filters):
    return _with_old_values(
        ComponentScore.history.filter(**filters).select_related(
            "history_user", "component", "enrolment__participant"
        )
    )


# Final scores ------------------------------------------------------------------------------


def components_of(program):
    return list(ScoreComponent.objects.filter(program=program).order_by("order", "pk"))


def bands_of(program):
    """The program's predicate bands, highest first, the lowest open-ended; or the defaults."""
    bands = [
        Band(b.floor, b.name, b.passes)
        for b in PredicateBand.objects.filter(program=program).order_by("-floor")
    ]
    if not bands:
        return default_bands()
    lowest = bands[-1]
    return [*bands[:-1], Band(None, lowest.name, lowest.passes)]


def program_certified(program):
    """Whether results already stand on the program's rules: a certificate issued, or a
    cohort's grades closed. Its components and bands are then frozen."""
    return (
        Enrolment.objects.filter(
            cohort__program=program, certificate__status=CERTIFICATE_VALID
        ).exists()
        or program.cohorts.filter(grades_closed_at__isnull=False).exists()
    )


def _finals(cohort, only=None):
    """The program's components, and every enrolment (participant, project, group and
    certificate joined) with its `entered` component scores and `final` score: five queries
    whatever the cohort size. `only`: these enrolment ids instead of the whole cohort."""
    components = components_of(cohort.program)
    bands = bands_of(cohort.program)
    scores = ComponentScore.objects.filter(enrolment__cohort=cohort)
    enrolments = Enrolment.objects.filter(cohort=cohort)
    if only is not None:
        scores = scores.filter(enrolment_id__in=only)
        enrolments = enrolments.filter(pk__in=only)
    entered = {}
    for score in scores:
        entered.setdefault(score.enrolment_id, {})[score.component_id] = score.score
    enrolments = list(
        enrolments.select_related(
            "participant__agency", "project", "group", "certificate"
        ).order_by("participant__name", "pk")
    )
    for enrolment in enrolments:
        project = getattr(enrolment, "project", None)
        enrolment.entered = entered.get(enrolment.pk, {})
        enrolment.final = final_score_of(
            components=components,
            entered=enrolment.entered,
            project_score=project.final_score if project else None,
            bands=bands,
        )
    return components, enrolments


def cohort_finals(cohort, only=None):
    """Every enrolment of the cohort (or those whose ids are in `only`) with its `final`
    score."""
    return _finals(cohort, only)[1]


def gradebook_rows(cohort):
    """The program's components and one row per participant for the gradebook: its entered
    scores, its `values` in component order (the project's score for the project component)
    and its final score."""
    components, enrolments = _finals(cohort)
    rows = []
    for e in enrolments:
        project = getattr(e, "project", None)
        values = [
            (project.final_score if project else None)
            if c.source == "project"
            else e.entered.get(c.pk)
            for c in components
        ]
        rows.append({"enrolment": e, "entered": e.entered, "values": values, "final": e.final})
    return components, rows


# Final scores in SQL -----------------------------------------------------------------------
# The same rule as grading.final_score_of, written as SQL so that a page can count who is
# passing among 10,000 participants, or filter on the result, without reading them all. It
# reckons in whole hundredths, as integers, so that every database gives exactly the
# Decimal rule's result: SQLite keeps decimals as floats, where 81.285 may round down.


@dataclass(frozen=True)
class Grading:
    """A program's final-score rules, read once (its components and its predicate bands,
    two queries) for any number of enrolments."""

    components: tuple
    bands: tuple

    @property
    def entered(self):
        return [c for c in self.components if c.source == "entered"]

    @property
    def weights_complete(self):
        return sum((Decimal(c.weight) for c in self.components), Decimal(0)) == 100


def grading_of(program):
    return Grading(tuple(components_of(program)), tuple(bands_of(program)))


def _hundredths(score):
    """A score of at most two places as a whole number of hundredths (85.33 as 8533); the
    rounding only undoes a float's 8532.999... on SQLite."""
    return Cast(Round(score * Value(100)), BigIntegerField())


def _component_column(component):
    return f"component_{component.pk}"


def enrolments_with_finals(enrolments, grading):
    """`enrolments` (a queryset) annotated in SQL with each entered component's score
    (`component_<id>`), the project's score (`project_score`), the final score in hundredths
    (`final_cents`, null while a part is missing) and the index of its predicate band among
    `grading.bands` (`band`; len(bands) for the default lowest band). final_of turns a loaded
    row into its FinalScore."""
    # One LEFT JOIN per entered component (a score is unique per enrolment and component),
    # not a subquery per row: PostgreSQL copies an annotation's subquery into every
    # expression that uses it, and the figures use final_cents a dozen times.
    joins = {
        f"{_component_column(c)}_row": FilteredRelation(
            "component_scores", condition=Q(component_scores__component=c.pk)
        )
        for c in grading.entered
    }
    columns = {
        _component_column(c): F(f"{_component_column(c)}_row__score") for c in grading.entered
    }
    enrolments = enrolments.annotate(**joins).annotate(
        **columns, project_score=F("project__final_score")
    )
    if not grading.components:
        final = _hundredths(F("project_score"))
    elif not grading.weights_complete:
        final = Value(None, output_field=BigIntegerField())
    else:
        # sum(weight * score) / 100 in hundredths is the sum of the products of hundredths
        # over 10,000; adding 5,000 before the integer division rounds half up (never
        # negative). A missing part makes the sum null, as it leaves the final score open.
        parts = [
            Value(int(Decimal(c.weight) * 100))
            * _hundredths(F("project_score") if c.source == "project" else F(_component_column(c)))
            for c in grading.components
        ]
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        final = ExpressionWrapper(
            (total + Value(5000)) / Value(10000), output_field=BigIntegerField()
        )
    enrolments = enrolments.annotate(final_cents=final)
    # The first band (highest first) whose floor the score is strictly above, as _band.
    whens = [
        When(final_cents__gt=int(band.floor * 100), then=Value(index))
        if band.floor is not None
        else When(final_cents__isnull=False, then=Value(index))
        for index, band in enumerate(grading.bands)
    ]
    return enrolments.annotate(
        band=Case(
            When(final_cents__isnull=True, then=Value(None)),
            *whens,
            default=Value(len(grading.bands)),
            output_field=IntegerField(),
        )
    )


def _band_at(grading, index):
    if index < len(grading.bands):
        return grading.bands[index]
    return Band(None, LOWEST_PREDICATE, False)


def _passing_bands(grading):
    return [i for i in range(len(grading.bands) + 1) if _band_at(grading, i).passes]


def final_of(enrolment, grading):
    """The FinalScore of an enrolment loaded through enrolments_with_finals, from its
    annotations: the same as final_score_of, with no further query. Sets `entered` (component
    id to score) on it too, for the gradebook."""
    enrolment.entered = {
        c.pk: value
        for c in grading.entered
        if (value := getattr(enrolment, _component_column(c))) is not None
    }
    if enrolment.final_cents is None:
        if not grading.components:
            missing = ()
        elif not grading.weights_complete:
            missing = (str(WEIGHTS_INCOMPLETE),)
        else:
            missing = tuple(
                c.name
                for c in grading.components
                if (
                    enrolment.project_score
                    if c.source == "project"
                    else enrolment.entered.get(c.pk)
                )
                is None
            )
        return FinalScore(None, missing, grading.bands)
    score = (Decimal(enrolment.final_cents) / 100).quantize(TWO_PLACES)
    return FinalScore(score, (), grading.bands)


def finals_attach(enrolments, grading):
    """Each enrolment (loaded through enrolments_with_finals) with its `final` and `entered`
    set, as cohort_finals gives them; a list."""
    enrolments = list(enrolments)
    for enrolment in enrolments:
        enrolment.final = final_of(enrolment, grading)
    return enrolments


def passing_q(grading):
    """Passing, as `passes` says, over enrolments_with_finals: a passing predicate and not
    withdrawn, failed or deferred."""
    return Q(band__in=_passing_bands(grading)) & ~Q(status__in=NOT_CERTIFIED)


def finals_summary(enrolments, grading):
    """Counts over `enrolments` (a queryset) in one query whatever their number: `enrolled`,
    `scored` (a final score), `passing`, `statuses` (status to count) and `predicates`
    ((predicate, count), highest band first). The database counts them by predicate band
    and status (a few dozen groups at most); the figures are sums of those groups, so that
    each row's final score is reckoned once."""
    groups = (
        enrolments_with_finals(enrolments.order_by(), grading)
        .values("band", "status")
        .annotate(count=Count("pk"))
        .order_by()
    )
    passing_bands = set(_passing_bands(grading))
    bands = range(len(grading.bands) + 1)
    statuses = dict.fromkeys(Enrolment.Status.values, 0)
    by_band = dict.fromkeys(bands, 0)
    passing = 0
    for group in groups:
        statuses[group["status"]] += group["count"]
        if group["band"] is not None:
            by_band[group["band"]] += group["count"]
        # passes(): a passing predicate, and not withdrawn, failed or deferred
        if group["band"] in passing_bands and group["status"] not in NOT_CERTIFIED:
            passing += group["count"]
    return {
        "enrolled": sum(statuses.values()),
        "scored": sum(by_band.values()),
        "passing": passing,
        "statuses": statuses,
        "predicates": [
            (_band_at(grading, i).name, by_band[i])
            for i in bands
            if i < len(grading.bands) or by_band[i]
        ],
    }


def gradebook_page_rows(enrolments, grading):
    """gradebook_rows for some enrolments only (a page of them, already loaded through
    enrolments_with_finals with participant and project joined)."""
    rows = []
    for e in finals_attach(enrolments, grading):
        project = getattr(e, "project", None)
        values = [
            (project.final_score if project else None)
            if c.source == "project"
            else e.entered.get(c.pk)
            for c in grading.components
        ]
        rows.append({"enrolment": e, "entered": e.entered, "values": values, "final": e.final})
    return rows


GRADEBOOK_RELATED = ("participant", "project")


def group_and_agency_typed(enrolments, filters):
    """Enrolments narrowed by part of their group's name (`kelompok`) and of their agency's
    name (`instansi`), matched in SQL."""
    if group := (filters.get("kelompok") or "").strip():
        enrolments = enrolments.filter(group__name__icontains=group)
    if agency := (filters.get("instansi") or "").strip():
        enrolments = enrolments.filter(participant__agency__name__icontains=agency)
    return enrolments


def gradebook_filtered(cohort, grading, filters):
    """The cohort's gradebook rows (enrolments_with_finals) with the roster's search, filters
    and order, and `result`: "open" (a part still missing), "passing" or "failing" (scored,
    not passing). A queryset: a page of it is what the gradebook loads."""
    enrolments = group_and_agency_typed(roster_filtered(cohort, filters), filters)
    rows = enrolments_with_finals(
        enrolments.select_related(None).select_related(*GRADEBOOK_RELATED), grading
    )
    rows = rows.order_by(*rows.query.order_by, "pk")  # equal names keep their page
    result = filters.get("result")
    if result == "open":
        rows = rows.filter(final_cents__isnull=True)
    elif result == "passing":
        rows = rows.filter(passing_q(grading))
    elif result == "failing":
        rows = rows.filter(Q(final_cents__isnull=False) & ~passing_q(grading))
    return rows


def gradebook_of(cohort, grading, enrolment_ids):
    """These enrolments of the cohort as gradebook rows (enrolments_with_finals), in the
    gradebook's order: the rows a page sent back."""
    rows = Enrolment.objects.filter(cohort=cohort, pk__in=enrolment_ids)
    rows = rows.select_related(*GRADEBOOK_RELATED).order_by("participant__name", "pk")
    return enrolments_with_finals(rows, grading)


def enrolment_final_score(enrolment):
    """The final score of one enrolment (for certificates)."""
    components = components_of(enrolment.cohort.program)
    entered = dict(
        ComponentScore.objects.filter(enrolment=enrolment).values_list("component_id", "score")
    )
    project = getattr(enrolment, "project", None)
    return final_score_of(
        components=components,
        entered=entered,
        project_score=project.final_score if project else None,
        bands=bands_of(enrolment.cohort.program),
    )


@transaction.atomic
def enrolments_passing(cohort):
    """Who is passing: the enrolments that earn a certificate, each with its `final` score.
    A passing final score (every component of the program's final score in, a passing
    predicate), and not withdrawn, failed or deferred. The one rule for the cohort page, the
    certificate job and reissuing."""
    return [e for e in cohort_finals(cohort) if passes(e)]


def passes(enrolment):
    """Whether one enrolment carrying its `final` score (from cohort_finals) is passing."""
    return enrolment.status not in NOT_CERTIFIED and enrolment.final.passes


def passing_count(finals):
    """How many of these enrolments (from cohort_finals) are passing."""
    return sum(1 for enrolment in finals if passes(enrolment))


def finals_locked(cohort, enrolment_ids):
    """These enrolments with their `final` scores, read again under row locks on the
    enrolments and their projects, taken in primary-key order as score_record and
    component_scores_record take them, so that a mark lowered meanwhile counts. Runs inside
    the caller's transaction: the locks last until it ends."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("finals_locked needs the caller's transaction")
    list(Enrolment.objects.select_for_update().filter(pk__in=enrolment_ids).order_by("pk"))
    list(
        ChangeProject.objects.select_for_update()
        .filter(enrolment_id__in=enrolment_ids)
        .order_by("pk")
    )
    return {e.pk: e for e in cohort_finals(cohort, only=enrolment_ids)}


def enrolments_certified(cohort, only=None):
    """The cohort's enrolments holding a valid certificate (or those of them whose ids are
    in `only`), by id, each with its certificate joined: their scores are frozen, since a
    certificate states the score it was issued with."""
    enrolments = Enrolment.objects.filter(cohort=cohort, certificate__status=CERTIFICATE_VALID)
    if only is not None:
        enrolments = enrolments.filter(pk__in=list(only))
    return {e.pk: e for e in enrolments.select_related("participant", "certificate")}


def project_sheets_submitted(project):
    """The project's submitted score sheets with their scores, by role."""
    return list(
        ScoreSheet.objects.filter(project=project, submitted_at__isnull=False)
        .select_related("scorer", "paper__entered_by")
        .prefetch_related("scores__criterion")
        .order_by("role", "pk")
    )


def score_sheet_of(*, project, role, scorer):
    """`scorer`'s sheet for `project` as `role` with its scores, submitted or not; None if
    they have not started one."""
    return (
        ScoreSheet.objects.filter(project=project, role=role, scorer=scorer)
        .prefetch_related("scores")
        .first()
    )
