"""The head's dashboard: an institution's year in figures (cohorts running and finished,
participants by program and agency, pass rate and predicates, JP by widyaiswara), on a page
and in a PDF, for its staff and administrators only, at a fixed number of queries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cohorts.services import session_add, speaker_create
from curriculum.models import EvaluationCriterion
from curriculum.services import evaluation_criteria_ensure
from documents.dashboard import (
    FINISHED,
    RUNNING,
    UPCOMING,
    dashboard_default_year,
    dashboard_of,
    top_and_rest,
)
from documents.dashboard_views import ERROR_YEAR
from participants.accounts import mentor_account_ensure
from participants.evaluations import evaluation_submit, questionnaire_of
from participants.models import Enrolment
from participants.services import mentor_upsert, participant_account_ensure

from ..e2e.browsing import log_in, menu
from ..factories import (
    PASSWORD,
    AgencyFactory,
    CohortFactory,
    ParticipantFactory,
    ProgramFactory,
    TrainingAgencyFactory,
    administrator_user,
    enrol,
    home_agency,
    project_scored,
    staff_user,
    widyaiswara_user,
)
from ..pdf_tools import pdf_text

pytestmark = pytest.mark.django_db

TODAY = date(2022, 12, 1)


def classical_day(cohort):
    return cohort.phases.get(kind="classical").start_date


def teach(cohort, jp, *, widyaiswara=None, speaker=None, hour=8):
    phase = cohort.phases.get(kind="classical")
    return session_add(
        phase=phase, date=phase.start_date, start_time=f"{hour:02d}:00",
        end_time=f"{hour + 1:02d}:00", subject="Wawasan kebangsaan",
        widyaiswara=widyaiswara, speaker=speaker, jp=jp,
    )  # fmt: skip


@pytest.fixture
def year():
    """BPSDMD Provinsi Uji's 2022, seen on 1 December 2022: two finished cohorts of its own
    (Latsar, PKA) and one it co-organises, a Latsar running and one still to come; another
    agency's cohort and its own 2021 cohort, which count nowhere."""
    home = home_agency()
    other = TrainingAgencyFactory(code="bpsdm-lain", name="BPSDM Provinsi Lain")
    latsar = ProgramFactory()
    pka = ProgramFactory(code="pka", name="Pelatihan Kepemimpinan Administrator")
    health = AgencyFactory(code="dinkes", name="Dinas Kesehatan Kota Uji")
    education = AgencyFactory(code="dindik", name="Dinas Pendidikan Kota Uji")
    social = AgencyFactory(code="dinsos", name="Dinas Sosial Kota Uji")
    wida = widyaiswara_user(username="wida", first_name="Wida", last_name="Utama")
    bayu = widyaiswara_user(username="bayu", first_name="Bayu", last_name="Pratama")
    professor = speaker_create(institution=home, name="Prof. Dr. Narasumber, M.Si.", kind="pakar")

    finished = CohortFactory(program=latsar, start_date=date(2022, 2, 1))
    pka_cohort = CohortFactory(program=pka, start_date=date(2022, 3, 1))
    shared = CohortFactory(
        program=latsar, organiser=other, co_organiser=home, start_date=date(2022, 4, 4)
    )
    running = CohortFactory(program=latsar, start_date=date(2022, 11, 1))
    coming = CohortFactory(program=latsar, start_date=date(2022, 12, 12))
    elsewhere = CohortFactory(program=latsar, organiser=other, start_date=date(2022, 2, 1))
    last_year = CohortFactory(program=latsar, year=2021, start_date=date(2021, 2, 1))
    assert max(finished.end_date, pka_cohort.end_date, shared.end_date) < TODAY
    assert running.start_date <= TODAY <= running.end_date and coming.start_date > TODAY

    def scored(cohort, agency, score):
        enrolment = enrol(cohort, ParticipantFactory(agency=agency), coach=wida)
        if score is not None:
            project_scored(enrolment, Decimal(score))
        return enrolment

    # Finished Latsar: 95 Sangat Memuaskan, 85 Memuaskan, 75 Cukup Memuaskan pass; 65 Kurang
    # Memuaskan does not.
    for agency, score in [(health, 95), (health, 85), (health, 75), (education, 65)]:
        scored(finished, agency, score)
    # PKA: 92 passes, the other has no final score yet.
    scored(pka_cohort, education, 92)
    scored(pka_cohort, education, None)
    scored(shared, social, 88)
    scored(running, health, None)
    scored(running, social, None)
    for cohort in (elsewhere, last_year):
        scored(cohort, health, 90)

    # JP: Wida 2 + 4, Bayu 3, the professor 1; Bayu's 5 in the running cohort's classical
    # phase (in 2023) are not delivered yet; the other cohorts' never count.
    teach(finished, 2, widyaiswara=wida)
    teach(finished, 3, widyaiswara=bayu, hour=10)
    teach(finished, 1, speaker=professor, hour=13)
    teach(pka_cohort, 4, widyaiswara=wida)
    teach(running, 5, widyaiswara=bayu)
    assert classical_day(running) > TODAY
    teach(elsewhere, 10, widyaiswara=wida)
    teach(last_year, 10, widyaiswara=wida)
    return {
        "home": home,
        "other": other,
        "cohorts": [finished, pka_cohort, shared, running, coming],
        "wida": wida,
        "running": running,
    }


