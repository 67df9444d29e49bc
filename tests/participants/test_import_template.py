"""The import template cannot import its own example (issue 14), and exports say what they
are: a title block above an unambiguous header, which the importer finds wherever it is."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from participants.importing import (
    ERROR_ONLY_EXAMPLE,
    EXAMPLE_ROW,
    ImportFileError,
    import_apply,
    import_check,
)
from participants.models import Participant

from ..factories import AgencyFactory, CohortFactory, enrol, staff_user, valid_nip

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    AgencyFactory(name="Dinas Kesehatan Kota Tangerang", code="dinkes-tng")
    return CohortFactory(start_date=date(2022, 7, 8))


def template(client, kind):
    client.force_login(staff_user())
    return client.get(reverse("participants:import_template", args=[kind]))


def filled(book, people):
    """The template as a clerk fills it: the participants typed below the example row."""
    sheet = book.active
    for person in people:
        sheet.append(person)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("peserta.xlsx", buffer.getvalue())


def person(n):
    return [valid_nip(n), f"Peserta {n}", "III/a", "Analis", "", "Dinas Kesehatan Kota Tangerang"]


def test_the_template_marks_its_example_and_says_what_to_do(client):
    book = openpyxl.load_workbook(io.BytesIO(template(client, "xlsx").content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Templat impor peserta Angkatan"
    assert "tidak pernah diimpor" in rows[1][0]
    header_at = next(i for i, row in enumerate(rows) if row[0] == "NIP")
    header, example = rows[header_at], rows[header_at + 1]
    assert header[-1] == "Keterangan" and example[-1] == "CONTOH, tidak diimpor"
    cell = book.active.cell(row=header_at + 2, column=2)
    assert cell.font.italic  # shown as a hint, not as data
    # The header is bold and stays in view: the panes are frozen just below it.
    assert book.active.cell(row=header_at + 1, column=1).font.bold
    assert book.active.freeze_panes == f"A{header_at + 2}"

    text = template(client, "csv").content.decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(text)))
    assert lines[0][0] == "NIP" and lines[1][-1] == "CONTOH, tidak diimpor"


def test_participants_typed_below_the_example_are_imported_and_the_example_is_not(client, cohort):
    book = openpyxl.load_workbook(io.BytesIO(template(client, "xlsx").content))
    batch = import_check(
        cohort=cohort, uploaded=filled(book, [person(1), person(2)]), uploaded_by=None
    )
    assert batch.errors == []
    assert batch.summary["total"] == 2 and batch.summary["examples"] == [6]
    import_apply(batch=batch)
    names = set(Participant.objects.values_list("name", flat=True))
    assert names == {"Peserta 1", "Peserta 2"}
    assert EXAMPLE_ROW[1] not in names

    client.force_login(staff_user())
    preview = reverse("participants:import_preview", args=[cohort.pk, batch.pk])
    page = client.get(preview).content.decode()
    assert "Baris 6: contoh dari templat, tidak diimpor." in page


def test_the_example_copied_down_or_half_edited_is_still_not_imported(cohort):
    """A clerk who copies the example row down and changes only some cells enrols nobody
    under the example's number."""
    header = ["NIP", "Nama Lengkap dan Gelar", "Pangkat/Golongan", "Jabatan", "Jenjang Jabatan",
              "Instansi"]  # fmt: skip
    book = openpyxl.Workbook()
    book.active.append(header)
    half_edited = [EXAMPLE_ROW[0], "Nama Sungguhan", *EXAMPLE_ROW[2:6]]
    batch = import_check(
        cohort=cohort, uploaded=filled(book, [half_edited, person(3)]), uploaded_by=None
    )
    assert batch.summary["examples"] == [2]
    assert [row["name"] for row in batch.rows] == ["Peserta 3"]


def test_the_template_uploaded_unchanged_says_it_holds_only_the_example(client, cohort):
    upload = SimpleUploadedFile("templat.xlsx", template(client, "xlsx").content)
    with pytest.raises(ImportFileError) as error:
        import_check(cohort=cohort, uploaded=upload, uploaded_by=None)
    assert error.value.messages == [str(ERROR_ONLY_EXAMPLE)]


def test_a_roster_export_reads_back_in_below_its_title_block(client, cohort):
    """The export's header sits under its title block; the importer finds it there, and the
    shared names (NIP, name, rank, ...) mean the same in both."""
    enrolled = enrol(cohort)
    client.force_login(staff_user())
    export = client.get(reverse("participants:roster_export", args=[cohort.pk, "xlsx"]))
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.iter_rows())
    assert rows[2][0].value.startswith("Penyelenggara: ")
    assert rows[3][0].value.startswith("Diunduh ")
    upload = SimpleUploadedFile("peserta.xlsx", export.content)
    batch = import_check(cohort=cohort, uploaded=upload, uploaded_by=None)
    assert batch.errors == []
    assert [row["nip"] for row in batch.rows] == [enrolled.participant.nip]
    assert batch.summary["enrolled"] == 1
