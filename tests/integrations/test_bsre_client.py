"""The BSrE client against its stand-in: signing (visible and invisible), sealing with a
TOTP, the user status, BSrE's verification, and the errors: not configured, a wrong
passphrase or unknown NIK (BSrE's own words), a timeout, a 500 and a garbled answer."""

import io

import pytest
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives.serialization import Encoding
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from weasyprint import HTML

from config.integrations import bsre
from config.integrations.base import BadAnswer, NotConfigured, Refused, Unavailable
from demo.standins.bsre import (
    DEMO_PASSWORD,
    DEMO_SEAL_ID,
    DEMO_SEAL_SECRET,
    DEMO_USERNAME,
    BsreStandIn,
    totp_at,
)

from ..standins import running

NIK, PASSPHRASE = "3578012003700001", "Jatim#2026"


@pytest.fixture(scope="module")
def pdf():
    return HTML(string="<h1>Surat Tanda Tamat Pelatihan</h1><p>Uji</p>").write_pdf()


@pytest.fixture
def stand_in(settings):
    with running(BsreStandIn()) as server:
        settings.BSRE_BASE_URL = server.url
        settings.BSRE_USERNAME, settings.BSRE_PASSWORD = DEMO_USERNAME, DEMO_PASSWORD
        settings.BSRE_TIMEOUT = 5
        yield server


def validated(data, stand_in):
    root = asn1_x509.Certificate.load(stand_in._ca_cert.public_bytes(Encoding.DER))
    [signature] = PdfFileReader(io.BytesIO(data)).embedded_signatures
    return signature, validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))


def test_not_configured_says_which_variable(settings, pdf):
    settings.BSRE_BASE_URL = ""
    with pytest.raises(NotConfigured, match="BSRE_BASE_URL"):
        bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE)
    health = bsre.health()
    assert not health.configured and not health.ok
    assert "BSrE belum diatur" in health.detail


def test_a_visible_signature_validates_and_keeps_the_document(stand_in, pdf):
    appearance = bsre.Appearance(x=300, y=400, width=170, height=57, location="Surabaya")
    signed = bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE, appearance=appearance)
    assert signed.startswith(pdf)  # an incremental update of the file sent
    signature, status = validated(signed, stand_in)
    assert status.intact and status.valid and status.trusted
    assert status.signing_cert.subject.native["serial_number"] == NIK
    rect = [float(v) for v in signature.sig_field["/Rect"]]
    assert rect[2] - rect[0] == pytest.approx(170)  # a box on the page: visible


def test_an_invisible_signature(stand_in, pdf):
    signed = bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE)
    signature, status = validated(signed, stand_in)
    assert status.bottom_line
    assert [float(v) for v in signature.sig_field.get("/Rect", [0, 0, 0, 0])] == [0, 0, 0, 0]


def test_a_wrong_passphrase_is_refused_in_bsres_words(stand_in, pdf):
    with pytest.raises(Refused) as refused:
        bsre.sign_pdf(pdf, nik=NIK, passphrase="salah")
    assert refused.value.status == 400 and not refused.value.retryable
    assert "Passphrase anda salah" in str(refused.value)
    assert "BSrE menolak permintaan" in str(refused.value)


def test_an_unknown_nik_is_refused(stand_in, pdf):
    with pytest.raises(Refused, match="User tidak terdaftar"):
        bsre.sign_pdf(pdf, nik="3171000000000009", passphrase=PASSPHRASE)
    assert bsre.user_status("3171000000000009") == "NOT_REGISTERED"
    assert bsre.user_status(NIK) == "ISSUE"


def test_a_wrong_account_is_refused(stand_in, settings, pdf):
    settings.BSRE_PASSWORD = "bukan"
    with pytest.raises(Refused) as refused:
        bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE)
    assert refused.value.status == 401
    assert not bsre.health().ok


def test_a_hang_times_out(stand_in, settings, pdf):
    # The stand-in holds the request until it stops: the client's timeout decides.
    settings.BSRE_TIMEOUT = 1
    stand_in.hang_next()
    with pytest.raises(Unavailable, match="tidak menjawab dalam 1 detik") as error:
        bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE)
    assert error.value.retryable


def test_a_server_error_is_worth_trying_again(stand_in, pdf):
    stand_in.fail_next(500)
    with pytest.raises(Unavailable, match="galat 500"):
        bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE)
    # And the next call works.
    assert bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE).startswith(pdf)


def test_a_garbled_answer(stand_in, pdf):
    stand_in.garble_next()
    with pytest.raises(BadAnswer, match="bukan JSON"):
        bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE)
    stand_in.fail_next(200, body={"time": 1, "file": ["bukan base64!"]})
    with pytest.raises(BadAnswer):
        bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE)
    stand_in.fail_next(200, body={"time": 1})
    with pytest.raises(BadAnswer, match="tidak memuat berkas"):
        bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE)


def test_a_seal_with_a_totp(stand_in, pdf):
    granted = bsre.seal_totp(id_subscriber=DEMO_SEAL_ID, totp=totp_at(DEMO_SEAL_SECRET), count=2)
    first = bsre.seal_pdf(pdf, id_subscriber=DEMO_SEAL_ID, totp=granted.totp)
    bsre.seal_pdf(pdf, id_subscriber=DEMO_SEAL_ID, totp=granted.totp)
    _, status = validated(first, stand_in)
    assert status.bottom_line
    # Good for two files, not three.
    with pytest.raises(Refused, match="TOTP tidak valid"):
        bsre.seal_pdf(pdf, id_subscriber=DEMO_SEAL_ID, totp=granted.totp)
    with pytest.raises(Refused, match="TOTP tidak valid"):
        bsre.seal_totp(id_subscriber=DEMO_SEAL_ID, totp="000000", count=1)


def test_bsre_verifies_what_it_signed(stand_in, pdf):
    signed = bsre.sign_pdf(pdf, nik=NIK, passphrase=PASSPHRASE)
    assert bsre.verify_pdf(signed)["conclusion"] == "VALID_SIGNATURE"
    assert bsre.verify_pdf(pdf)["conclusion"] == "NO_SIGNATURE"


def test_health(stand_in):
    health = bsre.health()
    assert health.configured and health.ok and health.address == stand_in.url
    stand_in.fail_next(503)
    assert not bsre.health().ok


def test_the_demo_stand_in_keeps_its_ca(tmp_path):
    first = BsreStandIn(state_dir=tmp_path / "bsre")
    second = BsreStandIn(state_dir=tmp_path / "bsre")
    assert first.ca_pem == second.ca_pem
    assert first.trust_roots_path.read_bytes() == first.ca_pem
    written = first.write_trust_roots(tmp_path / "roots.pem")
    assert written.read_bytes() == first.ca_pem
