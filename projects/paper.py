"""A mentor's decisions entered by staff from the signed paper form.

Many mentors are heads of offices who will never sign in. They sign a paper form (the design
approval, the mentor's rubric), the participant brings it back, and staff of the cohort's
agency enter it here on the mentor's behalf: the scan is kept with who signed it and when,
the step or sheet is the mentor's (it counts exactly as the mentor's own would), and its
history says "dimasukkan oleh <staf> atas nama <mentor>"."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.uploads import IMAGE_AND_PDF
from participants.accounts import mentor_account_ensure

from .documents import document_check
from .models import SCORING_STATES, Actor, PaperForm, ProjectStep, ScoringRole, State
from .scoring import sheet_save
from .workflow import approvals_pending, project_roles, step_take

ERROR_SCAN_TYPE = _(
    "Pindaian “%(name)s” bukan PDF, JPG, atau PNG (isinya diperiksa, bukan namanya)."
)
ERROR_NO_MENTOR = _("Peserta ini belum memiliki mentor.")
ERROR_NOT_STAFF = _(
    "Hanya staf penyelenggara angkatan ini yang dapat memasukkan formulir atas nama mentor."
)
ERROR_SIGNER = _("Tuliskan nama yang menandatangani formulir.")
ERROR_SIGNED_LATER = _("Tanggal tanda tangan tidak boleh setelah hari ini.")


def scan_check(upload):
    """The scan's type by content (PDF, JPG or PNG), with the project uploads' checks: size,
    emptiness, and nothing that runs when opened."""
    extension = document_check(upload)
    if extension not in IMAGE_AND_PDF:
        raise ValidationError(ERROR_SCAN_TYPE, params={"name": upload.name})
    return extension


def _mentor_login(project, staff, signed_by, signed_on):
    """Refuses what no paper form can carry; returns the mentor's login (created without an
    invitation if the mentor had none: the sheet and the step belong to the mentor)."""
    if Actor.STAFF not in project_roles(staff, project):
        raise ValidationError(ERROR_NOT_STAFF)
    mentor = project.enrolment.mentor
    if mentor is None:
        raise ValidationError(ERROR_NO_MENTOR)
    if not (signed_by or "").strip():
        raise ValidationError(ERROR_SIGNER)
    if signed_on > timezone.localdate():
        raise ValidationError(ERROR_SIGNED_LATER)
    return mentor_account_ensure(mentor=mentor, invite=False)


def _paper_keep(*, project, kind, upload, extension, signed_by, signed_on, staff):
    paper = PaperForm(
        project=project,
        kind=kind,
        original_name=upload.name[:255],
        extension=extension,
        size=upload.size,
        signed_by=signed_by.strip(),
        signed_on=signed_on,
        entered_by=staff,
    )
    # The stored name comes from the content type, never from the uploaded name.
    paper.file.save(f"{kind}.{extension}", upload, save=False)
    paper.save()
    return paper


def paper_links(project, roles):
    """What staff may enter from a paper form at the project's stage: the mentor's design
    approval while it is awaited, the mentor's sheet while mentors score."""
    if Actor.STAFF not in roles or not project.enrolment.mentor_id:
        return []
    links = []
    if project.state == State.DESIGN_SUBMITTED and Actor.MENTOR in approvals_pending(project):
        links.append(("projects:paper_approval", _("Catat persetujuan mentor dari formulir")))
    if project.state in SCORING_STATES[ScoringRole.MENTOR]:
        links.append(("projects:paper_sheet", _("Catat nilai mentor dari formulir")))
    return links


@transaction.atomic
def design_approve_on_behalf(*, project, staff, upload, signed_by, signed_on, comment=""):
    """Record the mentor's approval of the submitted design from the signed form: the step is
    the mentor's (it counts as the mentor's approval), entered by `staff`."""
    mentor_user = _mentor_login(project, staff, signed_by, signed_on)
    extension = scan_check(upload)
    # The step first: a refusal (the wrong stage, already approved) stores no file.
    project = step_take(project=project, user=mentor_user, action="approve_design", comment=comment)
    step = ProjectStep.objects.filter(project=project, actor=mentor_user).latest("pk")
    paper = _paper_keep(
        project=project, kind=PaperForm.Kind.DESIGN_APPROVAL, upload=upload,
        extension=extension, signed_by=signed_by, signed_on=signed_on, staff=staff,
    )  # fmt: skip
    ProjectStep.objects.filter(pk=step.pk).update(entered_by=staff, paper=paper)
    return project


@transaction.atomic
def mentor_sheet_on_behalf(*, project, staff, values, version, upload, signed_by, signed_on,
                           reason=""):  # fmt: skip
    """Save the mentor's rubric from the signed form: the sheet is the mentor's and counts in
    the project score as the mentor's own; every criterion's history names `staff`."""
    mentor_user = _mentor_login(project, staff, signed_by, signed_on)
    extension = scan_check(upload)
    paper = _paper_keep(
        project=project, kind=PaperForm.Kind.MENTOR_SCORE, upload=upload, extension=extension,
        signed_by=signed_by, signed_on=signed_on, staff=staff,
    )  # fmt: skip
    try:
        return sheet_save(
            project=project, role=ScoringRole.MENTOR, scorer=mentor_user, values=values,
            version=version, reason=reason, entered_by=staff, paper=paper,
        )  # fmt: skip
    except ValidationError:
        paper.file.delete(save=False)  # the row goes with the transaction; the file with it
        raise
