"""Participant lists from the spreadsheets agencies send: CSV or XLSX, checked row by row,
imported in one transaction only when every row is right.

Real files are messy: NIPs with spaces, typed as numbers, or behind an apostrophe; ranks
written three ways; stray spaces, empty trailing rows, a byte-order mark, semicolons. Each
problem is reported with its row, its column and a message in Indonesian.
"""

import csv
import io
import re
from dataclasses import dataclass, field

import openpyxl
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import Cohort, Institution
from config.audit import audit_bulk_record
from config.db import unique_or_error
from config.roles import MENTOR, PARTICIPANT
from config.spreadsheets import (
    MAX_CELLS,
    MAX_COLUMNS,
    MAX_SHEET_ROWS,
    rows_to_read,
    xlsx_measure,
)
from curriculum.models import PositionLevel

from .accounts import (
    UPDATE_BATCH,
    accounts_bulk_ensure,
    invitations_queue,
    logins_bulk_create,
    nips_taken_by_others,
)
from .eligibility import CohortContext, refusals_for
from .forms import MAX_UPLOAD_BYTES
from .models import Enrolment, ImportBatch, Mentor, Participant
from .nip import nip_normalize, nip_parse
from .ranks import rank_parse
from .services import enrolments_follow_up

# The template's headers, in order; reading also accepts the aliases below.
COLUMNS = [
    ("nip", "NIP"),
    ("name", "Nama Lengkap dan Gelar"),
    ("rank", "Pangkat/Golongan"),
    ("position", "Jabatan"),
    ("position_level", "Jenjang Jabatan"),
    ("agency", "Instansi"),
    ("email", "Surel"),
    ("phone", "Telepon"),
    ("mentor_nip", "NIP Mentor"),
    ("mentor_name", "Nama Mentor"),
    ("mentor_position", "Jabatan Mentor"),
    ("mentor_email", "Surel Mentor"),
    ("mentor_phone", "Telepon Mentor"),
    # Optional: printed on the full STTP with the birth date the NIP holds (issue 18).
    ("birth_place", "Tempat Lahir"),
]
LABELS = dict(COLUMNS)
# The template's example row. A row with its NIP is never imported: a clerk who types the
# participants below it, or copies it down, or edits some of its cells, enrols no made-up
# person. The number is reserved for the example (docs/decisions.md, "The import template").
EXAMPLE_ROW = [
    "19860926 201505 1 001", "Dr. Hary Wahyudi, S.H., M.Si.", "Penata (III/c)",
    "Analis Kebijakan Ahli Muda", "Fungsional", "Dinas Kesehatan Kota Tangerang",
    "hary@example.go.id", "0812 3456 7890", "19700101 199503 1 002",
    "Ir. Budi Santoso, M.T.", "Kepala Dinas Kesehatan", "budi@example.go.id", "0813 1111 2222",
    "Kota Tangerang",
]  # fmt: skip
EXAMPLE_NIP = nip_normalize(EXAMPLE_ROW[0])
# A last column in the template that says, on the example row, that it is one; the importer
# ignores the column (its name is none of the headers below).
EXAMPLE_NOTE_COLUMN = gettext_lazy("Keterangan")
EXAMPLE_NOTE = gettext_lazy("CONTOH, tidak diimpor")
ALIASES = {
    "nip": "nip",
    "nip peserta": "nip",
    "nama": "name",
    "nama lengkap": "name",
    "nama lengkap dan gelar": "name",
    "nama dan gelar": "name",
    "pangkat": "rank",
    "golongan": "rank",
    "pangkat golongan": "rank",
    "pangkat gol": "rank",
    "gol ruang": "rank",
    "jabatan": "position",
    "jenjang": "position_level",
    "jenjang jabatan": "position_level",
    "instansi": "agency",
    "unit kerja": "agency",
    "opd": "agency",
    "perangkat daerah": "agency",
    "surel": "email",
    "email": "email",
    "e mail": "email",
    "telepon": "phone",
    "no hp": "phone",
    "nomor hp": "phone",
    "hp": "phone",
    "nip mentor": "mentor_nip",
    "nama mentor": "mentor_name",
    "jabatan mentor": "mentor_position",
    "surel mentor": "mentor_email",
    "email mentor": "mentor_email",
    "telepon mentor": "mentor_phone",
    "no hp mentor": "mentor_phone",
    "hp mentor": "mentor_phone",
    "whatsapp mentor": "mentor_phone",
    "wa mentor": "mentor_phone",
    "tempat lahir": "birth_place",
}
REQUIRED = ["nip", "name", "rank", "position", "agency"]
ALREADY_ENROLLED = "enrolled"
SCIENTIFIC = re.compile(r"^\d+(\.\d+)?[eE]\+?\d+$")
MAX_ROWS = 5000
# A CSV's limits are the XLSX's (config.spreadsheets): the same list in another format.
ERROR_CSV_SIZE = gettext_lazy("Berkas CSV lebih dari %(limit)s MB.")
ERROR_CSV_CELLS = gettext_lazy(
    "Berkas CSV berisi lebih dari %(limit)s sel. Simpan tabel pesertanya saja lalu unggah ulang."
)
ERROR_CSV_ROWS = gettext_lazy(
    "Ada isian di baris %(row)s; daftar peserta dibaca sampai baris %(limit)s. Hapus isian di "
    "bawah tabel lalu unggah ulang."
)
ERROR_CSV_COLUMNS = gettext_lazy(
    "Baris %(row)s berisi %(count)s kolom; daftar peserta paling lebar %(limit)s kolom. Hapus "
    "isian di luar tabel lalu unggah ulang."
)


