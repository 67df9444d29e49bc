"""Importing participant lists as agencies send them: messy, in XLSX or CSV."""

import io
import zipfile
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from participants.importing import (
    ImportFileError,
    import_apply,
    import_check,
)
from participants.models import Enrolment, Mentor, Participant

from ..factories import AgencyFactory, CohortFactory, enrol, staff_user, valid_nip

pytestmark = pytest.mark.django_db

HEADER = ["NIP", "Nama Lengkap dan Gelar", "Pangkat/Golongan", "Jabatan", "Jenjang Jabatan",
          "Instansi", "Surel", "Telepon"]  # fmt: skip


def xlsx(rows, header=HEADER, name="peserta.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue())


def csv_file(text, name="peserta.csv", encoding="utf-8-sig"):
    return SimpleUploadedFile(name, text.encode(encoding))


@pytest.fixture
def cohort():
    AgencyFactory(name="Dinas Kesehatan Kota Tangerang", code="dinkes-tng")
    AgencyFactory(name="Dinas Pendidikan Kota Cilegon", code="disdik-clg")
    return CohortFactory(start_date=date(2022, 7, 8))


def mentor_nip(n):
    """A valid NIP for the n-th mentor: born from 1965, CPNS since March 1995."""
    born = date(1965, 1, 1) + timedelta(days=n)
    return f"{born:%Y%m%d}1995031{n % 999 + 1:03d}"


def check(cohort, upload):
    return import_check(cohort=cohort, uploaded=upload, uploaded_by=staff_user())


def test_the_messy_forms_of_a_real_spreadsheet_are_understood(cohort):
    upload = xlsx(
        [
            # spaces in the NIP, the rank as "Penata Muda (III/a)", stray spaces
            ["19960512 202203 1 142", "  Ahmad   Suryani, S.H. ", "Penata Muda (III/a)",
             "Analis Kebijakan", "CPNS (calon PNS)", " dinas kesehatan kota tangerang ",
             "ahmad@example.go.id", "0812"],
            # the rank as "Pengatur II/c", the level by its code
            ["199702042022032007", "Dewi Lestari, S.Kom.", "Pengatur II/c", "Perawat", "cpns",
             "disdik-clg", "", ""],
            # an apostrophe before the NIP, the rank as a bare code
            ["'199801012022031003", "Budi Santoso, A.Md.", "ii/c", "Perawat", "",
             "Dinas Kesehatan Kota Tangerang", "", ""],
            [None, None, None, None, None, None, None, None],  # empty trailing rows
            ["", "", "", "", "", "", "", ""],
        ]
    )  # fmt: skip
    batch = check(cohort, upload)
    assert batch.errors == []
    assert [(r["nip"], r["name"], r["rank"]) for r in batch.rows] == [
        ("199605122022031142", "Ahmad Suryani, S.H.", "III/a"),
        ("199702042022032007", "Dewi Lestari, S.Kom.", "II/c"),
        ("199801012022031003", "Budi Santoso, A.Md.", "II/c"),
    ]
    result = import_apply(batch=batch)
    assert result["enrolled"] == 3
    ahmad = Participant.objects.get(nip="199605122022031142")
    assert ahmad.agency.name == "Dinas Kesehatan Kota Tangerang"
    assert ahmad.user.username == "199605122022031142"
    assert not ahmad.user.has_usable_password()


def test_a_csv_with_a_byte_order_mark_and_semicolons(cohort):
    text = (
        "NIP;Nama;Pangkat;Jabatan;Instansi\r\n"
        "19960512 202203 1 142;Ahmad Suryani, S.H.;III/a;Analis;Dinas Kesehatan Kota Tangerang\r\n"
        ";;;;\r\n"
    )
    batch = check(cohort, csv_file(text))
    assert batch.errors == []
    assert [r["nip"] for r in batch.rows] == ["199605122022031142"]


def test_a_file_with_one_bad_row_imports_nothing_and_says_which_row_and_why(cohort):
    upload = xlsx(
        [
            ["19960512 202203 1 142", "Ahmad Suryani, S.H.", "III/a", "Analis", "",
             "Dinas Kesehatan Kota Tangerang", "", ""],
            [1.99702042022032e17, "Dewi Lestari", "III/a", "Perawat", "",
             "Dinas Kesehatan Kota Tangerang", "", ""],
            ["1.99702E+17", "Eko Pratama", "III/a", "Perawat", "", "Dinas Kesehatan Kota Tangerang",
             "", ""],
            ["19860231 201505 1 001", "Fajar", "Penata Muda Banget", "Guru", "",
             "Dinas Pariwisata", "bukan-surel", ""],
            ["19960512 202203 1 142", "Ahmad Lagi", "III/a", "Analis", "",
             "Dinas Kesehatan Kota Tangerang", "", ""],
        ]
    )  # fmt: skip
    batch = check(cohort, upload)
    problems = {(e["row"], e["column"]) for e in batch.errors}
    assert problems == {
        (3, "NIP"),
        (4, "NIP"),
        (5, "NIP"),
        (5, "Pangkat/Golongan"),
        (5, "Instansi"),
        (5, "Surel"),
        (6, "NIP"),
    }
    messages = {(e["row"], e["column"]): e["message"] for e in batch.errors}
    assert "format kolom NIP sebagai teks" in messages[(3, "NIP")]
    assert "format kolom NIP sebagai teks" in messages[(4, "NIP")]
    assert messages[(5, "NIP")] == (
        "Tanggal lahir pada NIP (8 angka pertama) bukan tanggal yang ada."
    )
    assert messages[(5, "Instansi")].startswith("Instansi “Dinas Pariwisata” tidak terdaftar")
    assert messages[(6, "NIP")] == "NIP sama dengan baris 2."
    with pytest.raises(Exception, match="masih berisi kesalahan"):
        import_apply(batch=batch)
    assert not Participant.objects.exists()
    assert not Enrolment.objects.exists()


def test_importing_the_same_file_again_creates_nothing_twice_and_updates_what_changed(cohort):
    rows = [
        [valid_nip(n), f"Peserta {n}", "III/a", "Analis", "", "Dinas Kesehatan Kota Tangerang",
         "", ""]
        for n in range(5)
    ]  # fmt: skip
    import_apply(batch=check(cohort, xlsx(rows)))
    rows[0][1] = "Peserta 0, S.E."
    again = check(cohort, xlsx(rows))
    assert again.summary["enrolled"] == 5 and again.summary["new"] == 0
    import_apply(batch=again)
    assert Participant.objects.count() == 5
    assert Enrolment.objects.count() == 5
    assert Participant.objects.get(nip=valid_nip(0)).name == "Peserta 0, S.E."


def test_a_participant_enrolled_before_is_reported_not_duplicated(cohort):
    person = enrol(cohort).participant
    rows = [[person.nip, person.name, "III/a", "Analis", "", "Dinas Kesehatan Kota Tangerang",
             "", ""]]  # fmt: skip
    batch = check(cohort, xlsx(rows))
    assert [r["action"] for r in batch.rows] == ["enrolled"]
    assert import_apply(batch=batch)["enrolled"] == 0


def test_mentors_come_with_the_rows(cohort):
    header = [*HEADER, "NIP Mentor", "Nama Mentor", "Jabatan Mentor", "Surel Mentor"]
    rows = [[valid_nip(1), "Peserta 1", "III/a", "Analis", "", "Dinas Kesehatan Kota Tangerang",
             "", "", "19700101 199503 1 002", "Ir. Budi Santoso, M.T.", "Kepala Dinas",
             "budi@example.go.id"]]  # fmt: skip
    import_apply(batch=check(cohort, xlsx(rows, header=header)))
    enrolment = Enrolment.objects.get()
    assert enrolment.mentor == Mentor.objects.get(nip="197001011995031002")


def test_a_file_without_the_required_columns_is_refused(cohort):
    with pytest.raises(ImportFileError) as error:
        check(cohort, xlsx([["x"]], header=["Nomor", "Nama"]))
    assert "Kolom wajib tidak ditemukan: NIP, Pangkat/Golongan, Jabatan, Instansi" in str(
        error.value
    )


def test_two_thousand_rows_import_in_a_bounded_number_of_queries(
    cohort, django_assert_max_num_queries
):
    rows = [
        [valid_nip(n), f"Peserta {n:04d}", "III/a", "Analis", "",
         "Dinas Kesehatan Kota Tangerang", "", ""]
        for n in range(2000)
    ]  # fmt: skip
    cohort.capacity = 2000
    cohort.save(update_fields=["capacity"])
    upload = xlsx(rows)
    # Bulk reads and writes: SQLite splits a bulk insert into chunks of a few hundred rows,
    # so the count grows by chunks, never by rows. The import's 2,000 audit entries are one
    # insert on PostgreSQL, and about 30 chunks on SQLite (999 values a query): 160, not 120.
    with django_assert_max_num_queries(60):
        batch = check(cohort, upload)
    with django_assert_max_num_queries(160):
        result = import_apply(batch=batch)
    assert result["enrolled"] == 2000
    assert Enrolment.objects.filter(cohort=cohort).count() == 2000


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("peserta.xlsx", b"NIP;Nama\n1;2\n"), "Berkas XLSX tidak dapat dibaca."),
        (SimpleUploadedFile("peserta.csv", b"\x00\x01\x02\x81\x8d\x90" * 10), "Berkas CSV tidak"),
        (
            SimpleUploadedFile("peserta.csv", b"NIP;Nama;Pangkat;Jabatan;Instansi\n"),
            "Berkas tidak berisi baris peserta.",
        ),
        (SimpleUploadedFile("peserta.csv", b""), "Berkas kosong."),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(cohort, upload, message):
    with pytest.raises(ImportFileError) as error:
        check(cohort, upload)
    assert message in " ".join(error.value.messages)


