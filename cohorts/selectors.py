"""Reads for cohort pages: each is a fixed number of queries, whatever the cohort's size."""

from django.db.models import Count, Q

from participants.models import Enrolment

from .models import Certificate, CertificateBatch, Cohort


def cohort_list():
    return Cohort.objects.select_related("program", "organiser").annotate(
        enrolled=Count("enrolments", distinct=True),
        scored=Count(
            "enrolments", filter=Q(enrolments__project__final_score__isnull=False), distinct=True
        ),
    )


def cohort_roster(cohort):
    return (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("participant__agency", "coach", "project", "certificate")
        .order_by("participant__name")
    )


def cohort_with_phases(pk):
    return (
        Cohort.objects.select_related("program", "organiser").prefetch_related("phases").get(pk=pk)
    )


def batch_certificates(batch):
    return (
        Certificate.objects.filter(enrolment__cohort=batch.cohort)
        .select_related("enrolment__participant")
        .order_by("seq")
    )


def batches_recent():
    return CertificateBatch.objects.select_related(
        "cohort__program", "cohort__organiser", "requested_by"
    )
