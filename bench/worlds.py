"""Data for bench/pages.py, built in bulk: cohorts with everything the staff, widyaiswara and
mentor pages show (participants with logins, enrolments, groups, coaches and mentors, change
projects with score sheets, entered component scores, a day of attendance, certificates and
their batch, phase reports, audit entries).

Rows are written with `bulk_create`, not through the services and factories row by row: a
cohort of 10,000 is built in seconds. The services are used only where a few calls build the
frame (a cohort's dated phases, the program, the staff accounts), so the frame is what the
application itself would have made. The values are the plain fields the pages read; nothing
here is checked by the benchmark beyond "the page answers".
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from itertools import count

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone

FIRST = ["Ahmad", "Siti", "Budi", "Dewi", "Rizky", "Putri", "Agus", "Nur", "Eko", "Rina",
         "Muhammad", "Sri", "Dian", "Fajar", "Indah", "Hendra", "Ayu", "Yusuf", "Lestari",
         "Bayu"]  # fmt: skip
LAST = ["Saputra", "Wulandari", "Hidayat", "Pratama", "Kurniawan", "Handayani", "Setiawan",
        "Rahmawati", "Nugroho", "Susanti", "Firmansyah", "Maharani", "Siregar", "Nasution",
        "Simanjuntak"]  # fmt: skip
TITLES = ["S.Kom.", "S.E.", "S.H.", "S.Pd.", "S.T.", "A.Md.", "S.I.Kom., M.Si."]

# The project states of a cohort still being graded, by the participant's index mod 20; the
# rest are final and scored. Cohorts long finished have every project final.
WAITING_STATES = {0: "design_submitted", 1: "implementation", 2: "report_submitted"}


def nip_of(n, *, mentor=False):
    """A well-formed NIP, unique per n (and per kind: mentors entered the service earlier)."""
    if mentor:
        born, start = date(1965, 1, 1) + timedelta(days=n % 7000), "199803"
    else:
        born, start = date(1980, 1, 1) + timedelta(days=n % 7000), "201505"
    return f"{born:%Y%m%d}{start}{1 + n % 2}{n // 7000 + 1:03d}"


def name_of(n):
    return f"{FIRST[n % 20]} {LAST[(n // 20) % 15]} {n}, {TITLES[n % 7]}"


@dataclass
class Frame:
    """What every world shares: the program with its components and rubric, the organiser,
    agencies, a staff account of the organiser and an administrator."""

    program: object
    organiser: object
    agencies: list
    staff: object
    administrator: object
    criterion: object
    components: list  # the two entered ones
    version: object
    templates: list


def frame_build():
    from cohorts.models import Institution
    from projects.models import Criterion, ScoreComponent
    from tests.factories import (
        ProgramFactory,
        administrator_user,
        coach_only_rubrics,
        home_agency,
        staff_user,
    )

    program = ProgramFactory()
    version = program.versions.get()
    coach_only_rubrics(program)
    entered = [
        ScoreComponent.objects.create(program=program, order=1, code="sikap",
                                      name="Sikap dan perilaku", weight=20),
        ScoreComponent.objects.create(program=program, order=2, code="akademik",
                                      name="Akademik", weight=20),
    ]  # fmt: skip
    ScoreComponent.objects.create(program=program, order=3, code="aktualisasi",
                                  name="Aktualisasi", weight=60, source="project")  # fmt: skip
    agencies = Institution.objects.bulk_create(
        Institution(code=f"opd-bench-{i}", name=f"Dinas Uji {i} Kota Tangerang",
                    kind=Institution.Kind.UNIT)
        for i in range(30)
    )  # fmt: skip
    return Frame(
        program=program,
        organiser=home_agency(),
        agencies=agencies,
        staff=staff_user(username="bench-staf"),
        administrator=administrator_user(username="bench-admin"),
        criterion=Criterion.objects.get(rubric__program=program),
        components=entered,
        version=version,
        templates=list(version.phase_templates.order_by("order")),
    )


AS_IS = {
    "AutoField", "BigAutoField", "BooleanField", "CharField", "EmailField", "ForeignKey",
    "IntegerField", "BigIntegerField", "OneToOneField", "PositiveIntegerField",
    "PositiveBigIntegerField", "PositiveSmallIntegerField", "SlugField", "SmallIntegerField",
    "TextField",
}  # fmt: skip


def rows_insert(model, rows):
    """Insert `rows` (dicts of attribute name to value; the primary key is given here) in one
    executemany, and return their primary keys. Fields left out get their default (called
    per row when it is callable: tokens, UUIDs), `auto_now` fields the current time.

    About fifty times faster than `bulk_create`, whose cost is building a model instance and
    preparing every value through its field; the database's own work is a small part."""
    if not rows:
        return []
    fields = model._meta.concrete_fields
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(model._meta.db_table)}"
        )
        first = (cursor.fetchone()[0] or 0) + 1
    now = timezone.now()
    given = set(rows[0])
    plan = []
    for f in fields:
        if f.primary_key:
            how = "pk"
        elif f.attname in given:
            how = "given"
        elif (
            getattr(f, "auto_now", False)
            or getattr(f, "auto_now_add", False)
            or f.default is timezone.now
        ):
            how = "now"
        elif f.has_default() and callable(f.default):
            how = "call"
        else:
            how = "fixed"
        # Numbers, text and keys go as they are; dates, decimals, JSON and UUIDs through the
        # field, as the ORM would send them.
        plan.append((f, how, f.get_internal_type() not in AS_IS))
    cache = {}  # dates, times and scores repeat: each is prepared once per field

    def prepared(f, value):
        if value is None:
            return None
        if isinstance(value, (date, Decimal)):  # datetime is a date
            key = (f.attname, value)
            if key not in cache:
                cache[key] = f.get_db_prep_save(value, connection)
            return cache[key]
        return f.get_db_prep_save(value, connection)

    fixed = {f.attname: prepared(f, f.get_default()) for f, how, _ in plan if how == "fixed"}
    params = []
    for i, row in enumerate(rows):
        values = []
        for f, how, prepare in plan:
            if how == "given":
                value = row[f.attname]
            elif how == "pk":
                values.append(first + i)
                continue
            elif how == "fixed":
                values.append(fixed[f.attname])
                continue
            elif how == "now":
                value = now
            else:
                value = f.default()
            values.append(prepared(f, value) if prepare else value)
        params.append(values)
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    # One transaction: in autocommit every row would be a commit of its own.
    with transaction.atomic(), connection.cursor() as cursor:
        for chunk in range(0, len(params), 5000):
            cursor.executemany(sql, params[chunk : chunk + 5000])
    return list(range(first, first + len(rows)))