def test_a_utf16_csv_from_excel_is_read(cohort):
    text = "NIP\tNama\tPangkat\tJabatan\tInstansi\r\n"
    text = text.replace("\t", ";") + (
        "19960512 202203 1 142;Ahmad Suryani, S.H.;III/a;Analis;Dinas Kesehatan Kota Tangerang\r\n"
    )
    batch = check(cohort, csv_file(text, encoding="utf-16"))
    assert [r["nip"] for r in batch.rows] == ["199605122022031142"]


def test_a_nip_that_is_another_accounts_user_name_is_refused(cohort):
    from ..factories import UserFactory

    UserFactory(username="199605122022031142")  # a staff account named by its owner's NIP
    rows = [["19960512 202203 1 142", "Penyusup", "III/a", "Analis", "",
             "Dinas Kesehatan Kota Tangerang", "penyusup@example.com", ""]]  # fmt: skip
    batch = check(cohort, xlsx(rows))
    assert [(e["row"], e["column"]) for e in batch.errors] == [(2, "NIP")]
    assert "sudah menjadi nama pengguna akun lain" in batch.errors[0]["message"]


def test_cells_longer_than_their_fields_are_row_errors(cohort):
    rows = [[valid_nip(1), "A" * 201, "III/a", "Analis", "", "Dinas Kesehatan Kota Tangerang",
             "", "0812 / 0813 / 0814 / 0815 / 0816 / 0817"]]  # fmt: skip
    batch = check(cohort, xlsx(rows))
    assert [(e["column"], e["message"]) for e in batch.errors] == [
        ("Nama Lengkap dan Gelar", "Terlalu panjang: paling banyak 200 karakter."),
        ("Telepon", "Terlalu panjang: paling banyak 30 karakter."),
    ]


