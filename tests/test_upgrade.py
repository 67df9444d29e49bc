"""Upgrading a database of the previous release, where certificates, their numbering, batches
and phase reports, and attendance still lived in `cohorts`.

The models moved (to `documents` and `participants`) with SeparateDatabaseAndState: nothing in
the database may change but Django's picture of it, the content types and the two certificate
permissions. A lost row, a lost file or a lost permission would only show in production, on the
day of the upgrade, and a certificate printed before it must still verify by its QR code.
"""

import uuid
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

# The leaf migrations of the previous release; `documents` did not exist yet.
OLD_LEAVES = [
    ("cohorts", "0013_batch_merging_status"),
    ("participants", "0004_enrolment_history"),
    ("projects", "0008_legacy_scores_final"),
    ("curriculum", "0005_eligibilitypolicy"),
]
# The migrations of this release that move the models.
MOVES = [
    ("cohorts", "0014_models_moved_out"),
    ("participants", "0005_attendance"),
    ("documents", "0001_initial"),
]
# model -> the app it lives in now (it lived in cohorts before).
MOVED = {
    "certificateseries": "documents",
    "numberingpattern": "documents",
    "certificate": "documents",
    "certificateevent": "documents",
    "certificatebatch": "documents",
    "phasereport": "documents",
    "attendance": "participants",
}
CERTIFICATE_PERMISSIONS = ["issue_certificates", "view_documents"]

# Enough of a PDF to tell the files apart; the storage never looks inside.
STTP_REISSUED_PDF = b"%PDF-1.7\n% STTP 002 terbit ulang\n%%EOF\n"
STTP_OTHER_PDF = b"%PDF-1.7\n% STTP 003\n%%EOF\n"
MERGED_PDF = b"%PDF-1.7\n% gabungan angkatan III\n%%EOF\n"
REPORT_PDF = b"%PDF-1.7\n% laporan tahap klasikal\n%%EOF\n"


def latest_on_disk():
    """Every app's newest migration on disk, so a migration added later is applied too."""
    return sorted(MigrationLoader(None, ignore_no_migrations=True).graph.leaf_nodes())


def aware(*args):
    return timezone.make_aware(datetime(*args))


def rows(apps, app_label, model_name):
    """Every column of every row, in primary key order, to compare before and after."""
    return list(apps.get_model(app_label, model_name).objects.order_by("pk").values())


