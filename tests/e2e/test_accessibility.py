"""Accessibility in a real browser: axe-core finds no critical or serious violation on the main
pages of every role (staff, administrator, widyaiswara, mentor, participant, a visitor checking
a certificate), on the demo data, at a laptop's width and a phone's."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse
from playwright.sync_api import expect

from cohorts.models import Cohort
from cohorts.services import phase_days
from config import roles
from curriculum.models import PhaseKind
from demo.bsre_demo import bsre_demo_ensure
from demo.followup_demo import followup_demo_ensure
from demo.loaders import DEMO_PASSWORD, demo_data_load
from demo.pkn_demo import pkn_demo_ensure
from demo.siasn_people import siasn_standin_write
from demo.standins import siasn as siasn_standin
from demo.visits_demo import visits_demo_ensure
from documents.issuing import certificate_ensure
from documents.models import Certificate, CertificateBatch
from participants.models import Enrolment
from projects.follow_up_models import CataloguePublication
from projects.models import ChangeProject

from ..integrations.test_siasn_client import siasn_settings
from ..standins import running

pytestmark = pytest.mark.browser

# What fails the test: axe's two highest impacts. "moderate" and "minor" are left to review.
BLOCKING = {"critical", "serious"}


def log_in(page, base_url, username):
    page.goto(f"{base_url}/masuk/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    expect(page.locator("form[action$='/keluar/'], form[action*=logout]").first).to_be_attached()


def log_out(page):
    page.context.clear_cookies()


def pages_per_role(demo, bsre_head):
    """The main pages of each role, as (login or None, [paths]), read from the demo data."""
    pka_batch = CertificateBatch.objects.filter(cohort__program__code="pka").latest("pk")
    logins = {}
    for role, username, _note in demo.logins:
        logins.setdefault(role, username)
    running = Cohort.objects.get(angkatan=75)
    closed = Cohort.objects.get(angkatan=72, year=2022)
    classical = closed.phases.get(kind=PhaseKind.CLASSICAL)
    first_day = phase_days(classical)[0]
    coach_project = (
        ChangeProject.objects.filter(
            enrolment__cohort=running, enrolment__coach__username="widyaiswara"
        )
        .order_by("pk")
        .first()
    )
    mentor = logins[roles.MENTOR]
    mentee = Enrolment.objects.filter(mentor__user__username=mentor).select_related("project")
    # The demo may not have issued one yet: numbered here, as a batch would (no PDF needed).
    certificate = Certificate.objects.filter(revoked_at__isnull=True).first() or certificate_ensure(
        enrolment=closed.enrolments.filter(status=Enrolment.Status.PASSED).first()
    )
    return [
        (
            "staf",
            [
                reverse("cohorts:cohort_list"),
                running.get_absolute_url(),
                reverse("cohorts:cohort_schedule", args=[running.pk]),
                reverse("projects:gradebook", args=[closed.pk]),
                reverse("cohorts:phase_detail", args=[closed.pk, classical.pk]),
                reverse("participants:attendance", args=[closed.pk, classical.pk, first_day]),
                reverse("curriculum:program_list"),
                # Issue 16's staff pages.
                reverse("cohorts:speaker_list"),
                reverse("participants:attendance_recap", args=[closed.pk]),
                reverse("participants:evaluation_results", args=[closed.pk]),
                reverse("participants:notifications_without_email", args=[running.pk]),
                reverse("documents:ledger_people"),
                reverse("documents:dashboard", args=[closed.organiser_id]),
                reverse("curriculum:evaluation_setup", args=[closed.program.code]),
                reverse("projects:lms_upload", args=[running.pk]),
                # Issue 17's staff pages: Cek SIASN (with SIASN's answer), Kirim ke SIASN,
                # Ambil nilai dari LMS, the signatory and the signing queue.
                reverse("participants:siasn_check", args=[closed.pk])
                + f"?nip={closed.enrolments.order_by('pk').first().participant.nip}",
                reverse("documents:siasn_sync", args=[closed.pk]),
                reverse("projects:lms_fetch", args=[running.pk]),
                reverse("documents:institution_signer", args=[closed.organiser_id]),
                reverse("documents:signing_queue"),
            ],
        ),
        (
            "admin",
            [
                reverse("documents:documents"),
                reverse("documents:audit_log"),
                reverse("integrations_health"),
            ],
        ),
        # The acting head who approves the PKA's certificates through BSrE (demo.bsre_demo).
        (
            bsre_head,
            [
                reverse("documents:signing_queue"),
                reverse("documents:batch_signing", args=[pka_batch.pk]),
            ],
        ),
        (
            "widyaiswara",
            [
                reverse("projects:queue"),
                coach_project.get_absolute_url(),
                reverse("projects:my_seminars"),
                reverse("documents:ledger_mine"),
                reverse("participants:my_teaching_evaluations"),
                reverse("participants:notification_preferences"),
            ],
        ),
        (
            mentor,
            [
                reverse("participants:my_mentees"),
                mentee.first().project.get_absolute_url(),
                reverse("participants:notification_preferences"),
            ],
        ),
        (
            logins[roles.PARTICIPANT],
            [
                reverse("participants:my_schedule"),
                reverse("projects:my_project"),
                reverse("projects:my_training"),
                reverse("participants:my_evaluations"),
            ],
        ),
        (
            None,
            [
                reverse("login"),
                reverse("verify_lookup"),
                reverse("verify", args=[certificate.verification_id]),
            ],
        ),
    ]


def issue_18_pages(demo):
    """Issue 18's pages, on what `make demo` adds: the Banyuwangi visit, the PKN II graduates
    (on LAN's behalf) and the Latsar 72 follow-up answers with the published innovations."""
    visits = visits_demo_ensure()
    _role, pkn_graduate, _note = pkn_demo_ensure()
    _role, follow_up_participant, _note = followup_demo_ensure()
    banyuwangi = visits.banyuwangi.pk
    pkn = Cohort.objects.get(program__code="pkn2")
    published = CataloguePublication.objects.filter(published=True).first()
    mentor = next(username for role, username, _n in demo.logins if role == roles.MENTOR)
    return [
        (
            "staf",
            [
                reverse("participants:visit_list"),
                reverse("participants:visit_detail", args=[banyuwangi]),
                reverse("participants:visit_groups", args=[banyuwangi]),
                reverse("projects:follow_up_dashboard"),
                reverse("participants:commitments", args=[pkn.pk]),
                reverse("documents:certificate_signatories", args=[pkn.organiser_id]),
            ],
        ),
        (
            visits.escort_username,
            [
                reverse("projects:visit_escort_list"),
                reverse("projects:visit_reports", args=[banyuwangi]),
            ],
        ),
        (mentor, [reverse("projects:follow_up_queue")]),
        (
            visits.participant_username,
            [
                reverse("participants:my_visits"),
                reverse("participants:my_visit", args=[banyuwangi]),
            ],
        ),
        (follow_up_participant, [reverse("projects:follow_up_mine")]),
        (pkn_graduate, [reverse("participants:my_commitments"), reverse("projects:my_training")]),
        (
            None,
            [
                reverse("projects:catalogue"),
                reverse("projects:catalogue_entry", args=[published.uid]),
                reverse("documents:credential_verify"),
            ],
        ),
    ]


def test_no_critical_or_serious_violation_on_any_main_page(
    page, live_server, settings, monkeypatch, tmp_path
):
    demo = demo_data_load()
    # What `make demo` adds: the BSrE signer waiting for the PKA, and SIASN's people.
    _role, bsre_head, _note = bsre_demo_ensure()
    monkeypatch.setenv(siasn_standin.PEOPLE_FILE_ENV, str(tmp_path / "siasn.json"))
    siasn_standin_write()
    axe = Axe()
    found = []
    with running(siasn_standin.build()) as siasn:
        siasn_settings(settings, siasn, timeout=30)
        walk = pages_per_role(demo, bsre_head) + issue_18_pages(demo)
        for username, paths in walk:
            for width, height in [(1366, 900), (390, 844)]:
                page.set_viewport_size({"width": width, "height": height})
                if username:
                    log_in(page, live_server.url, username)
                for path in paths:
                    response = page.goto(live_server.url + path)
                    assert response.status == 200, (username, path, response.status)
                    results = axe.run(page)
                    for violation in results.response["violations"]:
                        if violation["impact"] in BLOCKING:
                            targets = [node["target"] for node in violation["nodes"][:3]]
                            found.append(
                                f"{username or 'tamu'} {width}px {path}: {violation['id']} "
                                f"({violation['impact']}) {targets}"
                            )
                log_out(page)
    assert not found, "\n".join(found)