def test_a_title_row_above_the_header_is_skipped(cohort):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DAFTAR CALON PESERTA LATSAR CPNS ANGKATAN 75"])
    sheet.append([])
    sheet.append(HEADER)
    sheet.append([valid_nip(1), "Peserta", "III/a", "Analis", "",
                  "Dinas Kesehatan Kota Tangerang", "", ""])  # fmt: skip
    buffer = io.BytesIO()
    book.save(buffer)
    batch = check(cohort, SimpleUploadedFile("judul.xlsx", buffer.getvalue()))
    assert batch.errors == []
    assert [r["row"] for r in batch.rows] == [4]


def test_problems_found_at_import_time_are_shown_on_the_preview(cohort):
    rows = [[valid_nip(n), f"Peserta {n}", "III/a", "Analis", "",
             "Dinas Kesehatan Kota Tangerang", "", ""] for n in range(2)]  # fmt: skip
    batch = check(cohort, xlsx(rows))
    cohort.capacity = 1  # the cohort shrank after the preview
    cohort.save(update_fields=["capacity"])
    with pytest.raises(Exception, match="masih berisi kesalahan"):
        import_apply(batch=batch)
    batch.refresh_from_db()
    assert [(e["row"], e["column"]) for e in batch.errors] == [(3, "Syarat")]
    assert not Enrolment.objects.exists()


def test_a_broken_csv_is_refused(cohort):
    text = "NIP;Nama;Pangkat;Jabatan;Instansi\n" + "1;" + "x" * 200000 + ";III/a;A;B\n"
    with pytest.raises(ImportFileError, match="Berkas CSV rusak"):
        check(cohort, csv_file(text))


def test_two_thousand_rows_with_mentors_and_email_stay_bounded(
    cohort, django_assert_max_num_queries
):
    header = [*HEADER, "NIP Mentor", "Nama Mentor", "Jabatan Mentor", "Surel Mentor"]
    rows = [
        [valid_nip(n), f"Peserta {n:04d}", "III/a", "Analis", "",
         "Dinas Kesehatan Kota Tangerang", f"p{n}@example.go.id", "",
         mentor_nip(n), f"Atasan {n}", "Kepala Seksi", f"a{n}@example.go.id"]
        for n in range(2000)
    ]  # fmt: skip
    cohort.capacity = 2000
    cohort.save(update_fields=["capacity"])
    batch = check(cohort, xlsx(rows, header=header))
    assert batch.errors == []
    # Twice the records of the plain file (a mentor and a login each): still chunks, not rows,
    # the audit entries' chunks on SQLite included (220, not 200; see the test above).
    with django_assert_max_num_queries(220):
        import_apply(batch=batch)
    assert Mentor.objects.filter(user__isnull=False).count() == 2000


