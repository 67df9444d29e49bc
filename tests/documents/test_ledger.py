"""The widyaiswara ledger (documents.ledger): the figures of a small known world, what each
role may read, the files matching the page, and a cost that does not grow with the cohorts."""

import io
from datetime import date, datetime, time, timedelta

import openpyxl
import pytest
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from cohorts.models import ClassSession, Cohort, CohortPhase
from cohorts.services import session_add, speaker_create
from curriculum.models import DayRule, EvaluationCriterion, PhaseKind
from curriculum.services import evaluation_criteria_ensure
from documents.ledger import ledger_default_year, teacher_ledger
from participants.evaluations import evaluation_submit, questionnaire_of
from participants.models import Enrolment
from projects.models import ChangeProject, ProjectStep, Seminar, State
from tests.factories import (
    CohortFactory,
    ParticipantFactory,
    ProgramFactory,
    TrainingAgencyFactory,
    administrator_user,
    enrol,
    home_agency,
    staff_user,
    widyaiswara_user,
)
from tests.pdf_tools import pdf_text

pytestmark = pytest.mark.django_db

YEAR_2022 = {"mulai": "2022-01-01", "sampai": "2022-12-31"}


def session(cohort, subject, jp, *, widyaiswara=None, speaker=None, day=None):
    classical = cohort.phases.get(kind="classical")
    return ClassSession.objects.create(
        phase=classical,
        date=day or classical.start_date,
        start_time=time(8),
        end_time=time(9, 30),
        subject=subject,
        jp=jp,
        widyaiswara=widyaiswara,
        speaker=speaker,
    )


def review(project, action, actor, when):
    step = ProjectStep.objects.create(
        project=project,
        action=action,
        from_state=State.DESIGN_SUBMITTED,
        to_state=State.IMPLEMENTATION,
        actor=actor,
        actor_role="coach",
    )
    # taken_at is set when the step is taken; the world's steps were taken in 2022.
    ProjectStep.objects.filter(pk=step.pk).update(taken_at=when)


@pytest.fixture
def world():
    """Dr. Wi teaches Latsar in two agencies' cohorts and PKP in the home agency's, coaches
    three participants, examines one seminar of two, and decides three designs, all in 2022;
    a session of 2021 and another widyaiswara's work stay out of 2022's ledger."""
    wi = widyaiswara_user(username="wi", first_name="Dr. Wi", last_name="Darma, M.Si.")
    other_wi = widyaiswara_user(username="wi-lain", first_name="Lain", last_name="Widya")
    other_agency = TrainingAgencyFactory(code="bpsdm-lain", name="BPSDM Provinsi Lain")
    pkp = ProgramFactory(code="pkp", name="Pelatihan Kepemimpinan Pengawas")
    home_latsar = CohortFactory()
    other_latsar = CohortFactory(organiser=other_agency)
    home_pkp = CohortFactory(program=pkp)
    session(home_latsar, "Wawasan kebangsaan", 3, widyaiswara=wi)
    session(home_latsar, "Nilai-nilai dasar", 2, widyaiswara=wi)
    session(other_latsar, "Wawasan kebangsaan", 4, widyaiswara=wi)
    session(home_pkp, "Kepemimpinan", 5, widyaiswara=wi)
    session(home_latsar, "Wawasan kebangsaan", 7, widyaiswara=wi, day=date(2021, 11, 1))
    session(home_latsar, "Analisis isu", 6, widyaiswara=other_wi)
    speaker = speaker_create(
        institution=home_agency(), name="Prof. Narasumber, Ph.D.", kind="pakar"
    )
    session(home_latsar, "Kebijakan daerah", 2, speaker=speaker)
    session(home_pkp, "Kebijakan daerah", 1, speaker=speaker)

    first, second = enrol(home_latsar, coach=wi), enrol(home_latsar, coach=wi)
    third = enrol(home_pkp, coach=wi)
    ChangeProject.objects.filter(enrolment=first).update(state=State.FINAL)
    examined = [enrol(other_latsar, coach=other_wi) for _ in range(2)]
    seminar = Seminar.objects.create(
        cohort=other_latsar,
        starts_at=timezone.make_aware(datetime(2022, 11, 20, 9)),
        room="Aula",
    )
    seminar.examiners.set([wi])
    seminar.enrolments.set(examined)
    when = timezone.make_aware(datetime(2022, 9, 1, 10))
    review(first.project, "approve_design", wi, when)
    review(second.project, "request_revision", wi, when)
    review(third.project, "approve_design", wi, when)
    review(examined[0].project, "approve_design", other_wi, when)
    return {
        "wi": wi,
        "other_wi": other_wi,
        "speaker": speaker,
        "other_agency": other_agency,
        "home_latsar": home_latsar,
        "other_latsar": other_latsar,
        "home_pkp": home_pkp,
    }


