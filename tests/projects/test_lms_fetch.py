"""Academic scores fetched from the LMS's web services (the Moodle stand-in), then the same
mapping, preview and all-or-nothing import as an uploaded gradebook export."""

import contextlib
from decimal import Decimal

import pytest
from django.urls import reverse

from config import roles
from demo.standins.lms import MoodleStandIn
from projects.lms_fetch import lms_course_default
from projects.models import ComponentScore

from ..factories import TrainingAgencyFactory, UserFactory, gradebook_world, staff_user
from ..standins import running

pytestmark = pytest.mark.django_db
TOKEN = "token-uji"


@pytest.fixture
def world():
    cohort, attitude, academic, first, second = gradebook_world()
    return {"cohort": cohort, "academic": academic, "first": first, "second": second}


def course_of(world, *, second_total=72.25):
    """The cohort's MOOC course: both participants (NIP as ID number), a teacher, a tester."""
    cohort, first, second = world["cohort"], world["first"], world["second"]
    users = [
        (first.participant.nip, {"1": 90, "9": 85.5}),
        (second.participant.nip, {"1": 60, "9": second_total}),
        ("199001012015051999", {"1": 99, "9": 99}),  # a NIP of another cohort
        ("", {"1": 10, "9": 10}),  # a tester without an ID number
    ]
    return {
        "id": 5, "shortname": lms_course_default(cohort), "idnumber": "", "fullname": "MOOC",
        "items": [{"id": 1, "itemname": "Modul 1", "itemtype": "mod", "itemmodule": "quiz"},
                  {"id": 9, "itemname": None, "itemtype": "course"}],
        "users": [{"id": 30 + n, "username": f"u{n}", "firstname": "Peserta", "lastname": str(n),
                   "email": "", "idnumber": nip, "grades": grades}
                  for n, (nip, grades) in enumerate(users)],
    }  # fmt: skip


@pytest.fixture
def lms(settings):
    """Starts the stand-in with the cohort's course, and configures Angkatan to call it."""
    with contextlib.ExitStack() as stack:

        def start(world, **course):
            stand_in = MoodleStandIn(token=TOKEN, courses=[course_of(world, **course)])
            stack.enter_context(running(stand_in))
            settings.LMS_BASE_URL, settings.LMS_TOKEN = stand_in.url, TOKEN
            settings.LMS_TIMEOUT = 1  # a hung request is held until the stand-in stops
            return stand_in

        yield start


def academic_scores(world):
    return {
        s.enrolment_id: s.score for s in ComponentScore.objects.filter(component=world["academic"])
    }


def fetch_url(cohort):
    return reverse("projects:lms_fetch", args=[cohort.pk])


def test_fetching_the_course_fills_the_academic_scores_through_the_preview(client, world, lms):
    cohort, first, second = world["cohort"], world["first"], world["second"]
    lms(world)
    client.force_login(staff_user())
    # The upload page offers the fetch; the fetch page proposes the cohort's course name.
    upload = client.get(reverse("projects:lms_upload", args=[cohort.pk])).content.decode()
    assert fetch_url(cohort) in upload
    page = client.get(fetch_url(cohort)).content.decode()
    assert f'value="{lms_course_default(cohort)}"' in page
    response = client.post(fetch_url(cohort), {"course": lms_course_default(cohort)})
    assert response.status_code == 302
    assert response.url == reverse("projects:lms_preview", args=[cohort.pk])
    preview = client.get(response.url).content.decode()
    # The same preview as a file's: course total proposed, two unmatched users listed.
    assert "selected>Course total (Real)</option>" in preview
    assert "85,50" in preview and "72,25" in preview
    unmatched = preview.split('id="lms-unmatched"')[1].split("</ul>")[0]
    assert "Baris 4: NIP 199001012015051999 tidak terdaftar di angkatan ini." in unmatched
    assert "Baris 5: Kolom ID number kosong." in unmatched
    assert fetch_url(cohort) in preview  # "Ambil lagi dari LMS"
    assert academic_scores(world) == {}
    # Column 6: Course total, after the five user columns and Modul 1.
    confirm = client.post(response.url, {"rule": "idnumber", f"c{world['academic'].pk}": 6})
    assert confirm.status_code == 302
    assert academic_scores(world) == {first.pk: Decimal("85.50"), second.pk: Decimal("72.25")}
    assert "2 nilai dari LMS disimpan." in client.get(confirm.url).content.decode()


def test_a_participant_without_a_course_total_is_flagged_not_completed(client, world, lms):
    cohort, second = world["cohort"], world["second"]
    lms(world, second_total=None)
    client.force_login(staff_user())
    client.post(fetch_url(cohort), {"course": lms_course_default(cohort)})
    preview = client.get(reverse("projects:lms_preview", args=[cohort.pk])).content.decode()
    flags = preview.split('id="lms-not-completed"')[1].split("</div>")[0]
    assert "1 peserta belum menyelesaikan MOOC/e-learning" in flags
    assert second.participant.name in flags


def test_an_unknown_course_or_a_silent_lms_is_said_on_the_page_and_nothing_kept(client, world, lms):
    cohort = world["cohort"]
    stand_in = lms(world)
    client.force_login(staff_user())
    page = client.post(fetch_url(cohort), {"course": "TIDAK-ADA"})
    assert page.status_code == 200
    assert "Kursus “TIDAK-ADA” tidak ditemukan di LMS" in page.content.decode()
    assert 'value="TIDAK-ADA"' in page.content.decode()  # the input is kept
    stand_in.hang_next()
    page = client.post(fetch_url(cohort), {"course": lms_course_default(cohort)}).content.decode()
    assert "LMS tidak menjawab dalam 1 detik. Coba lagi nanti." in page
    assert f"lms_import_{cohort.pk}" not in client.session
    assert academic_scores(world) == {}


def test_not_configured_says_so_and_offers_the_upload(client, world, settings):
    cohort = world["cohort"]
    settings.LMS_BASE_URL = settings.LMS_TOKEN = ""
    client.force_login(staff_user())
    page = client.get(fetch_url(cohort)).content.decode()
    assert "LMS belum diatur: isi LMS_BASE_URL di lingkungan server." in page
    assert reverse("projects:lms_upload", args=[cohort.pk]) in page
    assert 'id="lms-fetch"' not in page
    response = client.post(fetch_url(cohort), {"course": "X"})
    assert response.status_code == 200
    assert f"lms_import_{cohort.pk}" not in client.session


def test_permissions(client, world, lms):
    cohort = world["cohort"]
    stand_in = lms(world)
    url = fetch_url(cohort)
    data = {"course": lms_course_default(cohort)}
    client.force_login(staff_user(institutions=[TrainingAgencyFactory(code="bpsdm-lain")]))
    assert [client.get(url).status_code, client.post(url, data).status_code] == [404, 404]
    client.force_login(UserFactory(role=roles.PARTICIPANT))
    assert client.post(url, data).status_code == 403
    client.force_login(world["first"].coach)
    assert client.post(url, data).status_code == 403
    assert stand_in.calls == []  # nobody refused reached the LMS
    client.force_login(UserFactory(role=roles.ADMINISTRATOR))
    assert client.post(url, data).status_code == 302
