"""`make bench-certificates`: what a signed certificate costs in the real job, next to the
floor and a peer, and how the throughput grows with a second worker.

Every certificate is signed, as in production: a throwaway PKCS#12 key is made first and named
to this process and to the workers (SIGNING_KEY_FILE). It measures, in one run:

1. The job against the floor, for a cohort of 200 (once) and of 40 (median of 3), in this
   process: `certificates_issue`, the work the Celery jobs do (numbering under locks,
   rendering the chunks, splitting them into one PDF per participant, signing and storing
   each, the merged PDF and the ZIP), against the floor: WeasyPrint rendering the same
   certificates as the pages of one document, plus one pyHanko signature per certificate
   (the one-page files to sign are cut from that document before the clock runs).
2. Signing's share: the cohort of 200 issued again with no key configured.
3. One worker against two: the cohort of 200 through the broker, from the request to the
   finished ZIP, with real `celery worker` processes, interleaved 1, 2, 1, 2, 1, 2 (the second
   worker is paused with SIGSTOP during the one-worker rounds), medians of the rounds. Before
   each round the cohort's certificates are deleted, so every round numbers, renders, signs,
   stores and bundles all 200 again.
4. A peer: ReportLab drawing the same 200 certificates (the same text fields, the same
   institution logo and signature image files, the QR code, DejaVu Serif embedded as
   WeasyPrint embeds it), one document each, one after another in this process, and signing
   each with the same signer. It neither stores nor bundles anything; its data is read from
   the database before the clock starts.
5. The full STTP (issue 18): a cohort of 40 whose organiser prints the transcript page and
   which is run on LAN's behalf (two pages, two signature blocks), the job against its floor
   (the same two-page certificates as one WeasyPrint document, plus one signature per file),
   median of 3; its note says what it costs next to the one-page job.

Every wait has a deadline (WAIT_SECONDS), so the bench never hangs. The results go to
var/bench/certificates.json (the format of bench/summary.py) and are printed.

Database: the one DATABASE_URL names (its test database, test_<name>, is created and
destroyed), else the embedded SQLite default (var/test-angkatan.sqlite3, which `make test`
on SQLite also uses: do not run both at once). The broker is always a throwaway filesystem
broker. Run from the project root with the dev dependencies installed.
"""

import io
import os
import signal
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
_scratch = Path(tempfile.mkdtemp(prefix="angkatan-bench-"))
os.environ.setdefault("MEDIA_ROOT", str(_scratch / "media"))
os.environ.pop("CELERY_BROKER_URL", None)  # a throwaway filesystem broker
# The key every certificate is signed with, here and in the workers (which inherit this
# environment).
os.environ["SIGNING_KEY_FILE"] = str(_scratch / "bench.p12")
os.environ["SIGNING_KEY_PASSWORD"] = "bench"
os.environ.pop("SIGNING_KEY_NEXT_FILE", None)

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from summary import results_write  # noqa: E402

# Smaller sizes only to try the script out quickly (BENCH_BIG=30 BENCH_SMALL=10).
BIG = int(os.environ.get("BENCH_BIG", 200))
SMALL = int(os.environ.get("BENCH_SMALL", 40))
SMALL_REPEATS = 3
ROUNDS = 3  # of each worker count, interleaved
WAIT_SECONDS = 600  # the longest any one wait may take
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


def certificates_forget(cohort):
    """Delete the cohort's certificates and batches, so that the next batch issues them all
    again (numbers, files, bundle)."""
    from documents.models import Certificate, CertificateBatch

    Certificate.objects.filter(enrolment__cohort=cohort).delete()
    CertificateBatch.objects.filter(cohort=cohort).delete()


def certificates_of(cohort):
    from documents.models import Certificate

    return list(
        Certificate.objects.filter(enrolment__cohort=cohort)
        .select_related(
            "enrolment__participant__agency",
            "enrolment__cohort__program",
            "enrolment__cohort__organiser",
            "enrolment__project",
        )  # fmt: skip
        .order_by("series_id", "seq")
    )


