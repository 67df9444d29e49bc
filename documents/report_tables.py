"""Tables written by report jobs straight to a file, row by row: a worker holds one chunk of
rows at a time, not the whole table, whatever the cohort's size (openpyxl's write-only mode
keeps no cells). The sheet looks like participants.tables' downloads: the title block, an
empty row, the header in bold under a line, frozen panes below it, NIPs as text."""

import csv
import io
import itertools

import openpyxl
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Border, Font, Side
from openpyxl.utils import get_column_letter

from participants.tables import FORMULA_STARTS

# The first rows size the columns (a write-only sheet takes its widths before any row).
WIDTH_SAMPLE = 200
TITLE_FONT = Font(bold=True, size=13)
SUBTITLE_FONT = Font(bold=True, size=11)
HEADER_FONT = Font(bold=True)
HEADER_BORDER = Border(bottom=Side(style="thin"))


def cell_safe(value):
    """A cell a spreadsheet shows as text: a name typed as =HYPERLINK(...) must not run."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _text_columns(header):
    # NIPs are text: as numbers Excel would keep only 15 of their 18 digits.
    return {i for i, name in enumerate(header) if str(name).upper().startswith("NIP")}


def xlsx_write(handle, header, rows, *, title=()):
    """Write the table (`rows` an iterable of lists, read once) as an XLSX into `handle`, a
    binary file. Returns how many rows were written."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    rows = iter(rows)
    sample = list(itertools.islice(rows, WIDTH_SAMPLE))
    for column, name in enumerate(header):
        values = [row[column] for row in sample if column < len(row)]
        width = max(len(str(value if value is not None else "")) for value in [name, *values])
        sheet.column_dimensions[get_column_letter(column + 1)].width = min(max(width + 2, 8), 50)
    header_row = len(title) + 2 if title else 1
    sheet.freeze_panes = f"A{header_row + 1}"
    for index, line in enumerate(title):
        cell = WriteOnlyCell(sheet, value=line)
        cell.font = TITLE_FONT if index == 0 else SUBTITLE_FONT
        sheet.append([cell])
    if title:
        sheet.append([])
    cells = []
    for name in header:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font, cell.border = HEADER_FONT, HEADER_BORDER
        cells.append(cell)
    sheet.append(cells)
    text = _text_columns(header)
    count = 0
    for row in itertools.chain(sample, rows):
        values = []
        for column, value in enumerate(row):
            value = cell_safe(value)
            if column in text:
                value = WriteOnlyCell(sheet, value=value)
                value.number_format = "@"
            values.append(value)
        sheet.append(values)
        count += 1
    book.save(handle)
    return count


def csv_write(handle, header, rows):
    """Write the table as CSV (UTF-8 with a byte-order mark, so that Excel reads it as UTF-8)
    into `handle`, a binary file. Returns how many rows were written."""
    text = io.TextIOWrapper(handle, encoding="utf-8", newline="", write_through=True)
    text.write("\ufeff")
    writer = csv.writer(text)
    writer.writerow(header)
    count = 0
    for row in rows:
        writer.writerow([cell_safe(value) for value in row])
        count += 1
    text.flush()
    text.detach()  # the caller's file stays open
    return count


def table_write(kind, handle, header, rows, *, title=()):
    if kind == "xlsx":
        return xlsx_write(handle, header, rows, title=title)
    return csv_write(handle, header, rows)
