"""Change projects: recording the score a widyaiswara gives."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .grading import score_round
from .models import ChangeProject

ERROR_CERTIFIED = _("Nilai tidak dapat diubah: sertifikat peserta ini sudah terbit (%(number)s).")


@transaction.atomic
def score_record(*, project, grader, score, title=None):
    project = ChangeProject.objects.select_for_update().get(pk=project.pk)
    # A certificate states the score it was issued with; it must not drift from it.
    certificate = getattr(project.enrolment, "certificate", None)
    if certificate is not None and certificate.status == certificate.Status.VALID:
        raise ValidationError(ERROR_CERTIFIED, params={"number": certificate.number})
    project.final_score = score_round(score)
    project.scored_by = grader
    project.scored_at = timezone.now()
    fields = ["final_score", "scored_by", "scored_at"]
    if title is not None:
        project.title = title.strip()
        fields.append("title")
    project.full_clean()
    project.save(update_fields=fields)
    return project