def old_release_build(old):
    """What a database of the previous release holds: one cohort with its certificates (one
    revoked and reissued under a new number), the batch that printed them, the organiser's
    numbering pattern, the classical phase's reports and attendance, and a group that was
    given the certificate permission on cohorts.Cohort by hand."""
    User = old.get_model("auth", "User")
    Group = old.get_model("auth", "Group")
    Permission = old.get_model("auth", "Permission")
    ContentType = old.get_model("contenttypes", "ContentType")
    LogEntry = old.get_model("admin", "LogEntry")
    Institution = old.get_model("cohorts", "Institution")
    Program = old.get_model("curriculum", "Program")
    ProgramVersion = old.get_model("curriculum", "ProgramVersion")
    PhaseTemplate = old.get_model("curriculum", "PhaseTemplate")
    Cohort = old.get_model("cohorts", "Cohort")
    CohortPhase = old.get_model("cohorts", "CohortPhase")
    Participant = old.get_model("participants", "Participant")
    Enrolment = old.get_model("participants", "Enrolment")
    ChangeProject = old.get_model("projects", "ChangeProject")
    CertificateSeries = old.get_model("cohorts", "CertificateSeries")
    Certificate = old.get_model("cohorts", "Certificate")
    CertificateEvent = old.get_model("cohorts", "CertificateEvent")
    CertificateBatch = old.get_model("cohorts", "CertificateBatch")
    NumberingPattern = old.get_model("cohorts", "NumberingPattern")
    PhaseReport = old.get_model("cohorts", "PhaseReport")
    Attendance = old.get_model("cohorts", "Attendance")

    # The old release's `migrate` made the content types and permissions after migrating
    # (post_migrate, muted by the migrator): made here the same way, from the old models, so
    # cohorts.issue_certificates sits on cohorts.Cohort and view_certificate on
    # cohorts.Certificate, as in production.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, apps=old)
    assert not ContentType.objects.filter(app_label="documents").exists()
    cohort_type = ContentType.objects.get(app_label="cohorts", model="cohort")
    issue = Permission.objects.get(content_type=cohort_type, codename="issue_certificates")
    view_certificate = Permission.objects.get(
        content_type__app_label="cohorts", codename="view_certificate"
    )

    # A group an administrator made in the admin: roles_ensure does not know it, so only the
    # migration can carry its permissions over.
    signers = Group.objects.create(name="Panitia STTP")
    signers.permissions.add(issue, view_certificate)
    staff = User.objects.create(username="panitia", first_name="Rina", is_active=True)
    staff.groups.add(signers)
    # A staff account of the old release, which saw every cohort: after the upgrade it works
    # for the agencies that organise cohorts (cohorts.0015), so it still sees them.
    officer = User.objects.create(username="staf-lama", first_name="Dwi", is_active=True)
    officer.groups.add(Group.objects.create(name="Staf BPSDM"))

    organiser = Institution.objects.create(
        name="BPSDM Provinsi Jawa Tengah",
        code="bpsdm-jateng",
        kind="training",
        city="Semarang",
        head_name="Dr. Sumarno, M.Si.",
        head_nip="196805121994031005",
        head_title="Kepala BPSDM",
    )
    agency = Institution.objects.create(
        name="Dinas Kesehatan Kabupaten Demak", code="dinkes-demak", kind="opd", city="Demak"
    )
    program = Program.objects.create(
        name="Pelatihan Kepemimpinan Administrator",
        code="pka",
        project_label="Aksi Perubahan",
        angkatan_style="roman",
        position_level="administrator",
    )
    version = ProgramVersion.objects.create(
        program=program,
        number=1,
        effective_date=date(2024, 1, 1),
        published_at=aware(2024, 1, 2, 9, 0),
    )
    template = PhaseTemplate.objects.create(
        version=version, order=1, kind="classical", name="Klasikal", jp=60, days=5, mode="campus"
    )
    cohort = Cohort.objects.create(
        program=program,
        program_version=version,
        organiser=organiser,
        angkatan=3,
        year=2024,
        start_date=date(2024, 5, 6),
        end_date=date(2024, 9, 27),
        venue="Kampus BPSDM Srondol",
    )
    classical = CohortPhase.objects.create(
        cohort=cohort,
        template=template,
        order=1,
        kind="classical",
        name="Klasikal",
        jp=60,
        days=5,
        day_rule="working",
        mode="campus",
        start_date=date(2024, 5, 6),
        end_date=date(2024, 5, 10),
    )
    dewi = Participant.objects.create(
        nip="198503142010012015",
        name="Dewi Kusumawardani, S.Kep.",
        rank="III/d",
        position="Kepala Seksi Pelayanan Kesehatan",
        agency=agency,
    )
    bayu = Participant.objects.create(
        nip="198207222009011003",
        name="Bayu Hendrawan, S.T.",
        rank="III/c",
        position="Kepala Seksi Sarana Prasarana",
        agency=agency,
    )
    enrolments = {
        p.nip: Enrolment.objects.create(cohort=cohort, participant=p, status="passed")
        for p in (dewi, bayu)
    }
    for enrolment, score in zip(enrolments.values(), ["88.25", "81.40"], strict=True):
        ChangeProject.objects.create(
            enrolment=enrolment,
            title="Gerakan Posyandu Digital",
            final_score=Decimal(score),
            scored_at=aware(2024, 9, 20, 14, 0),
            state="final",
        )

    NumberingPattern.objects.create(
        institution=organiser, pattern="{seq:03d}/STTP/{program}/{angkatan}/{institution}/{year}"
    )
    series = CertificateSeries.objects.create(
        key="{seq}/STTP/PKA/III/BPSDM-JATENG/2024", last_seq=3
    )
    batch = CertificateBatch.objects.create(
        cohort=cohort,
        status="done",
        total=2,
        rendered=2,
        attempts=1,
        requested_by=staff,
        started_at=aware(2024, 9, 27, 10, 0),
        heartbeat_at=aware(2024, 9, 27, 10, 1),
        finished_at=aware(2024, 9, 27, 10, 2),
    )
    # Saved through the old model, so the name is what the old upload_to gave.
    batch.merged_pdf.save("sttp-pka-3.pdf", ContentFile(MERGED_PDF))

    # Dewi's certificate was printed as 001, revoked (wrong name spelling) and reissued as
    # 002: both papers exist, her QR code points at the same verification id.
    reissued = Certificate.objects.create(
        enrolment=enrolments[dewi.nip],
        series=series,
        seq=2,
        number="002/STTP/PKA/III/BPSDM-JATENG/2024",
        verification_id=uuid.UUID("5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f"),
        status="valid",
        issued_on=date(2024, 9, 30),
        final_score=Decimal("88.25"),
        predicate="Sangat Memuaskan",
        rendered_at=aware(2024, 9, 30, 8, 0),
    )
    reissued.pdf.save("sttp-1.pdf", ContentFile(STTP_REISSUED_PDF))
    for action, number, reason in [
        ("issued", "001/STTP/PKA/III/BPSDM-JATENG/2024", ""),
        ("revoked", "001/STTP/PKA/III/BPSDM-JATENG/2024", "Salah tulis nama peserta."),
        ("reissued", "002/STTP/PKA/III/BPSDM-JATENG/2024", "Salah tulis nama peserta."),
    ]:
        CertificateEvent.objects.create(
            certificate=reissued, action=action, number=number, reason=reason, actor=staff
        )
    revoked = Certificate.objects.create(
        enrolment=enrolments[bayu.nip],
        series=series,
        seq=3,
        number="003/STTP/PKA/III/BPSDM-JATENG/2024",
        status="revoked",
        issued_on=date(2024, 9, 27),
        final_score=Decimal("81.40"),
        predicate="Memuaskan",
        rendered_at=aware(2024, 9, 27, 10, 1),
        revoked_at=aware(2024, 10, 1, 11, 0),
    )
    revoked.pdf.save("sttp-2.pdf", ContentFile(STTP_OTHER_PDF))
    CertificateEvent.objects.create(certificate=revoked, action="issued", number=revoked.number)
    CertificateEvent.objects.create(
        certificate=revoked,
        action="revoked",
        number=revoked.number,
        reason="Nilai dikoreksi.",
        actor=staff,
    )

    automatic = PhaseReport.objects.create(phase=classical, automatic=True)
    automatic.pdf.save("laporan-pka-3-tahap-1.pdf", ContentFile(REPORT_PDF))
    PhaseReport.objects.create(phase=classical, requested_by=staff, pdf=automatic.pdf.name)

    for day, (dewi_status, bayu_status) in enumerate(
        [("hadir", "hadir"), ("hadir", "sakit"), ("izin", "hadir")], start=6
    ):
        for nip, status in [(dewi.nip, dewi_status), (bayu.nip, bayu_status)]:
            Attendance.objects.create(
                enrolment=enrolments[nip],
                phase=classical,
                date=date(2024, 5, day),
                status=status,
                recorded_by=staff,
            )

    # The admin's history of the certificate points at its content type.
    LogEntry.objects.create(
        action_time=aware(2024, 10, 1, 11, 0),
        user=staff,
        content_type=ContentType.objects.get(app_label="cohorts", model="certificate"),
        object_id=str(revoked.pk),
        object_repr=revoked.number,
        action_flag=2,
        change_message="Dicabut.",
    )

    return {
        "cohort": cohort.pk,
        "user": staff.pk,
        "officer": officer.pk,
        "reissued": reissued.pk,
        "revoked": revoked.pk,
        "batch": batch.pk,
        "report": automatic.pk,
        "log": LogEntry.objects.get().pk,
        "content_types": dict(
            ContentType.objects.filter(app_label="cohorts", model__in=MOVED).values_list(
                "model", "pk"
            )
        ),
        "permissions": dict(
            Permission.objects.filter(
                content_type=cohort_type, codename__in=CERTIFICATE_PERMISSIONS
            ).values_list("codename", "pk")
        ),
        "view_certificate": view_certificate.pk,
        "rows": {model: rows(old, "cohorts", model) for model in MOVED},
    }


