"""NIP (Nomor Induk Pegawai): the 18-digit civil-servant number.

Layout, as set by BKN: birth date (YYYYMMDD), CPNS start (YYYYMM), gender (1 male,
2 female), sequence (3 digits). Written grouped, `19860926 201505 1 001`; stored bare.
"""

import re
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ERROR_LENGTH = _("NIP harus 18 angka.")
ERROR_BIRTH_DATE = _("Tanggal lahir pada NIP (8 angka pertama) bukan tanggal yang ada.")
ERROR_START = _("TMT CPNS pada NIP (angka 9-14) bukan bulan yang ada.")
ERROR_START_TOO_EARLY = _("TMT CPNS pada NIP harus setelah peserta berumur 18 tahun.")
ERROR_GENDER = _("Kode jenis kelamin pada NIP (angka ke-15) harus 1 atau 2.")
ERROR_SEQUENCE = _("Nomor urut pada NIP (3 angka terakhir) tidak boleh 000.")


@dataclass(frozen=True)
class NipInfo:
    birth_date: date
    start_year: int
    start_month: int
    gender: int
    sequence: int


def nip_normalize(value):
    """Drop the spaces, dots and dashes people type between the groups."""
    return re.sub(r"[\s.\-]", "", str(value or ""))


def nip_parse(value):
    nip = nip_normalize(value)
    if not re.fullmatch(r"\d{18}", nip):
        raise ValidationError(ERROR_LENGTH, code="nip_length")
    try:
        birth = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        raise ValidationError(ERROR_BIRTH_DATE, code="nip_birth_date") from None
    start_year, start_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= start_month <= 12:
        raise ValidationError(ERROR_START, code="nip_start")
    if (start_year, start_month) <= (birth.year + 18, birth.month):
        raise ValidationError(ERROR_START_TOO_EARLY, code="nip_start_too_early")
    gender = int(nip[14])
    if gender not in (1, 2):
        raise ValidationError(ERROR_GENDER, code="nip_gender")
    if nip[15:18] == "000":
        raise ValidationError(ERROR_SEQUENCE, code="nip_sequence")
    return NipInfo(birth, start_year, start_month, gender, int(nip[15:18]))


def validate_nip(value):
    nip_parse(value)


def nip_format(value):
    nip = nip_normalize(value)
    if len(nip) != 18:
        return value
    return f"{nip[0:8]} {nip[8:14]} {nip[14]} {nip[15:18]}"
