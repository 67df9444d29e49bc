"""Certificates signed through BSrE (documents.bsre_signing) against the BSrE stand-in: the
batch renders unsigned and waits; the signer approves once; every returned PDF is checked
before it replaces the unsigned one; an outage leaves the batch resumable, each certificate
signed exactly once; the approval is never stored in the clear, nor in the job's message."""

import hashlib
import io
from decimal import Decimal
from pathlib import Path

import pytest
from asn1crypto import x509 as asn1_x509
from django.conf import settings as django_settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from demo.standins.bsre import DEMO_PASSWORD, DEMO_USERNAME, BsreStandIn
from documents.batch_queue import certificate_batch_start
from documents.batches import certificates_issue
from documents.bsre_models import (
    BatchSigning,
    CertificateSignature,
    InstitutionSigner,
    SigningEvent,
)
from documents.bsre_signing import (
    ERROR_APPROVAL_EXPIRED,
    approval_drop,
    approval_read,
    batch_sign,
    signing_approve,
    signing_resume,
)
from documents.models import Certificate, CertificateBatch

from ..conftest import wait_for
from ..factories import (
    CohortFactory,
    TrainingAgencyFactory,
    enrol,
    project_scored,
    staff_user,
    widyaiswara_user,
)
from ..pdf_tools import pdf_text
from ..standins import running

NIK, PASSPHRASE = "3671014405800002", "Banten#2026"
TITLE = "Kepala BPSDMD Provinsi Banten"
# The signing page (session, user, the signing with its batch and cohort, the stall check, the
# signer, the rows' count and page with certificate and participant, the menu's roles, the
# events) and the signer's queue (the staff permission's two reads, whether the account signs
# at all), whatever the batch's size (pinned at two sizes below).
PAGE_QUERIES = 9
QUEUE_QUERIES = 8


def configure(settings, server, tmp_path, timeout=5):
    roots = server.write_trust_roots(tmp_path / "bsre-roots.pem")
    settings.BSRE_BASE_URL = server.url
    settings.BSRE_USERNAME, settings.BSRE_PASSWORD = DEMO_USERNAME, DEMO_PASSWORD
    settings.BSRE_TIMEOUT = timeout
    settings.BSRE_TRUST_ROOTS = str(roots)
    return roots


@pytest.fixture
def stand_in(settings, tmp_path):
    with running(BsreStandIn()) as server:
        configure(settings, server, tmp_path)
        yield server


def cohort_signed_by_bsre(passing=3, acting=True):
    """A cohort whose organiser signs through BSrE, its head (Plt.) the signer."""
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for _ in range(passing):
        project_scored(enrol(cohort, coach=coach), Decimal("88"))
    head = staff_user(institutions=[cohort.organiser], username=f"kepala-{cohort.pk}")
    InstitutionSigner.objects.create(
        institution=cohort.organiser,
        mode=InstitutionSigner.Mode.BSRE,
        user=head,
        name="Dr. H. Rachmat Hidayat, S.Sos., M.Si.",
        nip="197004152000031003",
        title=TITLE,
        acting=acting,
        nik=NIK,
    )
    return cohort, head


def rendered(cohort):
    """The batch rendered in this process (the worker's first step), its signing waiting."""
    batch = CertificateBatch.objects.create(cohort=cohort)
    certificates_issue(batch_id=batch.pk)
    return BatchSigning.objects.get(batch=batch)


def unsigned_digests(cohort):
    return {
        c.pk: hashlib.sha256(c.pdf.read()).hexdigest()
        for c in Certificate.objects.filter(enrolment__cohort=cohort)
    }


def status_of(data, roots_path):
    roots = [asn1_x509.Certificate.load(der) for der in _pem_ders(roots_path)]
    [signature] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    return validate_pdf_signature(signature, ValidationContext(trust_roots=roots))


def _pem_ders(path):
    from asn1crypto import pem

    return [der for _, _, der in pem.unarmor(Path(path).read_bytes(), multiple=True)]


def signature_box_between(data):
    """The signature widget's bottom and top, and the baselines of the title and the name
    of the signature block (PDF points from the bottom of the page)."""
    import pypdf

    page = pypdf.PdfReader(io.BytesIO(data)).pages[0]
    lines = {}

    def seen(text, cm, tm, font, size):
        if text.strip():
            lines[text.strip()] = tm[5] * cm[3] + cm[5]

    page.extract_text(visitor_text=seen)
    [widget] = [a.get_object() for a in page["/Annots"] if a.get_object().get("/FT") == "/Sig"]
    rect = [float(v) for v in widget["/Rect"]]
    title = next(y for text, y in lines.items() if text.startswith("Plt."))
    name = next(y for text, y in lines.items() if text.startswith("Dr. H. Rachmat"))
    return rect[1], rect[3], title, name