def sequences_reset():
    """After inserting with our own primary keys: PostgreSQL's sequences start past them."""
    if connection.vendor != "postgresql":
        return
    models = [m for m in apps.get_models() if not m._meta.proxy and m._meta.managed]
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


def report_jobs_insert(cohort_id, phases, size, staff_id):
    """The cohort's finished report jobs (final report PDF and XLSX, roster, a phase report),
    as the documents list shows them, when the application has report jobs."""
    try:
        ReportJob = apps.get_model("documents", "ReportJob")
    except LookupError:
        return
    names = {f.attname for f in ReportJob._meta.concrete_fields}
    kinds = [k for k in ("final_pdf", "final_xlsx", "roster_xlsx", "phase_pdf")
             if k in ReportJob.Kind.values]  # fmt: skip
    rows = [
        {"kind": kind, "cohort_id": cohort_id,
         "phase_id": phases[-1].pk if kind == "phase_pdf" else None,
         "fingerprint": f"bench-{cohort_id}-{kind}", "requested_by_id": staff_id,
         "status": "done", "done": size, "total": size, "params": {},
         "file": f"laporan/{cohort_id}/{kind}.bin"}
        for kind in kinds
    ]  # fmt: skip
    rows_insert(ReportJob, [{k: v for k, v in row.items() if k in names} for row in rows])


