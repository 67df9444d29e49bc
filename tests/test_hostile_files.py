"""Hostile participant lists (issue 13): an upload cannot knock a worker over, and a file is
refused with a reason or imported whole, never in part.

More than a thousand files are built deterministically from a valid XLSX and CSV: flipped and
cut bytes, stray and oversized ZIP parts, zip bombs, billion laughs, external entities, deep
nesting, wrong encodings, too many sheets, rows and cells. Each is checked and, when it
passes, imported; a sample goes through the real upload page.
"""

import functools
import io
import random
import time
import warnings
import zipfile
from datetime import date

import openpyxl
import openpyxl.xml
import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.urls import reverse
from openpyxl.utils import get_column_letter

from participants import importing
from participants.importing import import_apply, import_check
from participants.models import Enrolment, ImportBatch, Mentor, Participant

from .factories import AgencyFactory, CohortFactory, staff_user, valid_nip

pytestmark = pytest.mark.django_db

SEED = 13
FUZZ_FILES = 1100
PAGE_SAMPLE = 50
AGENCY = "Dinas Kesehatan Kota Tangerang"
HEADER = ["NIP", "Nama Lengkap dan Gelar", "Pangkat/Golongan", "Jabatan", "Instansi"]
ROWS = [[valid_nip(n), f"Peserta {n}", "III/a", "Analis", AGENCY] for n in range(3)]
NIPS = {row[0] for row in ROWS}
# Participants further down, after blank rows (a second block, pasted below): read too.
FAR_ROWS = [[valid_nip(n), f"Peserta {n}", "III/a", "Analis", AGENCY] for n in range(10, 13)]
SHEET = "xl/worksheets/sheet1.xml"
WORKBOOK = "xl/workbook.xml"
MB = 1024 * 1024

# What a file must come to: refused with a reason; imported whole with the three rows above;
# either of those (its cells were not touched); or anything, so long as it is all or nothing.
REFUSED, INTACT, SAME, ANY = "refused", "intact", "same", "any"


# ---------------------------------------------------------------- building files