def successful_signs(server):
    return [c for c in server.calls_to("POST", "/api/v2/sign/pdf") if c.status == 200]


# -- the flow in this process ---------------------------------------------------------------


@pytest.mark.django_db
def test_rendered_unsigned_then_waiting_for_the_signer(stand_in):
    cohort, _head = cohort_signed_by_bsre()
    signing = rendered(cohort)
    assert signing.state == BatchSigning.State.AWAITING
    assert (signing.signed, signing.total) == (0, 3)
    for certificate in Certificate.objects.filter(enrolment__cohort=cohort):
        assert PdfFileReader(io.BytesIO(certificate.pdf.read())).embedded_signatures == []
    assert stand_in.calls == []  # nothing reaches BSrE before the approval


@pytest.mark.django_db
def test_the_acting_heads_title_is_on_the_certificate(stand_in):
    cohort, _head = cohort_signed_by_bsre(passing=1, acting=True)
    rendered(cohort)
    text = " ".join(pdf_text(Certificate.objects.get().pdf.read()).split())
    assert f"Plt. {TITLE}" in text
    assert "Dr. H. Rachmat Hidayat, S.Sos., M.Si." in text


@pytest.mark.django_db
def test_approved_signed_and_verified(stand_in, settings):
    cohort, head = cohort_signed_by_bsre()
    signing = rendered(cohort)
    signing_approve(signing=signing, user=head, nik=NIK, passphrase=PASSPHRASE)
    batch_sign(signing_id=signing.pk)
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.DONE and signing.signed == 3
    for certificate in Certificate.objects.filter(enrolment__cohort=cohort):
        data = certificate.pdf.read()
        status = status_of(data, settings.BSRE_TRUST_ROOTS)
        assert status.intact and status.valid and status.trusted
        assert status.signing_cert.subject.native["serial_number"] == NIK
        # The verification QR and the Plt. title are still on the signed page.
        text = " ".join(pdf_text(data).split())
        assert f"Plt. {TITLE}" in text and "verifikasi" in text.lower()
    assert len(successful_signs(stand_in)) == 3
    # The visible signature sits in the block's empty space, between the title and the name.
    bottom, top, title, name = signature_box_between(data)
    assert name + 10 < bottom < top < title
    assert approval_read(signing) is None  # dropped once done
    assert [e.action for e in signing.events.all()] == ["approved", "done"]
    # The ZIP to download holds the signed files.
    signing.batch.refresh_from_db()
    assert signing.batch.archive


@pytest.mark.django_db
@pytest.mark.parametrize("fault", ["500", "hang"])
def test_an_outage_mid_batch_is_resumed_and_each_certificate_signed_once(stand_in, settings, fault):
    cohort, head = cohort_signed_by_bsre(passing=5, acting=False)
    signing = rendered(cohort)
    sent = unsigned_digests(cohort)
    if fault == "500":
        stand_in.fail_after(2, 500)
    else:
        settings.BSRE_TIMEOUT = 1  # the hang is held until the stand-in stops
        stand_in.fail_after(2, 200, times=0)
        stand_in.hang_next()
    signing_approve(signing=signing, user=head, nik=NIK, passphrase=PASSPHRASE)
    batch_sign(signing_id=signing.pk)

    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.INTERRUPTED
    assert signing.signed == 2
    reason = "galat 500" if fault == "500" else "tidak menjawab dalam 1 detik"
    assert reason in signing.error
    rows = CertificateSignature.objects.filter(signing=signing)
    assert rows.filter(state=CertificateSignature.State.SIGNED).count() == 2
    pending = rows.filter(state=CertificateSignature.State.PENDING)
    assert pending.count() == 3 and all(reason in row.reason for row in pending)
    # Never half-signed without a trace: the pending ones still hold their unsigned file.
    for row in pending:
        assert hashlib.sha256(row.certificate.pdf.read()).hexdigest() == sent[row.certificate_id]
    interrupted = signing.events.get(action=SigningEvent.Action.INTERRUPTED)
    assert reason in interrupted.detail

    # Lanjutkan, with the approval still held: only the rest are signed.
    signing_resume(signing=signing, user=head)
    batch_sign(signing_id=signing.pk)
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.DONE and signing.signed == 5
    assert len(successful_signs(stand_in)) == 5
    for digest in sent.values():
        assert stand_in.signatures_of(digest) == 1
    for certificate in Certificate.objects.filter(enrolment__cohort=cohort):
        assert status_of(certificate.pdf.read(), settings.BSRE_TRUST_ROOTS).bottom_line


