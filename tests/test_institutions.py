"""Agencies share one deployment: staff see and change only the cohorts their institutions
organise or co-organise; administrators see all. Tested URL by URL, role by role, institution
by institution, against the objects of one agency's cohort."""

from collections import Counter
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import get_resolver, reverse

from cohorts.models import Cohort, NonWorkingDay
from cohorts.services import non_working_day_add, session_add, speaker_create
from config import roles
from documents.batches import certificates_issue
from documents.bsre_models import BatchSigning
from documents.models import (
    Certificate,
    CertificateBatch,
    CertificateSignatory,
    PhaseReport,
    ReportJob,
)
from documents.phase_reports import phase_report_make
from documents.reports import report_job_request, report_job_run
from participants.accounts import mentor_account_ensure
from participants.models import CommitmentDocument, Enrolment, ImportBatch
from participants.services import mentor_upsert, participant_account_ensure
from projects.models import ChangeProject, PaperForm, ProjectDocument, ScoringRole

from .factories import (
    PASSWORD,
    CohortFactory,
    TrainingAgencyFactory,
    administrator_user,
    enrol,
    project_scored,
    staff_user,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

# URLs whose objects belong to no agency: the curriculum (programs, rubrics, themes and
# who may join) is the province's, shared by its agencies; a calendar feed, a verification
# page and a password link are opened by their secret; a file kind is not an object.
SHARED = {
    "curriculum:program_detail", "curriculum:program_edit", "curriculum:version_new",
    "curriculum:version_edit", "curriculum:version_publish", "curriculum:version_unpublish",
    "curriculum:subjects_edit", "curriculum:evaluation_setup", "participants:eligibility",
    "projects:rubrics",
    "participants:import_template", "cohorts:cohort_feed", "participants:calendar_feed",
    "verify", "password_set", "password_reset", "password_reset_done",
    "documents:audit_log_export",
}  # fmt: skip
# Public pages of issue 18, opened by anyone: the credentials' issuer and status list, and a
# published innovation (by its unguessable address).
SHARED |= {
    "documents:credential_issuer", "documents:credential_status_list", "projects:catalogue_entry",
}  # fmt: skip
# Issue 18's pages whose rules per role and agency are tested in their own modules (each with
# another agency's staff getting 404 and other roles 403), with worlds of their own: a visit of
# several cohorts, a follow-up round, a signed credential.
OWN_MODULES = {
    # tests/participants/test_visits.py
    "participants:visit_detail", "participants:visit_edit", "participants:visit_groups",
    "participants:visit_print", "participants:visit_photo", "participants:my_visit",
    "documents:visit_report", "projects:visit_reports",
    # tests/projects/test_follow_up.py, tests/projects/test_catalogue.py
    "projects:follow_up_round", "projects:follow_up_confirm", "projects:follow_up_evidence",
    "projects:catalogue_publish",
    # tests/documents/test_credentials.py, tests/documents/test_full_sttp.py
    "documents:credential_download", "documents:certificate_signatory_edit",
    "documents:certificate_signatory_delete",
}  # fmt: skip
# The REST API is opened with a key of one institution, not a session: tests/api requests its
# URLs with a key of one agency against the objects of another (404), and without a key (401).
API = {
    "api:program-detail", "api:cohort-detail", "api:enrolment-list", "api:enrolment-detail",
    "api:component-scores", "api:certificate-detail", "api:verify",
}  # fmt: skip


@pytest.fixture
def agencies(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    own = CohortFactory()  # the home agency's (staff_user's by default)
    organiser = TrainingAgencyFactory(code="bpsdm-jatim-uji", name="BPSDM Provinsi Uji Timur")
    co_organiser = TrainingAgencyFactory(code="bkd-uji", name="BKD Kabupaten Uji")
    cohort = CohortFactory(organiser=organiser, co_organiser=co_organiser)
    coach = widyaiswara_user(username="coach-timur")
    first, second = enrol(cohort, coach=coach), enrol(cohort, coach=coach)
    for enrolment in (first, second):
        project_scored(enrolment, Decimal("85"))
    batch = CertificateBatch.objects.create(cohort=cohort)
    certificates_issue(batch_id=batch.pk)
    BatchSigning.objects.create(batch=batch)  # as when the organiser signs through BSrE
    classical = cohort.phases.get(kind="classical")
    session = session_add(
        phase=classical, date=classical.start_date, start_time="08:00", end_time="09:30",
        subject="Wawasan kebangsaan",
    )  # fmt: skip
    day = non_working_day_add(institution=organiser, date=date(2022, 11, 3), name="Hari jadi")
    speaker = speaker_create(institution=organiser, name="Dr. Narasumber Uji, M.Si.", kind="pakar")
    project = ChangeProject.objects.get(enrolment=first)
    # The first participant's mentor, and a signed form staff entered on the mentor's behalf.
    mentor = mentor_upsert(nip="197001011995031002", name="Ir. Budi Santoso, M.T.")
    mentor_account_ensure(mentor=mentor, invite=False)
    Enrolment.objects.filter(pk=first.pk).update(mentor=mentor)
    first.refresh_from_db()
    paper = PaperForm(
        project=project, kind=PaperForm.Kind.MENTOR_SCORE, original_name="nilai.pdf",
        extension="pdf", size=len(PDF), signed_by=mentor.name, signed_on=date(2022, 11, 1),
    )  # fmt: skip
    paper.file.save("nilai.pdf", ContentFile(PDF))
    document = ProjectDocument(
        project=project, kind="design", version=1, original_name="rancangan.pdf",
        extension="pdf", size=len(PDF),
    )  # fmt: skip
    document.file.save("rancangan.pdf", ContentFile(PDF))
    # The home agency's people: a participant and a coach of its own cohort.
    home_coach = widyaiswara_user(username="coach-rumah")
    home_participant = enrol(own, coach=home_coach).participant
    # A report made by a job (run here, as the worker runs it), its file stored.
    # A participant's signed commitment, and a signatory the organiser prints (issue 18).
    commitment = CommitmentDocument(enrolment=first, kind="pdf")
    commitment.file.save("komitmen.pdf", ContentFile(PDF))
    signatory, deleted = (
        CertificateSignatory.objects.create(
            institution=organiser, order=order, name=f"Dr. Pejabat Uji {order}, M.Si.",
            title="Kepala",
        )
        for order in (1, 2)
    )  # fmt: skip
    job, _new = report_job_request(kind=ReportJob.Kind.FINAL_XLSX, cohort=cohort, requested_by=None)
    report_job_run(job_id=job.pk)
    return {
        "job": job,
        "own": own,
        "cohort": cohort,
        "organiser": organiser,
        "phase": classical,
        "session": session,
        "day": day,
        "speaker": speaker,
        "coach": coach,
        "batch": batch,
        "certificate": Certificate.objects.filter(enrolment=first).get(),
        "report": phase_report_make(phase=classical, automatic=True),
        "import": ImportBatch.objects.create(cohort=cohort, file_name="peserta.xlsx"),
        "participant": first.participant,
        "enrolment": first,
        "project": project,
        "document": document,
        "mentor": mentor,
        "paper": paper,
        "commitment": commitment,
        "signatory": signatory,
        "signatory_deleted": deleted,  # by the first who may; a second delete changes nothing
        "people": {
            "anonymous": None,
            "participant": participant_account_ensure(
                participant=home_participant, password=PASSWORD
            ),
            "widyaiswara": home_coach,
            "staff of the home agency": staff_user(),
            "staff of the organiser": staff_user(institutions=[organiser]),
            "staff of the co-organiser": staff_user(institutions=[co_organiser]),
            "administrator": administrator_user(),
        },
    }


def object_urls(w):
    """Every URL that opens or changes an object of the other agency's cohort: (name, method,
    URL, what it belongs to, the status of those who may, whether staff pass its rule)."""
    c, p, inst = w["cohort"].pk, w["phase"].pk, w["organiser"].pk
    day = w["phase"].start_date
    project = w["project"].pk
    # The classical phase's end questionnaire (its day's goes with the session deleted below).
    evaluation = f"tahap-{p}"
    return [
        ("cohort_detail", "get", [c], "cohort", 200),
        ("cohorts:cohort_schedule", "get", [c], "cohort", 200),
        ("cohorts:phase_detail", "get", [c, p], "cohort", 200),
        ("cohorts:phase_edit", "get", [c, p], "cohort", 200),
        ("cohorts:session_add", "get", [c, p, day], "cohort", 200),
        ("cohorts:session_delete", "post", [c, p, w["session"].pk], "cohort", 302),
        ("cohorts:cohort_feed_reset", "post", [c], "cohort", 302),
        ("cohorts:institution_days", "get", [inst], "organiser", 200),
        ("cohorts:institution_day_delete", "post", [inst, w["day"].pk], "organiser", 302),
        ("cohorts:speaker_edit", "get", [w["speaker"].pk], "organiser", 200),
        ("participants:enrol", "get", [c], "cohort", 200),
        ("participants:import_upload", "get", [c], "cohort", 200),
        ("participants:import_preview", "get", [c, w["import"].pk], "cohort", 200),
        ("participants:roster_export", "get", [c, "csv"], "cohort", 200),
        ("participants:groups", "get", [c], "cohort", 200),
        ("participants:participant_detail", "get", [w["participant"].pk], "cohort", 200),
        ("participants:invitation_resend", "post", [w["participant"].pk], "cohort", 302),
        ("participants:attendance", "get", [c, p, day], "cohort", 200),
        ("participants:attendance_recap", "get", [c], "cohort", 200),
        ("participants:attendance_recap_export", "get", [c], "cohort", 200),
        ("documents:sign_in_sheet", "get", [c, p, day], "cohort", 200),
        ("participants:cohort_invitations", "get", [c], "cohort", 200),
        ("participants:mentor_invitation", "post", [c, w["mentor"].pk], "cohort", 302),
        ("participants:mentor_contact", "post", [c, w["mentor"].pk], "cohort", 302),
        ("participants:whatsapp_participant", "get", [c, w["participant"].pk], "cohort", 302),
        ("participants:whatsapp_mentor", "get", [c, w["mentor"].pk], "cohort", 302),
        ("participants:notifications_without_email", "get", [c], "cohort", 200),
        ("participants:evaluation_results", "get", [c], "cohort", 200),
        ("participants:evaluation_remind", "post", [c, evaluation], "cohort", 302),
        ("documents:evaluation_report_xlsx", "get", [c], "cohort", 200),
        ("documents:evaluation_report_pdf", "get", [c], "cohort", 200),
        ("documents:lan_report_xlsx", "get", [c], "cohort", 200),
        ("documents:lan_report_pdf", "get", [c], "cohort", 200),
        ("projects:detail", "get", [project], "cohort", 200),
        ("projects:step", "post", [project], "cohort", 302),
        ("projects:document", "get", [w["document"].pk], "cohort", 200),
        ("projects:paper_approval", "get", [project], "cohort", 200),
        ("projects:paper_sheet", "get", [project], "cohort", 200),
        ("projects:paper_scan", "get", [w["paper"].pk], "cohort", 200),
        ("projects:enrolment_status", "post", [w["enrolment"].pk], "cohort", 302),
        ("projects:gradebook", "get", [c], "cohort", 200),
        ("projects:grades_history", "get", [c], "cohort", 200),
        ("projects:lms_upload", "get", [c], "cohort", 200),
        ("projects:lms_preview", "get", [c], "cohort", 302),
        ("projects:lms_fetch", "get", [c], "cohort", 200),
        ("participants:siasn_check", "get", [c], "cohort", 200),
        ("projects:grades_close", "post", [c], "cohort", 302),
        ("projects:grades_reopen", "post", [c], "cohort", 302),
        ("projects:cohort_seminars", "get", [c], "cohort", 200),
        ("documents:certificates_issue", "post", [c], "cohort", 302),
        ("documents:batch_detail", "get", [w["batch"].pk], "cohort", 200),
        ("documents:batch_status", "get", [w["batch"].pk], "cohort", 200),
        ("documents:batch_pdf", "get", [w["batch"].pk], "cohort", 200),
        ("documents:batch_zip", "get", [w["batch"].pk], "cohort", 200),
        ("documents:batch_signing", "get", [w["batch"].pk], "cohort", 200),
        ("documents:certificate_detail", "get", [w["certificate"].pk], "cohort", 200),
        ("documents:certificate_download", "get", [w["certificate"].pk], "cohort", 200),
        ("documents:certificate_revoke", "post", [w["certificate"].pk], "cohort", 302),
        ("documents:certificate_reissue", "post", [w["certificate"].pk], "cohort", 302),
        ("documents:numbering", "get", [inst], "organiser", 200),
        ("documents:institution_certificate", "get", [inst], "organiser", 200),
        ("documents:institution_signer", "get", [inst], "organiser", 200),
        ("documents:certificate_signatories", "get", [inst], "organiser", 200),
        (
            "documents:certificate_signatory_edit",
            "get",
            [inst, w["signatory"].pk],
            "organiser",
            200,
        ),
        (
            "documents:certificate_signatory_delete",
            "post",
            [inst, w["signatory_deleted"].pk],
            "organiser",
            302,
        ),
        # Komitmen bersama: the list, an upload without a file (refused, 400), the download.
        ("participants:commitments", "get", [c], "cohort", 200),
        ("participants:commitment_upload", "post", [c, w["enrolment"].pk], "cohort", 400),
        ("participants:commitment_download", "get", [w["commitment"].pk], "cohort", 200),
        # SIASN is written by the organiser, who issued the certificates.
        ("documents:siasn_sync", "get", [c], "organiser", 200),
        ("documents:siasn_push", "post", [c], "organiser", 302),
        ("documents:siasn_retry", "post", [c, w["certificate"].pk], "organiser", 302),
        ("documents:dashboard", "get", [inst], "organiser", 200),
        ("documents:dashboard_pdf", "get", [inst], "organiser", 200),
        ("documents:phase_report_request", "post", [c, p], "cohort", 302),
        ("documents:phase_report", "get", [w["report"].pk], "cohort", 200),
        # A report is asked for, then made by a job: the answer leads to the job's page.
        ("documents:final_report", "get", [c], "cohort", 302),
        ("documents:final_report_xlsx", "get", [c], "cohort", 302),
        ("documents:roster_report", "get", [c, "csv"], "cohort", 302),
        ("documents:report_job", "get", [w["job"].pk], "cohort", 200),
        ("documents:report_job_status", "get", [w["job"].pk], "cohort", 200),
        ("documents:report_job_download", "get", [w["job"].pk], "cohort", 200),
        ("documents:report_job_retry", "post", [w["job"].pk], "cohort", 302),
        # The ledger of a widyaiswara who coached in the cohort, and of a register's speaker.
        ("documents:ledger_widyaiswara", "get", [w["coach"].pk], "cohort", 200),
        ("documents:ledger_widyaiswara_xlsx", "get", [w["coach"].pk], "cohort", 200),
        ("documents:ledger_widyaiswara_pdf", "get", [w["coach"].pk], "cohort", 200),
        ("documents:ledger_speaker", "get", [w["speaker"].pk], "organiser", 200),
        ("documents:ledger_speaker_xlsx", "get", [w["speaker"].pk], "organiser", 200),
        ("documents:ledger_speaker_pdf", "get", [w["speaker"].pk], "organiser", 200),
        # Pages of participants and scorers: staff fail their rule before any object is read.
        ("projects:edit", "get", [project], "participant", None),
        ("participants:evaluation_form", "get", [c, evaluation], "participant", None),
        ("projects:upload", "post", [project], "participant", None),
        ("projects:sheet", "get", [project, ScoringRole.COACH], "scorer", None),
    ]


MAY = {
    "cohort": {"staff of the organiser", "staff of the co-organiser", "administrator"},
    "organiser": {"staff of the organiser", "administrator"},
    "participant": set(),
    "scorer": set(),
}


def expected(who, belongs, allowed_status):
    if who == "anonymous":
        return 302  # to the login page
    if who in MAY[belongs]:
        return allowed_status
    if who.startswith("staff") and belongs in ("cohort", "organiser"):
        return 404  # another agency's object is not found, as one that does not exist
    return 403


def state(w):
    """What a refused request must not change."""
    cohort = Cohort.objects.get(pk=w["cohort"].pk)
    certificates = Certificate.objects.filter(enrolment__cohort=cohort)
    return (
        cohort.calendar_token, cohort.grades_closed_at,
        CertificateBatch.objects.filter(cohort=cohort).count(),
        sorted(certificates.values_list("number", "status")),
        w["phase"].sessions.count(), NonWorkingDay.objects.filter(pk=w["day"].pk).count(),
        PhaseReport.objects.count(), ReportJob.objects.count(),
    )  # fmt: skip


def test_every_url_role_and_institution_gets_what_it_should_and_no_more(client, agencies):
    w = agencies
    refused_first = [who for who in w["people"] if who not in MAY["cohort"]]
    before = state(w)
    results = []
    for who in refused_first + sorted(MAY["cohort"]):
        user = w["people"][who]
        client.logout()
        if user is not None:
            client.force_login(user)
        for name, method, args, belongs, allowed in object_urls(w):
            url = reverse(name, args=args)
            status = getattr(client, method)(url).status_code
            results.append((name, who, belongs, allowed, status))
        if who == refused_first[-1]:
            assert state(w) == before  # no refused request changed anything

    wrong = [r for r in results if r[4] != expected(r[1], r[2], r[3])]
    assert wrong == []
    unexpected_200 = [r for r in results if r[4] == 200 and r[1] not in MAY[r[2]]]
    assert unexpected_200 == []
    # 7 people × every URL of the table, and the statuses the refused got.
    assert len(results) == 7 * len(object_urls(w))
    refused = Counter(r[4] for r in results if r[1] not in MAY[r[2]])
    # The home agency's staff get 404 on the 82 cohort and agency pages; the co-organiser's
    # on the organiser's own 14 (its non-working days, numbering, certificate look, signatory,
    # register of speakers, its dashboard with the dashboard's PDF, its speaker's ledger with
    # the ledger's XLSX and PDF, and the three SIASN pages).
    # Issue 18 added the komitmen bersama list, upload and download (cohort) and the printed
    # signatories' list, edit and delete (organiser): 6 more for the home agency, 3 for the
    # co-organiser.
    assert refused[404] == 82 + 6 + 14 + 3 and refused[200] == 0


def test_every_url_with_an_object_is_in_the_table(agencies):
    """A new page that takes an object must be added to the table above (or to SHARED)."""
    with_object = set()

    def walk(resolver, namespace=""):
        for entry in resolver.url_patterns:
            if hasattr(entry, "url_patterns"):
                if "admin" in str(entry.pattern):
                    continue
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                walk(entry, inner)
            elif entry.pattern.regex.groups and entry.name:
                with_object.add(f"{namespace}{entry.name}")

    walk(get_resolver())
    tabled = {name for name, *_rest in object_urls(agencies)}
    assert with_object - tabled - SHARED - API - OWN_MODULES == set()
    assert tabled <= with_object


def test_lists_show_each_agency_its_own_cohorts(client, agencies):
    w = agencies
    own, other = w["own"], w["cohort"]
    for who, sees in [
        ("staff of the home agency", {own}),
        ("staff of the organiser", {other}),
        ("staff of the co-organiser", {other}),
        ("administrator", {own, other}),
    ]:
        client.force_login(w["people"][who])
        page = client.get(reverse("cohorts:cohort_list")).content.decode()
        for cohort in (own, other):
            link = f'href="{cohort.get_absolute_url()}"'
            assert (link in page) == (cohort in sees), (who, str(cohort))


def test_staff_create_cohorts_only_for_their_own_agencies(client, agencies):
    w = agencies
    client.force_login(w["people"]["staff of the home agency"])
    form = client.get(reverse("cohorts:cohort_create")).context["form"]
    assert list(form.fields["organiser"].queryset) == [w["own"].organiser]
    response = client.post(
        reverse("cohorts:cohort_create"),
        {
            "program": w["own"].program.pk, "organiser": w["organiser"].pk, "angkatan": 9,
            "year": 2022, "start_date": "2022-07-08",
        },
    )  # fmt: skip
    assert response.status_code == 200
    assert "organiser" in response.context["form"].errors
    assert not Cohort.objects.filter(angkatan=9).exists()


def test_the_co_organisers_staff_do_not_see_the_organisers_numbering_link(client, agencies):
    w = agencies
    numbering = reverse("documents:numbering", args=[w["organiser"].pk])
    for who, shown in [("staff of the co-organiser", False), ("staff of the organiser", True)]:
        client.force_login(w["people"][who])
        page = client.get(w["cohort"].get_absolute_url()).content.decode()
        assert (numbering in page) == shown, who
        assert "bersama BKD Kabupaten Uji" in page


def test_the_admin_site_keeps_staff_to_their_agencies(client, agencies):
    w = agencies
    staff = w["people"]["staff of the home agency"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    for model, obj, own in [
        ("cohorts/cohort", w["cohort"], w["own"]),
        ("participants/enrolment", w["enrolment"], w["own"].enrolments.get()),
        ("participants/participant", w["participant"], w["own"].enrolments.get().participant),
        ("documents/certificate", w["certificate"], None),
        ("projects/changeproject", w["project"], w["own"].enrolments.get().project),
    ]:
        listing = client.get(f"/admin/{model}/")
        assert listing.status_code == 200, model
        assert listing.context["cl"].result_count == (1 if own else 0), model
        # Another agency's object: the admin site says it does not exist.
        response = client.get(f"/admin/{model}/{obj.pk}/change/")
        assert response.status_code == 302 and response["Location"] == "/admin/", model
    # Nor do the admin's forms list the other agency's people or cohorts.
    response = client.get("/admin/participants/enrolment/add/")
    page = response.content.decode()
    assert response.status_code == 200
    assert w["participant"].name not in page and str(w["cohort"]) not in page


def test_an_administrator_gives_staff_an_agency_in_the_admin_site_and_it_is_logged(client):
    from auditlog.models import LogEntry

    from .factories import UserFactory, home_agency

    agency = home_agency()
    newcomer = staff_user(institutions=[], username="pegawai-baru")
    cohort = CohortFactory()
    client.force_login(newcomer)
    assert client.get(cohort.get_absolute_url()).status_code == 404

    admin = UserFactory(role=roles.ADMINISTRATOR, is_staff=True, username="admin-prov")
    client.force_login(admin)
    form = client.get(f"/admin/cohorts/institution/{agency.pk}/change/").context["adminform"]
    data = {name: value for name, value in form.form.initial.items() if value is not None}
    data.update(parent="", logo="", head_signature="", staff=[newcomer.pk])
    response = client.post(f"/admin/cohorts/institution/{agency.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors

    entry = LogEntry.objects.get_for_object(agency).filter(changes__icontains="staff").get()
    assert entry.actor == admin and "pegawai-baru" in str(entry.changes)
    client.force_login(newcomer)
    assert client.get(cohort.get_absolute_url()).status_code == 200
