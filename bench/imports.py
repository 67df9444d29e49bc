"""`make bench-imports`: a 2,000-row participant import next to its floor, a bare `bulk_create`
of the same users, participants and enrolments.

The import is timed as a clerk runs it: an XLSX file made beforehand, as an agency sends it
(NIP, name, rank, position, agency, e-mail, phone for every row), read and checked
(`import_check`, what the upload page does) and then imported (`import_apply`, what the
confirmation does), into a new cohort each round. The floor, with the same rows into another
new cohort, is three `bulk_create` calls in one transaction: the users (NIP, name, e-mail, an
unusable password), the participants tied to them, and their enrolments; nothing read, nothing
checked, no change project, no role, no audit entry, no invitation. The two alternate, ours
first in odd rounds and the floor first in even ones, for ROUNDS rounds after one warm-up
round each, and the medians are compared.

It runs on SQLite (a throwaway file) and, when DATABASE_URL names a PostgreSQL server, on a
throwaway database there too (each in a child process, with a timeout). It prints a table and
writes var/bench/imports.json (bench/summary.py's schema). Run from the project root with the
dev dependencies installed.
"""

import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ROWS = 2000
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "5"))
GOAL = 3.0
CHILD_TIMEOUT = 1200  # seconds for one database, migrations included
OUTPUT = ROOT / "var" / "bench" / "imports.json"
HEADER = ["NIP", "Nama Lengkap dan Gelar", "Pangkat/Golongan", "Jabatan", "Jenjang Jabatan",
          "Instansi", "Surel", "Telepon"]  # fmt: skip
RANKS = ["Penata Muda (III/a)", "III/b", "Pengatur II/c", "penata tk. i (iii/d)"]
AGENCIES = [("Dinas Kesehatan Kota Tangerang", "dinkes-tng"),
            ("Dinas Pendidikan Kota Cilegon", "disdik-clg")]  # fmt: skip


def nip(n):
    """The n-th valid NIP: born 1987 to 1995, CPNS since May 2015, unique for n < 2,997,000 (and
    never the template example's, born 1986)."""
    from datetime import date, timedelta

    born = date(1987, 1, 1) + timedelta(days=n % 3000)
    return f"{born:%Y%m%d}201505{1 + n % 2}{n // 3000 % 999 + 1:03d}"


def people(first):
    """ROWS participants as (nip, name, rank, position, level, agency name, e-mail, phone)."""
    return [
        (nip(n), f"Peserta Impor {n:05d}, S.Kom.", RANKS[n % len(RANKS)], "Analis Kebijakan",
         "", AGENCIES[n % 2][0], f"peserta{n}@example.go.id", f"0812 {n:04d} 7890")
        for n in range(first, first + ROWS)
    ]  # fmt: skip


def xlsx_bytes(rows):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER)
    for row in rows:
        # The NIP as text with spaces, as the template asks for and clerks type it.
        sheet.append([f"{row[0][:8]} {row[0][8:14]} {row[0][14]} {row[0][15:]}", *row[1:]])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def new_cohort():
    from tests.factories import CohortFactory

    cohort = CohortFactory()
    cohort.capacity = ROWS
    cohort.save(update_fields=["capacity"])
    return cohort


def ours_seconds(content, staff):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from participants.importing import import_apply, import_check

    cohort = new_cohort()
    started = time.perf_counter()
    batch = import_check(
        cohort=cohort, uploaded=SimpleUploadedFile("peserta.xlsx", content), uploaded_by=staff
    )
    checked = time.perf_counter()
    if batch.errors:
        raise SystemExit(f"the bench's file has errors: {batch.errors[:3]}")
    result = import_apply(batch=batch)
    finished = time.perf_counter()
    if result["enrolled"] != ROWS:
        raise SystemExit(f"the import enrolled {result['enrolled']}, not {ROWS}")
    return finished - started, checked - started, finished - checked


