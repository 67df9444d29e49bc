"""The place of birth printed on the full STTP (issue 18): read from the import list's
optional *Tempat Lahir* column (a list without it erases nothing), and taken from SIASN's
data utama (`tempatLahir`) when staff accept it on Cek SIASN."""

from datetime import date

import pytest
from django.urls import reverse

from demo.standins.siasn import SiasnStandIn
from participants.importing import import_apply, import_check
from participants.models import Participant

from ..factories import AgencyFactory, CohortFactory, ParticipantFactory, enrol, staff_user
from ..integrations.test_siasn_client import siasn_settings
from ..standins import running
from .test_import import HEADER, xlsx
from .test_siasn_check import siasn_person

pytestmark = pytest.mark.django_db


def imported(cohort, rows, header):
    batch = import_check(cohort=cohort, uploaded=xlsx(rows, header=header), uploaded_by=None)
    assert not batch.errors, batch.errors
    import_apply(batch=batch)


def test_the_import_reads_the_birth_place_and_a_list_without_it_keeps_it():
    AgencyFactory(name="Dinas Kesehatan Kota Tangerang", code="dinkes-tng")
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    row = ["19960512 202203 1 142", "Ahmad Suryani, S.H.", "III/a", "Analis Kebijakan", "",
           "Dinas Kesehatan Kota Tangerang", "", ""]  # fmt: skip
    imported(cohort, [[*row, "Pandeglang"]], [*HEADER, "Tempat lahir"])
    assert Participant.objects.get().birth_place == "Pandeglang"
    other = CohortFactory(start_date=date(2023, 7, 10))  # a later cohort, not overlapping
    imported(other, [row], HEADER)
    assert Participant.objects.get().birth_place == "Pandeglang"


def test_a_birth_place_too_long_is_an_error_naming_the_row():
    AgencyFactory(name="Dinas Kesehatan Kota Tangerang", code="dinkes-tng")
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    row = ["19960512 202203 1 142", "Ahmad Suryani, S.H.", "III/a", "Analis Kebijakan", "",
           "Dinas Kesehatan Kota Tangerang", "", "", "x" * 101]  # fmt: skip
    upload = xlsx([row], header=[*HEADER, "Tempat Lahir"])
    batch = import_check(cohort=cohort, uploaded=upload, uploaded_by=None)
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "Tempat Lahir")]
    assert not Participant.objects.exists()


def test_staff_take_the_birth_place_from_siasn(client, settings):
    cohort = CohortFactory()
    participant = ParticipantFactory(position_level="fungsional")
    enrol(cohort, participant)
    person = siasn_person(participant, tempatLahir="Rangkasbitung")
    with running(SiasnStandIn(people=[person])) as stand_in:
        siasn_settings(settings, stand_in)
        client.force_login(staff_user())
        url = reverse("participants:siasn_check", args=[cohort.pk])
        response = client.get(f"{url}?nip={participant.nip}")
        assert {row.key for row in response.context["check"].differences} == {"birth_place"}
        response = client.post(url, {"nip": participant.nip, "terima": ["birth_place"]})
        assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.birth_place == "Rangkasbitung"
