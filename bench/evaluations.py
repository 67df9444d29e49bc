"""`make bench`'s evaluation report: a cohort of 40 taught by 12 speakers (six widyaiswara and
six from the organiser's register, two sessions a campus day over six days), every participant
having answered every day's questionnaire and the phase's. Timed as staff download it: the
results read (`cohort_evaluation`, what the page and both files start from), then the PDF
(WeasyPrint, with a distribution chart per speaker) and the XLSX. Median of ROUNDS rounds after
a warm-up, against the issue's budget of 2 s on this machine (issue 16).

Runs on a throwaway database: a SQLite file by default, a database beside DATABASE_URL's when it
names a PostgreSQL server. Writes var/bench/evaluations.json (bench/summary.py's schema).
Environment: BENCH_ROUNDS (5).
"""

import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="angkatan-bench-"))
os.environ.pop("CELERY_BROKER_URL", None)  # the filesystem broker, in a folder of its own
FOLDER = tempfile.mkdtemp(prefix="angkatan-bench-evaluations-")
if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
    os.environ["DATABASE_URL"] = f"sqlite:///{FOLDER}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from summary import results_write  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", 5))
PARTICIPANTS, DAYS, BUDGET_S = 40, 6, 2.0


def world():
    """The cohort and the day after its classical phase (every questionnaire open)."""
    from cohorts.services import phase_days, session_add, speaker_create
    from curriculum.models import EvaluationCriterion
    from curriculum.services import evaluation_criteria_ensure
    from participants.evaluations import evaluation_submit, questionnaires_of
    from tests.factories import CohortFactory, enrol, widyaiswara_user

    cohort = CohortFactory()
    classical = cohort.phases.get(kind="classical")
    teachers = [
        {"widyaiswara": widyaiswara_user(username=f"wi-bench-{n}", first_name=f"Widyaiswara {n}")}
        for n in range(6)
    ] + [
        {"speaker": speaker_create(institution=cohort.organiser, name=f"Narasumber {n}",
                                   kind="praktisi")}
        for n in range(6)
    ]  # fmt: skip
    days = sorted(phase_days(classical))[:DAYS]
    if len(days) < DAYS:
        raise SystemExit(f"the factory's classical phase has fewer than {DAYS} campus days")
    for n, day in enumerate(days):
        for slot, (start, end) in enumerate((("08:00", "09:30"), ("10:00", "11:30"))):
            session_add(
                phase=classical, date=day, start_time=start, end_time=end,
                subject=f"Mata pelatihan {n}.{slot}", **teachers[(2 * n + slot) % len(teachers)],
            )  # fmt: skip
    enrolments = [enrol(cohort) for _ in range(PARTICIPANTS)]
    today = classical.end_date + timedelta(days=1)
    criteria = evaluation_criteria_ensure(program=cohort.program)
    for number, enrolment in enumerate(enrolments):
        for questionnaire in questionnaires_of(cohort, today):
            ratings, comments = {}, {}
            for teacher in [*questionnaire.teachers, None]:
                key = teacher.key if teacher else "org"
                target = EvaluationCriterion.Target.ORGANISER if teacher is None else "speaker"
                for criterion in (c for c in criteria if c.target == target):
                    ratings[(key, criterion.pk)] = (100, 80, 80, 60)[(number + criterion.pk) % 4]
                comments[key] = "Materi jelas dan contohnya dekat dengan pekerjaan." if (
                    number % 4 == 0
                ) else ""  # fmt: skip
            evaluation_submit(
                enrolment=enrolment, questionnaire=questionnaire, ratings=ratings,
                comments=comments,
            )  # fmt: skip
    return cohort, today


def report_seconds(cohort, today):
    """The report as staff download it: the results read, then the PDF and the XLSX."""
    import io

    from documents.evaluation_report import evaluation_report_pdf_bytes, evaluation_workbook
    from participants.evaluations import cohort_evaluation

    started = time.perf_counter()
    result = cohort_evaluation(cohort, today)
    pdf = evaluation_report_pdf_bytes(cohort, result)
    evaluation_workbook(cohort, result).save(io.BytesIO())
    elapsed = time.perf_counter() - started
    if len(result.speakers) != 12 or not pdf.startswith(b"%PDF"):
        raise SystemExit(f"the report has {len(result.speakers)} speakers, not 12")
    return elapsed


def main():
    setup_test_environment()
    test = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test["NAME"] = f"{FOLDER}/test-bench.sqlite3"
    else:
        test["NAME"] = f"{connection.settings_dict['NAME']}_evaluations"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        cohort, today = world()
        report_seconds(cohort, today)  # warm-up: templates, fonts and imports loaded
        times = [report_seconds(cohort, today) for _ in range(ROUNDS)]
    finally:
        connection.close()
        connection.creation.destroy_test_db(name, verbosity=0)
    median = statistics.median(times)
    database = "postgresql" if connection.vendor == "postgresql" else "sqlite"
    print(
        f"evaluation report, {PARTICIPANTS} participants, 12 speakers: {median:.3f} s "
        f"(budget {BUDGET_S:g} s; rounds {', '.join(f'{t:.2f}' for t in times)})"
    )
    results_write(
        "evaluations",
        [
            {
                "measure": f"evaluation report (PDF + XLSX), {PARTICIPANTS} participants, "
                "12 speakers",
                "ours_s": round(median, 3),
                "peer": "2 s budget (issue 16)",
                "peer_s": BUDGET_S,
                "ratio": round(median / BUDGET_S, 2),
                "goal": "<= 1.0",
                "note": (
                    f"results read + PDF + XLSX, median of {ROUNDS} rounds after a warm-up; "
                    f"{DAYS} day questionnaires and the phase's, each answered by all "
                    f"{PARTICIPANTS}"
                ),
                "db": database,
            }
        ],
    )


if __name__ == "__main__":
    main()
