"""The demo data, and the sample files in docs/samples/ doing what the README says on it.

The demo is loaded once for this module (the `demo` fixture); each test runs in a savepoint
inside it, so a test that changes data (importing a sample file) leaves the demo as it was
for the next. Keep the tests that need the demo here, so that it is loaded once per run.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cohorts.models import Cohort, Institution
from config import roles
from demo.loaders import DEMO_PASSWORD, demo_data_load
from documents.models import Certificate, CertificateBatch
from participants.importing import import_apply, import_check
from participants.models import Enrolment, Mentor, Participant
from participants.nip import nip_parse
from projects.models import ChangeProject, CriterionScore, Rubric, State

pytestmark = pytest.mark.django_db
SAMPLES = Path(settings.BASE_DIR) / "docs" / "samples"


def counts():
    return {
        model.__name__: model.objects.count()
        for model in (
            Institution, Cohort, Participant, Enrolment, ChangeProject, Certificate,
            CertificateBatch,
        )
    }  # fmt: skip


def test_demo_data_follows_the_banten_and_probolinggo_cohorts(demo):
    latsar = Cohort.objects.filter(program__code="latsar", year=2022).order_by("angkatan")
    assert [c.angkatan for c in latsar] == [72, 73, 74]
    for cohort in latsar:
        assert cohort.enrolments.count() == 40
        assert sum(p.jp for p in cohort.phases.all()) == 647
        agencies = {e.participant.agency.parent.name for e in cohort.enrolments.all()}
        assert agencies == {
            "Pemerintah Kota Tangerang",
            "Pemerintah Kota Cilegon",
            "Pemerintah Kabupaten Tangerang",
        }
    pka = Cohort.objects.get(program__code="pka")
    assert str(pka) == "Pelatihan Kepemimpinan Administrator Angkatan VII Tahun 2019"
    assert pka.enrolments.count() == 30
    per_unit = {}
    for enrolment in pka.enrolments.select_related("participant"):
        per_unit[enrolment.participant.agency_id] = (
            per_unit.get(enrolment.participant.agency_id, 0) + 1
        )
    assert max(per_unit.values()) <= 2
    for nip in Participant.objects.values_list("nip", flat=True):
        nip_parse(nip)


def test_every_printed_demo_login_signs_in_with_the_demo_password(demo, client):
    from django.urls import reverse

    from demo.loaders import DEMO_PASSWORD

    for _role, username, _note in demo.logins:
        # Through the login page, as people sign in (login throttling included).
        response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        assert response.status_code == 302 and "_auth_user_id" in client.session, username
        client.logout()


def test_demo_data_twice_creates_nothing_twice(demo):
    # The first load is the module's; this test loads once more on top of it.
    first = demo
    before = counts()
    logo = Institution.objects.get(code="bpsdmd-banten").logo.name
    second = demo_data_load()
    assert counts() == before
    assert Institution.objects.get(code="bpsdmd-banten").logo.name == logo
    assert first.logins == second.logins
    assert {role for role, _username, _note in first.logins} == {
        roles.ADMINISTRATOR,
        roles.STAFF,
        roles.WIDYAISWARA,
        roles.PARTICIPANT,
        roles.MENTOR,
    }


def test_angkatan_72_has_passing_participants_to_certify(demo):
    from projects.selectors import enrolments_passing

    cohort = Cohort.objects.get(program__code="latsar", angkatan=72)
    # All 40 projects final and scored, every twentieth below the pass mark; the gradebook is
    # complete and the grades closed.
    assert len(enrolments_passing(cohort)) == 38
    assert cohort.grades_closed_at is not None
    statuses = sorted(cohort.enrolments.values_list("status", flat=True))
    assert statuses == [Enrolment.Status.FAILED] * 2 + [Enrolment.Status.PASSED] * 38
    # The organiser's made-up emblem and signature appear on its certificates.
    from documents.issuing import certificate_ensure
    from documents.rendering import certificate_html

    for image in (cohort.organiser.logo, cohort.organiser.head_signature):
        assert image.read().startswith(b"\x89PNG")
    html = certificate_html(certificate_ensure(enrolment=enrolments_passing(cohort)[0]))
    assert html.count("data:image/png;base64,") == 2


def test_demo_projects_show_every_stage_a_queue_and_graded_cohorts(demo):
    from django.contrib.auth import get_user_model

    from projects.selectors import gradebook_rows, queue_of

    logins = demo.logins
    assert set(ChangeProject.objects.values_list("state", flat=True)) == set(State.values)
    assert Rubric.objects.values("program").distinct().count() == 4

    queue = queue_of(get_user_model().objects.get(username="widyaiswara"))
    assert queue["designs"] and queue["reports"]

    latsar_72 = Cohort.objects.get(program__code="latsar", angkatan=72)
    assert set(latsar_72.enrolments.values_list("project__state", flat=True)) == {State.FINAL}
    _components, rows = gradebook_rows(latsar_72)
    assert all(row["final"].predicate for row in rows)
    pka = Cohort.objects.get(program__code="pka")
    assert pka.grades_closed_at is not None
    assert set(pka.enrolments.values_list("status", flat=True)) == {Enrolment.Status.PASSED}
    assert not pka.enrolments.filter(project__theme=None).exists()
    assert Cohort.objects.get(program__code="latsar", angkatan=73).grades_closed_at is None
    assert not Enrolment.objects.filter(cohort__program__code="latsar", mentor=None).exists()

    corrections = CriterionScore.history.exclude(
        history_change_reason__in=["", "Nilai pertama"]
    ).filter(history_change_reason__isnull=False, history_user__isnull=False)
    assert corrections.exists()

    # The participant login printed for the running cohort has a project to look at.
    username = next(
        username
        for role, username, note in logins
        if role == roles.PARTICIPANT and "Angkatan 75" in note
    )
    project = ChangeProject.objects.get(
        enrolment__participant__nip=username, enrolment__cohort__angkatan=75
    )
    assert project.state == State.IMPLEMENTATION
    assert project.title and project.theme and project.milestones.exists()


# What each printed login finds to do, as the README's "Demo logins" table says.


def login_of(demo, role, note=""):
    return next(u for r, u, n in demo.logins if r == role and note in n)


def signed_in(client, username):
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, username
    return client.get(response.url, follow=True)


def test_the_running_cohort_s_participant_can_still_edit_and_upload(demo, client):
    landing = signed_in(client, login_of(demo, roles.PARTICIPANT, "Angkatan 75"))
    assert landing.request["PATH_INFO"] == reverse("participants:my_schedule")
    project_page = client.get(reverse("projects:my_project"), follow=True)
    project = project_page.context["project"]
    page = project_page.content.decode()
    assert f'href="{reverse("projects:edit", args=[project.pk])}"' in page
    assert f'action="{reverse("projects:upload", args=[project.pk])}"' in page
    assert "Ajukan laporan" in page


def test_the_widyaiswara_has_a_design_to_approve(demo, client):
    landing = signed_in(client, login_of(demo, roles.WIDYAISWARA))
    assert landing.request["PATH_INFO"] == reverse("projects:queue")
    waiting = landing.context["designs"]
    assert waiting
    page = client.get(waiting[0].get_absolute_url()).content.decode()
    assert "Setujui rancangan" in page


def test_the_mentor_has_a_mentee_to_score(demo, client):
    landing = signed_in(client, login_of(demo, roles.MENTOR))
    assert landing.request["PATH_INFO"] == reverse("participants:my_mentees")
    page = landing.content.decode()
    due = [
        project
        for project in ChangeProject.objects.filter(
            enrolment__mentor__user__username=login_of(demo, roles.MENTOR)
        )
        if f'href="{project.get_absolute_url()}"' in page
        and reverse("projects:sheet", args=[project.pk, "mentor"])
        in client.get(project.get_absolute_url()).content.decode()
    ]
    assert due


def test_the_alumnus_downloads_a_certificate_issued_when_the_demo_loaded(demo, client):
    username = login_of(demo, roles.PARTICIPANT, "bersertifikat")
    certificate = Certificate.objects.get(
        enrolment__participant__nip=username, revoked_at__isnull=True
    )
    assert certificate.pdf.read().startswith(b"%PDF")
    # Issued by a batch, as staff would have: its page shows it done.
    batch = CertificateBatch.objects.get(cohort=certificate.enrolment.cohort)
    assert batch.status == CertificateBatch.Status.DONE
    signed_in(client, username)
    page = client.get(reverse("projects:my_training")).content.decode()
    assert reverse("documents:certificate_download", args=[certificate.pk]) in page
    assert (
        client.get(reverse("documents:certificate_download", args=[certificate.pk])).status_code
        == 200
    )


def readme_demo_table():
    """The rows of the README's "Demo logins" table, as text."""
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("### Demo logins", 1)[1].split("\n### ", 1)[0]
    # The table's lines, less its header and the line under it.
    return [line for line in section.splitlines() if line.startswith("|")][2:]


