"""PAdES signatures on certificate PDFs, when an institution's signing key is configured.

The key is a PKCS#12 file (certificate and private key) and its password, named by the
environment (SIGNING_KEY_FILE, SIGNING_KEY_PASSWORD). Without them, PDFs are left unsigned.
`signing_key_demo` makes a self-signed key for the demo: valid signatures, trusted by no one.
"""

import datetime
import io
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SIGNATURE_FIELD = "TandaTanganElektronik"


def signing_configured():
    return bool(settings.SIGNING_KEY_FILE) and Path(settings.SIGNING_KEY_FILE).is_file()


@lru_cache(maxsize=4)
def _signer(path, password):
    from pyhanko.sign import signers

    return signers.SimpleSigner.load_pkcs12(path, passphrase=password.encode() or None)


def pdf_sign(pdf_bytes):
    """The PDF with a PAdES signature from the configured key, or unchanged without one."""
    if not signing_configured():
        return pdf_bytes
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


def signing_key_create(path, password, common_name):
    """A self-signed certificate and key as a PKCS#12 file (for the demo and the tests)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.hazmat.primitives.serialization import pkcs12
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "Angkatan (demo)"),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name),
        ]
    )
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )  # fmt: skip
        .add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False
        )
        .sign(key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        name=common_name.encode(),
        key=key,
        cert=certificate,
        cas=None,
        encryption_algorithm=serialization.BestAvailableEncryption(password.encode()),
    )
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_bytes(data)
    return certificate
