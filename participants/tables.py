"""Tables as downloads: XLSX (openpyxl) for Excel users, CSV for everything else."""

import csv
import io

import openpyxl
from django.http import Http404, HttpResponse
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _safe(value):
    """A cell a spreadsheet shows as text: a name typed as =HYPERLINK(...) must not run."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def table_response(name, kind, header, rows):
    rows = [[_safe(value) for value in row] for row in rows]
    if kind == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(row)
        # NIPs are text: as numbers Excel would keep only 15 of their 18 digits.
        for column in sheet.iter_cols(min_row=1):
            if str(column[0].value).upper().startswith("NIP"):
                for cell in column:
                    cell.number_format = "@"
        buffer = io.BytesIO()
        book.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    elif kind == "csv":
        buffer = io.StringIO()
        # A byte-order mark so that Excel opens the file as UTF-8.
        buffer.write("\ufeff")
        writer = csv.writer(buffer)
        writer.writerow(header)
        writer.writerows(rows)
        response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{name}.{kind}"'
    return response
