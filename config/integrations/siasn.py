"""SIASN (BKN): a civil servant's master data (data utama) and training history (riwayat
diklat) read, and a finished training written back with its certificate.

The contract, from BKN's API Manager (apimws.bkn.go.id) as the public client libraries use it
(docs/integrations-siasn.md): every call carries two tokens, the API Manager's (client
credentials of the consumer key and secret) as `Authorization: Bearer`, and the SSO token of
the agency's SIASN operator account (password grant on sso-siasn.bkn.go.id) as `Auth: bearer`.
Both expire; a call answered 401 fetches both again and is repeated once.

This module knows nothing of Angkatan's models: it takes and returns the small dataclasses
below. Settings are read at each call (tests override them).
"""

import threading
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils.translation import gettext as _

from .base import BadAnswer, Health, IntegrationError, NotConfigured, Refused, http, json_of

SYSTEM = "SIASN"
API = "/apisiasn/1.0"
SSO_TOKEN_PATH = "/auth/realms/public-siasn/protocol/openid-connect/token"
APIM_TOKEN_PATH = "/oauth2/token"
# SIASN's document reference for a training certificate (id_ref_dokumen of riwayat diklat).
DOCUMENT_REF_DIKLAT = "874"

REQUIRED = (
    "SIASN_BASE_URL",
    "SIASN_CONSUMER_KEY",
    "SIASN_CONSUMER_SECRET",
    "SIASN_CLIENT_ID",
    "SIASN_USERNAME",
    "SIASN_PASSWORD",
)


class NotFound(Refused):
    """SIASN has no civil servant with this NIP."""

    def __init__(self, nip):
        super().__init__(
            SYSTEM, _("NIP %(nip)s tidak ditemukan di SIASN.") % {"nip": nip}, status=404
        )


@dataclass(frozen=True)
class Person:
    """A civil servant's data utama, as SIASN holds it."""

    pns_id: str
    nip: str
    name: str  # with the academic titles (gelar), as Angkatan writes names
    rank: str  # golongan ruang, "III/a"
    position: str
    position_kind: str  # jenisJabatan: struktural, fungsional tertentu, pelaksana
    echelon: str  # "III.a", "" when none
    unit: str  # unit organisasi (unor)
    agency: str  # instansi kerja
    birth_date: date | None
    birth_place: str = ""  # tempatLahir, when SIASN gives it


@dataclass(frozen=True)
class TrainingRecord:
    """One row of a person's riwayat diklat (structural training)."""

    id: str
    kind_id: str  # latihanStrukturalId
    kind_name: str
    number: str
    date: date | None
    year: int | None
    hours: int | None
    organiser: str


@dataclass(frozen=True)
class TrainingSubmission:
    """A finished training to write into someone's riwayat diklat."""

    pns_id: str
    kind_id: str
    number: str
    start_date: date
    end_date: date
    year: int
    hours: int
    organiser: str


# -- settings and tokens ----------------------------------------------------------------------


def _setting(name, default=""):
    return getattr(settings, name, default) or default


def _seconds(value):
    value = float(value)
    return int(value) if value.is_integer() else value  # "1 detik", not "1.0 detik"


def _config():
    for name in REQUIRED:
        if not _setting(name):
            raise NotConfigured(SYSTEM, name)
    base = _setting("SIASN_BASE_URL").rstrip("/")
    return {
        "base": base,
        "sso": (_setting("SIASN_SSO_URL") or base).rstrip("/"),
        "apim": (_setting("SIASN_APIM_URL") or base).rstrip("/"),
        "timeout": _seconds(_setting("SIASN_TIMEOUT", 20)),
    }


# The two tokens, per configuration, shared by the threads of a process (a worker pushes many
# records with one pair; BKN's token endpoints are rate limited).
_tokens = {}
_tokens_lock = threading.Lock()


def _token_key(config):
    return (config["apim"], config["sso"], _setting("SIASN_CONSUMER_KEY"),
            _setting("SIASN_USERNAME"))  # fmt: skip


