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


def _signer(path, password):
    """The signer of the key file at `path`, loaded once per process and file version: a
    worker signs every certificate with the signer it loaded for the first one. The cache is
    keyed by the file's path and modification time, so a key replaced in place is read
    again, and by the password; rotation changes the path that signing_key_in_force names,
    so it takes effect on its day without a restart."""
    return _signer_loaded(path, Path(path).stat().st_mtime_ns, password)


@lru_cache(maxsize=4)
def _signer_loaded(path, mtime_ns, password):
    # pyHanko (and its crypto stack) loads only in processes that sign: web processes that
    # never render a certificate do not pay for it.
    import asyncio
    import hashlib

    from cryptography.hazmat.primitives.asymmetric.ec import ECDSA, EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.padding import PKCS1v15
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_der_private_key
    from pyhanko.sign import signers
    from pyhanko_certvalidator.util import get_pyca_cryptography_hash

    class KeptKeySigner(signers.SimpleSigner):
        """pyHanko's SimpleSigner parses (and, for RSA, checks) the private key again on
        every signature, which costs more than the signature itself; this one keeps the
        parsed key. Mechanisms other than RSA PKCS#1 v1.5 and ECDSA go to pyHanko's own."""

        def sign_raw(self, data, digest_algorithm):
            mechanism = self.get_signature_mechanism_for_digest(digest_algorithm).signature_algo
            digest = get_pyca_cryptography_hash(digest_algorithm)
            if mechanism == "rsassa_pkcs1v15" and isinstance(self.private_key, RSAPrivateKey):
                return self.private_key.sign(data, PKCS1v15(), digest)
            if mechanism == "ecdsa" and isinstance(self.private_key, EllipticCurvePrivateKey):
                return self.private_key.sign(data, ECDSA(digest))
            return super().sign_raw(data, digest_algorithm)

    loaded = signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)
    if loaded is None:
        raise ValueError(f"the signing key {path} could not be read (file or password)")
    signer = KeptKeySigner(
        signing_key=loaded.signing_key,
        signing_cert=loaded.signing_cert,
        cert_registry=loaded.cert_registry,
        signature_mechanism=loaded.signature_mechanism,
    )
    signer.private_key = load_der_private_key(loaded.signing_key.dump(), password=None)
    # The room for the signature in the PDF, measured once on a signature like the real ones:
    # without it, pyHanko signs every PDF twice, first with a dummy to measure. Twice the
    # DER length (the PDF holds it in hexadecimal), plus slack for the signing time and an
    # ECDSA signature's varying length.
    sample = asyncio.run(signer.async_sign(hashlib.sha256(b"").digest(), "sha256", use_pades=True))
    signer.bytes_reserved = 2 * len(sample.dump()) + 1024
    return signer


def pdf_sign(pdf_bytes):
    """The PDF with a PAdES signature from the key in force today, or unchanged without
    one."""
    key = signing_key_in_force()
    if key is None:
        return pdf_bytes
    # Loaded only when a key is configured (see _signer_loaded).
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
    return signers.sign_pdf(
        writer, metadata, signer=signer, bytes_reserved=signer.bytes_reserved
    ).getvalue()
