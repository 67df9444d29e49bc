"""The SIASN client against its stand-in: the documented answers, errors and faults."""

from datetime import date

import pytest

from config.integrations import siasn
from config.integrations.base import BadAnswer, NotConfigured, Refused, Unavailable
from demo.standins.siasn import DEMO_CREDENTIALS, SiasnStandIn

from ..standins import running

NIP = "199001012015031001"
PERSON = {
    "nipBaru": NIP,
    "nama": "Budi Santoso",
    "gelarDepan": "",
    "gelarBelakang": "S.Kom.",
    "tglLahir": "01-01-1990",
    "golRuangAkhir": "III/b",
    "jabatanNama": "Pranata Komputer Ahli Pertama",
    "jenisJabatan": "Fungsional Tertentu",
    "eselon": "",
    "unorNama": "Dinas Komunikasi dan Informatika",
    "instansiKerjaNama": "Pemerintah Kota Tangerang",
    "diklat": [
        {"id": "r1", "latihanStrukturalId": "1", "latihanStrukturalNama": "Latsar CPNS",
         "nomor": "LATSAR/2016/1", "tanggal": "01-08-2016", "tahun": 2016, "jumlahJam": 647,
         "institusiPenyelenggara": "BPSDMD Provinsi Banten"},
    ],
}  # fmt: skip


def siasn_settings(settings, stand_in, timeout=1):
    settings.SIASN_BASE_URL = stand_in.url
    settings.SIASN_APIM_URL = settings.SIASN_SSO_URL = ""
    settings.SIASN_CONSUMER_KEY = DEMO_CREDENTIALS["consumer_key"]
    settings.SIASN_CONSUMER_SECRET = DEMO_CREDENTIALS["consumer_secret"]
    settings.SIASN_CLIENT_ID = DEMO_CREDENTIALS["client_id"]
    settings.SIASN_USERNAME = DEMO_CREDENTIALS["username"]
    settings.SIASN_PASSWORD = DEMO_CREDENTIALS["password"]
    # The stand-in holds a hung request until it stops, so one second is a real timeout,
    # not a race with a slow machine.
    settings.SIASN_TIMEOUT = timeout


@pytest.fixture
def stand_in(settings):
    with running(SiasnStandIn(people=[PERSON])) as server:
        siasn_settings(settings, server)
        yield server


def submission(stand_in, number="STTP/72/001"):
    return siasn.TrainingSubmission(
        pns_id=stand_in.people[NIP]["id"], kind_id="1", number=number,
        start_date=date(2022, 7, 8), end_date=date(2022, 10, 22), year=2022, hours=647,
        organiser="BPSDMD Provinsi Banten",
    )  # fmt: skip


def test_data_utama_and_training_history(stand_in):
    person = siasn.data_utama(NIP)
    assert person.name == "Budi Santoso, S.Kom."
    assert (person.rank, person.unit, person.birth_date) == (
        "III/b", "Dinas Komunikasi dan Informatika", date(1990, 1, 1),
    )  # fmt: skip
    history = siasn.training_history(NIP)
    assert [(r.kind_id, r.year, r.hours) for r in history] == [("1", 2016, 647)]
    # Both tokens on every call, fetched once per process.
    assert len(stand_in.calls_to("POST", "/oauth2/token")) == 1


def test_unknown_nip_is_not_found(stand_in):
    with pytest.raises(siasn.NotFound, match="tidak ditemukan di SIASN"):
        siasn.data_utama("199912312020121001")


def test_save_training_stores_one_record_with_its_pdf(stand_in):
    riwayat_id = siasn.save_training(submission(stand_in), b"%PDF-1.7 sertifikat", "a.pdf")
    assert [r["row"]["id"] for r in stand_in.records_for(nip=NIP)] == [riwayat_id]
    assert stand_in.documents[riwayat_id] == ("a.pdf", 19)
    assert siasn.training_find(NIP, "STTP/72/001").id == riwayat_id


def test_validation_error_is_refused_with_siasn_reason(stand_in):
    record = submission(stand_in, number="")
    with pytest.raises(Refused, match="nomor wajib diisi") as error:
        siasn.training_save(record)
    assert not error.value.retryable
    assert stand_in.records_for() == []


def test_expired_token_is_fetched_again_once(stand_in):
    siasn.data_utama(NIP)
    stand_in.expire_tokens()
    assert siasn.data_utama(NIP).nip == NIP
    assert len(stand_in.calls_to("POST", "/oauth2/token")) == 2


def test_wrong_credentials_are_refused(stand_in, settings):
    settings.SIASN_PASSWORD = "salah"
    settings.SIASN_USERNAME = "orang-lain"  # another token cache key
    with pytest.raises(Refused, match="Invalid user credentials"):
        siasn.data_utama(NIP)


def test_not_configured(settings):
    settings.SIASN_BASE_URL = ""
    with pytest.raises(NotConfigured, match="SIASN belum diatur: isi SIASN_BASE_URL"):
        siasn.data_utama(NIP)
    health = siasn.health()
    assert (health.configured, health.ok) == (False, False)


def test_timeout_server_error_and_garbled_answer_are_retryable(stand_in):
    siasn.data_utama(NIP)  # tokens first: the faults below hit the API call
    stand_in.hang_next()
    with pytest.raises(Unavailable, match="tidak menjawab dalam 1 detik") as error:
        siasn.data_utama(NIP)
    assert error.value.retryable
    stand_in.fail_next(500)
    with pytest.raises(Unavailable, match="galat 500"):
        siasn.data_utama(NIP)
    stand_in.garble_next()
    with pytest.raises(BadAnswer, match="bukan JSON"):
        siasn.training_history(NIP)
    assert siasn.data_utama(NIP).nip == NIP


def test_health(stand_in):
    health = siasn.health()
    assert (health.configured, health.ok, health.address) == (True, True, stand_in.url)
    stand_in.fail_next(503)
    assert not siasn.health().ok


def test_a_404_for_a_nip_is_not_found_too(stand_in):
    siasn.data_utama(NIP)
    stand_in.fail_next(404, body={"message": "Not Found"})
    with pytest.raises(siasn.NotFound):
        siasn.data_utama(NIP)
