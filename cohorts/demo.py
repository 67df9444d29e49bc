"""Demo data from the domain's reference articles (see docs/demo-data.md).

BPSDMD Banten's Latsar CPNS 2022, Angkatan 72-74, 40 CPNS each from Pemkot Tangerang,
Pemkot Cilegon and Pemkab Tangerang; and the Probolinggo PKA (ex Diklatpim III) Angkatan VII
2019 of 30 eselon III officials, at most two from one OPD. Names are invented; NIPs are
valid. Running it again finds what it made and creates nothing twice.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from config import roles
from curriculum.models import DayRule, PhaseKind, PhaseTemplate, Program
from participants.models import Enrolment, Participant
from participants.services import (
    enrolment_create,
    participant_account_ensure,
    participant_upsert,
)
from projects.services import score_record

from .models import Cohort, Institution
from .services import cohort_create

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
THEMES = [
    "Penurunan stunting", "Penanganan gizi buruk", "Penghapusan kemiskinan ekstrem",
    "Pengendalian inflasi", "Bangga Buatan Indonesia (TKDN)", "Pelayanan publik",
    "Transformasi digital",
]  # fmt: skip


@dataclass
class DemoResult:
    logins: list


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
    jatim = upsert(
        "bpsdm-jatim",
        name="Badan Pengembangan Sumber Daya Manusia Provinsi Jawa Timur",
        kind=Institution.Kind.TRAINING_AGENCY,
        city="Surabaya",
        head_name="Dr. Ir. Sri Wahyuni Lestari, M.T.",
        head_nip="196703141993022001",
        head_title="Kepala BPSDM Provinsi Jawa Timur",
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
    return banten, jatim, governments


PROGRAMS = [
    {
        "code": "latsar",
        "name": "Pelatihan Dasar CPNS",
        "former_name": "Diklat Prajabatan",
        "project_label": "aktualisasi",
        "default_capacity": 40,
        "angkatan_style": Program.AngkatanStyle.ARABIC,
        # BPSDMD Banten 2022, blended: 647 JP in 74 days.
        "phases": [
            (PhaseKind.MOOC, "MOOC (pembelajaran mandiri)", 48, 16, DayRule.WORKING_DAYS),
            (PhaseKind.DISTANCE, "Pembelajaran jarak jauh", 217, 22, DayRule.WORKING_DAYS),
            (PhaseKind.ACTUALIZATION, "Aktualisasi di tempat kerja", 320, 30,
             DayRule.WORKING_DAYS),
            (PhaseKind.CLASSICAL, "Klasikal", 62, 6, DayRule.SIX_DAY_WEEK),
        ],
    },
    {
        "code": "pka",
        "name": "Pelatihan Kepemimpinan Administrator",
        "former_name": "Diklatpim Tingkat III",
        "project_label": "aksi perubahan",
        "default_capacity": 30,
        "angkatan_style": Program.AngkatanStyle.ROMAN,
        # About 908 JP: three weeks in class, a study visit, two months at the office, seminar.
        "phases": [
            (PhaseKind.CLASSICAL, "Klasikal I", 210, 18, DayRule.SIX_DAY_WEEK),
            (PhaseKind.STUDY_VISIT, "Studi lapangan", 30, 3, DayRule.SIX_DAY_WEEK),
            (PhaseKind.ACTUALIZATION, "Laboratorium kepemimpinan", 540, 60,
             DayRule.CALENDAR_DAYS),
            (PhaseKind.SEMINAR, "Klasikal II dan seminar", 128, 17, DayRule.SIX_DAY_WEEK),
        ],
    },
]  # fmt: skip


def programs_ensure():
    programs = {}
    for spec in PROGRAMS:
        fields = {k: v for k, v in spec.items() if k not in ("code", "phases")}
        program, _ = Program.objects.update_or_create(code=spec["code"], defaults=fields)
        _phases_ensure(program, spec["phases"])
        programs[spec["code"]] = program
    return programs["latsar"], programs["pka"]


def _phases_ensure(program, phases):
    for order, (kind, name, jp, days, rule) in enumerate(phases, start=1):
        PhaseTemplate.objects.update_or_create(
            program=program,
            order=order,
            defaults={"kind": kind, "name": name, "jp": jp, "days": days, "day_rule": rule},
        )


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


def _cohort_ensure(program, organiser, angkatan, year, start, venue):
    cohort = Cohort.objects.filter(
        program=program, organiser=organiser, angkatan=angkatan, year=year
    ).first()
    if cohort:
        return cohort, False
    cohort = cohort_create(
        program=program, organiser=organiser, angkatan=angkatan, year=year,
        start_date=start, venue=venue,
    )  # fmt: skip
    return cohort, True


def latsar_cohort_fill(cohort, rng, agencies, coaches, scored_share):
    """40 CPNS from three governments, CPNS since March 2022; two coaches split the cohort."""
    taken = set()
    for index in range(40):
        rank = "III/a" if index % 4 else "II/c"
        nip, gender = _nip(
            rng, taken, born_from=date(1990, 1, 1), born_to=date(2000, 12, 31),
            start=date(2022, 3, 1),
        )  # fmt: skip
        participant = participant_upsert(
            nip=nip,
            name=_name(rng, gender, DEGREES_III if rank == "III/a" else DEGREES_II),
            rank=rank,
            position=rng.choice(LATSAR_POSITIONS_III if rank == "III/a" else LATSAR_POSITIONS_II),
            agency=agencies[index % len(agencies)],
        )
        enrolment = enrolment_create(
            cohort=cohort, participant=participant, coach=coaches[index * len(coaches) // 40]
        )
        if index < int(40 * scored_share):
            # Mostly passing; every twentieth falls short of Cukup Memuaskan.
            score = (
                Decimal(
                    rng.randrange(6100, 6990) if index % 20 == 19 else rng.randrange(7200, 9700)
                )
                / 100
            )
            score_record(
                project=enrolment.project,
                grader=enrolment.coach,
                score=score,
                title=f"Aktualisasi nilai BerAKHLAK: {rng.choice(THEMES).lower()}",
            )


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
            agency=unit,
        )
        enrolment = enrolment_create(cohort=cohort, participant=participant, coach=coach)
        score_record(
            project=enrolment.project,
            grader=coach,
            score=Decimal(rng.randrange(7600, 9500)) / 100,
            title=f"Aksi perubahan: {rng.choice(THEMES).lower()} di {unit.name}",
        )


@transaction.atomic
def demo_data_load():
    banten, jatim, governments = institutions_ensure()
    latsar, pka = programs_ensure()

    admin = user_ensure("admin", "Admin", "Angkatan", roles.ADMINISTRATOR, is_staff=True,
                        is_superuser=True)  # fmt: skip
    staff = user_ensure("staf", "Rina", "Marlina, S.E.", roles.STAFF)
    wi_siti = user_ensure("widyaiswara", "Dra. Siti", "Rohmah, M.Pd.", roles.WIDYAISWARA)
    wi_bambang = user_ensure("bambang", "Dr. Bambang", "Sutrisno, M.Si.", roles.WIDYAISWARA)
    wi_hary = user_ensure("hary", "Dr. Hary", "Wahyudi, S.H., M.Si.", roles.WIDYAISWARA)

    banten_agencies = (
        governments["pemkot-tangerang"] + governments["pemkot-cilegon"]
        + governments["pemkab-tangerang"]
    )  # fmt: skip
    for angkatan, scored_share in [(72, 0.975), (73, 0.5), (74, 0.0)]:
        cohort, created = _cohort_ensure(
            latsar, banten, angkatan, 2022, date(2022, 7, 8),
            "Kampus BPSDMD Provinsi Banten, Karang Tanjung, Pandeglang",
        )  # fmt: skip
        if created:
            # Staff moved the classical week to 17-22 October 2022, as it was held.
            cohort.phases.filter(kind=PhaseKind.CLASSICAL).update(
                start_date=date(2022, 10, 17), end_date=date(2022, 10, 22)
            )
            Cohort.objects.filter(pk=cohort.pk).update(end_date=date(2022, 10, 22))
            cohort.refresh_from_db()
            latsar_cohort_fill(
                cohort, random.Random(angkatan), banten_agencies, [wi_siti, wi_bambang],
                scored_share,
            )  # fmt: skip

    cohort, created = _cohort_ensure(
        pka, jatim, 7, 2019, date(2019, 4, 4), "BPSDM Provinsi Jawa Timur, Malang"
    )
    if created:
        pka_cohort_fill(cohort, random.Random(7), governments["pemkab-probolinggo"], wi_hary)

    first = (
        Enrolment.objects.filter(cohort__program=latsar, cohort__angkatan=72)
        .select_related("participant")
        .order_by("participant__name")
        .first()
    )
    participant_user = participant_account_ensure(participant=first.participant)
    if not participant_user.has_usable_password():
        participant_user.set_password(DEMO_PASSWORD)
        participant_user.save(update_fields=["password"])

    return DemoResult(
        logins=[
            (roles.ADMINISTRATOR, admin.username),
            (roles.STAFF, staff.username),
            (roles.WIDYAISWARA, wi_siti.username),
            (roles.PARTICIPANT, participant_user.username),
        ]
    )
