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
