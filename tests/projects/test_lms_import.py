"""Academic scores from a Moodle gradebook export ("Export grades", CSV or XLSX): matched by
NIP or e-mail, previewed with unmatched rows and row errors, imported all or nothing."""

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from config import roles
from projects.models import ComponentScore

from ..factories import (
    TrainingAgencyFactory,
    UserFactory,
    enrol,
    gradebook_world,
    staff_user,
)
from ..test_hostile_files import BASE_XLSX, SHEET, billion_laughs, edited, with_doctype, zip_bomb

pytestmark = pytest.mark.django_db

# Moodle's header with the default grade_export_userprofilefields, two grade items and the
# course total, as grade/export/lib.php writes them.
HEADER = [
    "First name", "Surname", "ID number", "Institution", "Department", "Email address",
    "Quiz: Modul 1 (Real)", "Quiz: Modul 2 (Real)", "Course total (Real)",
    "Last downloaded from this course",
]  # fmt: skip


def moodle_row(enrolment, total, *, idnumber=None, email=None, quiz="80.00"):
    participant = enrolment.participant if enrolment else None
    return [
        "Peserta", "Uji",
        idnumber if idnumber is not None else participant.nip,
        "BPSDM", "",
        email if email is not None else (participant.email if participant else ""),
        quiz, "-", total, "1700000000",
    ]  # fmt: skip


