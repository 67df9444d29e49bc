"""Academic scores from a Moodle-based LMS (LMS LAN RI, LMS Banten Ceria, ...): the
gradebook export staff download from the course ("Export grades", CSV or XLSX), matched to
the cohort's participants by NIP or e-mail, checked row by row and recorded all or nothing
through the gradebook service, so each score keeps its history. The format is described in
docs/integrations-lms.md.

The file is read with the participant import's guarded readers (size, cells, rows, zip
bombs, XML entities): a hostile file is a form error before any parser holds it."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from curriculum.models import PhaseKind
from participants.importing import ImportFileError, cell_text, spreadsheet_table
from participants.models import Enrolment
from participants.nip import nip_normalize

from .gradebook import component_scores_record
from .selectors import components_of

MATCH_IDNUMBER, MATCH_USERNAME, MATCH_EMAIL = "idnumber", "username", "email"
MATCH_RULES = [
    (MATCH_IDNUMBER, gettext_lazy("NIP di kolom ID number")),
    (MATCH_USERNAME, gettext_lazy("NIP di kolom Username")),
    (MATCH_EMAIL, gettext_lazy("Surel (Email address)")),
]
# Moodle's own headers for the user fields it exports (grade_export_userprofilefields),
# in English and in Moodle's Indonesian language pack.
USER_COLUMNS = {
    MATCH_IDNUMBER: {"id number", "idnumber", "nomor id"},
    MATCH_USERNAME: {"username", "nama pengguna"},
    MATCH_EMAIL: {"email address", "email", "alamat email", "surel"},
}
OTHER_COLUMNS = {
    "first name", "surname", "last name", "institution", "department", "nama depan",
    "nama belakang", "institusi", "departemen", "last downloaded from this course",
    "terakhir diunduh dari kursus ini", "full name", "nama lengkap", "city town", "country",
}  # fmt: skip
COURSE_TOTAL = re.compile(r"^(course total|total kursus|total nilai kursus)\b", re.I)
NOT_GRADED = {"", "-"}  # Moodle writes "-" for an item with no grade
MAX_GRADE_COLUMNS = 60

ERROR_NO_HEADER = gettext_lazy(
    "Kolom %(column)s tidak ditemukan. Unggah berkas hasil “Export grades” Moodle dengan kolom "
    "identitas pengguna."
)
ERROR_NO_GRADES = gettext_lazy("Berkas tidak berisi kolom nilai.")
ERROR_NO_ROWS = gettext_lazy("Berkas tidak berisi baris peserta.")
ERROR_RANGE = gettext_lazy("Baris %(row)s, kolom “%(column)s”: nilai %(value)s di luar 0–100.")
ERROR_NUMBER = gettext_lazy("Baris %(row)s, kolom “%(column)s”: “%(value)s” bukan angka.")
ERROR_TWICE = gettext_lazy(
    "Baris %(row)s: peserta %(name)s sudah ada di baris %(first)s; hapus salah satunya."
)
ERROR_HAS_ERRORS = gettext_lazy("Berkas masih berisi kesalahan; tidak ada nilai yang disimpan.")
ERROR_NOTHING_MAPPED = gettext_lazy("Pilih paling sedikit satu kolom nilai untuk diimpor.")
UNMATCHED_EMPTY = gettext_lazy("Kolom %(column)s kosong.")
UNMATCHED_NIP = gettext_lazy("NIP %(value)s tidak terdaftar di angkatan ini.")
UNMATCHED_NOT_NIP = gettext_lazy("“%(value)s” bukan NIP.")
UNMATCHED_EMAIL = gettext_lazy("Surel %(value)s tidak terdaftar di angkatan ini.")
REASON = gettext_lazy("Impor nilai LMS: %(file)s")


def _key(header):
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(header or "").lower()).split())


def lms_table_read(uploaded):
    """The export as {"file_name", "header", "rows": [[row number, [cell text...]]]}, kept
    in the session between the upload and the confirmation. Raises ImportFileError."""
    table, filled = spreadsheet_table(uploaded)
    header = [cell_text(c) for c in table[filled[0]]]
    rows = [
        [number, [cell_text(c) for c in raw]]
        for number, raw in enumerate(table[filled[0] + 1 :], start=filled[0] + 2)
        if any(cell_text(c) for c in raw)
    ]
    if not rows:
        raise ImportFileError(ERROR_NO_ROWS)
    if not grade_columns(header):
        raise ImportFileError(ERROR_NO_GRADES)
    return {"file_name": uploaded.name[:255], "header": header, "rows": rows}


def grade_columns(header):
    """The indexes and titles of the grade items: every column but the user's fields."""
    user = set().union(*USER_COLUMNS.values()) | OTHER_COLUMNS
    return [(i, title) for i, title in enumerate(header) if title and _key(title) not in user][
        :MAX_GRADE_COLUMNS
    ]


def importable_components(program):
    """The program's components staff enter (the academic one among them)."""
    return [c for c in components_of(program) if c.source == "entered"]


