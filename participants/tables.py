"""Tables as downloads: XLSX (openpyxl) for Excel users, CSV for everything else.

An XLSX carries a title block above its header (what the table is, the cohort, the institution,
when it was downloaded): a printed or forwarded sheet says where it came from. A CSV starts at
its header, as programs that read CSV expect."""

import csv
import io

import openpyxl
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from openpyxl.styles import Border, Font, Side
from openpyxl.utils import get_column_letter

from config.users import user_label

from .nip import nip_format

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The example row of the import template: grey and italic, like a hint in a form.
EXAMPLE_FONT = Font(italic=True, color="808080")


# The roster's columns: the import template's names where the column is the same, so the
# sheet reads back in. One list for the roster download and the roster report job.
ROSTER_HEADER = ["NIP", "Nama Lengkap dan Gelar", "Pangkat/Golongan", "Jabatan",
                 "Jenjang Jabatan", "Instansi", "Surel", "Telepon", "Kelompok",
                 "Coach (Widyaiswara)", "NIP Mentor", "Nama Mentor", "Status Peserta",
                 "Nilai Akhir"]  # fmt: skip


def roster_row(e):
    """An enrolment (roster_filtered's, with its participant, group, coach, mentor and
    project) as a row under ROSTER_HEADER."""
    participant = e.participant
    return [
        participant.nip_display,
        participant.name,
        participant.rank_display,
        participant.position,
        participant.get_position_level_display(),
        participant.agency.name,
        participant.email,
        participant.phone,
        e.group.name if e.group else "",
        user_label(e.coach) if e.coach else "",
        nip_format(e.mentor.nip) if e.mentor else "",
        e.mentor.name if e.mentor else "",
        e.get_status_display(),
        e.project.final_score if hasattr(e, "project") else "",
    ]


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """A cell a spreadsheet shows as text: a name typed as =HYPERLINK(...) must not run."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def export_title(what, cohort=None):
    """The title block of an export: what it is, the cohort and its organisers, and when it
    was downloaded (Jakarta time, written the Indonesian way)."""
    lines = [what]
    if cohort is not None:
        lines.append(str(cohort))
        organisers = cohort.organiser.name
        if cohort.co_organiser_id:
            organisers = _("%(organiser)s bersama %(co_organiser)s") % {
                "organiser": organisers,
                "co_organiser": cohort.co_organiser.name,
            }
        lines.append(_("Penyelenggara: %(organisers)s") % {"organisers": organisers})
    downloaded = date_format(timezone.localtime(), "DATETIME_FORMAT")
    lines.append(_("Diunduh %(when)s WIB") % {"when": downloaded})
    return lines


def table_workbook(header, rows, *, title=(), example_rows=0):
    """The workbook of a table: the title lines (the first in bold), an empty row, the header
    in bold under a line, then the rows, the first `example_rows` of them grey and italic.
    The panes are frozen below the header, so its names stay in view."""
    book = openpyxl.Workbook()
    sheet = book.active
    for index, line in enumerate(title):
        sheet.append([line])
        sheet.cell(row=index + 1, column=1).font = Font(bold=True, size=13 if index == 0 else 11)
    if title:
        sheet.append([])  # an empty row between the title block and the header
    header_row = len(title) + 2 if title else 1
    sheet.append(header)
    for cell in sheet[header_row]:
        cell.font = Font(bold=True)
        cell.border = Border(bottom=Side(style="thin"))
    for number, row in enumerate(rows):
        sheet.append([_safe(value) for value in row])
        if number < example_rows:
            for cell in sheet[sheet.max_row]:
                cell.font = EXAMPLE_FONT
    sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
    # NIPs are text: as numbers Excel would keep only 15 of their 18 digits.
    for column, name in enumerate(header, start=1):
        if str(name).upper().startswith("NIP"):
            for (cell,) in sheet.iter_rows(min_row=header_row, min_col=column, max_col=column):
                cell.number_format = "@"
        values = [row[column - 1] for row in rows[:200] if column <= len(row)]
        width = max(len(str(value or "")) for value in [name, *values])
        sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 50)
    return book


def table_response(name, kind, header, rows, *, title=(), example_rows=0):
    """A table as a download. `title`: the XLSX's title block (export_title); a CSV has none."""
    if kind == "xlsx":
        book = table_workbook(header, rows, title=title, example_rows=example_rows)
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    elif kind == "csv":
        buffer = io.StringIO()
        # A byte-order mark so that Excel opens the file as UTF-8.
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows([_safe(value) for value in row] for row in rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
