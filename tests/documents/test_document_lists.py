"""The documents app's long lists cost what they show (issue 15): about fifty rows a page,
search and filters in SQL, the same queries at 40 rows as at 400."""

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from config.audit import EXPORT
from documents.models import (
    Certificate,
    CertificateBatch,
    CertificateSeries,
    PhaseReport,
    ReportJob,
)
from participants.models import Enrolment, Participant

from ..factories import CohortFactory, ParticipantFactory, administrator_user, staff_user

pytestmark = pytest.mark.django_db


def certified_cohort(size):
    """A cohort whose `size` participants hold a certificate each (rows made in bulk: the
    lists are measured here, not issuing), and its finished batch."""
    cohort = CohortFactory()
    agency = ParticipantFactory().agency
    participants = Participant.objects.bulk_create(
        ParticipantFactory.build(agency=agency, nip=f"198001012005011{n:03d}",
                                 name=f"Peserta {n:04d}")
        for n in range(size)
    )  # fmt: skip
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, participant=p, status=Enrolment.Status.PASSED)
        for p in participants
    )
    series = CertificateSeries.objects.create(key=f"uji-{cohort.pk}")
    Certificate.objects.bulk_create(
        Certificate(enrolment=e, series=series, seq=n + 1, number=f"UJI/{cohort.pk}/{n + 1:05d}",
                    issued_on=cohort.end_date, final_score="85.00", predicate="Memuaskan")
        for n, e in enumerate(enrolments)
    )  # fmt: skip
    batch = CertificateBatch.objects.create(
        cohort=cohort, status=CertificateBatch.Status.DONE, total=size, rendered=size
    )
    return cohort, batch


@pytest.mark.parametrize("size", [40, 400])
def test_the_batch_page_lists_its_certificates_a_page_at_a_time(
    client, django_assert_num_queries, size
):
    cohort, batch = certified_cohort(size)
    client.force_login(staff_user())
    url = reverse("documents:batch_detail", args=[batch.pk])
    # session, user, permissions (2); the batch; failing stalled batches (2); the
    # certificates' count; the user's role names (the menu); the page's rows (holders
    # joined).
    with django_assert_num_queries(10):
        response = client.get(url)
    page = response.content.decode()
    shown = page.count('class="nip"')
    assert shown == min(size, 50)
    assert f"({size})" in page
    if size > 50:
        assert 'aria-label="Halaman sertifikat"' in page
        assert "?page=2#sertifikat" in page
    # Found by number, name or NIP, in SQL.
    found = client.get(url, {"q": f"UJI/{cohort.pk}/00007"}).content.decode()
    assert found.count('class="nip"') == 1 and "Peserta 0006" in found
    assert client.get(url, {"q": "Peserta 0003"}).content.decode().count('class="nip"') == 1
    assert client.get(url, {"q": "2005011 012"}).content.decode().count('class="nip"') == 1


def documents_world(size):
    """`size` certificate batches, report jobs and phase reports."""
    cohort = CohortFactory()
    phase = cohort.phases.first()
    staff = staff_user()
    CertificateBatch.objects.bulk_create(
        CertificateBatch(cohort=cohort, requested_by=staff) for _ in range(size)
    )
    ReportJob.objects.bulk_create(
        ReportJob(kind=ReportJob.Kind.FINAL_PDF, cohort=cohort, requested_by=staff,
                  fingerprint=str(n))
        for n in range(size)
    )  # fmt: skip
    PhaseReport.objects.bulk_create(
        PhaseReport(phase=phase, requested_by=staff, pdf=f"laporan/{n}.pdf") for n in range(size)
    )
    return cohort


LISTS = {"penerbitan": "batches", "tugas": "jobs", "laporan": "reports"}


def shown_rows(page):
    """The list the page shows (its table's id) and how many documents its rows link to."""
    tables = [table for table in LISTS.values() if f'id="{table}"' in page]
    assert len(tables) == 1, tables  # one list at a time
    body = page.split(f'id="{tables[0]}"', 1)[1].split("</tbody>", 1)[0]
    return tables[0], body.count("<td><a href=")


@pytest.mark.parametrize("size", [40, 400])
def test_the_documents_page_shows_one_list_a_page_at_a_time(
    client, django_assert_num_queries, size
):
    cohort = documents_world(size)
    client.force_login(administrator_user())
    url = reverse("documents:documents")
    # session, user, permissions (2); each of the three lists' count (its tab); the shown
    # list's page of rows (cohort, program, organiser, phase and requester joined); the
    # user's role names (the menu). The same whichever list is shown.
    for name, table in LISTS.items():
        with django_assert_num_queries(9):
            response = client.get(url, {"daftar": name})
        page = response.content.decode()
        assert shown_rows(page) == (table, min(size, 50))
        assert page.count(f"({size})") == 3  # every tab says its count
        assert f'aria-current="page" href="?daftar={name}"' in page
        if size > 50:
            assert f"?daftar={name}&amp;page=2#daftar" in page
    # The certificate batches are the first tab; an unknown tab is the first too.
    assert shown_rows(client.get(url).content.decode())[0] == "batches"
    assert shown_rows(client.get(url, {"daftar": "x"}).content.decode())[0] == "batches"
    if size > 50:
        last = client.get(url, {"daftar": "tugas", "page": 99}).content.decode()
        assert shown_rows(last) == ("jobs", size - 50 * (size // 50) or 50)
    # Search and the status filter run in SQL, and the tabs keep them.
    other = client.get(url, {"q": "tidak-ada-program-ini", "daftar": "laporan"}).content.decode()
    assert other.count("(0)") == 3 and shown_rows(other) == ("reports", 0)
    assert "?q=tidak-ada-program-ini&amp;daftar=tugas" in other
    done = client.get(url, {"status": "done", "daftar": "tugas"}).content.decode()
    assert done.count("(0)") == 2 and f"({size})" in done  # phase reports have no status
    assert shown_rows(done) == ("jobs", 0)
    assert client.get(url, {"q": cohort.program.code}).content.decode().count(f"({size})") == 3


@pytest.mark.parametrize("size", [40, 400])
def test_the_audit_log_counts_and_filters_in_sql(client, django_assert_num_queries, size):
    staff = staff_user()
    content_type = ContentType.objects.get_for_model(staff)
    LogEntry.objects.bulk_create(
        LogEntry(content_type=content_type, object_pk=str(staff.pk), object_repr=str(staff),
                 action=LogEntry.Action.ACCESS, changes_text=f"Ekspor {n}",
                 additional_data={"event": EXPORT}, actor=staff)
        for n in range(size)
    )  # fmt: skip
    client.force_login(administrator_user())
    # session, user, permissions (2), role names for the menu; the count of matching entries
    # (COUNT in SQL, the filters in its WHERE) and one page of them with their actors and
    # content types.
    with django_assert_num_queries(7) as queries:
        response = client.get(reverse("documents:audit_log"), {"action": "export"})
    counted = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"]]
    assert len(counted) == 1 and "auditlog_logentry" in counted[0]
    assert len(response.context["rows"]) == min(size, 50)
    page = response.content.decode()
    assert f"{size} catatan" in page
    if size > 50:
        assert "action=export&amp;page=2" in page