def mapping_default(components, header):
    """Course total for the first academic component, when the file has one."""
    total = next((i for i, title in grade_columns(header) if COURSE_TOTAL.match(title)), None)
    academic = next(
        (c for c in components if "akadem" in f"{c.code} {c.name}".lower()),
        None,
    )
    return {academic.pk: total} if academic and total is not None else {}


def rule_default(header):
    keys = {_key(title) for title in header}
    for rule in (MATCH_IDNUMBER, MATCH_USERNAME, MATCH_EMAIL):
        if keys & USER_COLUMNS[rule]:
            return rule
    return MATCH_IDNUMBER


def _grade(text):
    """A Moodle grade cell as a Decimal, None when not graded; ValueError when not a number.
    Moodle writes "85.50", "85,50" with a comma locale, "85.50 %" for percentages."""
    text = text.replace("%", "").replace("\u00a0", "").strip()
    if text in NOT_GRADED:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation as error:
        raise ValueError(text) from error
    if not value.is_finite():
        raise ValueError(text)
    return value


@dataclass
class Preview:
    matched: list = field(default_factory=list)  # {"row", "enrolment", "values": [...]}
    unmatched: list = field(default_factory=list)  # {"row", "reason"}
    errors: list = field(default_factory=list)  # messages naming row and column
    not_completed: list = field(default_factory=list)  # enrolments
    classical_started: bool = False
    values: dict = field(default_factory=dict)  # (enrolment id, component id): Decimal


def lms_preview(*, cohort, table, mapping, rule):
    """What the import would record. `mapping` maps a component id to a column index of
    `table`. A fixed number of queries whatever the file's length."""
    header = table["header"]
    index = {_key(title): i for i, title in enumerate(header)}
    user_column = next((index[k] for k in USER_COLUMNS[rule] if k in index), None)
    label = dict(MATCH_RULES)[rule]
    if user_column is None:
        raise ValidationError(ERROR_NO_HEADER, params={"column": label})
    if not mapping:
        raise ValidationError(ERROR_NOTHING_MAPPED)
    components = {c.pk: c for c in importable_components(cohort.program)}
    mapping = {pk: column for pk, column in mapping.items() if pk in components}
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .select_related("participant", "participant__user")
        .order_by("participant__name", "pk")
    )
    by_key = {}
    for enrolment in enrolments:
        participant = enrolment.participant
        if rule == MATCH_EMAIL:
            emails = {participant.email, participant.user.email if participant.user else ""}
            for email in emails - {""}:
                by_key.setdefault(email.strip().lower(), enrolment)
        else:
            by_key[participant.nip] = enrolment
    preview = Preview()
    seen = {}
    completed = set()
    for number, cells in table["rows"]:
        raw = cells[user_column] if user_column < len(cells) else ""
        if not raw:
            preview.unmatched.append(
                {"row": number, "reason": UNMATCHED_EMPTY % {"column": header[user_column]}}
            )
            continue
        if rule == MATCH_EMAIL:
            enrolment = by_key.get(raw.lower())
            reason = UNMATCHED_EMAIL % {"value": raw}
        else:
            nip = nip_normalize(raw.lstrip("'’"))
            enrolment = by_key.get(nip)
            reason = (
                UNMATCHED_NIP % {"value": raw}
                if nip.isdigit() and len(nip) == 18
                else UNMATCHED_NOT_NIP % {"value": raw}
            )
        if enrolment is None:
            preview.unmatched.append({"row": number, "reason": reason})
            continue
        if enrolment.pk in seen:
            preview.errors.append(
                ERROR_TWICE
                % {"row": number, "name": enrolment.participant.name, "first": seen[enrolment.pk]}
            )
            continue
        seen[enrolment.pk] = number
        shown, done = [], True
        for pk, column in mapping.items():
            text = cells[column] if column < len(cells) else ""
            where = {"row": number, "column": header[column], "value": text}
            try:
                value = _grade(text)
            except ValueError:
                preview.errors.append(ERROR_NUMBER % where)
                shown.append(text)
                continue
            if value is None:
                done = False
                shown.append(None)
                continue
            if not Decimal(0) <= value <= Decimal(100):
                preview.errors.append(ERROR_RANGE % where)
                shown.append(value)
                continue
            preview.values[(enrolment.pk, pk)] = value
            shown.append(value)
        if done:
            completed.add(enrolment.pk)
        preview.matched.append({"row": number, "enrolment": enrolment, "values": shown})
    preview.not_completed = [e for e in enrolments if e.pk not in completed]
    today = timezone.localdate()
    preview.classical_started = cohort.phases.filter(
        kind=PhaseKind.CLASSICAL, start_date__lte=today
    ).exists()
    return preview


def lms_scores_import(*, cohort, table, mapping, rule, recorded_by):
    """Record the mapped grades, all or nothing, through the gradebook (one transaction,
    each score's history kept). Raises ValidationError when any row is wrong."""
    preview = lms_preview(cohort=cohort, table=table, mapping=mapping, rule=rule)
    if preview.errors:
        raise ValidationError([ERROR_HAS_ERRORS, *preview.errors])
    return component_scores_record(
        cohort=cohort,
        values=preview.values,
        recorded_by=recorded_by,
        reason=REASON % {"file": table["file_name"]},
    )
