"""PAdES signatures on certificate PDFs, when an institution's signing key is configured.

The key is a PKCS#12 file (certificate and private key) and its password, named by the
environment (SIGNING_KEY_FILE, SIGNING_KEY_PASSWORD). Without them, PDFs are left unsigned.
`signing_key_demo` (demo app) makes a self-signed key for the demo: valid signatures, trusted
by no one.
"""

import io
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SIGNATURE_FIELD = "TandaTanganElektronik"


def signing_configured():
    return bool(settings.SIGNING_KEY_FILE) and Path(settings.SIGNING_KEY_FILE).is_file()


@lru_cache(maxsize=4)
def _signer(path, password):
    # pyHanko (and its crypto stack) loads only in processes that sign: web processes that
    # never render a certificate do not pay for it.
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)


def pdf_sign(pdf_bytes):
    """The PDF with a PAdES signature from the configured key, or unchanged without one."""
    if not signing_configured():
        return pdf_bytes
    # Loaded only when a key is configured (see _signer).
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    signer = _signer(str(settings.SIGNING_KEY_FILE), settings.SIGNING_KEY_PASSWORD)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf_bytes))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        subfilter=fields.SigSeedSubFilter.PADES,
        reason="Surat Tanda Tamat Pelatihan",
        location=settings.SIGNING_LOCATION,
    )
    return signers.sign_pdf(writer, metadata, signer=signer).getvalue()