def test_the_ledger_counts_jp_projects_seminars_and_designs_of_the_period(world):
    ledger = teacher_ledger(widyaiswara=world["wi"], start=date(2022, 1, 1), end=date(2022, 12, 31))
    assert [(r["program"], r["cohorts"], r["sessions"], r["jp"]) for r in ledger.programs] == [
        ("Pelatihan Dasar CPNS", 2, 3, 9),
        ("Pelatihan Kepemimpinan Pengawas", 1, 1, 5),
    ]
    assert [(r["program"], r["subject"], r["sessions"], r["jp"]) for r in ledger.subjects] == [
        ("Pelatihan Dasar CPNS", "Nilai-nilai dasar", 1, 2),
        ("Pelatihan Dasar CPNS", "Wawasan kebangsaan", 2, 7),
        ("Pelatihan Kepemimpinan Pengawas", "Kepemimpinan", 1, 5),
    ]
    assert len(ledger.months) == 12 and sum(m["jp"] for m in ledger.months) == 14
    assert [(r["cohort"], r["participants"], r["final"]) for r in ledger.coached] == [
        (world["home_latsar"], 2, 1),
        (world["home_pkp"], 1, 0),
    ]
    assert [(r["cohort"], r["seminars"], r["participants"]) for r in ledger.seminars] == [
        (world["other_latsar"], 1, 2)
    ]
    assert [(r["cohort"], r["approved"], r["revisions"]) for r in ledger.designs] == [
        (world["home_latsar"], 1, 1),
        (world["home_pkp"], 1, 0),
    ]
    t = ledger.totals
    assert (t["jp"], t["coached"], t["seminars"], t["examined"], t["reviewed"]) == (14, 3, 1, 2, 3)

    # 2021: only the session of November 2021.
    earlier = teacher_ledger(
        widyaiswara=world["wi"], start=date(2021, 1, 1), end=date(2021, 12, 31)
    )
    assert earlier.totals["jp"] == 7 and earlier.totals["reviewed"] == 0
    assert [m["jp"] for m in earlier.months if m["jp"]] == [7]


def test_an_outside_speakers_ledger_counts_their_sessions_only(world):
    ledger = teacher_ledger(
        speaker=world["speaker"], start=date(2022, 1, 1), end=date(2022, 12, 31)
    )
    assert [(r["subject"], r["jp"]) for r in ledger.subjects] == [
        ("Kebijakan daerah", 2),
        ("Kebijakan daerah", 1),
    ]
    assert ledger.totals["jp"] == 3 and ledger.coached == [] and ledger.designs == []


def test_a_widyaiswara_reads_their_own_ledger_and_no_one_elses(client, world):
    client.force_login(world["wi"])
    page = client.get(reverse("documents:ledger_mine"), YEAR_2022)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Dr. Wi Darma, M.Si." in html and 'id="total-jp">14<' in html
    # Their own ledger covers every organiser, the other agency's cohort too.
    assert "BPSDM Provinsi Lain" in html
    own = reverse("documents:ledger_widyaiswara", args=[world["wi"].pk])
    assert client.get(own, YEAR_2022).status_code == 200
    for name in ("ledger_widyaiswara", "ledger_widyaiswara_xlsx", "ledger_widyaiswara_pdf"):
        url = reverse(f"documents:{name}", args=[world["other_wi"].pk])
        assert client.get(url).status_code == 403, name
    assert client.get(reverse("documents:ledger_people")).status_code == 403
    speaker = reverse("documents:ledger_speaker", args=[world["speaker"].pk])
    assert client.get(speaker).status_code == 403


