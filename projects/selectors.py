"""Reads of the projects app, each a fixed number of queries whatever the cohort size: the
project pages' lists, and every participant's final score.

This is the public face of projects for the layer above: documents reads final scores, who is
passing and whether a program's results already stand here, and nowhere else in projects.
"""

from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    When,
)
from django.utils import timezone

from participants.models import Enrolment

from .grading import Band, default_bands, final_score_of
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


def _sheet_by(user, role):
    return Exists(
        ScoreSheet.objects.filter(
            project=OuterRef("pk"), role=role, scorer=user, submitted_at__isnull=False
        )
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


def queue_of(user):
    """What waits for a widyaiswara or mentor: designs to approve, reports to read, scores
    due, their seminars, and every project they supervise. Four queries."""
    supervised = list(
        ChangeProject.objects.filter(Q(enrolment__coach=user) | Q(enrolment__mentor__user=user))
        .select_related(*PROJECT_RELATED)
        .annotate(
            approved=_approved_by(user),
            coach_sheet=_sheet_by(user, ScoringRole.COACH),
            mentor_sheet=_sheet_by(user, ScoringRole.MENTOR),
        )
        .order_by("-enrolment__cohort__start_date", "enrolment__participant__name")
    )
    examined = list(
        ChangeProject.objects.filter(enrolment__seminars__examiners=user)
        .select_related(*PROJECT_RELATED)
        .annotate(examiner_sheet=_sheet_by(user, ScoringRole.EXAMINER))
        .distinct()
        .order_by("enrolment__participant__name")
    )
    designs, reports, scores = [], [], []
    for project in supervised:
        role = ScoringRole.COACH if project.enrolment.coach_id == user.pk else ScoringRole.MENTOR
        project.my_role = role
        has_sheet = project.coach_sheet if role == ScoringRole.COACH else project.mentor_sheet
        if project.state == S.DESIGN_SUBMITTED and not project.approved:
            designs.append(project)
        elif project.state == S.REPORT_SUBMITTED and not has_sheet:
            reports.append(project)
        elif project.state in SCORING_STATES[role] and not has_sheet:
            scores.append(project)
    for project in examined:
        project.my_role = ScoringRole.EXAMINER
        if project.state in SCORING_STATES[ScoringRole.EXAMINER] and not project.examiner_sheet:
            scores.append(project)
    return {
        "designs": designs,
        "reports": reports,
        "scores": scores,
        "seminars": seminars_of_examiner(user),
        "supervised": supervised,
    }


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
    seminars = (
        Seminar.objects.filter(examiners=user)
        .select_related("cohort__program", "cohort__organiser")
        .prefetch_related("enrolments__participant", "enrolments__project", "examiners")
    )
    return list(_upcoming_first(seminars))


def seminars_of_cohort(cohort):
    return list(
        _upcoming_first(
            Seminar.objects.filter(cohort=cohort).prefetch_related(
                "enrolments__participant", "enrolments__project", "examiners"
            )
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


def enrolments_certified(cohort):
    """The cohort's enrolments holding a valid certificate, by id, each with its certificate
    joined: their scores are frozen, since a certificate states the score it was issued
    with."""
    return {
        e.pk: e
        for e in Enrolment.objects.filter(
            cohort=cohort, certificate__status=CERTIFICATE_VALID
        ).select_related("participant", "certificate")
    }


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
