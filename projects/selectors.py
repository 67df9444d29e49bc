"""Reads for the project pages, each a fixed number of queries whatever the cohort size."""

from django.db.models import Exists, OuterRef, Q, Subquery

from .models import ChangeProject, ComponentScore, CriterionScore, ProjectStep, ScoreSheet, Seminar
from .models import State as S
from .scoring import COACH, EXAMINER, MENTOR, SCORING_STATES

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
            coach_sheet=_sheet_by(user, COACH),
            mentor_sheet=_sheet_by(user, MENTOR),
        )
        .order_by("-enrolment__cohort__start_date", "enrolment__participant__name")
    )
    examined = list(
        ChangeProject.objects.filter(enrolment__seminars__examiners=user)
        .select_related(*PROJECT_RELATED)
        .annotate(examiner_sheet=_sheet_by(user, EXAMINER))
        .distinct()
        .order_by("enrolment__participant__name")
    )
    designs, reports, scores = [], [], []
    for project in supervised:
        role = COACH if project.enrolment.coach_id == user.pk else MENTOR
        project.my_role = role
        has_sheet = project.coach_sheet if role == COACH else project.mentor_sheet
        if project.state == S.DESIGN_SUBMITTED and not project.approved:
            designs.append(project)
        elif project.state == S.REPORT_SUBMITTED and not has_sheet:
            reports.append(project)
        elif project.state in SCORING_STATES[role] and not has_sheet:
            scores.append(project)
    for project in examined:
        project.my_role = EXAMINER
        if project.state in SCORING_STATES[EXAMINER] and not project.examiner_sheet:
            scores.append(project)
    return {
        "designs": designs,
        "reports": reports,
        "scores": scores,
        "seminars": seminars_of_examiner(user),
        "supervised": supervised,
    }


def seminars_of_examiner(user):
    seminars = (
        Seminar.objects.filter(examiners=user)
        .select_related("cohort__program", "cohort__organiser")
        .prefetch_related("enrolments__participant", "enrolments__project", "examiners")
        .order_by("starts_at")
    )
    return list(seminars)


def seminars_of_cohort(cohort):
    return list(
        Seminar.objects.filter(cohort=cohort)
        .prefetch_related("enrolments__participant", "enrolments__project", "examiners")
        .order_by("starts_at", "room")
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
    return _with_old_values(
        CriterionScore.history.filter(**filters).select_related(
            "history_user",
            "criterion__rubric",
            "sheet__scorer",
            "sheet__project__enrolment__participant",
        )
    )


def component_history(**filters):
    return _with_old_values(
        ComponentScore.history.filter(**filters).select_related(
            "history_user", "component", "enrolment__participant"
        )
    )
