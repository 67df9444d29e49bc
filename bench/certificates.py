"""`make bench-certificates`: what a certificate costs in the real job, next to the floor, and
how the throughput grows with a second worker.

For cohorts of 40 and 200 on the embedded default (SQLite, the filesystem broker), it times
- the job: `certificates_issue`, the work the Celery jobs do (numbering under locks, rendering
  the chunks, splitting them into one PDF per participant, storing them, the merged PDF and
  the ZIP), run here in one process;
- the floor: WeasyPrint rendering the same certificates as the pages of one document;
- the same batch through the broker with one real `celery worker` process, then with two,
  from the request to the finished ZIP;
and prints the cost per certificate of the job and the floor, their ratio, the two workers'
times and the throughput of two against one. Run from the project root with the dev
dependencies installed; it uses a throwaway test database, media folder and broker folder.
"""

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="angkatan-bench-"))
os.environ.pop("DATABASE_URL", None)  # the embedded default, whatever the shell says
os.environ.pop("CELERY_BROKER_URL", None)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

SIZES = (40, 200)
REPEATS = {40: 3, 200: 1}
_angkatan = iter(range(1, 1000))


def cohort_of(size):
    from demo.loaders import institution_images_ensure
    from tests.factories import CohortFactory, enrol, project_scored, widyaiswara_user

    cohort = CohortFactory(angkatan=next(_angkatan))
    institution_images_ensure(cohort.organiser)  # a logo and a signature image, as in the demo
    cohort.capacity = size
    cohort.save(update_fields=["capacity"])
    coach = widyaiswara_user()
    for _ in range(size):
        project_scored(enrol(cohort, coach=coach), Decimal("85"))
    return cohort


def floor_seconds(cohort):
    """One WeasyPrint document whose pages are the cohort's certificates, in the same HTML the
    job renders (made before the clock starts)."""
    from cohorts.services import cohort_total_jp
    from documents.models import Certificate
    from documents.pdf import weasyprint_loaded
    from documents.rendering import certificate_html

    total_jp = cohort_total_jp(cohort)
    certificates = Certificate.objects.filter(enrolment__cohort=cohort).select_related(
        "enrolment__participant__agency", "enrolment__cohort__program",
        "enrolment__cohort__organiser", "enrolment__project",
    )  # fmt: skip
    pages = []
    for certificate in certificates:
        html = certificate_html(certificate, total_jp=total_jp)
        pages.append(html.split("<body>", 1)[1].rsplit("</body>", 1)[0])
    head = html.split("<body>", 1)[0]
    document = head + "<body>" + '<div style="page-break-after: always"></div>'.join(pages)
    weasyprint, fonts = weasyprint_loaded()
    started = time.perf_counter()
    weasyprint.HTML(string=document + "</body></html>").write_pdf(font_config=fonts)
    return time.perf_counter() - started


def job_seconds(cohort):
    from documents.batches import certificates_issue
    from documents.models import CertificateBatch

    batch = CertificateBatch.objects.create(cohort=cohort)
    started = time.perf_counter()
    certificates_issue(batch_id=batch.pk)
    return time.perf_counter() - started


def through_workers_seconds(cohort, staff):
    """From the request to the finished batch, through the broker."""
    from documents.batch_queue import certificate_batch_start

    started = time.perf_counter()
    batch = certificate_batch_start(cohort=cohort, requested_by=staff)
    while not batch.is_finished:
        time.sleep(0.05)
        batch.refresh_from_db()
    if batch.status != batch.Status.DONE:
        raise SystemExit(f"the batch failed: {batch.error}")
    return time.perf_counter() - started


def with_workers(count, work):
    """Run `work()` with `count` real worker processes (one Celery node each), started and
    warmed up (each has rendered a chunk) beforehand."""
    from django.conf import settings

    from tests.factories import staff_user
    from tests.workers import CeleryWorker

    folder = Path(tempfile.mkdtemp(prefix="angkatan-bench-workers-"))
    workers = [
        CeleryWorker(folder / f"w{i}.log", settings.SITE_URL, name=f"bench{i}")
        for i in range(count)
    ]
    try:
        for worker in workers:
            worker.wait_ready()
        staff = staff_user(username=f"bench-{count}")
        # One chunk per worker, so that each has loaded WeasyPrint and its fonts.
        through_workers_seconds(cohort_of(26 if count > 1 else 2), staff)
        return work(staff)
    finally:
        for worker in workers:
            worker.stop()


def main():
    from documents.pdf import weasyprint_loaded

    setup_test_environment()
    os.environ["ANGKATAN_USE_TEST_DATABASE"] = "1"  # for the worker processes
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        weasyprint_loaded()
        job_seconds(cohort_of(2))  # warm up, as a worker is after its first job
        rows = {}
        for size in SIZES:
            # The median of three runs for the small cohort, whose run is short and noisy.
            cohorts = [cohort_of(size) for _ in range(REPEATS[size])]
            runs = [(job_seconds(cohort), floor_seconds(cohort)) for cohort in cohorts]
            rows[size] = {
                "job": statistics.median(job for job, _ in runs),
                "floor": statistics.median(floor for _, floor in runs),
            }
        cohorts = {size: [cohort_of(size), cohort_of(size)] for size in SIZES}
        for count in (1, 2):
            times = with_workers(
                count,
                lambda staff, count=count: {
                    size: through_workers_seconds(cohorts[size][count - 1], staff) for size in SIZES
                },
            )
            for size, seconds in times.items():
                rows[size][f"{count}w"] = seconds
        print(
            f"{'cohort':>8} {'job ms/cert':>12} {'floor ms/cert':>14} {'ratio':>6} "
            f"{'1 worker s':>11} {'2 workers s':>12} {'throughput x':>13}"
        )
        for size, row in rows.items():
            print(
                f"{size:>8} {1000 * row['job'] / size:>12.1f} "
                f"{1000 * row['floor'] / size:>14.1f} {row['job'] / row['floor']:>6.2f} "
                f"{row['1w']:>11.1f} {row['2w']:>12.1f} {row['1w'] / row['2w']:>13.2f}"
            )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
