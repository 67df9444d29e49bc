"""`make bench`'s page timings: every listed page at 10,000 participants against the same page
at 40, and the phase report for 200 against WeasyPrint's time for the bare table.

Two throwaway databases, built in bulk by bench/worlds.py from one migrated schema:
- small: a cohort of 40 whose coach (one widyaiswara coaching that one cohort) and mentor
  (40 mentees) are the queue's and the mentor list's, one batch of certificates, a report
  per phase, 200 audit entries;
- large: a cohort of 10,000 (200 coaches, a mentor per five), one widyaiswara who coached 200
  cohorts of 50 over the years (the latest five still being graded) with one mentor for those
  10,000 mentees, 201 batches and their reports, 50,000 audit entries, and a cohort of 200
  with attendance on every campus day for the phase report.
Each page is asked for with django.test.Client, signed in as the role that uses it: once in
each world to count its queries and weigh its HTML, then small, large, small, large... for
ROUNDS rounds; the medians are compared. The global pages (documents, audit log) are the same
URL in both worlds: a province with little history against one with years of it.

Every request and every render has a time limit (SIGALRM): past it the measure is recorded as
failed, with the limit as a lower bound, and that side is not asked again.

Goals (issue 15): a page at 10,000 within 1.5 times its time at 40 and under 200 KB of HTML;
the phase report within 1.2 times the bare table.

Runs on the embedded SQLite by default (a private file in the temporary folder, never the
shared test database), on DATABASE_URL's server when given (databases <name>_bench_pages and
<name>_bench_pages_large, dropped at the end). Writes var/bench/pages.json (bench/summary.py's
format). Environment: BENCH_ROUNDS (5), BENCH_PAGE_TIMEOUT seconds (60), BENCH_PAGES_BUDGET
seconds for the whole run (1500), BENCH_LARGE (10000), BENCH_QUEUE_COHORTS (200),
BENCH_REPORT_SIZE (200), BENCH_PROFILE (page labels to profile once at 10,000, e.g.
"roster,gradebook"), BENCH_ONLY (the measures to take, e.g. "roster,phase report").
"""

import contextlib
import logging
import os
import re
import signal
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="angkatan-bench-"))

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
TIMEOUT = float(os.environ.get("BENCH_PAGE_TIMEOUT", 60))
LARGE = int(os.environ.get("BENCH_LARGE", 10_000))
QUEUE_COHORTS = int(os.environ.get("BENCH_QUEUE_COHORTS", 200))
REPORT_SIZE = int(os.environ.get("BENCH_REPORT_SIZE", 200))
# Only these measures (page labels and "phase report", comma-separated), when given.
ONLY = {label.strip() for label in os.environ.get("BENCH_ONLY", "").split(",") if label.strip()}
# Pages (their labels, comma-separated) whose large request is profiled once more, printed.
PROFILE = {label.strip() for label in os.environ.get("BENCH_PROFILE", "").split(",")}
# The whole run stays within make bench's limit per script (BENCH_TIMEOUT, 1800 s): past
# this budget, what is left is recorded as not measured rather than cut off without results.
BUDGET = float(os.environ.get("BENCH_PAGES_BUDGET", 1500))
DEADLINE = time.monotonic() + BUDGET
PAGE_GOAL, HTML_LIMIT_KB, REPORT_GOAL = 1.5, 200, 1.2


class TimedOut(BaseException):
    """Raised by the alarm; a BaseException, so that no `except Exception` of a view or of
    Django's handler turns it into a 500 page."""


def _alarm(signum, frame):
    raise TimedOut


def within(seconds, work):
    """`work()`'s result and its duration, or TimedOut past `seconds`."""
    signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        started = time.perf_counter()
        result = work()
        return result, time.perf_counter() - started
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)


