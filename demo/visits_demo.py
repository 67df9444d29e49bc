"""Demo field visits (issue 18), from the reference articles (DOMAIN.md, "Field visits").

- BPSDM Banten's Diklatpim Tingkat IV (now PKP) of 2018: four angkatan of 50 officials at once
  from Kota Tangerang, Kabupaten Tangerang, Kota Cilegon and Kota Tangerang Selatan, and their
  benchmark visit to Banyuwangi on 27-29 March 2018 with their widyaiswara and escorts: the
  Bupati's opening, sessions at Dinas Pariwisata, Kesehatan, Perhubungan, Bappeda, BPKAD, PU,
  a kecamatan and a kelurahan in rotation, the Mal Pelayanan Publik, and two tourist sites
  (Bangsring Underwater, Pulau Merah). 200 participants in five buses of 45 seats.
- The Probolinggo PKA (Angkatan VII 2019, loaded by demo.loaders): its 3-day study visit to
  Kulon Progo, in three groups with Dr. Hary Wahyudi.

PKP before 2019 followed the Diklatpim IV curriculum: a version in force from 2015 is added
to the PKP program (its phases are an outline for the demo, not the regulation's JP).
Participants and enrolments are bulk-inserted. Idempotent: a second run finds the visits and
creates nothing. Called by the demo_data command after demo_data_load(); tests call it too.
"""

import random
from dataclasses import dataclass
from datetime import date, time

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort, Institution
from cohorts.services import phase_reschedule
from config import roles
from curriculum.models import (
    DayRule,
    PhaseKind,
    PhaseMode,
    PhaseTemplate,
    PositionLevel,
    Program,
    ProgramVersion,
)
from participants.models import Enrolment, Participant, Visit, VisitMember, VisitReport
from participants.services import enrolments_follow_up, participant_account_ensure
from participants.visits import activity_add, host_add, visit_create, visit_groups_split
from projects.models import ScoreComponent

from .loaders import DEMO_PASSWORD, FIRST_NAMES_F, FIRST_NAMES_M, LAST_NAMES, _cohort_ensure

BANYUWANGI_TITLE = "Benchmark Diklatpim Tingkat IV Provinsi Banten ke Banyuwangi"
KULON_PROGO_TITLE = "Studi lapangan PKA Angkatan VII ke Kulon Progo"
BANYUWANGI_DAYS = [date(2018, 3, 27), date(2018, 3, 28), date(2018, 3, 29)]

DIKLATPIM_IV_PHASES = [
    (PhaseKind.CLASSICAL, "Diagnosa kebutuhan perubahan organisasi", PhaseMode.CAMPUS, 70, 8,
     DayRule.SIX_DAY_WEEK),
    (PhaseKind.STUDY_VISIT, "Studi lapangan (benchmark)", PhaseMode.CAMPUS, 25, 3,
     DayRule.SIX_DAY_WEEK),
    (PhaseKind.CLASSICAL, "Merancang perubahan dan membangun tim", PhaseMode.CAMPUS, 60, 6,
     DayRule.SIX_DAY_WEEK),
    (PhaseKind.ACTUALIZATION, "Laboratorium kepemimpinan", PhaseMode.OFFICE, 100, 30,
     DayRule.WORKING_DAYS),
    (PhaseKind.SEMINAR, "Evaluasi", PhaseMode.CAMPUS, 30, 3, DayRule.SIX_DAY_WEEK),
]  # fmt: skip
# The leadership programs' components (DOMAIN.md, Evaluation), the study visit among them.
PKP_COMPONENTS = [
    ("akademik", "Akademik", 25, "entered"),
    ("studi-lapangan", "Studi lapangan", 10, "entered"),
    ("aksi-perubahan", "Aksi perubahan", 50, "project"),
    ("sikap", "Sikap dan perilaku", 15, "entered"),
]
# The four governments the participants came from (the Banyuwangi article) and their units.
GOVERNMENTS = [
    ("pemkot-tangerang", "Pemerintah Kota Tangerang"),
    ("pemkab-tangerang", "Pemerintah Kabupaten Tangerang"),
    ("pemkot-cilegon", "Pemerintah Kota Cilegon"),
    ("pemkot-tangsel", "Pemerintah Kota Tangerang Selatan"),
]
UNITS = [
    "Dinas Kesehatan", "Dinas Pendidikan", "Badan Pendapatan Daerah", "Sekretariat Daerah",
    "Dinas Perhubungan", "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Badan Perencanaan Pembangunan Daerah", "Dinas Kependudukan dan Pencatatan Sipil",
    "Inspektorat", "Dinas Sosial",
]  # fmt: skip
PKP_POSITIONS = [
    "Kepala Seksi Pelayanan", "Kepala Subbagian Umum dan Kepegawaian", "Kepala Seksi Perencanaan",
    "Kepala Subbagian Keuangan", "Kepala Seksi Pengendalian", "Kepala Seksi Data dan Informasi",
]  # fmt: skip
BANYUWANGI_HOSTS = [
    ("Dinas Kebudayaan dan Pariwisata Kabupaten Banyuwangi",
     "Banyuwangi Festival: pariwisata yang menggerakkan ekonomi daerah"),
    ("Dinas Kesehatan Kabupaten Banyuwangi", "Inovasi pelayanan kesehatan masyarakat"),
    ("Dinas Perhubungan Kabupaten Banyuwangi", "Layanan perhubungan dan bandara berkonsep hijau"),
    ("Badan Perencanaan Pembangunan Daerah Kabupaten Banyuwangi",
     "Perencanaan berbasis kinerja dan SAKIP"),
    ("Badan Pengelolaan Keuangan dan Aset Daerah Kabupaten Banyuwangi",
     "Pengelolaan keuangan dan aset daerah"),
    ("Dinas Pekerjaan Umum Kabupaten Banyuwangi", "Infrastruktur jalan, jembatan, dan TI"),
    ("Kecamatan Banyuwangi", "Pelayanan administrasi terpadu kecamatan"),
    ("Kelurahan Kepatihan", "Pelayanan di tingkat kelurahan"),
    ("Mal Pelayanan Publik Kabupaten Banyuwangi", "Pelayanan publik dalam satu atap"),
]  # fmt: skip
KULON_PROGO_HOSTS = [
    ("Badan Perencanaan Pembangunan Daerah Kabupaten Kulon Progo",
     "Gerakan Bela dan Beli Kulon Progo"),
    ("Dinas Kesehatan Kabupaten Kulon Progo", "Penanganan stunting dan gizi buruk"),
    ("Dinas Sosial Kabupaten Kulon Progo", "Penanggulangan kemiskinan"),
]  # fmt: skip


