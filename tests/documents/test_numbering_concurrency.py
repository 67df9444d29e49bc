"""Two batches numbering in one series at the same moment (two cohorts of a year whose
pattern has no {angkatan}): no number twice, none skipped. Real threads, each with its own
database connection: row locks on PostgreSQL, write locks on SQLite."""

import threading
from decimal import Decimal

import pytest
from django.db import connections

from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch, NumberingPattern

from ..factories import CohortFactory, enrol, project_scored, widyaiswara_user


@pytest.mark.django_db(transaction=True)
def test_two_batches_at_once_share_a_series_without_gaps_or_repeats():
    first = CohortFactory(angkatan=1)
    second = CohortFactory(angkatan=2, program=first.program, organiser=first.organiser)
    NumberingPattern.objects.create(
        institution=first.organiser, pattern="{seq:03d}/STTP/{program}/{institution}/{year}"
    )
    coach = widyaiswara_user()
    for cohort in (first, second):
        for _ in range(6):
            project_scored(enrol(cohort, coach=coach), Decimal("85"))
    batches = [CertificateBatch.objects.create(cohort=c) for c in (first, second)]
    start, errors = threading.Barrier(2), []

    def issue(batch_id):
        try:
            start.wait()
            certificates_issue(batch_id=batch_id)
        except Exception as error:  # reported below, with the thread's own traceback gone
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue, args=(b.pk,)) for b in batches]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=900)  # a bound against a hang only
    assert not any(thread.is_alive() for thread in threads), "a numbering thread hung"
    assert errors == []
    seqs = sorted(Certificate.objects.values_list("seq", flat=True))
    assert seqs == list(range(1, 13))
    numbers = list(Certificate.objects.values_list("number", flat=True))
    assert len(set(numbers)) == 12
    # Both cohorts drew from the one series, interleaved or not.
    assert {c.enrolment.cohort_id for c in Certificate.objects.select_related("enrolment")} == {
        first.pk,
        second.pk,
    }