def connection_reset():
    """After an interrupted request: drop the connection and whatever transaction state the
    interruption left, so that the next request starts clean."""
    with contextlib.suppress(Exception):  # the connection is being thrown away
        connection.close()
    connection.in_atomic_block = False
    connection.savepoint_ids = []
    connection.atomic_blocks = []
    connection.needs_rollback = False
    connection.closed_in_transaction = False
    connection.connection = None


class Databases:
    """The two worlds' databases; `use` points the default connection at one of them."""

    def __init__(self):
        self.vendor = connection.vendor
        settings_dict = connection.settings_dict
        self.original = settings_dict["NAME"]
        if self.vendor == "sqlite":
            test_name = str(Path(tempfile.gettempdir()) / f"angkatan-bench-pages-{os.getpid()}.db")
        else:
            test_name = f"{self.original}_bench_pages"
        # Never the shared test database of the suite (other runs use it at the same time).
        settings_dict["TEST"]["NAME"] = test_name
        self.names = {}

    def create(self):
        self.names["small"] = connection.creation.create_test_db(
            verbosity=0, autoclobber=True, serialize=False
        )

    def clone(self):
        """The large world starts as a copy of the small one's frame (program, staff)."""
        connection.close()
        base = self.names["small"]
        if self.vendor == "sqlite":
            root, ext = os.path.splitext(base)
            target = f"{root}_large{ext}"
            source, copy = sqlite3.connect(base), sqlite3.connect(target)
            source.backup(copy)
            source.close()
            copy.close()
        else:
            connection.creation.clone_test_db("large", verbosity=0, autoclobber=True)
            target = connection.creation.get_test_db_clone_settings("large")["NAME"]
        self.names["large"] = target

    def use(self, world):
        name = self.names[world]
        if connection.settings_dict["NAME"] != name:
            connection.close()
            connection.settings_dict["NAME"] = name
        connection.ensure_connection()

    def destroy(self):
        connection_reset()
        base = self.names.get("small")
        if base is None:
            return
        connection.settings_dict["NAME"] = base
        if "large" in self.names:
            if self.vendor == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(self.names["large"] + suffix).unlink(missing_ok=True)
            else:
                connection.creation.destroy_test_db(verbosity=0, suffix="large")
                connection.settings_dict["NAME"] = base
        connection.creation.destroy_test_db(self.original, verbosity=0)
        if self.vendor == "sqlite":
            for suffix in ("-wal", "-shm"):
                Path(base + suffix).unlink(missing_ok=True)


# What is asked for, by whom: (label, role, url of a world).
PAGES = [
    ("roster", "staff", lambda w: reverse("cohort_detail", args=[w.main.cohort.pk])),
    ("gradebook", "staff", lambda w: reverse("projects:gradebook", args=[w.main.cohort.pk])),
    ("widyaiswara queue", "coach", lambda w: reverse("projects:queue")),
    ("mentor list", "mentor", lambda w: reverse("participants:my_mentees")),
    (
        "attendance",
        "staff",
        lambda w: reverse(
            "participants:attendance", args=[w.main.cohort.pk, w.main.campus.pk, w.main.day]
        ),
    ),
    ("groups board", "staff", lambda w: reverse("participants:groups", args=[w.main.cohort.pk])),
    ("documents list", "administrator", lambda w: reverse("documents:documents")),
    ("audit log", "administrator", lambda w: reverse("documents:audit_log")),
    (
        "certificates of a batch",
        "staff",
        lambda w: reverse("documents:batch_detail", args=[w.main.batch.pk]),
    ),
    (
        "cohort invitations",
        "staff",
        lambda w: reverse("participants:cohort_invitations", args=[w.main.cohort.pk]),
    ),
]
SIZES = {
    "widyaiswara queue": "1 cohort of 40 vs 200 cohorts of 50",
    "mentor list": "40 mentees vs 10,000",
    "documents list": "batches, phase reports, report jobs: 1, 4, 4 vs 202, 808, 808",
    "audit log": "200 entries vs 50,000",
}