@pytest.mark.django_db
def test_a_wrong_passphrase_stops_and_asks_for_the_approval_again(stand_in):
    cohort, head = cohort_signed_by_bsre(passing=2)
    signing = rendered(cohort)
    signing_approve(signing=signing, user=head, nik=NIK, passphrase="bukan-ini")
    batch_sign(signing_id=signing.pk)
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.INTERRUPTED
    assert "Passphrase anda salah" in signing.error
    assert approval_read(signing) is None
    with pytest.raises(Exception) as error:
        signing_resume(signing=signing, user=head)
    assert str(ERROR_APPROVAL_EXPIRED) in " ".join(error.value.messages)
    # Approved again with the right passphrase: done.
    signing_approve(signing=signing, user=head, nik=NIK, passphrase=PASSPHRASE)
    batch_sign(signing_id=signing.pk)
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.DONE


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("option", "reason"),
    [("untrusted", "tidak dipercaya"), ("swap_document", "bukan dokumen yang dikirim")],
)
def test_a_returned_file_that_fails_verification_is_not_kept(settings, tmp_path, option, reason):
    # The trust root is the honest stand-in's; the misbehaving one signs otherwise.
    with running(BsreStandIn(**{option: True})) as server:
        configure(settings, server, tmp_path)
        cohort, head = cohort_signed_by_bsre(passing=2)
        signing = rendered(cohort)
        sent = unsigned_digests(cohort)
        signing_approve(signing=signing, user=head, nik=NIK, passphrase=PASSPHRASE)
        batch_sign(signing_id=signing.pk)
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.INTERRUPTED
    assert reason in signing.error
    assert signing.signed == 0
    for certificate in Certificate.objects.filter(enrolment__cohort=cohort):
        assert hashlib.sha256(certificate.pdf.read()).hexdigest() == sent[certificate.pk]


@pytest.mark.django_db
def test_the_approval_is_held_encrypted_and_expires(stand_in, settings):
    cohort, head = cohort_signed_by_bsre(passing=1)
    signing = rendered(cohort)
    signing_approve(signing=signing, user=head, nik=NIK, passphrase=PASSPHRASE)
    assert approval_read(signing) == {"nik": NIK, "passphrase": PASSPHRASE}
    # Nowhere in the database in the clear, the cache's table included.
    backend = django_settings.CACHES["default"]
    if backend["BACKEND"].endswith("DatabaseCache"):
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {backend['LOCATION']}")
            values = " ".join(str(row[0]) for row in cursor.fetchall())
        assert PASSPHRASE not in values
    assert PASSPHRASE not in str(list(SigningEvent.objects.values()))
    assert PASSPHRASE not in str(list(BatchSigning.objects.values()))
    # The job's message carries the signing's id only.
    broker = Path(getattr(django_settings, "CELERY_BROKER_FILESYSTEM_DIR", "/nonexistent"))
    for message in broker.rglob("*"):
        if message.is_file():
            assert PASSPHRASE.encode() not in message.read_bytes()
    # Expired (or dropped): the job stops and says the approval is needed again.
    approval_drop(signing)
    batch_sign(signing_id=signing.pk)
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.INTERRUPTED
    assert signing.error == str(ERROR_APPROVAL_EXPIRED)
    assert stand_in.calls == []
    cache.clear()


# -- pages ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_only_the_signer_approves_and_another_agency_gets_404(stand_in, client):
    cohort, head = cohort_signed_by_bsre(passing=1)
    signing = rendered(cohort)
    url = reverse("documents:batch_signing", args=[signing.batch_id])

    client.force_login(staff_user(institutions=[TrainingAgencyFactory()]))
    assert client.get(url).status_code == 404
    assert client.post(url, {"nik": NIK, "passphrase": PASSPHRASE}).status_code == 404

    client.force_login(staff_user(institutions=[cohort.organiser]))
    page = client.get(url)
    assert page.status_code == 200 and b"approval-form" not in page.content
    assert client.post(url, {"nik": NIK, "passphrase": PASSPHRASE}).status_code == 403

    client.force_login(head)
    assert b"approval-form" in client.get(url).content
    # A wrong NIK: the field says so, nothing changes.
    answer = client.post(url, {"action": "approve", "nik": "3671014405800009", "passphrase": "x"})
    assert answer.status_code == 200
    assert "NIK tidak sama dengan NIK penanda tangan lembaga." in answer.content.decode()
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.AWAITING
    answer = client.post(url, {"action": "approve", "nik": NIK, "passphrase": PASSPHRASE})
    assert answer.status_code == 302
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.QUEUED and signing.approved_by == head
    assert client.get(reverse("documents:signing_queue")).status_code == 200


