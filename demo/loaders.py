"""Demo data from the domain's reference articles (see docs/demo-data.md).

BPSDMD Banten's Latsar CPNS 2022, Angkatan 72-74, 40 CPNS each from Pemkot Tangerang,
Pemkot Cilegon and Pemkab Tangerang; and the Probolinggo PKA (ex Diklatpim III) Angkatan VII
2019 of 30 eselon III officials, at most two from one OPD. Names are invented; NIPs are
valid. Running it again finds what it made and creates nothing twice.

Change projects go through their whole life by the real services (demo/projects.py): all of
Angkatan 72 and PKA VII final and their grades closed, Angkatan 73 half way through its
seminars, Angkatan 74 between design and implementation, and the running Angkatan 75 at
every early stage, so that the widyaiswara's queue has designs and reports waiting. PKA VII's
certificates are issued while the demo loads. Each login the demo prints has something to do
(the README's "Demo logins" table, checked by tests/demo/test_demo.py).
"""

import random
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files import File
from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort, Institution, NonWorkingDay, Speaker
from cohorts.services import cohort_create, phase_days, phase_reschedule, session_add
from config import roles
from curriculum.models import (
    DayRule,
    EligibilityPolicy,
    PhaseKind,
    PhaseMode,
    PhaseTemplate,
    PositionLevel,
    Program,
    ProgramVersion,
    Subject,
)
from curriculum.services import evaluation_criteria_ensure
from documents.batches import certificates_issue
from documents.models import CertificateBatch
from participants.accounts import mentor_account_ensure
from participants.evaluations import evaluation_submit, questionnaires_of
from participants.groups import groups_propose
from participants.models import Enrolment, Mentor, Participant
from participants.services import (
    attendance_record,
    enrolment_create,
    mentor_upsert,
    participant_account_ensure,
    participant_upsert,
)
from projects.closing import grades_close
from projects.gradebook import component_scores_record
from projects.models import ScoreComponent, ScoringRole, State
from projects.scoring import rubrics_default
from projects.selectors import queue_of

from .projects import Plan, projects_play, projects_write, seminar_sessions

DEMO_PASSWORD = "angkatan-demo"

FIRST_NAMES_M = [
    "Ahmad", "Budi", "Dedi", "Eko", "Fajar", "Gilang", "Hendra", "Irfan", "Joko", "Kurniawan",
    "Lukman", "Muhammad", "Nanda", "Rizki", "Satria", "Taufik", "Wahyu", "Yusuf", "Agus", "Bayu",
]  # fmt: skip
FIRST_NAMES_F = [
    "Ayu", "Dewi", "Fitri", "Indah", "Kartika", "Lestari", "Maya", "Nur", "Putri", "Ratna",
    "Sari", "Siti", "Tri", "Wulan", "Yuni", "Anisa", "Citra", "Dian", "Eka", "Fauziah",
]  # fmt: skip
LAST_NAMES = [
    "Pratama", "Saputra", "Hidayat", "Nugroho", "Wibowo", "Setiawan", "Kusuma", "Rahmawati",
    "Permana", "Hakim", "Firmansyah", "Maulana", "Ramadhan", "Syahputra", "Handayani",
    "Suryani", "Fauzi", "Rohman", "Iskandar", "Sulistyo",
]  # fmt: skip
DEGREES_III = [
    "S.Kom.",
    "S.E.",
    "S.H.",
    "S.Pd.",
    "S.Kep., Ns.",
    "S.T.",
    "S.Ak.",
    "S.Sos.",
    "S.I.P.",
]
DEGREES_II = ["A.Md.", "A.Md.Kep.", "A.Md.Keb.", "A.Md.Kom."]
LATSAR_POSITIONS_III = [
    "Analis Kebijakan Ahli Pertama", "Pranata Komputer Ahli Pertama", "Guru Ahli Pertama",
    "Perawat Ahli Pertama", "Penata Kelola Pemilihan Umum Ahli Pertama", "Auditor Ahli Pertama",
    "Perencana Ahli Pertama", "Analis Keuangan Pusat dan Daerah Ahli Pertama",
]  # fmt: skip
LATSAR_POSITIONS_II = ["Perawat Terampil", "Bidan Terampil", "Pranata Komputer Terampil"]
# The PKA coach split the cohort into three groups by these themes.
PKA_THEMES = ["Stunting", "Gizi buruk", "Kemiskinan ekstrem"]
ALL_SCORERS = (ScoringRole.COACH, ScoringRole.MENTOR, ScoringRole.EXAMINER)
SEMINAR_TIMES = [time(8, 0), time(10, 0), time(13, 0), time(15, 0)]


@dataclass
class DemoResult:
    logins: list


DEMO_FILES = Path(__file__).resolve().parent / "files"


def institution_images_ensure(institution):
    """A made-up emblem and signature, so the demo's certificates show the whole layout (staff
    replace them on *Tampilan sertifikat*)."""
    for field, filename in (("logo", "logo-demo.png"), ("head_signature", "tanda-tangan-demo.png")):
        if not getattr(institution, field):
            with (DEMO_FILES / filename).open("rb") as handle:
                getattr(institution, field).save(filename, File(handle), save=False)
    institution.save()