def users_of(world, frame):
    return {
        "staff": frame.staff,
        "administrator": frame.administrator,
        "coach": world.queue_coach,
        "mentor": world.mentor,
    }


class Page:
    def __init__(self, label):
        self.label = label
        self.times = {"small": [], "large": []}
        self.kb, self.queries, self.failed = {}, {}, {}
        # From the counted request: the time spent in SQL, and the slowest statement (what
        # to look at when a page misses its goal).
        self.sql_s, self.slowest, self.first_s = {}, {}, {}
        self.shape = {}

    def ask(self, databases, world, client, url, *, count=False):
        """One request; its time, or None when it failed (then `failed[world]` says why)."""
        if time.monotonic() + TIMEOUT > DEADLINE:
            self.failed[world] = f"not measured: the run's {BUDGET:.0f} s were spent"
            return None
        databases.use(world)
        try:
            if count:
                with CaptureQueriesContext(connection) as queries:
                    response, seconds = within(TIMEOUT, lambda: client.get(url))
                self.queries[world] = len(queries)
                spent = [(float(q["time"]), q["sql"]) for q in queries.captured_queries]
                self.sql_s[world] = sum(t for t, _ in spent)
                self.slowest[world] = max(spent, default=(0.0, ""))
                self.first_s[world] = seconds
            else:
                response, seconds = within(TIMEOUT, lambda: client.get(url))
        except TimedOut:
            connection_reset()
            self.failed[world] = f"timed out after {TIMEOUT:.0f} s"
            return None
        except Exception as error:  # noqa: BLE001 - a broken page is a result, not a crash
            connection_reset()
            self.failed[world] = f"error {type(error).__name__}: {error}"[:200]
            return None
        if response.status_code != 200:
            self.failed[world] = f"HTTP {response.status_code}"
            return None
        if count:
            self.kb[world] = len(response.content) / 1024
            # What the page is made of: table rows, choices in selects, links.
            html = response.content
            self.shape[world] = {
                name: html.count(tag)
                for name, tag in (("rows", b"<tr"), ("options", b"<option"), ("links", b"<a "))
            }
        return seconds

    def median(self, world):
        return statistics.median(self.times[world]) if self.times[world] else None


def pages_measure(databases, worlds, frame):
    clients = {}
    for world in ("small", "large"):
        databases.use(world)
        for role, user in users_of(worlds[world], frame).items():
            client = Client()
            client.force_login(user)
            clients[world, role] = client
    results = []
    for label, role, url_of in PAGES:
        if ONLY and label not in ONLY:
            continue
        page = Page(label)
        results.append(page)
        try:
            urls = {world: url_of(worlds[world]) for world in worlds}
        except Exception as error:  # noqa: BLE001 - a page renamed or broken is a result
            why = f"no such page ({type(error).__name__}: {error})"[:200]
            page.failed["small"] = page.failed["large"] = why
            continue
        for world in ("small", "large"):  # warm-up: queries and HTML size, not timed
            page.ask(databases, world, clients[world, role], urls[world], count=True)
        for _ in range(ROUNDS):
            for world in ("small", "large"):
                if world not in page.failed:
                    seconds = page.ask(databases, world, clients[world, role], urls[world])
                    if seconds is not None:
                        page.times[world].append(seconds)
        print(f"  {label}: {page_line(page)}", flush=True)
        if label in PROFILE and "large" not in page.failed:
            profile(databases, clients["large", role], urls["large"])
        if "large" in page.sql_s:
            print(f"    {sql_note(page, 'large')}", flush=True)
    return results


def profile(databases, client, url):
    """One more request under cProfile: the functions that took the time."""
    import cProfile
    import io
    import pstats

    databases.use("large")
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        within(TIMEOUT * 4, lambda: client.get(url))
    except TimedOut:
        connection_reset()
    finally:
        profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("cumulative").print_stats(
        r"angkatan|/(cohorts|config|curriculum|"
        r"participants|projects|documents)/",
        25,
    )
    stats.sort_stats("tottime").print_stats(15)
    print(out.getvalue())


