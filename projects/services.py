"""Saves of the projects app that the views ask for and that no other module owns."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from .models import ChangeProject


@transaction.atomic
def project_edit_save(*, project, form, formsets):
    """Save the participant's valid project form and its formsets (stakeholders, team,
    milestones). Refused with PermissionDenied if the project left the participant's hands
    since the page was loaded."""
    # The row lock serialises this save with a step taken meanwhile (such as submitting the
    # design), so the stage is read as it is now, not as the page saw it.
    locked = ChangeProject.objects.select_for_update().get(pk=project.pk)
    if not locked.participant_may_edit:
        raise PermissionDenied
    # Only the fields on the form: the stage and score are not the participant's.
    form.save(commit=False).save(update_fields=list(form.Meta.fields))
    for formset in formsets:
        formset.save()


@transaction.atomic
def themes_save(*, formset):
    """Save the valid list of project themes (added, renamed, switched off)."""
    formset.save()