def institutions_ensure():
    def upsert(code, **fields):
        institution, _ = Institution.objects.update_or_create(code=code, defaults=fields)
        return institution

    banten = upsert(
        "bpsdmd-banten",
        name="Badan Pengembangan Sumber Daya Manusia Daerah Provinsi Banten",
        kind=Institution.Kind.TRAINING_AGENCY,
        city="Serang",
        head_name="Dr. H. Rachmat Hidayat, S.Sos., M.Si.",
        head_nip="196805121994031007",
        head_title="Kepala BPSDMD Provinsi Banten",
    )
    institution_images_ensure(banten)
    jatim = upsert(
        "bpsdm-jatim",
        name="Badan Pengembangan Sumber Daya Manusia Provinsi Jawa Timur",
        kind=Institution.Kind.TRAINING_AGENCY,
        city="Surabaya",
        head_name="Dr. Ir. Sri Wahyuni Lestari, M.T.",
        head_nip="196703141993022001",
        head_title="Kepala BPSDM Provinsi Jawa Timur",
    )
    institution_images_ensure(jatim)
    # Co-organiser of Jawa Timur's PKA in Probolinggo (classes at BKD in Dringu).
    bkd_probolinggo = upsert(
        "bkd-probolinggo",
        name="Badan Kepegawaian Daerah Kabupaten Probolinggo",
        kind=Institution.Kind.TRAINING_AGENCY,
        city="Probolinggo",
        head_title="Kepala BKD Kabupaten Probolinggo",
    )
    governments = {}
    for code, name, units in [
        ("pemkot-tangerang", "Pemerintah Kota Tangerang",
         ["Dinas Kesehatan", "Dinas Pendidikan", "Badan Pendapatan Daerah", "Sekretariat Daerah"]),
        ("pemkot-cilegon", "Pemerintah Kota Cilegon",
         ["Dinas Kesehatan", "Dinas Pendidikan", "Dinas Kependudukan dan Pencatatan Sipil",
          "Badan Perencanaan Pembangunan Daerah"]),
        ("pemkab-tangerang", "Pemerintah Kabupaten Tangerang",
         ["Dinas Kesehatan", "Dinas Pendidikan", "RSUD Balaraja", "Inspektorat"]),
        ("pemkab-probolinggo", "Pemerintah Kabupaten Probolinggo",
         ["Dinas Pendidikan", "Dinas Kesehatan", "Dinas Pekerjaan Umum dan Penataan Ruang",
          "Dinas Sosial", "Dinas Pertanian", "Dinas Koperasi dan Usaha Mikro",
          "Dinas Lingkungan Hidup", "Dinas Perhubungan", "Badan Kepegawaian Daerah",
          "Badan Perencanaan Pembangunan Daerah", "Badan Pendapatan Daerah", "Inspektorat",
          "Sekretariat Daerah", "Sekretariat DPRD", "Kecamatan Kraksaan",
          "Dinas Kependudukan dan Pencatatan Sipil"]),
    ]:  # fmt: skip
        parent = upsert(code, name=name, kind=Institution.Kind.LOCAL_GOVERNMENT)
        region = name.replace("Pemerintah ", "")
        governments[code] = [
            upsert(
                f"{code}-{index}",
                name=f"{unit} {region}",
                kind=Institution.Kind.UNIT,
                parent=parent,
            )
            for index, unit in enumerate(units, start=1)
        ]
    return banten, jatim, bkd_probolinggo, governments


LATSAR_CLASSICAL_SUBJECTS = [
    ("Kesiapsiagaan Bela Negara", 20, "Apel, baris-berbaris, ketahanan fisik dan mental"),
    ("Penguatan nilai-nilai BerAKHLAK", 12, "Berorientasi Pelayanan sampai Kolaboratif"),
    ("Smart ASN", 10, "Literasi digital dan etika bermedia sosial"),
    ("Manajemen ASN", 10, "Hak, kewajiban, dan kode etik ASN"),
    ("Seminar rancangan aktualisasi", 10, "Presentasi di depan coach dan mentor"),
]

