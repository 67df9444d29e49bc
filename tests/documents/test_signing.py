"""Certificate PDFs carry a PAdES signature from the configured key; pyHanko validates it,
and a file changed after signing fails."""

import io
from decimal import Decimal

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from demo.signing_key import signing_key_create
from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch
from documents.signing import SIGNATURE_FIELD

from ..factories import CohortFactory, enrol, project_scored, widyaiswara_user
from ..pdf_tools import pdf_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def signing_key(settings, tmp_path):
    path = tmp_path / "kunci.p12"
    certificate = signing_key_create(path, "rahasia", "Kepala BPSDM Uji")
    settings.SIGNING_KEY_FILE, settings.SIGNING_KEY_PASSWORD = str(path), "rahasia"
    return asn1_x509.Certificate.load(certificate.public_bytes(Encoding.DER))


def signed_certificate():
    cohort = CohortFactory()
    project_scored(enrol(cohort, coach=widyaiswara_user()), Decimal("88"))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    return Certificate.objects.get().pdf.read()


def status_of(data, root):
    [signature] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    assert signature.field_name == SIGNATURE_FIELD
    return validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))


def test_an_untouched_certificate_has_a_valid_pades_signature(signing_key):
    data = signed_certificate()
    status = status_of(data, signing_key)
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Kepala BPSDM Uji"
    # Signed, and still the certificate people read.
    assert Certificate.objects.get().number in " ".join(pdf_text(data).split())


def test_one_changed_byte_breaks_the_signature(signing_key):
    data = bytearray(signed_certificate())
    # A byte inside the signed content (the first page's stream), not the signature itself.
    position = data.index(b"stream") + 20
    data[position] = (data[position] + 1) % 256
    status = status_of(bytes(data), signing_key)
    assert not status.intact
    assert not status.bottom_line


def test_without_a_key_certificates_are_left_unsigned(settings):
    settings.SIGNING_KEY_FILE = ""
    data = signed_certificate()
    assert PdfFileReader(io.BytesIO(data)).embedded_signatures == []


def test_the_demo_key_is_made_once_and_signs(settings, tmp_path):
    from django.core.management import call_command

    settings.DEMO_SIGNING_KEY_FILE = tmp_path / "signing" / "demo.p12"
    call_command("signing_key_demo")
    first = settings.DEMO_SIGNING_KEY_FILE.read_bytes()
    call_command("signing_key_demo")
    assert settings.DEMO_SIGNING_KEY_FILE.read_bytes() == first  # kept, not replaced
    settings.SIGNING_KEY_FILE = str(settings.DEMO_SIGNING_KEY_FILE)
    settings.SIGNING_KEY_PASSWORD = settings.DEMO_SIGNING_KEY_PASSWORD
    [signature] = PdfFileReader(io.BytesIO(signed_certificate())).embedded_signatures
    assert signature.signer_cert.subject.native["common_name"] == "Kepala BPSDM (demo)"


def test_a_new_key_signs_from_its_day_on_and_earlier_certificates_still_validate(
    signing_key, settings, tmp_path
):
    """Rotation: the next key is named with the day it takes over. Until then the current
    key signs; from then on the new one does; a certificate signed before still validates."""
    from datetime import timedelta

    from django.utils import timezone

    before = signed_certificate()
    new_path = tmp_path / "kunci-2027.p12"
    new_certificate = signing_key_create(new_path, "baru", "Kepala BPSDM Uji 2027")
    new_root = asn1_x509.Certificate.load(new_certificate.public_bytes(Encoding.DER))
    settings.SIGNING_KEY_NEXT_FILE, settings.SIGNING_KEY_NEXT_PASSWORD = str(new_path), "baru"
    settings.SIGNING_KEY_NEXT_FROM = (timezone.localdate() + timedelta(days=1)).isoformat()
    Certificate.objects.all().delete()
    not_yet = signed_certificate()
    assert status_of(not_yet, signing_key).signing_cert.subject.native["common_name"] == (
        "Kepala BPSDM Uji"
    )

    settings.SIGNING_KEY_NEXT_FROM = timezone.localdate().isoformat()
    Certificate.objects.all().delete()
    after = signed_certificate()
    status = status_of(after, new_root)
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Kepala BPSDM Uji 2027"
    # The certificate signed before the rotation still validates against the old key.
    old = status_of(before, signing_key)
    assert old.intact and old.valid and old.trusted


def test_the_key_file_is_read_once_per_process_until_it_changes(signing_key, settings, tmp_path):
    """The signer is loaded with the first signature and kept: a file replaced behind the
    process's back (same modification time) is not read again, while a file with a new
    modification time is."""
    import os

    first = signed_certificate()
    assert status_of(first, signing_key).signing_cert.subject.native["common_name"] == (
        "Kepala BPSDM Uji"
    )

    # Another key written over the same file, its modification time set back to the old one.
    path = settings.SIGNING_KEY_FILE
    other_path = tmp_path / "lain.p12"
    other_certificate = signing_key_create(other_path, "rahasia", "Kepala BPSDM Lain")
    other_root = asn1_x509.Certificate.load(other_certificate.public_bytes(Encoding.DER))
    before = os.stat(path)
    with open(path, "wb") as handle:
        handle.write(other_path.read_bytes())
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    Certificate.objects.all().delete()
    kept = signed_certificate()
    status = status_of(kept, signing_key)
    assert status.intact and status.valid and status.trusted  # still the first key

    # The same file with a new modification time: read again, the other key signs.
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 1_000_000_000))
    Certificate.objects.all().delete()
    reread = signed_certificate()
    status = status_of(reread, other_root)
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["common_name"] == "Kepala BPSDM Lain"


def test_the_merged_print_copy_keeps_every_page_but_no_signature_field(signing_key):
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for _ in range(2):
        project_scored(enrol(cohort, coach=coach), Decimal("88"))
    batch = CertificateBatch.objects.create(cohort=cohort)
    certificates_issue(batch_id=batch.pk)
    batch.refresh_from_db()
    merged = PdfFileReader(io.BytesIO(batch.merged_pdf.read()))
    # A signature covers the bytes of its own file: in the merged file it would be invalid,
    # so the print copy carries none, and each certificate's file keeps its own.
    assert merged.root["/Pages"]["/Count"] == 2
    assert merged.embedded_signatures == []
    for certificate in Certificate.objects.all():
        assert status_of(certificate.pdf.read(), signing_key).valid
