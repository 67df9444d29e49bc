"""The demo's BSrE flow (demo.bsre_demo): Jawa Timur's PKA waits for the acting head's
approval; kepala-jatim approves with the stand-in's NIK and passphrase, the batch is signed
through the BSrE stand-in and every signature validates with pyHanko."""

import io

import pytest
from asn1crypto import pem
from asn1crypto import x509 as asn1_x509
from django.urls import reverse
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from demo.bsre_demo import HEAD_NIK, HEAD_USERNAME, bsre_demo_ensure
from demo.loaders import DEMO_PASSWORD
from demo.standins.bsre import DEMO_PASSWORD as BSRE_PASSWORD
from demo.standins.bsre import DEMO_PEOPLE, DEMO_USERNAME, build
from documents.bsre_models import BatchSigning
from documents.bsre_signing import batch_sign
from documents.models import Certificate

from ..pdf_tools import pdf_text
from ..standins import running


@pytest.fixture
def stand_in(settings, tmp_path):
    with running(build(port=0, state_dir=tmp_path / "bsre")) as server:
        settings.BSRE_BASE_URL = server.url
        settings.BSRE_USERNAME, settings.BSRE_PASSWORD = DEMO_USERNAME, BSRE_PASSWORD
        settings.BSRE_TRUST_ROOTS = str(server.trust_roots_path)
        yield server


def test_build_works_without_arguments():
    stand_in = build()
    assert stand_in.port == 8702 and stand_in.trust_roots_path.is_file()


def test_the_pka_is_signed_through_the_bsre_stand_in(demo, stand_in, settings, client):
    bsre_demo_ensure()
    bsre_demo_ensure()  # again: nothing made twice
    signing = BatchSigning.objects.get(batch__cohort__program__code="pka")
    assert signing.state == BatchSigning.State.AWAITING and signing.total == 30

    client.post(reverse("login"), {"username": HEAD_USERNAME, "password": DEMO_PASSWORD})
    queue = client.get(reverse("documents:signing_queue")).content.decode()
    assert reverse("documents:batch_signing", args=[signing.batch_id]) in queue
    url = reverse("documents:batch_signing", args=[signing.batch_id])
    passphrase = DEMO_PEOPLE[HEAD_NIK][0]
    answer = client.post(url, {"action": "approve", "nik": HEAD_NIK, "passphrase": passphrase})
    assert answer.status_code == 302
    batch_sign(signing_id=signing.pk)  # the worker's job, here
    signing.refresh_from_db()
    assert signing.state == BatchSigning.State.DONE, signing.error

    roots = [
        asn1_x509.Certificate.load(der)
        for _, _, der in pem.unarmor(stand_in.trust_roots_path.read_bytes(), multiple=True)
    ]
    for certificate in Certificate.objects.filter(enrolment__cohort=signing.batch.cohort)[:3]:
        data = certificate.pdf.read()
        [signature] = PdfFileReader(io.BytesIO(data)).embedded_signatures
        status = validate_pdf_signature(signature, ValidationContext(trust_roots=roots))
        assert status.intact and status.valid and status.trusted
        assert "Plt. Kepala BPSDM Provinsi Jawa Timur" in " ".join(pdf_text(data).split())
