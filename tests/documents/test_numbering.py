"""Certificate numbers by an institution's pattern; revoking and reissuing; the public lookup
and its rate limit."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse

from documents.batches import certificates_issue
from documents.issuing import certificate_reissue, certificate_revoke
from documents.models import Certificate, CertificateBatch, CertificateEvent, NumberingPattern
from documents.numbering import pattern_check

from ..factories import (
    CohortFactory,
    enrol,
    project_scored,
    staff_user,
    widyaiswara_user,
)
from ..pdf_tools import pdf_text

pytestmark = pytest.mark.django_db


def issued(cohort, scores=("88", "75")):
    coach = widyaiswara_user()
    for score in scores:
        project_scored(enrol(cohort, coach=coach), Decimal(score))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    return list(Certificate.objects.filter(enrolment__cohort=cohort).order_by("seq"))


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("STTP/{program}/{year}", "harus memuat {seq}"),
        ("{seq:03d}/{angkatan}/{kota}", "“kota” tidak dikenal"),
        ("{seq:03d}/{program", "tidak dapat dipakai"),
        ("{seq:x}/{program}", None),  # hexadecimal: odd, but a valid number
    ],
)
def test_a_pattern_needs_a_sequence_and_known_fields(pattern, message):
    if message is None:
        pattern_check(pattern)
        return
    with pytest.raises(ValidationError) as error:
        pattern_check(pattern)
    assert message in error.value.messages[0]


def test_an_institution_numbers_a_program_its_own_way_across_the_year():
    first = CohortFactory(angkatan=1)
    second = CohortFactory(angkatan=2, program=first.program, organiser=first.organiser)
    NumberingPattern.objects.create(
        institution=first.organiser, program=first.program,
        pattern="{seq:04d}/STTP/{program}/{institution}/{year}",
    )  # fmt: skip
    numbers = [c.number for c in issued(first) + issued(second)]
    code = first.organiser.code.upper()
    # No {angkatan}: both cohorts of the year share one gap-free series.
    assert numbers == [f"{n:04d}/STTP/LATSAR/{code}/2022" for n in (1, 2, 3, 4)]


def test_revoked_then_reissued_keeps_its_qr_and_never_reuses_a_number(
    client, django_capture_on_commit_callbacks
):
    cohort = CohortFactory()
    first, second = issued(cohort)
    staff = staff_user(username="rina")
    with pytest.raises(ValidationError, match="alasan"):
        certificate_revoke(certificate=first, actor=staff, reason=" ")
    certificate_revoke(certificate=first, actor=staff, reason="Nama salah eja")

    page = client.get(first.get_verification_path()).content.decode()
    assert "Sertifikat ini telah dicabut." in page and "Dicabut pada" in page

    with django_capture_on_commit_callbacks(execute=True):
        reissued = certificate_reissue(certificate=first, actor=staff, reason="Nama diperbaiki")
    reissued.refresh_from_db()
    # The PDF is made again after the commit, with the new number.
    assert reissued.number in " ".join(pdf_text(reissued.pdf.read()).split())
    assert reissued.verification_id == first.verification_id
    assert reissued.seq == 3 and reissued.number != first.number != second.number
    assert reissued.status == Certificate.Status.VALID
    events = list(CertificateEvent.objects.filter(certificate=first).order_by("pk"))
    assert [(e.action, e.number, e.reason) for e in events] == [
        ("issued", first.number, ""),
        ("revoked", first.number, "Nama salah eja"),
        ("reissued", reissued.number, "Nama diperbaiki"),
    ]
    assert events[1].actor == staff
    # The old number still leads to the certificate, now valid under its new number, with the
    # check code it kept.
    assert reissued.check_code == first.check_code
    lookup = {"nomor": first.number, "kode": first.check_code.lower()}
    response = client.get(reverse("verify_lookup"), lookup, follow=True)
    assert "Sertifikat ini sah." in response.content.decode()
    assert reissued.number in response.content.decode()


def test_the_verification_page_names_the_holder_and_nothing_more(client):
    cohort = CohortFactory()
    certificate = issued(cohort, scores=("91",))[0]
    participant = certificate.enrolment.participant
    page = client.get(certificate.get_verification_path()).content.decode()
    assert participant.name in page and "Sangat Memuaskan" in page
    assert cohort.program.name in page and cohort.angkatan_label in page
    for private in (participant.nip, participant.nip_display, participant.agency.name, "91,00"):
        assert private not in page
    unknown = client.get("/verifikasi/00000000-0000-4000-8000-000000000000/")
    assert unknown.status_code == 404
    lookup = client.get(reverse("verify_lookup"), {"nomor": "999/STTP/X", "kode": "ABC234"})
    assert lookup.status_code == 404
    assert "Tidak ada sertifikat bernomor" in lookup.content.decode()


def test_a_number_alone_lists_nobody(client):
    """Numbers are sequential: without the check code or the birth date, a lookup by number
    tells nothing, and a wrong code answers exactly as an unknown number does."""
    cohort = CohortFactory()
    certificate = issued(cohort, scores=("91",))[0]
    holder = certificate.enrolment.participant
    url = reverse("verify_lookup")
    alone = client.get(url, {"nomor": certificate.number}).content.decode()
    assert holder.name not in alone
    assert "Isi juga kode cek" in alone
    wrong = client.get(url, {"nomor": certificate.number, "kode": "ZZZZZZ"})
    unknown = client.get(url, {"nomor": "999/STTP/X", "kode": "ZZZZZZ"})
    assert wrong.status_code == unknown.status_code == 404
    assert holder.name not in wrong.content.decode()
    assert len(certificate.check_code) == 6
    right = client.get(url, {"nomor": certificate.number, "kode": certificate.check_code})
    assert right["Location"] == certificate.get_verification_path()
    born = holder.birth_date.isoformat()
    by_birth = client.get(url, {"nomor": certificate.number, "lahir": born})
    assert by_birth["Location"] == certificate.get_verification_path()
    wrong_day = client.get(url, {"nomor": certificate.number, "lahir": "1900-01-01"})
    assert wrong_day.status_code == 404


def test_too_many_checks_from_one_address_answer_429(client, settings):
    settings.VERIFY_RATE = "3/m"
    cache.clear()
    url = reverse("verify_lookup")
    statuses = [client.get(url, {"nomor": f"{n}/X", "kode": "ABC"}).status_code for n in range(4)]
    assert statuses == [404, 404, 404, 429]
    assert client.get("/verifikasi/00000000-0000-4000-8000-000000000000/").status_code == 429
    # Another address is not held back.
    assert client.get(url, REMOTE_ADDR="10.0.0.9").status_code == 200
    cache.clear()


def test_only_certificate_staff_revoke_and_set_patterns(client):
    cohort = CohortFactory()
    certificate = issued(cohort, scores=("88",))[0]
    revoke = reverse("documents:certificate_revoke", args=[certificate.pk])
    numbering = reverse("documents:numbering", args=[cohort.organiser_id])
    client.force_login(widyaiswara_user())
    assert client.post(revoke, {"reason": "x"}).status_code == 403
    assert client.get(numbering).status_code == 403

    client.force_login(staff_user())
    page = client.post(numbering, {"pattern-all": "STTP/{year}"}).content.decode()
    assert "harus memuat {seq}" in page
    assert not NumberingPattern.objects.exists()
    client.post(numbering, {"pattern-all": "{seq}/SERT/{institution}/{year}"})
    assert NumberingPattern.objects.get().pattern == "{seq}/SERT/{institution}/{year}"
    detail = reverse("documents:certificate_detail", args=[certificate.pk])
    # Revoking asks first: nothing changes until staff confirm.
    asked = client.post(revoke, {"reason": "Data keliru"}).content.decode()
    assert "Cabut sertifikat ini?" in asked and "Data keliru" in asked
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.VALID
    client.post(revoke, {"reason": "Data keliru", "confirmed": "1"})
    page = client.get(detail).content.decode()
    assert "Dicabut" in page and "Data keliru" in page
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED


def test_a_wrong_pattern_is_marked_on_its_field_and_what_was_typed_stays(client):
    cohort = CohortFactory()
    program = cohort.program
    numbering = reverse("documents:numbering", args=[cohort.organiser_id])
    client.force_login(staff_user())
    typed = {"pattern-all": "", f"pattern-{program.pk}": "{seq}/{bulan}"}
    page = client.post(numbering, typed).content.decode()
    # The empty general pattern says what it must hold; the program's names the unknown field.
    assert "harus memuat {seq}" in page
    assert "“bulan” tidak dikenal" in page
    assert page.count("is-invalid") == 2
    assert 'value="{seq}/{bulan}"' in page
    assert not NumberingPattern.objects.exists()