# The migrator flushes and rebuilds the database, so it needs a transactional one; its
# fixture migrates everything back (reset) after the test, and the flush that follows runs
# post_migrate, so later tests find the role groups again.
@pytest.mark.django_db(transaction=True)
def test_upgrade_keeps_certificates_attendance_files_and_permissions(
    migrator, client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"

    # apply_initial_migration applies the full plan up to the last target: projects.0008
    # comes after cohorts.0014, participants.0005 and documents.0001 in that plan, so asking
    # for the four old leaves at once would already apply this release's moves. Start clean
    # up to cohorts.0013, which comes before them, then go forward only to the old leaves.
    migrator.apply_initial_migration([OLD_LEAVES[0]])
    old_state = migrator.apply_tested_migration(OLD_LEAVES)
    applied = MigrationRecorder(connection).applied_migrations()
    assert all(leaf in applied for leaf in OLD_LEAVES)
    assert not any(move in applied for move in MOVES)
    assert not any(app_label == "documents" for app_label, _name in applied)

    before = old_release_build(old_state.apps)
    cohort_id = before["cohort"]
    assert before["rows"]["certificate"][0]["pdf"] == f"sertifikat/{cohort_id}/sttp-1.pdf"
    assert before["rows"]["phasereport"][0]["pdf"] == (
        f"laporan/{cohort_id}/laporan-pka-3-tahap-1.pdf"
    )
    assert len(before["content_types"]) == len(MOVED)
    assert set(before["permissions"]) == set(CERTIFICATE_PERMISSIONS)

    new_state = migrator.apply_tested_migration(latest_on_disk())
    new = new_state.apps
    applied = MigrationRecorder(connection).applied_migrations()
    assert all(move in applied for move in MOVES)

    # Every row, every column, same primary keys, read through the moved models; certificates
    # gained one column since, their check code, made for each one (documents.0002).
    for model, app_label in MOVED.items():
        after = rows(new, app_label, model)
        if model == "certificate":
            codes = [row.pop("check_code") for row in after]
            assert all(len(code) == 6 for code in codes) and len(set(codes)) == len(codes)
        assert after == before["rows"][model], model
    with pytest.raises(LookupError):
        new.get_model("cohorts", "Certificate")

    # Content types follow the models: same rows, so permissions and admin history keep them.
    ContentType = new.get_model("contenttypes", "ContentType")
    assert not ContentType.objects.filter(app_label="cohorts", model__in=MOVED).exists()
    for model, app_label in MOVED.items():
        moved_type = ContentType.objects.get(pk=before["content_types"][model])
        assert (moved_type.app_label, moved_type.model) == (app_label, model)
    Permission = new.get_model("auth", "Permission")
    for codename, pk in before["permissions"].items():
        permission = Permission.objects.select_related("content_type").get(pk=pk)
        assert permission.codename == codename
        assert (permission.content_type.app_label, permission.content_type.model) == (
            "documents",
            "certificate",
        )

    # What a real `migrate` does after the migrations (post_migrate: content types,
    # permissions, role groups), as on the day of the upgrade. It must find the moved rows
    # and make no second copy of them.
    call_command("migrate", verbosity=0, database=DEFAULT_DB_ALIAS)
    check_with_the_app(before)
    check_verification_page(client, before)


def check_with_the_app(before):
    """The application's own models see the old rows, files and permissions."""
    # Imported here, not at the top: the test above works with the historical models under
    # the same names (ContentType, Permission), and these are the real ones.
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group, Permission, User
    from django.contrib.contenttypes.models import ContentType

    from config.roles import STAFF
    from documents.models import Certificate, CertificateBatch, PhaseReport
    from participants.models import Attendance

    # The process-wide cache may remember content type ids from before the rebuild.
    ContentType.objects.clear_cache()
    cohort_id = before["cohort"]

    reissued = Certificate.objects.select_related("enrolment__participant").get(
        pk=before["reissued"]
    )
    assert reissued.number == "002/STTP/PKA/III/BPSDM-JATENG/2024"
    assert reissued.verification_id == uuid.UUID("5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f")
    assert reissued.status == Certificate.Status.VALID
    assert reissued.final_score == Decimal("88.25")
    assert reissued.enrolment.participant.name == "Dewi Kusumawardani, S.Kep."
    assert reissued.pdf.name == f"sertifikat/{cohort_id}/sttp-1.pdf"
    with reissued.pdf.open("rb") as pdf:
        assert pdf.read() == STTP_REISSUED_PDF
    assert [(e.action, e.number[:3]) for e in reissued.events.all()] == [
        ("issued", "001"),
        ("revoked", "001"),
        ("reissued", "002"),
    ]

    revoked = Certificate.objects.get(pk=before["revoked"])
    assert revoked.status == Certificate.Status.REVOKED
    assert revoked.revoked_at == aware(2024, 10, 1, 11, 0)
    with revoked.pdf.open("rb") as pdf:
        assert pdf.read() == STTP_OTHER_PDF

    batch = CertificateBatch.objects.get(pk=before["batch"])
    assert (batch.cohort_id, batch.status, batch.rendered) == (cohort_id, "done", 2)
    assert batch.merged_pdf.name == f"sertifikat/{cohort_id}/penerbitan-{batch.pk}/sttp-pka-3.pdf"
    with batch.merged_pdf.open("rb") as pdf:
        assert pdf.read() == MERGED_PDF
    report = PhaseReport.objects.get(pk=before["report"])
    assert report.automatic and report.phase.cohort_id == cohort_id
    with report.pdf.open("rb") as pdf:
        assert pdf.read() == REPORT_PDF
    assert Attendance.objects.filter(phase=report.phase).count() == 6
    assert Attendance.objects.filter(status="sakit").get().enrolment == revoked.enrolment

    # Content types: the app's own lookup gives the old rows, and post_migrate made no new
    # ones for the moved models.
    for model_class in (Certificate, CertificateBatch, PhaseReport, Attendance):
        name = model_class._meta.model_name
        assert ContentType.objects.get_for_model(model_class).pk == before["content_types"][name]
    assert ContentType.objects.filter(model__in=MOVED).count() == len(MOVED)
    entry = LogEntry.objects.get(pk=before["log"])
    assert entry.get_edited_object() == revoked

    # One issue_certificates permission, the old row, now documents'.
    issue = Permission.objects.get(codename="issue_certificates")
    assert issue.pk == before["permissions"]["issue_certificates"]
    assert Permission.objects.get(codename="view_documents").content_type.app_label == ("documents")
    # Re-fetched: the user object caches its permissions.
    user = User.objects.get(pk=before["user"])
    assert user.has_perm("documents.issue_certificates")
    assert user.has_perm("documents.view_certificate")
    assert not user.has_perm("cohorts.issue_certificates")
    assert (
        user.groups.get().permissions.get(codename="view_certificate").pk
        == (before["view_certificate"])
    )
    # The roles made after migrate give staff the moved permission too.
    assert Group.objects.get(name=STAFF).permissions.filter(pk=issue.pk).exists()
    # Staff of the old release work for the agency that organised its cohorts.
    officer = User.objects.get(pk=before["officer"])
    assert list(officer.staff_institutions.values_list("code", flat=True)) == ["bpsdm-jateng"]


def check_verification_page(client, before):
    """A QR code printed before the upgrade still opens its certificate."""
    cache.clear()  # the page is rate limited per address; earlier tests may have counted
    response = client.get("/verifikasi/5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "002/STTP/PKA/III/BPSDM-JATENG/2024" in page
    assert "Dewi Kusumawardani, S.Kep." in page
    assert 'id="verdict"' in page and "alert-success" in page

    # By the number on the paper: the current one, and the one on the revoked first print.
    # Paper printed before check codes existed is looked up with the holder's birth date
    # (Dewi's NIP starts 19850314).
    for number in ["002/STTP/PKA/III/BPSDM-JATENG/2024", "001/STTP/PKA/III/BPSDM-JATENG/2024"]:
        assert client.get("/verifikasi/", {"nomor": number}).status_code == 200  # asks for more
        response = client.get("/verifikasi/", {"nomor": number, "lahir": "1985-03-14"})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert response["Location"].startswith("/verifikasi/5f0c1d2e-3a4b-4c5d-8e6f-7a8b9c0d1e2f/")
        # The replaced number leads to the valid certificate and says it is no longer valid.
        replaced = number.startswith("001")
        assert ("Nomor 001/STTP/PKA/III/BPSDM-JATENG/2024 tidak berlaku lagi" in page) == replaced

    # A revoked certificate still verifies, as revoked.
    revoked = before["rows"]["certificate"][1]
    response = client.get(f"/verifikasi/{revoked['verification_id']}/")
    assert response.status_code == 200
    assert "alert-danger" in response.content.decode()
    assert revoked["number"] in response.content.decode()
