"""Who gets in with what: keys scoped to one institution (another agency's object is 404, as
on the pages), read-only keys refused writes, revoked and missing keys refused, every refusal
in the one error shape."""

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from cohorts.api_keys import api_key_find, api_key_revoke, api_key_touch
from cohorts.models import ApiKey
from participants.models import Enrolment

from .conftest import error_of, key_for, keyed_client

pytestmark = pytest.mark.django_db


def test_a_key_reads_its_agencys_cohorts_and_not_anothers(agencies):
    w = agencies
    client = keyed_client(w["read"])
    listed = client.get(reverse("api:cohort-list")).json()
    assert [c["id"] for c in listed["results"]] == [w["own"].pk]
    assert listed["results"][0]["phases"][0]["name"] == "MOOC"
    assert client.get(reverse("api:cohort-detail", args=[w["own"].pk])).status_code == 200
    for url in [
        reverse("api:cohort-detail", args=[w["other"].pk]),
        reverse("api:enrolment-list", args=[w["other"].pk]),
        reverse("api:enrolment-detail", args=[w["other"].pk, w["other_enrolment"].pk]),
        # An enrolment of the other cohort asked for under the key's own cohort.
        reverse("api:enrolment-detail", args=[w["own"].pk, w["other_enrolment"].pk]),
        reverse("api:certificate-detail", args=[w["other_certificate"].pk]),
        reverse("api:component-scores", args=[w["other"].pk]),
    ]:
        response = client.get(url) if "scores" not in url else None
        if response is not None:
            assert response.status_code == 404, url
            assert error_of(response)["code"] == "not_found"
    certificates = client.get(reverse("api:certificate-list")).json()["results"]
    assert [c["number"] for c in certificates] == [w["own_certificate"].number]


def test_a_write_to_another_agencys_cohort_is_not_found_and_changes_nothing(agencies):
    w = agencies
    client = keyed_client(w["write"])
    before = Enrolment.objects.filter(cohort=w["other"]).count()
    url = reverse("api:enrolment-list", args=[w["other"].pk])
    response = client.post(url, {"nip": w["own_enrolment"].participant.nip}, format="json")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"
    assert Enrolment.objects.filter(cohort=w["other"]).count() == before


def test_a_co_organisers_key_reads_the_cohort(agencies):
    w = agencies
    w["other"].co_organiser = w["own_agency"]
    w["other"].save(update_fields=["co_organiser"])
    client = keyed_client(w["read"])
    assert client.get(reverse("api:cohort-detail", args=[w["other"].pk])).status_code == 200


def test_without_a_key_401_in_the_shape(agencies):
    response = APIClient().get(reverse("api:cohort-list"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    error = error_of(response)
    assert error["code"] == "not_authenticated" and "Api-Key" in error["message"]


def test_a_session_is_not_a_key(client, agencies):
    from ..factories import administrator_user

    client.force_login(administrator_user())
    assert client.get(reverse("api:cohort-list")).status_code == 401


def test_an_unknown_or_revoked_key_is_refused(agencies):
    w = agencies
    wrong = w["read"][:-3] + "xyz"
    response = keyed_client(wrong).get(reverse("api:cohort-list"))
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"
    api_key_revoke(api_key=w["read_key"])
    response = keyed_client(w["read"]).get(reverse("api:cohort-list"))
    assert response.status_code == 401
    assert error_of(response)["message"] == "Kunci API tidak dikenal atau sudah dicabut."
    assert api_key_find(w["read"]) is None


def test_a_read_only_key_gets_403_on_a_write_and_nothing_changes(agencies):
    w = agencies
    before = Enrolment.objects.count()
    url = reverse("api:enrolment-list", args=[w["own"].pk])
    response = keyed_client(w["read"]).post(url, {"nip": "199001012015051001"}, format="json")
    assert response.status_code == 403
    error = error_of(response)
    assert error["code"] == "permission_denied" and "hanya untuk membaca" in error["message"]
    assert Enrolment.objects.count() == before


def test_only_the_digest_is_stored_and_last_use_is_written_once_a_minute(agencies):
    w = agencies
    api_key = ApiKey.objects.get(pk=w["read_key"].pk)
    assert w["read"] not in (api_key.hashed_key, api_key.prefix)
    assert w["read"].startswith(api_key.prefix + ".")
    assert api_key.last_used_at is None
    client = keyed_client(w["read"])
    client.get(reverse("api:program-list"))
    api_key.refresh_from_db()
    first = api_key.last_used_at
    assert first is not None
    client.get(reverse("api:program-list"))
    api_key.refresh_from_db()
    assert api_key.last_used_at == first  # not written again within the minute
    later = first + timezone.timedelta(seconds=61)
    api_key_touch(api_key, now=later)
    api_key.refresh_from_db()
    assert api_key.last_used_at == later


def test_an_unknown_address_under_api_answers_the_shape(agencies):
    response = APIClient().get("/api/tidak-ada/")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


def test_the_rate_limit_answers_429_in_the_shape(agencies, settings):
    settings.API_RATE_READ = "2/m"
    client = keyed_client(agencies["read"])
    statuses = [client.get(reverse("api:program-list")).status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    response = client.get(reverse("api:program-list"))
    assert response.status_code == 429 and "Retry-After" in response
    assert error_of(response)["code"] == "throttled"
    # Another key has its own count.
    other = key_for(agencies["own_agency"], name="Lain")[1]
    assert keyed_client(other).get(reverse("api:program-list")).status_code == 200


def test_a_wrong_method_and_a_body_that_is_not_json_answer_the_shape(agencies):
    w = agencies
    client = keyed_client(w["write"])
    response = client.delete(reverse("api:cohort-detail", args=[w["own"].pk]))
    assert response.status_code == 405
    assert error_of(response)["message"] == "Metode DELETE tidak dapat dipakai di alamat ini."
    url = reverse("api:enrolment-list", args=[w["own"].pk])
    response = client.post(url, "{nip:", content_type="application/json")
    assert response.status_code == 400 and error_of(response)["code"] == "parse_error"