def import_template_table():
    """The import template as (title, header, rows): what to do in the title block, the
    headers the importer reads, and the example row marked as one."""
    required = ", ".join(LABELS[c] for c in REQUIRED)
    title = [
        _("Templat impor peserta Angkatan"),
        _("Isi satu peserta per baris, di bawah judul kolom. Baris contoh (abu-abu, bertanda "
          "CONTOH) tidak pernah diimpor: boleh dibiarkan atau dihapus."),
        _("Kolom wajib: %(columns)s. Format kolom NIP sebagai teks.") % {"columns": required},
    ]  # fmt: skip
    header = [label for _key, label in COLUMNS] + [str(EXAMPLE_NOTE_COLUMN)]
    return title, header, [[*EXAMPLE_ROW, str(EXAMPLE_NOTE)]]


class ImportFileError(ValidationError):
    """The file as a whole cannot be read."""


def _key(header):
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(header or "").lower()).split())


def cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).replace("\u00a0", " ").split())


def spreadsheet_table(uploaded):
    """The uploaded XLSX or CSV as a list of rows of raw cell values, through the guards of
    both formats (size, zip bomb, XML entities), with the index of each row that has a value.
    Raises ImportFileError. Shared by every upload that reads a spreadsheet."""
    name = uploaded.name.lower()
    head = uploaded.read(4)
    uploaded.seek(0)
    if name.endswith(".xlsx") or head == b"PK\x03\x04":  # an XLSX is a zip, whatever its name
        table = _xlsx_rows(uploaded)
    elif name.endswith(".csv"):
        table = _csv_rows(uploaded)
    else:
        raise ImportFileError(_("Berkas harus CSV atau XLSX."))
    filled = [i for i, row in enumerate(table) if any(cell_text(c) for c in row)]
    if not filled:
        raise ImportFileError(_("Berkas kosong."))
    return table, filled


