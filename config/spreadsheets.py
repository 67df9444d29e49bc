"""Spreadsheets from outside, measured before a parser holds them.

An XLSX is a ZIP of XML parts. A small upload can unpack to gigabytes (a zip bomb), declare
millions of cells (issue 13: 1.4 MB holding 5,000 rows of 2,000 cells kept a worker past
gunicorn's timeout), or carry a DOCTYPE whose entities expand a billion times or read a file
of the server. `xlsx_measure` opens the ZIP's directory, then streams every XML part through
expat, with defusedxml's refusals, counting as it goes and stopping at the first limit passed,
so a hostile file costs a bounded amount of work and memory before openpyxl ever sees it.
Excel, LibreOffice, WPS and Google Sheets never write a DOCTYPE, so any DTD is refused outright.
"""

import lzma
import re
import zipfile
import zlib
from xml.parsers import expat

from defusedxml import DefusedXmlException, DTDForbidden, EntitiesForbidden
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _
from openpyxl.utils import column_index_from_string, get_column_letter

MB = 1024 * 1024

# What the parts may unpack to, together. The import template filled with 5,000 participants
# and mentors unpacks to about 4 MB; a sheet filled to MAX_CELLS with names and addresses to
# about 21 MB. Past this the file is not a participant list.
MAX_UNPACKED_BYTES = 30 * MB
# Deflate squeezes a real sheet 5 to 15 times (the full template: 13); a part squeezed more
# than this is made of the same few bytes repeated, which is how zip bombs are built. Parts
# under RATIO_FLOOR_BYTES are too small to matter whatever their ratio.
MAX_COMPRESSION_RATIO = 100
RATIO_FLOOR_BYTES = 1 * MB
# A workbook has a dozen parts, a few hundred with pictures; each part is opened and scanned.
MAX_PARTS = 1000
# The template has one sheet; agencies add instructions or a list of units. Each sheet is
# opened when the workbook loads.
MAX_SHEETS = 10
# The template has 12 columns; agencies add a few of their own (No., NIK, address). Nothing
# is read past this column, so a value beyond it refuses the file rather than being dropped.
MAX_COLUMNS = 60
# Cells one row may declare, empty formatted ones included: borders drawn a little past the
# table pass, the 2,000-cell rows of issue 13 do not.
MAX_CELLS_PER_ROW = 200
# Cells in the whole workbook: 5,000 participants (the import's limit) across every column
# allowed. A workbook at this limit (25 MB of XML) is measured and read in about 7 seconds,
# well inside gunicorn's 30.
MAX_CELLS = 5000 * MAX_COLUMNS
# Rows of the first sheet that are read, blank ones between blocks included (each becomes a
# row of MAX_COLUMNS empty cells): four times the 5,000 participants a file may hold.
MAX_SHEET_ROWS = 20_000
# XML elements in all the parts: a sheet at MAX_CELLS, its shared strings and styles hold
# about 1.6 million. Bounds the scan itself, whatever the elements are.
MAX_XML_ELEMENTS = 2_000_000
# Nesting: a sheet is 6 levels deep, a drawing about 20. Deeper is built to exhaust a parser.
MAX_XML_DEPTH = 64