# Limits on what a file may hold (issue 13): past them the whole file is refused with the
# reason, never read in part.


def test_a_csv_wider_than_the_limit_is_refused_with_its_row(cohort):
    text = csv_text_of([["19960512 202203 1 142", "Ahmad", "III/a", "Analis", "Dinas Kesehatan "
                         "Kota Tangerang", *[""] * 60, "catatan"]])  # fmt: skip
    with pytest.raises(ImportFileError) as error:
        check(cohort, csv_file(text))
    assert error.value.messages == [
        "Baris 2 berisi 66 kolom; daftar peserta paling lebar 60 kolom. Hapus isian di luar "
        "tabel lalu unggah ulang."
    ]


def test_empty_cells_past_the_table_in_a_csv_are_not_counted(cohort):
    text = csv_text_of([["19960512 202203 1 142", "Ahmad", "III/a", "Analis", "Dinas Kesehatan "
                         "Kota Tangerang", *[""] * 200]])  # fmt: skip
    assert [r["nip"] for r in check(cohort, csv_file(text)).rows] == ["199605122022031142"]


def test_a_csv_with_a_value_past_row_20000_is_refused(cohort):
    text = csv_text_of([]) + ";;;;\r\n" * 20_000 + "catatan\r\n"
    with pytest.raises(ImportFileError) as error:
        check(cohort, csv_file(text))
    assert error.value.messages == [
        "Ada isian di baris 20.002; daftar peserta dibaca sampai baris 20.000. Hapus isian di "
        "bawah tabel lalu unggah ulang."
    ]


def test_a_csv_of_too_many_cells_or_bytes_is_refused_before_it_is_split(cohort):
    with pytest.raises(ImportFileError) as error:
        check(cohort, csv_file(csv_text_of([]) + ";" * 300_001))
    assert error.value.messages == [
        "Berkas CSV berisi lebih dari 300.000 sel. Simpan tabel pesertanya saja lalu unggah ulang."
    ]
    with pytest.raises(ImportFileError) as error:
        check(cohort, csv_file(csv_text_of([]) + "#" * (5 * 1024 * 1024)))
    assert error.value.messages == ["Berkas CSV lebih dari 5 MB."]


def csv_text_of(rows):
    header = "NIP;Nama;Pangkat;Jabatan;Instansi\r\n"
    return header + "".join(";".join(row) + "\r\n" for row in rows)


def test_participants_below_a_long_gap_are_read_too(cohort):
    # Before issue 13 reading stopped at row 5,020: a second block pasted further down was
    # left out without a word.
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["19960512 202203 1 142", "Ahmad", "III/a", "Analis", "",
                  "Dinas Kesehatan Kota Tangerang", "", ""])  # fmt: skip
    for n, column in enumerate(["199702042022032007", "Dewi", "II/c", "Perawat", "",
                                "Dinas Kesehatan Kota Tangerang"], 1):  # fmt: skip
        sheet.cell(row=9000, column=n, value=column)
    buffer = io.BytesIO()
    book.save(buffer)
    batch = check(cohort, SimpleUploadedFile("peserta.xlsx", buffer.getvalue()))
    assert [(r["row"], r["nip"]) for r in batch.rows] == [
        (2, "199605122022031142"),
        (9000, "199702042022032007"),
    ]


def test_a_sheet_that_understates_its_width_is_read_to_its_last_column(cohort):
    # openpyxl read only as wide as the sheet's <dimension> said: the e-mail was dropped.
    upload = xlsx([["19960512 202203 1 142", "Ahmad", "III/a", "Analis", "",
                    "Dinas Kesehatan Kota Tangerang", "ahmad@example.go.id", ""]])  # fmt: skip
    content = upload.read()
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            part = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                assert b'<dimension ref="A1:H2"/>' in part
                part = part.replace(b'<dimension ref="A1:H2"/>', b'<dimension ref="A1:F2"/>')
            target.writestr(info.filename, part)
    batch = check(cohort, SimpleUploadedFile("peserta.xlsx", buffer.getvalue()))
    assert [r["email"] for r in batch.rows] == ["ahmad@example.go.id"]


def test_a_value_past_column_60_refuses_the_workbook(cohort):
    row = ["19960512 202203 1 142", "Ahmad", "III/a", "Analis", "",
           "Dinas Kesehatan Kota Tangerang", "", ""]  # fmt: skip
    upload = xlsx([[*row, *[None] * 52, "catatan"]])
    with pytest.raises(ImportFileError) as error:
        check(cohort, upload)
    assert error.value.messages == [
        "Ada isian di kolom BI baris 2; daftar peserta paling lebar 60 kolom (sampai kolom BH). "
        "Hapus isian di luar tabel lalu unggah ulang."
    ]
