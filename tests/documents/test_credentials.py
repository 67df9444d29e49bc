"""Verifiable credentials (issue 18, item 4): a holder downloads their certificate as an Open
Badges 3.0 VC-JWT signed with the institution's key. It is checked here with PyJWT against the
published JWKS, a library Angkatan does not sign with (Angkatan signs with joserfc); the status
list and the public verification answer revoked once the certificate is revoked."""

import base64
import gzip
import json
from decimal import Decimal
from urllib.parse import urlparse

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from django.core.cache import cache
from django.urls import reverse

from demo.signing_key import signing_key_create
from documents.batches import certificates_issue
from documents.credential_models import CertificateCredential
from documents.issuing import certificate_reissue, certificate_revoke
from documents.models import Certificate, CertificateBatch, CertificateSeries
from participants.services import participant_account_ensure

from ..factories import (
    PASSWORD,
    CohortFactory,
    TrainingAgencyFactory,
    enrol,
    project_scored,
    staff_user,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fresh_limits():
    cache.clear()  # the verification counts against the rate limit in the cache
    yield
    cache.clear()


@pytest.fixture
def signing_key(settings, tmp_path):
    path = tmp_path / "kunci.p12"
    signing_key_create(path, "rahasia", "Kepala BPSDM Uji")
    return str(path)


@pytest.fixture
def world(settings, signing_key):
    """Two holders of one cohort, their certificates issued by the real job (PDFs unsigned to
    keep it quick), then the institution's key configured for the credentials."""
    settings.SIGNING_KEY_FILE = ""
    cohort = CohortFactory()
    coach = widyaiswara_user()
    mine, other = enrol(cohort, coach=coach), enrol(cohort, coach=coach)
    for enrolment in (mine, other):
        project_scored(enrolment, Decimal("88"))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    settings.SIGNING_KEY_FILE, settings.SIGNING_KEY_PASSWORD = signing_key, "rahasia"
    return {
        "cohort": cohort,
        "mine": Certificate.objects.get(enrolment=mine),
        "other": Certificate.objects.get(enrolment=other),
        "holder": participant_account_ensure(participant=mine.participant, password=PASSWORD),
    }


def download(client, certificate):
    response = client.get(reverse("documents:credential_download", args=[certificate.pk]))
    assert response.status_code == 200, response.content
    return response


def pyjwt_verify(client, token):
    """What a third party does: fetch the JWKS, take the key the header names, check the
    signature and the registered claims with PyJWT."""
    keys = client.get(reverse("documents:credential_keys")).json()
    header = pyjwt.get_unverified_header(token)
    key = pyjwt.PyJWKSet.from_dict(keys)[header["kid"]]
    return pyjwt.decode(
        token, key.key, algorithms=[header["alg"]], options={"require": ["iss", "nbf", "jti"]}
    )


def status_bit(client, credential):
    """The credential's bit in its status list, read as a verifier reads it: the list is a
    VC-JWT checked with the same JWKS, its encodedList multibase base64url of GZIP."""
    entry = credential["credentialStatus"]
    assert entry["type"] == "BitstringStatusListEntry"
    assert entry["statusPurpose"] == "revocation"
    response = client.get(urlparse(entry["statusListCredential"]).path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vc+jwt"
    status_list = pyjwt_verify(client, response.content.decode())
    assert "BitstringStatusListCredential" in status_list["type"]
    encoded = status_list["credentialSubject"]["encodedList"]
    assert encoded.startswith("u")
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    assert len(bits) * 8 >= 131_072
    index = int(entry["statusListIndex"])
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def check(client, token):
    response = client.post(
        reverse("documents:credential_verify_json"),
        data=json.dumps({"credential": token}),
        content_type="application/json",
    )
    return response.status_code, response.json()


def test_a_holder_downloads_a_credential_that_a_third_party_verifies(client, world):
    client.force_login(world["holder"])
    certificate, cohort = world["mine"], world["cohort"]
    page = client.get(reverse("projects:my_training")).content.decode()
    assert "Unduh kredensial (Open Badges)" in page
    response = download(client, certificate)
    assert response["Content-Type"] == "application/vc+jwt"
    filename = response["Content-Disposition"]
    assert 'filename="sttp-' in filename and filename.endswith('.jwt"')
    token = response.content.decode()

    header = pyjwt.get_unverified_header(token)
    assert header["typ"] == "vc+jwt" and header["alg"] == "RS256"
    claims = pyjwt_verify(client, token)
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert "https://www.w3.org/ns/credentials/v2" in claims["@context"]
    assert claims["iss"] == claims["issuer"]["id"]
    assert claims["jti"] == claims["id"]
    assert claims["issuer"]["name"] == cohort.organiser.name
    assert claims["issuer"]["type"] == ["Profile"]
    subject = claims["credentialSubject"]
    achievement = subject["achievement"]
    assert achievement["name"] == cohort.program.name
    total_jp = sum(phase.jp for phase in cohort.phases.all())
    assert total_jp > 0 and achievement["creditsAvailable"] == total_jp
    assert subject["result"][0]["value"] == certificate.predicate
    assert subject["licenseNumber"] == certificate.number
    # The NIP only as a salted hash; the name as the paper prints it.
    nip = certificate.enrolment.participant.nip
    assert nip not in token and nip not in json.dumps(claims)
    hashed = next(i for i in subject["identifier"] if i["identityType"] == "identifier")
    assert hashed["hashed"] is True and hashed["identityHash"].startswith("sha256$")
    assert not status_bit(client, claims)
    # The issuer's id is its profile, which names where its keys are.
    profile = client.get(urlparse(claims["iss"]).path).json()
    assert profile["name"] == cohort.organiser.name and profile["id"] == claims["iss"]
    assert profile["jwks"].endswith(reverse("documents:credential_keys"))

    # The public endpoint agrees, for a machine and for a person.
    status, answer = check(client, token)
    assert status == 200 and answer["status"] == "valid" and answer["valid"] is True
    assert answer["credential"]["program"] == cohort.program.name
    raw = client.post(
        reverse("documents:credential_verify_json"), data=token, content_type="application/jwt"
    )
    assert raw.json()["status"] == "valid"
    page = client.post(reverse("documents:credential_verify"), {"kredensial": token})
    assert page.status_code == 200
    assert "Kredensial ini sah." in page.content.decode()

    # A second download is the same credential (same id and status bit), signed again.
    again = pyjwt_verify(client, download(client, certificate).content.decode())
    assert again["id"] == claims["id"]
    assert again["credentialStatus"] == claims["credentialStatus"]
    assert CertificateCredential.objects.count() == 1


def test_a_tampered_credential_fails(client, world):
    client.force_login(world["holder"])
    token = download(client, world["mine"]).content.decode()
    head, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["credentialSubject"]["result"][0]["value"] = "Dengan Pujian (diubah)"
    forged = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    tampered = f"{head}.{forged}.{signature}"
    with pytest.raises(pyjwt.InvalidSignatureError):
        pyjwt_verify(client, tampered)
    status, answer = check(client, tampered)
    assert status == 200 and answer["status"] == "invalid_signature"
    assert "Tanda tangan kredensial tidak sah" in answer["message"]
    page = client.post(reverse("documents:credential_verify"), {"kredensial": tampered})
    assert "Tanda tangan kredensial tidak sah" in page.content.decode()


def test_a_credential_signed_with_another_key_fails(client, world, tmp_path):
    client.force_login(world["holder"])
    token = download(client, world["mine"]).content.decode()
    claims = pyjwt.decode(token, options={"verify_signature": False})
    kid = pyjwt.get_unverified_header(token)["kid"]
    secret = "a-shared-secret-of-more-than-thirty-two-bytes"
    stranger = pyjwt.encode(claims, secret, algorithm="HS256", headers={"kid": kid})
    assert check(client, stranger)[1]["status"] == "invalid_signature"


def test_revoking_sets_the_bit_and_the_endpoint_answers_revoked(client, world):
    client.force_login(world["holder"])
    certificate = world["mine"]
    token = download(client, certificate).content.decode()
    claims = pyjwt_verify(client, token)
    assert not status_bit(client, claims)

    certificate_revoke(certificate=certificate, actor=staff_user(), reason="Data salah")
    assert status_bit(client, claims)  # at once: the list is made from the database
    status, answer = check(client, token)
    assert status == 200 and answer["status"] == "revoked" and answer["valid"] is False
    assert "Kredensial ini telah dicabut" in answer["message"]
    # The signature still holds: a verifier sees a genuine but revoked credential.
    pyjwt_verify(client, token)
    # No credential for a revoked certificate, and no button for it.
    response = client.get(reverse("documents:credential_download", args=[certificate.pk]))
    assert response.status_code == 404
    assert "Unduh kredensial" not in client.get(reverse("projects:my_training")).content.decode()


def test_a_reissue_revokes_the_old_numbers_credential(client, world):
    client.force_login(world["holder"])
    certificate = world["mine"]
    old = download(client, certificate).content.decode()
    staff = staff_user()
    certificate_revoke(certificate=certificate, actor=staff, reason="Nama salah eja")
    certificate_reissue(certificate=certificate, actor=staff, reason="Nama diperbaiki")
    certificate.refresh_from_db()
    new = download(client, certificate).content.decode()
    old_answer, new_answer = check(client, old)[1], check(client, new)[1]
    assert old_answer["status"] == "revoked"
    assert certificate.number in old_answer["message"]
    assert new_answer["status"] == "valid"
    assert status_bit(client, pyjwt_verify(client, old))
    assert not status_bit(client, pyjwt_verify(client, new))


def test_no_one_else_downloads_someone_elses_credential(client, world):
    client.force_login(world["holder"])
    other = world["other"]
    url = reverse("documents:credential_download", args=[other.pk])
    assert client.get(url).status_code == 403
    # Staff of another agency: not found. Staff of the organiser: theirs to download.
    client.force_login(staff_user(institutions=[TrainingAgencyFactory()]))
    assert client.get(url).status_code == 404
    client.force_login(staff_user())
    assert client.get(url).status_code == 200
    detail = client.get(reverse("documents:certificate_detail", args=[other.pk]))
    assert "Unduh kredensial (Open Badges)" in detail.content.decode()
    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    assert CertificateCredential.objects.filter(certificate=world["mine"]).count() == 0


def test_the_verify_page_speaks_indonesian_and_malformed_input_is_a_clear_error(client, world):
    page = client.get(reverse("documents:credential_verify"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Verifikasi kredensial" in text and "Tempel isi berkas kredensial" in text
    bad_inputs = ["", "bukan-jwt", "a.b.c", "eyJhbGciOiJSUzI1NiJ9.W10.abc",
                  "x" * 30_000, "é.é.é", "eyJ.eyJ.e"]  # fmt: skip
    for bad in bad_inputs:
        response = client.post(reverse("documents:credential_verify"), {"kredensial": bad})
        assert response.status_code == 400, bad
        assert "bukan kredensial yang dapat dibaca" in response.content.decode()
        status, answer = check(client, bad)
        assert status == 400 and answer["status"] == "malformed", bad
    # A JSON body that is not JSON, or a raw body: still an answer, never a 500.
    response = client.post(
        reverse("documents:credential_verify_json"), data="{", content_type="application/json"
    )
    assert response.status_code == 400


def test_without_a_key_there_is_no_credential(client, world, settings):
    settings.SIGNING_KEY_FILE = ""
    client.force_login(world["holder"])
    response = client.get(reverse("documents:credential_download", args=[world["mine"].pk]))
    assert response.status_code == 404
    assert client.get(reverse("documents:credential_keys")).json() == {"keys": []}


def test_an_ec_key_signs_es256(client, world, settings, tmp_path):
    key = ec.generate_private_key(ec.SECP256R1())
    path = tmp_path / "ec.p12"
    path.write_bytes(
        pkcs12.serialize_key_and_certificates(
            b"ec", key, None, None, BestAvailableEncryption(b"rahasia")
        )
    )
    settings.SIGNING_KEY_FILE = str(path)
    client.force_login(world["holder"])
    token = download(client, world["mine"]).content.decode()
    assert pyjwt.get_unverified_header(token)["alg"] == "ES256"
    assert pyjwt_verify(client, token)["credentialSubject"]["achievement"]["name"]
    assert check(client, token)[1]["status"] == "valid"


def _credentials(cohort, count, revoked):
    """`count` certificates with credentials, `revoked` of them revoked, made as rows: the
    list's cost does not depend on how they were issued."""
    series = CertificateSeries.objects.create(key=f"UJI-KREDENSIAL-{count}")
    enrolments = [enrol(cohort) for _ in range(count)]
    certificates = Certificate.objects.bulk_create(
        Certificate(enrolment=e, series=series, seq=i + 1, number=f"{i + 1:03d}/UJI/{count}",
                    issued_on=cohort.end_date, final_score=Decimal("85"), predicate="Memuaskan",
                    status=Certificate.Status.REVOKED if i < revoked else Certificate.Status.VALID)
        for i, e in enumerate(enrolments)
    )  # fmt: skip
    CertificateCredential.objects.bulk_create(
        CertificateCredential(certificate=c, number=c.number, status_index=i * 7)
        for i, c in enumerate(certificates)
    )


@pytest.mark.parametrize(("count", "revoked"), [(3, 1), (30, 12)])
def test_the_status_list_costs_one_query(client, settings, signing_key, count, revoked,
                                         django_assert_num_queries):  # fmt: skip
    settings.SIGNING_KEY_FILE, settings.SIGNING_KEY_PASSWORD = signing_key, "rahasia"
    _credentials(CohortFactory(), count, revoked)
    url = reverse("documents:credential_status_list", args=[1])
    # One query whatever the number of credentials: the indexes whose bit is set (revoked
    # certificates, replaced numbers), read in one join; the list is encoded in memory.
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response.status_code == 200
    claims = pyjwt_verify(client, response.content.decode())
    encoded = claims["credentialSubject"]["encodedList"]
    bits = gzip.decompress(base64.urlsafe_b64decode(encoded[1:] + "=" * (-len(encoded[1:]) % 4)))
    set_bits = [i for i in range(count * 7) if bits[i // 8] & (0x80 >> (i % 8))]
    assert set_bits == [i * 7 for i in range(revoked)]