ERROR_NOT_ZIP = _(
    "Berkas XLSX tidak dapat dibaca. Isinya bukan buku kerja Excel yang utuh; buka di Excel "
    "lalu simpan ulang sebagai .xlsx."
)
ERROR_UNPACKED = _(
    "Berkas XLSX tidak dapat dibaca. Setelah dibuka isinya %(size)s MB, batasnya %(limit)s MB. "
    "Salin tabel pesertanya saja ke buku kerja baru."
)
ERROR_RATIO = _(
    "Berkas XLSX ditolak: bagian “%(part)s” dimampatkan lebih dari %(limit)s kali, ciri "
    "berkas yang dibuat untuk membebani server."
)
ERROR_PARTS = _("Berkas XLSX ditolak: berisi lebih dari %(limit)s bagian.")
ERROR_SHEETS = _(
    "Buku kerja berisi lebih dari %(limit)s lembar kerja. Simpan daftar peserta di lembar "
    "pertama buku kerja baru."
)
ERROR_COLUMN = _(
    "Ada isian di kolom %(column)s baris %(row)s; daftar peserta paling lebar %(limit)s "
    "kolom (sampai kolom %(last)s). Hapus isian di luar tabel lalu unggah ulang."
)
ERROR_ROW_CELLS = _(
    "Baris %(row)s berisi lebih dari %(limit)s sel. Hapus sel dan format di luar tabel "
    "peserta lalu unggah ulang."
)
ERROR_CELLS = _(
    "Buku kerja berisi lebih dari %(limit)s sel. Salin tabel pesertanya saja ke buku kerja baru."
)
ERROR_ROWS = _(
    "Ada isian di baris %(row)s; daftar peserta dibaca sampai baris %(limit)s. Hapus isian "
    "di bawah tabel lalu unggah ulang."
)
ERROR_ELEMENTS = _(
    "Berkas XLSX ditolak: isinya terlalu rumit untuk daftar peserta (lebih dari %(limit)s "
    "unsur XML). Salin tabel pesertanya saja ke buku kerja baru."
)
ERROR_DEPTH = _(
    "Berkas XLSX ditolak: bagian “%(part)s” bersarang lebih dari %(limit)s tingkat, yang "
    "tidak pernah ditulis Excel."
)
ERROR_UNSAFE_XML = _(
    "Berkas XLSX ditolak: bagian “%(part)s” memuat deklarasi DOCTYPE atau entitas XML, yang "
    "tidak pernah ditulis Excel dan dapat dipakai untuk menyerang server."
)
ERROR_BROKEN_PART = _(
    "Berkas XLSX tidak dapat dibaca. Bagian “%(part)s” rusak; buka di Excel lalu simpan "
    "ulang sebagai .xlsx."
)
ERROR_ORDER = _(
    "Berkas XLSX tidak dapat dibaca. Baris atau sel di bagian “%(part)s” tidak berurutan, "
    "sehingga sebagian isian bisa terlewat. Buka di Excel lalu simpan ulang sebagai .xlsx."
)

# Where a part's XML is checked strictly: a part that spreadsheet programs write as XML must
# parse. Other parts are scanned too (a sheet may be stored under any name), but may stop at
# the first byte that is not XML: pictures, printer settings, VML drawings.
XML_NAMES = (".xml", ".rels")
CELL_REFERENCE = re.compile(r"([A-Za-z]{1,3})\d+")
VALUE_TAGS = {"v", "is", "f"}


def _number(value):
    return formats.number_format(value, force_grouping=True)


def _refuse(message, **params):
    shown = {k: _number(v) if isinstance(v, int) else v for k, v in params.items()}
    raise ValidationError(message, params=shown)


def _column_number(reference, previous):
    if reference is None:
        return previous + 1  # as openpyxl counts a cell without its reference
    match = CELL_REFERENCE.fullmatch(reference)
    if not match:
        # openpyxl would place "$A1" or "A-1" at a column of its own making, or none.
        raise ValueError(reference)
    return column_index_from_string(match.group(1).upper())


def _row_number(value, previous):
    if value is None:
        return previous + 1
    try:
        return int(value)
    except ValueError:
        number = float(value)  # openpyxl accepts "7.0"; anything else is refused as broken
        if not number.is_integer():
            raise ValueError(value) from None
        return int(number)


class _Count:
    """What the scan has seen so far, over all the parts."""

    def __init__(self):
        self.elements = 0
        self.cells = 0
        self.sheets = 0


