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

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
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
    )


@dataclass
class Builder:
    """Adds people and cohorts to one database; numbers stay unique within it."""

    frame: Frame
    people: count = field(default_factory=count)
    mentors_made: count = field(default_factory=count)
    angkatan: count = field(default_factory=lambda: count(1))

    def users(self, usernames_names, role):
        User = get_user_model()
        users = User.objects.bulk_create(
            User(username=username, first_name=name[:150], password="!bench")
            for username, name in usernames_names
        )
        group = Group.objects.get(name=role)
        User.groups.through.objects.bulk_create(
            User.groups.through(user_id=user.pk, group_id=group.pk) for user in users
        )
        return users

    def widyaiswara(self, n):
        from config.roles import WIDYAISWARA

        return self.users(
            [(f"wi-{next(self.people)}", f"Dr. Widyaiswara Uji {i}, M.Si.") for i in range(n)],
            WIDYAISWARA,
        )

    def mentors(self, n):
        from config.roles import MENTOR
        from participants.models import Mentor

        numbers = [next(self.mentors_made) for _ in range(n)]
        nips = [nip_of(i, mentor=True) for i in numbers]
        users = self.users([(nip, f"Mentor {name_of(i)}") for nip, i in zip(nips, numbers,
                                                                              strict=True)],
                           MENTOR)  # fmt: skip
        return Mentor.objects.bulk_create(
            Mentor(nip=nip, name=user.first_name, position="Kepala Bidang", user=user,
                   phone=f"0812{i:08d}")
            for nip, user, i in zip(nips, users, numbers, strict=True)
        )  # fmt: skip

    def cohort(self, size, *, start, coaches, mentors, finished=False, group_size=10,
               attendance_day=True, documents=True):  # fmt: skip
        """A cohort of `size` with its participants (each with a login), coaches and mentors
        given round-robin by group, change projects, scores, a day of attendance in the
        campus phase, certificates of the final passing projects and their batch, and one
        automatic report per phase. `finished`: every project final (an old cohort)."""
        from cohorts.services import cohort_create, phase_days
        from config.roles import PARTICIPANT
        from documents.models import (
            Certificate,
            CertificateBatch,
            CertificateSeries,
            PhaseReport,
        )
        from participants.models import Attendance, Enrolment, Participant, StudyGroup
        from projects.models import ChangeProject, ComponentScore, CriterionScore, ScoreSheet

        frame = self.frame
        cohort = cohort_create(
            program=frame.program, organiser=frame.organiser, angkatan=next(self.angkatan),
            year=start.year, start_date=start, venue="Kampus BPSDMD", capacity=size,
        )  # fmt: skip
        numbers = [next(self.people) for _ in range(size)]
        nips = [nip_of(n) for n in numbers]
        users = self.users(
            [(nip, name_of(n)) for nip, n in zip(nips, numbers, strict=True)], PARTICIPANT
        )
        participants = Participant.objects.bulk_create(
            Participant(nip=nip, name=name_of(n), rank="III/a",
                        position="Pranata Komputer Ahli Pertama",
                        agency=frame.agencies[n % len(frame.agencies)], user=user,
                        email=f"{nip}@example.go.id" if n % 3 else "")
            for nip, n, user in zip(nips, numbers, users, strict=True)
        )  # fmt: skip
        # Nine in ten in a group of `group_size`; the last tenth not grouped yet.
        grouped = size - size // 10
        groups = StudyGroup.objects.bulk_create(
            StudyGroup(cohort=cohort, name=f"Kelompok {g + 1}", theme="Pelayanan publik",
                       coach=coaches[g % len(coaches)])
            for g in range((grouped + group_size - 1) // group_size)
        )  # fmt: skip
        enrolments = []
        for i, participant in enumerate(participants):
            group = groups[i // group_size] if i < grouped else None
            if finished:
                status = Enrolment.Status.PASSED
            elif i % 100 == 99:
                status = Enrolment.Status.WITHDRAWN
            else:
                status = Enrolment.Status.ACTIVE
            enrolments.append(
                Enrolment(cohort=cohort, participant=participant, status=status,
                          coach=group.coach if group else coaches[i % len(coaches)],
                          group=group, mentor=mentors[i % len(mentors)])
            )  # fmt: skip
        Enrolment.objects.bulk_create(enrolments)
        now = timezone.now()
        projects = []
        for i, enrolment in enumerate(enrolments):
            state = "final" if finished else WAITING_STATES.get(i % 20, "final")
            score = Decimal(70 + (i * 37) % 30) if state == "final" else None
            projects.append(
                ChangeProject(enrolment=enrolment, title=f"Digitalisasi layanan {i}",
                              problem="Antrean layanan panjang.", innovation="Aplikasi daring.",
                              state=state, final_score=score, scored_at=now if score else None)
            )  # fmt: skip
        ChangeProject.objects.bulk_create(projects)
        scored = [p for p in projects if p.final_score is not None]
        sheets = ScoreSheet.objects.bulk_create(
            ScoreSheet(project=p, role="coach", scorer_id=p.enrolment.coach_id,
                       score=p.final_score, submitted_at=now, version=1)
            for p in scored
        )  # fmt: skip
        CriterionScore.objects.bulk_create(
            CriterionScore(sheet=sheet, criterion=frame.criterion, score=sheet.score)
            for sheet in sheets
        )
        ComponentScore.objects.bulk_create(
            ComponentScore(enrolment=p.enrolment, component=component,
                           score=Decimal(75 + (p.pk + k) % 20), recorded_by=frame.staff)
            for p in scored
            for k, component in enumerate(frame.components)
        )  # fmt: skip
        phases = list(cohort.phases.order_by("order"))
        campus = next(p for p in phases if p.mode == "campus")
        day = min(phase_days(campus)) if attendance_day else None
        if day:
            Attendance.objects.bulk_create(
                Attendance(enrolment=e, phase=campus, date=day,
                           status=("hadir", "hadir", "hadir", "izin", "sakit", "alpa")[i % 6],
                           recorded_by=frame.staff)
                for i, e in enumerate(enrolments)
            )  # fmt: skip
        batch = None
        if documents:
            certified = [p for p in scored if p.enrolment.status != Enrolment.Status.WITHDRAWN]
            series = CertificateSeries.objects.create(
                key=f"bench/{cohort.pk}", last_seq=len(certified)
            )
            Certificate.objects.bulk_create(
                Certificate(enrolment=p.enrolment, series=series, seq=seq,
                            number=f"{seq}/STTP/{cohort.angkatan}/BENCH/{start.year}",
                            issued_on=start + timedelta(days=120), final_score=p.final_score,
                            predicate="Memuaskan", pdf=f"sertifikat/{cohort.pk}/{seq}.pdf",
                            rendered_at=now)
                for seq, p in enumerate(certified, start=1)
            )  # fmt: skip
            batch = CertificateBatch.objects.create(
                cohort=cohort, requested_by=frame.staff, status=CertificateBatch.Status.DONE,
                total=len(certified), rendered=len(certified), started_at=now,
                finished_at=now, heartbeat_at=now,
                merged_pdf=f"sertifikat/{cohort.pk}/gabungan.pdf",
                archive=f"sertifikat/{cohort.pk}/semua.zip",
            )  # fmt: skip
            PhaseReport.objects.bulk_create(
                PhaseReport(phase=phase, automatic=True,
                            pdf=f"laporan/{cohort.pk}/tahap-{phase.order}.pdf")
                for phase in phases
            )  # fmt: skip
        return Cohort(cohort, campus, day, batch, enrolments)

    def audit(self, n, actor):
        """`n` audit entries (a participant's record created or changed) by `actor`."""
        from auditlog.models import LogEntry

        from participants.models import Participant

        content_type = ContentType.objects.get_for_model(Participant)
        ids = list(Participant.objects.order_by("pk").values_list("pk", "name")[:n]) or [(0, "—")]
        now = timezone.now()
        LogEntry.objects.bulk_create(
            (
                LogEntry(content_type=content_type, object_pk=str(ids[i % len(ids)][0]),
                         object_id=ids[i % len(ids)][0], object_repr=ids[i % len(ids)][1],
                         action=i % 2, changes={"position": ["Staf", "Pranata Komputer"]},
                         changes_text="", actor=actor, actor_email=actor.email,
                         timestamp=now - timedelta(minutes=i))
                for i in range(n)
            ),
            batch_size=2000,
        )  # fmt: skip


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
    (mentor,) = builder.mentors(1)
    main = builder.cohort(40, start=timezone.localdate() - timedelta(days=150),
                          coaches=[coach], mentors=[mentor])  # fmt: skip
    builder.audit(200, frame.staff)
    return World(main=main, queue_coach=coach, mentor=mentor.user)


def large_world(frame, *, size=10_000, queue_cohorts=200, queue_size=50, audit=50_000,
                report_size=200, progress=print):  # fmt: skip
    """Years of history: a cohort of `size` (200 coaches, a mentor per five), one widyaiswara
    who coached `queue_cohorts` cohorts of `queue_size` every ten days back (the latest five
    still being graded) with one mentor for all of them, a cohort of `report_size` with
    attendance on every campus day, `audit` audit entries."""
    builder = Builder(frame)
    coaches = builder.widyaiswara(200)
    mentors = builder.mentors(size // 5)
    today = timezone.localdate()
    main = builder.cohort(size, start=today - timedelta(days=150), coaches=coaches,
                          mentors=mentors)  # fmt: skip
    progress(f"  cohort of {size} built")
    (queue_coach,) = builder.widyaiswara(1)
    (mentor,) = builder.mentors(1)
    for i in range(queue_cohorts):
        builder.cohort(queue_size, start=today - timedelta(days=150 + 10 * i),
                       coaches=[queue_coach], mentors=[mentor], finished=i >= 5)  # fmt: skip
    progress(f"  {queue_cohorts} cohorts of {queue_size} built")
    reported = builder.cohort(report_size, start=today - timedelta(days=150),
                              coaches=coaches[:20], mentors=mentors[:40])  # fmt: skip
    attendance_every_day(reported)
    builder.audit(audit, frame.staff)
    progress(f"  cohort of {report_size} and {audit} audit entries built")
    return World(main=main, queue_coach=queue_coach, mentor=mentor.user, reported=reported)


def attendance_every_day(cohort):
    from cohorts.services import phase_days
    from participants.models import Attendance

    days = sorted(phase_days(cohort.campus))
    Attendance.objects.bulk_create(
        Attendance(enrolment=e, phase=cohort.campus, date=day,
                   status=("hadir", "hadir", "hadir", "hadir", "izin", "sakit", "alpa")[
                       (i + k) % 7])
        for k, day in enumerate(days)
        if day != cohort.day
        for i, e in enumerate(cohort.enrolments)
    )  # fmt: skip
