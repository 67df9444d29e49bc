"""The schema a client reads (/api/schema/, OpenAPI 3, valid), its docs page under the CSP, the
public verification in JSON saying what the page says, and the admin page that makes keys."""

import pytest
import yaml
from django.core.cache import cache
from django.urls import reverse
from openapi_spec_validator import validate
from rest_framework.test import APIClient

from cohorts.models import ApiKey
from documents.issuing import certificate_reissue, certificate_revoke

from ..factories import UserFactory, staff_user
from .conftest import error_of

pytestmark = pytest.mark.django_db


def test_the_schema_is_valid_openapi_and_documents_keys_and_errors(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    assert schema["openapi"].startswith("3.")
    assert schema["components"]["securitySchemes"]["ApiKey"] == {
        "type": "apiKey", "in": "header", "name": "Authorization",
        "description": "`Api-Key <kunci>`, dibuat administrator di situs admin.",
    }  # fmt: skip
    error = schema["components"]["schemas"]["Error"]
    assert error["properties"]["error"]["$ref"].endswith("/ErrorDetail")
    paths = schema["paths"]
    for path in ["/api/cohorts/", "/api/cohorts/{cohort_pk}/enrolments/",
                 "/api/cohorts/{cohort_pk}/scores/", "/api/certificates/", "/api/programs/",
                 "/api/verifikasi/{verification_id}/"]:  # fmt: skip
        assert path in paths, path
    listing = paths["/api/cohorts/"]["get"]
    assert {"401", "429"} <= set(listing["responses"])
    assert {"page", "page_size", "status", "start_from"} <= {
        p["name"] for p in listing["parameters"]
    }
    assert listing["security"] == [{"ApiKey": []}]
    assert "security" not in paths["/api/verifikasi/{verification_id}/"]["get"]  # public


def test_the_docs_page_opens_under_the_csp(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    page = response.content.decode()
    assert "<style" not in page and "<script>" not in page  # no inline script or style
    assert "default-src 'self'" in response["Content-Security-Policy"]
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200 and "SwaggerUIBundle" in script.content.decode()


def test_public_verification_says_what_the_page_says(client, agencies):
    certificate = agencies["own_certificate"]
    api = APIClient()
    body = api.get(reverse("api:verify", args=[certificate.verification_id])).json()
    page = client.get(reverse("verify", args=[certificate.verification_id])).content.decode()
    cohort = certificate.enrolment.cohort
    assert body["status"] == "valid" and body["number"] == certificate.number
    assert body["verdict"] == f"Sertifikat ini sah. Diterbitkan oleh {cohort.organiser.name}."
    for fact in [body["number"], body["name"], body["program"], body["organiser"],
                 f"{body['total_jp']} JP", body["predicate"]]:  # fmt: skip
        assert fact in page, fact
    assert body["total_jp"] == 647 and body["start_date"] == cohort.start_date.isoformat()
    assert "nip" not in body and "final_score" not in body  # no more than the page shows

    # Revoked, reissued: the old number says it is no longer valid, as the page does.
    old = certificate.number
    certificate_revoke(certificate=certificate, actor=None, reason="Nama salah")
    revoked = api.get(reverse("api:verify", args=[certificate.verification_id])).json()
    assert revoked["status"] == "revoked" and revoked["verdict"].startswith(
        "Sertifikat ini telah dicabut. Dicabut pada "
    )
    certificate_reissue(certificate=certificate, actor=staff_user(), reason="Nama diperbaiki")
    certificate.refresh_from_db()
    looked_up = api.get(
        reverse("api:verify_lookup"), {"nomor": old, "kode": certificate.check_code}
    ).json()
    assert looked_up["number"] == certificate.number != old
    assert looked_up["replaced_numbers"][0]["number"] == old
    notice = looked_up["looked_up_replaced"]
    assert notice["number"] == old
    assert notice["message"].startswith(f"Nomor {old} tidak berlaku lagi. Sertifikat itu")
    page = client.get(
        reverse("verify", args=[certificate.verification_id]), {"nomor": old}
    ).content.decode()
    assert f"Nomor {old} tidak berlaku lagi." in page


def test_public_verification_refusals_in_the_shape(agencies, settings):
    api = APIClient()
    certificate = agencies["own_certificate"]
    response = api.get(reverse("api:verify_lookup"), {"nomor": certificate.number})
    assert response.status_code == 400
    assert error_of(response)["fields"]["non_field_errors"][0].startswith("Isi juga kode cek")
    response = api.get(reverse("api:verify_lookup"), {"nomor": certificate.number, "kode": "X"})
    assert response.status_code == 404
    assert error_of(response)["message"] == (
        f"Tidak ada sertifikat bernomor “{certificate.number}” dengan kode cek atau tanggal "
        "lahir itu."
    )
    # The page's limit, counted together with the page.
    cache.clear()
    settings.VERIFY_RATE = "2/m"
    url = reverse("api:verify", args=[certificate.verification_id])
    assert api.get(url).status_code == 200
    assert APIClient().get(reverse("verify", args=[certificate.verification_id])).status_code == 200
    response = api.get(url)
    assert response.status_code == 429 and error_of(response)["code"] == "throttled"


def test_an_administrator_makes_a_key_seen_once_and_revokes_it(client, agencies):
    from auditlog.models import LogEntry

    from config import roles

    admin = UserFactory(role=roles.ADMINISTRATOR, is_staff=True, username="admin-kunci")
    client.force_login(admin)
    add = reverse("admin:cohorts_apikey_add")
    assert client.get(add).status_code == 200
    data = {"name": "LMS Banten Ceria", "institution": agencies["own_agency"].pk,
            "access": "read_write"}  # fmt: skip
    response = client.post(add, data, follow=True)
    assert response.status_code == 200
    key = response.context["key"]
    api_key = ApiKey.objects.get(name="LMS Banten Ceria")
    assert key in response.content.decode() and key.startswith(api_key.prefix + ".")
    # Reloading the page shows the key no more, and makes no second key.
    again = client.get(response.redirect_chain[-1][0]).content.decode()
    assert key not in again and 'id="api-key-gone"' in again
    assert ApiKey.objects.filter(name="LMS Banten Ceria").count() == 1
    assert key not in api_key.hashed_key and api_key.created_by == admin
    # Shown once: the list and the key's page show the prefix only.
    listing = client.get(reverse("admin:cohorts_apikey_changelist")).content.decode()
    change = client.get(reverse("admin:cohorts_apikey_change", args=[api_key.pk]))
    assert key not in listing and key not in change.content.decode()
    assert api_key.prefix in listing
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Api-Key {key}")
    assert api.get(reverse("api:cohort-list")).status_code == 200
    # Revoked with the list's action; both in the audit log under the administrator.
    client.post(
        reverse("admin:cohorts_apikey_changelist"),
        {"action": "revoke", "_selected_action": [api_key.pk]},
    )
    api_key.refresh_from_db()
    assert api_key.revoked_at is not None
    assert api.get(reverse("api:cohort-list")).status_code == 401
    entries = LogEntry.objects.get_for_object(api_key).order_by("pk")
    assert [e.action for e in entries] == [LogEntry.Action.CREATE, LogEntry.Action.UPDATE]
    assert all(e.actor == admin for e in entries)
    assert "hashed_key" not in str(entries[0].changes)


def test_staff_cannot_open_the_keys(client, agencies):
    staff = staff_user(is_staff=True)
    client.force_login(staff)
    assert client.get(reverse("admin:cohorts_apikey_changelist")).status_code == 403
