from django.db.models import Prefetch

from cohorts.models import Attendance, CohortPhase

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


def enrolment_current(participant, today):
    """The enrolment to show on "Jadwal saya": the cohort running today, else the next one to
    start, else the latest."""
    enrolments = list(
        Enrolment.objects.filter(participant=participant)
        .select_related("cohort__program", "cohort__organiser")
        .order_by("cohort__start_date")
    )
    for enrolment in enrolments:
        if enrolment.cohort.start_date <= today <= enrolment.cohort.end_date:
            return enrolment, enrolments
    upcoming = [e for e in enrolments if e.cohort.start_date > today]
    if upcoming:
        return upcoming[0], enrolments
    return (enrolments[-1] if enrolments else None), enrolments


def attendance_of(enrolment):
    return list(
        Attendance.objects.filter(enrolment=enrolment).select_related("phase").order_by("date")
    )


def participant_calendar_phases(participant):
    return CohortPhase.objects.filter(cohort__enrolments__participant=participant).select_related(
        "cohort__program", "cohort__organiser"
    )
