"""SIASN stand-in: BKN's API Manager and SIASN's SSO as config.integrations.siasn calls them.

Tokens: POST /oauth2/token (HTTP Basic consumer key and secret, client_credentials) and POST
/auth/realms/public-siasn/protocol/openid-connect/token (password grant with client_id). Every
API call needs both (`Authorization: Bearer`, `Auth: bearer`); an unknown or expired token is
401 {"message": "Invalid Credentials"}. `expire_tokens()` makes every token given so far stale.

Documented answers (docs/integrations-siasn.md):
- GET /apisiasn/1.0/pns/data-utama/<nip>: {"code": 1, "data": {...}}; an unknown NIP is 200
  {"code": 0, "data": "Data tidak ditemukan"}.
- GET /apisiasn/1.0/pns/rw-diklat/<nip>: {"code": 1, "data": [...]}.
- POST /apisiasn/1.0/diklat/save: {"success": true, "mapData": {"rwDiklatId": ...}}; a missing
  or wrong field is 400 {"success": false, "message": ...}.
- POST /apisiasn/1.0/upload-dok-rw (multipart: file, id_riwayat, id_ref_dokumen): {"data":
  {"dok_id": ..., "dok_uri": ...}}; an unknown riwayat is 400.

The people come from `people` or from the JSON file the demo data writes
(SIASN_STANDIN_PEOPLE, default var/standins/siasn.json). What was saved is kept in memory:
`records_for(nip=..., number=...)` counts it.
"""

import base64
import json
import os
import threading
import uuid
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

from .base import Reply, StandIn

PEOPLE_FILE_ENV = "SIASN_STANDIN_PEOPLE"
PEOPLE_FILE_DEFAULT = "var/standins/siasn.json"
DEMO_CREDENTIALS = {
    "consumer_key": "angkatan-demo",
    "consumer_secret": "rahasia-demo",
    "client_id": "angkatan",
    "username": "operator-demo",
    "password": "rahasia-demo",
}
# Structural training kinds the stand-in accepts (its copy of SIASN's latihanStruktural).
STRUCTURAL_KINDS = {
    "1": "Latsar CPNS",
    "2": "Pelatihan Kepemimpinan Pengawas (PKP)",
    "3": "Pelatihan Kepemimpinan Administrator (PKA)",
    "4": "Pelatihan Kepemimpinan Nasional Tingkat II (PKN II)",
    "5": "Pelatihan Kepemimpinan Nasional Tingkat I (PKN I)",
}
SAVE_FIELDS = (
    "pnsOrangId",
    "latihanStrukturalId",
    "nomor",
    "tanggal",
    "tanggalSelesai",
    "tahun",
    "jumlahJam",
    "institusiPenyelenggara",
)
UNAUTHORISED = Reply(status=401, body={"code": 900901, "message": "Invalid Credentials"})