def csv_file(rows, name="nilai.csv"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"))


def xlsx_file(rows, name="nilai.xlsx"):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return SimpleUploadedFile(name, out.getvalue())


@pytest.fixture
def world():
    cohort, attitude, academic, first, second = gradebook_world()
    for n, enrolment in enumerate((first, second)):
        enrolment.participant.email = f"peserta{n}@example.go.id"
        enrolment.participant.save()
    return {"cohort": cohort, "academic": academic, "first": first, "second": second}


@pytest.fixture
def staff(client):
    user = staff_user()
    client.force_login(user)
    return user


def upload(client, cohort, uploaded):
    return client.post(reverse("projects:lms_upload", args=[cohort.pk]), {"file": uploaded})


def preview_url(cohort, **params):
    url = reverse("projects:lms_preview", args=[cohort.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def academic_scores(world):
    return {
        s.enrolment_id: s.score for s in ComponentScore.objects.filter(component=world["academic"])
    }


def test_matching_by_nip_in_id_number_previews_then_records_on_the_gradebook(client, staff, world):
    cohort, first, second = world["cohort"], world["first"], world["second"]
    rows = [moodle_row(first, "85.50"), moodle_row(second, "72,25")]
    response = upload(client, cohort, csv_file(rows))
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    # Course total is proposed for the academic component, the NIP in ID number to match.
    assert "selected>Course total (Real)</option>" in page
    assert "85,50" in page and "72,25" in page
    assert first.participant.name in page
    assert "belum menyelesaikan" not in page
    assert academic_scores(world) == {}  # a preview saves nothing
    column = HEADER.index("Course total (Real)")
    confirm = client.post(
        reverse("projects:lms_preview", args=[cohort.pk]),
        {"rule": "idnumber", f"c{world['academic'].pk}": column},
    )
    assert confirm.status_code == 302
    assert academic_scores(world) == {first.pk: Decimal("85.50"), second.pk: Decimal("72.25")}
    gradebook = client.get(confirm.url).content.decode()
    assert "2 nilai dari LMS disimpan." in gradebook
    assert "85,50" in gradebook and "72,25" in gradebook
    # Recorded through the gradebook service: the history says where it came from.
    history = ComponentScore.history.filter(enrolment=first).first()
    assert history.history_user == staff


def test_matching_by_email_from_xlsx(client, staff, world):
    cohort, first, second = world["cohort"], world["first"], world["second"]
    rows = [
        moodle_row(first, "90", idnumber=""),
        moodle_row(second, "60", idnumber="", email="PESERTA1@example.go.id"),
    ]
    upload(client, cohort, xlsx_file(rows))
    column = HEADER.index("Course total (Real)")
    params = {"rule": "email", f"c{world['academic'].pk}": column}
    page = client.get(preview_url(cohort, **params)).content.decode()
    assert "Tidak cocok" not in page
    client.post(reverse("projects:lms_preview", args=[cohort.pk]), params)
    assert academic_scores(world) == {first.pk: Decimal("90"), second.pk: Decimal("60")}


def test_a_dash_is_not_completed_and_flagged_while_the_classical_phase_runs(client, staff, world):
    cohort, first, second = world["cohort"], world["first"], world["second"]
    upload(client, cohort, csv_file([moodle_row(first, "88"), moodle_row(second, "-")]))
    page = client.get(preview_url(cohort)).content.decode()
    flags = page.split('id="lms-not-completed"')[1].split("</div>")[0]
    assert "1 peserta belum menyelesaikan MOOC/e-learning" in flags
    assert second.participant.name in flags and first.participant.name not in flags
    assert "alert-danger" in page.split('id="lms-not-completed"')[0].rsplit("<div", 1)[1]
    assert "tahap klasikal sudah dimulai" in flags  # the cohort started in 2022
    # Before the classical phase, the same list is a warning.
    later = date.today() + timedelta(days=400)
    cohort.phases.update(start_date=later, end_date=later + timedelta(days=5))
    page = client.get(preview_url(cohort)).content.decode()
    assert "tahap klasikal sudah dimulai" not in page
    assert "alert-warning" in page.split('id="lms-not-completed"')[0].rsplit("<div", 1)[1]
    # Confirming records the completed one only.
    column = HEADER.index("Course total (Real)")
    client.post(
        reverse("projects:lms_preview", args=[cohort.pk]),
        {"rule": "idnumber", f"c{world['academic'].pk}": column},
    )
    assert academic_scores(world) == {first.pk: Decimal("88")}


def test_a_participant_missing_from_the_file_is_flagged_and_unmatched_rows_listed(
    client, staff, world
):
    cohort, first, second = world["cohort"], world["first"], world["second"]
    rows = [
        moodle_row(first, "75"),
        moodle_row(None, "99", idnumber="199001012015051999", email="guru@example.go.id"),
        moodle_row(None, "50", idnumber="", email="x@example.go.id"),
        moodle_row(None, "50", idnumber="pengajar1", email="y@example.go.id"),
    ]
    upload(client, cohort, csv_file(rows))
    page = client.get(preview_url(cohort)).content.decode()
    unmatched = page.split('id="lms-unmatched"')[1].split("</ul>")[0]
    assert "Baris 3: NIP 199001012015051999 tidak terdaftar di angkatan ini." in unmatched
    assert "Baris 4: Kolom ID number kosong." in unmatched
    assert "Baris 5: “pengajar1” bukan NIP." in unmatched
    assert second.participant.name in page.split('id="lms-not-completed"')[1]
    assert 'id="lms-confirm"' in page  # unmatched rows do not stop the import


def test_an_out_of_range_value_names_its_row_and_column_and_saves_nothing(client, staff, world):
    cohort, first, second = world["cohort"], world["first"], world["second"]
    upload(client, cohort, csv_file([moodle_row(first, "80"), moodle_row(second, "105.00")]))
    page = client.get(preview_url(cohort)).content.decode()
    errors = page.split('id="lms-row-errors"')[1].split("</div>")[0]
    assert "Baris 3, kolom “Course total (Real)”: nilai 105.00 di luar 0–100." in errors
    assert 'id="lms-confirm"' not in page
    column = HEADER.index("Course total (Real)")
    response = client.post(
        reverse("projects:lms_preview", args=[cohort.pk]),
        {"rule": "idnumber", f"c{world['academic'].pk}": column},
    )
    assert response.status_code == 200
    assert academic_scores(world) == {}  # the good row is not saved either


def test_a_text_grade_is_a_row_error(client, staff, world):
    cohort, first = world["cohort"], world["first"]
    upload(client, cohort, csv_file([moodle_row(first, "A")]))
    page = client.get(preview_url(cohort)).content.decode()
    assert "Baris 2, kolom “Course total (Real)”: “A” bukan angka." in page


@pytest.mark.parametrize(
    "hostile",
    [
        lambda: zip_bomb("xl/media/foto.png"),
        lambda: edited(BASE_XLSX, SHEET, lambda xml: with_doctype(xml, *billion_laughs())),
        lambda: edited(
            BASE_XLSX,
            SHEET,
            lambda xml: with_doctype(
                xml, '<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>', "&xxe;"
            ),
        ),
    ],
    ids=["zip bomb", "billion laughs", "external entity"],
)
def test_a_hostile_xlsx_is_a_form_error(client, staff, world, hostile):
    cohort = world["cohort"]
    response = upload(client, cohort, SimpleUploadedFile("nilai.xlsx", hostile()))
    assert response.status_code == 200
    assert "Berkas XLSX" in response.content.decode()
    assert f"lms_import_{cohort.pk}" not in client.session


def test_permissions(client, world):
    cohort = world["cohort"]
    urls = [
        reverse("projects:lms_upload", args=[cohort.pk]),
        reverse("projects:lms_preview", args=[cohort.pk]),
    ]
    client.force_login(staff_user(institutions=[TrainingAgencyFactory(code="bpsdm-lain")]))
    assert [client.get(url).status_code for url in urls] == [404, 404]
    client.force_login(UserFactory(role=roles.PARTICIPANT))
    assert [client.get(url).status_code for url in urls] == [403, 403]
    client.force_login(world["first"].coach)
    assert [client.get(url).status_code for url in urls] == [403, 403]
    client.force_login(staff_user())
    # The gradebook links to the upload; without a file the preview sends back to it.
    assert urls[0] in client.get(reverse("projects:gradebook", args=[cohort.pk])).content.decode()
    assert client.get(urls[0]).status_code == 200
    assert client.get(urls[1]).url == urls[0]


# The session, the user, their permissions (twice) and groups (the menu), the cohort, the
# program's components (read by the page and by the preview), the cohort's enrolments with
# their participants and accounts, and whether the classical phase has started: none per row.
PREVIEW_QUERIES = 10


def preview_queries(client, cohort, enrolments):
    upload(client, cohort, csv_file([moodle_row(e, "70") for e in enrolments]))
    with CaptureQueriesContext(connection) as queries:
        assert client.get(preview_url(cohort)).status_code == 200
    return len(queries)


def test_the_preview_runs_a_fixed_number_of_queries(client, staff, world):
    cohort = world["cohort"]
    small = preview_queries(client, cohort, [world["first"], world["second"]])
    more = [world["first"], world["second"], *(enrol(cohort) for _ in range(6))]
    # No query per row: matching, flags and the table read the cohort's enrolments once.
    assert preview_queries(client, cohort, more) == small == PREVIEW_QUERIES


def test_a_participant_on_two_rows_is_a_row_error(client, staff, world):
    cohort, first = world["cohort"], world["first"]
    upload(client, cohort, csv_file([moodle_row(first, "80"), moodle_row(first, "81")]))
    page = client.get(preview_url(cohort)).content.decode()
    name = first.participant.name
    assert f"Baris 3: peserta {name} sudah ada di baris 2; hapus salah satunya." in page
    assert 'id="lms-confirm"' not in page


def test_matching_by_nip_in_the_username_column_with_semicolons(client, staff, world):
    cohort, first = world["cohort"], world["first"]
    text = f"Username;Email address;Course total (Real)\n{first.participant.nip};;77,5\n"
    upload(client, cohort, SimpleUploadedFile("nilai.csv", text.encode("utf-8-sig")))
    page = client.get(preview_url(cohort)).content.decode()
    # The file has a Username column and no ID number: the rule follows; the course total too.
    assert '<option value="username" selected>' in page
    assert '<option value="2" selected>Course total (Real)</option>' in page
    assert "77,5" in page
    column = 2
    client.post(
        reverse("projects:lms_preview", args=[cohort.pk]),
        {"rule": "username", f"c{world['academic'].pk}": column},
    )
    assert academic_scores(world) == {first.pk: Decimal("77.5")}
