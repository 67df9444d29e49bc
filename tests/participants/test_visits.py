"""Field visits shared by cohorts (issue 18): balanced groups within the bus, hosts in
rotation, who may open the pages, the participant's report and the escort's score."""

from datetime import date, time, timedelta
from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from participants.models import (
    VisitAttendance,
    VisitGroup,
    VisitMember,
    VisitPhoto,
    VisitReport,
)
from participants.services import participant_account_ensure
from participants.visits import (
    activity_add,
    host_add,
    visit_create,
    visit_groups_split,
)
from projects.models import ComponentScore, ScoreComponent

from ..factories import (
    PASSWORD,
    CohortFactory,
    ProgramFactory,
    TrainingAgencyFactory,
    UserFactory,
    administrator_user,
    home_agency,
    staff_user,
    widyaiswara_user,
)
from ..pdf_tools import pdf_text
from .crowd import crowd

pytestmark = pytest.mark.django_db


def png_bytes():
    out = BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def visit_world(per_cohort=50, cohorts=4, *, bus_capacity=45, escorts=(), start_date=None,
                offset=0):  # fmt: skip
    """`cohorts` cohorts of `per_cohort` (each from its own agency), a visit taking them all,
    three hosts, a by-group session on each of two days, split into groups."""
    program = ProgramFactory()
    made = [CohortFactory(program=program) for _ in range(cohorts)]
    for index, cohort in enumerate(made):
        crowd(cohort, per_cohort, start=offset + index * per_cohort)
    start = start_date or date(2018, 3, 27)
    visit = visit_create(
        organiser=home_agency(), title="Benchmark ke Banyuwangi", destination="Banyuwangi",
        start_date=start, end_date=start + timedelta(days=2), cohorts=made,
    )  # fmt: skip
    for name in ("Dinas Pariwisata", "Dinas Kesehatan", "Bappeda"):
        host_add(visit=visit, agency_name=name, topic=f"Inovasi {name}")
    for offset in (0, 1):
        activity_add(
            visit=visit, date=start + timedelta(days=offset), start_time=time(9),
            end_time=time(12), title=f"Sesi perangkat daerah {offset + 1}", by_group=True,
        )  # fmt: skip
    groups = visit_groups_split(visit, bus_capacity=bus_capacity, escorts=escorts)
    return visit, made, groups


def test_200_of_4_cohorts_are_split_in_balanced_groups_within_their_bus():
    visit, cohorts, _groups = visit_world(bus_capacity=45, escorts=["Panitia A", "Panitia B"])
    groups = list(visit.groups.order_by("number"))
    sizes = [g.members.count() for g in groups]
    assert len(groups) == 5  # 200 in buses of 45
    assert max(sizes) - min(sizes) <= 1 and max(sizes) <= 45
    # Every participant exactly once.
    members = list(VisitMember.objects.filter(visit=visit).values_list("enrolment_id", flat=True))
    assert len(members) == len(set(members)) == 200
    # Each group mixes the four angkatan evenly (10 of each in groups of 40).
    for group in groups:
        per_cohort = {c.pk: group.members.filter(enrolment__cohort=c).count() for c in cohorts}
        assert set(per_cohort.values()) == {10}
    # Escorts dealt round-robin.
    assert [g.escort_name for g in groups] == ["Panitia A", "Panitia B"] * 2 + ["Panitia A"]


def test_a_given_group_count_too_small_for_the_bus_is_refused_and_keeps_the_groups():
    visit, _cohorts, groups = visit_world(per_cohort=10, cohorts=2, bus_capacity=12)
    with pytest.raises(Exception) as refused:
        visit_groups_split(visit, bus_capacity=12, group_count=1)
    assert "tidak muat" in str(refused.value)
    assert visit.groups.count() == len(groups) == 2


