"""Verifiable credentials (issue 18): a certificate as an Open Badges 3.0 OpenBadgeCredential
(W3C Verifiable Credentials Data Model 2.0), signed as a VC-JWT with the institution's key, its
revocation through a BitstringStatusList, and the check a verifier makes. The format and its
sources are in docs/credentials.md.

The key is the PKCS#12 file that signs the certificate PDFs (documents.signing): the same
institution, one key to keep. Its public half is published as a JWKS; `kid` is its RFC 7638
thumbprint. Signing and verifying here use joserfc; the tests verify with PyJWT, a library
Angkatan does not sign with.
"""

import base64
import gzip
import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from .credential_models import CertificateCredential
from .models import Certificate
from .selectors import CERTIFICATE_RELATED
from .signing import signing_key_in_force

# The VC 2.0 and Open Badges 3.0 JSON-LD contexts (OB 3.0, section 8.1).
CONTEXT_VC = "https://www.w3.org/ns/credentials/v2"
CONTEXT_OB = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
# VC-JOSE-COSE: the media type of a credential secured as a JWT, and its `typ` and `cty`.
MEDIA_TYPE = "application/vc+jwt"
# The Bitstring Status List's minimum size (131,072 bits, 16 KB): a list that small already
# hides which credential a verifier asks about among many (the spec's "herd privacy").
STATUS_LIST_BITS = 131_072
# A new credential goes to the first list less than half full, so that a random free index is
# found in a couple of draws.
STATUS_LIST_FILL = STATUS_LIST_BITS // 2
# A pasted credential longer than this is not one of ours (ours are a few kilobytes).
TOKEN_MAX_LENGTH = 20_000
ALGORITHMS = ("RS256", "ES256", "ES384", "ES512")
EC_ALGORITHMS = {"secp256r1": "ES256", "secp384r1": "ES384", "secp521r1": "ES512"}


class CredentialUnavailable(Exception):
    """No signing key is configured: credentials cannot be made (the message says so)."""


# The key ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CredentialKey:
    key: object  # joserfc's RSAKey or ECKey, private
    public: object  # its public half, the one verification uses
    alg: str
    kid: str
    certificate_der: bytes


def _key_of(path, password):
    return _key_loaded(str(path), Path(path).stat().st_mtime_ns, password or "")


@lru_cache(maxsize=4)
def _key_loaded(path, mtime_ns, password):
    """The JOSE key of a PKCS#12 file, read once per file version (as documents.signing
    does): the private key (RSA or EC) and the certificate it carries."""
    from cryptography.hazmat.primitives.asymmetric.ec import EllipticCurvePrivateKey
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import (
        Encoding,
        NoEncryption,
        PrivateFormat,
        pkcs12,
    )
    from joserfc import jwk

    private, certificate, _chain = pkcs12.load_key_and_certificates(
        Path(path).read_bytes(), password.encode() or None
    )
    if isinstance(private, RSAPrivateKey):
        alg, key_type = "RS256", "RSA"
    elif isinstance(private, EllipticCurvePrivateKey) and private.curve.name in EC_ALGORITHMS:
        alg, key_type = EC_ALGORITHMS[private.curve.name], "EC"
    else:
        raise ValueError(f"the signing key {path} is neither RSA nor EC P-256/384/521")
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    key = jwk.import_key(pem, key_type)
    der = certificate.public_bytes(Encoding.DER) if certificate is not None else b""
    public = jwk.import_key(key.as_dict(private=False), key_type)
    return CredentialKey(key=key, public=public, alg=alg, kid=key.thumbprint(), certificate_der=der)


def credential_key():
    """The key that signs today (the next key from its day on, as for the PDFs)."""
    in_force = signing_key_in_force()
    if in_force is None:
        raise CredentialUnavailable(
            _("Kredensial belum dapat dibuat: kunci penanda tangan lembaga belum diatur.")
        )
    return _key_of(*in_force)


def credentials_available():
    return signing_key_in_force() is not None