def test_every_login_and_nip_the_readme_names_exists_with_the_demo_password(demo, client):
    from django.contrib.auth import get_user_model

    from demo.bsre_demo import bsre_demo_ensure
    from demo.followup_demo import followup_demo_ensure
    from demo.pkn_demo import pkn_demo_ensure
    from demo.visits_demo import visits_demo_ensure, visits_demo_logins

    # `make demo` (the demo_data command) also makes the acting head who signs through BSrE,
    # the PKN II graduates, the field visits and the follow-up answers, with their logins.
    logins = [*demo.logins, bsre_demo_ensure(), pkn_demo_ensure(), followup_demo_ensure()]
    logins += visits_demo_logins(visits_demo_ensure())
    rows = readme_demo_table()
    assert len(rows) >= 8
    # The user name opens its cell; the running cohort's cell tells where to read it instead.
    cells = [row.split("|")[2].strip() for row in rows]
    named = [re.match(r"`([^`]+)`", cell).group(1) for cell in cells if cell.startswith("`")]
    assert len(named) == len(rows) - 1
    nips = [name for name in named if re.fullmatch(r"\d{18}", name)]
    assert len(nips) >= 2
    for nip in nips:
        assert (
            Participant.objects.filter(nip=nip).exists() or Mentor.objects.filter(nip=nip).exists()
        ), nip
    for username in named:
        assert get_user_model().objects.filter(username=username).exists(), username
    # Any NIP written out for logging in, anywhere in the README (the grouped
    # `19860926 201505 1 001` is the import template's example, which is never imported).
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    for nip in re.findall(r"`(\d{18})`", readme):
        assert get_user_model().objects.filter(username=nip).exists(), nip
    # Each login the demo prints is in the table, except the running cohort's participant,
    # whose NIP is drawn when the demo is first loaded (the README says so).
    for role, username, note in logins:
        if "Angkatan 75" not in note:
            assert username in named, (role, username)