def test_staff_read_their_agencys_people_kept_to_their_cohorts(client, world):
    client.force_login(staff_user())  # the home agency's
    people = client.get(reverse("documents:ledger_people"), YEAR_2022)
    html = people.content.decode()
    assert [p.username for p in people.context["widyaiswara"]] == ["wi", "wi-lain"]
    assert [(s.name, s.period_jp) for s in people.context["speakers"]] == [
        ("Prof. Narasumber, Ph.D.", 3)
    ]
    ledger_url = reverse("documents:ledger_widyaiswara", args=[world["wi"].pk])
    assert f'href="{ledger_url}?mulai=2022-01-01&amp;sampai=2022-12-31"' in html
    page = client.get(ledger_url, YEAR_2022)
    ledger = page.context["ledger"]
    # Only the home agency's cohorts: Latsar 3 + 2 and PKP 5; not the other agency's 4 JP
    # nor its seminar.
    assert ledger.totals["jp"] == 10 and ledger.seminars == []
    assert "BPSDM Provinsi Lain" not in page.content.decode()


def test_staff_of_another_agency_find_neither_the_speaker_nor_the_widyaiswara(client, world):
    far = TrainingAgencyFactory(code="bpsdm-jauh", name="BPSDM Provinsi Jauh")
    client.force_login(staff_user(institutions=[far]))
    for name, pk in [
        ("ledger_speaker", world["speaker"].pk),
        ("ledger_speaker_xlsx", world["speaker"].pk),
        ("ledger_speaker_pdf", world["speaker"].pk),
        ("ledger_widyaiswara", world["wi"].pk),
        ("ledger_widyaiswara_xlsx", world["wi"].pk),
    ]:
        assert client.get(reverse(f"documents:{name}", args=[pk])).status_code == 404, name
    people = client.get(reverse("documents:ledger_people"))
    assert list(people.context["widyaiswara"]) == [] and list(people.context["speakers"]) == []
    # The other agency's staff see Dr. Wi (who taught there), kept to their cohort.
    client.force_login(staff_user(institutions=[world["other_agency"]]))
    ledger = client.get(
        reverse("documents:ledger_widyaiswara", args=[world["wi"].pk]), YEAR_2022
    ).context["ledger"]
    assert (ledger.totals["jp"], ledger.totals["seminars"], ledger.totals["coached"]) == (4, 1, 0)


def sheet_rows(book, name):
    """The rows under a sheet's header, as the header's columns read them."""
    rows = list(book[name].iter_rows(values_only=True))
    start = next(i for i, row in enumerate(rows) if row[0] is None) + 2
    return [list(row) for row in rows[start:]]