@dataclass
class VisitsDemo:
    banyuwangi: Visit
    kulon_progo: Visit | None
    participant_username: str
    escort_username: str


def pkp_2018_version_ensure(pkp):
    """The Diklatpim IV curriculum the 2018 angkatan followed (PKP's version 1 is from 2019)."""
    version = pkp.versions.filter(effective_date=date(2015, 1, 1)).first()
    if version:
        return version
    number = (pkp.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = ProgramVersion.objects.create(
        program=pkp, number=number, effective_date=date(2015, 1, 1),
        note="Diklatpim Tingkat IV, sebelum PKP (garis besar untuk data contoh)",
        published_at=timezone.now(),
    )  # fmt: skip
    PhaseTemplate.objects.bulk_create(
        PhaseTemplate(
            version=version,
            order=order,
            kind=kind,
            name=name,
            mode=mode,
            jp=jp,
            days=days,
            day_rule=rule,
        )  # fmt: skip
        for order, (kind, name, mode, jp, days, rule) in enumerate(DIKLATPIM_IV_PHASES, start=1)
    )
    return version


def pkp_components_ensure(pkp):
    if ScoreComponent.objects.filter(program=pkp).exists():
        return
    ScoreComponent.objects.bulk_create(
        ScoreComponent(
            program=pkp, order=order, code=code, name=name, weight=weight, source=source
        )  # fmt: skip
        for order, (code, name, weight, source) in enumerate(PKP_COMPONENTS, start=1)
    )


def banten_units_ensure():
    """Ten units in each of the four governments (one query per government plus inserts)."""
    units = []
    for code, name in GOVERNMENTS:
        government, _ = Institution.objects.get_or_create(
            code=code, defaults={"name": name, "kind": Institution.Kind.LOCAL_GOVERNMENT}
        )
        region = name.replace("Pemerintah ", "")
        existing = {i.name: i for i in Institution.objects.filter(parent=government)}
        missing = [
            Institution(
                code=f"{code}-pkp{index}",
                name=f"{unit} {region}",
                kind=Institution.Kind.UNIT,
                parent=government,
            )  # fmt: skip
            for index, unit in enumerate(UNITS, start=1)
            if f"{unit} {region}" not in existing
        ]
        Institution.objects.bulk_create(missing)
        existing.update({i.name: i for i in missing})
        units += [existing[f"{unit} {region}"] for unit in UNITS]
    return units


def _nips(rng, count):
    """`count` valid NIPs of officials born 1972-1984, none taken (one query per try)."""
    nips = []
    while len(nips) < count:
        wanted = set()
        while len(wanted) < count - len(nips):
            born = date(rng.randrange(1972, 1985), rng.randrange(1, 13), rng.randrange(1, 29))
            # CPNS at 22 to 27: the start month is after the 18th birthday.
            start = f"{born.year + rng.randrange(22, 28)}{rng.randrange(1, 13):02d}"
            wanted.add(f"{born:%Y%m%d}{start}{rng.choice([1, 2])}{rng.randrange(1, 999):03d}")
        taken = set(Participant.objects.filter(nip__in=wanted).values_list("nip", flat=True))
        nips += sorted(wanted - taken - set(nips))
    return nips[:count]


def pkp_cohorts_ensure(banten, units, coaches):
    """Diklatpim IV Angkatan I-IV 2018, 50 officials each, bulk-inserted."""
    pkp = Program.objects.get(code="pkp")
    pkp_2018_version_ensure(pkp)
    pkp_components_ensure(pkp)
    cohorts = []
    rng = random.Random(2018)
    venue = "Kampus BPSDM Provinsi Banten, Serang"
    for angkatan in (1, 2, 3, 4):
        cohort, created = _cohort_ensure(pkp, banten, angkatan, 2018, date(2018, 3, 12), venue)
        cohorts.append(cohort)
        if not created:
            continue
        # The four angkatan went to Banyuwangi together on 27-29 March.
        phase_reschedule(
            phase=cohort.phases.get(kind=PhaseKind.STUDY_VISIT), start_date=BANYUWANGI_DAYS[0],
            end_date=BANYUWANGI_DAYS[-1], shift_later=True,
        )  # fmt: skip
        nips = _nips(rng, 50)
        people = []
        for index, nip in enumerate(nips):
            first = rng.choice(FIRST_NAMES_M if nip[14] == "1" else FIRST_NAMES_F)
            degree = rng.choice(["S.E.", "S.Sos.", "S.T.", "S.H.", "S.Kep.", "S.IP."])
            people.append(Participant(
                nip=nip, name=f"{first} {rng.choice(LAST_NAMES)}, {degree}",
                rank=rng.choice(["III/c", "III/d", "IV/a"]),
                position=rng.choice(PKP_POSITIONS), position_level=PositionLevel.PENGAWAS,
                # Spread over 40 units: at most two officials of one unit per angkatan.
                agency=units[(index + 10 * angkatan) % len(units)],
            ))  # fmt: skip
        Participant.objects.bulk_create(people)
        people = list(Participant.objects.filter(nip__in=nips).order_by("nip"))
        enrolments = Enrolment.objects.bulk_create(
            Enrolment(
                cohort=cohort,
                participant=p,
                status=Enrolment.Status.ACTIVE,
                coach=coaches[i % len(coaches)],
            )  # fmt: skip
            for i, p in enumerate(people)
        )
        enrolments_follow_up(enrolments=enrolments)
    return cohorts


def _activities(visit, rows):
    hosts = {h.agency_name: h for h in visit.hosts.all()}
    for day, start, end, title, place, host, by_group in rows:
        activity_add(
            visit=visit, date=day, start_time=start, end_time=end, title=title, place=place,
            host=hosts.get(host), by_group=by_group,
        )  # fmt: skip


def banyuwangi_ensure(banten, cohorts, escorts):
    visit = Visit.objects.filter(organiser=banten, title=BANYUWANGI_TITLE).first()
    if visit:
        return visit
    visit = visit_create(
        organiser=banten, title=BANYUWANGI_TITLE, destination="Kabupaten Banyuwangi, Jawa Timur",
        start_date=BANYUWANGI_DAYS[0], end_date=BANYUWANGI_DAYS[-1], cohorts=cohorts,
    )  # fmt: skip
    for name, topic in BANYUWANGI_HOSTS:
        host_add(visit=visit, agency_name=name, contact_name="Bagian Umum " + name, topic=topic)
    d1, d2, d3 = BANYUWANGI_DAYS
    mpp = BANYUWANGI_HOSTS[-1][0]
    _activities(visit, [
        (d1, time(9), time(11, 30), "Pembukaan dan paparan Bupati Banyuwangi tentang inovasi",
         "Pendopo Sabha Swagata Blambangan", None, False),
        (d1, time(13), time(16), "Belajar dari perangkat daerah (sesi 1)", "", None, True),
        (d2, time(8, 30), time(11, 30), "Belajar dari perangkat daerah (sesi 2)", "", None, True),
        (d2, time(13), time(15, 30), "Belajar dari perangkat daerah (sesi 3)", "", None, True),
        (d2, time(16), time(17, 30), "Kunjungan Mal Pelayanan Publik", "", mpp, False),
        (d3, time(7), time(11), "Kunjungan wisata Bangsring Underwater", "Bangsring, Wongsorejo",
         None, False),
        (d3, time(12, 30), time(15), "Kunjungan wisata Pulau Merah", "Pesanggaran", None, False),
        (d3, time(16), time(17), "Penutupan dan perjalanan pulang ke Banten", "", None, False),
    ])  # fmt: skip
    visit_groups_split(visit, bus_capacity=45, escorts=escorts)
    return visit


def kulon_progo_ensure():
    cohort = (
        Cohort.objects.select_related("organiser")
        .filter(program__code="pka", angkatan=7, year=2019)
        .first()
    )
    if cohort is None:
        return None
    visit = Visit.objects.filter(organiser=cohort.organiser, title=KULON_PROGO_TITLE).first()
    if visit:
        return visit
    phase = cohort.phases.filter(kind=PhaseKind.STUDY_VISIT).order_by("order").first()
    start, end = (phase.start_date, phase.end_date) if phase else (date(2019, 4, 25),) * 2
    visit = visit_create(
        organiser=cohort.organiser, title=KULON_PROGO_TITLE,
        destination="Kabupaten Kulon Progo, Daerah Istimewa Yogyakarta",
        start_date=start, end_date=end, cohorts=[cohort],
    )  # fmt: skip
    for name, topic in KULON_PROGO_HOSTS:
        host_add(visit=visit, agency_name=name, topic=topic)
    days = sorted({start, end, start + (end - start) / 2})
    rows = [(days[0], time(9), time(12), "Pembukaan oleh Pemerintah Kabupaten Kulon Progo",
             "Wates", None, False)]  # fmt: skip
    for number, day in enumerate(days, start=1):
        rows.append((day, time(13), time(16), f"Belajar dari perangkat daerah (sesi {number})",
                     "", None, True))  # fmt: skip
    _activities(visit, rows)
    users = get_user_model().objects.filter(username="hary")
    visit_groups_split(visit, bus_capacity=15, group_count=3,
                       escorts=[*users, "Agus Salim, S.AP.", "Dwi Handayani, S.Sos."])  # fmt: skip
    return visit


def _login_with_report_to_write(visit, escort):
    """The first member (by name) of the escort's group: sets the demo password."""
    member = (
        VisitMember.objects.filter(visit=visit, group__escort=escort)
        .exclude(enrolment__visit_reports__visit=visit)
        .select_related("enrolment__participant")
        .order_by("enrolment__participant__name")
        .first()
    )
    user = participant_account_ensure(participant=member.enrolment.participant)
    if not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def reports_ensure(visit, escort, count=5):
    """A few reports already sent in the escort's group, for the escort to score."""
    if VisitReport.objects.filter(visit=visit).exists():
        return
    members = list(
        VisitMember.objects.filter(visit=visit, group__escort=escort).order_by(
            "-enrolment__participant__name"
        )[:count]
    )
    VisitReport.objects.bulk_create(
        VisitReport(
            visit=visit,
            enrolment_id=m.enrolment_id,
            submitted_at=timezone.now(),
            text="Mal Pelayanan Publik Banyuwangi menyatukan layanan perizinan, "
            "kependudukan, dan pajak dalam satu gedung. Gagasan untuk aksi "
            "perubahan kami: loket terpadu di kecamatan.",
        )  # fmt: skip
        for m in members
    )


@transaction.atomic
def visits_demo_ensure():
    """The demo's visits (see the module's docstring). Needs demo_data_load() first."""
    banten = Institution.objects.get(code="bpsdmd-banten")
    users = {u.username: u for u in get_user_model().objects.filter(
        username__in=["widyaiswara", "bambang"], groups__name=roles.WIDYAISWARA)}  # fmt: skip
    siti, bambang = users["widyaiswara"], users["bambang"]
    units = banten_units_ensure()
    cohorts = pkp_cohorts_ensure(banten, units, [siti, bambang])
    escorts = [siti, bambang, "Rina Marlina, S.E.", "Drs. Ujang Suherman", "Euis Komariah, S.Sos."]
    banyuwangi = banyuwangi_ensure(banten, cohorts, escorts)
    kulon_progo = kulon_progo_ensure()
    reports_ensure(banyuwangi, siti)
    participant = _login_with_report_to_write(banyuwangi, siti)
    return VisitsDemo(banyuwangi, kulon_progo, participant.username, siti.username)


def visits_demo_logins(demo):
    """The logins the demo_data command prints for the visits (the README's table)."""
    return [
        (roles.PARTICIPANT, demo.participant_username,
         "Diklatpim IV 2018, studi lapangan Banyuwangi, laporan belum dikirim"),
        (roles.WIDYAISWARA, demo.escort_username,
         "pendamping Kelompok 1 Banyuwangi, laporan menunggu nilai"),
    ]  # fmt: skip
