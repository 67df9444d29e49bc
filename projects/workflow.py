"""The life of a change project, step by step, and who may take each step.

draft → design submitted → (approved by coach and mentor) implementation, or revision →
report submitted → seminar scheduled → examined → final.
"""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from cohorts.models import Cohort
from cohorts.scope import works_on
from config.permissions import can_manage_cohorts
from participants.models import NotificationKind
from participants.notifications import notify

from .closing import grades_open_check
from .models import Actor, ChangeProject, ProjectDocument, ProjectStep, ScoreSheet, Seminar, State
from .scoring import project_score_of

ACTOR_LABELS = dict(Actor.choices)

ERROR_STATE = _("Langkah “%(step)s” tidak dapat diambil: proyek sedang pada tahap “%(state)s”.")
ERROR_ACTOR = _("Langkah “%(step)s” hanya dapat diambil oleh %(actors)s.")
ERROR_COMMENT = _("Tuliskan catatan untuk langkah “%(step)s”.")
ERROR_INCOMPLETE = _("Rancangan belum lengkap: isi %(missing)s.")
ERROR_NO_REPORT = _("Unggah laporan terlebih dahulu (jenis dokumen: Laporan).")
ERROR_SAME_REPORT = _("Laporan dikembalikan coach: unggah versi laporan yang baru terlebih dahulu.")
ERROR_ALREADY_APPROVED = _("Anda sudah menyetujui rancangan ini.")
ERROR_EXAMINER_SHEET = _("Kirim nilai penguji Anda terlebih dahulu.")
ERROR_SEMINAR_AHEAD = _("Seminarnya belum berlangsung (dijadwalkan %(when)s).")
ERROR_NO_SCORE = _("Nilai proyek belum lengkap: %(missing)s.")
ERROR_UNKNOWN = _("Langkah tidak dikenal.")


@dataclass(frozen=True)
class Step:
    action: str
    label: str
    sources: tuple
    target: str
    actors: frozenset
    comment_required: bool = False
    button: str = "btn-primary"


STEPS = {
    step.action: step
    for step in [
        Step(
            "submit_design",
            _("Ajukan rancangan"),
            (State.DRAFT, State.REVISION),
            State.DESIGN_SUBMITTED,
            frozenset({Actor.PARTICIPANT}),
        ),
        Step(
            "approve_design",
            _("Setujui rancangan"),
            (State.DESIGN_SUBMITTED,),
            State.IMPLEMENTATION,
            frozenset({Actor.COACH, Actor.MENTOR}),
            button="btn-success",
        ),
        Step(
            "request_revision",
            _("Minta revisi"),
            (State.DESIGN_SUBMITTED,),
            State.REVISION,
            frozenset({Actor.COACH, Actor.MENTOR}),
            comment_required=True,
            button="btn-outline-danger",
        ),
        Step(
            "submit_report",
            _("Ajukan laporan"),
            (State.IMPLEMENTATION,),
            State.REPORT_SUBMITTED,
            frozenset({Actor.PARTICIPANT}),
        ),
        Step(
            "return_report",
            _("Kembalikan laporan"),
            (State.REPORT_SUBMITTED,),
            State.IMPLEMENTATION,
            frozenset({Actor.COACH}),
            comment_required=True,
            button="btn-outline-danger",
        ),
        Step(
            "mark_examined",
            _("Tandai sudah diuji"),
            (State.SEMINAR_SCHEDULED,),
            State.EXAMINED,
            frozenset({Actor.EXAMINER}),
        ),
        Step(
            "finalize",
            _("Tetapkan final"),
            (State.EXAMINED,),
            State.FINAL,
            frozenset({Actor.STAFF}),
            button="btn-success",
        ),
        Step(
            "reopen_scoring",
            _("Buka kembali penilaian"),
            (State.FINAL,),
            State.EXAMINED,
            frozenset({Actor.STAFF}),
            comment_required=True,
            button="btn-outline-danger",
        ),
    ]
}
# Taken by seminar_schedule, never from a button.
SCHEDULE_SEMINAR = Step(
    "schedule_seminar",
    _("Jadwalkan seminar"),
    (State.REPORT_SUBMITTED,),
    State.SEMINAR_SCHEDULED,
    frozenset({Actor.STAFF}),
)