def test_the_figures_of_a_known_year(year):
    board = dashboard_of(institution=year["home"], year=2022, today=TODAY)
    finished, pka_cohort, shared, running, coming = year["cohorts"]

    assert [c.pk for c in board.cohorts] == [c.pk for c in year["cohorts"]]
    assert [c.state for c in board.cohorts] == [FINISHED, FINISHED, FINISHED, RUNNING, UPCOMING]
    assert (board.running, board.finished, board.upcoming) == (1, 3, 1)
    assert [c.participants for c in board.cohorts] == [4, 2, 1, 2, 0]

    assert board.by_program == [
        ("Pelatihan Dasar CPNS", 7),
        ("Pelatihan Kepemimpinan Administrator", 2),
    ]
    assert board.by_agency == [
        ("Dinas Kesehatan Kota Uji", 4),
        ("Dinas Pendidikan Kota Uji", 3),
        ("Dinas Sosial Kota Uji", 2),
    ]
    assert board.participants == 9

    results = board.results
    # Finished cohorts only: 7 enrolled, 6 with a final score, 5 passing.
    assert (results.enrolled, results.scored, results.passing) == (7, 6, 5)
    assert results.pass_rate == Decimal("71.4")
    assert results.predicates == [
        ("Sangat Memuaskan", 2),
        ("Memuaskan", 2),
        ("Cukup Memuaskan", 1),
        ("Kurang Memuaskan", 1),
        ("Tidak Memuaskan", 0),
    ]

    assert board.jp_by_teacher == [
        ("Wida Utama", 6),
        ("Bayu Pratama", 3),
        ("Prof. Dr. Narasumber, M.Si.", 1),
    ]
    assert board.jp_total == 10


def test_a_withdrawn_participant_with_a_passing_score_does_not_pass(year):
    finished = year["cohorts"][0]
    best = finished.enrolments.order_by("-project__final_score").first()
    Enrolment.objects.filter(pk=best.pk).update(status=Enrolment.Status.WITHDRAWN)
    results = dashboard_of(institution=year["home"], year=2022, today=TODAY).results
    assert (results.enrolled, results.passing) == (7, 4)


def test_long_lists_show_the_ten_largest_and_the_rest_in_one_row():
    rows = [(f"Dinas {n:02d}", 20 - n) for n in range(12)]
    shown = top_and_rest(rows)
    assert shown[:10] == rows[:10]
    assert [str(label) for label, _n in shown[10:]] == ["Lainnya"]
    assert shown[10][1] == 10 + 9
    # Eleven rows stay eleven: a "Lainnya" of one would hide a name for nothing.
    assert top_and_rest(rows[:11]) == rows[:11]