def _access_token(response):
    body = json_of(SYSTEM, response)
    token = body.get("access_token") if isinstance(body, dict) else None
    if not isinstance(token, str) or not token:
        raise BadAnswer(SYSTEM, _("SIASN tidak memberi token akses."))
    return token


def _tokens_fetch(config):
    apim = http(
        SYSTEM, "POST", config["apim"] + APIM_TOKEN_PATH, timeout=config["timeout"],
        auth=(_setting("SIASN_CONSUMER_KEY"), _setting("SIASN_CONSUMER_SECRET")),
        data={"grant_type": "client_credentials"}, headers={"Accept": "application/json"},
    )  # fmt: skip
    sso = http(
        SYSTEM, "POST", config["sso"] + SSO_TOKEN_PATH, timeout=config["timeout"],
        data={
            "grant_type": "password",
            "client_id": _setting("SIASN_CLIENT_ID"),
            "username": _setting("SIASN_USERNAME"),
            "password": _setting("SIASN_PASSWORD"),
        },
        headers={"Accept": "application/json"},
    )  # fmt: skip
    return _access_token(apim), _access_token(sso)


def _tokens_for(config, *, fresh=False):
    key = _token_key(config)
    with _tokens_lock:
        if fresh:
            _tokens.pop(key, None)
        if key not in _tokens:
            _tokens[key] = _tokens_fetch(config)
        return _tokens[key]


def _call(method, path, **kwargs):
    """One API call with both tokens; a 401 (a token expired) fetches them again, once."""
    config = _config()
    for fresh in (False, True):
        apim, sso = _tokens_for(config, fresh=fresh)
        headers = {"Authorization": f"Bearer {apim}", "Auth": f"bearer {sso}",
                   "Accept": "application/json"}  # fmt: skip
        try:
            response = http(SYSTEM, method, config["base"] + path, timeout=config["timeout"],
                            headers=headers, **kwargs)  # fmt: skip
        except Refused as error:
            if error.status == 401 and not fresh:
                continue
            raise
        return json_of(SYSTEM, response)
    raise AssertionError("unreachable")  # pragma: no cover


# -- answers ----------------------------------------------------------------------------------