def workbook(rows=ROWS, sheets=1):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    for n in range(1, sheets):
        book.create_sheet(f"Lembar {n}").append(["Petunjuk pengisian"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def parts_of(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def zipped(parts, compression=zipfile.ZIP_DEFLATED):
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "Duplicate name", on purpose
        with zipfile.ZipFile(buffer, "w", compression) as archive:
            for name, content in parts:
                archive.writestr(name, content)
    return buffer.getvalue()


def edited(data, name, edit):
    """The workbook with one part rewritten (and its checksum right)."""
    parts = parts_of(data)
    parts[name] = edit(parts[name])
    return zipped(parts.items())


def sheet_xml(rows):
    """A worksheet part with the given rows: (row number, [(column number, text or None)])."""
    width = max((column for _, cells in rows for column, _ in cells), default=1)
    dimension = f"A1:{get_column_letter(width)}{max(n for n, _ in rows)}"
    body = []
    for number, cells in rows:
        xml = []
        for column, text in cells:
            ref = f"{get_column_letter(column)}{number}"
            if text is None:
                xml.append(f'<c r="{ref}" s="0"/>')
            else:
                xml.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
        body.append(f'<row r="{number}">{"".join(xml)}</row>')
    return (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{"".join(body)}</sheetData></worksheet>'
    ).encode()


def grid(rows, columns, start=6, values=True):
    """The template's header and rows, then `rows` rows of `columns` cells from row `start`:
    numbers, or empty formatted cells."""
    table = [(1, list(enumerate(HEADER, 1)))]
    table += [(n + 2, list(enumerate(row, 1))) for n, row in enumerate(ROWS)]
    table += [
        (start + r, [(c, str(r * c) if values else None) for c in range(1, columns + 1)])
        for r in range(rows)
    ]
    return table


def with_doctype(xml, doctype, reference=""):
    """An XML part with a DOCTYPE after its declaration, its entity used in the first name."""
    head = b""
    if xml.startswith(b"<?xml"):
        end = xml.index(b"?>") + 2
        head, xml = xml[:end], xml[end:]
    xml = xml.replace(b"Peserta 0", b"Peserta 0" + reference.encode(), 1)
    return head + doctype.encode() + xml


def billion_laughs(levels=9):
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, levels + 1)
    ]
    return f"<!DOCTYPE lolz [{''.join(entities)}]>", f"&lol{levels};"


DOCTYPES = [
    billion_laughs(),
    billion_laughs(3),
    ('<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"),
    ('<!DOCTYPE x [<!ENTITY xxe SYSTEM "http://127.0.0.1:9/rahasia">]>', "&xxe;"),
    ('<!DOCTYPE x [<!ENTITY % luar SYSTEM "http://127.0.0.1:9/jahat.dtd"> %luar;]>', ""),
    ('<!DOCTYPE x [<!ENTITY a "' + "a" * 40000 + '">]>', "&a;" * 200),  # quadratic blowup
    ('<!DOCTYPE worksheet SYSTEM "file:///etc/passwd">', ""),
    ("<!DOCTYPE worksheet>", ""),
]


@functools.cache
def zip_bomb(name):
    """A part of 40 MB of zeros, squeezed a thousand times."""
    return zipped([*parts_of(BASE_XLSX).items(), (name, bytes(40 * MB))])


def with_method(data, method, flags=0):
    """Every part claims another compression method (99: AES) or encryption (flag bit 0)."""
    data = bytearray(data)
    for signature, at in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        start = 0
        while (start := data.find(signature, start)) != -1:
            data[start + at] |= flags
            if method is not None:
                data[start + at + 2 : start + at + 4] = method.to_bytes(2, "little")
            start += 4
    return bytes(data)


def flipped(rng, data, count):
    data = bytearray(data)
    for _ in range(count):
        at = rng.randrange(len(data))
        data[at] ^= 1 << rng.randrange(8)
    return bytes(data)


BASE_XLSX = workbook()


def csv_text(delimiter=";", rows=ROWS, header=HEADER):
    lines = [delimiter.join(header)] + [delimiter.join(row) for row in rows]
    return "\r\n".join(lines) + "\r\n"


# ---------------------------------------------------------------- the mutations


def xlsx_cases(rng):
    """(label, file name, content, expectation) for each kind of XLSX."""
    sheets = {n: workbook(sheets=n) for n in (2, 5, 10)}
    kinds = [
        ("flipped bytes", 8, lambda: (flipped(rng, BASE_XLSX, rng.randint(1, 8)), SAME)),
        ("cut short", 4, lambda: (BASE_XLSX[: rng.randrange(len(BASE_XLSX))], REFUSED)),
        ("flipped sheet XML", 6, lambda: (
            edited(BASE_XLSX, SHEET, lambda x: flipped(rng, x, rng.randint(1, 6))), ANY)),
        ("sheet XML cut short", 3, lambda: (
            edited(BASE_XLSX, SHEET, lambda x: x[: rng.randrange(len(x))]), REFUSED)),
        ("flipped shared part", 3, lambda: (edited(
            BASE_XLSX, rng.choice([WORKBOOK, "[Content_Types].xml", "xl/_rels/workbook.xml.rels",
                                   "xl/styles.xml", "docProps/core.xml"]),
            lambda x: flipped(rng, x, rng.randint(1, 4))), ANY)),
        ("stray parts", 4, lambda: (stray_parts(rng), SAME)),
        ("DOCTYPE in the sheet", 6, lambda: (edited(
            BASE_XLSX, SHEET, lambda x: with_doctype(x, *rng.choice(DOCTYPES))), REFUSED)),
        ("DOCTYPE in another part", 4, lambda: (edited(
            BASE_XLSX, rng.choice([WORKBOOK, "[Content_Types].xml", "_rels/.rels",
                                   "xl/_rels/workbook.xml.rels", "xl/styles.xml",
                                   "docProps/core.xml", "xl/theme/theme1.xml"]),
            lambda x: with_doctype(x, *rng.choice(DOCTYPES))), REFUSED)),
        ("zip bomb", 1, lambda: (zip_bomb(rng.choice(["xl/media/foto.png", SHEET + ".bak"])),
                                 REFUSED)),
        ("huge dimension", 2, lambda: (edited(
            BASE_XLSX, SHEET,
            lambda x: x.replace(b'<dimension ref="A1:E4"/>',
                                b'<dimension ref="A1:XFD1048576"/>')), INTACT)),
        ("too many sheets", 2, lambda: (edited(
            BASE_XLSX, WORKBOOK, lambda x: more_sheets(x, rng.randint(11, 400))), REFUSED)),
        ("a few sheets", 2, lambda: (sheets[rng.choice(list(sheets))], INTACT)),
        ("rows of too many cells", 2, lambda: (edited(
            BASE_XLSX, SHEET,
            lambda x: sheet_xml(grid(rng.randint(1, 30), rng.randint(201, 2500),
                                    values=rng.random() < 0.5))),
            REFUSED)),
        ("formatted cells past the table", 2, lambda: (edited(
            BASE_XLSX, SHEET, lambda x: sheet_xml(
                [(1, [*enumerate(HEADER, 1), *[(c, None) for c in range(6, 150)]]),
                 *[(n + 2, list(enumerate(row, 1))) for n, row in enumerate(ROWS)]])), INTACT)),
        ("a value past the last column", 2, lambda: (edited(
            BASE_XLSX, SHEET, lambda x: sheet_xml(
                [*grid(0, 0), (9, [(rng.randint(61, 16384), "catatan")])])), REFUSED)),
        ("a value far down", 2, lambda: (edited(
            BASE_XLSX, SHEET, lambda x: sheet_xml(
                [*grid(0, 0), (rng.randint(20_001, 1_048_576), [(1, "catatan")])])), REFUSED)),
        ("participants after a long gap", 2, lambda: (edited(
            BASE_XLSX, SHEET, lambda x: sheet_xml([*grid(0, 0), *far_rows(rng)])), INTACT)),
        ("odd cell references", 1, lambda: (edited(
            BASE_XLSX, SHEET, lambda x: x.replace(b'r="B2"', rng.choice(
                [b'r="$B$2"', b'r="b2"', b'r="B-2"', b'r="2B"', b'r=""', b'r="AAAA2"',
                 b'r="$A2"']), 1)), SAME)),
        ("rows out of order", 1, lambda: (edited(
            BASE_XLSX, SHEET, lambda x: sheet_xml(
                [*grid(0, 0)[:2], *reversed(grid(0, 0)[2:])])), REFUSED)),
        ("deep nesting", 2, lambda: (edited(
            BASE_XLSX, SHEET, lambda x: nested(x, rng.choice([70, 1000, 100_000]))), REFUSED)),
        ("some nesting", 1, lambda: (edited(
            BASE_XLSX, SHEET, lambda x: nested(x, rng.randint(1, 50))), ANY)),
        ("declared encoding", 3, lambda: (edited(
            BASE_XLSX, rng.choice([SHEET, WORKBOOK]),
            lambda x: declared(x, rng.choice(["UTF-16", "UTF-7", "ISO-8859-1", "cp037",
                                              "x-tidak-ada", "UTF-32"]))), ANY)),
        ("UTF-16 part", 1, lambda: (edited(
            BASE_XLSX, rng.choice([SHEET, WORKBOOK]),
            lambda x: '<?xml version="1.0" encoding="UTF-16"?>'.encode("utf-16")
            + x.decode().encode("utf-16")[2:]), SAME)),
        ("a missing shared string", 1, lambda: (edited(
            BASE_XLSX, SHEET,
            lambda x: x.replace(b't="inlineStr"><is><t>Peserta 1</t></is>',
                                b't="s"><v>' + str(rng.randint(0, 10**9)).encode() + b"</v>",
                                1)), REFUSED)),
        ("unknown compression or encryption", 1, lambda: (
            rng.choice([with_method(BASE_XLSX, 99), with_method(BASE_XLSX, None, flags=1),
                        with_method(BASE_XLSX, 14)]), REFUSED)),
        ("too many parts", 1, lambda: (zipped(
            [*parts_of(BASE_XLSX).items(),
             *((f"xl/media/gambar{n}.png", b"\x89PNG") for n in range(1001))]), REFUSED)),
        ("not a workbook", 2, lambda: (rng.choice([
            b"", b"PK\x03\x04", b"PK\x05\x06" + bytes(18), zipped([]),
            zipped([("[Content_Types].xml", b"<Types/>")]), rng.randbytes(rng.randint(1, 4000)),
            b"%PDF-1.4\n%%EOF\n", csv_text().encode()]), REFUSED)),
    ]  # fmt: skip
    return kinds


def stray_parts(rng):
    parts = list(parts_of(BASE_XLSX).items())
    for _ in range(rng.randint(1, 5)):
        name = rng.choice(["xl/media/image1.png", "customXml/item1.xml", "../../etc/passwd",
                           "xl/printerSettings/printerSettings1.bin", SHEET, WORKBOOK,
                           "xl/drawings/vmlDrawing1.vml", f"sampah/{rng.random()}"])  # fmt: skip
        content = rng.choice([rng.randbytes(rng.randint(0, 3000)), b"<x/>", b"<x><y>", b""])
        parts.insert(rng.randrange(len(parts) + 1), (name, content))
    return zipped(parts, rng.choice([zipfile.ZIP_DEFLATED, zipfile.ZIP_STORED]))


def far_rows(rng):
    start = rng.randint(5_021, 19_990)
    return [(start + n, list(enumerate(row, 1))) for n, row in enumerate(FAR_ROWS)]


def more_sheets(xml, count):
    sheet = xml[xml.index(b"<sheet ") : xml.index(b"/>", xml.index(b"<sheet ")) + 2]
    copies = b"".join(
        sheet.replace(b'name="Sheet" sheetId="1"', b'name="L%d" sheetId="%d"' % (n, n))
        for n in range(2, count + 1)
    )
    return xml.replace(sheet, sheet + copies)


def nested(xml, depth):
    return xml.replace(b"<t>NIP</t>", b"<r>" * depth + b"<t>NIP</t>" + b"</r>" * depth, 1)


def declared(xml, encoding):
    return f'<?xml version="1.0" encoding="{encoding}"?>'.encode() + xml


def csv_cases(rng):
    def base():
        delimiter = rng.choice([";", ","])
        encoding = rng.choice(["utf-8-sig", "utf-8", "cp1252", "utf-16"])
        return csv_text(delimiter).encode(encoding)

    return [
        ("valid CSV", 3, lambda: (base(), INTACT)),
        ("flipped CSV bytes", 8, lambda: (flipped(rng, base(), rng.randint(1, 10)), ANY)),
        ("CSV cut short", 4, lambda: (cut(rng, base()), ANY)),
        ("empty columns past the table", 1, lambda: (
            csv_text(";", [row + [""] * 150 for row in ROWS]).encode(), INTACT)),
        ("a CSV value past the last column", 2, lambda: (csv_text(
            ";", [*ROWS[:2], ROWS[2] + [""] * rng.randint(56, 400) + ["catatan"]]).encode(),
            REFUSED)),
        ("a CSV value far down", 1, lambda: (
            (csv_text(";") + ";;;;\r\n" * rng.randint(20_000, 30_000) + "catatan\r\n").encode(),
            REFUSED)),
        ("a CSV of too many cells", 1, lambda: (
            (csv_text(";") + ";" * rng.randint(300_001, 2_000_000)).encode(), REFUSED)),
        ("a CSV field too long", 1, lambda: (
            csv_text(";", [[*ROWS[0][:1], "x" * 200_000, *ROWS[0][2:]]]).encode(), REFUSED)),
        ("a CSV of NUL bytes", 1, lambda: (
            csv_text().encode().replace(b";", b"\x00", rng.randint(1, 5)), REFUSED)),
        ("a CSV in no known encoding", 1, lambda: (
            csv_text().encode() + b"\x81\x8d\x8f\x90\x9d" + rng.randbytes(20), REFUSED)),
        ("a CSV in UTF-16 or UTF-32 without its BOM", 1, lambda: (
            csv_text().encode(rng.choice(["utf-16-le", "utf-16-be", "utf-32"])), ANY)),
        ("a CSV over 5 MB", 1, lambda: ((csv_text() + "#" * (5 * MB)).encode(), REFUSED)),
        ("random lines and quotes", 3, lambda: (
            base() + rng.choice([b'"', b'"""', b"\r", b"\n\n;\"x", b"=HYPERLINK(\"x\")"])
            * rng.randint(1, 50), ANY)),
        ("random bytes", 2, lambda: (rng.randbytes(rng.randint(0, 3000)), ANY)),
    ]  # fmt: skip


def cut(rng, data):
    return data[: rng.randrange(1, len(data))]


def fuzz_files(count=FUZZ_FILES, seed=SEED):
    """`count` files, the same ones on every run: (label, name, content, expectation)."""
    rng = random.Random(seed)
    kinds = [(".xlsx", kind) for kind in xlsx_cases(rng)] + [
        (".csv", kind) for kind in csv_cases(rng)
    ]
    weights = [weight for _, (_, weight, _) in kinds]
    files = []
    # Every kind at least once, then the rest drawn by weight.
    chosen = list(range(len(kinds))) + rng.choices(
        range(len(kinds)), weights=weights, k=count - len(kinds)
    )
    for index in chosen:
        extension, (label, _, build) = kinds[index]
        content, expectation = build()
        # A file's name does not decide what it is; now and then it lies.
        if rng.random() < 0.1:
            extension = ".csv" if extension == ".xlsx" else ".xlsx"
            if expectation in (INTACT, SAME) and not content.startswith(b"PK"):
                expectation = ANY  # a CSV named .xlsx is refused as not a workbook
        files.append((label, f"peserta-{len(files)}{extension}", content, expectation))
    return files


# ---------------------------------------------------------------- running them


@pytest.fixture
def cohort():
    AgencyFactory(name=AGENCY, code="dinkes-tng")
    return CohortFactory(start_date=date(2022, 7, 8))


def counts():
    return (
        Participant.objects.count(),
        Enrolment.objects.count(),
        Mentor.objects.count(),
        get_user_model().objects.count(),
    )


WITH_FAR_ROWS = {"participants after a long gap"}


class Tally:
    def __init__(self):
        self.tried = 0
        self.outcomes = {}
        self.server_errors = []
        self.partial = []
        self.unexpected = []

    def record(self, label, name, expectation, outcome, nips=None, batch_nips=None):
        self.tried += 1
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if outcome == "imported" and nips != batch_nips:
            self.partial.append((label, name, "imported rows differ from the checked rows"))
        whole = NIPS | {row[0] for row in FAR_ROWS} if label in WITH_FAR_ROWS else NIPS
        if outcome == "imported" and expectation in (INTACT, SAME) and nips != whole:
            self.partial.append((label, name, "imported rows differ from the file's"))
        expected = {
            REFUSED: {"refused"},
            INTACT: {"imported"},
            SAME: {"refused", "imported"},
            ANY: {"refused", "row errors", "imported"},
        }[expectation]
        if outcome not in expected:
            self.unexpected.append((label, name, expectation, outcome))


def check_and_import(cohort, user, label, name, content, expectation, tally):
    """Check one file as the import page does and import it when it passes; all undone after."""
    before = counts()
    try:
        with transaction.atomic():
            try:
                batch = import_check(
                    cohort=cohort, uploaded=SimpleUploadedFile(name, content), uploaded_by=user
                )
            except ValidationError as error:
                assert all(m.strip() for m in error.messages) and error.messages, label
                assert counts() == before and not ImportBatch.objects.exists(), label
                outcome, nips, batch_nips = "refused", None, None
            else:
                batch_nips = {row["nip"] for row in batch.rows}
                if batch.errors or not batch.rows:
                    with pytest.raises(ValidationError):
                        import_apply(batch=batch)
                    assert counts() == before, label
                    outcome, nips = "row errors", None
                else:
                    import_apply(batch=batch)
                    nips = set(
                        Enrolment.objects.filter(cohort=cohort).values_list(
                            "participant__nip", flat=True
                        )
                    )
                    outcome = "imported"
            transaction.set_rollback(True)
    except Exception as error:  # what would have been a 500
        tally.server_errors.append((label, name, repr(error)[:300]))
        return
    tally.record(label, name, expectation, outcome, nips, batch_nips)


def post_through_the_page(client, cohort, label, name, content, expectation, tally):
    before = counts()
    try:
        with transaction.atomic():
            url = reverse("participants:import_upload", args=[cohort.pk])
            response = client.post(url, {"file": SimpleUploadedFile(name, content)})
            assert response.status_code in (200, 302), (label, response.status_code)
            if response.status_code == 200:
                assert response.context["form"].errors["file"], label  # a reason on the form
                assert counts() == before and not ImportBatch.objects.exists(), label
                outcome, nips, batch_nips = "refused", None, None
            else:
                preview = client.get(response["Location"])
                assert preview.status_code == 200, label
                batch = ImportBatch.objects.get()
                batch_nips = {row["nip"] for row in batch.rows}
                confirmed = client.post(response["Location"])
                assert confirmed.status_code == 302, label
                nips = set(
                    Enrolment.objects.filter(cohort=cohort).values_list(
                        "participant__nip", flat=True
                    )
                )
                if batch.errors or not batch.rows:
                    assert counts() == before, label
                    outcome = "row errors"
                else:
                    outcome = "imported"
            transaction.set_rollback(True)
    except Exception as error:
        tally.server_errors.append((label, name, repr(error)[:300]))
        return
    tally.record(label, name, expectation, outcome, nips, batch_nips)


def test_openpyxl_parses_through_defusedxml():
    # openpyxl picks defusedxml up when it is installed (and OPENPYXL_DEFUSEDXML is not False).
    assert openpyxl.xml.DEFUSEDXML


@pytest.mark.filterwarnings("ignore::UserWarning")  # openpyxl on a damaged workbook
def test_a_thousand_hostile_files_give_no_server_error_and_no_partial_import(cohort, client):
    files = fuzz_files()
    assert len(files) >= 1000
    user = staff_user()
    tally = Tally()
    started = time.monotonic()
    for label, name, content, expectation in files:
        check_and_import(cohort, user, label, name, content, expectation, tally)

    page = Tally()
    client.force_login(user)
    for label, name, content, expectation in random.Random(SEED).sample(files, PAGE_SAMPLE):
        post_through_the_page(client, cohort, label, name, content, expectation, page)

    print(
        f"\nfuzz: {tally.tried + len(tally.server_errors)} files checked, "
        f"{page.tried + len(page.server_errors)} through the page, "
        f"{len(tally.server_errors) + len(page.server_errors)} server errors, "
        f"{len(tally.partial) + len(page.partial)} partial imports; outcomes {tally.outcomes}, "
        f"page {page.outcomes}; {time.monotonic() - started:.1f} s"
    )
    assert tally.server_errors == [] and page.server_errors == []
    assert tally.partial == [] and page.partial == []
    assert tally.unexpected == [] and page.unexpected == []
    # The files that should pass did, so the refusals are not the whole story.
    assert tally.outcomes.get("imported", 0) >= 50
    assert not Participant.objects.exists()


# ---------------------------------------------------------------- one file each


def upload_page(client, cohort, name, content):
    client.force_login(staff_user())
    response = client.post(
        reverse("participants:import_upload", args=[cohort.pk]),
        {"file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 200
    assert not ImportBatch.objects.exists()
    return " ".join(response.context["form"].errors["file"])


def test_a_billion_laughs_is_a_form_error(client, cohort):
    bomb = edited(BASE_XLSX, SHEET, lambda xml: with_doctype(xml, *billion_laughs()))
    message = upload_page(client, cohort, "peserta.xlsx", bomb)
    assert message == (
        "Berkas XLSX ditolak: bagian “xl/worksheets/sheet1.xml” memuat deklarasi DOCTYPE atau "
        "entitas XML, yang tidak pernah ditulis Excel dan dapat dipakai untuk menyerang server."
    )


def test_an_external_entity_is_a_form_error_and_reads_nothing(client, cohort):
    doctype = '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    for part in (SHEET, WORKBOOK, "[Content_Types].xml"):
        hostile = edited(BASE_XLSX, part, lambda xml: with_doctype(xml, doctype, "&xxe;"))  # noqa: B023
        message = upload_page(client, cohort, "peserta.xlsx", hostile)
        assert f"bagian “{part}” memuat deklarasi DOCTYPE atau entitas XML" in message
        assert "root:" not in message


def test_openpyxl_alone_refuses_entities_too():
    # Behind the check, openpyxl's own parsing of a sheet goes through defusedxml.
    from defusedxml import DefusedXmlException

    bomb = edited(BASE_XLSX, SHEET, lambda xml: with_doctype(xml, *billion_laughs()))
    with pytest.raises(ValueError) as error:  # openpyxl wraps what its parser raised
        openpyxl.load_workbook(io.BytesIO(bomb), read_only=True)
    assert isinstance(error.value.__cause__, DefusedXmlException)


@pytest.fixture
def openpyxl_forbidden(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("openpyxl opened a file the check should have refused")

    monkeypatch.setattr(importing.openpyxl, "load_workbook", refuse)


def test_issue_13s_sheet_of_5000_rows_of_2000_cells_is_refused_before_openpyxl(
    cohort, openpyxl_forbidden
):
    buffer = io.BytesIO()
    cells = b'<c t="n"><v>1</v></c>' * 2000
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts_of(BASE_XLSX).items():
            if name != SHEET:
                archive.writestr(name, content)
        with archive.open(SHEET, "w", force_zip64=True) as sheet:
            sheet.write(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/')
            sheet.write(b'2006/main"><sheetData>')
            for number in range(1, 5001):
                sheet.write(b'<row r="%d">%s</row>' % (number, cells))
            sheet.write(b"</sheetData></worksheet>")
    upload = SimpleUploadedFile("peserta.xlsx", buffer.getvalue())
    assert upload.size < 1 * MB  # small upload, 200 MB of XML
    with pytest.raises(ValidationError) as error:
        import_check(cohort=cohort, uploaded=upload, uploaded_by=staff_user())
    assert error.value.messages == [
        "Berkas XLSX tidak dapat dibaca. Setelah dibuka isinya 201 MB, batasnya 30 MB. "
        "Salin tabel pesertanya saja ke buku kerja baru."
    ]


def test_rows_of_2000_cells_are_refused_before_openpyxl(cohort, openpyxl_forbidden):
    cases = [
        # Numbers all along: the first past the last column is named.
        (grid(20, 2000), "Ada isian di kolom BI baris 6; daftar peserta paling lebar 60 kolom "
                         "(sampai kolom BH). Hapus isian di luar tabel lalu unggah ulang."),
        # Empty but formatted: the count of cells in the row.
        (grid(20, 2000, values=False), "Baris 6 berisi lebih dari 200 sel. Hapus sel dan format "
                                       "di luar tabel peserta lalu unggah ulang."),
    ]  # fmt: skip
    for rows, message in cases:
        xlsx = edited(BASE_XLSX, SHEET, lambda xml: sheet_xml(rows))  # noqa: B023
        with pytest.raises(ValidationError) as error:
            import_check(
                cohort=cohort, uploaded=SimpleUploadedFile("p.xlsx", xlsx),
                uploaded_by=staff_user(),
            )  # fmt: skip
        assert error.value.messages == [message]


def test_a_workbook_past_the_total_cells_is_refused_before_openpyxl(cohort, openpyxl_forbidden):
    # 5,100 rows of 60 cells: each row is allowed, together they pass 300,000.
    xlsx = edited(BASE_XLSX, SHEET, lambda xml: sheet_xml(grid(5100, 60)))
    with pytest.raises(ValidationError) as error:
        import_check(
            cohort=cohort, uploaded=SimpleUploadedFile("p.xlsx", xlsx), uploaded_by=staff_user()
        )
    assert error.value.messages == [
        "Buku kerja berisi lebih dari 300.000 sel. Salin tabel pesertanya saja ke buku kerja baru."
    ]


def test_a_zip_bomb_is_refused_before_openpyxl(cohort, openpyxl_forbidden):
    with pytest.raises(ValidationError) as error:
        import_check(
            cohort=cohort,
            uploaded=SimpleUploadedFile("p.xlsx", zip_bomb("xl/media/foto.png")),
            uploaded_by=staff_user(),
        )
    assert "Setelah dibuka isinya 41 MB, batasnya 30 MB" in error.value.messages[0]
    small_bomb = zipped([*parts_of(BASE_XLSX).items(), ("xl/media/foto.png", bytes(20 * MB))])
    with pytest.raises(ValidationError) as error:
        import_check(
            cohort=cohort, uploaded=SimpleUploadedFile("p.xlsx", small_bomb),
            uploaded_by=staff_user(),
        )  # fmt: skip
    assert error.value.messages == [
        "Berkas XLSX ditolak: bagian “xl/media/foto.png” dimampatkan lebih dari 100 kali, ciri "
        "berkas yang dibuat untuk membebani server."
    ]


def test_too_many_sheets_deep_nesting_and_far_values_are_refused_with_their_reason(
    cohort, openpyxl_forbidden
):
    cases = [
        (workbook(sheets=11), "Buku kerja berisi lebih dari 10 lembar kerja."),
        (
            edited(BASE_XLSX, SHEET, lambda xml: nested(xml, 100_000)),
            "bagian “xl/worksheets/sheet1.xml” bersarang lebih dari 64 tingkat",
        ),
        (
            edited(BASE_XLSX, SHEET, lambda xml: sheet_xml([*grid(0, 0), (9, [(61, "x")])])),
            "Ada isian di kolom BI baris 9; daftar peserta paling lebar 60 kolom (sampai kolom "
            "BH).",
        ),
        (
            edited(BASE_XLSX, SHEET, lambda xml: sheet_xml([*grid(0, 0)[:2], grid(0, 0)[1]])),
            "Baris atau sel di bagian “xl/worksheets/sheet1.xml” tidak berurutan",
        ),
    ]
    for xlsx, message in cases:
        with pytest.raises(ValidationError) as error:
            import_check(
                cohort=cohort, uploaded=SimpleUploadedFile("p.xlsx", xlsx),
                uploaded_by=staff_user(),
            )  # fmt: skip
        assert message in error.value.messages[0]


def test_a_value_far_down_the_first_sheet_is_refused_without_reading_the_rows_between(cohort):
    far = edited(BASE_XLSX, SHEET, lambda xml: sheet_xml([*grid(0, 0), (1_048_576, [(1, "x")])]))
    with pytest.raises(ValidationError) as error:
        import_check(
            cohort=cohort, uploaded=SimpleUploadedFile("p.xlsx", far), uploaded_by=staff_user()
        )
    assert error.value.messages == [
        "Ada isian di baris 1.048.576; daftar peserta dibaca sampai baris 20.000. Hapus isian "
        "di bawah tabel lalu unggah ulang."
    ]


def test_a_sheet_that_claims_to_be_huge_is_read_as_what_it_holds(cohort):
    claims = edited(
        BASE_XLSX,
        SHEET,
        lambda xml: xml.replace(b'<dimension ref="A1:E4"/>', b'<dimension ref="A1:XFD1048576"/>'),
    )
    assert b"XFD1048576" in parts_of(claims)[SHEET]
    batch = import_check(
        cohort=cohort, uploaded=SimpleUploadedFile("p.xlsx", claims), uploaded_by=staff_user()
    )
    assert batch.errors == [] and {row["nip"] for row in batch.rows} == NIPS
