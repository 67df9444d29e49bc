"""The empty sign-in sheet of a campus day (daftar hadir), and the phase report's list of those
who cross the program's attendance rules."""

import io
from datetime import date, timedelta

import pypdf
import pytest
from django.urls import reverse

from cohorts.services import phase_days
from curriculum.models import PhaseKind
from documents.phase_reports import phase_report_make
from participants.models import Attendance, Enrolment

from ..factories import CohortFactory, TrainingAgencyFactory, enrol, staff_user
from ..pdf_tools import pdf_text

pytestmark = pytest.mark.django_db


def signature_places(data):
    """Where on the first page each "n." (a signature place) is written: its x coordinate."""
    places = {}

    def visit(text, cm, tm, font, size):
        if text.strip().endswith(".") and text.strip()[:-1].isdigit():
            places[text.strip()] = round(tm[4] * cm[0] + cm[4])

    pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text(visitor_text=visit)
    return places


@pytest.fixture
def cohort():
    return CohortFactory(start_date=date(2022, 7, 8))


def named(cohort, name):
    enrolment = enrol(cohort)
    enrolment.participant.name = name
    enrolment.participant.save(update_fields=["name"])
    return enrolment


def test_the_sheet_lists_the_participants_with_alternating_signatures(
    client, cohort, django_assert_num_queries
):
    people = [named(cohort, f"Peserta Nomor {n}") for n in range(1, 5)]
    gone = named(cohort, "Dodi Mundur")
    Enrolment.objects.filter(pk=gone.pk).update(status="withdrawn")
    phase = cohort.phases.get(kind=PhaseKind.CLASSICAL)
    day = phase_days(phase)[-1]
    client.force_login(staff_user())
    url = reverse("documents:sign_in_sheet", args=[cohort.pk, phase.pk, day])
    client.get(url)  # the audit row's content type, read once per process
    # session, user, permissions (2), the phase with its cohort, the phase's days (non-working
    # days), the participants, the audit row
    with django_assert_num_queries(8):
        response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "DAFTAR HADIR PESERTA" in text and str(cohort) in text
    for enrolment in people:
        assert enrolment.participant.name in text
        assert enrolment.participant.agency.name in text
    assert "Dodi Mundur" not in text  # withdrawn
    # Odd numbers sign on the left of the signature column, even ones on the right: the
    # number where each signs ("1.", "2.", ...) alternates between two places across the page.
    places = signature_places(response.content)
    assert sorted(places) == ["1.", "2.", "3.", "4."]
    assert places["1."] == places["3."] < places["2."] == places["4."]


def test_only_the_days_of_a_campus_phase_have_a_sheet(client, cohort):
    phase = cohort.phases.get(kind=PhaseKind.CLASSICAL)
    online = cohort.phases.get(kind="mooc")
    client.force_login(staff_user())
    outside = phase.end_date + timedelta(days=1)
    assert (
        client.get(
            reverse("documents:sign_in_sheet", args=[cohort.pk, phase.pk, outside])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("documents:sign_in_sheet", args=[cohort.pk, online.pk, online.start_date])
        ).status_code
        == 404
    )


def test_another_agencys_staff_get_404(client, cohort):
    phase = cohort.phases.get(kind=PhaseKind.CLASSICAL)
    client.force_login(staff_user(institutions=[TrainingAgencyFactory(code="lain")]))
    url = reverse("documents:sign_in_sheet", args=[cohort.pk, phase.pk, phase.start_date])
    assert client.get(url).status_code == 404


def test_the_attendance_page_offers_the_sheet_and_the_recap(client, cohort):
    phase = cohort.phases.get(kind=PhaseKind.CLASSICAL)
    day = phase_days(phase)[0]
    client.force_login(staff_user())
    page = client.get(reverse("participants:attendance", args=[cohort.pk, phase.pk, day]))
    html = page.content.decode()
    assert reverse("documents:sign_in_sheet", args=[cohort.pk, phase.pk, day]) in html
    assert reverse("participants:attendance_recap_export", args=[cohort.pk]) in html


def test_the_phase_report_lists_who_crosses_the_rules(settings, tmp_path, cohort):
    settings.MEDIA_ROOT = tmp_path
    phase = cohort.phases.get(kind=PhaseKind.CLASSICAL)
    days = phase_days(phase)
    absent, present = named(cohort, "Ani Sering Alpa"), named(cohort, "Budi Selalu Hadir")
    cohort.program.max_unexcused_absences = 1
    cohort.program.save(update_fields=["max_unexcused_absences"])
    Attendance.objects.bulk_create(
        [Attendance(enrolment=absent, phase=phase, date=d, status="alpa") for d in days[:2]]
        + [Attendance(enrolment=present, phase=phase, date=d, status="hadir") for d in days]
    )
    text = " ".join(pdf_text(phase_report_make(phase=phase).pdf.read()).split())
    section = text[text.index("Peserta yang melewati batas presensi") :]
    assert "alpa paling banyak 1 hari" in section
    assert "Ani Sering Alpa" in section and "alpa lebih dari 1 hari" in section
    assert "Budi Selalu Hadir" not in section