def rows_from_file(uploaded):
    """(row number as the spreadsheet shows it, {column: raw value}) for each non-empty row."""
    table, filled = spreadsheet_table(uploaded)
    # The header is the first row naming the required columns; a title above it is skipped.
    header_at = next(
        (
            i
            for i in filled[:10]
            if all(c in {ALIASES.get(_key(cell)) for cell in table[i]} for c in REQUIRED)
        ),
        filled[0],
    )
    header = [ALIASES.get(_key(cell)) for cell in table[header_at]]
    missing = [LABELS[c] for c in REQUIRED if c not in header]
    if missing:
        raise ImportFileError(
            _("Kolom wajib tidak ditemukan: %(columns)s. Pakai templat impor.")
            % {"columns": ", ".join(missing)}
        )
    rows = []
    for index, raw in enumerate(table[header_at + 1 :], start=header_at + 2):
        if not any(cell_text(cell) for cell in raw):
            continue  # empty rows, often at the end of a sheet
        rows.append((index, {key: raw[i] for i, key in enumerate(header) if key and i < len(raw)}))
    if not rows:
        raise ImportFileError(_("Berkas tidak berisi baris peserta."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("Berkas berisi lebih dari %(max)s baris; bagi menjadi beberapa berkas.")
            % {"max": MAX_ROWS}
        )
    return rows


def _xlsx_rows(uploaded):
    # Measured before openpyxl opens it: size, parts, sheets, cells, DOCTYPEs (issue 13).
    try:
        last_rows = xlsx_measure(uploaded)
    except ValidationError as error:
        raise ImportFileError(error.messages) from error
    try:
        book = openpyxl.load_workbook(uploaded, read_only=True, data_only=True)
    except Exception as error:  # a corrupt or mislabelled file
        raise ImportFileError(_("Berkas XLSX tidak dapat dibaca.")) from error
    try:
        sheet = book.worksheets[0]
        # To the sheet's last value, however far the sheet says it reaches, and no wider than
        # the columns measured: nothing holding a value is left unread.
        last = rows_to_read(last_rows, getattr(sheet, "_worksheet_path", None))
        if not last:
            return []
        return [
            list(row)
            for row in sheet.iter_rows(max_row=last, max_col=MAX_COLUMNS, values_only=True)
        ]
    except ValidationError as error:
        raise ImportFileError(error.messages) from error
    except Exception as error:  # openpyxl fails in many ways on a damaged sheet
        raise ImportFileError(_("Berkas XLSX tidak dapat dibaca.")) from error
    finally:
        book.close()


def _csv_rows(uploaded):
    # Read once, and no further than the upload form's limit: a caller other than the form
    # cannot hand over more.
    data = uploaded.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise ImportFileError(ERROR_CSV_SIZE % {"limit": MAX_UPLOAD_BYTES // 1024 // 1024})
    # Excel saves "CSV UTF-8" with a BOM, "Unicode text" as UTF-16, plain "CSV" as Windows-1252.
    encodings = ["utf-16"] if data[:2] in (b"\xff\xfe", b"\xfe\xff") else []
    for encoding in [*encodings, "utf-8-sig", "cp1252"]:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ImportFileError(_("Berkas CSV tidak dapat dibaca; simpan sebagai CSV UTF-8."))
    if "\x00" in text:
        raise ImportFileError(_("Berkas CSV tidak dapat dibaca; simpan sebagai CSV UTF-8."))
    first_line = text.splitlines()[0] if text else ""
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # Every cell but a row's last ends at a delimiter: counted before the csv module holds a
    # row of millions of cells in memory (a delimiter inside quotes counts too; harmless).
    if text.count(delimiter) > MAX_CELLS:
        raise ImportFileError(ERROR_CSV_CELLS % {"limit": _grouped(MAX_CELLS)})
    table = []
    try:
        for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), 1):
            while record and not record[-1].strip():
                record.pop()  # the empty cells Excel adds to reach the widest row
            if not record:
                if number > MAX_SHEET_ROWS:
                    continue  # blank lines at the end of a long file
                table.append(record)  # kept so row numbers stay those of the file
                continue
            if number > MAX_SHEET_ROWS:
                raise ImportFileError(
                    ERROR_CSV_ROWS % {"row": _grouped(number), "limit": _grouped(MAX_SHEET_ROWS)}
                )
            if len(record) > MAX_COLUMNS:
                raise ImportFileError(
                    ERROR_CSV_COLUMNS
                    % {"row": _grouped(number), "count": len(record), "limit": MAX_COLUMNS}
                )
            table.append(record)
    except csv.Error as error:
        raise ImportFileError(_("Berkas CSV rusak: %(error)s") % {"error": error}) from error
    return table


def _grouped(number):
    return formats.number_format(number, force_grouping=True)


def nip_from_cell(value):
    """The NIP as 18 digits, or a ValidationError that says what went wrong in Excel."""
    if isinstance(value, float) or (isinstance(value, str) and SCIENTIFIC.match(value.strip())):
        # Excel keeps 15 significant digits: an 18-digit NIP typed as a number has lost three.
        raise ValidationError(
            _("NIP tersimpan sebagai angka sehingga digit terakhirnya hilang; format kolom NIP "
              "sebagai teks lalu ketik ulang.")
        )  # fmt: skip
    text = cell_text(value).lstrip("'’")
    nip = nip_normalize(text)
    nip_parse(nip)
    return nip


def _level_parse(value):
    text = _key(value)
    if not text:
        return ""
    for code, label in PositionLevel.choices:
        if text in (_key(code), _key(label)):
            return code
    return None


@dataclass
class Checked:
    rows: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    examples: list = field(default_factory=list)  # the row numbers of the template's example

    def error(self, row, column, message):
        self.errors.append({"row": row, "column": LABELS.get(column, column), "message": message})


def rows_check(cohort, raw_rows):
    """Clean and check every row; returns the rows ready to import and the problems found."""
    result = Checked()
    agencies = {}
    for institution in Institution.objects.exclude(kind=Institution.Kind.TRAINING_AGENCY):
        agencies[_key(institution.name)] = institution
        agencies[_key(institution.code)] = institution
    seen = {}
    cleaned = []
    for number, raw in raw_rows:
        if nip_normalize(cell_text(raw.get("nip")).lstrip("'’")) == EXAMPLE_NIP:
            result.examples.append(number)  # the template's example: never imported
            continue
        data, ok = {"row": number}, True
        try:
            data["nip"] = nip_from_cell(raw.get("nip"))
        except ValidationError as error:
            result.error(number, "nip", " ".join(error.messages))
            ok = False
        for column in ("name", "position"):
            data[column] = cell_text(raw.get(column))
            if not data[column]:
                result.error(number, column, _("Wajib diisi."))
                ok = False
        rank = rank_parse(raw.get("rank"))
        if rank is None:
            result.error(
                number, "rank",
                _("Pangkat/golongan “%(value)s” tidak dikenal; tulis misalnya III/a atau "
                  "Penata Muda (III/a).") % {"value": cell_text(raw.get("rank"))},
            )  # fmt: skip
            ok = False
        data["rank"] = rank
        level = _level_parse(raw.get("position_level"))
        if level is None:
            result.error(
                number, "position_level",
                _("Jenjang jabatan “%(value)s” tidak dikenal.") % {
                    "value": cell_text(raw.get("position_level"))
                },
            )  # fmt: skip
            ok = False
        data["position_level"] = level or ""
        agency = agencies.get(_key(raw.get("agency")))
        if agency is None:
            result.error(
                number, "agency",
                _("Instansi “%(value)s” tidak terdaftar; periksa ejaannya atau minta admin "
                  "menambahkannya.") % {"value": cell_text(raw.get("agency"))},
            )  # fmt: skip
            ok = False
        data["agency"] = agency.pk if agency else None
        for column in ("email", "mentor_email"):
            data[column] = cell_text(raw.get(column)).lower()
            if data[column]:
                try:
                    validate_email(data[column])
                except ValidationError:
                    result.error(number, column, _("Alamat surel tidak sah."))
                    ok = False
        data["phone"] = cell_text(raw.get("phone"))
        data["birth_place"] = cell_text(raw.get("birth_place"))
        data["mentor_name"] = cell_text(raw.get("mentor_name"))
        data["mentor_phone"] = cell_text(raw.get("mentor_phone"))
        data["mentor_position"] = cell_text(raw.get("mentor_position"))
        data["mentor_nip"] = ""
        if cell_text(raw.get("mentor_nip")) or data["mentor_name"]:
            try:
                data["mentor_nip"] = nip_from_cell(raw.get("mentor_nip"))
            except ValidationError as error:
                result.error(number, "mentor_nip", " ".join(error.messages))
                ok = False
            if not data["mentor_name"]:
                result.error(number, "mentor_name", _("Wajib diisi bila ada mentor."))
                ok = False
        for column, limit in MAX_LENGTHS.items():
            if len(data.get(column, "")) > limit:
                result.error(number, column, str(ERROR_TOO_LONG % {"max": limit}))
                ok = False
        if ok and data["nip"] in seen:
            result.error(
                number, "nip", _("NIP sama dengan baris %(row)s.") % {"row": seen[data["nip"]]}
            )
            ok = False
        if ok:
            seen[data["nip"]] = number
            cleaned.append(data)
    taken = nips_taken_by_others(
        {d["nip"] for d in cleaned} | {d["mentor_nip"] for d in cleaned if d["mentor_nip"]}
    )
    usable = []
    for data in cleaned:
        problems = [c for c in ("nip", "mentor_nip") if data[c] and data[c] in taken]
        for column in problems:
            result.error(data["row"], column, str(ERROR_TAKEN_ROW))
        if not problems:
            usable.append(data)
    _eligibility_check(cohort, usable, result)
    return result


def _eligibility_check(cohort, cleaned, result):
    """The program's rules for every clean row, counting the rows above it in the file."""
    context = CohortContext(cohort)
    existing = {p.nip: p for p in Participant.objects.filter(nip__in=[d["nip"] for d in cleaned])}
    overlapping = context.overlapping([p.pk for p in existing.values()])
    agencies = {i.pk: i for i in Institution.objects.filter(pk__in={d["agency"] for d in cleaned})}
    added, added_per_agency = 0, {}
    for data in cleaned:
        person = existing.get(data["nip"])
        if person is not None and person.pk in context.enrolled_ids:
            # Enrolled before (perhaps with a rule set aside): only their record is updated.
            data["action"] = ALREADY_ENROLLED
            result.rows.append(data)
            continue
        data["action"] = "update" if person else "new"
        probe = _Probe(
            pk=person.pk if person else None,
            nip=data["nip"],
            position_level=data["position_level"],
            agency=agencies[data["agency"]],
        )
        refusals = refusals_for(
            probe, context, overlapping=overlapping, added_per_agency=added_per_agency,
            added=added,
        )  # fmt: skip
        for refusal in refusals:
            result.error(data["row"], _("Syarat"), refusal.message)
        if not refusals:
            result.rows.append(data)
            added += 1
            added_per_agency[data["agency"]] = added_per_agency.get(data["agency"], 0) + 1


@dataclass
class _Probe:
    """A row as refusals_for reads a participant: what the rules look at, without building a
    Participant for each of thousands of rows (twice: at the preview and at the import)."""

    pk: int | None
    nip: str
    position_level: str
    agency: Institution

    @property
    def agency_id(self):
        return self.agency.pk

    @property
    def birth_date(self):
        return nip_parse(self.nip).birth_date


def import_check(*, cohort, uploaded, uploaded_by):
    """Read and check an upload; the result is kept for the preview and the confirmation."""
    checked = rows_check(cohort, rows_from_file(uploaded))
    if checked.examples and not checked.rows and not checked.errors:
        raise ImportFileError(ERROR_ONLY_EXAMPLE)
    summary = {
        "total": len(checked.rows) + len({e["row"] for e in checked.errors}),
        "new": sum(1 for r in checked.rows if r["action"] == "new"),
        "update": sum(1 for r in checked.rows if r["action"] == "update"),
        "enrolled": sum(1 for r in checked.rows if r["action"] == ALREADY_ENROLLED),
        "error_rows": len({e["row"] for e in checked.errors}),
        "examples": checked.examples,
    }
    return ImportBatch.objects.create(
        cohort=cohort,
        file_name=uploaded.name[:255],
        rows=checked.rows,
        errors=sorted(checked.errors, key=lambda e: e["row"]),
        summary=summary,
        uploaded_by=uploaded_by,
    )


ERROR_ONLY_EXAMPLE = gettext_lazy(
    "Berkas hanya berisi baris contoh dari templat. Isi peserta di bawah judul kolom, lalu "
    "unggah ulang."
)
ERROR_HAS_ERRORS = gettext_lazy("Berkas masih berisi kesalahan; perbaiki lalu unggah ulang.")
ERROR_ALREADY_IMPORTED = gettext_lazy("Berkas ini sudah diimpor.")
ERROR_TAKEN_ROW = gettext_lazy(
    "NIP ini sudah menjadi nama pengguna akun lain; hubungi administrator sebelum mendaftarkannya."
)
ERROR_CONCURRENT = gettext_lazy(
    "Sebagian peserta baru saja didaftarkan dari tempat lain; periksa ulang berkasnya."
)
ERROR_TOO_LONG = gettext_lazy("Terlalu panjang: paling banyak %(max)s karakter.")
MAX_LENGTHS = {
    "name": 200, "position": 200, "phone": 30, "email": 254, "mentor_name": 200,
    "mentor_position": 200, "mentor_email": 254, "mentor_phone": 30, "birth_place": 100,
}  # fmt: skip


def import_apply(*, batch):
    """Import a checked file: everything or nothing. Runs a fixed number of queries however
    long the file is (bulk inserts and updates), and a second run of the same file creates
    nothing twice: it only updates what changed."""
    outcome = _import_apply_locked(batch_id=batch.pk)
    if isinstance(outcome, list):
        # Checked again at import time, the file no longer passes (the cohort filled up,
        # someone enrolled meanwhile): the preview shows why.
        ImportBatch.objects.filter(pk=batch.pk).update(errors=outcome)
        raise ValidationError(ERROR_HAS_ERRORS)
    return outcome


@transaction.atomic
def _import_apply_locked(*, batch_id):
    batch = ImportBatch.objects.select_for_update().get(pk=batch_id)
    if batch.errors:
        raise ValidationError(ERROR_HAS_ERRORS)
    if batch.status == ImportBatch.Status.IMPORTED:
        raise ValidationError(ERROR_ALREADY_IMPORTED)
    cohort = Cohort.objects.select_for_update().select_related("program").get(pk=batch.cohort_id)
    again = rows_recheck(cohort, batch.rows)
    if again:
        return again
    rows = batch.rows

    mentors = _mentors_upsert(rows)
    people, accounts = _participants_upsert(rows)
    enrolled = set(cohort.enrolments.values_list("participant_id", flat=True))
    new_enrolments = [
        Enrolment(cohort=cohort, participant=people[r["nip"]], mentor=mentors.get(r["mentor_nip"]))
        for r in rows
        if people[r["nip"]].pk not in enrolled
    ]
    with unique_or_error(ERROR_CONCURRENT):
        Enrolment.objects.bulk_create(new_enrolments)
    # A "create" entry for each (bulk_create sends no signal), by the request's user.
    audit_bulk_record([(None, e) for e in new_enrolments])
    if not _keys_returned(new_enrolments):
        new_enrolments = list(
            Enrolment.objects.filter(
                cohort=cohort, participant__in=[e.participant for e in new_enrolments]
            )
        )
    enrolments_follow_up(enrolments=new_enrolments)
    invited = set(accounts)
    invitations_queue(
        participant_ids=[p.pk for p in people.values() if p.pk in invited and p.email]
    )
    batch.status = ImportBatch.Status.IMPORTED
    batch.summary = {**batch.summary, "enrolled_now": len(new_enrolments)}
    batch.save(update_fields=["status", "summary"])
    return {"enrolled": len(new_enrolments), "accounts": accounts}


def rows_recheck(cohort, rows):
    """The checks that depend on the database as it is now; returns the problems found."""
    result = Checked()
    taken = nips_taken_by_others(
        {r["nip"] for r in rows} | {r["mentor_nip"] for r in rows if r["mentor_nip"]}
    )
    for row in rows:
        for column in ("nip", "mentor_nip"):
            if row[column] and row[column] in taken:
                result.error(row["row"], column, str(ERROR_TAKEN_ROW))
    _eligibility_check(cohort, [dict(r) for r in rows], result)
    return result.errors


def _keys_returned(created):
    """Whether bulk_create gave the new rows their keys (PostgreSQL and SQLite 3.35 do);
    otherwise they are read back."""
    return all(item.pk is not None for item in created)


def _mentors_upsert(rows):
    data = {r["mentor_nip"]: r for r in rows if r["mentor_nip"]}
    existing = {m.nip: m for m in Mentor.objects.filter(nip__in=data)}
    changed, new = [], []
    for nip, r in data.items():
        mentor = existing.get(nip)
        values = {"name": r["mentor_name"], "position": r["mentor_position"],
                  "email": r["mentor_email"]}  # fmt: skip
        # For WhatsApp invitations; a file without the number keeps the one already known.
        if r.get("mentor_phone"):
            values["phone"] = r["mentor_phone"]
        if mentor is None:
            new.append(Mentor(nip=nip, **values))
        elif any(getattr(mentor, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(mentor, k, v)
            changed.append(mentor)
    # The new mentors' logins first, so that each is inserted with its own (no update).
    created = logins_bulk_create(new, role_name=MENTOR) if new else set()
    with unique_or_error(ERROR_CONCURRENT):
        Mentor.objects.bulk_create(new)
    Mentor.objects.bulk_update(
        changed, ["name", "position", "email", "phone"], batch_size=UPDATE_BATCH
    )
    if not _keys_returned(new):
        new = list(Mentor.objects.filter(nip__in=[m.nip for m in new]))
    mentors = {**existing, **{m.nip: m for m in new}}
    created_ids = accounts_bulk_ensure(list(existing.values()), role_name=MENTOR)
    created_ids += [m.pk for m in new if m.nip in created]
    invite = set(created_ids)
    invitations_queue(mentor_ids=[m.pk for m in mentors.values() if m.pk in invite and m.email])
    return mentors


FIELDS = ["name", "rank", "position", "position_level", "email", "phone"]


def _participants_upsert(rows):
    """The file's participants, created or brought up to date, each with a login: {NIP:
    participant}, and the ids of those whose login was created here."""
    existing = {p.nip: p for p in Participant.objects.filter(nip__in=[r["nip"] for r in rows])}
    changed, new = [], []
    for r in rows:
        values = {k: r[k] for k in FIELDS}
        # A list without the birth place does not erase the one already known.
        birth_place = r.get("birth_place") or (
            existing[r["nip"]].birth_place if r["nip"] in existing else ""
        )
        values["birth_place"] = birth_place
        person = existing.get(r["nip"])
        if person is None:
            new.append(Participant(nip=r["nip"], agency_id=r["agency"], **values))
        elif any(getattr(person, k) != v for k, v in values.items()) or (
            person.agency_id != r["agency"]
        ):
            for k, v in values.items():
                setattr(person, k, v)
            person.agency_id = r["agency"]
            changed.append(person)
    # The new participants' logins first, so that each is inserted with its own (no update).
    created = logins_bulk_create(new, role_name=PARTICIPANT) if new else set()
    with unique_or_error(ERROR_CONCURRENT):
        Participant.objects.bulk_create(new)
    Participant.objects.bulk_update(
        changed, [*FIELDS, "birth_place", "agency"], batch_size=UPDATE_BATCH
    )
    if not _keys_returned(new):
        new = list(Participant.objects.filter(nip__in=[p.nip for p in new]))
    people = {**existing, **{p.nip: p for p in new}}
    accounts = accounts_bulk_ensure(list(existing.values()), role_name=PARTICIPANT)
    return people, accounts + [p.pk for p in new if p.nip in created]
