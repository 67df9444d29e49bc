"""The widyaiswara ledger as files: an XLSX (one sheet per table, each with the title block:
the person, their NIP, the period, when it was printed) and a PDF (the page's tables and its
chart), the evidence widyaiswara submit for their career credits and staff use for
honoraria. Made in the request: a ledger is a few aggregate rows."""

import io

import openpyxl
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from openpyxl.styles import Border, Font, Side
from openpyxl.utils import get_column_letter

from .ledger import month_bars
from .pdf import html_to_pdf

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """A cell a spreadsheet shows as text: a subject typed as =HYPERLINK(...) must not run."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def ledger_title(ledger):
    """The lines above every table: what it is, who, NIP, the period, when printed."""
    lines = [_("Catatan mengajar"), ledger.name]
    if ledger.nip:
        lines.append(_("NIP %(nip)s") % {"nip": ledger.nip})
    if ledger.is_speaker:
        lines.append(
            _("Narasumber luar, daftar %(institution)s")
            % {"institution": ledger.speaker.institution}
        )
    lines.append(
        _("Periode %(start)s s.d. %(end)s")
        % {
            "start": formats.date_format(ledger.start, "j F Y"),
            "end": formats.date_format(ledger.end, "j F Y"),
        }
    )
    printed = formats.date_format(timezone.localtime(), "DATETIME_FORMAT")
    lines.append(_("Dicetak %(when)s WIB") % {"when": printed})
    return lines


def ledger_tables(ledger):
    """The ledger's tables as (sheet name, header, rows, total row): the same figures as the
    page, in the same order."""
    t = ledger.totals
    tables = [
        (
            _("JP per program"),
            [_("Program"), _("Angkatan"), _("Sesi"), _("JP")],
            [[r["program"], r["cohorts"], r["sessions"], r["jp"]] for r in ledger.programs],
            [_("Jumlah"), t["cohorts_taught"], t["sessions"], t["jp"]],
        ),
        (
            _("JP per mata pelatihan"),
            [_("Program"), _("Mata pelatihan"), _("Sesi"), _("JP")],
            [[r["program"], r["subject"], r["sessions"], r["jp"]] for r in ledger.subjects],
            [_("Jumlah"), "", t["sessions"], t["jp"]],
        ),
        (
            _("JP per bulan"),
            [_("Bulan"), _("JP")],
            [[str(m["label"]), m["jp"]] for m in ledger.months],
            [_("Jumlah"), t["jp"]],
        ),
    ]
    if not ledger.is_speaker:
        tables += [
            (
                _("Proyek dibimbing"),
                [_("Angkatan"), _("Penyelenggara"), _("Peserta dibimbing"), _("Proyek final")],
                [
                    [str(r["cohort"]), r["cohort"].organiser.name, r["participants"], r["final"]]
                    for r in ledger.coached
                ],
                [_("Jumlah"), "", t["coached"], t["coached_final"]],
            ),
            (
                _("Seminar diuji"),
                [_("Angkatan"), _("Penyelenggara"), _("Seminar"), _("Peserta diuji")],
                [
                    [str(r["cohort"]), r["cohort"].organiser.name, r["seminars"], r["participants"]]
                    for r in ledger.seminars
                ],
                [_("Jumlah"), "", t["seminars"], t["examined"]],
            ),
            (
                _("Rancangan ditelaah"),
                [_("Angkatan"), _("Penyelenggara"), _("Disetujui"), _("Diminta revisi")],
                [
                    [str(r["cohort"]), r["cohort"].organiser.name, r["approved"], r["revisions"]]
                    for r in ledger.designs
                ],
                [_("Jumlah"), "", t["approved"], t["revisions"]],
            ),
        ]
    evaluations = ledger.evaluations
    if evaluations is None:
        tables.append((_("Evaluasi"), [_("Evaluasi")], [[_("Belum ada evaluasi")]], None))
    else:
        tables.append(
            (
                _("Evaluasi"),
                [_("Kriteria"), _("Rata-rata"), _("Jawaban")],
                [[str(r["label"]), r["average"], r["answers"]] for r in evaluations["criteria"]],
                [_("Rata-rata keseluruhan"), evaluations["average"], evaluations["answers"]],
            )
        )
    return tables


def ledger_workbook(ledger):
    book = openpyxl.Workbook()
    book.remove(book.active)
    title = ledger_title(ledger)
    for name, header, rows, total in ledger_tables(ledger):
        sheet = book.create_sheet(str(name)[:31])
        for index, line in enumerate(title):
            sheet.append([str(line)])
            sheet.cell(row=index + 1, column=1).font = Font(
                bold=True, size=13 if index == 0 else 11
            )
        sheet.append([])
        sheet.append([str(h) for h in header])
        header_row = sheet.max_row
        for cell in sheet[header_row]:
            cell.font = Font(bold=True)
            cell.border = Border(bottom=Side(style="thin"))
        for row in rows:
            sheet.append([_safe(value) for value in row])
        if total is not None:
            sheet.append(list(total))
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
                cell.border = Border(top=Side(style="thin"))
        sheet.freeze_panes = sheet.cell(row=header_row + 1, column=1)
        for column, name_ in enumerate(header, start=1):
            values = [row[column - 1] for row in rows[:200]]
            width = max(len(str(value or "")) for value in [name_, *values])
            sheet.column_dimensions[get_column_letter(column)].width = min(max(width + 2, 8), 60)
    return book


def ledger_xlsx(ledger):
    buffer = io.BytesIO()
    ledger_workbook(ledger).save(buffer)
    return buffer.getvalue()


def ledger_pdf(ledger):
    """The ledger as PDF bytes, in Indonesian (submitted as an official record)."""
    with translation.override("id"):
        html = render_to_string(
            "documents/ledger_pdf.html",
            {
                "ledger": ledger,
                "chart": month_bars(ledger.months),
                "today": timezone.localdate(),
                "printed": timezone.localtime(),
            },
        )
    return html_to_pdf(html)
