"""PAdES signatures on certificate PDFs, when an institution's signing key is configured.

The key is a PKCS#12 file (certificate and private key) and its password, named by the
environment (SIGNING_KEY_FILE, SIGNING_KEY_PASSWORD). Without them, PDFs are left unsigned.

Rotating the key: name the new one as SIGNING_KEY_NEXT_FILE and SIGNING_KEY_NEXT_PASSWORD
with the day it takes over, SIGNING_KEY_NEXT_FROM (YYYY-MM-DD). From that day on it signs;
before it, the current key does. Certificates signed earlier keep their signature and its
certificate inside the PDF, so they still validate. Once the day has passed, the next key can
become SIGNING_KEY_FILE at the next deployment.
`signing_key_demo` (demo app) makes a self-signed key for the demo: valid signatures, trusted
by no one.
"""

import io
from datetime import date
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone

SIGNATURE_FIELD = "TandaTanganElektronik"


def signing_key_in_force(day=None):
    """(path, password) of the key that signs on `day` (today by default): the next key from
    its day on, else the current key; None when neither is configured."""
    day = day or timezone.localdate()
    upcoming = settings.SIGNING_KEY_NEXT_FILE
    starts = settings.SIGNING_KEY_NEXT_FROM
    if upcoming and starts and day >= date.fromisoformat(str(starts)) and Path(upcoming).is_file():
        return str(upcoming), settings.SIGNING_KEY_NEXT_PASSWORD
    if settings.SIGNING_KEY_FILE and Path(settings.SIGNING_KEY_FILE).is_file():
        return str(settings.SIGNING_KEY_FILE), settings.SIGNING_KEY_PASSWORD
    return None


def signing_configured():
    return signing_key_in_force() is not None


@lru_cache(maxsize=4)
def _signer(path, password):
    # pyHanko (and its crypto stack) loads only in processes that sign: web processes that
    # never render a certificate do not pay for it.
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)


def pdf_sign(pdf_bytes):
    """The PDF with a PAdES signature from the key in force today, or unchanged without
    one."""
    key = signing_key_in_force()
    if key is None:
        return pdf_bytes
    # Loaded only when a key is configured (see _signer).
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer(*key)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Surat Tanda Tamat Pelatihan",
        location=settings.SIGNING_LOCATION,
    )
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()