def test_hosts_rotate_so_that_each_group_sees_another_host_each_session():
    visit, _cohorts, _groups = visit_world(per_cohort=10, cohorts=3, bus_capacity=10)
    sessions = list(visit.activities.filter(by_group=True).order_by("date"))
    first = {a.group_id: a.host_id for a in sessions[0].assignments.all()}
    second = {a.group_id: a.host_id for a in sessions[1].assignments.all()}
    assert len(set(first.values())) == 3  # three groups at three hosts at once
    assert all(first[g] != second[g] for g in first)


def test_pages_by_role_and_institution(client):
    visit, cohorts, _groups = visit_world(per_cohort=5, cohorts=2, bus_capacity=10)
    urls = [
        reverse("participants:visit_detail", args=[visit.pk]),
        reverse("participants:visit_groups", args=[visit.pk]),
        reverse("participants:visit_print", args=[visit.pk]),
        reverse("participants:visit_edit", args=[visit.pk]),
    ]
    client.force_login(staff_user())  # the organiser's staff
    for url in urls:
        assert client.get(url).status_code == 200
    assert visit.title in client.get(reverse("participants:visit_list")).content.decode()
    # Staff of an agency that only co-organises one of the cohorts work on it too.
    partner = TrainingAgencyFactory()
    cohorts[0].co_organiser = partner
    cohorts[0].save()
    client.force_login(staff_user([partner]))
    assert client.get(urls[0]).status_code == 200
    # Another agency: not found, and not listed.
    client.force_login(staff_user([TrainingAgencyFactory()]))
    for url in urls:
        assert client.get(url).status_code == 404
    assert visit.title not in client.get(reverse("participants:visit_list")).content.decode()
    client.force_login(administrator_user())
    assert client.get(urls[1]).status_code == 200
    # Other roles: refused.
    for user in (widyaiswara_user(), UserFactory(role="Peserta")):
        client.force_login(user)
        for url in urls:
            assert client.get(url).status_code == 403


def test_staff_create_a_visit_of_two_cohorts_and_split_it(client):
    program = ProgramFactory()
    cohorts = [CohortFactory(program=program) for _ in range(2)]
    for index, cohort in enumerate(cohorts):
        crowd(cohort, 15, start=index * 15)
    client.force_login(staff_user())
    response = client.post(
        reverse("participants:visit_new"),
        {"title": "Studi lapangan ke Kulon Progo", "destination": "Kulon Progo",
         "organiser": home_agency().pk, "start_date": "2019-04-25", "end_date": "2019-04-24",
         "cohorts": [c.pk for c in cohorts]},
    )  # fmt: skip
    assert "Tanggal selesai tidak boleh sebelum tanggal mulai." in response.content.decode()
    assert 'value="Studi lapangan ke Kulon Progo"' in response.content.decode()
    response = client.post(
        reverse("participants:visit_new"),
        {"title": "Studi lapangan ke Kulon Progo", "destination": "Kulon Progo",
         "organiser": home_agency().pk, "start_date": "2019-04-25", "end_date": "2019-04-27",
         "cohorts": [c.pk for c in cohorts]},
    )  # fmt: skip
    visit = cohorts[0].visits.get()
    assert response.status_code == 302
    url = reverse("participants:visit_groups", args=[visit.pk])
    response = client.post(url, {"bus_capacity": 12, "group_count": 2})
    assert "tidak muat" in response.content.decode()
    assert not visit.groups.exists()
    client.post(url, {"bus_capacity": 12, "committee": "Ibu Panitia\nBapak Panitia"})
    assert sorted(g.members.count() for g in visit.groups.all()) == [10, 10, 10]


# session, user, the user's and the groups' permissions (2), role names; the visit within
# reach; its cohorts with their counts (one GROUP BY); the groups' count and the page's
# groups (size and escort in the same query), their members with participant, agency and
# cohort (one prefetch); the itinerary; the host assignments; the widyaiswara for the split
# form. The same at both sizes: nothing per group or per member.
GROUPS_PAGE_QUERIES = 13