@dataclass
class Builder:
    """Adds people and cohorts to one database; numbers stay unique within it."""

    frame: Frame
    people: count = field(default_factory=count)
    mentors_made: count = field(default_factory=count)
    angkatan: count = field(default_factory=lambda: count(1))

    def users(self, usernames_names, role):
        """Logins with the role; returns their ids."""
        User = get_user_model()
        ids = rows_insert(
            User,
            [
                {"username": username, "first_name": name[:150], "password": "!bench"}
                for username, name in usernames_names
            ],
        )
        group = Group.objects.get(name=role)
        rows_insert(User.groups.through, [{"user_id": i, "group_id": group.pk} for i in ids])
        return ids

    def widyaiswara(self, n):
        from config.roles import WIDYAISWARA

        ids = self.users(
            [(f"wi-{next(self.people)}", f"Dr. Widyaiswara Uji {i}, M.Si.") for i in range(n)],
            WIDYAISWARA,
        )
        return list(get_user_model().objects.filter(pk__in=ids).order_by("pk"))

    def mentors(self, n):
        """`n` mentors with logins; returns their ids and the first one's user."""
        from config.roles import MENTOR
        from participants.models import Mentor

        numbers = [next(self.mentors_made) for _ in range(n)]
        nips = [nip_of(i, mentor=True) for i in numbers]
        names = [f"Mentor {name_of(i)}" for i in numbers]
        users = self.users(list(zip(nips, names, strict=True)), MENTOR)
        ids = rows_insert(
            Mentor,
            [
                {"nip": nip, "name": name, "position": "Kepala Bidang", "user_id": user,
                 "phone": f"0812{i:08d}"}
                for nip, name, user, i in zip(nips, names, users, numbers, strict=True)
            ],
        )  # fmt: skip
        return ids, get_user_model().objects.get(pk=users[0])

    def cohort(self, size, *, start, coaches, mentors, finished=False, group_size=10,
               documents=True):  # fmt: skip
        """A cohort of `size` with its dated phases (as cohort_create dates them), its
        participants (each with a login), coaches (user ids) and mentors (ids) given
        round-robin, nine in ten in groups, change projects, coach score sheets and entered
        component scores for the final ones, a day of attendance in the campus phase,
        certificates of the final passing projects and their batch, and one automatic report
        per phase. `finished`: every project final (an old cohort)."""
        from cohorts.models import Cohort as CohortModel
        from cohorts.models import CohortPhase
        from cohorts.services import phase_days, phases_schedule
        from config.roles import PARTICIPANT
        from documents.models import Certificate, CertificateBatch, CertificateSeries, PhaseReport
        from participants.models import Attendance, Enrolment, Participant, StudyGroup
        from projects.models import ChangeProject, ComponentScore, CriterionScore, ScoreSheet

        frame = self.frame
        schedule = phases_schedule(templates=frame.templates, start_date=start)
        (cohort_id,) = rows_insert(CohortModel, [{
            "program_id": frame.program.pk, "program_version_id": frame.version.pk,
            "organiser_id": frame.organiser.pk, "angkatan": next(self.angkatan),
            "year": schedule[0][1].year, "start_date": schedule[0][1],
            "end_date": schedule[-1][2], "venue": "Kampus BPSDMD", "capacity": size,
        }])  # fmt: skip
        rows_insert(CohortPhase, [
            {"cohort_id": cohort_id, "template_id": t.pk, "order": t.order, "kind": t.kind,
             "name": t.name, "mode": t.mode, "jp": t.jp, "days": t.days,
             "day_rule": t.day_rule, "start_date": first, "end_date": last}
            for t, first, last in schedule
        ])  # fmt: skip
        cohort = CohortModel.objects.select_related("organiser").get(pk=cohort_id)
        phases = list(cohort.phases.order_by("order"))
        campus = next(p for p in phases if p.mode == "campus")
        day = min(phase_days(campus))

        numbers = [next(self.people) for _ in range(size)]
        nips = [nip_of(n) for n in numbers]
        users = self.users(
            [(nip, name_of(n)) for nip, n in zip(nips, numbers, strict=True)], PARTICIPANT
        )
        agencies = frame.agencies
        participants = rows_insert(Participant, [
            {"nip": nip, "name": name_of(n), "rank": "III/a",
             "position": "Pranata Komputer Ahli Pertama", "position_level": "",
             "agency_id": agencies[n % len(agencies)].pk, "user_id": user,
             "email": f"{nip}@example.go.id" if n % 3 else "", "phone": ""}
            for nip, n, user in zip(nips, numbers, users, strict=True)
        ])  # fmt: skip
        # Nine in ten in a group of `group_size`; the last tenth not grouped yet.
        grouped = size - size // 10
        group_count = (grouped + group_size - 1) // group_size
        group_coaches = [coaches[g % len(coaches)] for g in range(group_count)]
        groups = rows_insert(StudyGroup, [
            {"cohort_id": cohort_id, "name": f"Kelompok {g + 1}", "theme": "Pelayanan publik",
             "coach_id": group_coaches[g]}
            for g in range(group_count)
        ])  # fmt: skip
        statuses, enrolment_coaches = [], []
        for i in range(size):
            if finished:
                statuses.append(Enrolment.Status.PASSED.value)
            elif i % 100 == 99:
                statuses.append(Enrolment.Status.WITHDRAWN.value)
            else:
                statuses.append(Enrolment.Status.ACTIVE.value)
            enrolment_coaches.append(
                group_coaches[i // group_size] if i < grouped else coaches[i % len(coaches)]
            )
        enrolments = rows_insert(Enrolment, [
            {"cohort_id": cohort_id, "participant_id": participant, "status": statuses[i],
             "coach_id": enrolment_coaches[i],
             "group_id": groups[i // group_size] if i < grouped else None,
             "mentor_id": mentors[i % len(mentors)]}
            for i, participant in enumerate(participants)
        ])  # fmt: skip
        now = timezone.now()
        states = ["final" if finished else WAITING_STATES.get(i % 20, "final") for i in range(size)]
        scores = [
            Decimal(70 + (i * 37) % 30) if state == "final" else None
            for i, state in enumerate(states)
        ]
        projects = rows_insert(ChangeProject, [
            {"enrolment_id": e, "title": f"Digitalisasi layanan {i}",
             "problem": "Antrean layanan panjang.", "innovation": "Aplikasi daring.",
             "state": states[i], "final_score": scores[i],
             "scored_at": now if scores[i] is not None else None, "theme_id": None}
            for i, e in enumerate(enrolments)
        ])  # fmt: skip
        scored = [i for i in range(size) if scores[i] is not None]
        sheets = rows_insert(ScoreSheet, [
            {"project_id": projects[i], "role": "coach", "scorer_id": enrolment_coaches[i],
             "score": scores[i], "submitted_at": now, "version": 1, "paper_id": None}
            for i in scored
        ])  # fmt: skip
        rows_insert(CriterionScore, [
            {"sheet_id": sheet, "criterion_id": frame.criterion.pk, "score": scores[i],
             "comment": ""}
            for sheet, i in zip(sheets, scored, strict=True)
        ])  # fmt: skip
        rows_insert(ComponentScore, [
            {"enrolment_id": enrolments[i], "component_id": component.pk,
             "score": Decimal(75 + (i + k) % 20), "recorded_by_id": frame.staff.pk}
            for i in scored
            for k, component in enumerate(frame.components)
        ])  # fmt: skip
        rows_insert(Attendance, [
            {"enrolment_id": e, "phase_id": campus.pk, "date": day,
             "status": ("hadir", "hadir", "hadir", "izin", "sakit", "alpa")[i % 6],
             "recorded_by_id": frame.staff.pk}
            for i, e in enumerate(enrolments)
        ])  # fmt: skip
        batch = None
        if documents:
            certified = [i for i in scored if statuses[i] != Enrolment.Status.WITHDRAWN]
            series = CertificateSeries.objects.create(
                key=f"bench/{cohort_id}", last_seq=len(certified)
            )
            rows_insert(Certificate, [
                {"enrolment_id": enrolments[i], "series_id": series.pk, "seq": seq,
                 "number": f"{seq}/STTP/{cohort.angkatan}/BENCH/{start.year}",
                 "status": "valid", "issued_on": start + timedelta(days=120),
                 "final_score": scores[i], "predicate": "Memuaskan",
                 "pdf": f"sertifikat/{cohort_id}/{seq}.pdf", "rendered_at": now,
                 "revoked_at": None}
                for seq, i in enumerate(certified, start=1)
            ])  # fmt: skip
            batch = CertificateBatch.objects.create(
                cohort=cohort, requested_by=frame.staff, status=CertificateBatch.Status.DONE,
                total=len(certified), rendered=len(certified), started_at=now,
                finished_at=now, heartbeat_at=now,
                merged_pdf=f"sertifikat/{cohort_id}/gabungan.pdf",
                archive=f"sertifikat/{cohort_id}/semua.zip",
            )  # fmt: skip
            PhaseReport.objects.bulk_create(
                PhaseReport(phase=phase, automatic=True,
                            pdf=f"laporan/{cohort_id}/tahap-{phase.order}.pdf")
                for phase in phases
            )  # fmt: skip
            report_jobs_insert(cohort_id, phases, size, frame.staff.pk)
        return Cohort(cohort, campus, day, batch, enrolments)

    def audit(self, n, actor):
        """`n` audit entries (a participant's record created or changed) by `actor`."""
        from auditlog.models import LogEntry

        from participants.models import Participant

        content_type = ContentType.objects.get_for_model(Participant)
        people = list(Participant.objects.order_by("pk").values_list("pk", "name")[:n]) or [
            (0, "—")
        ]
        now = timezone.now()
        changes = {"position": ["Staf", "Pranata Komputer"]}
        rows_insert(LogEntry, [
            {"content_type_id": content_type.pk, "object_pk": str(people[i % len(people)][0]),
             "object_id": people[i % len(people)][0], "object_repr": people[i % len(people)][1],
             "action": i % 2, "changes": changes, "changes_text": "", "actor_id": actor.pk,
             "actor_email": actor.email, "timestamp": now - timedelta(minutes=i),
             "serialized_data": None, "additional_data": None, "cid": None,
             "remote_addr": None, "remote_port": None}
            for i in range(n)
        ])  # fmt: skip


@dataclass
class Cohort:
    cohort: object
    campus: object
    day: object
    batch: object
    enrolments: list


@dataclass
class World:
    """One database's cohort for the cohort pages, the widyaiswara whose queue is measured,
    the mentor whose list is, and a cohort of 200 for the phase report (large world only)."""

    main: Cohort
    queue_coach: object
    mentor: object
    reported: Cohort = None


def small_world(frame):
    """A province's first cohort: 40 participants, one coach (whose queue is this cohort),
    one mentor for all, 200 audit entries."""
    builder = Builder(frame)
    (coach,) = builder.widyaiswara(1)
    mentors, mentor = builder.mentors(1)
    main = builder.cohort(40, start=timezone.localdate() - timedelta(days=150),
                          coaches=[coach.pk], mentors=mentors)  # fmt: skip
    builder.audit(200, frame.staff)
    sequences_reset()
    return World(main=main, queue_coach=coach, mentor=mentor)


def large_world(frame, *, size=10_000, queue_cohorts=200, queue_size=50, audit=50_000,
                report_size=200, progress=print):  # fmt: skip
    """Years of history: a cohort of `size` (200 coaches, a mentor per five), one widyaiswara
    who coached `queue_cohorts` cohorts of `queue_size`, one every ten days back (the latest
    five still being graded), with one mentor for all of their participants, a cohort of
    `report_size` with attendance on every campus day, `audit` audit entries."""
    builder = Builder(frame)
    coaches = [user.pk for user in builder.widyaiswara(200)]
    mentors, _ = builder.mentors(max(1, size // 5))
    today = timezone.localdate()
    main = builder.cohort(size, start=today - timedelta(days=150), coaches=coaches,
                          mentors=mentors)  # fmt: skip
    progress(f"  cohort of {size} built")
    (queue_coach,) = builder.widyaiswara(1)
    queue_mentors, mentor = builder.mentors(1)
    for i in range(queue_cohorts):
        builder.cohort(queue_size, start=today - timedelta(days=150 + 10 * i),
                       coaches=[queue_coach.pk], mentors=queue_mentors,
                       finished=i >= 5)  # fmt: skip
    progress(f"  {queue_cohorts} cohorts of {queue_size} built")
    reported = builder.cohort(report_size, start=today - timedelta(days=150),
                              coaches=coaches[:20], mentors=mentors[:40])  # fmt: skip
    attendance_every_day(reported)
    builder.audit(audit, frame.staff)
    sequences_reset()
    progress(f"  cohort of {report_size} and {audit} audit entries built")
    return World(main=main, queue_coach=queue_coach, mentor=mentor, reported=reported)


def attendance_every_day(cohort):
    from cohorts.services import phase_days
    from participants.models import Attendance

    days = sorted(phase_days(cohort.campus))
    rows_insert(Attendance, [
        {"enrolment_id": e, "phase_id": cohort.campus.pk, "date": day,
         "status": ("hadir", "hadir", "hadir", "hadir", "izin", "sakit", "alpa")[(i + k) % 7],
         "recorded_by_id": None}
        for k, day in enumerate(days)
        if day != cohort.day
        for i, e in enumerate(cohort.enrolments)
    ])  # fmt: skip
