"""Change projects: recording the score a widyaiswara gives."""

from django.db import transaction
from django.utils import timezone

from .grading import score_round
from .models import ChangeProject


@transaction.atomic
def score_record(*, project, grader, score, title=None):
    project = ChangeProject.objects.select_for_update().get(pk=project.pk)
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