def project_roles(user, project):
    """What `user` is to this project: participant, coach, mentor, examiner and/or staff."""
    if not user.is_authenticated:
        return frozenset()
    enrolment = project.enrolment
    roles = set()
    if enrolment.participant.user_id == user.pk:
        roles.add(Actor.PARTICIPANT)
    if enrolment.coach_id == user.pk:
        roles.add(Actor.COACH)
    if enrolment.mentor_id and enrolment.mentor.user_id == user.pk:
        roles.add(Actor.MENTOR)
    if Seminar.objects.filter(enrolments=enrolment, examiners=user).exists():
        roles.add(Actor.EXAMINER)
    if can_manage_cohorts(user) and works_on(user, enrolment.cohort):
        roles.add(Actor.STAFF)
    return frozenset(roles)


# The decisions an approver takes on a submitted design.
DESIGN_DECISIONS = ("approve_design", "request_revision")


def steps_open_to(project, roles, *, pending=None):
    """The steps these roles could take at the project's current stage (for its buttons).
    An approver whose approval of the submitted design is recorded has decided: approving
    and asking for revision are left to whoever is still `pending` (approvals_pending)."""
    steps = [
        step for step in STEPS.values() if project.state in step.sources and step.actors & roles
    ]
    if project.state == State.DESIGN_SUBMITTED:
        pending = approvals_pending(project) if pending is None else pending
        if pending and not pending & roles:
            steps = [step for step in steps if step.action not in DESIGN_DECISIONS]
    return steps


def approval_recorded_waiting(roles, pending):
    """Whether these roles are a coach or mentor whose approval of the submitted design is
    recorded while `pending` (approvals_pending) still waits for the other approver."""
    return bool(pending) and bool(roles & {Actor.COACH, Actor.MENTOR}) and not pending & roles


def approvals_pending(project):
    """Who still has to approve the submitted design: the coach and, if assigned, the mentor."""
    enrolment = project.enrolment
    needed = {Actor.COACH} if enrolment.coach_id else set()
    if enrolment.mentor_id:
        needed.add(Actor.MENTOR)
    last_submit = project.steps.filter(action="submit_design").order_by("-pk").first()
    given = project.steps.filter(
        action="approve_design", pk__gt=last_submit.pk if last_submit else 0
    ).values_list("actor_role", flat=True)
    return needed - set(given)


def _precondition(project, step, role, user):
    if step.action == "submit_design":
        missing = [
            str(label)
            for label, value in [
                (_("judul"), project.title),
                (_("tema"), project.theme_id),
                (_("masalah"), project.problem),
                (_("gagasan inovasi"), project.innovation),
                (_("tonggak"), project.milestones.exists()),
            ]
            if not value
        ]
        if missing:
            raise ValidationError(ERROR_INCOMPLETE, params={"missing": ", ".join(missing)})
    elif step.action in DESIGN_DECISIONS:
        pending = approvals_pending(project)
        # With nobody left to wait for (a mentor removed meanwhile), any approver moves it on.
        # An approver who has approved has decided: revision is the other approver's call.
        if pending and role not in pending:
            raise ValidationError(ERROR_ALREADY_APPROVED)
    elif step.action == "submit_report":
        report = project.documents.filter(kind=ProjectDocument.Kind.REPORT).order_by("-pk").first()
        if report is None:
            raise ValidationError(ERROR_NO_REPORT)
        returned = project.steps.filter(action="return_report").order_by("-pk").first()
        if returned is not None and report.uploaded_at <= returned.taken_at:
            raise ValidationError(ERROR_SAME_REPORT)
    elif step.action == "mark_examined":
        seminar = (
            Seminar.objects.filter(enrolments=project.enrolment, examiners=user)
            .order_by("starts_at")
            .first()
        )
        if seminar.starts_at > timezone.now():
            raise ValidationError(
                ERROR_SEMINAR_AHEAD,
                params={
                    "when": formats.date_format(
                        timezone.localtime(seminar.starts_at), "DATETIME_FORMAT"
                    )
                },
            )
        submitted = ScoreSheet.objects.filter(
            project=project, role=Actor.EXAMINER, scorer=user, submitted_at__isnull=False
        )
        if not submitted.exists():
            raise ValidationError(ERROR_EXAMINER_SHEET)
    elif step.action == "finalize":
        grades_open_check(project.enrolment.cohort)
        result = project_score_of(project)
        if result.score is None:
            raise ValidationError(ERROR_NO_SCORE, params={"missing": ", ".join(result.missing)})
    elif step.action == "reopen_scoring":
        grades_open_check(project.enrolment.cohort)


