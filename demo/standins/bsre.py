"""A stand-in for BSrE's e-sign API v2 (config.integrations.bsre, docs/integrations-bsre.md).

It really signs: a CA of its own issues a certificate to every registered person and to the
seal, and pyHanko puts a PAdES signature in the PDF (visible with its box and image, or
invisible), as an incremental update of the file it was sent. Its CA is kept in `state_dir`
(var/standins/bsre/ for the demo), so the trust root Angkatan names (BSRE_TRUST_ROOTS) stays
the same from one `make demo` to the next; `trust_roots_path` is that file.

Demo values (also in docs/integrations-bsre.md): basic auth `angkatan` / `bsre-demo`; people
DEMO_PEOPLE (NIK: passphrase); the seal DEMO_SEAL_ID with the authenticator secret
DEMO_SEAL_SECRET (base32, RFC 6238, 30 s, 6 digits).

Misbehaving on purpose, besides the base's faults: `untrusted=True` signs with a key no CA
vouches for; `swap_document=True` signs another document than the one sent.
"""

import base64
import binascii
import datetime
import hashlib
import hmac
import io
import secrets
import struct
import threading
import time
from pathlib import Path

from .base import Reply, StandIn

DEMO_USERNAME = "angkatan"
DEMO_PASSWORD = "bsre-demo"
# NIK: (passphrase, name). The first is the acting head (Plt.) of BPSDM Provinsi Jawa Timur
# in the demo (demo.bsre_demo), the second the head of BPSDMD Provinsi Banten.
DEMO_PEOPLE = {
    "3578012003700001": ("Jatim#2026", "Drs. Agung Prasetyo, M.Si."),
    "3671014405800002": ("Banten#2026", "Dr. H. Rachmat Hidayat, S.Sos., M.Si."),
}
DEMO_SEAL_ID = "BPSDM-JATIM-SEGEL"
DEMO_SEAL_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
DEFAULT_STATE_DIR = Path(__file__).resolve().parents[2] / "var" / "standins" / "bsre"
PORT = 8702


