"""The demo's SIASN flows (issue 17, Done when): staff check a NIP against the SIASN stand-in
and see a difference; staff push Angkatan 72's graduates and see them as sent."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from cohorts.models import Cohort
from demo.siasn_people import siasn_standin_write
from demo.standins import siasn as siasn_standin
from documents.batches import certificates_issue
from documents.models import CertificateBatch, SiasnSync
from documents.siasn_sync import siasn_push_request, siasn_record_push

from ..integrations.test_siasn_client import siasn_settings
from ..standins import running


@pytest.fixture
def stand_in(demo, settings, tmp_path, monkeypatch):
    """The stand-in as `make demo` starts it: build() with no arguments, reading the people
    the demo data wrote."""
    monkeypatch.setenv(siasn_standin.PEOPLE_FILE_ENV, str(tmp_path / "siasn.json"))
    siasn_standin_write()
    with running(siasn_standin.build()) as server:
        siasn_settings(settings, server, timeout=10)
        yield server


def staff(client, username):
    client.force_login(get_user_model().objects.get(username=username))


def test_the_demo_people_are_in_siasn(demo, stand_in):
    latsar72 = Cohort.objects.get(program__code="latsar", angkatan=72)
    assert len(stand_in.people) >= latsar72.enrolments.count() + 30


def test_staff_check_a_nip_and_see_a_difference(demo, stand_in, client):
    cohort = Cohort.objects.get(program__code="latsar", angkatan=72)
    first, second = [
        e.participant for e in cohort.enrolments.select_related("participant")
        .order_by("participant__name")[:2]
    ]  # fmt: skip
    staff(client, "staf")
    url = reverse("participants:siasn_check", args=[cohort.pk])
    check = client.get(url, {"nip": first.nip}).context["check"]
    assert [row.key for row in check.differences] == ["rank"]
    check = client.get(url, {"nip": second.nip}).context["check"]
    assert [row.key for row in check.differences] == ["agency"]
    client.post(url, {"nip": second.nip, "terima": ["agency"]})
    second.refresh_from_db()
    assert second.agency.name == stand_in.people[second.nip]["unorNama"]


def test_a_pka_alumnus_checked_for_pka_is_warned(demo, stand_in, client):
    cohort = Cohort.objects.get(program__code="pka", angkatan=7)
    alumnus = cohort.enrolments.order_by("participant__name").first().participant
    staff(client, "staf-jatim")
    response = client.get(
        reverse("participants:siasn_check", args=[cohort.pk]), {"nip": alumnus.nip}
    )
    labels = [(t.label, t.repeats) for t in response.context["check"].history]
    assert labels == [("PKP", False), ("PKA", True)]
    assert 'id="siasn-repeats"' in response.content.decode()


def test_staff_push_angkatan_72_and_see_them_sent(demo, stand_in, client):
    cohort = Cohort.objects.get(program__code="latsar", angkatan=72)
    user = get_user_model().objects.get(username="staf")
    # Staff issue the certificates first (the demo leaves Angkatan 72's to them); here, in
    # this process.
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    graduates = cohort.certificate_batches.get().cohort.enrolments.filter(certificate__isnull=False)
    count = siasn_push_request(cohort=cohort, requested_by=user)
    assert count == graduates.count() == 38
    for sync_id in SiasnSync.objects.values_list("pk", flat=True):
        siasn_record_push(sync_id=sync_id)  # what each record's job does
    staff(client, "staf")
    page = client.get(reverse("documents:siasn_sync", args=[cohort.pk]))
    assert page.context["summary"]["sent"] == 38
    assert page.content.decode().count('data-status="sent"') == 38
    assert len(stand_in.records_for()) == 38
