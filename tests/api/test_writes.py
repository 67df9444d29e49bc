"""Writes through the API follow the page's services: enrolling checks eligibility and refuses a
second enrolment; component scores go through the gradebook (range, closed grades, issued
certificate). A refused write answers 400 with each field's message and changes nothing."""

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from cohorts.models import Cohort
from participants.models import Enrolment, Participant
from projects.models import ComponentScore, ScoreComponent

from ..factories import AgencyFactory, ParticipantFactory, valid_nip
from .conftest import error_of, keyed_client

pytestmark = pytest.mark.django_db


def components(program):
    attitude = ScoreComponent.objects.create(
        program=program, order=1, code="sikap", name="Sikap dan perilaku", weight=20
    )
    academic = ScoreComponent.objects.create(
        program=program, order=2, code="akademik", name="Akademik", weight=20
    )
    ScoreComponent.objects.create(
        program=program, order=3, code="aktualisasi", name="Aktualisasi", weight=60,
        source="project",
    )  # fmt: skip
    return attitude, academic


def test_enrol_a_known_participant_by_nip(agencies):
    w = agencies
    person = ParticipantFactory()
    url = reverse("api:enrolment-list", args=[w["own"].pk])
    grouped = f"{person.nip[:8]} {person.nip[8:14]} {person.nip[14]} {person.nip[15:]}"
    response = keyed_client(w["write"]).post(url, {"nip": grouped}, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["participant"]["nip"] == person.nip and body["status"] == "registered"
    enrolment = Enrolment.objects.get(pk=body["id"])
    assert enrolment.cohort == w["own"] and hasattr(enrolment, "project")  # the follow-ups ran
    # In the audit log under the key's name.
    entry = LogEntry.objects.get_for_object(enrolment).get()
    assert entry.additional_data == {"api_key": str(w["write_key"])}
    assert entry.actor == w["write_key"].created_by


def test_enrol_a_new_participant_with_their_record(agencies):
    w = agencies
    agency = AgencyFactory(code="dinkes-uji")
    url = reverse("api:enrolment-list", args=[w["own"].pk])
    data = {"nip": valid_nip(500), "name": "Rina Uji, S.Kep.", "rank": "III/a",
            "position": "Perawat Ahli Pertama", "agency": "dinkes-uji"}  # fmt: skip
    response = keyed_client(w["write"]).post(url, data, format="json")
    assert response.status_code == 201, response.json()
    assert Participant.objects.get(nip=valid_nip(500)).agency == agency


def test_a_refused_enrolment_names_its_fields_and_changes_nothing(agencies):
    w = agencies
    client = keyed_client(w["write"])
    url = reverse("api:enrolment-list", args=[w["own"].pk])
    before = (Enrolment.objects.count(), Participant.objects.count())
    # A NIP nobody has, without the record.
    error = error_of(client.post(url, {"nip": valid_nip(501)}, format="json"))
    assert error["code"] == "invalid"
    assert set(error["fields"]) == {"name", "rank", "position", "agency"}
    assert "belum terdaftar" in error["fields"]["name"][0]
    # Already enrolled: the service's own sentence, under nip.
    nip = w["own_enrolment"].participant.nip
    response = client.post(url, {"nip": nip}, format="json")
    assert response.status_code == 400
    assert error_of(response)["fields"]["nip"] == [
        f"Peserta dengan NIP {w['own_enrolment'].participant.nip_display} sudah terdaftar di "
        "angkatan ini."
    ]
    # A NIP that is not valid, with its record: the model's message under nip.
    data = {"nip": "123", "name": "X", "rank": "III/a", "position": "Y", "agency": "tidak-ada"}
    error = error_of(client.post(url, data, format="json"))
    assert error["fields"]["agency"] == ["Instansi dengan kode tidak-ada tidak ada."]
    AgencyFactory(code="ada")
    error = error_of(client.post(url, {**data, "agency": "ada"}, format="json"))
    assert "nip" in error["fields"]
    # Not JSON.
    response = client.post(url, "nip=1", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 415 and error_of(response)["code"] == "unsupported_media_type"
    assert (Enrolment.objects.count(), Participant.objects.count()) == before


def test_component_scores_through_the_gradebook(agencies):
    w = agencies
    attitude, academic = components(w["own"].program)
    person = ParticipantFactory()
    enrolment = Enrolment.objects.get(
        pk=keyed_client(w["write"])
        .post(
            reverse("api:enrolment-list", args=[w["own"].pk]), {"nip": person.nip}, format="json"
        )  # fmt: skip
        .json()["id"]
    )
    url = reverse("api:component-scores", args=[w["own"].pk])
    client = keyed_client(w["write"])
    data = {"scores": [{"nip": person.nip, "component": "sikap", "score": "80.005"},
                       {"nip": person.nip, "component": "akademik", "score": 90}]}  # fmt: skip
    response = client.post(url, data, format="json")
    assert response.status_code == 200, response.json()
    assert response.json() == {"recorded": 2}
    scores = dict(ComponentScore.objects.filter(enrolment=enrolment).values_list(
        "component__code", "score"))  # fmt: skip
    assert scores == {"sikap": Decimal("80.01"), "akademik": Decimal("90.00")}
    # Changing a saved score needs a reason, as on the page.
    data = {"scores": [{"nip": person.nip, "component": "sikap", "score": 70}]}
    error = error_of(client.post(url, data, format="json"))
    assert error["fields"]["scores.0.score"] == [
        f"{person.name}, Sikap dan perilaku: mengubah nilai tersimpan perlu alasan."
    ]
    response = client.post(url, {**data, "reason": "Koreksi LMS"}, format="json")
    assert response.json() == {"recorded": 1}


def test_a_bad_score_names_its_item_and_changes_nothing(agencies):
    w = agencies
    components(w["own"].program)
    nip = w["own_enrolment"].participant.nip
    name = w["own_enrolment"].participant.name
    client = keyed_client(w["write"])
    url = reverse("api:component-scores", args=[w["own"].pk])
    other_nip = w["other_enrolment"].participant.nip
    data = {"scores": [
        {"nip": nip, "component": "akademik", "score": "101"},
        {"nip": other_nip, "component": "sikap", "score": "80"},
        {"nip": nip, "component": "aktualisasi", "score": "80"},
        {"nip": nip, "component": "tidak-ada", "score": "abc"},
    ]}  # fmt: skip
    response = client.post(url, data, format="json")
    assert response.status_code == 400
    error = error_of(response)
    assert error["code"] == "invalid"
    # Not a number: the serializer refuses first, in Indonesian.
    assert error["fields"] == {"scores.3.score": ["Harus berupa angka."]}
    data["scores"].pop()
    error = error_of(client.post(url, data, format="json"))
    assert error["fields"] == {
        "scores.1.nip": [f"Peserta dengan NIP {other_nip} tidak terdaftar di angkatan ini."],
        "scores.2.component": [
            "Komponen aktualisasi diambil dari nilai proyek perubahan; nilainya tidak dikirim "
            "lewat API."
        ],
    }
    error = error_of(client.post(url, {"scores": data["scores"][:1]}, format="json"))
    # The certificate is issued: the gradebook refuses before the range.
    assert error["fields"]["scores.0.score"][0].startswith(f"{name}, Akademik: sertifikatnya")
    assert not ComponentScore.objects.exists()


def test_out_of_range_and_closed_grades(agencies):
    w = agencies
    components(w["own"].program)
    person = ParticipantFactory()
    client = keyed_client(w["write"])
    client.post(reverse("api:enrolment-list", args=[w["own"].pk]), {"nip": person.nip},
                format="json")  # fmt: skip
    url = reverse("api:component-scores", args=[w["own"].pk])
    data = {"scores": [{"nip": person.nip, "component": "akademik", "score": "100.01"}]}
    error = error_of(client.post(url, data, format="json"))
    assert error["fields"]["scores.0.score"] == [
        f"{person.name}, Akademik: nilai harus antara 0 dan 100."
    ]
    assert "Nilai harus antara 0 dan 100." in error["fields"]["non_field_errors"]
    # Closed after the graduation meeting (projects.closing), set here directly.
    Cohort.objects.filter(pk=w["own"].pk).update(grades_closed_at=timezone.now())
    data["scores"][0]["score"] = "80"
    error = error_of(client.post(url, data, format="json"))
    assert error["fields"]["non_field_errors"]
    assert not ComponentScore.objects.exists()
