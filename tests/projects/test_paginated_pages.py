"""The roster, the gradebook and the widyaiswara's queue cost what they show: one page of
about fifty rows, searched and filtered in SQL, with the cohort's figures counted in SQL; the
same number of queries and a small page at 40 rows as at 400."""

from datetime import date, datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from participants.forms import SORTS
from participants.models import Enrolment, Participant, StudyGroup
from participants.services import enrolments_follow_up
from projects.gradebook import component_scores_record
from projects.models import (
    ChangeProject,
    ComponentScore,
    ScoreComponent,
    Seminar,
    State,
)
from projects.selectors import (
    cohort_finals,
    enrolments_with_finals,
    final_of,
    finals_summary,
    grading_of,
    passing_count,
)
from projects.seminars import seminar_schedule

from ..factories import (
    AgencyFactory,
    CohortFactory,
    ProgramFactory,
    enrol,
    gradebook_own_bands,
    gradebook_world,
    project_scored,
    staff_user,
    valid_nip,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db

# Every page stays well under the bound at any size: one page of rows, not all.
MAX_PAGE_BYTES = 200_000
PER_PAGE = 50


def crowd(cohort, size, *, coach=None, group=None, start=0, **enrolment_fields):
    """`size` participants enrolled at once (factories take a second per ten): bulk rows,
    then the same follow-up an enrolment gets (its change project). Named "Peserta Massal
    0000" on, so that the name order is the creation order."""
    agency = AgencyFactory()
    participants = Participant.objects.bulk_create(
        Participant(
            nip=valid_nip(10_000 + start + i),
            name=f"Peserta Massal {start + i:04d}",
            rank="III/a",
            position="Analis Kebijakan Ahli Pertama",
            agency=agency,
        )
        for i in range(size)
    )
    enrolments = Enrolment.objects.bulk_create(
        Enrolment(cohort=cohort, participant=p, coach=coach, group=group, **enrolment_fields)
        for p in participants
    )
    enrolments_follow_up(enrolments=enrolments)
    return enrolments


def scores_bulk(enrolments, component, score):
    ComponentScore.objects.bulk_create(
        ComponentScore(enrolment=e, component=component, score=score) for e in enrolments
    )


# The final score in SQL ---------------------------------------------------------------------


def sql_and_python(cohort):
    """Each enrolment's final score both ways: the SQL annotation, and the Python rule."""
    grading = grading_of(cohort.program)
    in_sql = {
        e.pk: final_of(e, grading)
        for e in enrolments_with_finals(Enrolment.objects.filter(cohort=cohort), grading)
    }
    return in_sql, {e.pk: e.final for e in cohort_finals(cohort)}


@pytest.mark.parametrize(
    ("attitude", "academic", "project"),
    [
        ("85.33", "77.77", "81.11"),  # 81.286: two places, half up
        ("70.02", "70.03", "70.00"),  # 70.010 exactly, where a float gives 70.00999
        ("70.05", "70", "70"),  # 70.01: just above the 70.00 floor
        ("70", "70", "70"),  # 70.00: on the floor, Kurang Memuaskan
        ("90.05", "90", "90"),  # 90.01: Sangat Memuaskan
        ("0", "0", "0"),
        ("100", "100", "100"),
        ("99.99", "0.01", "33.33"),
        ("12.34", "56.78", "91.01"),
        ("70.03", "70.00", "70.00"),  # 70.006 -> 70.01
        ("70.02", "70.00", "70.00"),  # 70.004 -> 70.00
        (None, "80", "80"),  # a component missing: not scored
        ("80", "80", None),  # the project not scored yet
    ],
)
def test_the_final_score_in_sql_is_the_python_rule(attitude, academic, project):
    cohort, sikap, akademik, first, _second = gradebook_world()
    values = {(first.pk, sikap.pk): attitude, (first.pk, akademik.pk): academic}
    component_scores_record(
        cohort=cohort,
        values={k: Decimal(v) for k, v in values.items() if v is not None},
        recorded_by=None,
    )
    ChangeProject.objects.filter(enrolment=first).update(
        final_score=None if project is None else Decimal(project)
    )
    in_sql, in_python = sql_and_python(cohort)
    assert in_sql == in_python  # score, missing parts and bands alike
    assert in_sql[first.pk].predicate == in_python[first.pk].predicate
    assert in_sql[first.pk].passes is in_python[first.pk].passes
    if None in (attitude, academic, project):
        assert in_sql[first.pk].score is None and in_sql[first.pk].missing


def test_the_sql_rule_follows_a_programs_own_bands_and_components():
    world = gradebook_world()
    cohort, sikap, akademik, first, second = world
    gradebook_own_bands(*world)
    program = cohort.program
    withdrawn = enrol(cohort)
    Enrolment.objects.filter(pk=withdrawn.pk).update(status=Enrolment.Status.WITHDRAWN)
    component_scores_record(
        cohort=cohort,
        values={(withdrawn.pk, sikap.pk): Decimal(95), (withdrawn.pk, akademik.pk): Decimal(95)},
        recorded_by=None,
    )
    ChangeProject.objects.filter(enrolment=withdrawn).update(final_score=Decimal(95))
    in_sql, in_python = sql_and_python(cohort)
    assert in_sql == in_python
    assert str(in_sql[first.pk].predicate) == "Baik"
    summary = finals_summary(Enrolment.objects.filter(cohort=cohort), grading_of(program))
    # The withdrawn participant scored 95 but earns no certificate.
    assert summary["passing"] == passing_count(cohort_finals(cohort)) == 1
    assert summary["scored"] == 3 and summary["enrolled"] == 3
    assert summary["predicates"] == [("Sangat Baik", 1), ("Baik", 1), ("Belum Kompeten", 1)]
    assert summary["statuses"][Enrolment.Status.WITHDRAWN] == 1

    # Weights that do not add up leave every final score open, as the Python rule does.
    ScoreComponent.objects.filter(pk=sikap.pk).update(weight=10)
    in_sql, in_python = sql_and_python(cohort)
    assert in_sql == in_python
    assert in_sql[first.pk].score is None

    # A program without components is graded on the project alone.
    ComponentScore.objects.all().delete()
    ScoreComponent.objects.filter(program=program).delete()
    in_sql, in_python = sql_and_python(cohort)
    assert in_sql == in_python
    assert in_sql[first.pk].score == Decimal("80.00")


# The roster -----------------------------------------------------------------------------


def big_cohort(size):
    """A gradebook world grown to `size` participants in bulk: half of them with both
    entered components in, a quarter in one group, a tenth withdrawn."""
    cohort, sikap, akademik, first, second = gradebook_world()
    group = StudyGroup.objects.create(cohort=cohort, name="Kelompok Rajawali")
    others = crowd(cohort, size - 2)
    Enrolment.objects.filter(pk__in=[e.pk for e in others[: len(others) // 4]]).update(group=group)
    withdrawn = [e.pk for e in others[::10]]
    Enrolment.objects.filter(pk__in=withdrawn).update(status=Enrolment.Status.WITHDRAWN)
    scored = others[: len(others) // 2]
    ChangeProject.objects.filter(enrolment__in=scored).update(final_score=Decimal("80"))
    scores_bulk(scored, sikap, Decimal("90"))
    scores_bulk(scored, akademik, Decimal("75.5"))
    return cohort, group, others


@pytest.mark.parametrize("size", [40, 400])
def test_the_roster_costs_one_page_whatever_the_cohort(client, django_assert_num_queries, size):
    cohort, _group, _others = big_cohort(size)
    client.force_login(staff_user())
    # session, user, permissions (2), role names; the cohort with its program and organisers,
    # its phases; the program's components and bands; the cohort's figures (enrolled,
    # scored, passing, by status and predicate) in one aggregate; the count of the matching
    # rows (page links); one page of rows with their final scores; the latest certificate
    # batch; the first ten who cross the attendance rules, counted in one aggregate (14 since
    # issue 16). The group and agency filters are typed, not selects listing every group and
    # agency (docs/decisions.md). The same at 40 as at 400.
    with django_assert_num_queries(14):
        response = client.get(cohort.get_absolute_url())
    page = response.content.decode()
    assert len(response.content) < MAX_PAGE_BYTES
    rows = response.context["roster"]
    assert len(rows) == min(size, PER_PAGE)
    assert response.context["enrolled"] == size
    # The filters' choices are the status and the order (and two choices elsewhere on the
    # page), whatever the cohort: no group or agency is listed.
    assert page.count("<option") == len(Enrolment.Status.choices) + 1 + len(SORTS) + 2
    assert "Rajawali</option>" not in page
    if size > PER_PAGE:
        assert f"Halaman 1 dari {-(-size // PER_PAGE)}" in page
        assert 'aria-label="Halaman daftar peserta"' in page
    # The figures count every participant, not the page: the two of the world and half of
    # the crowd (90, 75.5, 80: 80.10) pass, less the withdrawn among them.
    everyone = cohort_finals(cohort)
    assert response.context["passing"] == passing_count(everyone)
    assert response.context["summary"]["scored"] == sum(e.final.score is not None for e in everyone)


def test_the_roster_searches_filters_and_pages_in_sql(client):
    cohort, group, others = big_cohort(130)
    client.force_login(staff_user())
    url = cohort.get_absolute_url()

    second_page = client.get(url, {"page": 2})
    names = [e.participant.name for e in second_page.context["roster"]]
    everyone = sorted(e.participant.name for e in Enrolment.objects.filter(cohort=cohort))
    assert names == everyone[PER_PAGE : 2 * PER_PAGE]

    found = client.get(url, {"q": "massal 0042"}).context["roster"]
    assert [e.participant.name for e in found] == ["Peserta Massal 0042"]
    nip = others[7].participant.nip
    by_nip = client.get(url, {"q": f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"})
    assert [e.pk for e in by_nip.context["roster"]] == [others[7].pk]

    Enrolment.objects.filter(pk__in=[e.pk for e in others[:60]]).update(group=group)
    # The group by part of its name, in any case.
    in_group = client.get(url, {"kelompok": "rajawali", "page": 2})
    assert in_group.context["roster"].paginator.count == 60
    assert [e.participant.name for e in in_group.context["roster"]] == [
        e.participant.name for e in others[50:60]
    ]
    # The page links keep the filter.
    assert "?kelompok=rajawali&amp;page=1" in in_group.content.decode()
    assert client.get(url, {"kelompok": "elang"}).context["roster"].paginator.count == 0
    # The agency likewise: the crowd's, not the two of the world.
    agency = others[0].participant.agency.name
    of_agency = client.get(url, {"instansi": agency.upper()}).context["roster"]
    assert of_agency.paginator.count == len(others)

    withdrawn = client.get(url, {"status": Enrolment.Status.WITHDRAWN})
    assert withdrawn.context["roster"].paginator.count == len(others[::10])
    # A page past the end shows the last one, not an error.
    assert client.get(url, {"page": 99}).context["roster"].number == 3


# The gradebook -------------------------------------------------------------------------


@pytest.mark.parametrize("size", [40, 400])
def test_the_gradebook_costs_one_page_whatever_the_cohort(client, django_assert_num_queries, size):
    cohort, _group, _others = big_cohort(size)
    client.force_login(staff_user())
    url = reverse("projects:gradebook", args=[cohort.pk])
    # session, user, permissions (2), role names; the cohort with its program; the
    # components; the bands; the count of the matching rows; one page of rows with their
    # entered scores and final scores (subqueries of the same query). The group is typed,
    # not chosen from a select of every group. The same at 40 as at 400.
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.content) < MAX_PAGE_BYTES
    assert len(response.context["rows"]) == min(size, PER_PAGE)
    assert response.content.decode().count("<tr>") == min(size, PER_PAGE) + 1


def test_the_gradebook_searches_filters_and_saves_only_its_page(client):
    cohort, group, others = big_cohort(130)
    sikap = ScoreComponent.objects.get(program=cohort.program, code="sikap")
    client.force_login(staff_user())
    url = reverse("projects:gradebook", args=[cohort.pk])

    open_rows = client.get(url, {"result": "open"})
    expected_open = [e for e in cohort_finals(cohort) if e.final.score is None]
    assert open_rows.context["page"].paginator.count == len(expected_open)
    assert all(row["final"].score is None for row in open_rows.context["rows"])
    passing = client.get(url, {"result": "passing"}).context["page"].paginator.count
    assert passing == passing_count(cohort_finals(cohort))

    found = client.get(url, {"q": "Massal 0101"}).context["rows"]
    assert [r["enrolment"].participant.name for r in found] == ["Peserta Massal 0101"]
    in_group = client.get(url, {"kelompok": "Rajawali"}).context["rows"]
    assert {r["enrolment"].group_id for r in in_group} == {group.pk}
    assert client.get(url, {"kelompok": group.pk}).context["page"].paginator.count == 0

    # Page 2 of the participants still to be scored: every one of its cells typed in.
    page_two = client.get(url, {"result": "open", "page": 2})
    shown = [row["enrolment"] for row in page_two.context["rows"]]
    assert shown and all(s.pk not in {r["enrolment"].pk for r in open_rows.context["rows"]}
                         for s in shown)  # fmt: skip
    typed = {f"score-{e.pk}-{sikap.pk}": "88" for e in shown}
    response = client.post(f"{url}?result=open&page=2", typed)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?result=open&page=2"
    saved = ComponentScore.objects.filter(component=sikap, score=Decimal("88"))
    assert set(saved.values_list("enrolment_id", flat=True)) == {e.pk for e in shown}

    # A refused save comes back with the rows it sent, as typed.
    refused = client.post(f"{url}?page=3", {f"score-{e.pk}-{sikap.pk}": "150" for e in shown[:3]})
    assert refused.status_code == 200
    assert [r["enrolment"].pk for r in refused.context["rows"]] == [e.pk for e in shown[:3]]
    assert refused.content.decode().count('value="150"') == 3


# The queue -------------------------------------------------------------------------------


def supervised_world(size):
    """A coach of `size` participants over several cohorts: a fifth of them finished (final),
    three designs waiting, two reports waiting; the rest at work."""
    coach = widyaiswara_user(username="coach-massal")
    program = ProgramFactory()
    per_cohort = max(size // 4, 1)
    enrolments = []
    for n in range(0, size, per_cohort):
        cohort = CohortFactory(program=program, start_date=date(2022, 1, 3))
        enrolments += crowd(cohort, min(per_cohort, size - n), coach=coach, start=n)
    finished = enrolments[: size // 5]
    ChangeProject.objects.filter(enrolment__in=finished).update(
        state=State.FINAL, final_score=Decimal("85")
    )
    designs, reports = enrolments[-3:], enrolments[-5:-3]
    ChangeProject.objects.filter(enrolment__in=designs).update(state=State.DESIGN_SUBMITTED)
    ChangeProject.objects.filter(enrolment__in=reports).update(state=State.REPORT_SUBMITTED)
    return coach, enrolments, finished, designs, reports


@pytest.mark.parametrize("size", [40, 400])
def test_the_queue_costs_one_page_whatever_the_years(client, django_assert_num_queries, size):
    coach, enrolments, finished, designs, reports = supervised_world(size)
    client.force_login(coach)
    # session, user, permissions (2), role names; every list's count in one aggregate;
    # one page each of designs, reports and the projects in progress (the scores list is
    # empty: no query); the coach's latest cohorts; their nearest seminars. The same at 40
    # as at 400.
    with django_assert_num_queries(11):
        response = client.get(reverse("projects:queue"))
    assert len(response.content) < MAX_PAGE_BYTES
    context = response.context
    assert [p.enrolment_id for p in context["designs"]] == [e.pk for e in designs]
    assert {p.enrolment_id for p in context["reports"]} == {e.pk for e in reports}
    in_progress = size - len(finished)
    assert context["counts"]["supervised"] == in_progress
    # Twenty projects in progress beside the waiting lists (ten each): about fifty rows.
    assert len(context["supervised"]) == min(in_progress, 20)
    # What waits now: nothing finished in the default list.
    shown = {p.enrolment_id for p in context["supervised"]}
    assert not shown & {e.pk for e in finished}


def test_the_queue_keeps_finished_work_under_its_tab_and_searches(client):
    coach, enrolments, finished, designs, _reports = supervised_world(120)
    client.force_login(coach)
    url = reverse("projects:queue")

    archive = client.get(url, {"tampil": "selesai"})
    assert archive.context["show_finished"]
    assert archive.context["finished"].paginator.count == len(finished)
    assert {p.state for p in archive.context["projects"]} == {State.FINAL}
    assert "queue-designs" not in archive.content.decode()
    second = client.get(url, {"tampil": "selesai", "page": 2}).context["projects"]
    assert second.number == 1  # 24 finished: one page, the nearest to a page past the end

    default = client.get(url)
    assert default.context["counts"]["finished"] == len(finished)
    page = default.content.decode()
    assert "?tampil=selesai#projects" in page
    assert 'aria-current="page"' in page

    name = designs[0].participant.name
    found = client.get(url, {"q": name})
    assert [p.enrolment_id for p in found.context["designs"]] == [designs[0].pk]
    assert found.context["counts"]["supervised"] == 1
    by_stage = client.get(url, {"state": State.FINAL, "tampil": "selesai"})
    assert by_stage.context["finished"].paginator.count == len(finished)
    assert client.get(url, {"state": State.FINAL}).context["counts"]["supervised"] == 0

    # The second page of the projects in progress: the next twenty by cohort, then name.
    page_two = client.get(url, {"page": 2}).context["projects"]
    # Every cohort starts the same day: by name.
    in_progress = sorted(
        (e for e in enrolments if e not in finished), key=lambda e: e.participant.name
    )
    assert [p.enrolment_id for p in page_two] == [e.pk for e in in_progress[20:40]]

    # However much waits, the page shows about fifty rows: ten of each waiting list, twenty
    # projects in progress; each list turns its own pages.
    waiting = in_progress[:30]
    ChangeProject.objects.filter(enrolment__in=waiting[:15]).update(state=State.DESIGN_SUBMITTED)
    ChangeProject.objects.filter(enrolment__in=waiting[15:]).update(state=State.REPORT_SUBMITTED)
    busy = client.get(url)
    shown = [len(busy.context[name]) for name in ("designs", "reports", "scores", "projects")]
    assert shown[:2] == [10, 10] and sum(shown) <= 50
    assert busy.context["designs"].paginator.count == 15 + len(designs)
    assert "?hal_rancangan=2#queue-designs" in busy.content.decode()


def test_the_queue_lists_only_the_examiners_nearest_seminars(client):
    examiner = widyaiswara_user()
    cohort = CohortFactory()
    examined = [enrol(cohort, coach=widyaiswara_user()) for _ in range(2)]
    ChangeProject.objects.filter(enrolment__in=examined).update(state=State.REPORT_SUBMITTED)
    for day in range(1, 8):
        seminar_schedule(
            cohort=cohort,
            starts_at=timezone.make_aware(datetime(2022, 10, day, 9)),
            room=f"Ruang {day}",
            examiners=[examiner],
            enrolments=examined,
            actor=staff_user(),
        )
    project_scored(examined[0], Decimal("80"))
    client.force_login(examiner)
    page = client.get(reverse("projects:queue")).content.decode()
    assert page.count("2 peserta") == 5  # the latest five; the rest on their own page
    assert reverse("projects:my_seminars") in page


@pytest.mark.parametrize(
    ("attitude", "academic", "project", "final"),
    [
        ("0.01", "0", "0", "0.00"),  # 0.00125: down
        ("0.04", "0", "0", "0.01"),  # 0.005 exactly: half up
        ("70.04", "70", "70", "70.01"),  # 70.005 exactly: half up, just passing
        ("70.03", "70", "70", "70.00"),  # 70.00375: down, on the floor, not passing
    ],
)
def test_the_sql_rule_rounds_an_exact_half_up(attitude, academic, project, final):
    """Weights of 12.5% make exact halves of a hundredth, which 20% weights never do."""
    cohort, sikap, akademik, first, _second = gradebook_world()
    ScoreComponent.objects.filter(pk__in=[sikap.pk, akademik.pk]).update(weight=Decimal("12.5"))
    ScoreComponent.objects.filter(program=cohort.program, source="project").update(weight=75)
    component_scores_record(
        cohort=cohort,
        values={
            (first.pk, sikap.pk): Decimal(attitude),
            (first.pk, akademik.pk): Decimal(academic),
        },
        recorded_by=None,
    )
    ChangeProject.objects.filter(enrolment=first).update(final_score=Decimal(project))
    in_sql, in_python = sql_and_python(cohort)
    assert in_sql == in_python
    assert in_sql[first.pk].score == Decimal(final)


# Seminars -------------------------------------------------------------------------------


def seminars_world(size):
    """A cohort of `size` participants with `size` seminars of two participants each, all
    examined by one widyaiswara (rows in bulk: the pages are measured, not scheduling)."""
    cohort = CohortFactory()
    examiner = widyaiswara_user(username="penguji-massal")
    enrolments = crowd(cohort, size)
    seminars = Seminar.objects.bulk_create(
        Seminar(cohort=cohort, starts_at=timezone.make_aware(datetime(2022, 10, 3, 9)),
                room=f"Ruang {n:04d}")
        for n in range(size)
    )  # fmt: skip
    Seminar.examiners.through.objects.bulk_create(
        Seminar.examiners.through(seminar=s, user=examiner) for s in seminars
    )
    Seminar.enrolments.through.objects.bulk_create(
        Seminar.enrolments.through(seminar=s, enrolment=e)
        for n, s in enumerate(seminars)
        for e in (enrolments[n], enrolments[(n + 1) % size])
    )
    return cohort, examiner


@pytest.mark.parametrize("size", [40, 400])
def test_the_seminar_pages_show_twenty_seminars_whatever_the_years(
    client, django_assert_num_queries, size
):
    cohort, examiner = seminars_world(size)
    client.force_login(examiner)
    # session, user, permissions (2), role names; the seminars' count; one page of them;
    # their participants, projects and examiners (prefetched for the page). The same at 40
    # as at 400.
    with django_assert_num_queries(11):
        response = client.get(reverse("projects:my_seminars"))
    assert len(response.context["seminars"]) == 20
    assert response.context["seminars"].paginator.count == size
    assert len(response.content) < MAX_PAGE_BYTES
    assert "?page=2" in response.content.decode()
    client.force_login(staff_user())
    url = reverse("projects:cohort_seminars", args=[cohort.pk])
    # session, user, permissions (2), role names; the cohort; the seminars' count, one page
    # of them, their participants, projects and examiners; the form's examiners, groups and
    # the participants it offers.
    with django_assert_num_queries(15):
        response = client.get(url, {"page": 2})
    assert response.context["seminars"].number == 2
    assert len(response.context["seminars"]) == 20


def test_the_seminar_form_offers_fifty_participants_and_finds_the_others():
    """A box per participant would grow with the cohort: the form offers the first fifty not
    yet given a seminar, and a search finds the others."""
    from django.test import Client

    cohort = CohortFactory()
    enrolments = crowd(cohort, 60)
    Seminar.enrolments.through.objects.bulk_create(
        [Seminar.enrolments.through(
            seminar=Seminar.objects.create(cohort=cohort, room="Aula",
                                           starts_at=timezone.make_aware(datetime(2022, 10, 3, 9))),
            enrolment=enrolments[0])]
    )  # fmt: skip
    client = Client()
    client.force_login(staff_user())
    url = reverse("projects:cohort_seminars", args=[cohort.pk])
    page = client.get(url).content.decode()
    assert page.count('name="enrolments"') == 50
    assert "belum berseminar" in page
    scheduled = enrolments[0].participant
    last = max((e.participant for e in enrolments[1:]), key=lambda p: p.name)
    found = client.get(url, {"peserta": last.name}).content.decode()
    assert found.count('name="enrolments"') == 1 and last.name in found
    assert (
        client.get(url, {"peserta": scheduled.name}).content.decode().count('name="enrolments"')
        == 0
    )
