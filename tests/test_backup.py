"""Backups (issue 13): `dbbackup` and `mediabackup` write the database and the media files to
BACKUP_DIR; `dbrestore` and `mediarestore` bring back every row and every file after they were
changed or deleted. On PostgreSQL the dump is pg_dump's and the restore pg_restore's, into the
test database itself, as `manage.py dbrestore` does in production; on SQLite the file is copied
with SQLite's backup API and copied back."""

import gzip
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from cohorts.models import Cohort
from config.roles import ROLE_PERMISSIONS
from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch

from .factories import CohortFactory, enrol, project_scored, widyaiswara_user

# What the first bytes of a database backup are, by engine: pg_dump's custom format, or an
# SQLite database file.
BACKUP_MAGIC = {"postgresql": b"PGDMP", "sqlite": b"SQLite format 3\x00"}


def database_rows():
    """Every row of every table Django knows (many-to-many tables too), in key order."""
    rows = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.proxy or not model._meta.managed:
            continue
        rows[model._meta.db_table] = list(model.objects.order_by("pk").values_list())
    return rows


def media_files(folder=""):
    """Every file in the default storage (the media folder, or the bucket), by its name there,
    with its bytes."""
    try:
        folders, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a media folder not made yet
        return {}
    found = {}
    for name in files:
        with default_storage.open(f"{folder}{name}", "rb") as stored:
            found[f"{folder}{name}"] = stored.read()
    for name in folders:
        found |= media_files(f"{folder}{name}/")
    return found


def backups_made(before):
    """The names of the backup files (not their metadata) that BACKUP_DIR gained since
    `before`."""
    now = set(os.listdir(settings.BACKUP_DIR))
    return sorted(name for name in now - before if not name.endswith(".metadata"))


@pytest.fixture
def issued_cohort(settings, tmp_path):
    """A cohort whose three passing participants have their certificates, PDFs in media: a
    media folder of this test's own, or in the tests' bucket (TEST_S3) a folder of its own, so
    that the backup holds this test's files only."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    default = settings.STORAGES["default"]
    if default["BACKEND"].endswith("S3Storage"):
        options = {**default["OPTIONS"], "location": f"backup-test-{tmp_path.name}"}
        settings.STORAGES = {**settings.STORAGES, "default": {**default, "OPTIONS": options}}
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for score in ["91.50", "75.00", "70.01", None]:
        enrolment = enrol(cohort, coach=coach)
        if score:
            project_scored(enrolment, Decimal(score))
    certificates_issue(batch_id=CertificateBatch.objects.create(cohort=cohort).pk)
    assert Certificate.objects.exclude(pdf="").count() == 3
    return cohort


# pg_restore and the SQLite copy replace the test database's tables and rows outside any
# test transaction; the flush after a transactional test empties them and its post_migrate
# makes the role groups again, so the tests after this one find the database as usual.
@pytest.mark.django_db(transaction=True)
def test_a_restore_brings_back_every_row_and_every_file(issued_cohort):
    rows_before = database_rows()
    files_before = media_files()
    assert {c.pdf.name for c in Certificate.objects.all()} <= set(files_before)
    assert {name for (name,) in Group.objects.values_list("name")} >= set(ROLE_PERMISSIONS)

    existing = set(os.listdir(settings.BACKUP_DIR))
    call_command("dbbackup", "--noinput", "--compress", verbosity=0)
    [database_backup] = backups_made(existing)
    existing |= {database_backup, f"{database_backup}.metadata"}
    call_command("mediabackup", "--noinput", "--compress", verbosity=0)
    [media_backup] = backups_made(existing)
    assert media_backup.endswith(".tar.gz")
    with gzip.open(Path(settings.BACKUP_DIR) / database_backup) as dump:
        assert dump.read(16).startswith(BACKUP_MAGIC[connection.vendor])

    # After the backup: rows deleted, changed and added; a PDF deleted, another overwritten,
    # a role group's permissions taken away.
    lost, overwritten, _kept = Certificate.objects.order_by("seq")
    lost_pdf = lost.pdf.name
    CertificateBatch.objects.all().delete()
    lost.delete()
    Cohort.objects.filter(pk=issued_cohort.pk).update(venue="Gedung yang salah")
    Group.objects.create(name="Grup setelah cadangan")
    Group.objects.get(name=next(iter(ROLE_PERMISSIONS))).permissions.clear()
    default_storage.delete(lost_pdf)
    default_storage.delete(overwritten.pdf.name)
    damaged = default_storage.save(overwritten.pdf.name, ContentFile(b"%PDF-1.7 rusak"))
    assert damaged == overwritten.pdf.name
    assert database_rows() != rows_before
    assert media_files() != files_before

    call_command(
        "dbrestore", "--noinput", "--uncompress", "--input-filename", database_backup, verbosity=0
    )
    call_command(
        "mediarestore",
        "--noinput",
        "--uncompress",
        "--replace",
        "--input-filename",
        media_backup,
        verbosity=0,
    )

    assert database_rows() == rows_before
    assert media_files() == files_before
    # The restored database takes new rows: its sequences came back with its tables.
    Group.objects.create(name="Grup setelah pemulihan")
    restored = Certificate.objects.get(number=lost.number)
    assert restored.pdf.name == lost_pdf
    assert restored.pdf.open("rb").read() == files_before[lost_pdf]


def test_media_backups_read_the_default_storage_whatever_it_is(settings):
    """In production the default storage may be an S3 bucket: mediabackup archives what that
    storage holds (here one kept in memory), not a folder on the server."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    default_storage.save("sertifikat/1/a.pdf", ContentFile(b"%PDF-1.7 a"))
    default_storage.save("dokumen/b.docx", ContentFile(b"PK b"))

    existing = set(os.listdir(settings.BACKUP_DIR))
    call_command("mediabackup", "--noinput", verbosity=0)
    [media_backup] = backups_made(existing)
    default_storage.delete("sertifikat/1/a.pdf")
    default_storage.save("dokumen/b.docx", ContentFile(b"changed"))

    call_command(
        "mediarestore", "--noinput", "--replace", "--input-filename", media_backup, verbosity=0
    )

    assert default_storage.open("sertifikat/1/a.pdf").read() == b"%PDF-1.7 a"
    assert default_storage.open("dokumen/b.docx").read() == b"PK b"


def test_backups_go_to_the_folder_backup_dir_names(tmp_path):
    probe = "from dbbackup import settings as s; print(s.STORAGE, s.STORAGE_OPTIONS['location'])"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "BACKUP_DIR": str(tmp_path / "cadangan"),
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", probe],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.core.files.storage.FileSystemStorage",
        str(tmp_path / "cadangan"),
    ]
