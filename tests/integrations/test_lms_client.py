"""The LMS (Moodle web services) client against its stand-in: a course's gradebook as the
export upload's table, Moodle's errors (HTTP 200 with an exception), timeouts, garbled answers
and a missing configuration."""

import pytest

from config.integrations import lms
from config.integrations.base import BadAnswer, NotConfigured, Refused, Unavailable
from demo.standins.lms import MoodleStandIn

from ..standins import running

TOKEN = "token-uji"
NIP_A, NIP_B = "199001012015031001", "199202022019032002"
COURSE = {
    "id": 7, "shortname": "LATSAR-2026-75", "idnumber": "MOOC-75", "fullname": "MOOC Latsar",
    "items": [
        {"id": 1, "itemname": "Modul 1", "itemtype": "mod", "itemmodule": "quiz"},
        {"id": 2, "itemname": "Tugas", "itemtype": "mod", "itemmodule": "assign",
         "grademin": 0, "grademax": 50},
        {"id": 3, "itemname": None, "itemtype": "course", "itemmodule": None},
    ],
    "users": [
        {"id": 21, "username": NIP_A, "firstname": "Budi", "lastname": "Santoso",
         "email": "budi@example.go.id", "idnumber": NIP_A,
         "grades": {"1": 80.5, "2": 40, "3": 80.25}},
        {"id": 22, "username": "siti", "firstname": "Siti", "lastname": "Aminah",
         "email": "siti@example.go.id", "idnumber": NIP_B,
         "grades": {"1": 70, "2": None, "3": None}},
    ],
}  # fmt: skip


def lms_settings(settings, stand_in, token=TOKEN):
    settings.LMS_BASE_URL = stand_in.url + "/"
    settings.LMS_TOKEN = token
    # The stand-in holds a hung request until it stops: one second is a real timeout.
    settings.LMS_TIMEOUT = 1


@pytest.fixture
def stand_in(settings):
    with running(MoodleStandIn(token=TOKEN, courses=[COURSE])) as server:
        lms_settings(settings, server)
        yield server


def test_the_gradebook_is_the_export_table_with_moodles_column_names(stand_in):
    table = lms.gradebook_table("LATSAR-2026-75")
    assert table["header"] == [
        "First name", "Surname", "ID number", "Username", "Email address",
        "Quiz: Modul 1 (Real)", "Assignment: Tugas (Percentage)", "Course total (Real)",
    ]  # fmt: skip
    assert table["rows"] == [
        [2, ["Budi", "Santoso", NIP_A, NIP_A, "budi@example.go.id", "80.50", "80.00", "80.25"]],
        [3, ["Siti", "Aminah", NIP_B, "siti", "siti@example.go.id", "70.00", "-", "-"]],
    ]
    assert table["file_name"] == "LMS: LATSAR-2026-75" and table["source"] == "lms"
    # Found by short name at once; the token travels in the POST body, never in the address.
    functions = [c.path for c in stand_in.calls]
    assert functions == ["/webservice/rest/server.php"] * 3


def test_a_course_is_found_by_its_id_number_too(stand_in):
    assert lms.gradebook_table("MOOC-75")["rows"][0][1][2] == NIP_A


def test_an_unknown_course_is_refused_in_indonesian(stand_in):
    with pytest.raises(Refused) as error:
        lms.gradebook_table("TIDAK-ADA")
    assert str(error.value) == (
        "Kursus “TIDAK-ADA” tidak ditemukan di LMS (dicari menurut nama singkat dan ID number)."
    )


def test_a_wrong_token_is_refused_with_moodles_reason(stand_in, settings):
    settings.LMS_TOKEN = "salah"
    with pytest.raises(Refused) as error:
        lms.gradebook_table("LATSAR-2026-75")
    assert str(error.value) == (
        "Token LMS ditolak (Invalid token - token not found). Buat token baru di Moodle dan "
        "isi LMS_TOKEN."
    )
    assert not error.value.retryable
    health = lms.health()
    assert (health.configured, health.ok) == (True, False)
    assert "Token LMS ditolak" in health.detail


def test_a_function_the_token_may_not_call_is_named(settings):
    allowed = set(lms.FUNCTIONS) - {lms.GRADE_ITEMS}
    with running(MoodleStandIn(token=TOKEN, courses=[COURSE], functions=allowed)) as server:
        lms_settings(settings, server)
        with pytest.raises(Refused) as error:
            lms.gradebook_table("LATSAR-2026-75")
        assert str(error.value) == (
            "Token LMS tidak diizinkan memanggil gradereport_user_get_grade_items. Tambahkan "
            "fungsi itu ke layanan web token ini di Moodle."
        )
        health = lms.health()
    assert not health.ok
    assert health.detail.endswith(
        "fungsi belum diizinkan untuk token ini: gradereport_user_get_grade_items"
    )


def test_no_answer_in_time_is_unavailable(stand_in):
    stand_in.hang_next()
    with pytest.raises(Unavailable) as error:
        lms.gradebook_table("LATSAR-2026-75")
    assert str(error.value) == "LMS tidak menjawab dalam 1 detik. Coba lagi nanti."
    assert error.value.retryable


def test_a_server_error_is_unavailable(stand_in):
    stand_in.fail_after(1, status=503)
    with pytest.raises(Unavailable) as error:
        lms.gradebook_table("LATSAR-2026-75")
    assert str(error.value) == "LMS sedang bermasalah (galat 503). Coba lagi nanti."


def test_a_garbled_answer_is_a_bad_answer(stand_in):
    stand_in.garble_next()
    with pytest.raises(BadAnswer) as error:
        lms.gradebook_table("LATSAR-2026-75")
    assert str(error.value) == "Jawaban LMS tidak dapat dibaca (bukan JSON)."


def test_json_of_the_wrong_shape_is_a_bad_answer(stand_in):
    stand_in.fail_next(status=200, body={"unexpected": True})
    with pytest.raises(BadAnswer) as error:
        lms.gradebook_table("LATSAR-2026-75")
    assert str(error.value) == (
        "Jawaban LMS untuk core_course_get_courses_by_field tidak sesuai format Moodle."
    )


def test_health_names_the_site_and_the_address_without_the_token(stand_in, settings):
    health = lms.health()
    assert (health.system, health.configured, health.ok) == ("LMS", True, True)
    assert (
        health.detail
        == "LMS Contoh (stand-in) (Moodle 4.3 (Build: 20231009)), pengguna angkatan-ws"
    )
    assert health.address == stand_in.url and TOKEN not in health.address


def test_not_configured(settings):
    settings.LMS_BASE_URL = ""
    settings.LMS_TOKEN = TOKEN
    with pytest.raises(NotConfigured) as error:
        lms.gradebook_table("LATSAR-2026-75")
    assert str(error.value) == "LMS belum diatur: isi LMS_BASE_URL di lingkungan server."
    settings.LMS_BASE_URL = "http://127.0.0.1:9"
    settings.LMS_TOKEN = ""
    health = lms.health()
    assert (health.configured, health.ok) == (False, False)
    assert health.detail == "LMS belum diatur: isi LMS_TOKEN di lingkungan server."
