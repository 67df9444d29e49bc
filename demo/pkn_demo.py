"""The demo's PKN Tingkat II (ex Diklatpim II), BPSDMD Banten on behalf of LAN RI (issue 18).

From the source article (reference/000_…): 47 officials from Kalimantan, Sumatera, NTT, Jawa
and five regencies and cities of Banten; classical I 3 days, MOOC 9, e-learning 21, commitment
3, classical II 7 with a visit to another region, leadership actualization 60, final seminar;
923 JP; run on LAN's behalf. Here it is Angkatan I 2023, graduated: its signed commitments
partly uploaded, its certificates issued as the full STTP (LAN's "a.n." block next to the
head of BPSDMD Banten, and a second page with the subjects and their JP).

Fast on purpose: institutions, participants, enrolments and projects are inserted in bulk,
and the projects are set final with their scores directly (the demo's other cohorts play the
project workflow; this one shows what comes after it). Running it again creates nothing twice.
"""

import io
import random
from datetime import date
from decimal import Decimal

import pikepdf
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from cohorts.models import Institution
from config import roles
from curriculum.models import PositionLevel, Program, Subject
from participants.commitments import commitment_store
from participants.models import Enrolment, Participant
from participants.services import enrolments_follow_up, participant_account_ensure
from projects.closing import grades_close
from projects.models import ChangeProject, State

from .loaders import (
    DEMO_PASSWORD,
    FIRST_NAMES_F,
    FIRST_NAMES_M,
    LAST_NAMES,
    _cohort_ensure,
    _nip,
    certificates_issue_now,
    institution_images_ensure,
    user_ensure,
)

ANGKATAN, YEAR, START = 1, 2023, date(2023, 5, 8)
VENUE = "Kampus BPSDMD Provinsi Banten, Karang Tanjung, Pandeglang"
SIZE = 47

# The curriculum's subjects per phase (order of the PKN II template in demo.loaders), their JP
# adding up to each phase's JP and to 923 in all. Invented from LAN's PKN II agendas.
SUBJECTS = {
    1: [("Kebijakan Pengembangan Kompetensi ASN", 6),
        ("Wawasan Kebangsaan dan Nilai-nilai Bela Negara", 12),
        ("Membangun Komitmen Belajar (Building Learning Commitment)", 12)],
    2: [("Etika Publik dan Integritas", 15), ("Kepemimpinan Pancasila", 15),
        ("Smart ASN", 15)],
    3: [("Kepemimpinan Strategis", 45), ("Manajemen Strategis Sektor Publik", 45),
        ("Inovasi Pelayanan Publik", 40), ("Pengelolaan Kinerja dan Risiko", 40),
        ("Kolaborasi dan Jejaring Kerja", 40)],
    4: [("Penyusunan Rancangan Proyek Perubahan", 20), ("Konsultasi Mentor dan Coach", 10)],
    5: [("Studi Lapangan (Benchmarking ke Daerah Lain)", 30),
        ("Kepemimpinan dalam Situasi Krisis", 20),
        ("Seminar Rancangan Proyek Perubahan", 20)],
    6: [("Laboratorium Kepemimpinan: Implementasi Proyek Perubahan", 480)],
    7: [("Seminar Hasil Proyek Perubahan", 40), ("Evaluasi Akhir Pelatihan", 18)],
}  # fmt: skip