def credential_keys_published():
    """Every key a credential may be signed with: the current key and the next one, so that a
    credential signed by either verifies across the rotation day."""
    keys = []
    for path, password in (
        (settings.SIGNING_KEY_FILE, settings.SIGNING_KEY_PASSWORD),
        (settings.SIGNING_KEY_NEXT_FILE, settings.SIGNING_KEY_NEXT_PASSWORD),
    ):
        if path and Path(path).is_file():
            loaded = _key_of(path, password)
            if all(k.kid != loaded.kid for k in keys):
                keys.append(loaded)
    return keys


def jwks():
    """The public keys as a JSON Web Key Set (RFC 7517), each with its kid, algorithm and the
    X.509 certificate of the PKCS#12 file (x5c), the one that signs the PDFs."""
    published = []
    for key in credential_keys_published():
        entry = key.public.as_dict(private=False)
        entry.update({"kid": key.kid, "alg": key.alg, "use": "sig"})
        if key.certificate_der:
            entry["x5c"] = [base64.b64encode(key.certificate_der).decode()]
        published.append(entry)
    return {"keys": published}


def _sign(claims, key):
    from joserfc import jwt

    header = {"alg": key.alg, "kid": key.kid, "typ": "vc+jwt", "cty": "vc"}
    return jwt.encode(header, claims, key.key, algorithms=[key.alg])


# URLs ---------------------------------------------------------------------------------------


def _url(name, *args):
    return settings.SITE_URL + reverse(f"documents:{name}", args=args)


def jwks_url():
    return _url("credential_keys")


def status_list_url(list_number):
    return _url("credential_status_list", list_number)


def issuer_id(institution):
    return _url("credential_issuer", institution.pk)


def deployment_issuer():
    """The status lists' issuer: the deployment that holds the key, for every institution."""
    return {"id": settings.SITE_URL + "/", "type": ["Profile"], "name": settings.SITE_URL}


# The credential -----------------------------------------------------------------------------


def certificate_for_credential(pk):
    """A certificate with what its credential states: holder, program, organiser and the
    total JP (as the verification page counts it). Two queries."""
    certificate = Certificate.objects.select_related(*CERTIFICATE_RELATED).filter(pk=pk).first()
    if certificate is not None:
        phases = certificate.enrolment.cohort.phases
        certificate.total_jp = phases.aggregate(total=Sum("jp"))["total"] or 0
    return certificate


def credential_entry_ensure(certificate):
    """The certificate's credential under its current number, made the first time with a
    random free bit in the first status list less than half full."""
    entry = CertificateCredential.objects.filter(
        certificate=certificate, number=certificate.number
    ).first()
    if entry is not None:
        return entry
    list_number = 1 + CertificateCredential.objects.count() // STATUS_LIST_FILL
    for _attempt in range(20):
        try:
            with transaction.atomic():
                return CertificateCredential.objects.create(
                    certificate=certificate,
                    number=certificate.number,
                    status_list=list_number,
                    status_index=secrets.randbelow(STATUS_LIST_BITS),
                )
        except IntegrityError:
            # The bit is taken, or a second request made this credential meanwhile.
            entry = CertificateCredential.objects.filter(
                certificate=certificate, number=certificate.number
            ).first()
            if entry is not None:
                return entry
    raise RuntimeError("no free status bit after 20 draws")


def identity_hash(nip, salt):
    """Open Badges' IdentityObject hash: "sha256$" and the hex SHA-256 of the value followed
    by the salt (OB 3.0, IdentityObject)."""
    return "sha256$" + hashlib.sha256((nip + salt).encode()).hexdigest()