def totp_at(secret, when=None, step=30, digits=6):
    """RFC 6238 code of a base32 secret at `when` (now by default)."""
    key = base64.b32decode(secret.upper() + "=" * (-len(secret) % 8))
    counter = int((time.time() if when is None else when) // step)
    digest = hmac.new(key, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**digits).zfill(digits)


def _error(status, code, message):
    # BSrE's error shape, as its clients read it: "error" (its words) and "status_code".
    return Reply(status=status, body={"error": message, "status_code": code, "time": 0})


class BsreStandIn(StandIn):
    name = "BSrE"

    def __init__(
        self,
        host="127.0.0.1",
        port=0,
        *,
        state_dir=None,
        people=None,
        seal_id=DEMO_SEAL_ID,
        seal_secret=DEMO_SEAL_SECRET,
        username=DEMO_USERNAME,
        password=DEMO_PASSWORD,
        untrusted=False,
        swap_document=False,
    ):
        super().__init__(host, port)
        self.people = dict(DEMO_PEOPLE if people is None else people)
        self.seal_id, self.seal_secret = seal_id, seal_secret
        self.username, self.password = username, password
        self.untrusted, self.swap_document = untrusted, swap_document
        self.state_dir = Path(state_dir) if state_dir else None
        self.signed = []  # (kind, NIK or seal id, sha256 of the file sent), one per signature
        self.seal_totps = {}  # totp -> [files left, expiry time]
        self._sign_lock = threading.Lock()
        self._ca_key, self._ca_cert = self._ca()
        self._signers = {}

    # -- the CA and its certificates -------------------------------------------------------

    def _ca(self):
        from cryptography.hazmat.primitives import serialization

        if self.state_dir and (self.state_dir / "ca.pem").is_file():
            from cryptography import x509

            cert = x509.load_pem_x509_certificate((self.state_dir / "ca.pem").read_bytes())
            key = serialization.load_pem_private_key(
                (self.state_dir / "ca-key.pem").read_bytes(), password=None
            )
            return key, cert
        key, cert = _certificate("BSrE Stand-in Root CA (demo Angkatan)", ca=True)
        if self.state_dir:
            self.state_dir.mkdir(parents=True, exist_ok=True)
            (self.state_dir / "ca-key.pem").write_bytes(
                key.private_bytes(
                    serialization.Encoding.PEM,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            )
            (self.state_dir / "ca.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        return key, cert

    @property
    def ca_pem(self):
        from cryptography.hazmat.primitives.serialization import Encoding

        return self._ca_cert.public_bytes(Encoding.PEM)

    @property
    def trust_roots_path(self):
        """The PEM of its CA in state_dir (None without one): BSRE_TRUST_ROOTS for the demo."""
        return self.state_dir / "ca.pem" if self.state_dir else None

    def write_trust_roots(self, path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_bytes(self.ca_pem)
        return Path(path)

    def _signer(self, holder, common_name, organisation):
        """pyHanko's signer for a person (NIK) or the seal, made once and kept."""
        key_name = (holder, self.untrusted)
        if key_name not in self._signers:
            from asn1crypto import keys as asn1_keys
            from asn1crypto import x509 as asn1_x509
            from cryptography.hazmat.primitives import serialization
            from pyhanko.sign import signers
            from pyhanko_certvalidator.registry import SimpleCertificateStore

            if self.untrusted:
                key, cert = _certificate(common_name, ca=False, organisation=organisation)
                chain = []
            else:
                key, cert = _certificate(
                    common_name,
                    ca=False,
                    organisation=organisation,
                    serial=holder,
                    issuer=(self._ca_key, self._ca_cert),
                )
                chain = [self._ca_cert]

            def der(c):
                return asn1_x509.Certificate.load(c.public_bytes(serialization.Encoding.DER))

            self._signers[key_name] = signers.SimpleSigner(
                signing_cert=der(cert),
                signing_key=asn1_keys.PrivateKeyInfo.load(
                    key.private_bytes(
                        serialization.Encoding.DER,
                        serialization.PrivateFormat.PKCS8,
                        serialization.NoEncryption(),
                    )
                ),
                cert_registry=SimpleCertificateStore.from_certs([der(c) for c in chain]),
            )
        return self._signers[key_name]

    # -- the API ---------------------------------------------------------------------------

    def routes(self):
        return [
            ("POST", r"/api/v2/sign/pdf", self.sign_pdf),
            ("POST", r"/api/v2/seal/get/totp", self.seal_get_totp),
            ("POST", r"/api/v2/seal/pdf", self.seal_pdf),
            ("POST", r"/api/v2/user/check/status", self.user_status),
            ("POST", r"/api/v2/verify/pdf", self.verify_pdf),
        ]

    def _authorised(self, request):
        expected = "Basic " + base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
        return hmac.compare_digest(request.headers.get("authorization", ""), expected)

    def _route(self, request):
        if not self._authorised(request):
            return Reply(status=401, body={"error": "Unauthorized", "status_code": 401})
        return super()._route(request)

    def _file(self, body):
        files = body.get("file")
        if isinstance(files, str):  # verify takes one file, not a list
            files = [files]
        if not isinstance(files, list) or not files:
            raise ValueError("file")
        try:
            return [base64.b64decode(f, validate=True) for f in files]
        except (binascii.Error, TypeError) as error:
            raise ValueError("file is not base64") from error

    def sign_pdf(self, request):
        body = request.json()
        nik, passphrase = body.get("nik", ""), body.get("passphrase", "")
        person = self.people.get(nik)
        if person is None:
            return _error(400, 2011, "User tidak terdaftar")
        if not hmac.compare_digest(passphrase, person[0]):
            return _error(400, 2031, "Passphrase anda salah")
        files = self._file(body)
        [appearance] = body.get("signatureProperties") or [{"tampilan": "INVISIBLE"}]
        signer = self._signer(nik, person[1], "Badan Siber dan Sandi Negara (stand-in)")
        signed = [self._sign("sign", nik, signer, data, appearance) for data in files]
        return Reply(body={"time": 1, "file": [base64.b64encode(s).decode() for s in signed]})

    def seal_get_totp(self, request):
        body = request.json()
        if body.get("idSubscriber") != self.seal_id:
            return _error(400, 2011, "idSubscriber tidak terdaftar")
        now = time.time()
        codes = {totp_at(self.seal_secret, now + d) for d in (-30, 0, 30)}
        if body.get("totp") not in codes:
            return _error(400, 2032, "TOTP tidak valid atau kedaluwarsa")
        count = int(body.get("data") or 1)
        totp = secrets.token_hex(4)
        self.seal_totps[totp] = [count, now + 3600]
        expires = datetime.datetime.fromtimestamp(now + 3600, datetime.UTC).isoformat()
        return Reply(body={"message": "success", "totp": totp, "expires": expires, "result": True})

    def seal_pdf(self, request):
        body = request.json()
        if body.get("idSubscriber") != self.seal_id:
            return _error(400, 2011, "idSubscriber tidak terdaftar")
        files = self._file(body)
        left = self.seal_totps.get(body.get("totp"))
        if left is None or left[1] < time.time() or left[0] < len(files):
            return _error(400, 2032, "TOTP tidak valid atau kedaluwarsa")
        left[0] -= len(files)
        [appearance] = body.get("signatureProperties") or [{"tampilan": "INVISIBLE"}]
        signer = self._signer(self.seal_id, "Segel BPSDM (stand-in)", "Pemerintah Daerah")
        signed = [self._sign("seal", self.seal_id, signer, data, appearance) for data in files]
        return Reply(body={"time": 1, "file": [base64.b64encode(s).decode() for s in signed]})

    def user_status(self, request):
        nik = request.json().get("nik", "")
        if nik in self.people:
            return Reply(body={"status": "ISSUE", "message": "Sertifikat aktif"})
        return Reply(body={"status": "NOT_REGISTERED", "message": "User tidak terdaftar"})

    def verify_pdf(self, request):
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign.validation import validate_pdf_signature
        from pyhanko_certvalidator import ValidationContext

        [data] = self._file(request.json())
        signatures = PdfFileReader(io.BytesIO(data), strict=False).embedded_signatures
        if not signatures:
            return Reply(body={"conclusion": "NO_SIGNATURE", "signatureInformations": []})
        root = _asn1(self._ca_cert)
        informations, valid = [], True
        for signature in signatures:
            status = validate_pdf_signature(signature, ValidationContext(trust_roots=[root]))
            valid = valid and status.bottom_line
            informations.append(
                {
                    "signerName": status.signing_cert.subject.native.get("common_name", ""),
                    "signatureDate": status.signer_reported_dt.isoformat()
                    if status.signer_reported_dt
                    else None,
                    "integrityValid": status.intact and status.valid,
                    "certificateTrusted": status.trusted,
                }
            )
        conclusion = "VALID_SIGNATURE" if valid else "INVALID_SIGNATURE"
        return Reply(body={"conclusion": conclusion, "signatureInformations": informations})

    # -- signing ---------------------------------------------------------------------------

    def _sign(self, kind, holder, signer, data, appearance):
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.pdf_utils.reader import PdfFileReader
        from pyhanko.sign import fields, signers
        from pyhanko.stamp import TextStampStyle

        if self.swap_document:
            # Another document than the one sent: the same PDF with a line of its own added.
            data = _another_document(data)
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
        field_name = f"BSrE-{len(self.signed) + 1}"
        spec, stamp = None, None
        if str(appearance.get("tampilan", "")).upper() == "VISIBLE":
            page = int(appearance.get("page") or 1) - 1
            box = reader.root["/Pages"]["/Kids"][page]["/MediaBox"]
            height = float(box[3]) - float(box[1])
            x, y = float(appearance.get("originX", 0)), float(appearance.get("originY", 0))
            w, h = float(appearance.get("width", 150)), float(appearance.get("height", 60))
            # BSrE's origin is the page's top left corner; PDF's is the bottom left.
            spec = fields.SigFieldSpec(
                field_name, on_page=page, box=(x, height - y - h, x + w, height - y)
            )
            background = None
            if appearance.get("imageBase64"):
                from PIL import Image
                from pyhanko.pdf_utils.images import PdfImage

                image = Image.open(io.BytesIO(base64.b64decode(appearance["imageBase64"])))
                background = PdfImage(image.convert("RGB"))
            stamp = TextStampStyle(
                stamp_text="Ditandatangani secara elektronik oleh\n%(signer)s\nBSrE",
                background=background,
                background_opacity=0.4,
                border_width=0,
            )
        metadata = signers.PdfSignatureMetadata(
            field_name=field_name,
            subfilter=fields.SigSeedSubFilter.PADES,
            reason=None if appearance.get("reason") in (None, "null") else appearance["reason"],
            location=None
            if appearance.get("location") in (None, "null")
            else appearance["location"],
        )
        with self._sign_lock:
            signed = signers.PdfSigner(
                metadata, signer=signer, stamp_style=stamp, new_field_spec=spec
            ).sign_pdf(writer)
            self.signed.append((kind, holder, hashlib.sha256(data).hexdigest()))
        return signed.getvalue()

    def signatures_of(self, sha256):
        """How many times a file with this digest was signed or sealed."""
        return sum(1 for _, _, digest in self.signed if digest == sha256)


def _another_document(data):
    import pikepdf

    with pikepdf.open(io.BytesIO(data)) as pdf:
        pdf.docinfo["/Title"] = "Bukan dokumen yang dikirim"
        output = io.BytesIO()
        pdf.save(output)
        return output.getvalue()


def _asn1(cert):
    from asn1crypto import x509 as asn1_x509
    from cryptography.hazmat.primitives.serialization import Encoding

    return asn1_x509.Certificate.load(cert.public_bytes(Encoding.DER))


def _certificate(common_name, *, ca, organisation="Badan Siber dan Sandi Negara (stand-in)",
                 serial=None, issuer=None):  # fmt: skip
    """An EC P-256 key and its certificate: self-signed for a CA (or an untrusted signer),
    else issued by `issuer` (key, certificate)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "ID"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name),
    ]
    if serial:
        attributes.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial))
    name = x509.Name(attributes)
    issuer_key, issuer_cert = issuer if issuer else (key, None)
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_cert.subject if issuer_cert else name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=3650 if ca else 730))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
    )
    return key, builder.sign(issuer_key, hashes.SHA256())


def build(**options):
    """The demo's BSrE on port 8702, its CA kept in var/standins/bsre/ (ca.pem is the trust
    root to name in BSRE_TRUST_ROOTS)."""
    options.setdefault("port", PORT)
    options.setdefault("state_dir", DEFAULT_STATE_DIR)
    return BsreStandIn(**options)