# Where the 47 come from: (code, government, birth places, units). Kalimantan, Sumatera,
# NTT, Jawa and five regencies and cities of Banten, as the article says.
REGIONS = [
    ("pemprov-kalbar", "Pemerintah Provinsi Kalimantan Barat", ["Pontianak", "Singkawang"],
     ["Dinas Kesehatan", "Dinas Pendidikan dan Kebudayaan", "Badan Perencanaan Pembangunan Daerah",
      "Dinas Pekerjaan Umum dan Penataan Ruang", "Inspektorat"]),
    ("pemprov-kaltim", "Pemerintah Provinsi Kalimantan Timur", ["Samarinda", "Balikpapan"],
     ["Dinas Kesehatan", "Badan Pendapatan Daerah", "Dinas Sosial", "Dinas Perhubungan"]),
    ("pemprov-sumbar", "Pemerintah Provinsi Sumatera Barat", ["Padang", "Bukittinggi"],
     ["Dinas Kesehatan", "Dinas Pariwisata", "Badan Keuangan Daerah", "Dinas Pertanian",
      "Dinas Komunikasi dan Informatika"]),
    ("pemprov-lampung", "Pemerintah Provinsi Lampung", ["Bandar Lampung", "Metro"],
     ["Dinas Pendidikan dan Kebudayaan", "Dinas Kelautan dan Perikanan", "Dinas Sosial",
      "Badan Perencanaan Pembangunan Daerah"]),
    ("pemprov-ntt", "Pemerintah Provinsi Nusa Tenggara Timur", ["Kupang", "Ende"],
     ["Dinas Kesehatan", "Dinas Pendidikan dan Kebudayaan", "Dinas Pariwisata",
      "Badan Penanggulangan Bencana Daerah", "Dinas Peternakan"]),
    ("pemprov-jateng", "Pemerintah Provinsi Jawa Tengah", ["Semarang", "Surakarta"],
     ["Dinas Kesehatan", "Dinas Perindustrian dan Perdagangan", "Badan Kepegawaian Daerah",
      "Dinas Lingkungan Hidup dan Kehutanan"]),
    ("pemprov-banten", "Pemerintah Provinsi Banten", ["Serang", "Pandeglang"],
     ["Dinas Kesehatan", "Dinas Pendidikan dan Kebudayaan", "Badan Pendapatan Daerah",
      "Dinas Pekerjaan Umum dan Penataan Ruang", "Inspektorat"]),
    ("pemkab-serang", "Pemerintah Kabupaten Serang", ["Serang", "Cikande"],
     ["Dinas Kesehatan", "Badan Perencanaan Pembangunan Daerah", "Sekretariat DPRD"]),
    ("pemkab-pandeglang", "Pemerintah Kabupaten Pandeglang", ["Pandeglang", "Labuan"],
     ["Dinas Pariwisata", "Dinas Sosial", "Inspektorat"]),
    ("pemkab-lebak", "Pemerintah Kabupaten Lebak", ["Rangkasbitung", "Malingping"],
     ["Dinas Kesehatan", "Dinas Pertanian", "Badan Kepegawaian dan Pengembangan SDM"]),
    ("pemkot-serang", "Pemerintah Kota Serang", ["Serang"],
     ["Dinas Pendidikan dan Kebudayaan", "Dinas Perhubungan", "Badan Pendapatan Daerah"]),
    ("pemkot-tangsel", "Pemerintah Kota Tangerang Selatan", ["Tangerang", "Jakarta"],
     ["Dinas Kependudukan dan Pencatatan Sipil", "Dinas Kesehatan",
      "Badan Perencanaan Pembangunan Daerah"]),
]  # fmt: skip
# An invented deputy of LAN who signs on the head's behalf ("a.n. Kepala LAN").
LAN = {
    "name": "Lembaga Administrasi Negara",
    "kind": Institution.Kind.OTHER,
    "city": "Jakarta",
    "head_name": "Dr. Ir. Hendra Kusumawardana, M.Si.",
    "head_nip": "196902151995031002",
    "head_title": "Deputi Bidang Penyelenggaraan Pengembangan Kompetensi",
}
DEGREES = ["S.Sos., M.Si.", "S.T., M.T.", "S.H., M.H.", "S.E., M.M.", "S.K.M., M.Kes.",
           "Dr., S.IP., M.Si.", "S.Pd., M.Pd.", "Ir., M.P."]  # fmt: skip
THEME_TITLES = [
    "Percepatan penurunan stunting melalui kolaborasi lintas perangkat daerah",
    "Layanan terpadu pengentasan kemiskinan ekstrem berbasis data desa",
    "Pengendalian inflasi daerah dengan neraca pangan mingguan",
    "Peningkatan belanja produk dalam negeri (TKDN) pada pengadaan daerah",
    "Penanganan gizi buruk melalui posyandu digital",
]


def _institutions():
    """LAN RI and the participants' governments and units, created in bulk where missing.
    Returns (LAN, units in order)."""
    lan, _ = Institution.objects.update_or_create(code="lan-ri", defaults=LAN)
    institution_images_ensure(lan)  # its logo and the deputy's (made-up) signature
    codes = [code for code, *_ in REGIONS]
    known = set(Institution.objects.filter(code__startswith="pkn2-").values_list("code", flat=True))
    known |= set(Institution.objects.filter(code__in=codes).values_list("code", flat=True))
    Institution.objects.bulk_create(
        Institution(code=code, name=name, kind=Institution.Kind.LOCAL_GOVERNMENT)
        for code, name, _places, _units in REGIONS
        if code not in known
    )
    parents = {i.code: i for i in Institution.objects.filter(code__in=codes)}
    units = []
    for code, name, _places, names in REGIONS:
        region = name.replace("Pemerintah ", "")
        for index, unit in enumerate(names, start=1):
            units.append(
                Institution(
                    code=f"pkn2-{code}-{index}",
                    name=f"{unit} {region}",
                    kind=Institution.Kind.UNIT,
                    parent=parents[code],
                )
            )
    Institution.objects.bulk_create(u for u in units if u.code not in known)
    by_code = {i.code: i for i in Institution.objects.filter(code__in=[u.code for u in units])}
    return lan, [by_code[u.code] for u in units]


def _subjects_ensure(program):
    """The PKN II curriculum's subjects, once (its version from demo.loaders has none)."""
    version = program.versions.order_by("number").first()
    templates = {t.order: t for t in version.phase_templates.all()}
    if Subject.objects.filter(phase_template__version=version).exists():
        return
    Subject.objects.bulk_create(
        Subject(phase_template=templates[order], order=n, name=name, jp=jp)
        for order, rows in SUBJECTS.items()
        for n, (name, jp) in enumerate(rows, start=1)
    )