def _iso(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _day_start(day):
    return _iso(timezone.make_aware(datetime.combine(day, time.min)))


def credential_claims(certificate, entry):
    """The OpenBadgeCredential of a certificate (VC 2.0 + OB 3.0), with the JWT's registered
    claims that OB 3.0 section 8.2 maps from it (iss, jti, nbf)."""
    enrolment = certificate.enrolment
    cohort, participant = enrolment.cohort, enrolment.participant
    program, organiser = cohort.program, cohort.organiser
    issuer = {
        "id": issuer_id(organiser),
        "type": ["Profile"],
        "name": organiser.name,
        "url": settings.SITE_URL + "/",
    }
    achievement_id = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, issuer['id'] + program.code)}"
    predicate_id = achievement_id + "#predikat"
    # A fresh random salt per credential (its id): the NIP's hash cannot be matched across
    # credentials, and the holder proves it by showing their NIP.
    salt = entry.credential_id.hex
    valid_from = _day_start(certificate.issued_on)
    credential_id = f"urn:uuid:{entry.credential_id}"
    claims = {
        "@context": [CONTEXT_VC, CONTEXT_OB],
        "id": credential_id,
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "name": f"{program.name} — {certificate.number}",
        "issuer": issuer,
        "validFrom": valid_from,
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityType": "identifier",
                    "hashed": True,
                    "identityHash": identity_hash(participant.nip, salt),
                    "salt": salt,
                },
                {
                    "type": "IdentityObject",
                    "identityType": "name",
                    "hashed": False,
                    "identityHash": participant.name,
                },
            ],
            "achievement": {
                "id": achievement_id,
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": program.name,
                "description": _(
                    "Surat Tanda Tamat Pelatihan (STTP) %(program)s yang diselenggarakan "
                    "oleh %(organiser)s."
                )
                % {"program": program.name, "organiser": organiser.name},
                "criteria": {
                    "narrative": _(
                        "Menyelesaikan seluruh tahap pelatihan dan lulus dengan nilai akhir "
                        "serta proyek yang memenuhi syarat program."
                    )
                },
                # JP (jam pelajaran): the training hours the certificate states.
                "creditsAvailable": float(certificate.total_jp),
                "fieldOfStudy": program.name,
                "humanCode": program.code.upper(),
                "resultDescription": [
                    {
                        "id": predicate_id,
                        "type": ["ResultDescription"],
                        "name": _("Predikat"),
                        "resultType": "LetterGrade",
                    }
                ],
            },
            "creditsEarned": float(certificate.total_jp),
            "result": [
                {
                    "type": ["Result"],
                    "resultDescription": predicate_id,
                    "value": certificate.predicate,
                }
            ],
            "activityStartDate": _day_start(cohort.start_date),
            "activityEndDate": _day_start(cohort.end_date),
            "term": str(cohort),
            "licenseNumber": certificate.number,
        },
        "credentialStatus": {
            "id": f"{status_list_url(entry.status_list)}#{entry.status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(entry.status_index),
            "statusListCredential": status_list_url(entry.status_list),
        },
        "evidence": [
            {
                "id": certificate.get_verification_url(),
                "type": ["Evidence"],
                "name": _("Halaman verifikasi sertifikat"),
            }
        ],
        # The JWT's own claims (OB 3.0, 8.2.4.1): iss = issuer.id, jti = id, nbf = validFrom.
        "iss": issuer["id"],
        "jti": credential_id,
        "nbf": int(datetime.fromisoformat(valid_from).timestamp()),
        "iat": int(timezone.now().timestamp()),
    }
    return claims


def credential_issue(certificate):
    """The certificate's credential as a VC-JWT (compact JWS), signed with the key in force.
    Only a valid certificate has one."""
    if certificate.status != Certificate.Status.VALID:
        raise CredentialUnavailable(
            _("Sertifikat ini telah dicabut; kredensialnya tidak dapat diunduh.")
        )
    key = credential_key()
    entry = credential_entry_ensure(certificate)
    # In the deployment's language (Indonesian), whatever the language of the page the
    # holder downloads it from: the credential states what the paper states.
    with translation.override(settings.LANGUAGE_CODE):
        claims = credential_claims(certificate, entry)
    return _sign(claims, key)