# Each program's curriculum, version 1. (kind, name, mode, JP, days, day rule).
PROGRAMS = [
    {
        "code": "latsar",
        "name": "Pelatihan Dasar CPNS",
        "former_name": "Diklat Prajabatan",
        "position_level": PositionLevel.CPNS,
        "project_label": "aktualisasi",
        "default_capacity": 40,
        "angkatan_style": Program.AngkatanStyle.ARABIC,
        # BerAKHLAK replaced ANEKA in 2021; BPSDMD Banten 2022, blended: 647 JP in 74 days.
        "effective_date": date(2021, 7, 1),
        "declared_total_jp": 647,
        "phases": [
            (PhaseKind.MOOC, "MOOC (pembelajaran mandiri)", PhaseMode.ONLINE, 48, 16,
             DayRule.WORKING_DAYS),
            (PhaseKind.DISTANCE, "Pembelajaran jarak jauh", PhaseMode.ONLINE, 217, 22,
             DayRule.WORKING_DAYS),
            (PhaseKind.ACTUALIZATION, "Aktualisasi di tempat kerja", PhaseMode.OFFICE, 320, 30,
             DayRule.WORKING_DAYS),
            (PhaseKind.CLASSICAL, "Klasikal", PhaseMode.CAMPUS, 62, 6, DayRule.SIX_DAY_WEEK),
        ],
        "subjects": {4: LATSAR_CLASSICAL_SUBJECTS},
    },
    {
        "code": "pkp",
        "name": "Pelatihan Kepemimpinan Pengawas",
        "former_name": "Diklatpim Tingkat IV",
        "position_level": PositionLevel.PENGAWAS,
        "project_label": "aksi perubahan",
        "default_capacity": 40,
        "angkatan_style": Program.AngkatanStyle.ROMAN,
        # 830 JP in about 96 days: 290 JP / 36 days with the agency, 540 JP / 60 at the office.
        "effective_date": date(2019, 1, 1),
        "declared_total_jp": 830,
        "phases": [
            (PhaseKind.MOOC, "MOOC", PhaseMode.ONLINE, 40, 6, DayRule.WORKING_DAYS),
            (PhaseKind.DISTANCE, "Pembelajaran jarak jauh", PhaseMode.ONLINE, 150, 20,
             DayRule.WORKING_DAYS),
            (PhaseKind.CLASSICAL, "Klasikal", PhaseMode.CAMPUS, 100, 10, DayRule.SIX_DAY_WEEK),
            (PhaseKind.ACTUALIZATION, "Laboratorium kepemimpinan", PhaseMode.OFFICE, 540, 60,
             DayRule.WORKING_DAYS),
        ],
    },
    {
        "code": "pka",
        "name": "Pelatihan Kepemimpinan Administrator",
        "former_name": "Diklatpim Tingkat III",
        "position_level": PositionLevel.ADMINISTRATOR,
        "project_label": "aksi perubahan",
        "default_capacity": 30,
        "angkatan_style": Program.AngkatanStyle.ROMAN,
        # About 908 JP: three weeks in class, a study visit, two months at the office, seminar.
        "effective_date": date(2019, 1, 1),
        "declared_total_jp": 908,
        "phases": [
            (PhaseKind.CLASSICAL, "Klasikal I", PhaseMode.CAMPUS, 210, 18, DayRule.SIX_DAY_WEEK),
            (PhaseKind.STUDY_VISIT, "Studi lapangan", PhaseMode.CAMPUS, 30, 3,
             DayRule.SIX_DAY_WEEK),
            (PhaseKind.ACTUALIZATION, "Laboratorium kepemimpinan", PhaseMode.OFFICE, 540, 60,
             DayRule.CALENDAR_DAYS),
            (PhaseKind.SEMINAR, "Klasikal II dan seminar", PhaseMode.CAMPUS, 128, 17,
             DayRule.SIX_DAY_WEEK),
        ],
    },
    {
        "code": "pkn2",
        "name": "Pelatihan Kepemimpinan Nasional Tingkat II",
        "former_name": "Diklatpim Tingkat II",
        "position_level": PositionLevel.JPT_PRATAMA,
        "project_label": "proyek perubahan",
        "default_capacity": 60,
        "angkatan_style": Program.AngkatanStyle.ROMAN,
        # BPSDM Banten on behalf of LAN: 923 JP in about 107 days.
        "effective_date": date(2019, 1, 1),
        "declared_total_jp": 923,
        "phases": [
            (PhaseKind.CLASSICAL, "Klasikal I", PhaseMode.CAMPUS, 30, 3, DayRule.SIX_DAY_WEEK),
            (PhaseKind.MOOC, "MOOC", PhaseMode.ONLINE, 45, 9, DayRule.WORKING_DAYS),
            (PhaseKind.DISTANCE, "E-learning", PhaseMode.ONLINE, 210, 21, DayRule.WORKING_DAYS),
            (PhaseKind.COMMITMENT, "Komitmen bersama", PhaseMode.CAMPUS, 30, 3,
             DayRule.SIX_DAY_WEEK),
            (PhaseKind.CLASSICAL, "Klasikal II dan studi lapangan", PhaseMode.CAMPUS, 70, 7,
             DayRule.SIX_DAY_WEEK),
            (PhaseKind.ACTUALIZATION, "Aktualisasi kepemimpinan", PhaseMode.OFFICE, 480, 60,
             DayRule.WORKING_DAYS),
            (PhaseKind.SEMINAR, "Seminar proyek perubahan", PhaseMode.CAMPUS, 58, 4,
             DayRule.WORKING_DAYS),
        ],
    },
]  # fmt: skip


def programs_ensure():
    """Each program with its version 1; a version already used by cohorts is left alone."""
    programs = {}
    for spec in PROGRAMS:
        fields = {
            k: v
            for k, v in spec.items()
            if k not in ("code", "phases", "subjects", "effective_date", "declared_total_jp")
        }
        program, _ = Program.objects.update_or_create(code=spec["code"], defaults=fields)
        version, _ = ProgramVersion.objects.get_or_create(
            program=program,
            number=1,
            defaults={
                "effective_date": spec["effective_date"],
                "declared_total_jp": spec["declared_total_jp"],
                "published_at": timezone.now(),
            },
        )
        if not version.phase_templates.exists():
            for order, (kind, name, mode, jp, days, rule) in enumerate(spec["phases"], start=1):
                template = PhaseTemplate.objects.create(
                    version=version, order=order, kind=kind, name=name, mode=mode, jp=jp,
                    days=days, day_rule=rule,
                )  # fmt: skip
                Subject.objects.bulk_create(
                    Subject(phase_template=template, order=n, name=sname, jp=sjp, agenda=agenda)
                    for n, (sname, sjp, agenda) in enumerate(
                        spec.get("subjects", {}).get(order, []), start=1
                    )
                )
        rubrics_default(program)
        programs[spec["code"]] = program
    return programs


# Eligibility per program (DOMAIN.md): Latsar for CPNS; leadership programs for their level,
# more than four years before retirement, at most two officials from one OPD.
ELIGIBILITY = {
    "latsar": {"allowed_levels": [PositionLevel.CPNS]},
    "pkp": {"allowed_levels": [PositionLevel.PENGAWAS], "min_years_before_retirement": 4,
            "max_per_agency": 2},
    "pka": {"allowed_levels": [PositionLevel.ADMINISTRATOR], "min_years_before_retirement": 4,
            "max_per_agency": 2},
    "pkn2": {"allowed_levels": [PositionLevel.JPT_PRATAMA], "min_years_before_retirement": 4},
}  # fmt: skip


# Final score components (DOMAIN.md, Evaluation): Latsar weighs attitude, the academic part
# (MOOC test and e-learning) and the actualization; leadership programs add the study visit.
COMPONENTS = {
    "latsar": [
        ("sikap", "Sikap dan perilaku", 20, "entered"),
        ("akademik", "Akademik (MOOC dan e-learning)", 20, "entered"),
        ("aktualisasi", "Aktualisasi", 60, "project"),
    ],
    "pka": [
        ("akademik", "Akademik", 25, "entered"),
        ("studi-lapangan", "Studi lapangan", 10, "entered"),
        ("aksi-perubahan", "Aksi perubahan", 50, "project"),
        ("sikap", "Sikap dan perilaku", 15, "entered"),
    ],
}


def components_ensure(programs):
    for code, parts in COMPONENTS.items():
        for order, (slug, name, weight, source) in enumerate(parts, start=1):
            ScoreComponent.objects.get_or_create(
                program=programs[code], code=slug,
                defaults={"order": order, "name": name, "weight": weight, "source": source},
            )  # fmt: skip