def job_seconds(cohort):
    """The job in this process, from a fresh batch to the bundled ZIP."""
    from documents.batches import certificates_issue
    from documents.models import CertificateBatch

    certificates_forget(cohort)
    batch = CertificateBatch.objects.create(cohort=cohort)
    started = time.perf_counter()
    certificates_issue(batch_id=batch.pk)
    seconds = time.perf_counter() - started
    batch.refresh_from_db()
    if batch.status != batch.Status.DONE:
        raise SystemExit(f"the job failed: {batch.error}")
    return seconds


def floor_seconds(cohort):
    """(render, sign): one WeasyPrint document whose pages are the cohort's certificates, in
    the HTML the job renders (made before the clock starts), then one signature per
    certificate on its one-page PDF (cut from that document, untimed)."""
    import pikepdf

    from cohorts.services import cohort_total_jp
    from documents.pdf import html_to_pdf
    from documents.rendering import certificate_html
    from documents.signing import pdf_sign

    total_jp = cohort_total_jp(cohort)
    pages = []
    for certificate in certificates_of(cohort):
        html = certificate_html(certificate, total_jp=total_jp)
        pages.append(html.split("<body>", 1)[1].rsplit("</body>", 1)[0])
    head = html.split("<body>", 1)[0]
    document = head + "<body>" + '<div style="page-break-after: always"></div>'.join(pages)
    started = time.perf_counter()
    pdf = html_to_pdf(document + "</body></html>")
    render = time.perf_counter() - started
    singles = []
    with pikepdf.open(io.BytesIO(pdf)) as source:
        for page in source.pages:
            with pikepdf.new() as single:
                single.pages.append(page)
                single.remove_unreferenced_resources()  # as the job's files
                out = io.BytesIO()
                single.save(out)
                singles.append(out.getvalue())
    started = time.perf_counter()
    for single in singles:
        pdf_sign(single)
    return render, time.perf_counter() - started


def full_cohort_of(size):
    """A cohort printing the full STTP (issue 18): its organiser prints the transcript page
    (19 subjects) and it is run on LAN's behalf with LAN's block: two pages, two blocks. Its
    own organiser, so that the other measures keep the one-page certificate."""
    from cohorts.models import Institution
    from curriculum.models import Subject
    from demo.loaders import institution_images_ensure
    from tests.factories import (
        CohortFactory,
        TrainingAgencyFactory,
        enrol,
        project_scored,
        widyaiswara_user,
    )

    organiser = TrainingAgencyFactory(code="bench-full-sttp", name="BPSDMD Provinsi Bench")
    institution_images_ensure(organiser)
    organiser.certificate_transcript = True
    organiser.save(update_fields=["certificate_transcript"])
    body = Institution.objects.create(
        code="bench-lan", name="Lembaga Administrasi Negara", head_name="Dr. Bench, M.Si.",
        head_nip="196902151995031002", head_title="Deputi Bidang Pengembangan Kompetensi",
    )  # fmt: skip
    institution_images_ensure(body)
    cohort = CohortFactory(angkatan=next(_angkatan), organiser=organiser)
    cohort.capacity, cohort.on_behalf_of, cohort.on_behalf_signs = size, body, True
    cohort.save(update_fields=["capacity", "on_behalf_of", "on_behalf_signs"])
    templates = [phase.template for phase in cohort.phases.select_related("template")]
    if not Subject.objects.filter(phase_template__in=templates).exists():
        Subject.objects.bulk_create(
            Subject(phase_template=t, order=n, name=f"Mata pelatihan {t.order}.{n}", jp=10)
            for t in templates
            for n in range(1, 6 if t.order < 4 else 5)
        )
    coach = widyaiswara_user()
    for _ in range(size):
        project_scored(enrol(cohort, coach=coach), Decimal("85"))
    return cohort


