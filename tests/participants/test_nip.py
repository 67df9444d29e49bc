from datetime import date

import pytest
from django.core.exceptions import ValidationError

from participants.nip import (
    ERROR_BIRTH_DATE,
    ERROR_GENDER,
    ERROR_LENGTH,
    ERROR_START,
    ERROR_START_TOO_EARLY,
    nip_format,
    nip_parse,
)


def test_a_valid_nip_gives_birth_date_start_and_gender():
    info = nip_parse("19860926 201505 1 001")
    assert info.birth_date == date(1986, 9, 26)
    assert (info.start_year, info.start_month) == (2015, 5)
    assert info.gender == 1
    assert info.sequence == 1


@pytest.mark.parametrize(
    ("nip", "message"),
    [
        ("1986092620150510", ERROR_LENGTH),
        ("19860926201505100A", ERROR_LENGTH),
        ("19860231 201505 1 001", ERROR_BIRTH_DATE),  # 31 February
        ("19860926 201513 1 001", ERROR_START),  # month 13
        ("19860926 200003 1 001", ERROR_START_TOO_EARLY),  # CPNS at 13
        ("19860926 201505 3 001", ERROR_GENDER),
    ],
)
def test_an_invalid_nip_is_refused_with_its_reason(nip, message):
    with pytest.raises(ValidationError) as error:
        nip_parse(nip)
    assert error.value.messages == [str(message)]


def test_nip_is_shown_grouped():
    assert nip_format("198609262015051001") == "19860926 201505 1 001"


def test_sequence_000_is_not_a_nip():
    with pytest.raises(ValidationError) as error:
        nip_parse("19860926 201505 1 000")
    assert error.value.messages == ["Nomor urut pada NIP (3 angka terakhir) tidak boleh 000."]


@pytest.mark.django_db
def test_a_participant_page_shows_what_the_nip_says(client):
    from ..factories import CohortFactory, ParticipantFactory, enrol, staff_user

    person = ParticipantFactory(nip="198609262015052001")
    enrol(CohortFactory(), person)  # staff see the participants of their agency's cohorts
    assert (person.birth_date, person.cpns_start) == (date(1986, 9, 26), date(2015, 5, 1))
    assert str(person.gender_display) == "Perempuan"
    client.force_login(staff_user())
    page = " ".join(client.get(person.get_absolute_url()).content.decode().split())
    assert "19860926 201505 2 001" in page
    assert "26 September 1986" in page
    assert "Perempuan" in page
    assert "Mei 2015" in page
