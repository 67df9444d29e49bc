from django.db.models import Prefetch

from cohorts.models import CohortPhase

from .models import Enrolment


def participant_training(participant):
    """The participant's own enrolments with their phases, project and certificate."""
    return (
        Enrolment.objects.filter(participant=participant)
        .select_related("cohort__program", "cohort__organiser", "project", "certificate", "coach")
        .prefetch_related(
            Prefetch("cohort__phases", queryset=CohortPhase.objects.order_by("order"))
        )
        .order_by("-cohort__start_date")
    )