def full_floor_seconds(cohort):
    """The floor of the full STTP: its certificates as the pages of one WeasyPrint document
    (two each), then one signature per two-page file (cut from it, untimed)."""
    import pikepdf

    from documents.pdf import html_to_pdf
    from documents.rendering import certificate_html
    from documents.signing import pdf_sign

    certificates = certificates_of(cohort)
    bodies = []
    for certificate in certificates:
        html = certificate_html(certificate)
        bodies.append(html.split("<body>", 1)[1].rsplit("</body>", 1)[0])
    head = html.split("<body>", 1)[0]
    document = head + "<body>" + '<div style="page-break-after: always"></div>'.join(bodies)
    started = time.perf_counter()
    pdf = html_to_pdf(document + "</body></html>")
    render = time.perf_counter() - started
    files = []
    with pikepdf.open(io.BytesIO(pdf)) as source:
        if len(source.pages) != 2 * len(certificates):
            raise SystemExit(f"the full STTP is not two pages: {len(source.pages)} pages")
        for index in range(len(certificates)):
            with pikepdf.new() as pair:
                for page in source.pages[2 * index : 2 * index + 2]:
                    pair.pages.append(page)
                pair.remove_unreferenced_resources()
                out = io.BytesIO()
                pair.save(out)
                files.append(out.getvalue())
    started = time.perf_counter()
    for data in files:
        pdf_sign(data)
    return render + time.perf_counter() - started


