"""BSrE (Balai Sertifikasi Elektronik, BSSN): the e-sign API that signs and seals PDFs.

The contract is the e-sign client's API v2 as its public client libraries call it
(docs/integrations-bsre.md): JSON over HTTP with basic auth, files in base64.

- POST /api/v2/sign/pdf: a person signs with NIK and passphrase.
- POST /api/v2/seal/get/totp, then POST /api/v2/seal/pdf: an institution seals; the code of
  the seal account's authenticator buys a TOTP good for a number of files.
- POST /api/v2/user/check/status: whether a NIK holds a usable certificate.
- POST /api/v2/verify/pdf: BSrE's own reading of a signed file.

A refusal carries BSrE's own reason (in Indonesian: "Passphrase anda salah", "User tidak
terdaftar"). This module knows nothing of Angkatan's models; documents.bsre_signing does.
"""

import base64
import binascii
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext as _

from .base import BadAnswer, Health, IntegrationError, NotConfigured, http, json_of

SYSTEM = "BSrE"


@dataclass(frozen=True)
class Appearance:
    """How the signature shows (BSrE's signatureProperties). Visible: a box on `page`
    (1-based) at (x, y) from the page's top left corner, in points, `width` by `height`,
    showing `image` (PNG or JPEG bytes) when given. Invisible: no box, the signature is only
    in the file."""

    visible: bool = True
    page: int = 1
    x: float = 0.0
    y: float = 0.0
    width: float = 150.0
    height: float = 60.0
    image: bytes | None = None
    location: str = ""
    reason: str = ""

    def properties(self):
        if not self.visible:
            return {
                "tampilan": "INVISIBLE",
                "location": self.location or "null",
                "reason": self.reason or "null",
            }
        properties = {
            "tampilan": "VISIBLE",
            "page": self.page,
            "originX": float(self.x),
            "originY": float(self.y),
            "width": float(self.width),
            "height": float(self.height),
            "location": self.location or "null",
            "reason": self.reason or "null",
        }
        if self.image:
            properties["imageBase64"] = base64.b64encode(self.image).decode()
        return properties


def configured():
    return bool(settings.BSRE_BASE_URL)


def _call(path, payload):
    if not settings.BSRE_BASE_URL:
        raise NotConfigured(SYSTEM, "BSRE_BASE_URL")
    response = http(
        SYSTEM,
        "POST",
        settings.BSRE_BASE_URL.rstrip("/") + path,
        timeout=settings.BSRE_TIMEOUT,
        auth=(settings.BSRE_USERNAME, settings.BSRE_PASSWORD),
        json=payload,
        headers={"Accept": "application/json"},
    )
    body = json_of(SYSTEM, response)
    if not isinstance(body, dict):
        raise BadAnswer(SYSTEM, _("Jawaban BSrE tidak sesuai kontrak (bukan objek JSON)."))
    return body


def _one_file(body):
    """The single PDF of a sign or seal answer ({"file": ["<base64>"], "time": ms})."""
    files = body.get("file")
    if not isinstance(files, list) or len(files) != 1 or not isinstance(files[0], str):
        raise BadAnswer(SYSTEM, _("Jawaban BSrE tidak memuat berkas PDF yang ditandatangani."))
    try:
        data = base64.b64decode(files[0], validate=True)
    except (binascii.Error, ValueError) as error:
        raise BadAnswer(SYSTEM, _("Berkas dari BSrE bukan base64 yang sah.")) from error
    if not data.startswith(b"%PDF"):
        raise BadAnswer(SYSTEM, _("Berkas dari BSrE bukan PDF."))
    return data


def sign_pdf(pdf, *, nik, passphrase, appearance=None):
    """The PDF signed by the person with this NIK (their passphrase unlocks their key at
    BSrE). Refused when the passphrase is wrong or the NIK has no certificate."""
    appearance = appearance or Appearance(visible=False)
    body = _call(
        "/api/v2/sign/pdf",
        {
            "nik": nik,
            "passphrase": passphrase,
            "signatureProperties": [appearance.properties()],
            "file": [base64.b64encode(pdf).decode()],
        },
    )
    return _one_file(body)


@dataclass(frozen=True)
class SealTotp:
    totp: str
    expires: str


def seal_totp(*, id_subscriber, totp, count):
    """A TOTP for sealing `count` files, bought with the current code of the seal account's
    authenticator."""
    body = _call(
        "/api/v2/seal/get/totp", {"idSubscriber": id_subscriber, "totp": totp, "data": count}
    )
    if body.get("result") is not True or not isinstance(body.get("totp"), str):
        raise IntegrationError(
            SYSTEM,
            _("BSrE tidak memberi TOTP segel: %(reason)s") % {"reason": body.get("message", "")},
        )
    return SealTotp(totp=body["totp"], expires=str(body.get("expires", "")))


def seal_pdf(pdf, *, id_subscriber, totp, appearance=None):
    """The PDF sealed with the institution's seal (idSubscriber), with a TOTP from
    seal_totp."""
    appearance = appearance or Appearance(visible=False)
    body = _call(
        "/api/v2/seal/pdf",
        {
            "idSubscriber": id_subscriber,
            "totp": totp,
            "signatureProperties": [appearance.properties()],
            "file": [base64.b64encode(pdf).decode()],
        },
    )
    return _one_file(body)


def user_status(nik):
    """BSrE's status of a NIK's certificate: "ISSUE" (usable), "NOT_REGISTERED", "EXPIRED",
    "REVOKED", ..."""
    body = _call("/api/v2/user/check/status", {"nik": nik})
    status = body.get("status")
    if not isinstance(status, str):
        raise BadAnswer(SYSTEM, _("Jawaban BSrE tentang status pengguna tidak memuat status."))
    return status


def verify_pdf(pdf):
    """BSrE's reading of a signed PDF: {"conclusion": "VALID_SIGNATURE" | "NO_SIGNATURE" |
    ..., "signatureInformations": [...]}. Angkatan checks returned files itself
    (documents.bsre_signing); this is for staff who want BSrE's word."""
    body = _call("/api/v2/verify/pdf", {"file": base64.b64encode(pdf).decode()})
    if not isinstance(body.get("conclusion"), str):
        raise BadAnswer(SYSTEM, _("Jawaban verifikasi BSrE tidak memuat kesimpulan."))
    return body


# A NIK nobody holds: asking its status proves that BSrE answers and accepts our account
# without touching anyone's certificate.
HEALTH_NIK = "0000000000000000"


def health():
    address = settings.BSRE_BASE_URL
    if not address:
        return Health(
            SYSTEM, configured=False, ok=False, detail=str(NotConfigured(SYSTEM, "BSRE_BASE_URL"))
        )
    try:
        status = user_status(HEALTH_NIK)
    except IntegrationError as error:
        return Health(SYSTEM, configured=True, ok=False, detail=str(error), address=address)
    return Health(
        SYSTEM,
        configured=True,
        ok=True,
        detail=_("BSrE menjawab (status NIK uji: %(status)s).") % {"status": status},
        address=address,
    )