def page_line(page):
    small, large = page.median("small"), page.median("large")
    parts = []
    for world, median in (("small", small), ("large", large)):
        if world in page.failed:
            parts.append(f"{world} FAILED ({page.failed[world]})")
        else:
            parts.append(
                f"{world} {median:.3f} s, {page.kb.get(world, 0):.0f} KB, "
                f"{page.queries.get(world, '?')} queries"
            )
    return "; ".join(parts)


def sql_note(page, world):
    """Where the counted request's time went: SQL against the rest, and the slowest query."""
    if world not in page.sql_s:
        return ""
    seconds, sql = page.slowest[world]
    sql = re.sub(r"\s+", " ", sql)
    shape = ", ".join(f"{n} {name}" for name, n in page.shape.get(world, {}).items())
    return (
        f"{world}: HTML of {shape}; SQL {page.sql_s[world]:.2f} of {page.first_s[world]:.2f} s, "
        f"slowest {seconds:.2f} s: {sql[:160]}"
    )


def page_row(page, db):
    small, large = page.median("small"), page.median("large")
    note = (
        f"median of {ROUNDS} interleaved rounds; {SIZES.get(page.label, '40 vs 10,000')}; "
        f"html_kb small {page.kb.get('small', 0):.0f} / large {page.kb.get('large', 0):.0f} "
        f"(limit {HTML_LIMIT_KB}); queries small {page.queries.get('small', '?')} / "
        f"large {page.queries.get('large', '?')}"
    )
    if page.failed:
        note += "; FAILED: " + ", ".join(f"{w} {why}" for w, why in page.failed.items())
    if "large" in page.sql_s:
        note += "; counted request at " + sql_note(page, "large")
    # A side that timed out counts with the limit, a lower bound of its time.
    ours = (
        large
        if large is not None
        else (TIMEOUT if "timed out" in page.failed.get("large", "") else 0.0)
    )
    peer = small if small is not None else 0.0
    ratio = ours / peer if peer else float("inf") if ours else 0.0
    met = (
        not page.failed
        and ratio <= PAGE_GOAL
        and page.kb.get("large", HTML_LIMIT_KB) < HTML_LIMIT_KB
    )
    return {
        "measure": f"page: {page.label} at 10,000",
        "ours_s": round(ours, 4),
        "peer": "the same page at 40",
        "peer_s": round(peer, 4),
        "ratio": round(ratio, 3) if ratio != float("inf") else 999.0,
        "goal": f"<= {PAGE_GOAL}",
        "met": met,
        "note": note,
        "db": db,
        "html_kb": round(page.kb.get("large", 0), 1),
        "queries": page.queries.get("large"),
    }


# --- The phase report ---------------------------------------------------------------------


def report_renderer():
    """The function the report job runs to render a phase report, or None and why not."""
    try:
        from documents import phase_reports
    except ImportError as error:
        return None, f"documents.phase_reports cannot be imported ({error})"
    for name in ("phase_report_pdf", "phase_report_render"):
        function = getattr(phase_reports, name, None)
        if function is not None:
            return function, f"documents.phase_reports.{name}(phase)"
    return None, "documents.phase_reports has no phase_report_pdf"


def report_stylesheet(cohort):
    """The reports' stylesheet as the report renders it (documents/pdf_base.html)."""
    from django.template.loader import render_to_string
    from django.utils import timezone

    html = render_to_string(
        "documents/pdf_base.html", {"cohort": cohort, "today": timezone.localdate()}
    )
    found = re.search(r"<style>.*?</style>", html, re.S)
    return found.group(0) if found else ""