def reportlab_peer_seconds(cohort):
    """(seconds, bytes of the last PDF): ReportLab drawing each certificate as a document of
    its own, then signing it, one after another in this process."""
    from django.conf import settings
    from django.utils import formats, translation
    from reportlab.graphics import renderPDF
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import A4, landscape
    from reportlab.lib.units import mm
    from reportlab.lib.utils import ImageReader, simpleSplit
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont
    from reportlab.pdfgen import canvas

    from cohorts.services import cohort_total_jp
    from documents.signing import pdf_sign
    from participants.nip import nip_format

    fonts = Path("/usr/share/fonts/truetype/dejavu")
    serif, bold = "Times-Roman", "Times-Bold"
    if (fonts / "DejaVuSerif.ttf").exists():  # the font WeasyPrint embeds
        pdfmetrics.registerFont(TTFont("DejaVuSerif", fonts / "DejaVuSerif.ttf"))
        pdfmetrics.registerFont(TTFont("DejaVuSerif-Bold", fonts / "DejaVuSerif-Bold.ttf"))
        serif, bold = "DejaVuSerif", "DejaVuSerif-Bold"
    organiser = cohort.organiser
    media = Path(settings.MEDIA_ROOT)
    logo = (media / organiser.logo.name).read_bytes()
    signature = (media / organiser.head_signature.name).read_bytes()
    total_jp = cohort_total_jp(cohort)
    certificates = certificates_of(cohort)
    width, height = landscape(A4)
    blue = HexColor("#1f3b73")

    def date_id(day):
        return formats.date_format(day, "j F Y")

    def draw(certificate):
        participant = certificate.enrolment.participant
        out = io.BytesIO()
        page = canvas.Canvas(out, pagesize=(width, height))
        page.setTitle(f"STTP {certificate.number}")
        page.setStrokeColor(blue)
        for inset in (14 * mm, 15 * mm):
            page.rect(inset, inset, width - 2 * inset, height - 2 * inset)
        # Fresh readers per document, as each document embeds the images again.
        page.drawImage(ImageReader(io.BytesIO(logo)), width / 2 - 9 * mm, height - 40 * mm,
                       18 * mm, 18 * mm, preserveAspectRatio=True, mask="auto")  # fmt: skip
        y = height - 46 * mm
        page.setFont(bold, 13)
        page.drawCentredString(width / 2, y, organiser.name.upper())
        page.setFont(bold, 20)
        page.setFillColor(blue)
        page.drawCentredString(width / 2, y - 11 * mm, organiser.certificate_title.upper())
        page.setFillColorRGB(0.07, 0.07, 0.07)
        page.setFont(serif, 11)
        page.drawCentredString(
            width / 2, y - 17 * mm,
            f"Nomor: {certificate.number} · Kode cek: {certificate.check_code}",
        )  # fmt: skip
        y -= 27 * mm
        page.drawString(28 * mm, y, "Diberikan kepada:")
        rows = (
            ("Nama", participant.name),
            ("NIP", participant.nip_display),
            ("Pangkat/Golongan", participant.rank_display),
            ("Jabatan", participant.position),
            ("Instansi", participant.agency.name),
        )
        for label, value in rows:
            y -= 6 * mm
            page.setFont(serif, 11)
            page.drawString(60 * mm, y, label)
            page.drawString(102 * mm, y, ":")
            page.setFont(bold if label == "Nama" else serif, 13 if label == "Nama" else 11)
            page.drawString(106 * mm, y, value)
        body = (
            f"yang telah mengikuti {cohort.program.name} Angkatan {cohort.angkatan_label} "
            f"Tahun {cohort.year} yang diselenggarakan oleh {organiser.name} pada tanggal "
            f"{date_id(cohort.start_date)} sampai dengan {date_id(cohort.end_date)} dengan "
            f"jumlah {total_jp} jam pelajaran, dan dinyatakan LULUS dengan nilai akhir "
            f"{certificate.final_score} dan predikat {certificate.predicate.upper()}."
        )
        y -= 4 * mm
        page.setFont(serif, 11)
        for line in simpleSplit(body, serif, 11, width - 56 * mm):
            y -= 5.6 * mm
            page.drawString(28 * mm, y, line)
        if organiser.certificate_basis:
            page.setFont(serif, 9)
            for line in simpleSplit(organiser.certificate_basis, serif, 9, width - 56 * mm):
                y -= 4.5 * mm
                page.drawString(28 * mm, y, line)
        url = certificate.get_verification_url()
        qr = QrCodeWidget(url, barLevel="M")
        left, bottom, right, top = qr.getBounds()
        scale = (26 * mm / (right - left), 26 * mm / (top - bottom))
        drawing = Drawing(26 * mm, 26 * mm, transform=[scale[0], 0, 0, scale[1], 0, 0])
        drawing.add(qr)
        renderPDF.draw(drawing, page, 28 * mm, 30 * mm)
        page.setFont(serif, 7.5)
        for i, line in enumerate(simpleSplit(
            f"Pindai kode QR atau buka {url} untuk memeriksa keaslian sertifikat ini.",
            serif, 7.5, 80 * mm,
        )):  # fmt: skip
            page.drawString(28 * mm, 26 * mm - i * 3.4 * mm, line)
        x = width - 28 * mm - 44 * mm
        page.setFont(serif, 11)
        page.drawCentredString(x, 66 * mm, f"{organiser.city}, {date_id(certificate.issued_on)}")
        page.drawCentredString(x, 61 * mm, organiser.head_title)
        page.drawImage(ImageReader(io.BytesIO(signature)), x - 20 * mm, 38 * mm, 40 * mm,
                       20 * mm, preserveAspectRatio=True, mask="auto")  # fmt: skip
        page.setFont(bold, 11)
        page.drawCentredString(x, 33 * mm, organiser.head_name)
        page.setFont(serif, 11)
        if organiser.head_nip:
            page.drawCentredString(x, 28 * mm, f"NIP {nip_format(organiser.head_nip)}")
        page.showPage()
        page.save()
        return out.getvalue()

    with translation.override("id"):
        started = time.perf_counter()
        for certificate in certificates:
            last = pdf_sign(draw(certificate))
        return time.perf_counter() - started, len(last)