def xlsx_measure(upload):
    """Check an uploaded XLSX against the limits above before anything parses it.

    Raises ValidationError with the reason in Indonesian. Returns, for each part holding cells,
    the number of the last row with a value, so a reader can read exactly that far."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            members = archive.infolist()
            _directory_check(members)
            count, last_rows = _Count(), {}
            for member in members:
                if not member.is_dir():
                    last_rows[member.filename] = _part_scan(archive, member, count)
    except ValidationError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, lzma.LZMAError, EOFError,
            OSError, ValueError, NotImplementedError, RuntimeError) as error:  # fmt: skip
        # A damaged directory, a wrong checksum or compressed stream (zlib, bzip2: OSError,
        # lzma), encryption (RuntimeError) or an unknown compression method.
        raise ValidationError(ERROR_NOT_ZIP) from error
    finally:
        upload.seek(0)
    return {name: last for name, last in last_rows.items() if last}


def _directory_check(members):
    if len(members) > MAX_PARTS:
        _refuse(ERROR_PARTS, limit=MAX_PARTS)
    names = [member.filename for member in members]
    if len(set(names)) != len(names):
        # Two parts under one name: a scanner and a reader could each see a different one.
        raise ValidationError(ERROR_NOT_ZIP)
    # The sizes come from the ZIP's directory; zipfile stops reading a part at its declared
    # size and fails its checksum, so a part cannot unpack to more than it declares.
    unpacked = sum(member.file_size for member in members)
    if unpacked > MAX_UNPACKED_BYTES:
        _refuse(ERROR_UNPACKED, size=-(-unpacked // MB), limit=MAX_UNPACKED_BYTES // MB)
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_FLOOR_BYTES and ratio > MAX_COMPRESSION_RATIO:
            _refuse(ERROR_RATIO, part=member.filename, limit=MAX_COMPRESSION_RATIO)


def _refuse_dtd(*args):
    raise DTDForbidden(None, None, None)


def _refuse_entity(*args):
    raise EntitiesForbidden(None, None, None, None, None, None)


def _part_scan(archive, member, count):
    """Stream one part; the number of its last row holding a value (0 if none).

    Expat is driven directly, with a handler per start and end tag and none for text: no
    element is built, so a part costs one Python call per tag (issue 15: this pass took half
    the time of reading a 2,000-row file through ElementTree's iterparse). Expat is what
    defusedxml drives too; a DOCTYPE or an entity is refused by the same handlers it sets."""
    name = member.filename
    strict = name.lower().endswith(XML_NAMES)
    names = [None]  # local names of the open elements, outermost first, under a sentinel
    state = {"row": 0, "last_row": 0, "column": 0, "row_cells": 0}

    def start(tag, attributes):
        count.elements += 1
        if count.elements > MAX_XML_ELEMENTS:
            _refuse(ERROR_ELEMENTS, limit=MAX_XML_ELEMENTS)
        if len(names) > MAX_XML_DEPTH:
            _refuse(ERROR_DEPTH, part=name, limit=MAX_XML_DEPTH)
        tag = tag.rsplit("}", 1)[-1]
        parent = names[-1]
        names.append(tag)
        if tag == "c":
            if parent != "row":
                return
            state["row_cells"] += 1
            count.cells += 1
            if state["row_cells"] > MAX_CELLS_PER_ROW:
                _refuse(ERROR_ROW_CELLS, row=state["row"], limit=MAX_CELLS_PER_ROW)
            if count.cells > MAX_CELLS:
                _refuse(ERROR_CELLS, limit=MAX_CELLS)
            number = _column_number(attributes.get("r"), state["column"])
            if number <= state["column"]:
                _refuse(ERROR_ORDER, part=name)
            state["column"] = number
        elif tag in VALUE_TAGS:
            if parent == "c" and names[-3] == "row":
                if state["column"] > MAX_COLUMNS:
                    column = state["column"]
                    _refuse(
                        ERROR_COLUMN, column=get_column_letter(column), row=state["row"],
                        limit=MAX_COLUMNS, last=get_column_letter(MAX_COLUMNS),
                    )  # fmt: skip
                state["last_row"] = state["row"]
        elif tag == "row" and parent == "sheetData":
            number = _row_number(attributes.get("r"), state["row"])
            if number <= state["row"]:
                _refuse(ERROR_ORDER, part=name)
            state.update(row=number, column=0, row_cells=0)
        elif tag == "sheet" and parent == "sheets":
            count.sheets += 1
            if count.sheets > MAX_SHEETS:
                _refuse(ERROR_SHEETS, limit=MAX_SHEETS)

    def end(tag):
        names.pop()

    parser = expat.ParserCreate(namespace_separator="}")
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    # As defusedxml sets them (forbid_dtd, forbid_entities, forbid_external): no DTD at all.
    parser.StartDoctypeDeclHandler = _refuse_dtd
    parser.EntityDeclHandler = _refuse_entity
    parser.UnparsedEntityDeclHandler = _refuse_entity
    parser.ExternalEntityRefHandler = _refuse_entity
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    with archive.open(member) as stream:
        try:
            parser.ParseFile(stream)
        except DefusedXmlException as error:
            raise ValidationError(ERROR_UNSAFE_XML, params={"part": name}) from error
        except expat.ExpatError as error:
            if strict:
                raise ValidationError(ERROR_BROKEN_PART, params={"part": name}) from error
            # Not XML (a picture, a VML drawing): what came before the error was counted, and
            # a reader fails at the same byte.
        except (ValueError, UnicodeError, LookupError) as error:
            # A row or cell number that is not one, an encoding that does not exist.
            raise ValidationError(ERROR_BROKEN_PART, params={"part": name}) from error
    return state["last_row"]


def rows_to_read(last_rows, part):
    """How many rows of `part` (a sheet's name in the ZIP) to read: to its last value, or, when
    the part is unknown, to the last value of any sheet. Refuses a sheet read too far."""
    last = last_rows.get(part, max(last_rows.values(), default=0))
    if last > MAX_SHEET_ROWS:
        _refuse(ERROR_ROWS, row=last, limit=MAX_SHEET_ROWS)
    return last