class SiasnStandIn(StandIn):
    name = "siasn"

    def __init__(self, people=(), *, credentials=None, **kwargs):
        self.credentials = dict(DEMO_CREDENTIALS, **(credentials or {}))
        self.people = {}
        for person in people:
            self.person_add(person)
        self.records = []  # what diklat/save stored, in order
        self.documents = {}  # riwayat id -> (file name, size)
        self._apim_tokens, self._sso_tokens = set(), set()
        self._data_lock = threading.Lock()
        super().__init__(**kwargs)

    def person_add(self, person):
        """`person`: SIASN's data utama fields plus "diklat", a list of riwayat rows."""
        person = dict(person)
        person.setdefault("id", str(uuid.uuid5(uuid.NAMESPACE_OID, person["nipBaru"])))
        person.setdefault("diklat", [])
        self.people[person["nipBaru"]] = person

    def records_for(self, nip=None, number=None):
        with self._data_lock:
            return [
                r
                for r in self.records
                if (nip is None or r["nip"] == nip) and (number is None or r["nomor"] == number)
            ]

    def expire_tokens(self):
        with self._data_lock:
            self._apim_tokens.clear()
            self._sso_tokens.clear()

    def routes(self):
        api = "/apisiasn/1.0"
        return [
            ("POST", r"/oauth2/token", self.apim_token),
            ("POST", r"/auth/realms/public-siasn/protocol/openid-connect/token", self.sso_token),
            ("GET", api + r"/pns/data-utama/(?P<nip>[^/]+)", self.data_utama),
            ("GET", api + r"/pns/rw-diklat/(?P<nip>[^/]+)", self.rw_diklat),
            ("POST", api + r"/diklat/save", self.diklat_save),
            ("POST", api + r"/upload-dok-rw", self.upload_dok_rw),
        ]

    # -- tokens -------------------------------------------------------------------------------

    def apim_token(self, request):
        expected = f"{self.credentials['consumer_key']}:{self.credentials['consumer_secret']}"
        given = request.headers.get("authorization", "")
        if given != "Basic " + base64.b64encode(expected.encode()).decode():
            return Reply(
                status=401,
                body={
                    "error": "invalid_client",
                    "error_description": "Client Authentication failed.",
                },
            )
        if request.form().get("grant_type") != "client_credentials":
            return Reply(status=400, body={"error": "unsupported_grant_type"})
        return Reply(body=self._token(self._apim_tokens, "Bearer"))

    def sso_token(self, request):
        form = request.form()
        wanted = {
            "grant_type": "password",
            "client_id": self.credentials["client_id"],
            "username": self.credentials["username"],
            "password": self.credentials["password"],
        }
        if any(form.get(key) != value for key, value in wanted.items()):
            return Reply(
                status=401,
                body={"error": "invalid_grant", "error_description": "Invalid user credentials"},
            )
        return Reply(body=self._token(self._sso_tokens, "bearer"))

    def _token(self, tokens, kind):
        token = uuid.uuid4().hex
        with self._data_lock:
            tokens.add(token)
        return {"access_token": token, "token_type": kind, "expires_in": 3600}

    def _authorised(self, request):
        apim = request.headers.get("authorization", "").removeprefix("Bearer ")
        sso = request.headers.get("auth", "").removeprefix("bearer ")
        with self._data_lock:
            return apim in self._apim_tokens and sso in self._sso_tokens

    # -- the API ------------------------------------------------------------------------------

    def data_utama(self, request):
        if not self._authorised(request):
            return UNAUTHORISED
        person = self.people.get(request.match["nip"])
        if person is None:
            return Reply(body={"code": 0, "data": "Data tidak ditemukan"})
        return Reply(body={"code": 1, "data": {k: v for k, v in person.items() if k != "diklat"}})

    def rw_diklat(self, request):
        if not self._authorised(request):
            return UNAUTHORISED
        nip = request.match["nip"]
        person = self.people.get(nip)
        if person is None:
            return Reply(body={"code": 0, "data": "Data tidak ditemukan"})
        with self._data_lock:
            saved = [r["row"] for r in self.records if r["nip"] == nip]
        return Reply(body={"code": 1, "data": list(person["diklat"]) + saved})

    def diklat_save(self, request):
        if not self._authorised(request):
            return UNAUTHORISED
        body = request.json()
        if not isinstance(body, dict):
            return Reply(status=400, body={"success": False, "message": "Body harus JSON"})
        missing = [f for f in SAVE_FIELDS if body.get(f) in (None, "")]
        if missing:
            return Reply(
                status=400, body={"success": False, "message": f"{missing[0]} wajib diisi"}
            )
        person = next((p for p in self.people.values() if p["id"] == body["pnsOrangId"]), None)
        if person is None:
            return Reply(status=400, body={"success": False, "message": "PNS tidak ditemukan"})
        kind = str(body["latihanStrukturalId"])
        if kind not in STRUCTURAL_KINDS:
            return Reply(
                status=400, body={"success": False, "message": "latihanStrukturalId tidak dikenal"}
            )
        riwayat_id = str(uuid.uuid4())
        row = {
            "id": riwayat_id,
            "latihanStrukturalId": kind,
            "latihanStrukturalNama": STRUCTURAL_KINDS[kind],
            "nomor": body["nomor"],
            "tanggal": body["tanggal"],
            "tanggalSelesai": body["tanggalSelesai"],
            "tahun": body["tahun"],
            "jumlahJam": body["jumlahJam"],
            "institusiPenyelenggara": body["institusiPenyelenggara"],
        }
        with self._data_lock:
            self.records.append({"nip": person["nipBaru"], "nomor": body["nomor"], "row": row})
        return Reply(
            body={"success": True, "mapData": {"rwDiklatId": riwayat_id}, "message": "success"}
        )

    def upload_dok_rw(self, request):
        if not self._authorised(request):
            return UNAUTHORISED
        fields = _multipart(request)
        riwayat_id = fields.get("id_riwayat", (None, b""))[1].decode()
        name, content = fields.get("file", (None, b""))
        with self._data_lock:
            known = any(r["row"]["id"] == riwayat_id for r in self.records)
        if not known:
            return Reply(status=400, body={"success": False, "message": "Riwayat tidak ditemukan"})
        if not content.startswith(b"%PDF"):
            return Reply(status=400, body={"success": False, "message": "Dokumen harus PDF"})
        with self._data_lock:
            self.documents[riwayat_id] = (name, len(content))
        uri = f"peremajaan/usulan/{riwayat_id}.pdf"
        return Reply(
            body={
                "success": True,
                "data": {"dok_id": "874", "dok_nama": name, "dok_uri": uri, "object": uri},
            }
        )


def _multipart(request):
    """{field name: (file name or None, bytes)} of a multipart/form-data body."""
    content_type = request.headers.get("content-type", "")
    message = BytesParser(policy=HTTP).parsebytes(
        b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + request.body
    )
    fields = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        fields[name] = (part.get_filename(), part.get_payload(decode=True) or b"")
    return fields


def people_file():
    return Path(os.environ.get(PEOPLE_FILE_ENV) or PEOPLE_FILE_DEFAULT)


def build(**options):
    """The demo's stand-in (no arguments): its people from the file the demo data wrote."""
    if "people" not in options:
        path = people_file()
        options["people"] = json.loads(path.read_text())["people"] if path.exists() else []
    return SiasnStandIn(**options)
