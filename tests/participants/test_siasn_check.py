"""Cek SIASN: staff compare a participant with SIASN's data utama, accept chosen values, and
see earlier structural training. The SIASN stand-in is the only mock."""

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from config import roles
from demo.standins.siasn import SiasnStandIn
from participants.models import ImportBatch, Participant

from ..factories import (
    AgencyFactory,
    CohortFactory,
    ParticipantFactory,
    ProgramFactory,
    TrainingAgencyFactory,
    UserFactory,
    enrol,
    staff_user,
    widyaiswara_user,
)
from ..integrations.test_siasn_client import siasn_settings
from ..standins import running

pytestmark = pytest.mark.django_db


def siasn_person(participant, **changes):
    person = {
        "nipBaru": participant.nip,
        "nama": participant.name,
        "golRuangAkhir": participant.rank,
        "jabatanNama": participant.position,
        "jenisJabatan": "Fungsional Tertentu",
        "eselon": "",
        "unorNama": participant.agency.name,
        "instansiKerjaNama": "Pemerintah Kota Tangerang",
        "tglLahir": participant.birth_date.strftime("%d-%m-%Y"),
        "diklat": [],
    }
    person.update(changes)
    return person


@pytest.fixture
def world(settings):
    cohort = CohortFactory(
        program=ProgramFactory(code="pka", name="Pelatihan Kepemimpinan Administrator")
    )
    participant = ParticipantFactory(position_level="fungsional")
    enrol(cohort, participant)
    moved_to = AgencyFactory(name="Badan Perencanaan Pembangunan Daerah Kota Tangerang")
    person = siasn_person(
        participant, golRuangAkhir="III/b", unorNama=moved_to.name,
        diklat=[{"id": "d1", "latihanStrukturalId": "3", "nomor": "PKA/2019/7",
                 "latihanStrukturalNama": "Pelatihan Kepemimpinan Administrator (PKA)",
                 "tanggal": "19-07-2019", "tahun": 2019, "jumlahJam": 908,
                 "institusiPenyelenggara": "BPSDM Provinsi Jawa Timur"}],
    )  # fmt: skip
    with running(SiasnStandIn(people=[person])) as stand_in:
        siasn_settings(settings, stand_in)
        yield {"cohort": cohort, "participant": participant, "moved_to": moved_to,
               "stand_in": stand_in}  # fmt: skip


def check_url(cohort, nip=None):
    url = reverse("participants:siasn_check", args=[cohort.pk])
    return f"{url}?nip={nip}" if nip else url


def test_staff_see_the_differences_and_earlier_pka(client, world):
    client.force_login(staff_user())
    response = client.get(check_url(world["cohort"], world["participant"].nip))
    assert response.status_code == 200
    check = response.context["check"]
    assert {row.key for row in check.differences} == {"rank", "agency"}
    html = response.content.decode()
    assert 'class="table-warning" data-differs="1" id="row-rank"' in html
    assert 'id="siasn-repeats"' in html and "PKA/2019/7" in html


def test_accepting_writes_the_chosen_values_and_audits_them(client, world):
    participant = world["participant"]
    staff = staff_user()
    client.force_login(staff)
    response = client.post(
        check_url(world["cohort"]), {"nip": participant.nip, "terima": ["rank", "agency"]}
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert (participant.rank, participant.agency) == ("III/b", world["moved_to"])
    entry = LogEntry.objects.get_for_object(participant).get()
    assert entry.actor == staff
    assert entry.changes["rank"] == ["III/a", "III/b"]
    assert entry.additional_data["event"] == "siasn_accept"
    # Nothing differs any more.
    response = client.get(check_url(world["cohort"], participant.nip))
    assert response.context["check"].differences == []


def test_accepting_only_what_was_chosen(client, world):
    participant = world["participant"]
    client.force_login(staff_user())
    client.post(check_url(world["cohort"]), {"nip": participant.nip, "terima": ["rank"]})
    participant.refresh_from_db()
    assert participant.rank == "III/b" and participant.agency != world["moved_to"]


def test_nothing_chosen_changes_nothing(client, world):
    participant = world["participant"]
    client.force_login(staff_user())
    response = client.post(check_url(world["cohort"]), {"nip": participant.nip}, follow=True)
    assert "Pilih sedikitnya satu data SIASN" in response.content.decode()
    assert Participant.objects.get(pk=participant.pk).rank == "III/a"


def test_a_nip_not_enrolled_shows_siasn_values_and_prefills_enrolment(client, world):
    other = ParticipantFactory()  # known to Angkatan, not in this cohort
    world["stand_in"].person_add(siasn_person(other, golRuangAkhir="III/c"))
    client.force_login(staff_user())
    response = client.get(check_url(world["cohort"], other.nip))
    assert response.context["participant"] is None
    html = response.content.decode()
    assert other.agency.name in html and 'name="terima"' not in html
    enrol_url = response.context["enrol_url"]
    form = client.get(enrol_url).context["form"]
    assert form.initial["rank"] == "III/c" and form.initial["nip"] == other.nip


def test_unknown_nip_and_bad_nip_are_field_errors(client, world):
    client.force_login(staff_user())
    response = client.get(check_url(world["cohort"], "199912312020121001"))
    assert "tidak ditemukan di SIASN" in response.content.decode()
    response = client.get(check_url(world["cohort"], "123"))
    assert "NIP harus 18 angka" in response.content.decode()


def test_siasn_down_or_not_configured_is_a_clear_message(client, world, settings):
    client.force_login(staff_user())
    world["stand_in"].fail_next(500, times=3)
    response = client.get(check_url(world["cohort"], world["participant"].nip))
    assert response.status_code == 503
    assert "SIASN sedang bermasalah (galat 500)" in response.content.decode()
    settings.SIASN_BASE_URL = ""
    response = client.get(check_url(world["cohort"], world["participant"].nip))
    assert response.status_code == 503
    assert "SIASN belum diatur: isi SIASN_BASE_URL" in response.content.decode()


def test_other_agency_404_and_other_roles_refused(client, world):
    url = check_url(world["cohort"], world["participant"].nip)
    client.force_login(staff_user([TrainingAgencyFactory()]))
    assert client.get(url).status_code == 404
    assert (
        client.post(url, {"nip": world["participant"].nip, "terima": ["rank"]}).status_code == 404
    )
    client.force_login(widyaiswara_user())
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(role=roles.PARTICIPANT))
    assert client.get(url).status_code == 403
    assert Participant.objects.get(pk=world["participant"].pk).rank == "III/a"
    assert world["stand_in"].calls == []


def test_enrol_and_import_pages_link_to_the_check(client, world):
    client.force_login(staff_user())
    cohort = world["cohort"]
    check = reverse("participants:siasn_check", args=[cohort.pk])
    html = client.get(reverse("participants:enrol", args=[cohort.pk])).content.decode()
    assert check in html
    batch = ImportBatch.objects.create(
        cohort=cohort, file_name="peserta.xlsx",
        rows=[{"row": 2, "nip": "199001012015031001", "name": "Budi", "rank": "III/a",
               "action": "new"}],
    )  # fmt: skip
    preview = reverse("participants:import_preview", args=[cohort.pk, batch.pk])
    assert f"{check}?nip=199001012015031001" in client.get(preview).content.decode()
    batch.status = ImportBatch.Status.IMPORTED
    batch.save()
    assert check in client.get(preview).content.decode()
