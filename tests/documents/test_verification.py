"""The public verification page tells the whole truth (issue 14): a number replaced by a
reissue is said to be no longer valid and leads to the valid certificate, and the page shows
what the paper states, so an edited paper can be caught."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.formats import date_format

from documents.batches import certificates_issue
from documents.issuing import certificate_reissue, certificate_revoke
from documents.models import Certificate, CertificateBatch

from ..factories import CohortFactory, enrol, project_scored, staff_user, widyaiswara_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()  # the lookups count against the rate limit in the cache
    yield
    cache.clear()


def issued(cohort):
    project_scored(enrol(cohort, coach=widyaiswara_user()), Decimal("88"))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    return Certificate.objects.get(enrolment__cohort=cohort)


def reissue(certificate):
    staff = staff_user()
    certificate_revoke(certificate=certificate, actor=staff, reason="Nama salah eja")
    certificate_reissue(certificate=certificate, actor=staff, reason="Nama diperbaiki")
    certificate.refresh_from_db()
    return certificate


def test_the_page_shows_what_the_paper_states(client):
    cohort = CohortFactory()
    certificate = issued(cohort)
    page = client.get(certificate.get_verification_path()).content.decode()
    total_jp = sum(phase.jp for phase in cohort.phases.all())
    assert total_jp > 0
    assert f"{total_jp} JP" in page
    assert cohort.program.name in page and cohort.organiser.name in page
    # The training's dates, written as the certificate writes them.
    assert date_format(cohort.start_date) in page and date_format(cohort.end_date) in page
    assert certificate.predicate in page
    assert "tidak berlaku" not in page  # nothing was ever replaced


def test_a_number_replaced_by_a_reissue_says_so_and_points_to_the_valid_one(client):
    certificate = issued(CohortFactory())
    old_number = certificate.number
    certificate = reissue(certificate)
    assert certificate.number != old_number

    lookup = {"nomor": old_number, "kode": certificate.check_code}
    response = client.get(reverse("verify_lookup"), lookup, follow=True)
    page = response.content.decode()
    assert f"Nomor {old_number} tidak berlaku lagi." in page
    assert f"yang berlaku adalah sertifikat bernomor {certificate.number}" in page
    assert "Sertifikat ini sah." in page

    # Looked up by its valid number, the page carries no warning, but still lists the old
    # number as replaced (the QR code of the old paper leads here too).
    lookup = {"nomor": certificate.number, "kode": certificate.check_code}
    current = client.get(reverse("verify_lookup"), lookup, follow=True).content.decode()
    assert "tidak berlaku lagi." not in current
    assert "Nomor lama (tidak berlaku)" in current and old_number in current


def test_an_old_number_of_a_certificate_revoked_since_says_both(client):
    certificate = issued(CohortFactory())
    old_number = certificate.number
    certificate = reissue(certificate)
    certificate_revoke(certificate=certificate, actor=staff_user(), reason="Data keliru")
    lookup = {"nomor": old_number, "kode": certificate.check_code}
    page = client.get(reverse("verify_lookup"), lookup, follow=True).content.decode()
    assert f"Nomor {old_number} tidak berlaku lagi." in page
    assert f"dengan nomor {certificate.number}, yang juga sudah dicabut" in page
    assert "yang berlaku adalah" not in page
    assert "Sertifikat ini telah dicabut." in page


def test_a_revoked_certificate_looked_up_by_its_number_is_revoked_not_replaced(client):
    certificate = issued(CohortFactory())
    certificate_revoke(certificate=certificate, actor=staff_user(), reason="Data keliru")
    lookup = {"nomor": certificate.number, "kode": certificate.check_code}
    page = client.get(reverse("verify_lookup"), lookup, follow=True).content.decode()
    assert "Sertifikat ini telah dicabut." in page
    assert "tidak berlaku lagi." not in page


def test_a_made_up_number_in_the_address_changes_nothing(client):
    """?nomor= on the page's address is only believed for a number the certificate carried."""
    certificate = reissue(issued(CohortFactory()))
    url = certificate.get_verification_path() + "?nomor=001/PALSU/2022"
    page = client.get(url).content.decode()
    assert "tidak berlaku lagi." not in page


def test_the_page_costs_a_fixed_number_of_queries(client, django_assert_num_queries):
    certificate = reissue(issued(CohortFactory()))
    # The certificate with its cohort, the cohort's total JP, the certificate's history (3);
    # the rate limit's first count for this address in the database cache (5: the table's
    # size for culling, a savepoint, the key read, the insert, the release). No session.
    with django_assert_num_queries(8):
        assert client.get(certificate.get_verification_path()).status_code == 200