@pytest.mark.django_db
def test_the_signatory_page(client):
    cohort = CohortFactory()
    staff = staff_user(institutions=[cohort.organiser])
    url = reverse("documents:institution_signer", args=[cohort.organiser_id])
    client.force_login(staff_user(institutions=[TrainingAgencyFactory()]))
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 200
    form = {"mode": "bsre", "name": "Dr. Uji", "title": TITLE, "acting": "on", "nik": ""}
    answer = client.post(url, form)
    assert answer.status_code == 200
    assert "Isi NIK pemilik sertifikat elektronik BSrE." in answer.content.decode()
    assert not InstitutionSigner.objects.exists()
    answer = client.post(url, {**form, "nik": NIK, "user": staff.pk})
    assert answer.status_code == 302
    signer = InstitutionSigner.objects.get()
    assert signer.display_title == f"Plt. {TITLE}" and signer.uses_bsre


# -- with a real worker --------------------------------------------------------------------


@pytest.fixture
def bsre_for_worker(monkeypatch, settings, tmp_path):
    """The stand-in started before the worker, whose environment names it."""
    with running(BsreStandIn()) as server:
        roots = configure(settings, server, tmp_path)
        monkeypatch.setenv("BSRE_BASE_URL", server.url)
        monkeypatch.setenv("BSRE_USERNAME", DEMO_USERNAME)
        monkeypatch.setenv("BSRE_PASSWORD", DEMO_PASSWORD)
        monkeypatch.setenv("BSRE_TRUST_ROOTS", str(roots))
        monkeypatch.setenv("BSRE_TIMEOUT", "5")
        yield server


@pytest.mark.worker
def test_a_batch_approved_and_signed_by_a_real_worker(bsre_for_worker, celery_worker, client):
    cohort, head = cohort_signed_by_bsre(passing=3)
    batch = certificate_batch_start(cohort=cohort, requested_by=staff_user())
    signing = wait_for(
        lambda: BatchSigning.objects.filter(batch_id=batch.pk).first(),
        message=f"the batch to render; worker log:\n{celery_worker.output()}",
    )
    assert signing.state == BatchSigning.State.AWAITING

    client.force_login(head)
    url = reverse("documents:batch_signing", args=[batch.pk])
    answer = client.post(url, {"action": "approve", "nik": NIK, "passphrase": PASSPHRASE})
    assert answer.status_code == 302

    def done():
        signing.refresh_from_db()
        return signing.state in (BatchSigning.State.DONE, BatchSigning.State.INTERRUPTED)

    wait_for(done, message=f"the signing; worker log:\n{celery_worker.output()}")
    assert signing.state == BatchSigning.State.DONE, signing.error
    assert "batch_bsre_sign_job" in celery_worker.output()
    assert len(successful_signs(bsre_for_worker)) == 3
    for certificate in Certificate.objects.filter(enrolment__cohort=cohort):
        data = certificate.pdf.read()
        status = status_of(data, django_settings.BSRE_TRUST_ROOTS)
        assert status.intact and status.valid and status.trusted
        assert f"Plt. {TITLE}" in " ".join(pdf_text(data).split())
    page = client.get(url).content.decode()
    assert "3 / 3 sertifikat ditandatangani" in page


@pytest.mark.django_db
def test_sealed_with_the_institutions_totp(stand_in, settings):
    from demo.standins.bsre import DEMO_SEAL_ID, DEMO_SEAL_SECRET, totp_at

    cohort, head = cohort_signed_by_bsre(passing=2)
    InstitutionSigner.objects.filter(institution=cohort.organiser).update(
        mode=InstitutionSigner.Mode.SEAL, seal_id=DEMO_SEAL_ID
    )
    signing = rendered(cohort)
    with pytest.raises(ValidationError) as refused:
        signing_approve(signing=signing, user=head, totp="12345")
    assert "totp" in refused.value.message_dict
    with pytest.raises(ValidationError, match="TOTP tidak valid"):
        signing_approve(signing=signing, user=head, totp="000000")
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.AWAITING
    signing_approve(signing=signing, user=head, totp=totp_at(DEMO_SEAL_SECRET))
    assert "passphrase" not in approval_read(signing)  # the granted TOTP, not the code
    batch_sign(signing_id=signing.pk)
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.DONE, signing.error
    assert len(stand_in.calls_to("POST", "/api/v2/seal/pdf")) == 2
    for certificate in Certificate.objects.filter(enrolment__cohort=cohort):
        status = status_of(certificate.pdf.read(), settings.BSRE_TRUST_ROOTS)
        assert status.bottom_line