def gradebook_fill(cohort, rng, staff):
    """Entered components for every participant whose project is scored: good marks, and
    low ones where the project fell short, so the outcome follows the project."""
    values = {}
    components = ScoreComponent.objects.filter(program=cohort.program, source="entered").order_by(
        "order"
    )
    for enrolment in cohort.enrolments.select_related("project").order_by("pk"):
        project_score = enrolment.project.final_score
        if project_score is None:
            continue
        low, high = (5500, 6500) if project_score <= 70 else (7500, 9500)
        for component in components:
            values[(enrolment.pk, component.pk)] = Decimal(rng.randrange(low, high)) / 100
    component_scores_record(cohort=cohort, values=values, recorded_by=staff)


def eligibility_ensure(programs):
    for code, rules in ELIGIBILITY.items():
        EligibilityPolicy.objects.get_or_create(program=programs[code], defaults=rules)


def user_ensure(username, first_name, last_name, role, *, is_staff=False, is_superuser=False):
    user, created = get_user_model().objects.get_or_create(
        username=username,
        defaults={"first_name": first_name, "last_name": last_name, "is_staff": is_staff,
                  "is_superuser": is_superuser},
    )  # fmt: skip
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    user.groups.add(Group.objects.get(name=role))
    return user


def _nip(rng, taken, *, born_from, born_to, start):
    while True:
        born = born_from + timedelta(days=rng.randrange((born_to - born_from).days))
        gender = rng.choice([1, 2])
        nip = f"{born:%Y%m%d}{start:%Y%m}{gender}{rng.randrange(1, 400):03d}"
        if nip not in taken and not Participant.objects.filter(nip=nip).exists():
            taken.add(nip)
            return nip, gender


def _name(rng, gender, degrees):
    first = rng.choice(FIRST_NAMES_M if gender == 1 else FIRST_NAMES_F)
    return f"{first} {rng.choice(LAST_NAMES)}, {rng.choice(degrees)}"


def _cohort_ensure(program, organiser, angkatan, year, start, venue, co_organiser=None):
    cohort = Cohort.objects.filter(
        program=program, organiser=organiser, angkatan=angkatan, year=year
    ).first()
    if cohort:
        if cohort.co_organiser_id != (co_organiser and co_organiser.pk):
            cohort.co_organiser = co_organiser
            cohort.save(update_fields=["co_organiser"])
        return cohort, False
    cohort = cohort_create(
        program=program, organiser=organiser, angkatan=angkatan, year=year,
        start_date=start, venue=venue, co_organiser=co_organiser,
    )  # fmt: skip
    return cohort, True


def latsar_mentors_ensure(units):
    """The head of each unit, the mentor of its CPNS (several CPNS share one), with a login."""
    mentors = {}
    for unit in units:
        rng = random.Random(f"mentor-{unit.code}")
        nip, gender = _nip(
            rng, set(), born_from=date(1972, 1, 1), born_to=date(1980, 12, 31),
            start=date(2000, 3, 1),
        )  # fmt: skip
        kind = unit.name.removesuffix(unit.parent.name.replace("Pemerintah ", "")).strip()
        if kind.startswith("RSUD"):
            position, degrees = f"Direktur {unit.name}", ["S.K.M., M.Kes.", "M.A.R.S."]
        elif kind == "Inspektorat":
            position, degrees = f"Inspektur {unit.name.removeprefix('Inspektorat ')}", [
                "S.E., M.Ak.", "S.H., M.H."
            ]  # fmt: skip
        elif kind == "Sekretariat Daerah":
            position, degrees = f"Kepala Bagian Umum {unit.name}", ["S.Sos., M.Si."]
        elif kind == "Dinas Kesehatan":
            position, degrees = f"Kepala {unit.name}", ["S.K.M., M.Kes.", "S.Kep., M.Kes."]
        elif kind == "Dinas Pendidikan":
            position, degrees = f"Kepala {unit.name}", ["S.Pd., M.Pd.", "S.Pd., M.M."]
        else:
            position, degrees = f"Kepala {unit.name}", ["S.E., M.M.", "S.T., M.T.", "S.H., M.Si."]
        mentor = mentor_upsert(nip=nip, name=_name(rng, gender, degrees), position=position)
        mentor_account_ensure(mentor=mentor, invite=False)
        mentors[unit.pk] = mentor
    return mentors