# The sample files in docs/samples/, on the demo data.


def upload(name):
    return SimpleUploadedFile(name, (SAMPLES / name).read_bytes())


@pytest.mark.parametrize(
    "name", ["peserta-latsar-angkatan-75.xlsx", "peserta-latsar-angkatan-75.csv"]
)
def test_the_sample_with_errors_names_each_bad_row(demo, name):
    cohort = Cohort.objects.get(program__code="latsar", angkatan=75)
    batch = import_check(cohort=cohort, uploaded=upload(name), uploaded_by=None)
    assert [(e["row"], e["column"]) for e in batch.errors] == [
        (4, "NIP"),
        (5, "Instansi"),
        (6, "Pangkat/Golongan"),
        (7, "Syarat"),
        (8, "NIP"),
    ]
    assert batch.errors[3]["message"] == (
        "Jenjang jabatan Pengawas tidak termasuk sasaran program ini (CPNS (calon PNS))."
    )


def test_the_corrected_sample_imports_into_the_running_cohort(demo):
    cohort = Cohort.objects.get(program__code="latsar", angkatan=75)
    before = cohort.enrolments.count()
    batch = import_check(
        cohort=cohort, uploaded=upload("peserta-latsar-angkatan-75-diperbaiki.xlsx"),
        uploaded_by=None,
    )  # fmt: skip
    assert batch.errors == []
    assert import_apply(batch=batch)["enrolled"] == 6
    assert cohort.enrolments.count() == before + 6