def test_staff_see_the_figures_with_charts_and_tables(client, year):
    client.force_login(staff_user())
    url = reverse("documents:dashboard", args=[year["home"].pk])
    response = client.get(url, {"tahun": 2022})
    assert response.status_code == 200
    page = response.content.decode()
    for chart in ("chart-programs", "chart-agencies", "chart-predicates", "chart-jp"):
        # An SVG named by its title and description, and its figures in a table.
        assert f'aria-labelledby="{chart}-title {chart}-desc"' in page
        assert f'id="{chart}-table"' in page
    assert "Wida Utama" in page and "Dinas Kesehatan Kota Uji" in page
    assert "Pelatihan Kepemimpinan Administrator" in page
    assert str(year["cohorts"][2]) in page  # the co-organised cohort
    # No evaluation answered by five yet: the page says so, with no figures.
    assert 'id="evaluations-none"' in page and 'id="dashboard-evaluation-table"' not in page


def test_the_chooser_goes_to_ones_own_institution_and_the_year_asked(client, year):
    client.force_login(staff_user())
    response = client.get(reverse("documents:dashboard_choose"), {"tahun": 2022})
    expected = reverse("documents:dashboard", args=[year["home"].pk]) + "?tahun=2022"
    assert response["Location"] == expected
    # Staff are offered only their own institution.
    page = client.get(expected)
    assert list(page.context["institutions"]) == [year["home"]]
    assert [y for y in page.context["years"] if y <= 2022] == [2022, 2021]


def test_a_year_out_of_range_shows_this_year_and_says_why(client, year):
    client.force_login(staff_user())
    url = reverse("documents:dashboard", args=[year["home"].pk])
    for typed in ("1800", "dua ribu"):
        response = client.get(url, {"tahun": typed})
        assert response.status_code == 200
        assert response.context["dashboard"].year == timezone.localdate().year
        assert str(ERROR_YEAR) in response.content.decode()


def test_the_pdf_carries_the_figures(client, year):
    client.force_login(staff_user())
    response = client.get(
        reverse("documents:dashboard_pdf", args=[year["home"].pk]), {"tahun": 2022}
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert "DASBOR PIMPINAN BPSDMD PROVINSI UJI TAHUN 2022" in text
    for figure in ("Wida Utama", "Dinas Kesehatan Kota Uji", "Pelatihan Dasar CPNS",
                   "Sangat Memuaskan", "Kepala Badan"):  # fmt: skip
        assert figure in text


@pytest.fixture
def people(year):
    participant = year["running"].enrolments.first().participant
    mentor = mentor_upsert(nip="197001011995031002", name="Ir. Budi Santoso, M.T.")
    return {
        "participant": participant_account_ensure(participant=participant, password=PASSWORD),
        "widyaiswara": year["wida"],
        "mentor": mentor_account_ensure(mentor=mentor, invite=False),
        "staff of another agency": staff_user(institutions=[year["other"]]),
        "staff": staff_user(),
        "administrator": administrator_user(),
    }


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("participant", 403),
        ("widyaiswara", 403),
        ("mentor", 403),
        ("staff of another agency", 404),
        ("staff", 200),
        ("administrator", 200),
    ],
)
def test_who_may_open_the_dashboard(client, year, people, who, status):
    client.force_login(people[who])
    for name in ("documents:dashboard", "documents:dashboard_pdf"):
        response = client.get(reverse(name, args=[year["home"].pk]), {"tahun": 2022})
        assert response.status_code == status, name


def test_staff_cannot_choose_another_agency_in_the_chooser(client, year):
    client.force_login(staff_user(institutions=[year["other"]]))
    response = client.get(reverse("documents:dashboard_choose"), {"instansi": year["home"].pk})
    assert response.status_code == 404


def test_anonymous_visitors_are_sent_to_login(client, year):
    response = client.get(reverse("documents:dashboard", args=[year["home"].pk]))
    assert response["Location"].startswith(reverse("login"))