@pytest.mark.parametrize("per_cohort", [10, 40])
def test_the_groups_page_costs_the_same_at_two_sizes(client, django_assert_num_queries,
                                                     per_cohort):  # fmt: skip
    visit, _cohorts, _groups = visit_world(per_cohort=per_cohort, cohorts=4, bus_capacity=8)
    client.force_login(staff_user())
    url = reverse("participants:visit_groups", args=[visit.pk])
    with django_assert_num_queries(GROUPS_PAGE_QUERIES):
        response = client.get(url)
    html = response.content.decode()
    assert html.count("<section") == min(10, visit.groups.count())


def _participant_client(client, enrolment):
    user = participant_account_ensure(participant=enrolment.participant, password=PASSWORD)
    client.force_login(user)
    return user


def test_a_participant_marks_attendance_on_the_day_and_sends_a_report_with_a_photo(client):
    today = timezone.localdate()
    visit, _cohorts, _groups = visit_world(per_cohort=5, cohorts=2, bus_capacity=10,
                                           start_date=today)  # fmt: skip
    member = VisitMember.objects.select_related("enrolment__participant").first()
    _participant_client(client, member.enrolment)
    url = reverse("participants:my_visit", args=[visit.pk])
    assert client.get(reverse("participants:my_visits")).status_code == 302
    page = client.get(url).content.decode()
    assert "Kelompok Anda ke" in page
    today_session, tomorrow_session = visit.activities.order_by("date")
    client.post(url, {"action": "attend", "activity": today_session.pk})
    client.post(url, {"action": "attend", "activity": tomorrow_session.pk})
    assert list(VisitAttendance.objects.values_list("activity_id", "status")) == [
        (today_session.pk, "hadir")
    ]
    # A file that is not an image is refused in Indonesian, the text kept, nothing saved.
    text = "Kami belajar tentang pelayanan satu atap."
    bad = SimpleUploadedFile("foto.jpg", b"bukan gambar")
    response = client.post(url, {"action": "report", "text": text, "photos": bad})
    html = response.content.decode()
    assert "Foto “foto.jpg” bukan gambar JPG atau PNG." in html
    assert text in html
    assert not VisitReport.objects.exists()
    response = client.post(url, {"action": "report", "text": text,
                                 "photos": [SimpleUploadedFile("a.png", png_bytes()),
                                            SimpleUploadedFile("b.png", png_bytes())]})  # fmt: skip
    assert response.status_code == 302
    report = VisitReport.objects.get()
    assert report.text == text and report.photos.count() == 2
    # Another participant cannot open the photo; the author can.
    photo = VisitPhoto.objects.first()
    assert client.get(reverse("participants:visit_photo", args=[photo.pk])).status_code == 200
    other = VisitMember.objects.exclude(pk=member.pk).first()
    _participant_client(client, other.enrolment)
    assert client.get(reverse("participants:visit_photo", args=[photo.pk])).status_code == 403
    # Nor a visit they do not take part in.
    visit_other, *_ = visit_world(per_cohort=2, cohorts=1, bus_capacity=5, offset=1000)
    assert client.get(reverse("participants:my_visit", args=[visit_other.pk])).status_code == 404


def test_the_escort_scores_a_report_and_the_study_visit_component_is_written(client):
    escort = widyaiswara_user()
    visit, cohorts, groups = visit_world(per_cohort=4, cohorts=2, bus_capacity=10,
                                         escorts=[escort])  # fmt: skip
    program = cohorts[0].program
    ScoreComponent.objects.create(program=program, order=1, code="akademik", name="Akademik",
                                  weight=90)  # fmt: skip
    component = ScoreComponent.objects.create(program=program, order=2, code="studi-lapangan",
                                              name="Studi lapangan", weight=10)  # fmt: skip
    member = VisitMember.objects.filter(group__escort=escort).first()
    report = VisitReport.objects.create(visit=visit, enrolment=member.enrolment, text="Laporan",
                                        submitted_at=timezone.now())  # fmt: skip
    url = reverse("projects:visit_reports", args=[visit.pk])
    client.force_login(escort)
    assert "Laporan" in client.get(url).content.decode()
    response = client.post(url, {"report": report.pk, "score": "120"})
    assert "Nilai laporan harus antara 0 dan 100." in response.content.decode()
    assert 'value="120"' in response.content.decode()
    client.post(url, {"report": report.pk, "score": "86.5"})
    report.refresh_from_db()
    assert report.score == Decimal("86.50") and report.scored_by == escort
    score = ComponentScore.objects.get(enrolment=member.enrolment, component=component)
    assert score.score == Decimal("86.50")
    # Scored again: the gradebook keeps the change with its reason.
    client.post(url, {"report": report.pk, "score": "88"})
    score.refresh_from_db()
    assert score.score == Decimal("88.00") and score.history.count() == 2
    # A report scored is no longer changed by its author.
    user = _participant_client(client, member.enrolment)
    assert user.pk
    response = client.get(reverse("participants:my_visit", args=[visit.pk]))
    assert "Nilai pendamping: 88" in response.content.decode()
    # Another widyaiswara who escorts no group of this visit is refused.
    client.force_login(widyaiswara_user())
    assert client.get(url).status_code == 403
    assert VisitGroup.objects.filter(visit=visit, escort=escort).count() == len(groups)