def _date(value):
    """SIASN writes dates as dd-mm-yyyy (some fields yyyy-mm-dd)."""
    if not value or not isinstance(value, str):
        return None
    for pattern in ("%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(value[:10], pattern).date()
        except ValueError:
            continue
    return None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _text(record, key):
    value = record.get(key)
    return str(value).strip() if value not in (None, "") else ""


def _full_name(data):
    name = _text(data, "nama")
    before, after = _text(data, "gelarDepan"), _text(data, "gelarBelakang")
    if before:
        name = f"{before} {name}"
    if after:
        name = f"{name}, {after}"
    return name


def _data_of(body):
    if not isinstance(body, dict) or "data" not in body:
        raise BadAnswer(SYSTEM, _("Jawaban SIASN tidak memuat data yang diharapkan."))
    return body["data"]


def data_utama(nip):
    """The civil servant's master data; NotFound if SIASN has no one with this NIP."""
    try:
        body = _call("GET", f"{API}/pns/data-utama/{nip}")
    except Refused as error:
        if error.status == 404:
            raise NotFound(nip) from error
        raise
    data = _data_of(body)
    # SIASN answers an unknown NIP with 200, code 0 and a sentence in `data`.
    if not isinstance(data, dict) or not data:
        raise NotFound(nip)
    if not _text(data, "nipBaru") or not _text(data, "nama"):
        raise BadAnswer(SYSTEM, _("Jawaban SIASN tidak memuat data yang diharapkan."))
    return Person(
        pns_id=_text(data, "id"),
        nip=_text(data, "nipBaru"),
        name=_full_name(data),
        rank=_text(data, "golRuangAkhir"),
        position=_text(data, "jabatanNama"),
        position_kind=_text(data, "jenisJabatan"),
        echelon=_text(data, "eselon"),
        unit=_text(data, "unorNama"),
        agency=_text(data, "instansiKerjaNama"),
        birth_date=_date(data.get("tglLahir")),
        birth_place=_text(data, "tempatLahir"),
    )


def training_history(nip):
    """The person's riwayat diklat, oldest first."""
    data = _data_of(_call("GET", f"{API}/pns/rw-diklat/{nip}"))
    if data is None or isinstance(data, str):  # none recorded
        return []
    if not isinstance(data, list):
        raise BadAnswer(SYSTEM, _("Jawaban SIASN tidak memuat data yang diharapkan."))
    records = [
        TrainingRecord(
            id=_text(row, "id"),
            kind_id=_text(row, "latihanStrukturalId"),
            kind_name=_text(row, "latihanStrukturalNama"),
            number=_text(row, "nomor"),
            date=_date(row.get("tanggal")),
            year=_int(row.get("tahun")),
            hours=_int(row.get("jumlahJam")),
            organiser=_text(row, "institusiPenyelenggara"),
        )
        for row in data
        if isinstance(row, dict)
    ]
    return sorted(records, key=lambda r: (r.year or 0, r.date or date.min))


def _saved_id(body):
    if isinstance(body, dict) and body.get("success") is False:
        raise Refused(SYSTEM, _("SIASN menolak data diklat: %(reason)s")
                      % {"reason": body.get("message") or "-"}, status=200)  # fmt: skip
    saved = (body.get("mapData") or {}).get("rwDiklatId") if isinstance(body, dict) else None
    if not saved:
        raise BadAnswer(SYSTEM, _("SIASN tidak memberi nomor riwayat diklat yang disimpan."))
    return str(saved)


def training_save(record):
    """Write one training into the riwayat diklat; SIASN's id of the new row."""
    body = _call(
        "POST",
        f"{API}/diklat/save",
        json={
            "id": None,
            "pnsOrangId": record.pns_id,
            "latihanStrukturalId": record.kind_id,
            "nomor": record.number,
            "tanggal": record.start_date.strftime("%d-%m-%Y"),
            "tanggalSelesai": record.end_date.strftime("%d-%m-%Y"),
            "tahun": record.year,
            "jumlahJam": record.hours,
            "institusiPenyelenggara": record.organiser,
        },
    )
    return _saved_id(body)


def document_upload(riwayat_id, pdf_bytes, filename):
    """Attach the certificate PDF to a riwayat diklat row (upload-dok-rw)."""
    body = _call(
        "POST",
        f"{API}/upload-dok-rw",
        data={"id_riwayat": riwayat_id, "id_ref_dokumen": DOCUMENT_REF_DIKLAT},
        files={"file": (filename, pdf_bytes, "application/pdf")},
    )
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        raise BadAnswer(SYSTEM, _("SIASN tidak mengonfirmasi dokumen yang diunggah."))
    return body["data"]


def save_training(record, pdf_bytes, filename="sertifikat.pdf"):
    """The record saved and its PDF attached: SIASN's id of the row."""
    riwayat_id = training_save(record)
    document_upload(riwayat_id, pdf_bytes, filename)
    return riwayat_id


def training_find(nip, number):
    """The riwayat diklat row with this certificate number, or None: how a push whose answer
    was lost finds out whether SIASN stored it before sending it again."""
    return next((r for r in training_history(nip) if r.number == number), None)


def configuration_problem():
    """What staff must be told when SIASN is not configured ("" when it is), without a call."""
    try:
        _config()
    except NotConfigured as error:
        return str(error)
    return ""


def health():
    """Configured, and both token endpoints answer."""
    try:
        config = _config()
    except NotConfigured as error:
        return Health(SYSTEM, configured=False, ok=False, detail=str(error))
    try:
        _tokens_for(config, fresh=True)
    except IntegrationError as error:
        return Health(SYSTEM, configured=True, ok=False, detail=str(error),
                      address=config["base"])  # fmt: skip
    return Health(SYSTEM, configured=True, ok=True, detail=_("Token SIASN diterima."),
                  address=config["base"])  # fmt: skip