def through_workers_seconds(cohort, staff):
    """From the request to the finished batch, through the broker."""
    from documents.batch_queue import certificate_batch_start

    certificates_forget(cohort)
    started = time.perf_counter()
    batch = certificate_batch_start(cohort=cohort, requested_by=staff)
    deadline = time.monotonic() + WAIT_SECONDS
    while not batch.is_finished:
        if time.monotonic() > deadline:
            raise SystemExit(f"the batch did not finish within {WAIT_SECONDS} s")
        time.sleep(0.05)
        batch.refresh_from_db()
    if batch.status != batch.Status.DONE:
        raise SystemExit(f"the batch failed: {batch.error}")
    return time.perf_counter() - started


def worker_pause(worker, paused):
    """Stop or continue a worker's processes (its process group): a paused worker takes no
    message, so the other one does all the work."""
    os.killpg(worker.process.pid, signal.SIGSTOP if paused else signal.SIGCONT)


def rounds_interleaved(cohort, warm_up_cohort):
    """{1: [seconds, ...], 2: [...]}: the cohort through one worker, then two, ROUNDS times,
    with two real worker processes started and warmed up (each has signed a small batch)
    beforehand."""
    from django.conf import settings

    from tests.factories import staff_user
    from tests.workers import CeleryWorker

    folder = _scratch / "workers"
    folder.mkdir()
    workers = [
        CeleryWorker(folder / f"w{i}.log", settings.SITE_URL, name=f"bench{i}") for i in range(2)
    ]
    try:
        for worker in workers:
            worker.wait_ready(timeout=WAIT_SECONDS)
        staff = staff_user(username="bench")
        # Each worker alone on a small batch: WeasyPrint, its fonts and the signer loaded.
        for other in (workers[1], workers[0]):
            worker_pause(other, True)
            through_workers_seconds(warm_up_cohort, staff)
            worker_pause(other, False)
        times = {1: [], 2: []}
        for round_ in range(ROUNDS):
            for count in (1, 2):
                worker_pause(workers[1], count == 1)
                seconds = through_workers_seconds(cohort, staff)
                worker_pause(workers[1], False)
                times[count].append(seconds)
                print(f"  round {round_ + 1}, {count} worker(s): {seconds:.1f} s", flush=True)
        return times
    finally:
        for worker in workers:
            worker_pause(worker, False)
            worker.stop()


