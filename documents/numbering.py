"""Certificate numbers: each institution's pattern (for all its programs or one), and the
series a number is counted in.

A pattern is a format string such as `{seq:03d}/STTP/{program}/{angkatan}/{institution}/{year}`;
the series is that pattern with everything filled in but the sequence, so a pattern without
`{angkatan}` counts all of a year's cohorts in one series.
"""

import string

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .models import CertificateSeries, NumberingPattern

NUMBER_PATTERN = "{seq:03d}/STTP/{program}/{angkatan}/{institution}/{year}"
PATTERN_FIELDS = {"seq", "program", "angkatan", "institution", "organiser", "year"}
ERROR_PATTERN_SEQ = _("Pola nomor harus memuat {seq}, misalnya {seq:03d}.")
ERROR_PATTERN_FIELD = _(
    "Pola nomor hanya boleh memakai {seq}, {program}, {angkatan}, {institution} dan {year} "
    "(“%(field)s” tidak dikenal)."
)
ERROR_PATTERN_FORMAT = _("Pola nomor tidak dapat dipakai: %(error)s.")


class _Open:
    """Stands for the sequence in a series key: the pattern with its number left open."""


class _KeyFormatter(string.Formatter):
    def format_field(self, value, format_spec):
        if isinstance(value, _Open):
            return "{seq}"
        return super().format_field(value, format_spec)


def pattern_check(pattern):
    """Refuse a pattern without a sequence, with unknown fields, or that cannot format."""
    try:
        fields = {name for _text, name, _spec, _conv in string.Formatter().parse(pattern) if name}
    except ValueError as error:
        raise ValidationError(ERROR_PATTERN_FORMAT, params={"error": error}) from error
    unknown = fields - PATTERN_FIELDS
    if unknown:
        raise ValidationError(ERROR_PATTERN_FIELD, params={"field": sorted(unknown)[0]})
    if "seq" not in fields:
        raise ValidationError(ERROR_PATTERN_SEQ)
    try:
        pattern.format(seq=1, program="LATSAR", angkatan="72", institution="BPSDM",
                       organiser="BPSDM", year=2022)  # fmt: skip
    except (ValueError, KeyError, IndexError) as error:
        raise ValidationError(ERROR_PATTERN_FORMAT, params={"error": error}) from error


def number_pattern_for(cohort):
    """The organiser's pattern for this program, else its general pattern, else the default."""
    patterns = {
        p.program_id: p.pattern
        for p in NumberingPattern.objects.filter(institution_id=cohort.organiser_id)
    }
    return patterns.get(cohort.program_id) or patterns.get(None) or NUMBER_PATTERN


def _fields(cohort):
    code = cohort.organiser.code.upper()
    return {
        "program": cohort.program.code.upper(),
        "angkatan": cohort.angkatan_label,
        "institution": code,
        "organiser": code,
        "year": cohort.year,
    }


def number_of(cohort, seq, pattern=None):
    return (pattern or number_pattern_for(cohort)).format(seq=seq, **_fields(cohort))


def series_key(cohort, pattern=None):
    """The series a cohort's certificates are numbered in: the number with its sequence left
    open. A pattern without {angkatan} numbers all the year's cohorts in one series."""
    return _KeyFormatter().format(
        pattern or number_pattern_for(cohort), seq=_Open(), **_fields(cohort)
    )


def series_locked(cohort, pattern):
    """The series the cohort's numbers are counted in under this pattern, created if new and
    locked to the end of the caller's transaction: two batches never take one number."""
    key = series_key(cohort, pattern)
    CertificateSeries.objects.get_or_create(key=key)
    return CertificateSeries.objects.select_for_update().get(key=key)


def numbering_of(institution, programs):
    """The institution's numbering page: the general pattern (or the default) first, then
    each program's own pattern ("" where it has none), as (program or None, pattern)."""
    current = {p.program_id: p.pattern for p in institution.numbering_patterns.all()}
    return [(None, current.get(None, NUMBER_PATTERN))] + [
        (program, current.get(program.pk, "")) for program in programs
    ]


@transaction.atomic
def numbering_save(*, institution, patterns):
    """Save the institution's patterns: `patterns` maps a program id (None for all its
    programs) to a pattern; an empty one removes that program's own pattern. Every pattern
    is checked first, so a bad one changes nothing."""
    for pattern in patterns.values():
        if pattern:
            pattern_check(pattern)
    for program_id, pattern in patterns.items():
        if pattern:
            NumberingPattern.objects.update_or_create(
                institution=institution, program_id=program_id, defaults={"pattern": pattern}
            )
        else:
            NumberingPattern.objects.filter(institution=institution, program_id=program_id).delete()
