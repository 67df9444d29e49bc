"""`make bench-certificates`: what a certificate costs in the real job, next to the floor.

For cohorts of 40 and 200 on the embedded default (SQLite, files), it times
- the job: `certificates_issue`, the work a Celery worker does (numbering under locks,
  rendering one PDF per participant, storing it, the merged PDF and the ZIP), in this process;
- the floor: WeasyPrint rendering the same certificates as the pages of one document.
and prints the cost per certificate of each and their ratio. Run from the project root with
the dev dependencies installed; it uses a throwaway test database and media folder.
"""

import os
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="angkatan-bench-"))
os.environ.pop("DATABASE_URL", None)  # the embedded default, whatever the shell says

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.template.loader import render_to_string  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import translation  # noqa: E402


def cohort_of(size, angkatan):
    from tests.factories import CohortFactory, enrol, project_scored, widyaiswara_user

    cohort = CohortFactory(angkatan=angkatan)
    cohort.capacity = size
    cohort.save(update_fields=["capacity"])
    coach = widyaiswara_user()
    for _ in range(size):
        project_scored(enrol(cohort, coach=coach), Decimal("85"))
    return cohort


def floor_seconds(cohort):
    """One WeasyPrint document whose pages are the cohort's certificates."""
    from cohorts.certificates import _weasyprint, image_data_uri, qr_svg_data_uri
    from cohorts.models import Certificate
    from cohorts.services import cohort_total_jp

    pages = []
    certificates = Certificate.objects.filter(enrolment__cohort=cohort).select_related(
        "enrolment__participant__agency", "enrolment__cohort__program",
        "enrolment__cohort__organiser", "enrolment__project",
    )  # fmt: skip
    with translation.override("id"):
        for certificate in certificates:
            url = certificate.get_verification_url()
            html = render_to_string(
                "cohorts/certificate_pdf.html",
                {
                    "certificate": certificate,
                    "participant": certificate.enrolment.participant,
                    "cohort": cohort,
                    "total_jp": cohort_total_jp(cohort),
                    "verification_url": url,
                    "qr_data_uri": qr_svg_data_uri(url),
                    "logo_uri": image_data_uri(cohort.organiser.logo.name),
                    "signature_uri": image_data_uri(cohort.organiser.head_signature.name),
                },
            )
            body = html.split("<body>", 1)[1].rsplit("</body>", 1)[0]
            pages.append(body)
    head = html.split("<body>", 1)[0]
    document = head + "<body>" + '<div style="page-break-after: always"></div>'.join(pages)
    weasyprint, fonts = _weasyprint()
    started = time.perf_counter()
    weasyprint.HTML(string=document + "</body></html>").write_pdf(font_config=fonts)
    return time.perf_counter() - started


def main():
    from cohorts.certificates import _weasyprint, certificates_issue
    from cohorts.models import CertificateBatch

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        _weasyprint()  # load fonts once, as a worker does at its first job
        print(f"{'cohort':>8} {'job ms/cert':>12} {'floor ms/cert':>14} {'ratio':>6}")
        for angkatan, size in enumerate((40, 200), start=1):
            cohort = cohort_of(size, angkatan)
            batch = CertificateBatch.objects.create(cohort=cohort)
            started = time.perf_counter()
            certificates_issue(batch_id=batch.pk)
            job = time.perf_counter() - started
            floor = floor_seconds(cohort)
            print(
                f"{size:>8} {1000 * job / size:>12.1f} {1000 * floor / size:>14.1f} "
                f"{job / floor:>6.2f}"
            )
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
