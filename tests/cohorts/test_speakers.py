"""Sessions carry their weight: each has its JP, and is taught by a widyaiswara or by an
outside speaker from the register its organiser's staff keep (issue 16, item 1)."""

from datetime import date, time

import pytest
from django.urls import reverse

from cohorts.models import ClassSession, Speaker
from cohorts.services import session_add, session_jp, speaker_create
from participants.services import participant_account_ensure

from ..factories import (
    PASSWORD,
    CohortFactory,
    TrainingAgencyFactory,
    administrator_user,
    enrol,
    home_agency,
    staff_user,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db

GOVERNOR = "Dr. H. Ahmad Fauzan, M.Si."


def governor(institution):
    return speaker_create(
        institution=institution,
        name=GOVERNOR,
        kind=Speaker.Kind.OFFICIAL,
        origin="Pemerintah Provinsi Banten",
        position="Penjabat Gubernur Banten",
    )


@pytest.fixture
def cohort():
    return CohortFactory(start_date=date(2022, 7, 8), venue="Kampus BPSDMD, Karang Tanjung")


def session_url(cohort, phase, day):
    return reverse("cohorts:session_add", args=[cohort.pk, phase.pk, day])


def phase_url(cohort, phase):
    return reverse("cohorts:phase_detail", args=[cohort.pk, phase.pk])


def test_staff_add_a_speaker_to_their_register_find_them_and_correct_them(client):
    client.force_login(staff_user())
    response = client.post(
        reverse("cohorts:speaker_create"),
        {
            "institution": home_agency().pk,
            "name": "Ir. Maya Kartika Sari, M.T.",
            "kind": "praktisi",
            "origin": "Diskominfo Provinsi Banten",
            "position": "Kepala Bidang e-Government",
            "phone": "081234567801",
            "email": "maya@contoh.go.id",
        },
    )
    assert response.status_code == 302 and response.url == reverse("cohorts:speaker_list")
    speaker = Speaker.objects.get()
    assert (speaker.institution, speaker.kind) == (home_agency(), Speaker.Kind.PRACTITIONER)

    page = client.get(reverse("cohorts:speaker_list"), {"q": "maya"}).content.decode()
    assert "Ir. Maya Kartika Sari, M.T." in page and "Praktisi" in page
    assert (
        "Ir. Maya"
        not in client.get(reverse("cohorts:speaker_list"), {"q": "rudi"}).content.decode()
    )

    edit = reverse("cohorts:speaker_edit", args=[speaker.pk])
    assert "Kepala Bidang e-Government" in client.get(edit).content.decode()
    response = client.post(
        edit,
        {"name": "Ir. Maya Kartika Sari, M.T.", "kind": "pakar", "position": "Kepala Dinas"},
    )
    assert response.status_code == 302
    speaker.refresh_from_db()
    assert (speaker.kind, speaker.position, speaker.origin) == ("pakar", "Kepala Dinas", "")
    assert speaker.institution == home_agency()


def test_a_name_twice_in_one_register_is_refused_and_nothing_is_saved(client):
    client.force_login(staff_user())
    governor(home_agency())
    response = client.post(
        reverse("cohorts:speaker_create"),
        {"institution": home_agency().pk, "name": GOVERNOR, "kind": "pejabat"},
    )
    assert response.status_code == 200
    assert "Narasumber dengan nama ini sudah ada di daftar." in response.content.decode()
    assert Speaker.objects.count() == 1


def test_staff_of_another_agency_neither_see_nor_edit_the_register():
    from django.test import Client

    other_agency = TrainingAgencyFactory(code="bpsdm-jatim-uji", name="BPSDM Jatim Uji")
    speaker = governor(home_agency())
    theirs = Client()
    theirs.force_login(staff_user(institutions=[other_agency], username="staf-jatim"))
    assert GOVERNOR not in theirs.get(reverse("cohorts:speaker_list")).content.decode()
    edit = reverse("cohorts:speaker_edit", args=[speaker.pk])
    assert theirs.get(edit).status_code == 404
    assert theirs.post(edit, {"name": "Diubah", "kind": "pakar"}).status_code == 404
    # Nor can they add a speaker to the other agency's register.
    response = theirs.post(
        reverse("cohorts:speaker_create"),
        {"institution": home_agency().pk, "name": "Orang Lain", "kind": "pakar"},
    )
    assert response.status_code == 200 and "institution" in response.context["form"].errors
    speaker.refresh_from_db()
    assert speaker.name == GOVERNOR and Speaker.objects.count() == 1

    administrator = Client()
    administrator.force_login(administrator_user())
    assert GOVERNOR in administrator.get(reverse("cohorts:speaker_list")).content.decode()
    assert administrator.get(edit).status_code == 200


def test_participants_and_widyaiswara_are_refused_the_register(client, cohort):
    speaker = governor(home_agency())
    participant = participant_account_ensure(
        participant=enrol(cohort).participant, password=PASSWORD
    )
    for user in (participant, widyaiswara_user()):
        client.force_login(user)
        for url in (
            reverse("cohorts:speaker_list"),
            reverse("cohorts:speaker_create"),
            reverse("cohorts:speaker_edit", args=[speaker.pk]),
        ):
            assert client.get(url).status_code == 403, url
        response = client.post(
            reverse("cohorts:speaker_create"),
            {"institution": home_agency().pk, "name": "Orang Lain", "kind": "pakar"},
        )
        assert response.status_code == 403
    assert Speaker.objects.count() == 1


def test_a_session_by_an_outside_speaker_shows_on_the_phase_page_with_its_jp(client, cohort):
    client.force_login(staff_user())
    speaker = governor(home_agency())
    classical = cohort.phases.get(kind="classical")
    form = client.get(session_url(cohort, classical, classical.start_date)).context["form"]
    assert list(form.fields["speaker"].queryset) == [speaker]
    response = client.post(
        session_url(cohort, classical, classical.start_date),
        {"start_time": "07:30", "end_time": "08:15", "subject": "Pembukaan", "speaker": speaker.pk,
         "room": "Aula", "jp": "2"},
    )  # fmt: skip
    assert response.status_code == 302
    session = ClassSession.objects.get()
    assert (session.speaker, session.widyaiswara, session.jp) == (speaker, None, 2)

    page = client.get(phase_url(cohort, classical)).content.decode()
    assert f'Pembukaan\n        <span class="small text-muted">· 2 JP · {GOVERNOR}' in page


def test_another_organisers_speaker_cannot_teach_the_cohort(client, cohort):
    client.force_login(staff_user())
    elsewhere = governor(TrainingAgencyFactory(code="bpsdm-lain", name="BPSDM Lain"))
    classical = cohort.phases.get(kind="classical")
    response = client.post(
        session_url(cohort, classical, classical.start_date),
        {"start_time": "08:00", "end_time": "09:30", "subject": "Pembukaan",
         "speaker": elsewhere.pk},
    )  # fmt: skip
    assert response.status_code == 200 and "speaker" in response.context["form"].errors
    assert not ClassSession.objects.exists()


def test_a_widyaiswara_and_an_outside_speaker_together_are_refused(client, cohort):
    client.force_login(staff_user())
    speaker = governor(home_agency())
    teacher = widyaiswara_user(first_name="Siti", last_name="Rohmah")
    classical = cohort.phases.get(kind="classical")
    typed = {"start_time": "08:00", "end_time": "09:30", "subject": "Smart ASN",
             "widyaiswara": teacher.pk, "speaker": speaker.pk, "room": "Aula"}  # fmt: skip
    response = client.post(session_url(cohort, classical, classical.start_date), typed)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Pilih widyaiswara atau narasumber luar, tidak keduanya." in page
    assert 'value="Smart ASN"' in page  # what was typed is kept
    assert not ClassSession.objects.exists()


def test_the_database_refuses_a_session_with_two_teachers(cohort):
    from django.core.exceptions import ValidationError

    classical = cohort.phases.get(kind="classical")
    with pytest.raises(ValidationError, match="tidak keduanya"):
        session_add(
            phase=classical, date=classical.start_date, start_time=time(8), end_time=time(9),
            subject="Smart ASN", widyaiswara=widyaiswara_user(), speaker=governor(home_agency()),
        )  # fmt: skip
    assert not ClassSession.objects.exists()


@pytest.mark.parametrize(
    ("start", "end", "jp"),
    [
        ("07:30", "08:00", 1),  # half an hour still counts one
        ("08:00", "08:45", 1),
        ("08:00", "09:30", 2),
        ("08:00", "11:45", 5),
        ("13:00", "16:30", 4),  # 210 minutes: four whole periods
    ],
)
def test_a_session_s_jp_defaults_to_its_whole_45_minute_periods(client, cohort, start, end, jp):
    client.force_login(staff_user())
    classical = cohort.phases.get(kind="classical")
    response = client.post(
        session_url(cohort, classical, classical.start_date),
        {"start_time": start, "end_time": end, "subject": "Smart ASN"},
    )
    assert response.status_code == 302
    assert ClassSession.objects.get().jp == jp
    assert session_jp(time.fromisoformat(start), time.fromisoformat(end)) == jp


@pytest.mark.parametrize("count", [3, 60])
def test_the_register_reads_a_fixed_number_of_queries(client, count, django_assert_num_queries):
    client.force_login(staff_user())
    Speaker.objects.bulk_create(
        Speaker(institution=home_agency(), name=f"Narasumber {n:03}", kind="pakar")
        for n in range(count)
    )
    # session, user, permissions (2: the rule, then covers_every_institution), role names
    # (the menu); the count and the page's speakers with their agency (one join, the scope a
    # subquery): whatever the size of the register, fifty rows a page.
    with django_assert_num_queries(7):
        response = client.get(reverse("cohorts:speaker_list"))
    assert response.content.decode().count("Narasumber 0") == min(count, 50)