def floor_seconds(rows):
    """The same rows inserted bare: every value ready before the clock starts (the rank
    read, the agency found, the name split, the unusable password drawn)."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from cohorts.models import Institution
    from config.users import name_fields
    from participants.accounts import unusable_password
    from participants.models import Enrolment, Participant
    from participants.ranks import rank_parse

    User = get_user_model()
    agencies = dict(Institution.objects.values_list("name", "pk"))
    ready = []
    for nip_, name, rank, position, level, agency, email, phone in rows:
        first, last = name_fields(name)
        ready.append(
            (
                {"username": nip_, "first_name": first, "last_name": last, "email": email,
                 "password": unusable_password()},
                {"nip": nip_, "name": name, "rank": rank_parse(rank), "position": position,
                 "position_level": level, "agency_id": agencies[agency], "email": email,
                 "phone": phone},
            )
        )  # fmt: skip
    cohort = new_cohort()
    started = time.perf_counter()
    with transaction.atomic():
        users = User.objects.bulk_create(User(**user) for user, _person in ready)
        participants = Participant.objects.bulk_create(
            Participant(**person, user_id=user.pk)
            for (_user, person), user in zip(ready, users, strict=True)
        )
        Enrolment.objects.bulk_create(Enrolment(cohort=cohort, participant=p) for p in participants)
    return time.perf_counter() - started


def child():
    """One database: the environment's DATABASE_URL (PostgreSQL) or a throwaway SQLite file."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="angkatan-bench-"))
    os.environ.pop("CELERY_BROKER_URL", None)  # the filesystem broker in a folder of its own
    folder = tempfile.mkdtemp(prefix="angkatan-bench-imports-")
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    from tests.factories import AgencyFactory, staff_user

    setup_test_environment()
    test = connection.settings_dict["TEST"]
    if connection.vendor == "sqlite":
        test["NAME"] = f"{folder}/test-bench.sqlite3"
    else:
        test["NAME"] = f"{connection.settings_dict['NAME']}_imports"
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for agency, code in AGENCIES:
            AgencyFactory(name=agency, code=code)
        staff = staff_user(username="bench-imports")
        files = [xlsx_bytes(people(ROWS * (2 * i))) for i in range(ROUNDS + 1)]
        floors = [people(ROWS * (2 * i + 1)) for i in range(ROUNDS + 1)]
        ours_seconds(files[0], staff)  # warm-up: imports loaded, caches filled
        floor_seconds(floors[0])
        ours, floor = [], []
        for i in range(1, ROUNDS + 1):
            if i % 2:
                ours.append(ours_seconds(files[i], staff))
                floor.append(floor_seconds(floors[i]))
            else:
                floor.append(floor_seconds(floors[i]))
                ours.append(ours_seconds(files[i], staff))
        result = {
            "database": "PostgreSQL" if connection.vendor == "postgresql" else "SQLite",
            "ours": statistics.median(t[0] for t in ours),
            "check": statistics.median(t[1] for t in ours),
            "apply": statistics.median(t[2] for t in ours),
            "floor": statistics.median(floor),
            "rounds": ROUNDS,
        }
    finally:
        connection.close()
        connection.creation.destroy_test_db(name, verbosity=0)
    print(json.dumps(result))


def main():
    databases = [("SQLite", None)]
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        databases.append(("PostgreSQL", url))
    results = []
    for label, url in databases:
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        if url:
            env["DATABASE_URL"] = url
        try:
            done = subprocess.run(
                [sys.executable, __file__, "--child"], env=env, cwd=ROOT, capture_output=True,
                text=True, timeout=CHILD_TIMEOUT,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise SystemExit(f"{label}: no result within {CHILD_TIMEOUT} s") from None
        if done.returncode:
            sys.stderr.write(done.stderr)
            raise SystemExit(f"{label}: the bench failed")
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))
    heads = ("import s", 9), ("check s", 8), ("apply s", 8), ("floor s", 8), ("ratio", 6)
    print(f"{'database':>10} " + " ".join(f"{name:>{width}}" for name, width in heads))
    rows = []
    for r in results:
        ratio = r["ours"] / r["floor"]
        print(
            f"{r['database']:>10} {r['ours']:>9.2f} {r['check']:>8.2f} {r['apply']:>8.2f} "
            f"{r['floor']:>8.2f} {ratio:>6.2f}"
        )
        rows.append(
            {
                "measure": f"Import of {ROWS:,} rows (XLSX), {r['database']}",
                "ours_s": round(r["ours"], 3),
                "peer": "bare bulk_create of the users, participants and enrolments",
                "peer_s": round(r["floor"], 3),
                "ratio": round(ratio, 2),
                "goal": f"<= {GOAL:g}",
                "met": ratio <= GOAL,
                "note": (
                    f"read and check {r['check']:.2f} s + import {r['apply']:.2f} s; "
                    f"medians of {r['rounds']} interleaved rounds"
                ),
            }
        )
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(rows, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    child() if "--child" in sys.argv else main()