def latsar_cohort_fill(cohort, rng, agencies, coaches, mentors, *, size, cpns_since):
    """CPNS from three governments; the coaches split the cohort; the head of each CPNS's
    unit is their mentor."""
    taken = set()
    for index in range(size):
        rank = "III/a" if index % 4 else "II/c"
        nip, gender = _nip(
            rng, taken, born_from=date(1990, 1, 1), born_to=date(2000, 12, 31), start=cpns_since
        )
        agency = agencies[index % len(agencies)]
        participant = participant_upsert(
            nip=nip,
            name=_name(rng, gender, DEGREES_III if rank == "III/a" else DEGREES_II),
            rank=rank,
            position=rng.choice(LATSAR_POSITIONS_III if rank == "III/a" else LATSAR_POSITIONS_II),
            position_level=PositionLevel.CPNS,
            agency=agency,
            email=f"cpns{nip[-6:]}@example.go.id",
        )
        enrolment_create(
            cohort=cohort, participant=participant, coach=coaches[index * len(coaches) // size],
            mentor=mentors[agency.pk], invite=False,
        )  # fmt: skip


def _target(rng, failing):
    """The mark a project's scorers aim at: every twentieth falls short of Cukup Memuaskan."""
    return rng.randint(58, 64) if failing else rng.randint(76, 95)


def latsar_plans(cohort, rng, *, today=None):
    """Where each project of a Latsar cohort ends up (see the module's docstring)."""
    enrolments = list(cohort.enrolments.select_related("coach").order_by("pk"))
    plans = {}
    if cohort.angkatan == 72:
        for index, enrolment in enumerate(enrolments):
            plans[enrolment.pk] = Plan(
                State.FINAL,
                score=_target(rng, index % 20 == 19),
                roles=ALL_SCORERS,
                revised=index % 7 == 3,
                reviewer=ScoringRole.COACH if index % 2 else ScoringRole.MENTOR,
                returned=index % 11 == 6,
                correction=index in (4, 23),
            )
    elif cohort.angkatan == 73:
        states = (
            [State.FINAL] * 16 + [State.EXAMINED] * 4 + [State.SEMINAR_SCHEDULED] * 10
            + [State.REPORT_SUBMITTED] * 10
        )  # fmt: skip
        rng.shuffle(states)
        for index, (enrolment, state) in enumerate(zip(enrolments, states, strict=True)):
            roles = {
                State.SEMINAR_SCHEDULED: (ScoringRole.COACH, ScoringRole.MENTOR)
                if index % 3
                else (ScoringRole.COACH,),
                State.REPORT_SUBMITTED: (ScoringRole.COACH, ScoringRole.MENTOR)
                if index % 2
                else (ScoringRole.COACH,),
            }.get(state, ALL_SCORERS)
            plans[enrolment.pk] = Plan(
                state,
                score=_target(rng, index % 20 == 19),
                roles=roles,
                revised=index % 6 == 1,
                returned=index % 9 == 5,
            )
    elif cohort.angkatan == 74:
        states = [State.IMPLEMENTATION] * 24 + [State.DESIGN_SUBMITTED] * 8 + [State.REVISION] * 8
        rng.shuffle(states)
        for index, (enrolment, state) in enumerate(zip(enrolments, states, strict=True)):
            plans[enrolment.pk] = Plan(
                state,
                revised=index % 8 == 2,
                reviewer=ScoringRole.MENTOR if index % 3 == 0 else ScoringRole.COACH,
                approved_by=(ScoringRole.COACH,),
            )
    else:
        plans = running_plans(cohort, enrolments, rng, today)
    return plans


def running_plans(cohort, enrolments, rng, today):
    """The running cohort: each coach's participants at every early stage, several designs
    waiting for the coach's approval and some reports for them to read. The participant whose
    login the demo prints is implementing their design: they can still edit it and upload
    their evidence and report."""
    actualization = cohort.phases.get(kind=PhaseKind.ACTUALIZATION)
    implementing = (today - timedelta(days=14), today + timedelta(days=14))
    reported = (today - timedelta(days=32), today - timedelta(days=4))
    by_coach = {}
    for enrolment in enrolments:
        by_coach.setdefault(enrolment.coach_id, []).append(enrolment)
    plans = {}
    for members in by_coach.values():
        states = (
            [State.DRAFT] * 3 + [State.DESIGN_SUBMITTED] * 4 + [State.REVISION] * 2
            + [State.IMPLEMENTATION] * 4 + [State.REPORT_SUBMITTED] * 2
        )  # fmt: skip
        states = (states * 2)[: len(members)]
        rng.shuffle(states)
        # Of each coach's designs waiting, three wait for the coach, one for the mentor only.
        waiting = [(), (ScoringRole.MENTOR,), (), (ScoringRole.COACH,)]
        seen = Counter()
        for enrolment, state in zip(members, states, strict=True):
            nth = seen[state]
            seen[state] += 1
            window = {State.IMPLEMENTATION: implementing, State.REPORT_SUBMITTED: reported}.get(
                state, (actualization.start_date, actualization.end_date)
            )
            plans[enrolment.pk] = Plan(
                state,
                window=window,
                draft_level=nth % 3,
                approved_by=waiting[nth % len(waiting)] if state == State.DESIGN_SUBMITTED else (),
                reviewer=ScoringRole.MENTOR if nth % 2 else ScoringRole.COACH,
                revised=state == State.IMPLEMENTATION and nth == 1,
            )
    login = cohort.enrolments.order_by("participant__name").first()
    if plans[login.pk].state != State.IMPLEMENTATION:
        swap = next(
            e.pk
            for e in enrolments
            if e.coach_id == login.coach_id and plans[e.pk].state == State.IMPLEMENTATION
        )
        plans[login.pk], plans[swap] = plans[swap], plans[login.pk]
    return plans


def latsar_sessions(slots, examiners_for):
    """Seminar sessions of at most seven, by coach, in the last days of the classical week."""
    return lambda enrolments: seminar_sessions(
        enrolments, key=lambda e: e.coach_id, examiners_for=examiners_for, slots=slots, size=7
    )


def _seminar_slots(phase, days, room, times=SEMINAR_TIMES):
    """(starts_at, room) for each of `times` on the phase's days numbered `days`."""
    held = phase_days(phase)
    return [
        (timezone.make_aware(datetime.combine(held[number], at)), room)
        for number in days
        for at in times
    ]


def _team_name(rng):
    return _name(rng, rng.choice([1, 2]), DEGREES_III + DEGREES_II)


# Each organiser's register of outside speakers (invented people): (institution code, name,
# kind, origin, position, phone, e-mail).
SPEAKERS = [
    ("bpsdmd-banten", "Dr. H. Ahmad Fauzan, M.Si.", Speaker.Kind.OFFICIAL,
     "Pemerintah Provinsi Banten", "Penjabat Gubernur Banten", "", ""),
    ("bpsdmd-banten", "Ir. Maya Kartika Sari, M.T.", Speaker.Kind.PRACTITIONER,
     "Dinas Komunikasi, Informatika, Statistik dan Persandian Provinsi Banten",
     "Kepala Bidang Layanan e-Government", "081234567801", "maya.kartika@contoh.go.id"),
    ("bpsdmd-banten", "Prof. Dr. Rudi Hartono, S.IP., M.A.", Speaker.Kind.EXPERT,
     "Universitas Sultan Ageng Tirtayasa", "Guru Besar Administrasi Publik", "081234567802",
     "rudi.hartono@contoh.ac.id"),
    ("bpsdm-jatim", "Drs. H. Sugeng Priyanto, M.M.", Speaker.Kind.OFFICIAL,
     "Pemerintah Kabupaten Probolinggo", "Sekretaris Daerah Kabupaten Probolinggo", "", ""),
    ("bpsdm-jatim", "Dr. Lilik Setyowati, S.E., M.Ak.", Speaker.Kind.EXPERT,
     "Universitas Airlangga", "Dosen Akuntansi Sektor Publik", "081234567803",
     "lilik.setyowati@contoh.ac.id"),
    ("bpsdm-jatim", "Yusuf Effendi, S.Kom.", Speaker.Kind.PRACTITIONER,
     "Mal Pelayanan Publik Kabupaten Probolinggo", "Koordinator Layanan", "081234567804", ""),
]  # fmt: skip


def speakers_ensure():
    """The demo organisers' registers of outside speakers, by institution code and name."""
    institutions = {
        i.code: i for i in Institution.objects.filter(code__in={r[0] for r in SPEAKERS})
    }
    speakers = {}
    for code, name, kind, origin, position, phone, email in SPEAKERS:
        speaker, _ = Speaker.objects.update_or_create(
            institution=institutions[code], name=name,
            defaults={"kind": kind, "origin": origin, "position": position, "phone": phone,
                      "email": email},
        )  # fmt: skip
        speakers.setdefault(code, []).append(speaker)
    return speakers


def classical_week_record(cohort, rng, widyaiswara, staff, speakers=()):
    """Sessions and attendance of a classical phase, as staff keep them. `speakers`: the
    organiser's outside speakers, an official first: the official opens the phase on its first
    morning, the others teach a session each on the days after. Each session's JP are counted
    from its times."""
    phase = cohort.phases.get(kind=PhaseKind.CLASSICAL)
    subjects = [s.name for s in phase.template.subjects.all()] if phase.template else ["Klasikal"]
    enrolments = list(cohort.enrolments.values_list("pk", flat=True))
    official, *guests = speakers or [None]
    # (day number, slot) → the outside speaker who teaches it: the afternoons of the second
    # day on, one guest each.
    taught_by_guest = {(number, 1): guest for number, guest in enumerate(guests, start=1)}
    # One participant misses four days without leave from the second day on: past the
    # program's rule (at most three), so staff see an attendance warning on the cohort page.
    truant = enrolments[len(enrolments) // 2] if enrolments else None
    for number, day in enumerate(phase_days(phase)):
        if number == 0 and official is not None:
            # Half an hour: one JP, the least a session counts.
            session_add(
                phase=phase, date=day, start_time=time(7, 30), end_time=time(8, 0),
                subject="Pembukaan", speaker=official, room="Aula Karang Tanjung",
            )  # fmt: skip
        for slot, (start, end) in enumerate(
            [(time(8, 0), time(11, 45)), (time(13, 0), time(16, 30))]
        ):
            guest = taught_by_guest.get((number, slot))
            session_add(
                phase=phase, date=day, start_time=start, end_time=end,
                subject=subjects[(2 * number + slot) % len(subjects)],
                widyaiswara=None if guest else widyaiswara[(number + slot) % len(widyaiswara)],
                speaker=guest, room="Aula Karang Tanjung",
            )  # fmt: skip
        statuses = {}
        for pk in enrolments:
            roll = rng.random()
            statuses[pk] = "hadir" if roll < 0.94 else "izin" if roll < 0.97 else "sakit"
        if truant is not None and 1 <= number <= 4:
            statuses[truant] = "alpa"
        attendance_record(phase=phase, date=day, statuses=statuses, recorded_by=staff)


# Comments participants leave in the demo's evaluations (invented, in their words).
EVALUATION_COMMENTS = {
    "speaker": ["Materi jelas dan contohnya dekat dengan pekerjaan kami.",
                "Mohon waktu tanya jawab ditambah.", "Penyampaian menarik, tidak membosankan.",
                "Slide terlalu padat, sulit dibaca dari belakang."],
    "organiser": ["Pendingin ruangan kelas sering mati.", "Konsumsi baik dan tepat waktu.",
                  "Panitia sigap membantu.", "Jadwal sore terlalu padat."],
}  # fmt: skip


def evaluations_fill(cohort, rng, *, today, answering=0.9, last_few=3):
    """Participants' evaluations of each questionnaire of `cohort` open by `today`: about
    `answering` of them answer each one, ratings drawn around each speaker's own level; the
    last questionnaire has only `last_few` answers, so staff see one below the rule of five."""
    criteria = evaluation_criteria_ensure(program=cohort.program)
    enrolments = list(
        cohort.enrolments.exclude(status=Enrolment.Status.WITHDRAWN).select_related(
            "cohort__program"
        )
    )
    questionnaires = questionnaires_of(cohort, today)
    levels = [100, 80, 60, 40]
    for number, questionnaire in enumerate(questionnaires):
        last = number == len(questionnaires) - 1
        answering_now = enrolments[:last_few] if last else [
            e for e in enrolments if rng.random() < answering
        ]  # fmt: skip
        targets = [(t.key, "speaker", (t.widyaiswara_id or 0) + (t.speaker_id or 0))
                   for t in questionnaire.teachers] + [("org", "organiser", 7)]  # fmt: skip
        for enrolment in answering_now:
            ratings, comments = {}, {}
            for key, target, seed in targets:
                # Each speaker has a usual level: mostly Baik, some mostly Sangat Baik.
                weights = [5, 4, 1, 0] if seed % 3 == 0 else [2, 6, 2, 0.3]
                for criterion in (c for c in criteria if c.target == target):
                    ratings[(key, criterion.pk)] = rng.choices(levels, weights=weights)[0]
                if rng.random() < 0.15:
                    comments[key] = rng.choice(EVALUATION_COMMENTS[target])
            evaluation_submit(
                enrolment=enrolment, questionnaire=questionnaire, ratings=ratings,
                comments=comments,
            )  # fmt: skip


def pka_cohort_fill(cohort, rng, units, coach):
    """30 eselon III officials; the rule of the Probolinggo example: at most two per OPD."""
    taken = set()
    positions = ["Sekretaris", "Kepala Bidang Program", "Kepala Bidang Pelayanan"]
    for index in range(30):
        unit = units[index // 2]
        nip, gender = _nip(
            rng, taken, born_from=date(1968, 1, 1), born_to=date(1978, 12, 31),
            start=date(1998, 3, 1) if index % 3 else date(2003, 1, 1),
        )  # fmt: skip
        participant = participant_upsert(
            nip=nip,
            name=_name(rng, gender, ["S.Sos., M.Si.", "S.T., M.T.", "S.H., M.H.", "S.E., M.M."]),
            rank=rng.choice(["III/d", "IV/a", "IV/b"]),
            position=f"{positions[index % 2 if unit.name.startswith('Dinas') else 0]} "
            f"{unit.name.split(' Kabupaten')[0]}",
            position_level=PositionLevel.ADMINISTRATOR,
            agency=unit,
        )
        head = mentor_upsert(
            nip=_nip(rng, taken, born_from=date(1965, 1, 1), born_to=date(1970, 12, 31),
                     start=date(1992, 3, 1))[0],
            name=_name(rng, 1, ["S.H., M.Si.", "Dr., M.Pd.", "Ir., M.T."]),
            position=f"Kepala {unit.name.split(' Kabupaten')[0]}",
        )  # fmt: skip
        mentor_account_ensure(mentor=head, invite=False)
        enrolment_create(
            cohort=cohort, participant=participant, coach=coach, mentor=head, invite=False
        )


def pka_projects_run(cohort, staff, examiners, today):
    """Every aksi perubahan final: designed, approved by coach and mentor, presented to two
    examiners in the seminar of the participant's group, and scored by all three."""
    rng = random.Random(77)
    plans = {
        enrolment.pk: Plan(
            State.FINAL,
            score=rng.randint(76, 95),
            roles=ALL_SCORERS,
            revised=index % 6 == 2,
            reviewer=ScoringRole.MENTOR if index % 4 else ScoringRole.COACH,
            returned=index % 10 == 7,
        )
        for index, enrolment in enumerate(cohort.enrolments.order_by("pk"))
    }
    laboratory = cohort.phases.get(kind=PhaseKind.ACTUALIZATION)
    projects_write(
        cohort,
        plans,
        rng=rng,
        person_name=_team_name,
        today=today,
        window=(laboratory.start_date, laboratory.end_date),
        regional=True,
        themes=PKA_THEMES,
    )
    # The coach split the thirty into three groups by the theme of their innovation.
    groups_propose(cohort=cohort, count=3)
    seminar = cohort.phases.get(kind=PhaseKind.SEMINAR)
    slots = _seminar_slots(seminar, [-3, -2, -1], "Ruang Seminar Bromo", times=[time(8, 0)])
    projects_play(
        cohort, plans, rng=rng, staff=staff,
        sessions=lambda enrolments: seminar_sessions(
            enrolments, key=lambda e: e.group_id, examiners_for=lambda _e, _n: examiners,
            slots=slots, size=10,
        ),
    )  # fmt: skip


def _participant_login(cohort, status=None):
    enrolments = cohort.enrolments.select_related("participant").order_by("participant__name")
    first = (enrolments.filter(status=status) if status else enrolments).first()
    user = participant_account_ensure(participant=first.participant)
    if not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def certificates_issue_now(cohort, staff):
    """The cohort's certificates, issued as staff would but here and now (no worker runs while
    the demo loads): numbered, rendered and signed with the demo key when it exists."""
    batch = CertificateBatch.objects.create(cohort=cohort, requested_by=staff)
    certificates_issue(batch_id=batch.pk)
    return batch


def mentor_with_scores_due(program):
    """The first mentor (by name) of the program's cohorts who has a mentee's score to give:
    Latsar Angkatan 73's seminars wait for some mentors' scores."""
    mentors = (
        Mentor.objects.filter(enrolments__cohort__program=program, user__isnull=False)
        .select_related("user")
        .distinct()
        .order_by("name")
    )
    return next(mentor.user for mentor in mentors if queue_of(mentor.user)["scores"])


@transaction.atomic
def demo_data_load(*, today=None):
    """Load the demo. `today` places the running cohort (Angkatan 75) in its second phase."""
    today = today or timezone.localdate()
    banten, jatim, bkd_probolinggo, governments = institutions_ensure()
    programs = programs_ensure()
    latsar, pka = programs["latsar"], programs["pka"]
    eligibility_ensure(programs)
    components_ensure(programs)

    admin = user_ensure("admin", "Admin", "Angkatan", roles.ADMINISTRATOR, is_staff=True,
                        is_superuser=True)  # fmt: skip
    # One deployment, two agencies: each staff login sees only its agencies' cohorts.
    staff = user_ensure("staf", "Rina", "Marlina, S.E.", roles.STAFF)
    banten.staff.add(staff)
    staff_jatim = user_ensure("staf-jatim", "Dwi", "Handayani, S.Sos.", roles.STAFF)
    jatim.staff.add(staff_jatim)
    staff_probolinggo = user_ensure("staf-probolinggo", "Agus", "Salim, S.AP.", roles.STAFF)
    bkd_probolinggo.staff.add(staff_probolinggo)
    wi_siti = user_ensure("widyaiswara", "Dra. Siti", "Rohmah, M.Pd.", roles.WIDYAISWARA)
    wi_bambang = user_ensure("bambang", "Dr. Bambang", "Sutrisno, M.Si.", roles.WIDYAISWARA)
    wi_hary = user_ensure("hary", "Dr. Hary", "Wahyudi, S.H., M.Si.", roles.WIDYAISWARA)
    speakers = speakers_ensure()

    # An organiser's own closed day (an example: the provincial anniversary).
    for year in (2026, 2027):
        NonWorkingDay.objects.get_or_create(
            institution=banten, date=date(year, 10, 4),
            defaults={"name": "Hari Jadi Provinsi Banten"},
        )  # fmt: skip

    banten_agencies = (
        governments["pemkot-tangerang"] + governments["pemkot-cilegon"]
        + governments["pemkab-tangerang"]
    )  # fmt: skip
    mentors = latsar_mentors_ensure(banten_agencies)
    campus = "Kampus BPSDMD Provinsi Banten, Karang Tanjung, Pandeglang"

    def examiners_for(enrolment, number):
        # Not the participant's own coach: the other coach, or Pak Hary every other session.
        other = wi_bambang if enrolment.coach_id == wi_siti.pk else wi_siti
        return [other if number % 2 == 0 else wi_hary]

    for angkatan in (72, 73, 74):
        cohort, created = _cohort_ensure(latsar, banten, angkatan, 2022, date(2022, 7, 8), campus)
        if created:
            # Staff moved the classical week to 17-22 October 2022, as it was held.
            classical = cohort.phases.get(kind=PhaseKind.CLASSICAL)
            phase_reschedule(
                phase=classical, start_date=date(2022, 10, 17), end_date=date(2022, 10, 22)
            )
            latsar_cohort_fill(
                cohort, random.Random(angkatan), banten_agencies, [wi_siti, wi_bambang], mentors,
                size=40, cpns_since=date(2022, 3, 1),
            )  # fmt: skip
            actualization = cohort.phases.get(kind=PhaseKind.ACTUALIZATION)
            rng = random.Random(1000 + angkatan)
            plans = latsar_plans(cohort, rng)
            projects_write(
                cohort, plans, rng=rng, person_name=_team_name, today=today,
                window=(actualization.start_date, actualization.end_date),
            )  # fmt: skip
            # Seminars in the last days of the classical week: Angkatan 72 first, then 73.
            classical = cohort.phases.get(kind=PhaseKind.CLASSICAL)  # as rescheduled
            slots = _seminar_slots(classical, [3, 4, 5], "Ruang Seminar 1")
            slots = slots[:6] if angkatan == 72 else slots[6:]
            projects_play(
                cohort, plans, rng=rng, staff=staff,
                sessions=latsar_sessions(slots, examiners_for),
            )  # fmt: skip
            if angkatan == 72:
                classical_week_record(
                    cohort, random.Random(172), [wi_siti, wi_bambang, wi_hary], staff,
                    speakers=speakers["bpsdmd-banten"],
                )  # fmt: skip
                evaluations_fill(cohort, random.Random(272), today=today)
            if angkatan in (72, 73):
                gradebook_fill(cohort, random.Random(200 + angkatan), staff)
            if angkatan == 72:
                # The graduation meeting was held: lulus or tidak lulus on every enrolment.
                grades_close(cohort=cohort, actor=staff)

    # A cohort running now: MOOC done, distance learning under way.
    running, created = _cohort_ensure(
        latsar, banten, 75, today.year, today - timedelta(days=24), campus
    )
    if created:
        latsar_cohort_fill(
            running, random.Random(75), banten_agencies, [wi_siti, wi_bambang], mentors,
            size=30, cpns_since=date(today.year - 1, 6, 1),
        )  # fmt: skip
        rng = random.Random(1075)
        plans = latsar_plans(running, rng, today=today)
        actualization = running.phases.get(kind=PhaseKind.ACTUALIZATION)
        projects_write(
            running, plans, rng=rng, person_name=_team_name, today=today,
            window=(actualization.start_date, actualization.end_date),
        )  # fmt: skip
        projects_play(running, plans, rng=rng, staff=staff, sessions=None)

    cohort, created = _cohort_ensure(
        pka, jatim, 7, 2019, date(2019, 4, 4), "BKD Kabupaten Probolinggo, Dringu",
        co_organiser=bkd_probolinggo,
    )  # fmt: skip
    if created:
        pka_cohort_fill(cohort, random.Random(7), governments["pemkab-probolinggo"], wi_hary)
        pka_projects_run(cohort, staff_jatim, [wi_siti, wi_bambang], today)
        gradebook_fill(cohort, random.Random(707), staff_jatim)
        evaluations_fill(cohort, random.Random(717), today=today)
        grades_close(cohort=cohort, actor=staff_jatim)

    # Jawa Timur's PKA has had its certificates since the demo was loaded, so that its
    # alumni find theirs; Banten's Angkatan 72 is left for staff to issue themselves.
    pka_cohort = Cohort.objects.get(program=pka, angkatan=7, year=2019)
    if not pka_cohort.certificate_batches.exists():
        certificates_issue_now(pka_cohort, staff_jatim)
    alumnus = _participant_login(pka_cohort, Enrolment.Status.PASSED)
    current = _participant_login(running)
    mentor = mentor_with_scores_due(latsar)
    if not mentor.has_usable_password():
        mentor.set_password(DEMO_PASSWORD)
        mentor.save(update_fields=["password"])
    return DemoResult(
        logins=[
            (roles.ADMINISTRATOR, admin.username, ""),
            (roles.STAFF, staff.username, "BPSDMD Provinsi Banten"),
            (roles.STAFF, staff_jatim.username, "BPSDM Provinsi Jawa Timur"),
            (roles.STAFF, staff_probolinggo.username, "BKD Kabupaten Probolinggo, pendamping PKA"),
            (roles.WIDYAISWARA, wi_siti.username, ""),
            (roles.PARTICIPANT, current.username, f"{running}, implementasi"),
            (roles.PARTICIPANT, alumnus.username, "PKA Angkatan VII 2019, lulus, bersertifikat"),
            (roles.MENTOR, mentor.username, "mentor peserta Latsar; nilai menunggu"),
        ]
    )