def bare_table(phase):
    """The report's rows (name, NIP, agency, the four attendance counts, status) in a minimal
    HTML table with the reports' stylesheet: one document, made before the clock starts."""
    from collections import Counter

    from django.utils.html import escape

    from participants.models import Attendance, Enrolment

    counts = {}
    for enrolment_id, status in Attendance.objects.filter(phase=phase).values_list(
        "enrolment_id", "status"
    ):
        counts.setdefault(enrolment_id, Counter())[status] += 1
    rows = []
    for number, enrolment in enumerate(
        Enrolment.objects.filter(cohort_id=phase.cohort_id)
        .select_related("participant__agency")
        .order_by("participant__name", "pk"),
        start=1,
    ):
        c = counts.get(enrolment.pk, Counter())
        p = enrolment.participant
        rows.append(
            f'<tr><td class="num">{number}</td><td>{escape(p.name)}<br>{p.nip_display}</td>'
            f"<td>{escape(p.agency.name)}</td>"
            + "".join(f'<td class="num">{c[s]}</td>' for s in ("hadir", "izin", "sakit", "alpa"))
            + f"<td>{enrolment.get_status_display()}</td></tr>"
        )
    head = "".join(
        f"<th>{h}</th>"
        for h in ("No", "Nama / NIP", "Instansi", "Hadir", "Izin", "Sakit", "Alpa", "Status")
    )
    return (
        f'<!doctype html><html lang="id"><head><meta charset="utf-8">'
        f"{report_stylesheet(phase.cohort)}</head><body><table><thead><tr>{head}</tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table></body></html>"
    )


def report_measure(databases, world, db):
    from django.conf import settings

    from cohorts.models import CohortPhase
    from documents.pdf import weasyprint_loaded

    databases.use("large")
    render, how = report_renderer()
    size = len(world.reported.enrolments)
    row = {
        "measure": f"phase report, {size} participants (attendance)",
        "peer": "WeasyPrint, the bare table (same rows, same stylesheet, one document)",
        "goal": f"<= {REPORT_GOAL}",
        "db": db,
    }
    if render is None:
        return {**row, "ours_s": 0.0, "peer_s": 0.0, "ratio": 0.0, "met": False,
                "note": f"not measured: {how}"}  # fmt: skip
    phase = CohortPhase.objects.select_related("cohort__program", "cohort__organiser").get(
        pk=world.reported.campus.pk
    )
    weasyprint, fonts = weasyprint_loaded()
    html = bare_table(phase)

    def floor():
        weasyprint.HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(font_config=fonts)

    times = {"ours": [], "peer": []}
    failed = ""
    if time.monotonic() + 4 * TIMEOUT > DEADLINE:
        return {**row, "ours_s": 0.0, "peer_s": 0.0, "ratio": 0.0, "met": False,
                "note": f"not measured: the run's {BUDGET:.0f} s were spent"}  # fmt: skip
    try:
        within(TIMEOUT * 2, floor)  # warm-up: fonts and the first layout
        within(TIMEOUT * 2, lambda: render(phase))
        for _ in range(ROUNDS):
            if time.monotonic() + 4 * TIMEOUT > DEADLINE:
                failed = f"stopped after {len(times['ours'])} rounds: the run's time was spent"
                break
            times["ours"].append(within(TIMEOUT * 2, lambda: render(phase))[1])
            times["peer"].append(within(TIMEOUT * 2, floor)[1])
    except TimedOut:
        connection_reset()
        failed = f"timed out after {TIMEOUT * 2:.0f} s"
    except Exception as error:  # noqa: BLE001 - a broken renderer is a result, not a crash
        connection_reset()
        failed = f"error {type(error).__name__}: {error}"[:200]
    rounds = min(len(times["ours"]), len(times["peer"]))
    if not rounds:
        return {**row, "ours_s": 0.0, "peer_s": 0.0, "ratio": 0.0, "met": False,
                "note": f"not measured: {how} {failed}"}  # fmt: skip
    ours = statistics.median(times["ours"][:rounds])
    peer = statistics.median(times["peer"][:rounds])
    note = f"{how}, queries and template included; median of {rounds} interleaved rounds"
    return {
        **row,
        "ours_s": round(ours, 4),
        "peer_s": round(peer, 4),
        "ratio": round(ours / peer, 3),
        "met": ours / peer <= REPORT_GOAL,
        "note": note + (f"; {failed}" if failed else ""),
    }