def _participants(units, rng):
    """47 officials at JPT Pratama level heading the units, each with a valid NIP and a
    birth place; inserted in one go."""
    places = {}
    for code, _name, region_places, names in REGIONS:
        for index in range(1, len(names) + 1):
            places[f"pkn2-{code}-{index}"] = region_places
    taken, people = set(), []
    for unit in units[:SIZE]:
        nip, gender = _nip(
            rng, taken, born_from=date(1968, 1, 1), born_to=date(1978, 12, 31),
            start=date(1998, 3, 1),
        )  # fmt: skip
        first = rng.choice(FIRST_NAMES_M if gender == 1 else FIRST_NAMES_F)
        head = "Kepala" if not unit.name.startswith(("Inspektorat", "Sekretariat")) else ""
        position = (
            f"Inspektur {unit.parent.name.replace('Pemerintah ', '')}"
            if unit.name.startswith("Inspektorat")
            else f"Sekretaris DPRD {unit.parent.name.replace('Pemerintah ', '')}"
            if unit.name.startswith("Sekretariat DPRD")
            else f"{head} {unit.name}"
        )
        people.append(
            Participant(
                nip=nip,
                name=f"{first} {rng.choice(LAST_NAMES)}, {rng.choice(DEGREES)}",
                rank=rng.choice(["IV/b", "IV/c", "IV/c", "IV/d"]),
                position=position,
                position_level=PositionLevel.JPT_PRATAMA,
                agency=unit,
                birth_place=rng.choice(places[unit.code]),
            )
        )
    Participant.objects.bulk_create(people)
    return list(Participant.objects.filter(nip__in=[p.nip for p in people]).order_by("nip"))


def _blank_pdf(title):
    """A one-page PDF standing for a signed, scanned commitment."""
    output = io.BytesIO()
    with pikepdf.new() as pdf:
        pdf.add_blank_page(page_size=(595, 842))
        pdf.docinfo["/Title"] = title
        pdf.save(output)
    return output.getvalue()


@transaction.atomic
def pkn_demo_ensure(*, commitments=12):
    """The PKN II cohort, once, graduated with its certificates; `commitments`: how many of
    its participants' signed commitments are uploaded. Returns the login line of a graduate
    (the first by name), who downloads their two-page STTP on *Pelatihan & sertifikat*."""
    banten = Institution.objects.get(code="bpsdmd-banten")
    program = Program.objects.get(code="pkn2")
    staff = user_ensure("staf", "Rina", "Marlina, S.E.", roles.STAFF)
    lan, units = _institutions()
    _subjects_ensure(program)
    if not banten.certificate_transcript:
        banten.certificate_transcript = True
        banten.save(update_fields=["certificate_transcript"])
    cohort, created = _cohort_ensure(program, banten, ANGKATAN, YEAR, START, VENUE)
    if created:
        cohort.on_behalf_of, cohort.on_behalf_signs = lan, True
        cohort.save(update_fields=["on_behalf_of", "on_behalf_signs"])
        rng = random.Random(923)
        coach = user_ensure("bambang", "Dr. Bambang", "Sutrisno, M.Si.", roles.WIDYAISWARA)
        people = _participants(units, rng)
        Enrolment.objects.bulk_create(
            Enrolment(cohort=cohort, participant=p, coach=coach) for p in people
        )
        enrolments = list(cohort.enrolments.select_related("participant").order_by("pk"))
        enrolments_follow_up(enrolments=enrolments)
        projects = list(ChangeProject.objects.filter(enrolment__cohort=cohort).order_by("pk"))
        now = timezone.now()
        for index, project in enumerate(projects):
            project.title = THEME_TITLES[index % len(THEME_TITLES)]
            project.state = State.FINAL
            project.final_score = Decimal(rng.randrange(7800, 9500)) / 100
            project.scored_at = now
        ChangeProject.objects.bulk_update(projects, ["title", "state", "final_score", "scored_at"])
        for enrolment in enrolments[:commitments]:
            name = f"komitmen-{enrolment.participant.nip}.pdf"
            commitment_store(
                enrolment=enrolment,
                upload=SimpleUploadedFile(name, _blank_pdf(f"Komitmen bersama {name}")),
                uploaded_by=staff,
            )
        grades_close(cohort=cohort, actor=staff)
    if not cohort.certificate_batches.exists():
        certificates_issue_now(cohort, staff)
    graduate = (
        cohort.enrolments.select_related("participant__user")
        .order_by("participant__name")
        .first()
        .participant
    )
    user = participant_account_ensure(participant=graduate)
    if not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return (
        roles.PARTICIPANT,
        user.username,
        f"{cohort} (a.n. LAN RI), lulus, STTP lengkap dua halaman",
    )