def main():
    from django.conf import settings
    from django.test import override_settings

    from demo.signing_key import signing_key_create
    from documents.pdf import weasyprint_loaded

    setup_test_environment()
    signing_key_create(settings.SIGNING_KEY_FILE, settings.SIGNING_KEY_PASSWORD, "Bench")
    os.environ["ANGKATAN_USE_TEST_DATABASE"] = "1"  # for the worker processes
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    started = time.monotonic()
    try:
        print(f"Certificates, signed, on {connection.vendor}; building cohorts…", flush=True)
        big, small, warm = cohort_of(BIG), cohort_of(SMALL), cohort_of(2)
        weasyprint_loaded()
        job_seconds(warm)  # warm up (WeasyPrint, fonts, signer), as a worker is after one job

        print("In one process: the job against the floor…", flush=True)
        job_big = job_seconds(big)
        render_big, sign_big = floor_seconds(big)
        with override_settings(SIGNING_KEY_FILE=""):
            unsigned_big = job_seconds(big)
        small_runs = []
        for _ in range(SMALL_REPEATS):
            job = job_seconds(small)
            small_runs.append((job, sum(floor_seconds(small))))
        job_small = statistics.median(job for job, _ in small_runs)
        floor_small = statistics.median(floor for _, floor in small_runs)

        print("The full STTP (two pages, two blocks)…", flush=True)
        full = full_cohort_of(SMALL)
        full_runs = [(job_seconds(full), full_floor_seconds(full)) for _ in range(SMALL_REPEATS)]
        job_full = statistics.median(job for job, _ in full_runs)
        floor_full = statistics.median(floor for _, floor in full_runs)

        print("ReportLab peer…", flush=True)
        peer, peer_size = reportlab_peer_seconds(big)

        print("Through the broker, 1 and 2 workers interleaved…", flush=True)
        times = rounds_interleaved(big, warm)
        one, two = statistics.median(times[1]), statistics.median(times[2])

        floor_big = render_big + sign_big
        rounds = "; ".join(
            f"{count} worker(s): " + ", ".join(f"{s:.1f}" for s in times[count]) + " s"
            for count in (1, 2)
        )
        rows = [
            {
                "measure": f"certificate job incl. signing, per certificate ({BIG})",
                "ours_s": job_big / BIG,
                "peer": "WeasyPrint one document + one signature each",
                "peer_s": floor_big / BIG,
                "ratio": job_big / floor_big,
                "goal": "<= 1.2",
                "note": (
                    f"one run in one process; floor = render {1000 * render_big / BIG:.1f} + "
                    f"sign {1000 * sign_big / BIG:.1f} ms per certificate"
                ),
            },
            {
                "measure": f"certificate job incl. signing, per certificate ({SMALL})",
                "ours_s": job_small / SMALL,
                "peer": "WeasyPrint one document + one signature each",
                "peer_s": floor_small / SMALL,
                "ratio": job_small / floor_small,
                "goal": "<= 1.2",
                "note": f"median of {SMALL_REPEATS} runs in one process",
            },
            {
                "measure": f"full STTP (2 pages) incl. signing, per certificate ({SMALL})",
                "ours_s": job_full / SMALL,
                "peer": "WeasyPrint one document + one signature each",
                "peer_s": floor_full / SMALL,
                "ratio": job_full / floor_full,
                "goal": "<= 1.2",
                "note": (
                    f"median of {SMALL_REPEATS} runs; transcript page and LAN's block; "
                    f"{job_full / job_small:.2f}x the one-page job per certificate"
                ),
            },
            {
                "measure": f"signing's share of the job ({BIG})",
                "ours_s": job_big,
                "peer": "the same job with no key",
                "peer_s": unsigned_big,
                "ratio": job_big / unsigned_big,
                "goal": "<= 1.1",
                "note": "one run each in one process; the issue asks under 10% for signing",
            },
            {
                "measure": f"{BIG} through the broker: 2 workers against 1",
                "ours_s": two,
                "peer": "1 worker",
                "peer_s": one,
                "ratio": one / two,
                "goal": ">= 1.8",
                "note": (
                    f"ratio = throughput of 2 / of 1; medians of {ROUNDS} interleaved rounds, "
                    f"request to ZIP ({rounds}); {os.cpu_count()} CPUs"
                ),
            },
            {
                "measure": f"{BIG} issued and signed on 2 workers",
                "ours_s": two,
                "peer": "ReportLab, one document each + signing, 1 process",
                "peer_s": peer,
                "ratio": two / peer,
                "goal": "<= 1.0",
                "note": (
                    "ours: median of the 2-worker rounds, request to ZIP incl. numbering, "
                    "storing, merged PDF; peer: same fields, logo, signature image and QR, "
                    f"DejaVu Serif embedded, signed, nothing stored ({peer_size} B per file)"
                ),
            },
        ]
        for row in rows:
            row["db"] = connection.vendor
        path = results_write("certificates", rows)
        print()
        for row in rows:
            print(
                f"{row['measure']:<55} {row['ours_s']:>8.3f} s  vs {row['peer']:<48} "
                f"{row['peer_s']:>8.3f} s  ratio {row['ratio']:.2f} (goal {row['goal']})"
            )
        print(f"({time.monotonic() - started:.0f} s in all; results in {path})")
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


if __name__ == "__main__":
    main()