# --- Output -------------------------------------------------------------------------------


def table_print(pages, report):
    print()
    print(
        f"{'page':<26} {'40 s':>8} {'10,000 s':>9} {'ratio':>6} {'KB 40':>7} {'KB 10k':>7} "
        f"{'q 40':>5} {'q 10k':>6}  goal"
    )
    for page in pages:
        small, large = page.median("small"), page.median("large")
        ratio = large / small if small and large else None
        met = (
            not page.failed
            and ratio is not None
            and ratio <= PAGE_GOAL
            and page.kb.get("large", HTML_LIMIT_KB) < HTML_LIMIT_KB
        )
        verdict = "met" if met else "NOT MET"
        if page.failed:
            verdict += " (" + ", ".join(f"{w}: {why}" for w, why in page.failed.items()) + ")"
        elif page.kb.get("large", 0) >= HTML_LIMIT_KB:
            verdict += f" (HTML over {HTML_LIMIT_KB} KB)"

        def fmt(value, spec):
            return format(value, spec) if value is not None else "—"

        print(
            f"{page.label:<26} {fmt(small, '8.3f'):>8} {fmt(large, '9.3f'):>9} "
            f"{fmt(ratio, '6.2f'):>6} {fmt(page.kb.get('small'), '7.0f'):>7} "
            f"{fmt(page.kb.get('large'), '7.0f'):>7} {fmt(page.queries.get('small'), 'd'):>5} "
            f"{fmt(page.queries.get('large'), 'd'):>6}  {verdict}"
        )
    print()
    if report is None:  # not asked for (BENCH_ONLY)
        return
    if report["ours_s"]:
        print(
            f"{report['measure']}: {report['ours_s']:.3f} s against the bare table's "
            f"{report['peer_s']:.3f} s, ratio {report['ratio']:.2f} (goal <= {REPORT_GOAL}): "
            f"{'met' if report['met'] else 'NOT MET'}"
        )
    else:
        print(f"{report['measure']}: {report['note']}")


def results_save(rows):
    try:
        from summary import results_write
    except ImportError:
        import json

        out = ROOT / "var" / "bench"
        out.mkdir(parents=True, exist_ok=True)
        path = out / "pages.json"
        path.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")
        return path
    return results_write("pages", rows)


def main():
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import worlds as w

    setup_test_environment()
    # django-axes logs every forced login and its clean-up: not the benchmark's output.
    logging.getLogger("axes").setLevel(logging.WARNING)
    databases = Databases()
    db = "sqlite" if databases.vendor == "sqlite" else "postgresql"
    started = time.perf_counter()
    try:
        databases.create()
        print(f"Schema migrated ({time.perf_counter() - started:.0f} s); building the worlds")
        frame = w.frame_build()
        databases.clone()
        databases.use("small")
        worlds = {"small": w.small_world(frame)}
        databases.use("large")
        worlds["large"] = w.large_world(
            frame,
            size=LARGE,
            queue_cohorts=QUEUE_COHORTS,
            report_size=REPORT_SIZE,
            progress=lambda line: print(line, flush=True),
        )
        print(f"Worlds built in {time.perf_counter() - started:.0f} s; timing the pages")
        pages = pages_measure(databases, worlds, frame)
        rows = [page_row(page, db) for page in pages]
        report = None
        if not ONLY or "phase report" in ONLY:
            print("Timing the phase report")
            report = report_measure(databases, worlds["large"], db)
            rows.append(report)
        table_print(pages, report)
        path = results_save(rows)
        print(
            f"\nWritten to {path.relative_to(ROOT)} ({time.perf_counter() - started:.0f} s in all)"
        )
    finally:
        databases.destroy()


if __name__ == "__main__":
    main()