def test_each_agency_of_the_demo_has_its_own_staff_login_and_sees_only_its_cohorts(demo, client):
    """Two agencies share the demo: BPSDMD Banten, and BPSDM Jawa Timur with BKD Kabupaten
    Probolinggo as co-organiser of its PKA. Neither sees the other's cohorts."""
    from django.urls import reverse

    from cohorts.models import Cohort
    from demo.loaders import DEMO_PASSWORD

    printed = {username: note for role, username, note in demo.logins if role == roles.STAFF}
    assert set(printed) == {"staf", "staf-jatim", "staf-probolinggo"}
    banten = set(Cohort.objects.filter(organiser__code="bpsdmd-banten"))
    pka = Cohort.objects.get(organiser__code="bpsdm-jatim")
    assert pka.co_organiser.code == "bkd-probolinggo" and len(banten) == 4
    sees = {"staf": banten, "staf-jatim": {pka}, "staf-probolinggo": {pka}}
    everyone = banten | {pka}
    for username, own in sees.items():
        client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
        listed = client.get(reverse("cohorts:cohort_list")).content.decode()
        for cohort in everyone:
            link = f'href="{reverse("cohort_detail", args=[cohort.pk])}"'
            status = client.get(reverse("cohort_detail", args=[cohort.pk])).status_code
            if cohort in own:
                assert link in listed and status == 200, (username, str(cohort))
            else:
                assert link not in listed and status == 404, (username, str(cohort))
        client.logout()


def test_outside_speakers_teach_in_angkatan_72_s_classical_week(demo, client):
    """The acting governor opens the week (a half hour, 1 JP); a practitioner and a professor
    of Banten's register each teach an afternoon; Jawa Timur keeps its own register."""
    from cohorts.models import ClassSession, Speaker

    sessions = ClassSession.objects.filter(
        phase__cohort__program__code="latsar", phase__cohort__angkatan=72
    ).select_related("speaker", "phase")
    by_speaker = {s.speaker.kind: s for s in sessions if s.speaker_id}
    assert set(by_speaker) == {"pejabat", "praktisi", "pakar"}
    opening = by_speaker["pejabat"]
    assert (opening.subject, opening.jp) == ("Pembukaan", 1)
    assert opening.speaker.position == "Penjabat Gubernur Banten"
    assert all(s.widyaiswara_id is None for s in by_speaker.values())
    assert {s.jp for s in sessions if s.start_time.hour == 8} == {5}
    assert set(Speaker.objects.values_list("institution__code", flat=True)) == {
        "bpsdmd-banten",
        "bpsdm-jatim",
    }
    signed_in(client, "staf")
    page = client.get(
        reverse("cohorts:phase_detail", args=[opening.phase.cohort_id, opening.phase_id])
    ).content.decode()
    assert f"· 1 JP · {opening.speaker.name}" in page
    register = client.get(reverse("cohorts:speaker_list")).content.decode()
    assert opening.speaker.name in register and "Sekretaris Daerah" not in register