def credential_filename(certificate):
    safe = "".join(c if c.isalnum() else "-" for c in certificate.number.lower()).strip("-")
    return f"sttp-{safe}.jwt"


# The status list ----------------------------------------------------------------------------


def status_bits_set(list_number):
    """The indexes of the list whose bit is set: the credentials of revoked certificates, and
    those of a number replaced by a reissue. One query."""
    return list(
        CertificateCredential.objects.filter(status_list=list_number)
        .filter(
            Q(certificate__status=Certificate.Status.REVOKED) | ~Q(number=F("certificate__number"))
        )
        .values_list("status_index", flat=True)
    )


def bitstring_encode(indexes, size=STATUS_LIST_BITS):
    """The list as the spec encodes it: index 0 is the first byte's most significant bit; the
    bytes are GZIP-compressed, then base64url without padding, with the multibase prefix
    "u"."""
    bits = bytearray(size // 8)
    for index in indexes:
        bits[index // 8] |= 0x80 >> (index % 8)
    packed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(packed).rstrip(b"=").decode()


def bitstring_decode(encoded):
    data = encoded[1:] if encoded.startswith("u") else encoded
    return gzip.decompress(base64.urlsafe_b64decode(data + "=" * (-len(data) % 4)))


def bit_of(bits, index):
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def status_list_claims(list_number, indexes):
    url = status_list_url(list_number)
    now = timezone.now()
    issuer = deployment_issuer()
    return {
        "@context": [CONTEXT_VC],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": issuer,
        "validFrom": _iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": bitstring_encode(indexes),
            # Made from the database on every request: a verifier may keep it five minutes.
            "ttl": 300_000,
        },
        "iss": issuer["id"],
        "jti": url,
        "iat": int(now.timestamp()),
        "nbf": int(now.timestamp()),
    }


def status_list_credential(list_number):
    """The status list as a signed VC-JWT, made from the database now. One query."""
    key = credential_key()
    return _sign(status_list_claims(list_number, status_bits_set(list_number)), key)


# Verification -------------------------------------------------------------------------------

VALID = "valid"
REVOKED = "revoked"
INVALID_SIGNATURE = "invalid_signature"
MALFORMED = "malformed"
UNKNOWN = "unknown"
EXPIRED = "expired"


@dataclass
class Verdict:
    status: str
    message: str
    facts: dict = field(default_factory=dict)

    @property
    def valid(self):
        return self.status == VALID

    def as_json(self):
        return {"status": self.status, "valid": self.valid, "message": self.message,
                "credential": self.facts}  # fmt: skip


def _segment_json(segment):
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def _facts(claims):
    """What the credential states, for the person or machine that checks it."""
    subject = claims.get("credentialSubject") or {}
    achievement = subject.get("achievement") or {}
    names = [i.get("identityHash") for i in subject.get("identifier") or []
             if isinstance(i, dict) and i.get("identityType") == "name"]  # fmt: skip
    results = [r.get("value") for r in subject.get("result") or [] if isinstance(r, dict)]
    issuer = claims.get("issuer") or {}
    return {
        "number": subject.get("licenseNumber", ""),
        "name": names[0] if names else "",
        "program": achievement.get("name", ""),
        "jp": achievement.get("creditsAvailable"),
        "predicate": results[0] if results else "",
        "issuer": issuer.get("name", "") if isinstance(issuer, dict) else str(issuer),
        "valid_from": claims.get("validFrom", ""),
    }


def credential_verify(token):
    """Check a pasted VC-JWT as a third party would: its form, the signature against the
    published keys, its validity period, the status list bit, and that it states what
    Angkatan's record of the certificate says. Never raises on bad input."""
    from joserfc import jwt
    from joserfc.errors import JoseError
    from joserfc.jwk import KeySet

    token = "".join((token or "").split())
    malformed = Verdict(
        MALFORMED,
        _(
            "Teks ini bukan kredensial yang dapat dibaca: kredensial berupa JWT, tiga bagian "
            "yang dipisahkan titik (xxxxx.yyyyy.zzzzz). Tempel seluruh isi berkas .jwt."
        ),
    )
    segments = token.split(".")
    if not token or len(token) > TOKEN_MAX_LENGTH or len(segments) != 3:
        return malformed
    try:
        header, claims = _segment_json(segments[0]), _segment_json(segments[1])
    except (ValueError, UnicodeDecodeError):
        return malformed
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return malformed
    try:
        facts = _facts(claims)
    except (AttributeError, TypeError):
        return malformed
    invalid = Verdict(
        INVALID_SIGNATURE,
        _(
            "Tanda tangan kredensial tidak sah: isinya telah diubah, atau kredensial ini tidak "
            "ditandatangani dengan kunci yang diterbitkan Angkatan."
        ),
        # Nothing of what a forged credential states is repeated.
    )
    keys = {k.kid: k for k in credential_keys_published()}
    kid = header.get("kid")
    key = keys.get(kid) if isinstance(kid, str) else None
    if key is None or header.get("alg") != key.alg:
        return invalid
    try:
        public = KeySet([key.public])
        jwt.decode(token, public, algorithms=[key.alg])
    except (JoseError, ValueError, TypeError):
        return invalid
    now = timezone.now()
    valid_until = claims.get("validUntil")
    exp = claims.get("exp")
    try:
        expired = (exp is not None and now.timestamp() > float(exp)) or (
            valid_until and now > datetime.fromisoformat(valid_until.replace("Z", "+00:00"))
        )
    except (AttributeError, TypeError, ValueError):
        return malformed
    if expired:
        return Verdict(EXPIRED, _("Kredensial ini sudah melewati masa berlakunya."), facts)
    return _verdict_from_record(claims, facts)


def _verdict_from_record(claims, facts):
    """The status list bit and Angkatan's record of the certificate, for a credential whose
    signature holds."""
    unknown = Verdict(
        UNKNOWN,
        _("Tanda tangan sah, tetapi Angkatan tidak mempunyai catatan kredensial ini."),
        facts,
    )
    status = claims.get("credentialStatus") or {}
    credential_id = str(claims.get("id", "")).removeprefix("urn:uuid:")
    try:
        credential_id = uuid.UUID(credential_id)
        index = int(status.get("statusListIndex"))
    except (TypeError, ValueError, AttributeError):
        return unknown
    entry = (
        CertificateCredential.objects.select_related(
            *(f"certificate__{r}" for r in CERTIFICATE_RELATED)
        )
        .filter(credential_id=credential_id)
        .first()
    )
    if (
        entry is None
        or entry.status_index != index
        or status.get("statusListCredential") != status_list_url(entry.status_list)
        or facts["number"] != entry.number
    ):
        return unknown
    certificate = entry.certificate
    bits = bitstring_decode(bitstring_encode(status_bits_set(entry.status_list)))
    facts["verification_url"] = certificate.get_verification_url()
    if bit_of(bits, index):
        if certificate.status == Certificate.Status.REVOKED:
            message = _("Kredensial ini telah dicabut: sertifikatnya dicabut.")
            if certificate.revoked_at:
                message += " " + _("Dicabut pada %(when)s.") % {
                    "when": date_label(certificate.revoked_at)
                }
        else:
            message = _(
                "Kredensial ini telah dicabut: sertifikatnya diterbitkan ulang dengan nomor "
                "%(number)s, dan nomor lama tidak berlaku lagi."
            ) % {"number": certificate.number}
        return Verdict(REVOKED, message, facts)
    cohort = certificate.enrolment.cohort
    return Verdict(
        VALID,
        _("Kredensial ini sah. Diterbitkan oleh %(organiser)s untuk sertifikat %(number)s.")
        % {"organiser": cohort.organiser.name, "number": certificate.number},
        facts,
    )


def date_label(moment):
    from django.utils import formats

    if isinstance(moment, datetime):
        moment = timezone.localtime(moment).date()
    assert isinstance(moment, date)
    return formats.date_format(moment)
