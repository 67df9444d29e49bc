"""Tables as downloads: XLSX (openpyxl) for Excel users, CSV for everything else."""

import csv
import io

import openpyxl
from django.http import Http404, HttpResponse
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def table_response(name, kind, header, rows):
    if kind == "xlsx":
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(header)
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([value if value is not None else "" for value in row])
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