def test_the_xlsx_and_the_pdf_say_what_the_page_says(client, world):
    client.force_login(world["wi"])
    page = client.get(reverse("documents:ledger_mine"), YEAR_2022)
    html = page.content.decode()
    xlsx_url = page.context["xlsx_url"]
    assert xlsx_url.endswith("?mulai=2022-01-01&sampai=2022-12-31")
    response = client.get(xlsx_url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    title = [row[0] for row in book["JP per program"].iter_rows(max_row=4, values_only=True)]
    assert title[:2] == ["Catatan mengajar", "Dr. Wi Darma, M.Si."]
    assert "Periode 1 Januari 2022 s.d. 31 Desember 2022" in title
    assert sheet_rows(book, "JP per program") == [
        ["Pelatihan Dasar CPNS", 2, 3, 9],
        ["Pelatihan Kepemimpinan Pengawas", 1, 1, 5],
        ["Jumlah", 3, 4, 14],
    ]
    assert sheet_rows(book, "JP per mata pelatihan")[-1] == ["Jumlah", None, 4, 14]
    assert sheet_rows(book, "Proyek dibimbing")[-1] == ["Jumlah", None, 3, 1]
    assert sheet_rows(book, "Seminar diuji") == [
        [str(world["other_latsar"]), "BPSDM Provinsi Lain", 1, 2],
        ["Jumlah", None, 1, 2],
    ]
    assert sheet_rows(book, "Rancangan ditelaah")[-1] == ["Jumlah", None, 2, 1]
    months = sheet_rows(book, "JP per bulan")
    assert len(months) == 13 and months[-1] == ["Jumlah", 14]
    # The page shows the same rows.
    for program, cohorts, sessions, jp in sheet_rows(book, "JP per program")[:2]:
        assert (
            f'<td>{program}</td><td class="text-end num">{cohorts}</td>'
            f'<td class="text-end num">{sessions}</td><td class="text-end num">{jp}</td>'
        ) in html

    pdf = client.get(page.context["pdf_url"])
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(pdf_text(pdf.content).split())
    for expected in [
        "CATATAN MENGAJAR",
        "Dr. Wi Darma, M.Si.",
        "Periode 1 Januari 2022 s.d. 31 Desember 2022",
        "Pelatihan Dasar CPNS 2 3 9",
        "Pelatihan Kepemimpinan Pengawas 1 1 5",
        "Jumlah 3 4 14",
        "Wawasan kebangsaan Pelatihan Dasar CPNS 2 7",
        "Dicetak",
    ]:
        assert expected in text, expected


def test_the_chart_is_drawn_with_its_title_and_description(client, world):
    client.force_login(world["wi"])
    html = client.get(reverse("documents:ledger_mine"), YEAR_2022).content.decode()
    assert '<svg class="ledger-chart"' in html and 'role="img"' in html
    assert '<title id="ledger-chart-title">JP per bulan</title>' in html
    assert "14 JP seluruhnya" in html


def many_cohorts(world, count):
    """`count` more Latsar cohorts of the home agency, each with a session Dr. Wi teaches, a
    participant they coach, a seminar they examine and a design they approve: written in bulk,
    the figures are all the test needs."""
    base = world["home_latsar"]
    participant = ParticipantFactory()
    # Numbers after every cohort's: the factory's own count grows with the tests run before.
    first = Cohort.objects.aggregate(last=Max("angkatan"))["last"] + 1
    cohorts = Cohort.objects.bulk_create(
        Cohort(
            program=base.program,
            program_version=base.program_version,
            organiser=base.organiser,
            angkatan=first + n,
            year=2022,
            start_date=base.start_date,
            end_date=base.end_date,
        )
        for n in range(count)
    )
    phases = CohortPhase.objects.bulk_create(
        CohortPhase(
            cohort=c,
            order=1,
            kind=PhaseKind.CLASSICAL,
            name="Klasikal",
            jp=62,
            days=6,
            day_rule=DayRule.SIX_DAY_WEEK,
            start_date=date(2022, 10, 3),
            end_date=date(2022, 10, 3) + timedelta(days=5),
        )
        for c in cohorts
    )
    ClassSession.objects.bulk_create(
        ClassSession(
            phase=p,
            date=p.start_date,
            start_time=time(8),
            end_time=time(9, 30),
            subject="Wawasan kebangsaan",
            jp=2,
            widyaiswara=world["wi"],
        )
        for p in phases
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(cohort=c, participant=participant, coach=world["wi"]) for c in cohorts
    )
    projects = ChangeProject.objects.bulk_create(ChangeProject(enrolment=e) for e in enrolments)
    seminars = Seminar.objects.bulk_create(
        Seminar(cohort=c, starts_at=timezone.make_aware(datetime(2022, 10, 10, 9)), room="Aula")
        for c in cohorts
    )
    Seminar.examiners.through.objects.bulk_create(
        Seminar.examiners.through(seminar=s, user=world["wi"]) for s in seminars
    )
    Seminar.enrolments.through.objects.bulk_create(
        Seminar.enrolments.through(seminar=s, enrolment=e)
        for s, e in zip(seminars, enrolments, strict=True)
    )
    ProjectStep.objects.bulk_create(
        ProjectStep(
            project=p,
            action="approve_design",
            from_state=State.DESIGN_SUBMITTED,
            to_state=State.IMPLEMENTATION,
            actor=world["wi"],
            actor_role="coach",
        )
        for p in projects
    )
    ProjectStep.objects.filter(project__in=projects).update(
        taken_at=timezone.make_aware(datetime(2022, 10, 5, 9))
    )
    return cohorts


@pytest.mark.parametrize("count", [5, 50])
def test_a_ledger_costs_the_same_queries_for_5_or_50_cohorts(
    client, world, count, django_assert_num_queries
):
    many_cohorts(world, count)
    period = {"start": date(2022, 1, 1), "end": date(2022, 12, 31)}
    # 2 for the NIP (a participant record, then a mentor record: Dr. Wi has neither), 1 JP per
    # cohort and subject, 1 JP per month, 1 each for projects coached, seminars examined and
    # designs reviewed, 1 for the cohorts they name, 2 for the evaluation averages
    # (participants.evaluations, with no answers here): 10, each a GROUP BY, none per cohort.
    with django_assert_num_queries(10):
        ledger = teacher_ledger(widyaiswara=world["wi"], **period)
    assert ledger.totals["jp"] == 14 + 2 * count
    assert ledger.totals["coached"] == 3 + count
    assert ledger.totals["seminars"] == 1 + count
    assert ledger.totals["approved"] == 2 + count

    # The page, as the widyaiswara and as an administrator: the session, the user, their
    # permissions (their own and their groups'), the ledger's 10 and the roles for the menu:
    # 15; an administrator's page reads the widyaiswara too: 16. The same for 5 or 50.
    for user, url, expected in [
        (world["wi"], reverse("documents:ledger_mine"), 15),
        (
            administrator_user(),
            reverse("documents:ledger_widyaiswara", args=[world["wi"].pk]),
            16,
        ),
    ]:
        client.force_login(user)
        with django_assert_num_queries(expected):
            assert client.get(url, YEAR_2022).status_code == 200


def test_the_evaluation_averages_show_from_the_fifth_answer(client):
    """Five participants rate Dr. Wi's day 80 on every criterion: the ledger shows the
    averages per criterion (participants.evaluations), none while only four answered."""
    wi = widyaiswara_user(username="wi-nilai", first_name="Dr. Wi", last_name="Nilai")
    cohort = CohortFactory()
    classical = cohort.phases.get(kind="classical")
    session_add(
        phase=classical, date=classical.start_date, start_time="08:00", end_time="09:30",
        subject="Wawasan kebangsaan", widyaiswara=wi,
    )  # fmt: skip
    questionnaire = questionnaire_of(
        cohort, f"hari-{classical.start_date.isoformat()}", date(2026, 11, 30)
    )
    criteria = evaluation_criteria_ensure(program=cohort.program)
    client.force_login(wi)
    period = {"mulai": f"{cohort.year}-01-01", "sampai": f"{cohort.year}-12-31"}
    for number in range(5):
        if number == 4:
            page = client.get(reverse("documents:ledger_mine"), period)
            assert page.context["ledger"].evaluations["criteria"] == []
        ratings, comments = {}, {}
        for teacher in [*questionnaire.teachers, None]:
            key = teacher.key if teacher else "org"
            target = EvaluationCriterion.Target.ORGANISER if teacher is None else "speaker"
            for criterion in (c for c in criteria if c.target == target):
                ratings[(key, criterion.pk)] = 80
            comments[key] = ""
        evaluation_submit(
            enrolment=enrol(cohort), questionnaire=questionnaire, ratings=ratings,
            comments=comments,
        )  # fmt: skip
    page = client.get(reverse("documents:ledger_mine"), period)
    evaluations = page.context["ledger"].evaluations
    assert evaluations["answers"] == 5 and str(evaluations["average"]) == "80.00"
    assert evaluations["criteria"][0]["label"] == "Penguasaan materi"
    html = page.content.decode()
    assert "Penguasaan materi" in html and "Rata-rata keseluruhan" in html
    book = openpyxl.load_workbook(io.BytesIO(client.get(page.context["xlsx_url"]).content))
    rows = sheet_rows(book, "Evaluasi")
    assert rows[0][:2] == ["Penguasaan materi", 80] and rows[-1] == ["Rata-rata keseluruhan", 80, 5]


@pytest.mark.parametrize("count", [5, 50])
def test_the_staff_list_costs_the_same_queries_for_5_or_50_cohorts(
    client, world, count, django_assert_num_queries
):
    many_cohorts(world, count)
    for n in range(count):
        speaker_create(institution=home_agency(), name=f"Narasumber {n:02d}", kind="praktisi")
    client.force_login(staff_user())
    # The session, the user, their permissions (their own and their groups'), a count and a
    # page for each list (the JP of the period a subquery of the page), the roles for the menu:
    # 9, whatever the cohorts and speakers.
    with django_assert_num_queries(9):
        response = client.get(reverse("documents:ledger_people"), YEAR_2022)
    assert response.context["widyaiswara"][0].period_jp == 10 + 2 * count


def test_a_mistyped_date_is_left_out_and_the_period_is_the_default(client, world):
    client.force_login(world["wi"])
    response = client.get(reverse("documents:ledger_mine"), {"mulai": "31-31-2022"})
    assert response.status_code == 200
    # Dr. Wi's default year: that of their latest work, 2022.
    ledger = response.context["ledger"]
    assert (ledger.start, ledger.end) == (date(2022, 1, 1), date(2022, 12, 31))
    # The ends typed the wrong way round are swapped.
    response = client.get(
        reverse("documents:ledger_mine"), {"mulai": "2022-12-31", "sampai": "2022-01-01"}
    )
    assert response.context["ledger"].totals["jp"] == 14


def test_a_ledger_opens_on_the_year_of_the_persons_latest_work(
    client, world, django_assert_num_queries
):
    """With no period asked, a ledger shows the calendar year of its person's latest session
    taught or cohort coached, not after this year; this year for one who has none. Any
    period can still be chosen."""
    this_year = timezone.localdate().year
    later = CohortFactory(year=this_year + 1, start_date=date(this_year + 1, 3, 1))
    session(later, "Wawasan kebangsaan", 9, widyaiswara=world["wi"])  # next year: not yet
    client.force_login(world["wi"])
    page = client.get(reverse("documents:ledger_mine"))
    ledger = page.context["ledger"]
    assert (ledger.start, ledger.end) == (date(2022, 1, 1), date(2022, 12, 31))
    assert ledger.totals["jp"] == 14
    assert page.context["filter_form"]["mulai"].value() == date(2022, 1, 1)
    # The files without a period follow the same default.
    assert (
        "20220101-20221231"
        in client.get(reverse("documents:ledger_mine_xlsx"))["Content-Disposition"]
    )

    # A cohort coached in 2024 is later work.
    enrol(CohortFactory(year=2024, start_date=date(2024, 2, 5)), coach=world["wi"])
    ledger = client.get(reverse("documents:ledger_mine")).context["ledger"]
    assert (ledger.start, ledger.end) == (date(2024, 1, 1), date(2024, 12, 31))
    ledger = client.get(reverse("documents:ledger_mine"), YEAR_2022).context["ledger"]
    assert ledger.totals["jp"] == 14
    # One query: the latest session and the latest cohort coached, two subqueries.
    with django_assert_num_queries(1):
        assert ledger_default_year(widyaiswara=world["wi"]) == 2024

    # An outside speaker's ledger, read by staff: the year of their latest session.
    client.force_login(staff_user())
    page = client.get(reverse("documents:ledger_speaker", args=[world["speaker"].pk]))
    assert page.context["ledger"].start == date(2022, 1, 1)

    # Someone who has taught nothing: this year.
    client.force_login(widyaiswara_user(username="wi-baru"))
    ledger = client.get(reverse("documents:ledger_mine")).context["ledger"]
    assert (ledger.start, ledger.end) == (date(this_year, 1, 1), date(this_year, 12, 31))