def test_administrators_choose_any_training_agency(client, year):
    client.force_login(administrator_user())
    response = client.get(
        reverse("documents:dashboard_choose"), {"instansi": year["other"].pk, "tahun": 2022}
    )
    assert response["Location"].startswith(reverse("documents:dashboard", args=[year["other"].pk]))
    page = client.get(response["Location"])
    assert set(page.context["institutions"]) == {year["home"], year["other"]}
    # BPSDM Provinsi Lain's year: its own cohorts, the one it organises with the home agency.
    assert page.context["dashboard"].participants == 2


def evaluate_day(cohort, speakers=80, organiser=60):
    """A new participant of `cohort` rates every speaker of its first classical day
    `speakers` and the organiser `organiser` on every criterion."""
    key = f"hari-{classical_day(cohort).isoformat()}"
    questionnaire = questionnaire_of(cohort, key, TODAY)
    criteria = evaluation_criteria_ensure(program=cohort.program)
    ratings = {}
    for teacher in [*questionnaire.teachers, None]:
        target = EvaluationCriterion.Target.ORGANISER if teacher is None else "speaker"
        value = organiser if teacher is None else speakers
        for criterion in (c for c in criteria if c.target == target):
            ratings[(teacher.key if teacher else "org", criterion.pk)] = value
    evaluation_submit(
        enrolment=enrol(cohort), questionnaire=questionnaire, ratings=ratings, comments={}
    )


def test_the_evaluation_averages_show_from_the_fifth_answer(client, year):
    """The year's speaker and organiser averages, from the questionnaires answered by at
    least five; one answered by four counts nowhere, as on the evaluation results page."""
    finished, pka_cohort = year["cohorts"][:2]
    for _n in range(4):
        evaluate_day(finished, speakers=60, organiser=80)
    for _n in range(3):
        evaluate_day(pka_cohort, speakers=40, organiser=40)  # three: never counted
    client.force_login(staff_user())
    url = reverse("documents:dashboard", args=[year["home"].pk])
    response = client.get(url, {"tahun": 2022})
    assert not response.context["dashboard"].evaluations.shown
    page = response.content.decode()
    assert 'id="evaluations-none"' in page and 'id="dashboard-evaluation-table"' not in page

    evaluate_day(finished, speakers=100, organiser=40)
    response = client.get(url, {"tahun": 2022})
    evaluations = response.context["dashboard"].evaluations
    # Finished Latsar's day: Wida, Bayu and the professor, each rated by five (15 answers),
    # (4 × 60 + 100) / 5 = 68; the organiser by five, (4 × 80 + 40) / 5 = 72 (the program's
    # scale: Sangat Baik 100 … Kurang 40). The PKA's three answers of 40 are left out.
    speakers, organiser = evaluations.speakers, evaluations.organiser
    assert (str(speakers.average), speakers.answers) == ("68.00", 15)
    assert (str(organiser.average), organiser.answers) == ("72.00", 5)
    assert speakers.criteria[0] == ("Penguasaan materi", Decimal("68.00"), 15)
    assert {average for _label, average, _n in organiser.criteria} == {Decimal("72.00")}
    page = response.content.decode()
    assert 'id="dashboard-evaluation-table"' in page and 'id="evaluations-none"' not in page
    for text in ("Evaluasi pengajar", "Evaluasi penyelenggaraan", "Penguasaan materi"):
        assert text in page
    pdf = pdf_text(
        client.get(
            reverse("documents:dashboard_pdf", args=[year["home"].pk]), {"tahun": 2022}
        ).content
    )
    assert "Evaluasi penyelenggaraan" in pdf and "Penguasaan materi" in pdf