@pytest.mark.django_db
def test_a_reissued_certificate_waits_for_the_signer_again(stand_in, settings):
    from documents.issuing import certificate_reissue, certificate_revoke

    cohort, head = cohort_signed_by_bsre(passing=2)
    signing = rendered(cohort)
    signing_approve(signing=signing, user=head, nik=NIK, passphrase=PASSPHRASE)
    batch_sign(signing_id=signing.pk)
    certificate = Certificate.objects.filter(enrolment__cohort=cohort).first()
    certificate_revoke(certificate=certificate, actor=head, reason="Salah nama")
    certificate_reissue(certificate=certificate, actor=head, reason="Nama dibetulkan")
    from documents.rendering import certificate_pdf_store

    certificate.refresh_from_db()
    certificate_pdf_store(certificate)  # what the reissue does once committed
    certificate.refresh_from_db()
    assert PdfFileReader(io.BytesIO(certificate.pdf.read())).embedded_signatures == []
    again = rendered(cohort)  # staff issue again: only the reissued one waits
    assert (again.total, again.signed, again.state) == (2, 1, BatchSigning.State.AWAITING)
    signing_approve(signing=again, user=head, nik=NIK, passphrase=PASSPHRASE)
    batch_sign(signing_id=again.pk)
    certificate.refresh_from_db()
    assert status_of(certificate.pdf.read(), settings.BSRE_TRUST_ROOTS).bottom_line
    assert len(successful_signs(stand_in)) == 3


@pytest.mark.django_db
@pytest.mark.parametrize("passing", [2, 6])
def test_the_signing_page_and_queue_read_a_fixed_number_of_queries(
    stand_in, client, django_assert_num_queries, passing
):
    cohort, head = cohort_signed_by_bsre(passing=passing)
    signing = rendered(cohort)
    client.force_login(head)
    url = reverse("documents:batch_signing", args=[signing.batch_id])
    # The same count for 2 and 6 certificates: the rows come with their certificate and
    # participant in one query, whatever the page holds.
    with django_assert_num_queries(PAGE_QUERIES):
        assert client.get(url).status_code == 200
    with django_assert_num_queries(QUEUE_QUERIES):
        assert client.get(reverse("documents:signing_queue")).status_code == 200


@pytest.mark.django_db
def test_a_signing_whose_worker_died_stops_resumable(stand_in, client, settings):
    from datetime import timedelta

    from django.utils import timezone

    from documents.bsre_signing import ERROR_STALLED

    cohort, head = cohort_signed_by_bsre(passing=2)
    signing = rendered(cohort)
    signing_approve(signing=signing, user=head, nik=NIK, passphrase=PASSPHRASE)
    # Its job never ran (or its worker died): no heartbeat for longer than the limit.
    old = timezone.now() - timedelta(seconds=settings.CERTIFICATE_BATCH_STALL_SECONDS + 1)
    BatchSigning.objects.filter(pk=signing.pk).update(heartbeat_at=old)
    client.force_login(head)
    page = client.get(reverse("documents:batch_signing", args=[signing.batch_id]))
    assert str(ERROR_STALLED) in page.content.decode()
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.INTERRUPTED
    signing_resume(signing=signing, user=head)
    batch_sign(signing_id=signing.pk)
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.DONE and signing.signed == 2


@pytest.mark.django_db
def test_every_staff_account_reaches_the_signing_queue_from_the_menu(client):
    """The menu links *Tanda tangan* for all staff; an account that signs for no institution
    is told how one becomes a signer, and sees no other institution's batches."""
    cohort, head = cohort_signed_by_bsre()
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    colleague = staff_user(institutions=[cohort.organiser])
    client.force_login(colleague)
    menu = client.get(reverse("cohorts:cohort_list")).content.decode()
    assert reverse("documents:signing_queue") in menu
    page = client.get(reverse("documents:signing_queue")).content.decode()
    assert 'id="not-signer"' in page and str(cohort) not in page
    client.force_login(head)
    page = client.get(reverse("documents:signing_queue")).content.decode()
    assert 'id="not-signer"' not in page and str(cohort) in page
    client.force_login(widyaiswara_user())
    assert client.get(reverse("documents:signing_queue")).status_code == 403
