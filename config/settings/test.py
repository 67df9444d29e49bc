"""Settings for pytest. The test database is a real file (SQLite) or a real server
(PostgreSQL), so that a Celery worker process started by a test can see what the test wrote."""

import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F401,F403
from .base import (
    CELERY_BROKER_URL,
    DATABASES,
    bucket_storage,
    env,
    filesystem_broker_options,
)

DEBUG = False
# Static files straight from the apps, no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
SECRET_KEY = "tests-only-key"
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# A worker started by a test (tests/workers.py) writes its mails as files in this folder, for
# the test to read: the locmem outbox is another process's.
if env("ANGKATAN_TEST_MAIL_DIR", default=""):
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = env("ANGKATAN_TEST_MAIL_DIR")

_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # Beside the database DATABASE_URL names, "test-" before its name: var/test-angkatan.sqlite3
    # by default, a test database of its own for a private copy (sqlite:////tmp/x.sqlite3).
    _name = Path(_db["NAME"])
    _db["TEST"] = {"NAME": str(_name.with_name(f"test-{_name.name}"))}
else:
    _db["TEST"] = {"NAME": f"test_{_db['NAME']}"}
    _db["CONN_MAX_AGE"] = 0
# A worker process started by the tests opens the test database directly.
if env.bool("ANGKATAN_USE_TEST_DATABASE", default=False):
    _db["NAME"] = _db["TEST"]["NAME"]

MEDIA_ROOT = env("MEDIA_ROOT", default=tempfile.mkdtemp(prefix="angkatan-media-"))
# Each test run has its own queue, so a demo worker on the same broker never takes its jobs.
CELERY_TASK_DEFAULT_QUEUE = env("CELERY_QUEUE", default=f"angkatan-test-{os.getpid()}")
if CELERY_BROKER_URL.startswith("filesystem"):
    CELERY_BROKER_FILESYSTEM_DIR = env(
        "CELERY_BROKER_FILESYSTEM_DIR", default=tempfile.mkdtemp(prefix="angkatan-broker-")
    )
    CELERY_BROKER_TRANSPORT_OPTIONS = filesystem_broker_options(CELERY_BROKER_FILESYSTEM_DIR)
# Backups made by the tests go to a folder of their own, never var/backups.
BACKUP_DIR = env("BACKUP_DIR", default=tempfile.mkdtemp(prefix="angkatan-backups-"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "dbbackup": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": BACKUP_DIR},
    },
}
# Files in an S3-compatible bucket when one is named, with production's options: CI's
# PostgreSQL pass runs every test so, on a local moto server that tests/conftest.py starts
# (TEST_S3=moto) and names to the worker processes through these variables.
if bucket_storage():
    STORAGES["default"] = bucket_storage()