def test_angkatan_72_shows_the_participant_past_the_attendance_rule(demo, client):
    """One participant of each classical week missed four days without leave: staff see them
    warned about on the cohort page (beside those whose leave took them under 90%)."""
    from cohorts.models import Cohort
    from participants.attendance import attendance_warnings

    cohort = Cohort.objects.get(program__code="latsar", angkatan=72)
    warnings = list(attendance_warnings(cohort).select_related("participant"))
    [warned] = [w for w in warnings if w.too_many_absences]
    assert warned.absent == 4
    signed_in(client, "staf")
    page = client.get(reverse("cohort_detail", args=[cohort.pk])).content.decode()
    assert "Peringatan presensi" in page and warned.participant.name in page


def test_the_administrator_finds_the_batch_issued_when_the_demo_loaded(demo, client):
    landing = signed_in(client, login_of(demo, roles.ADMINISTRATOR))
    assert landing.request["PATH_INFO"] == reverse("documents:documents")
    batch = CertificateBatch.objects.get(cohort__program__code="pka")
    assert batch.get_absolute_url() in landing.content.decode()


def test_make_demo_serves_on_the_port_it_is_given():
    import subprocess

    def dry_run(*args):
        return subprocess.run(
            ["make", "-n", "demo", *args], cwd=settings.BASE_DIR, capture_output=True,
            text=True, check=True,
        ).stdout  # fmt: skip

    assert "start --port 8000" in dry_run()
    assert "start --port 8123" in dry_run("PORT=8123")
    assert "http://127.0.0.1:8123" in dry_run("PORT=8123")
    # honcho hands the port to the web process, which listens on it.
    procfile = (Path(settings.BASE_DIR) / "Procfile.demo").read_text()
    assert "runserver 127.0.0.1:$PORT" in procfile


def test_angkatan_72_and_probolinggo_have_filled_evaluations(demo, client):
    from django.contrib.auth import get_user_model

    from participants.evaluations import NOT_ENOUGH

    users = get_user_model().objects
    client.force_login(users.get(username="staf"))
    latsar = Cohort.objects.get(program__code="latsar", angkatan=72, year=2022)
    page = client.get(reverse("participants:evaluation_results", args=[latsar.pk])).content
    page = page.decode()
    # The widyaiswara and the register's speakers of the classical week, averaged.
    assert "Dra. Siti Rohmah, M.Pd." in page and "Penguasaan materi" in page
    assert "Sangat Baik" in page and str(NOT_ENOUGH) in page  # the last questionnaire: 3
    client.force_login(users.get(username="staf-jatim"))
    pka = Cohort.objects.get(program__code="pka", angkatan=7, year=2019)
    page = client.get(reverse("participants:evaluation_results", args=[pka.pk])).content
    assert "Sarana dan prasarana" in page.decode()


def test_bantens_system_hears_of_angkatan_72s_certificates_through_the_demo_webhook(
    demo, monkeypatch, django_capture_on_commit_callbacks
):
    """`make demo` gives BPSDMD Banten a webhook to the receiver stand-in: issuing Angkatan
    72's certificates tells it, signed with the demo's secret, once per certificate."""
    from cohorts.models import WebhookDelivery
    from demo.standins import webhooks as receiver_standin
    from demo.webhook_demo import webhook_demo_ensure
    from documents.batches import certificates_issue
    from documents.webhooks import webhook_deliver

    from ..standins import running

    with running(receiver_standin.build()) as receiver:
        monkeypatch.setenv("WEBHOOKS_STANDIN_PORT", str(receiver.port))
        webhook = webhook_demo_ensure()
        assert webhook_demo_ensure() == webhook  # once
        cohort = Cohort.objects.get(program__code="latsar", angkatan=72)
        with django_capture_on_commit_callbacks():
            certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
        deliveries = WebhookDelivery.objects.filter(webhook=webhook).order_by("pk")
        for pk in deliveries.values_list("pk", flat=True):
            webhook_deliver(delivery_id=pk)
        issued = Certificate.objects.filter(enrolment__cohort=cohort)
        told = {payload["certificate"]["number"] for _d, _e, payload in receiver.events}
        assert told == set(issued.values_list("number", flat=True)) and len(told) == 38
        assert {event for _d, event, _p in receiver.events} == {"certificate.issued"}