def test_the_dashboard_opens_on_the_latest_year_with_a_cohort(
    client, year, django_assert_num_queries
):
    """Without a year asked: the institution's latest year with a cohort, not after this
    year (a cohort planned for next year does not count); this year with none."""
    this_year = timezone.localdate().year
    CohortFactory(year=this_year + 1, start_date=date(this_year + 1, 3, 1))
    with django_assert_num_queries(1):
        assert dashboard_default_year(year["home"], this_year) == 2022
    client.force_login(staff_user())
    response = client.get(reverse("documents:dashboard_choose"))
    expected = reverse("documents:dashboard", args=[year["home"].pk]) + "?tahun=2022"
    assert response["Location"] == expected
    page = client.get(reverse("documents:dashboard", args=[year["home"].pk]))
    assert page.context["dashboard"].year == 2022 and len(page.context["dashboard"].cohorts) == 5
    # Any year can still be chosen.
    page = client.get(reverse("documents:dashboard", args=[year["home"].pk]), {"tahun": 2021})
    assert page.context["dashboard"].year == 2021
    # An agency with no cohort: this year.
    empty = TrainingAgencyFactory(code="bpsdm-kosong", name="BPSDM Provinsi Kosong")
    client.force_login(administrator_user())
    page = client.get(reverse("documents:dashboard", args=[empty.pk]))
    assert page.context["dashboard"].year == this_year


def many_cohorts(count):
    """`count` cohorts of the home agency in 2022 over two programs, half finished, half
    running on TODAY, each with a participant and a widyaiswara's session."""
    latsar = ProgramFactory()
    pka = ProgramFactory(code="pka", name="Pelatihan Kepemimpinan Administrator")
    teacher = widyaiswara_user(username="wida")
    for n in range(count):
        start = date(2022, 1, 3) if n % 2 else date(2022, 10, 3)
        cohort = CohortFactory(program=latsar if n % 4 < 2 else pka, start_date=start)
        enrol(cohort, coach=teacher)
        teach(cohort, 2, widyaiswara=teacher)
    return home_agency()


@pytest.mark.parametrize("count", [5, 50])
def test_the_figures_cost_the_same_queries_for_5_or_50_cohorts(django_assert_num_queries, count):
    institution = many_cohorts(count)
    # The cohorts; participants by program; by agency; JP by teacher; the evaluation averages,
    # one GROUP BY over every cohort's answers (5), and for each of the two programs among the
    # finished cohorts its components, its predicate bands and its counts (3 × 2).
    with django_assert_num_queries(11):
        board = dashboard_of(institution=institution, year=2022, today=TODAY)
    assert len(board.cohorts) == count
    assert board.participants == count


def _page_queries(client, institution):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(
            reverse("documents:dashboard", args=[institution.pk]), {"tahun": 2022}
        )
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_for_5_or_50_cohorts(client):
    institution = many_cohorts(5)
    client.force_login(staff_user())
    few = _page_queries(client, institution)
    for n in range(45):
        cohort = CohortFactory(start_date=date(2022, 1, 3) + timedelta(days=7 * (n % 8)))
        enrol(cohort)
    assert institution.organised_cohorts.count() == 50
    # The page's own reads (session, user, institution, years, chooser) come on top of the
    # figures, none of them per cohort.
    assert _page_queries(client, institution) == few


PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_head_reads_the_dashboard_on_a_phone(browser, live_server, year, tmp_path):
    """At 390 px: the menu leads to the dashboard, nothing scrolls sideways, each chart is an
    image named by its title, and axe finds no critical or serious fault."""
    from axe_playwright_python.sync_playwright import Axe
    from playwright.sync_api import expect

    user = staff_user(username="kepala-tu")
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        log_in(page, live_server.url, user.username)
        menu(page, "Dasbor")
        page.get_by_label("Tahun", exact=True).select_option("2022")
        page.get_by_role("button", name="Tampilkan").click()
        expect(page.get_by_role("heading", name="Dasbor pimpinan")).to_be_visible()
        expect(page.get_by_role("img", name="JP per widyaiswara dan narasumber")).to_be_visible()
        expect(page.locator("#chart-jp-table")).to_contain_text("Wida Utama")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        page.screenshot(path="/tmp/dashboard-390.png", full_page=True)
        violations = [
            f"{v['id']} ({v['impact']}) {[n['target'] for n in v['nodes']]}"
            for v in Axe().run(page).response["violations"]
            if v["impact"] in {"critical", "serious"}
        ]
        assert violations == []
    finally:
        context.close()
