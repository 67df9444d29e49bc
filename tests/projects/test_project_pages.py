"""The project pages: who opens which page of which project, what the forms save, and what
the list pages cost in queries."""

import re
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from config import roles
from participants.accounts import mentor_account_ensure
from participants.services import enrolment_create, mentor_upsert
from projects.documents import document_upload
from projects.gradebook import component_scores_record
from projects.models import (
    ChangeProject,
    Criterion,
    Milestone,
    ProjectDocument,
    Rubric,
    ScoreComponent,
    ScoreSheet,
    ScoringRole,
    Stakeholder,
    State,
    TeamMember,
    Theme,
)
from projects.scoring import DEFAULT_RUBRICS, rubrics_default
from projects.seminars import seminar_schedule

from ..factories import (
    CohortFactory,
    ParticipantFactory,
    UserFactory,
    enrol,
    project_scored,
    staff_user,
    valid_nip,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
# What every signed-in page costs: session, user, the user's and the groups' permissions,
# the role names for the menu.
PER_REQUEST = 5


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def mentor_with_login(n, name):
    mentor = mentor_upsert(nip=valid_nip(n), name=name)
    mentor_account_ensure(mentor=mentor, invite=False)
    return mentor


@pytest.fixture
def cast():
    """A participant whose report is in and whose seminar is scheduled, with a document; the
    people around them, and people around someone else of the same cohort."""
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    rubrics_default(cohort.program)
    coach = widyaiswara_user(username="coach")
    mentor = mentor_with_login(900, "Drs. Atasan Langsung, M.Si.")
    other_mentor = mentor_with_login(901, "Ir. Atasan Lain, M.T.")
    mine = enrolment_create(
        cohort=cohort, participant=ParticipantFactory(), coach=coach, mentor=mentor
    )
    other = enrolment_create(
        cohort=cohort, participant=ParticipantFactory(), coach=coach, mentor=other_mentor
    )
    project = mine.project
    ChangeProject.objects.filter(pk=project.pk).update(state=State.IMPLEMENTATION)
    document = document_upload(
        project=project,
        kind="report",
        upload=SimpleUploadedFile("laporan.pdf", PDF),
        user=mine.participant.user,
    )
    ChangeProject.objects.filter(pk=project.pk).update(state=State.REPORT_SUBMITTED)
    examiner = widyaiswara_user(username="penguji")
    staff = staff_user()
    seminar_schedule(
        cohort=cohort,
        starts_at=timezone.make_aware(datetime(2022, 10, 3, 9)),
        room="Aula Utama",
        examiners=[examiner],
        enrolments=[mine],
        actor=staff,
    )
    project.refresh_from_db()
    assert project.state == State.SEMINAR_SCHEDULED
    return {
        "cohort": cohort,
        "project": project,
        "document": document,
        "owner": mine.participant.user,
        "other_participant": other.participant.user,
        "coach": coach,
        "stranger": widyaiswara_user(username="lain"),
        "mentor": mentor.user,
        "other_mentor": other_mentor.user,
        "examiner": examiner,
        "staff": staff,
    }


PAGES = ["detail", "edit", "step", "upload", "sheet-coach", "sheet-mentor",
         "sheet-examiner", "document"]  # fmt: skip
# What each person gets from each page of the project above (seminar scheduled). 302 for
# those involved: the edit page, a step and an upload send them back to the project page
# (the project is out of the participant's hands; the step is refused with a message).
EXPECTED = {
    "owner":             [200, 302, 302, 302, 403, 403, 403, 200],
    "other_participant": [403, 403, 403, 403, 403, 403, 403, 403],
    "coach":             [200, 403, 302, 403, 200, 403, 403, 200],
    "stranger":          [403, 403, 403, 403, 403, 403, 403, 403],
    "mentor":            [200, 403, 302, 403, 403, 200, 403, 200],
    "other_mentor":      [403, 403, 403, 403, 403, 403, 403, 403],
    "examiner":          [200, 403, 302, 403, 403, 403, 200, 200],
    "staff":             [200, 403, 302, 403, 403, 403, 403, 200],
}  # fmt: skip


def page_request(client, cast, page):
    project = cast["project"]
    if page == "detail":
        return client.get(reverse("projects:detail", args=[project.pk]))
    if page == "edit":
        return client.get(reverse("projects:edit", args=[project.pk]))
    if page == "step":
        # Finalizing is staff's step, but not while the seminar is still ahead.
        return client.post(reverse("projects:step", args=[project.pk]), {"action": "finalize"})
    if page == "upload":
        return client.post(
            reverse("projects:upload", args=[project.pk]),
            {"kind": "report", "file": SimpleUploadedFile("laporan-2.pdf", PDF)},
        )
    if page.startswith("sheet-"):
        return client.get(reverse("projects:sheet", args=[project.pk, page[len("sheet-") :]]))
    response = client.get(reverse("projects:document", args=[cast["document"].pk]))
    if response.status_code == 200:
        assert b"".join(response.streaming_content) == PDF
    return response


@pytest.mark.parametrize("who", list(EXPECTED))
def test_each_person_reaches_only_the_project_pages_of_their_role(client, cast, who):
    client.force_login(cast[who])
    got = [page_request(client, cast, page).status_code for page in PAGES]
    assert dict(zip(PAGES, got, strict=True)) == dict(zip(PAGES, EXPECTED[who], strict=True))
    project = cast["project"]
    project.refresh_from_db()
    assert project.state == State.SEMINAR_SCHEDULED
    assert ProjectDocument.objects.count() == 1
    assert not ScoreSheet.objects.exists()


def test_anonymous_visitors_are_sent_to_login_from_every_project_page(client, cast):
    for page in PAGES:
        response = page_request(client, cast, page)
        assert response.status_code == 302, page
        assert response["Location"].startswith(reverse("login")), page
    assert ProjectDocument.objects.count() == 1


def test_those_sent_back_to_the_project_page_are_told_why(client, cast):
    project = cast["project"]
    client.force_login(cast["owner"])
    response = client.get(reverse("projects:edit", args=[project.pk]), follow=True)
    assert response.redirect_chain == [(project.get_absolute_url(), 302)]
    assert "tahap “Seminar terjadwal” tidak dapat diubah oleh peserta" in response.content.decode()

    client.force_login(cast["staff"])
    response = client.post(
        reverse("projects:step", args=[project.pk]), {"action": "finalize"}, follow=True
    )
    assert (
        "Langkah “Tetapkan final” tidak dapat diambil: proyek sedang pada tahap "
        "“Seminar terjadwal”." in response.content.decode()
    )


def test_staff_see_the_project_but_cannot_fill_a_coach_sheet(client, cast):
    project = cast["project"]
    ChangeProject.objects.filter(pk=project.pk).update(state=State.REPORT_SUBMITTED)
    client.force_login(cast["staff"])
    page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert "Isi nilai" not in page
    criteria = Criterion.objects.filter(
        rubric__program=cast["cohort"].program, rubric__role=ScoringRole.COACH
    )
    data = {"version": "0", "reason": ""} | {f"score_{c.pk}": "90" for c in criteria}
    url = reverse("projects:sheet", args=[project.pk, ScoringRole.COACH])
    assert client.post(url, data).status_code == 403
    assert not ScoreSheet.objects.exists()

    client.force_login(cast["coach"])
    assert "Isi nilai Coach" in client.get(project.get_absolute_url()).content.decode()
    assert client.post(url, data).status_code == 302
    assert ScoreSheet.objects.get().scorer == cast["coach"]


def test_a_sheet_for_a_role_that_does_not_exist_is_not_found(client, cast):
    client.force_login(cast["coach"])
    url = reverse("projects:sheet", args=[cast["project"].pk, "kepala-dinas"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("state", "editable"),
    [
        (State.DRAFT, True),
        (State.DESIGN_SUBMITTED, False),
        (State.REVISION, True),
        (State.IMPLEMENTATION, True),
        (State.REPORT_SUBMITTED, False),
        (State.SEMINAR_SCHEDULED, False),
        (State.EXAMINED, False),
        (State.FINAL, False),
    ],
)
def test_the_participant_edits_only_while_the_project_is_in_their_hands(
    client, cast, state, editable
):
    project = cast["project"]
    ChangeProject.objects.filter(pk=project.pk).update(state=state)
    client.force_login(cast["owner"])
    url = reverse("projects:edit", args=[project.pk])
    assert client.get(url).status_code == (200 if editable else 302)
    response = client.post(url, edit_data(Theme.objects.get_or_create(name="Stunting")[0]))
    assert response.status_code == 302
    project.refresh_from_db()
    assert (project.title == TITLE) is editable
    assert project.milestones.exists() is editable
    detail = client.get(project.get_absolute_url()).content.decode()
    assert (reverse("projects:edit", args=[project.pk]) in detail) is editable


def test_a_participant_cannot_edit_someone_elses_project(client, cast):
    project = cast["project"]
    ChangeProject.objects.filter(pk=project.pk).update(state=State.DRAFT)
    client.force_login(cast["other_participant"])
    theme = Theme.objects.get_or_create(name="Stunting")[0]
    response = client.post(reverse("projects:edit", args=[project.pk]), edit_data(theme))
    assert response.status_code == 403
    project.refresh_from_db()
    assert project.title == ""
    assert not project.milestones.exists()


TITLE = "Antrean daring di Puskesmas Karang Tanjung"


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def edit_data(theme, *, planned_end="2022-08-31", **overrides):
    """The edit form as a participant sends it: the project, one row of each list and an
    empty row left over in each."""
    data = {
        "title": TITLE,
        "theme": str(theme.pk),
        "problem": "Pasien menunggu dua jam di loket pendaftaran.",
        "innovation": "Nomor antrean lewat WhatsApp dan papan antrean daring.",
        **management("stakeholders", 2),
        "stakeholders-0-name": "Kepala Puskesmas",
        "stakeholders-0-kind": "internal",
        "stakeholders-0-role": "Menyetujui jam layanan baru",
        **management("team", 2),
        "team-0-role": "sponsor",
        "team-0-name": "dr. Ratna Sari",
        "team-0-position": "Kepala Dinas Kesehatan",
        **management("milestones", 2),
        "milestones-0-term": "short",
        "milestones-0-activity": "Uji coba antrean daring",
        "milestones-0-planned_start": "2022-08-01",
        "milestones-0-planned_end": planned_end,
        "milestones-0-actual_end": "",
        "milestones-0-output": "Antrean daring berjalan",
        "milestones-0-evidence": "Foto papan antrean",
        "milestones-0-value_codes": ["B", "Ak"],
    }
    data.update(overrides)
    return data


def test_the_participant_saves_the_project_and_its_lists(client, cast):
    project = cast["project"]
    ChangeProject.objects.filter(pk=project.pk).update(state=State.DRAFT)
    theme = Theme.objects.get_or_create(name="Pelayanan publik")[0]
    client.force_login(cast["owner"])
    url = reverse("projects:edit", args=[project.pk])
    form = client.get(url).content.decode()
    for prefix in ("stakeholders", "team", "milestones"):
        assert f'name="{prefix}-TOTAL_FORMS"' in form

    response = client.post(url, edit_data(theme), follow=True)
    assert response.redirect_chain == [(project.get_absolute_url(), 302)]
    page = response.content.decode()
    assert "Proyek tersimpan." in page
    for shown in [
        TITLE,
        "Tema: Pelayanan publik",
        "Pasien menunggu dua jam di loket pendaftaran.",
        "Nomor antrean lewat WhatsApp dan papan antrean daring.",
        "Kepala Puskesmas (Internal): Menyetujui jam layanan baru",
        "Sponsor: dr. Ratna Sari, Kepala Dinas Kesehatan",
        "Uji coba antrean daring",
        "Berorientasi Pelayanan, Akuntabel",  # Latsar: the BerAKHLAK values of the activity
        "Antrean daring berjalan",
        "Foto papan antrean",
    ]:
        assert shown in page, shown
    milestone = Milestone.objects.get(project=project)
    assert (milestone.planned_start, milestone.planned_end) == (date(2022, 8, 1), date(2022, 8, 31))
    assert milestone.values == "B,Ak"
    assert Stakeholder.objects.filter(project=project).count() == 1
    assert TeamMember.objects.filter(project=project).count() == 1


def test_a_milestone_ending_before_it_starts_is_refused_and_nothing_is_saved(client, cast):
    project = cast["project"]
    ChangeProject.objects.filter(pk=project.pk).update(state=State.DRAFT)
    theme = Theme.objects.get_or_create(name="Pelayanan publik")[0]
    client.force_login(cast["owner"])
    response = client.post(
        reverse("projects:edit", args=[project.pk]), edit_data(theme, planned_end="2022-07-31")
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Proyek belum disimpan: perbaiki isian yang ditandai merah." in page
    # The wrong cell is marked with its section, row and column; what was typed stays.
    assert "Tonggak baris 1, Rencana selesai: tidak boleh sebelum rencana mulai." in page
    assert page.count("is-invalid") == 1
    assert re.search(
        r'name="milestones-0-planned_end" value="2022-07-31" class="[^"]*is-invalid', page
    )
    for typed in (TITLE, "Uji coba antrean daring", "Kepala Puskesmas", "dr. Ratna Sari"):
        assert f'value="{typed}"' in page, typed
    assert 'value="2022-07-31"' in page
    project.refresh_from_db()
    assert (project.title, project.theme, project.problem) == ("", None, "")
    assert not project.milestones.exists()
    assert not project.stakeholders.exists()
    assert not project.team.exists()


def test_tambah_baris_without_javascript_adds_a_row_and_saves_nothing(client, cast):
    project = cast["project"]
    ChangeProject.objects.filter(pk=project.pk).update(state=State.DRAFT)
    theme = Theme.objects.get_or_create(name="Pelayanan publik")[0]
    client.force_login(cast["owner"])
    url = reverse("projects:edit", args=[project.pk])
    assert "data-formset-add" in client.get(url).content.decode()

    response = client.post(url, {**edit_data(theme), "add_row": "stakeholders"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Baris ditambahkan. Perubahan belum disimpan." in page
    assert 'name="stakeholders-TOTAL_FORMS" value="3"' in page
    assert 'name="stakeholders-2-name"' in page
    assert 'value="Kepala Puskesmas"' in page and f'value="{TITLE}"' in page
    assert "is-invalid" not in page
    project.refresh_from_db()
    assert project.title == ""
    assert not project.stakeholders.exists()

    # The added row filled in, the page is saved as a whole.
    data = {**edit_data(theme), **management("stakeholders", 3)}
    data.update({"stakeholders-2-name": "Dinas Kominfo", "stakeholders-2-kind": "external",
                 "stakeholders-2-role": "Menyediakan server"})  # fmt: skip
    assert client.post(url, data).status_code == 302
    assert sorted(project.stakeholders.values_list("name", flat=True)) == [
        "Dinas Kominfo",
        "Kepala Puskesmas",
    ]


@pytest.mark.parametrize("url_name", ["rubrics", "themes"])
def test_only_staff_with_program_rights_open_rubrics_and_themes(client, cast, url_name):
    args = [cast["cohort"].program.code] if url_name == "rubrics" else []
    url = reverse(f"projects:{url_name}", args=args)
    assert client.get(url)["Location"].startswith(reverse("login"))
    for who, status in [
        (cast["staff"], 200),
        (UserFactory(role=roles.ADMINISTRATOR), 200),
        (cast["coach"], 403),
        (cast["owner"], 403),
        (cast["mentor"], 403),
        (UserFactory(), 403),
    ]:
        client.force_login(who)
        assert client.get(url).status_code == status, who
        if status == 403:
            assert client.post(url, {}).status_code == 403, who


def rubric_data(weights):
    """The rubric page as staff send it: each role's weight, the default criteria as the
    page shows them (initial rows) and its two empty rows."""
    data = {}
    for role, (_default, criteria) in DEFAULT_RUBRICS.items():
        data[f"w-{role}-weight"] = str(weights[role])
        data.update(management(f"c-{role}", len(criteria) + 2, len(criteria)))
        for i, (name, text, weight) in enumerate(criteria):
            data[f"c-{role}-{i}-name"] = name
            data[f"c-{role}-{i}-description"] = text
            data[f"c-{role}-{i}-weight"] = str(weight)
    return data


def rubric_weights(program):
    return {r.role: r.weight for r in Rubric.objects.filter(program=program)}


def test_role_weights_must_add_up_to_100(client, cast):
    program = cast["cohort"].program
    url = reverse("projects:rubrics", args=[program.code])
    before = rubric_weights(program)
    criteria_before = list(Criterion.objects.values_list("pk", "name", "weight"))
    client.force_login(cast["staff"])

    response = client.post(
        url, rubric_data({ScoringRole.COACH: 40, ScoringRole.MENTOR: 20, ScoringRole.EXAMINER: 30})
    )
    assert response.status_code == 200
    assert (
        "Bobot coach, mentor, dan penguji harus berjumlah 100% (sekarang 90%)."
        in response.content.decode()
    )
    assert rubric_weights(program) == before
    assert list(Criterion.objects.values_list("pk", "name", "weight")) == criteria_before

    response = client.post(
        url,
        rubric_data({ScoringRole.COACH: 50, ScoringRole.MENTOR: 10, ScoringRole.EXAMINER: 40}),
        follow=True,
    )
    assert "Rubrik tersimpan." in response.content.decode()
    assert rubric_weights(program) == {
        ScoringRole.COACH: 50,
        ScoringRole.MENTOR: 10,
        ScoringRole.EXAMINER: 40,
    }


def test_a_rubric_used_for_scoring_can_no_longer_be_changed(client):
    cohort = CohortFactory()
    enrolment = enrol(cohort, coach=widyaiswara_user())
    project_scored(enrolment, Decimal("85"))
    program = cohort.program
    before = rubric_weights(program)
    assert before == {ScoringRole.COACH: 100, ScoringRole.MENTOR: 0, ScoringRole.EXAMINER: 0}
    client.force_login(staff_user())
    url = reverse("projects:rubrics", args=[program.code])

    page = client.get(url).content.decode()
    assert "sudah dipakai untuk menilai, sehingga tidak dapat diubah lagi" in page
    assert "Simpan rubrik" not in page
    client.post(
        url, rubric_data({ScoringRole.COACH: 50, ScoringRole.MENTOR: 10, ScoringRole.EXAMINER: 40})
    )
    assert rubric_weights(program) == before
    assert Criterion.objects.filter(rubric__program=program).count() == 1


def test_staff_add_a_theme_and_retire_one_that_a_project_keeps(client, cast):
    retiring = Theme.objects.create(name="Tema lama uji")
    project = cast["project"]
    ChangeProject.objects.filter(pk=project.pk).update(state=State.DRAFT, theme=retiring)
    other = ChangeProject.objects.get(enrolment__participant__user=cast["other_participant"])

    client.force_login(cast["staff"])
    url = reverse("projects:themes")
    formset = client.get(url).context["formset"]
    existing = [form.instance for form in formset.forms if form.instance.pk]
    data = management("themes", len(formset.forms), len(existing))
    # As the browser sends the page: every row, its box ticked as shown unless unticked here.
    for i, form in enumerate(formset.forms):
        data[f"themes-{i}-id"] = str(form.instance.pk or "")
        data[f"themes-{i}-name"] = form.instance.name
        if form["active"].value() and form.instance != retiring:
            data[f"themes-{i}-active"] = "on"
    data[f"themes-{len(existing)}-name"] = "Reformasi birokrasi"
    response = client.post(url, data, follow=True)
    assert "Daftar tema tersimpan." in response.content.decode()
    retiring.refresh_from_db()
    assert not retiring.active
    assert Theme.objects.get(name="Reformasi birokrasi").active

    client.force_login(cast["other_participant"])
    form = client.get(reverse("projects:edit", args=[other.pk])).content.decode()
    assert ">Reformasi birokrasi</option>" in form
    assert "Tema lama uji" not in form

    client.force_login(cast["owner"])
    edit_url = reverse("projects:edit", args=[project.pk])
    form = client.get(edit_url).content.decode()
    assert f'<option value="{retiring.pk}" selected>Tema lama uji</option>' in form
    assert client.post(edit_url, edit_data(retiring)).status_code == 302
    project.refresh_from_db()
    assert project.theme == retiring
    assert "Tema: Tema lama uji" in client.get(project.get_absolute_url()).content.decode()


# session, user, permissions (2), role names; the supervised projects (participant, agency,
# cohort, program, coach, mentor and theme joined, approvals and sheets as subqueries); the
# examined projects; the examined seminars with their cohort and program, then their
# enrolments, participants, projects and examiners; the cohorts the coach coaches in.
QUEUE_QUERIES = PER_REQUEST + 8


@pytest.mark.parametrize("size", [3, 30])
def test_the_queue_costs_the_same_for_any_number_of_projects(
    client, django_assert_max_num_queries, size
):
    coach = widyaiswara_user(username="coach")
    cohort = CohortFactory()
    coached = [enrol(cohort, coach=coach) for _ in range(size)]
    designs, reports = coached[: size // 3], coached[size // 3 : 2 * size // 3]
    ChangeProject.objects.filter(enrolment__in=designs).update(state=State.DESIGN_SUBMITTED)
    ChangeProject.objects.filter(enrolment__in=reports).update(state=State.REPORT_SUBMITTED)
    # A seminar of another cohort, with participants the coach does not coach.
    elsewhere = CohortFactory()
    examined = [enrol(elsewhere, coach=widyaiswara_user()) for _ in range(max(2, size // 3))]
    ChangeProject.objects.filter(enrolment__in=examined).update(state=State.REPORT_SUBMITTED)
    seminar_schedule(
        cohort=elsewhere,
        starts_at=timezone.make_aware(datetime(2022, 10, 3, 9)),
        room="Aula Utama",
        examiners=[coach, widyaiswara_user()],
        enrolments=examined,
        actor=staff_user(),
    )
    client.force_login(coach)
    with django_assert_max_num_queries(QUEUE_QUERIES):
        response = client.get(reverse("projects:queue"))
    context = response.context
    assert len(context["designs"]) == len(designs)
    assert len(context["reports"]) == len(reports)
    assert len(context["scores"]) == len(examined)  # the examiner's sheets to fill
    assert context["supervised"].paginator.count == size
    assert len(context["supervised"]) == min(size, 20)  # twenty beside the waiting lists
    assert f"{len(examined)} peserta" in response.content.decode()


# session, user, permissions (2), role names; the cohort with its program; the components;
# the predicate bands; the count of the rows that match the search (for the page links);
# one page of rows (participant and project joined, the entered scores and the final score
# computed in the same query); the groups of the group filter.
GRADEBOOK_QUERIES = PER_REQUEST + 6


@pytest.mark.parametrize("size", [3, 30])
def test_the_gradebook_costs_the_same_for_any_cohort_size(
    client, django_assert_max_num_queries, size
):
    cohort = CohortFactory()
    program = cohort.program
    attitude = ScoreComponent.objects.create(
        program=program, order=1, code="sikap", name="Sikap", weight=40
    )
    ScoreComponent.objects.create(
        program=program, order=2, code="aktualisasi", name="Aktualisasi", weight=60,
        source="project",
    )  # fmt: skip
    coach = widyaiswara_user()
    enrolments = [enrol(cohort, coach=coach) for _ in range(size)]
    for enrolment in enrolments[::2]:
        project_scored(enrolment, Decimal("80"))
    component_scores_record(
        cohort=cohort,
        values={(e.pk, attitude.pk): Decimal("90") for e in enrolments},
        recorded_by=None,
    )
    client.force_login(staff_user())
    with django_assert_max_num_queries(GRADEBOOK_QUERIES):
        response = client.get(reverse("projects:gradebook", args=[cohort.pk]))
    # 0.4*90 + 0.6*80 = 84.00 for each scored project
    assert response.content.decode().count("84,00") == len(enrolments[::2])


# session, user, permissions (2), role names; the cohort with its program; the seminars'
# count and a page of them (twenty), then their enrolments, participants, projects and
# examiners; the form's widyaiswara, groups and roster.
SEMINARS_QUERIES = PER_REQUEST + 10


@pytest.mark.parametrize("size", [3, 30])
def test_the_cohort_seminars_page_costs_the_same_for_any_cohort_size(
    client, django_assert_max_num_queries, size
):
    cohort = CohortFactory()
    coach = widyaiswara_user()
    enrolments = [enrol(cohort, coach=coach) for _ in range(size)]
    ChangeProject.objects.filter(enrolment__cohort=cohort).update(state=State.REPORT_SUBMITTED)
    examiners = [widyaiswara_user() for _ in range(3)]
    staff = staff_user()
    half = (size + 1) // 2
    for i, chosen in enumerate([enrolments[:half], enrolments[half:]]):
        seminar_schedule(
            cohort=cohort,
            starts_at=timezone.make_aware(datetime(2022, 10, 3 + i, 9)),
            room=f"Ruang {i + 1}",
            examiners=examiners[i : i + 2],
            enrolments=chosen,
            actor=staff,
        )
    client.force_login(staff)
    with django_assert_max_num_queries(SEMINARS_QUERIES):
        response = client.get(reverse("projects:cohort_seminars", args=[cohort.pk]))
    page = response.content.decode()
    assert page.count('class="card mb-3 seminar"') == 2
    assert page.count("Seminar terjadwal") == size


# The project with its people; the examiner check; whether staff work on its cohort
# (cohorts.scope, one query for a staff viewer); stakeholders, team, milestones,
# documents and steps, one query each; the sheets; the project score (rubrics, criteria,
# sheets, current examiners); the criterion history; the approvals.
PROJECT_PAGE_QUERIES = PER_REQUEST + 14


@pytest.mark.parametrize("rows", [1, 12])
def test_the_project_page_costs_the_same_for_any_number_of_rows(
    client, cast, django_assert_max_num_queries, rows
):
    from projects.models import Milestone, Stakeholder, TeamMember

    project = cast["project"]
    for n in range(rows):
        Milestone.objects.create(project=project, term="short", activity=f"Kegiatan {n}")
        Stakeholder.objects.create(project=project, name=f"Pihak {n}", kind="external", role="-")
        TeamMember.objects.create(project=project, role="member", name=f"Anggota {n}")
    client.force_login(cast["staff"])
    with django_assert_max_num_queries(PROJECT_PAGE_QUERIES):
        page = client.get(reverse("projects:detail", args=[project.pk])).content.decode()
    assert page.count("Kegiatan ") == rows
