"""Scale-out (issue 15): worker nodes share nothing but the services. Two real Celery workers,
each in a folder of its own that stands for its machine (working directory, temporary files,
home and caches), issue a cohort's certificates and a phase report on the same database and
broker; then their folders are deleted, and the web process (this one, through the test client
and the permission-checked views) serves the batch's merged PDF, its ZIP, a certificate and
the report from the default storage. In CI's PostgreSQL pass that storage is a bucket on a
local S3-compatible server (TEST_S3=moto, tests/conftest.py), as in production; on the
embedded default it is the media folder, which the processes of one machine share."""

import io
import re
import shutil
import zipfile
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pypdf
import pytest
from botocore.response import StreamingBody
from django.conf import settings
from django.core.files.storage import storages
from django.urls import reverse

from config.downloads import stored_file_response
from curriculum.models import PhaseKind
from documents.models import Certificate, CertificateBatch, PhaseReport
from documents.tasks import phase_reports_due_job

from .conftest import wait_for
from .factories import CohortFactory, enrol, project_scored, staff_user, widyaiswara_user
from .pdf_tools import pdf_text
from .workers import CeleryWorker

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

# Two chunks (CERTIFICATE_PAGES_PER_DOCUMENT, set for the workers), so both workers render.
PARTICIPANTS = 20
PAGES_PER_DOCUMENT = 10


def in_bucket():
    return type(storages["default"]).__name__ == "S3Storage"


def downloaded(client, url):
    """The bytes a view sends, checking that it streams them (FileResponse)."""
    response = client.get(url)
    assert response.status_code == 200, url
    assert response.streaming, url
    content = b"".join(response.streaming_content)
    assert int(response["Content-Length"]) == len(content), url
    return content


def files_in(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_two_worker_nodes_and_the_web_share_only_database_broker_and_storage(
    client, tmp_path, monkeypatch
):
    cohort = CohortFactory()
    coach = widyaiswara_user()
    for _ in range(PARTICIPANTS):
        project_scored(enrol(cohort, coach=coach), Decimal("85"))
    staff = staff_user()
    client.force_login(staff)
    monkeypatch.setenv("CERTIFICATE_PAGES_PER_DOCUMENT", str(PAGES_PER_DOCUMENT))
    nodes = {name: tmp_path / f"node-{name}" for name in ("satu", "dua")}
    workers = [
        CeleryWorker(tmp_path / f"{name}.log", settings.SITE_URL, name=name, node=node)
        for name, node in nodes.items()
    ]
    logs = lambda: "\n".join(w.output() for w in workers)  # noqa: E731
    # Other tests of the session may leave files in the web process's media folder; what this
    # run adds there is what counts.
    media_before = set(files_in(Path(settings.MEDIA_ROOT)))
    try:
        for worker in workers:
            worker.wait_ready()
        started = client.post(reverse("documents:certificates_issue", args=[cohort.pk]))
        batch = CertificateBatch.objects.get(cohort=cohort)
        assert started["Location"] == batch.get_absolute_url()

        def finished():
            batch.refresh_from_db()
            return batch.is_finished

        wait_for(finished, message=f"the batch; logs:\n{logs()}")
        # The daily job of reports, for the day after the first phase ended.
        phase = cohort.phases.get(kind=PhaseKind.CLASSICAL)
        phase_reports_due_job.delay(today=phase.end_date + timedelta(days=1))
        report = wait_for(
            lambda: PhaseReport.objects.filter(phase=phase).first(),
            message=f"the phase report; logs:\n{logs()}",
        )
    finally:
        for worker in workers:
            worker.stop()
    assert batch.status == CertificateBatch.Status.DONE, batch.error
    assert (batch.rendered, batch.total) == (PARTICIPANTS, PARTICIPANTS)
    ran = [re.findall(r"tasks\.(\w+)\[[^]]+\] succeeded", w.output()) for w in workers]
    assert all("certificates_chunk_job" in r or "certificates_issue_job" in r for r in ran), logs()

    # What a node keeps is its own and nobody needs it: no file left in its temporary folder,
    # none in a media folder of its own when files go to the bucket.
    for node in nodes.values():
        assert files_in(node / "tmp") == []
        assert not (node / "media").exists()
        shutil.rmtree(node)
    if in_bucket():
        # Nothing of this run is in the web process's media folder either.
        assert sorted(set(files_in(Path(settings.MEDIA_ROOT))) - media_before) == []

    certificates = list(
        Certificate.objects.filter(enrolment__cohort=cohort).select_related(
            "enrolment__participant"
        )
    )
    assert sorted(c.seq for c in certificates) == list(range(1, PARTICIPANTS + 1))
    merged = downloaded(client, reverse("documents:batch_pdf", args=[batch.pk]))
    assert len(pypdf.PdfReader(io.BytesIO(merged)).pages) == PARTICIPANTS
    archive_bytes = downloaded(client, reverse("documents:batch_zip", args=[batch.pk]))
    with zipfile.ZipFile(io.BytesIO(archive_bytes)) as archive:
        assert sorted(archive.namelist()) == sorted(
            f"STTP-{c.enrolment.participant.nip}.pdf" for c in certificates
        )
        one = certificates[0]
        single = downloaded(client, reverse("documents:certificate_download", args=[one.pk]))
        assert archive.read(f"STTP-{one.enrolment.participant.nip}.pdf") == single
    assert len(pypdf.PdfReader(io.BytesIO(single)).pages) == 1

    if in_bucket():
        # The views' FileResponse reads the object's body from S3 as it sends it, not a copy
        # of the whole object made in the web process's memory first (config/downloads.py).
        response = stored_file_response(batch.archive, "semua.zip")
        assert isinstance(response.file_to_stream, StreamingBody)
        assert b"".join(response.streaming_content) == archive_bytes

    report_pdf = downloaded(client, reverse("documents:phase_report", args=[report.pk]))
    text = " ".join(pdf_text(report_pdf).split())
    assert f"LAPORAN TAHAP {phase.name.upper()}" in text
    assert all(c.enrolment.participant.name in text for c in certificates)
