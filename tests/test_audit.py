"""The audit log (issue 13): each audited action, done through its page, leaves an entry with
who, when, what and from where; administrators search and export the log, staff cannot."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from config import roles
from config.audit import EXPORT, LOGIN, LOGIN_FAILED
from config.users import user_label
from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch, NumberingPattern, ReportJob
from documents.reports import report_job_run
from participants.models import Enrolment, StudyGroup

from .factories import (
    PASSWORD,
    AgencyFactory,
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

ADDRESS = "203.0.113.7"


def administrator(**kwargs):
    return UserFactory(role=roles.ADMINISTRATOR, **kwargs)


def entry_for(obj, **lookup):
    """The newest entry about obj."""
    return LogEntry.objects.get_for_object(obj).filter(**lookup).latest("timestamp")


def assert_recorded(entry, actor, since):
    assert entry.actor == actor
    assert entry.remote_addr == ADDRESS
    assert since <= entry.timestamp <= timezone.now()


@pytest.fixture
def since():
    return timezone.now()


@pytest.fixture
def passing():
    """A cohort with two participants who pass, and a staff member at work."""
    cohort = CohortFactory()
    coach = widyaiswara_user()
    enrolments = [enrol(cohort, coach=coach) for _ in range(2)]
    for enrolment in enrolments:
        project_scored(enrolment, Decimal("85"))
    return {
        "cohort": cohort,
        "enrolments": enrolments,
        "staff": staff_user(username="rina", first_name="Rina", last_name="Wulandari"),
    }


def test_an_enrolment_status_change_is_recorded_with_who_what_and_where(client, passing, since):
    enrolment = passing["enrolments"][0]
    client.force_login(passing["staff"])
    client.post(
        reverse("projects:enrolment_status", args=[enrolment.pk]),
        {"status": "deferred", "reason": "Sakit"},
        REMOTE_ADDR=ADDRESS,
    )
    entry = entry_for(enrolment, action=LogEntry.Action.UPDATE)
    assert_recorded(entry, passing["staff"], since)
    assert entry.changes["status"] == ["registered", "deferred"]
    assert str(enrolment.participant) in entry.object_repr
    # simple_history keeps its own record beside it
    assert enrolment.history.latest("history_date").status == Enrolment.Status.DEFERRED


def test_a_numbering_change_is_recorded(client, passing, since):
    staff = passing["staff"]
    client.force_login(staff)
    url = reverse("documents:numbering", args=[passing["cohort"].organiser_id])
    client.post(url, {"pattern-all": "{seq}/SERT/{institution}/{year}"}, REMOTE_ADDR=ADDRESS)
    pattern = NumberingPattern.objects.get()
    entry = entry_for(pattern, action=LogEntry.Action.CREATE)
    assert_recorded(entry, staff, since)
    assert entry.changes["pattern"][1] == "{seq}/SERT/{institution}/{year}"
    client.post(url, {"pattern-all": "{seq:03d}/STTP/{year}"}, REMOTE_ADDR=ADDRESS)
    entry = entry_for(pattern, action=LogEntry.Action.UPDATE)
    assert entry.changes["pattern"] == ["{seq}/SERT/{institution}/{year}", "{seq:03d}/STTP/{year}"]


def test_issuing_revoking_and_reissuing_are_recorded(client, passing, since):
    cohort, staff = passing["cohort"], passing["staff"]
    client.force_login(staff)
    # The page calls documents.batch_queue.certificate_batch_start; the job is queued only
    # once the request commits, which a test's transaction never does: it is run here.
    client.post(reverse("documents:certificates_issue", args=[cohort.pk]), REMOTE_ADDR=ADDRESS)
    batch = CertificateBatch.objects.get(cohort=cohort)
    entry = entry_for(batch, action=LogEntry.Action.CREATE)
    assert_recorded(entry, staff, since)
    assert entry.changes["requested_by"][1] == "rina"
    certificates_issue(batch_id=batch.pk)

    certificate = Certificate.objects.filter(enrolment__cohort=cohort).first()
    number = certificate.number
    client.post(
        reverse("documents:certificate_revoke", args=[certificate.pk]),
        {"reason": "Nama salah eja", "confirmed": "1"},
        REMOTE_ADDR=ADDRESS,
    )
    revoked = entry_for(certificate, action=LogEntry.Action.UPDATE)
    assert_recorded(revoked, staff, since)
    assert revoked.changes["status"] == ["valid", "revoked"]

    client.post(
        reverse("documents:certificate_reissue", args=[certificate.pk]),
        {"reason": "Nama diperbaiki"},
        REMOTE_ADDR=ADDRESS,
    )
    certificate.refresh_from_db()
    reissued = entry_for(certificate, action=LogEntry.Action.UPDATE, pk__gt=revoked.pk)
    assert_recorded(reissued, staff, since)
    assert reissued.changes["status"] == ["revoked", "valid"]
    assert reissued.changes["number"] == [number, certificate.number]


def test_each_certificate_a_batch_numbers_is_recorded_as_its_requesters(client, passing, since):
    cohort, staff = passing["cohort"], passing["staff"]
    client.force_login(staff)
    client.post(reverse("documents:certificates_issue", args=[cohort.pk]), REMOTE_ADDR=ADDRESS)
    batch = CertificateBatch.objects.get(cohort=cohort)
    # The job runs in a worker: no request, so the requester is taken from the batch.
    certificates_issue(batch_id=batch.pk)

    certificates = Certificate.objects.filter(enrolment__cohort=cohort)
    entries = LogEntry.objects.get_for_model(Certificate).filter(action=LogEntry.Action.CREATE)
    assert entries.count() == certificates.count() == 2
    for certificate in certificates:
        entry = entries.get(object_id=certificate.pk)
        assert entry.actor == staff
        assert entry.remote_addr is None  # the batch's own entry has the address
        assert since <= entry.timestamp <= timezone.now()
        assert entry.object_repr == certificate.number
        assert entry.changes["number"] == ["None", certificate.number]
        assert entry.changes["final_score"] == ["None", "85.00"]
        assert set(entry.changes) == {
            "id", "series", "seq", "number", "status", "issued_on", "final_score", "predicate"
        }  # fmt: skip
        assert entry.additional_data == {"batch": batch.pk}
    assert entry_for(batch, action=LogEntry.Action.CREATE).remote_addr == ADDRESS

    # A retry numbers nothing again, so records nothing again.
    certificates_issue(batch_id=batch.pk)
    assert entries.count() == 2


@pytest.fixture
def board():
    """A cohort of five on the groups board: two groups, each with its coach."""
    cohort = CohortFactory()
    coaches = [widyaiswara_user(username=f"coach{n}") for n in (1, 2)]
    groups = [
        StudyGroup.objects.create(cohort=cohort, name=f"Kelompok {n}", coach=coach)
        for n, coach in zip((1, 2), coaches, strict=True)
    ]
    return {
        "cohort": cohort,
        "groups": groups,
        "enrolments": [enrol(cohort) for _ in range(5)],
        "url": reverse("participants:groups", args=[cohort.pk]),
    }


def moves_post(client, board, enrolments, group):
    moves = {f"group-{e.pk}": str(group.pk) if group else "" for e in enrolments}
    response = client.post(board["url"], {"move": "1", **moves}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302


def group_entries():
    return LogEntry.objects.get_for_model(Enrolment).filter(changes__has_key="group")


def test_moves_on_the_groups_board_are_recorded_one_entry_per_participant_moved(
    client, board, since
):
    staff = staff_user()
    client.force_login(staff)
    first, second = board["groups"]
    moved = board["enrolments"][:3]
    moves_post(client, board, moved, first)
    entries = group_entries()
    assert entries.count() == 3
    for enrolment in moved:
        entry = entries.get(object_id=enrolment.pk)
        assert_recorded(entry, staff, since)
        assert entry.action == LogEntry.Action.UPDATE
        assert entry.object_repr == str(enrolment)
        assert entry.changes == {"group": ["None", "Kelompok 1"], "coach": ["None", "coach1"]}

    # Sent again with one of them moved on: only that one changed, so only it is recorded.
    moves_post(client, board, moved[:2], first)
    moves_post(client, board, moved[2:], second)
    assert entries.count() == 4
    latest = entries.latest("pk")
    assert latest.object_id == moved[2].pk
    assert latest.changes == {"group": ["Kelompok 1", "Kelompok 2"], "coach": ["coach1", "coach2"]}

    # Out of any group: the coach stays.
    moves_post(client, board, moved[2:], None)
    assert entries.latest("pk").changes == {"group": ["Kelompok 2", "None"]}

    # As the log's page shows them.
    client.force_login(administrator())
    search = {"q": moved[0].participant.name, "action": "update"}
    rows = client.get(reverse("documents:audit_log"), search).context["rows"]
    assert len(rows) == 1
    assert rows[0]["actor"] == user_label(staff)
    assert rows[0]["remote_addr"] == ADDRESS
    assert sorted(rows[0]["changes"].split("; ")) == [
        "coach (widyaiswara): — → coach1",
        "kelompok: — → Kelompok 1",
    ]


def test_the_groups_a_proposal_makes_are_recorded_for_each_participant_placed(client, board, since):
    staff = staff_user()
    client.force_login(staff)
    response = client.post(board["url"], {"propose": "1", "count": "2"}, REMOTE_ADDR=ADDRESS)
    assert response.status_code == 302
    entries = group_entries()
    assert entries.count() == 5
    for entry in entries:
        assert_recorded(entry, staff, since)
        assert entry.changes["group"][0] == "None"
        assert entry.changes["group"][1] in ("Kelompok 1", "Kelompok 2")
    # Proposed again, everyone stays where they are: nothing changed, nothing recorded.
    client.post(board["url"], {"propose": "1", "count": "2"}, REMOTE_ADDR=ADDRESS)
    assert entries.count() == 5


def test_recording_moves_costs_one_insert_whatever_their_number(client, board):
    cohort, (first, second) = board["cohort"], board["groups"]
    enrolments = board["enrolments"] + [enrol(cohort) for _ in range(18)]
    client.force_login(staff_user())
    moves_post(client, board, enrolments[:1], second)  # the session and content types, once
    counts = []
    for moved in (enrolments[1:3], enrolments[3:23]):
        with CaptureQueriesContext(connection) as queries:
            moves_post(client, board, moved, first)
        inserts = [q for q in queries if q["sql"].startswith('INSERT INTO "auditlog_logentry"')]
        assert len(inserts) == 1
        counts.append(len(queries))
    assert group_entries().count() == 1 + 2 + 20
    assert counts[0] == counts[1]


IMPORT_HEADER = ["NIP", "Nama Lengkap dan Gelar", "Pangkat/Golongan", "Jabatan",
                 "Jenjang Jabatan", "Instansi", "Surel", "Telepon", "NIP Mentor", "Nama Mentor",
                 "Jabatan Mentor", "Surel Mentor"]  # fmt: skip
MENTOR_NIP = "197001011995031001"


def import_file(rows):
    book = openpyxl.Workbook()
    book.active.append(IMPORT_HEADER)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("peserta.xlsx", buffer.getvalue())


def test_each_enrolment_an_import_creates_is_recorded(client):
    agency = AgencyFactory(name="Dinas Kesehatan Kota Tangerang")
    cohort = CohortFactory()
    already = enrol(cohort, ParticipantFactory(nip=valid_nip(900), agency=agency))
    since = timezone.now()
    rows = [
        [valid_nip(n), f"Peserta Impor {n}", "III/a", "Analis", "", agency.name, "", "",
         MENTOR_NIP, "Ir. Budi Santoso", "Kepala Dinas", ""]
        for n in (901, 902, 903, 900)
    ]  # fmt: skip
    staff = staff_user()
    client.force_login(staff)
    response = client.post(
        reverse("participants:import_upload", args=[cohort.pk]),
        {"file": import_file(rows)},
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302, response.context["form"].errors
    assert client.post(response["Location"], REMOTE_ADDR=ADDRESS).status_code == 302

    created = Enrolment.objects.filter(cohort=cohort).exclude(pk=already.pk)
    assert created.count() == 3
    entries = LogEntry.objects.get_for_model(Enrolment).filter(
        action=LogEntry.Action.CREATE, timestamp__gte=since
    )
    assert entries.count() == 3  # the participant already enrolled is not enrolled again
    for enrolment in created.select_related("participant", "cohort__program"):
        entry = entries.get(object_id=enrolment.pk)
        assert_recorded(entry, staff, since)
        assert entry.object_repr == str(enrolment)
        assert entry.changes == {
            "status": ["None", "registered"],
            "mentor": ["None", "Ir. Budi Santoso"],
        }
    # The import itself has its own entry, as before.
    assert LogEntry.objects.filter(object_repr="peserta.xlsx").exists()


def test_a_role_change_in_the_admin_site_is_recorded(client, since):
    admin = administrator(is_staff=True)
    user = UserFactory(username="199001012015011001", first_name="Budi", last_name="Santoso")
    client.force_login(admin)
    response = client.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": "",
            "is_active": "on",
            "groups": [Group.objects.get(name=roles.STAFF).pk],
            "date_joined_0": timezone.localdate().isoformat(),
            "date_joined_1": "08:00:00",
        },
        REMOTE_ADDR=ADDRESS,
    )
    assert response.status_code == 302, response.content.decode()
    entry = entry_for(user, action=LogEntry.Action.UPDATE, changes__has_key="groups")
    assert_recorded(entry, admin, since)
    assert entry.changes["groups"] == {
        "type": "m2m",
        "operation": "add",
        "objects": [roles.STAFF],
    }


def test_logins_that_succeed_and_fail_are_recorded_with_the_address(client, since):
    user = staff_user()
    login = reverse("login")
    client.post(login, {"username": user.username, "password": "salah"}, REMOTE_ADDR=ADDRESS)
    failed = LogEntry.objects.get(additional_data__event=LOGIN_FAILED)
    assert failed.actor is None
    assert failed.remote_addr == ADDRESS
    assert failed.object_pk == str(user.pk)
    assert failed.additional_data["username"] == user.username
    assert "salah" not in str(failed.additional_data) + failed.changes_text

    client.post(login, {"username": "tidak-ada", "password": "x"}, REMOTE_ADDR=ADDRESS)
    unknown = LogEntry.objects.filter(additional_data__event=LOGIN_FAILED).latest("pk")
    assert unknown.object_pk == "" and unknown.object_repr == "tidak-ada"

    response = client.post(
        login, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=ADDRESS
    )
    assert response.status_code == 302
    assert_recorded(entry_for(user, additional_data__event=LOGIN), user, since)


def test_the_address_is_not_taken_from_a_header_the_client_sends(client):
    user = staff_user()
    client.post(
        reverse("login"),
        {"username": user.username, "password": PASSWORD},
        REMOTE_ADDR=ADDRESS,
        HTTP_X_FORWARDED_FOR="198.51.100.66",
    )
    assert entry_for(user, additional_data__event=LOGIN).remote_addr == ADDRESS


def test_a_roster_export_is_recorded(client, passing, since):
    cohort = passing["cohort"]
    client.force_login(passing["staff"])
    url = reverse("participants:roster_export", args=[cohort.pk, "xlsx"])
    assert client.get(url, REMOTE_ADDR=ADDRESS).status_code == 200
    entry = entry_for(cohort, additional_data__event=EXPORT)
    assert_recorded(entry, passing["staff"], since)
    assert entry.action == LogEntry.Action.ACCESS
    assert entry.changes_text == "Daftar peserta (XLSX, 2 baris)"


def log_export(client, kind, search):
    """The filtered log as a file: asked for, made by its job (run here as the worker runs
    it; tests/documents/test_report_jobs.py runs a real worker), downloaded."""
    response = client.get(reverse("documents:audit_log_export", args=[kind]), search)
    job = ReportJob.objects.get(pk=resolve(response["Location"]).kwargs["pk"])
    report_job_run(job_id=job.pk)
    download = client.get(reverse("documents:report_job_download", args=[job.pk]))
    return b"".join(download.streaming_content)


def test_administrators_search_and_export_the_log_and_staff_are_refused(client, passing):
    enrolment, staff = passing["enrolments"][0], passing["staff"]
    client.force_login(staff)
    client.post(
        reverse("projects:enrolment_status", args=[enrolment.pk]),
        {"status": "withdrawn", "reason": "Mutasi"},
        REMOTE_ADDR=ADDRESS,
    )
    client.get(reverse("participants:roster_export", args=[passing["cohort"].pk, "csv"]))
    page = reverse("documents:audit_log")
    assert client.get(page).status_code == 403
    assert client.get(reverse("documents:audit_log_export", args=["csv"])).status_code == 403

    client.force_login(administrator())
    assert "Log audit" in client.get(reverse("documents:documents")).content.decode()
    today = timezone.localdate()
    search = {
        "actor": "rina",
        "q": enrolment.participant.name,
        "action": "update",
        "date_from": today.isoformat(),
        "date_to": today.isoformat(),
    }
    response = client.get(page, search)
    rows = response.context["rows"]
    assert len(rows) == 1
    assert rows[0]["actor"] == "Rina Wulandari"
    assert rows[0]["action"] == "Diubah"
    assert rows[0]["changes"] == "status: Terdaftar → Mengundurkan diri"
    assert rows[0]["remote_addr"] == ADDRESS
    assert "Mengundurkan diri" in response.content.decode()
    # Yesterday's entries only: none.
    yesterday = (today - timedelta(days=1)).isoformat()
    response = client.get(page, {**search, "date_from": yesterday, "date_to": yesterday})
    assert response.context["rows"] == []
    exports = client.get(page, {"action": "export"}).context["rows"]
    assert [row["changes"] for row in exports] == ["Daftar peserta (CSV, 2 baris)"]

    sheet = openpyxl.load_workbook(io.BytesIO(log_export(client, "xlsx", search))).active
    values = list(sheet.values)
    assert values[0][0] == "Log audit Angkatan"  # the title block, then an empty row
    header_at = values.index(("Waktu (WIB)", "Oleh", "Tindakan", "Objek", "Perubahan", "Alamat IP"))
    assert [row[1:] for row in values[header_at + 1 :]] == [
        (
            "Rina Wulandari",
            "Diubah",
            f"peserta angkatan: {enrolment}",
            "status: Terdaftar → Mengundurkan diri",
            ADDRESS,
        )
    ]
    data = log_export(client, "csv", {"q": "zzz"})
    assert list(csv.reader(io.StringIO(data.decode("utf-8-sig")))) == [
        ["Waktu (WIB)", "Oleh", "Tindakan", "Objek", "Perubahan", "Alamat IP"]
    ]
    # The exports of the log are in the log.
    assert LogEntry.objects.filter(changes_text__startswith="Log audit (XLSX, 1 baris)").exists()


@pytest.mark.parametrize("entries", [3, 80])
def test_the_audit_log_page_costs_the_same_queries_whatever_its_length(
    client, django_assert_num_queries, entries
):
    staff = staff_user()
    for n in range(entries):
        LogEntry.objects.log_create(
            staff,
            force_log=True,
            action=LogEntry.Action.ACCESS,
            changes_text=f"Ekspor {n}",
            additional_data={"event": EXPORT},
            actor=staff,
        )
    client.force_login(administrator())
    # session, user, permissions (2), role names for the menu; the count of matching entries
    # and one page of them with their actors and content types.
    with django_assert_num_queries(7):
        response = client.get(reverse("documents:audit_log"), {"action": "export"})
    assert len(response.context["rows"]) == min(entries, 50)
