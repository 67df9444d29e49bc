"""Production settings: secrets from the environment, and `check --deploy` has nothing to say."""

import os
import subprocess
import sys

from django.conf import settings

# A bound only against a hung process: collectstatic on a loaded machine has taken over 120 s.
MANAGE_TIMEOUT_SECONDS = 900


def run_manage(*args, env):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=MANAGE_TIMEOUT_SECONDS,
    )


def production_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "ALLOWED_HOSTS", "SITE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(DJANGO_SETTINGS_MODULE="config.settings.production", **extra)
    return env


def test_check_deploy_is_clean_with_a_proper_environment():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env=production_env(
            SECRET_KEY="x7#kq!2v9LmZ0pR4tW8yB1nC6dF3gH5jK-s2Qe7Uo9Ia4Xc1Vb8Nm3Zl6Tp0Ry5Wu",
            ALLOWED_HOSTS="angkatan.bpsdm.example.go.id",
            SITE_URL="https://angkatan.bpsdm.example.go.id",
        ),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage(
        "check", env=production_env(ALLOWED_HOSTS="example.go.id", SITE_URL="https://x.go.id")
    )
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_static_files_collect_with_hashed_names(tmp_path):
    result = run_manage(
        "collectstatic",
        "--noinput",
        env=production_env(
            SECRET_KEY="build", ALLOWED_HOSTS="x", SITE_URL="https://x", STATIC_ROOT=str(tmp_path)
        ),
    )
    assert result.returncode == 0, result.stderr
    manifest = (tmp_path / "staticfiles.json").read_text()
    assert "bootstrap/css/bootstrap.min.css" in manifest
    assert "css/angkatan.css" in manifest


def test_documents_go_to_an_s3_bucket_when_one_is_named():
    probe = (
        'from django.core.files.storage import storages; s = storages["default"]; '
        "print(type(s).__name__, s.bucket_name, s.endpoint_url, s.default_acl)"
    )
    result = run_manage(
        "shell",
        "-c",
        probe,
        env=production_env(
            SECRET_KEY="x7#kq!2v9LmZ0pR4tW8yB1nC6dF3gH5jK-s2Qe7Uo9Ia4Xc1Vb8Nm3Zl6Tp0Ry5Wu",
            ALLOWED_HOSTS="angkatan.bpsdm.example.go.id",
            SITE_URL="https://angkatan.bpsdm.example.go.id",
            AWS_STORAGE_BUCKET_NAME="sttp-banten",
            AWS_S3_ENDPOINT_URL="http://minio:9000",
        ),
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.split() == ["S3Storage", "sttp-banten", "http://minio:9000", "private"]


def test_production_backups_go_to_backup_dir_not_among_the_media(tmp_path):
    probe = (
        'from django.core.files.storage import storages; s = storages["dbbackup"]; '
        "print(type(s).__name__, s.location)"
    )
    result = run_manage(
        "shell",
        "-c",
        probe,
        env=production_env(
            SECRET_KEY="x7#kq!2v9LmZ0pR4tW8yB1nC6dF3gH5jK-s2Qe7Uo9Ia4Xc1Vb8Nm3Zl6Tp0Ry5Wu",
            ALLOWED_HOSTS="angkatan.bpsdm.example.go.id",
            SITE_URL="https://angkatan.bpsdm.example.go.id",
            BACKUP_DIR=str(tmp_path / "cadangan"),
        ),
    )
    assert result.returncode == 0, result.stderr
    last = result.stdout.strip().splitlines()[-1]
    assert last.split() == ["FileSystemStorage", str(tmp_path / "cadangan")]