def _actor_role(step, roles):
    # A coach who is also the examiner approves as coach: the first matching role counts.
    for role in (Actor.PARTICIPANT, Actor.COACH, Actor.MENTOR, Actor.EXAMINER, Actor.STAFF):
        if role in roles and role in step.actors:
            return role
    return None


def step_record(project, step, *, actor, role, comment="", target=None):
    ProjectStep.objects.create(
        project=project,
        action=step.action,
        from_state=project.state,
        to_state=target or step.target,
        actor=actor,
        actor_role=role,
        comment=comment,
    )
    if (target or step.target) != project.state:
        project.state = target or step.target
        project.save(update_fields=["state"])


@transaction.atomic
def step_take(*, project, user, action, comment=""):
    """Take a workflow step as `user`, or raise ValidationError saying why it is refused."""
    step = STEPS.get(action)
    if step is None:
        raise ValidationError(ERROR_UNKNOWN)
    # The cohort first, then the project: the order every score save takes its locks in.
    Cohort.objects.select_for_update(of=("self",)).filter(enrolments__project=project).first()
    project = (
        ChangeProject.objects.select_for_update(of=("self",))
        .select_related(
            "enrolment__participant__user",
            "enrolment__mentor__user",
            "enrolment__cohort",
            "enrolment__coach",
        )
        .get(pk=project.pk)
    )
    if project.state not in step.sources:
        raise ValidationError(
            ERROR_STATE, params={"step": step.label, "state": project.get_state_display()}
        )
    role = _actor_role(step, project_roles(user, project))
    if role is None:
        actors = str(_(" atau ")).join(str(ACTOR_LABELS[a]) for a in sorted(step.actors))
        raise ValidationError(ERROR_ACTOR, params={"step": step.label, "actors": actors})
    comment = (comment or "").strip()
    if step.comment_required and not comment:
        raise ValidationError(ERROR_COMMENT, params={"step": step.label})
    _precondition(project, step, role, user)
    target = step.target
    if step.action == "approve_design" and approvals_pending(project) - {role}:
        target = project.state  # approved by one; the design waits for the other
    step_record(project, step, actor=user, role=role, comment=comment, target=target)
    step_notify(project, step, target=target, comment=comment)
    return project


def step_notify(project, step, *, target, comment=""):
    """Tell whoever the step leaves something waiting for (participants.notifications): the
    approvers of a submitted design, the participant of a decided one, the coach of a
    submitted report. Sent by the worker once the step commits."""
    enrolment = project.enrolment
    params = {
        "participant": enrolment.participant.name,
        "title": project.title or _("(belum berjudul)"),
        "comment": comment,
    }
    path = project.get_absolute_url()
    if step.action == "submit_design":
        notify(
            kind=NotificationKind.DESIGN_SUBMITTED,
            people=[enrolment.coach, enrolment.mentor],
            subject=_("Rancangan proyek %(participant)s menunggu persetujuan Anda") % params,
            body=_(
                "%(participant)s mengajukan rancangan proyek perubahan “%(title)s”. Setujui, "
                "atau minta revisi dengan catatan."
            )
            % params,
            path=path,
            cohort=enrolment.cohort,
        )
    elif step.action == "approve_design" and target == State.IMPLEMENTATION:
        notify(
            kind=NotificationKind.DESIGN_DECIDED,
            people=[enrolment.participant],
            subject=_("Rancangan proyek Anda disetujui"),
            body=_(
                "Rancangan proyek perubahan “%(title)s” disetujui. Anda dapat mulai "
                "melaksanakannya."
            )
            % params,
            path=path,
            cohort=enrolment.cohort,
        )
    elif step.action == "request_revision":
        notify(
            kind=NotificationKind.DESIGN_DECIDED,
            people=[enrolment.participant],
            subject=_("Rancangan proyek Anda perlu direvisi"),
            body=_("Rancangan proyek perubahan “%(title)s” dikembalikan. Catatan: %(comment)s")
            % params,
            path=path,
            cohort=enrolment.cohort,
        )
    elif step.action == "submit_report":
        notify(
            kind=NotificationKind.REPORT_SUBMITTED,
            people=[enrolment.coach],
            subject=_("Laporan proyek %(participant)s menunggu Anda") % params,
            body=_("%(participant)s mengajukan laporan proyek perubahan “%(title)s”.") % params,
            path=path,
            cohort=enrolment.cohort,
        )


def projects_start(*, enrolments):
    """A change project for each new enrolment, in one query (called by participants when it
    enrols someone; see ProjectsConfig.ready)."""
    ChangeProject.objects.bulk_create(ChangeProject(enrolment=e) for e in enrolments)