def test_the_head_gets_a_pdf_report_of_the_visit(client):
    visit, _cohorts, _groups = visit_world(per_cohort=6, cohorts=2, bus_capacity=5,
                                           escorts=["Ibu Panitia"])  # fmt: skip
    url = reverse("documents:visit_report", args=[visit.pk])
    client.force_login(staff_user())
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(response.content).split())
    assert "LAPORAN STUDI LAPANGAN" in text and "Peserta: 12 orang dari 2 angkatan" in text
    assert "Dinas Pariwisata" in text and "Ibu Panitia" in text
    client.force_login(staff_user([TrainingAgencyFactory()]))
    assert client.get(url).status_code == 404


def test_the_participant_pages_are_for_participants_of_the_visit(client):
    visit, _cohorts, _groups = visit_world(per_cohort=3, cohorts=1, bus_capacity=5)
    url = reverse("participants:my_visit", args=[visit.pk])
    for user in (staff_user(), widyaiswara_user()):
        client.force_login(user)
        assert client.get(url).status_code == 403
        assert client.get(reverse("participants:my_visits")).status_code == 403
    # The escort's page is for widyaiswara only.
    client.force_login(staff_user())
    assert client.get(reverse("projects:visit_reports", args=[visit.pk])).status_code == 403


def test_staff_add_hosts_and_activities_and_a_day_outside_the_visit_is_refused(client):
    visit, _cohorts, _groups = visit_world(per_cohort=4, cohorts=2, bus_capacity=10)
    url = reverse("participants:visit_detail", args=[visit.pk])
    client.force_login(staff_user())
    client.post(url, {"action": "host", "host-agency_name": "Kecamatan Banyuwangi",
                      "host-topic": "Pelayanan kecamatan"})  # fmt: skip
    assert visit.hosts.filter(agency_name="Kecamatan Banyuwangi").exists()
    response = client.post(url, {
        "action": "activity", "activity-date": "2018-04-02", "activity-start_time": "09:00",
        "activity-end_time": "08:00", "activity-title": "Kunjungan Pulau Merah",
    })  # fmt: skip
    html = response.content.decode()
    assert "di luar tanggal studi lapangan" in html
    assert "Jam selesai kegiatan harus sesudah jam mulai." in html
    assert 'value="Kunjungan Pulau Merah"' in html
    assert not visit.activities.filter(title="Kunjungan Pulau Merah").exists()
    client.post(url, {
        "action": "activity", "activity-date": "2018-03-29", "activity-start_time": "09:00",
        "activity-end_time": "12:00", "activity-title": "Kunjungan Pulau Merah",
    })  # fmt: skip
    activity = visit.activities.get(title="Kunjungan Pulau Merah")
    client.post(url, {"action": "activity_delete", "activity": activity.pk})
    client.post(url, {"action": "host_delete", "host": "bukan-angka"})
    assert not visit.activities.filter(title="Kunjungan Pulau Merah").exists()
    assert visit.hosts.count() == 4
