"""The demo's people as SIASN holds them: what the SIASN stand-in serves in `make demo`.

Every demo participant is in "SIASN" with Angkatan's data, except a few deliberate
differences staff find with Cek SIASN (docs/demo-data.md):
- the first participant (by name) of Latsar Angkatan 72 has been promoted: a newer rank;
- the second has moved to another unit of the same government;
and earlier structural training:
- each PKA Angkatan VII 2019 graduate has PKA in their riwayat diklat (with their STTP
  number), so checking one of them for a PKA cohort warns that it repeats the program;
- the first PKA participant also has a Diklatpim Tingkat IV of 2012 (PKP's former name).
Latsar 72's graduates have nothing yet: staff push their certificates there.
"""

import json

from django.db.models import Sum

from cohorts.models import Cohort
from participants.models import Participant, Rank

from .standins.siasn import people_file

ECHELONS = {"jpt_pratama": "II.b", "administrator": "III.a", "pengawas": "IV.a"}
KINDS = {
    "jpt_pratama": "Struktural",
    "administrator": "Struktural",
    "pengawas": "Struktural",
    "fungsional": "Fungsional Tertentu",
    "pelaksana": "Pelaksana",
}


def _person(participant):
    return {
        "nipBaru": participant.nip,
        "nama": participant.name,
        "gelarDepan": "",
        "gelarBelakang": "",
        "tglLahir": participant.birth_date.strftime("%d-%m-%Y"),
        "tempatLahir": participant.birth_place,
        "golRuangAkhir": participant.rank,
        "jabatanNama": participant.position,
        "jenisJabatan": KINDS.get(participant.position_level, ""),
        "eselon": ECHELONS.get(participant.position_level, ""),
        "unorNama": participant.agency.name,
        "instansiKerjaNama": participant.agency.name,
        "diklat": [],
    }


# Diklatpim Tingkat IV, PKP's former name, of the first PKA participant.
EARLIER_PKP = {
    "id": "demo-diklatpim-iv-2012",
    "latihanStrukturalId": "2",
    "latihanStrukturalNama": "DIKLATPIM TK.IV",
    "nomor": "DIKLATPIM-IV/2012/88",
    "tanggal": "12-10-2012",
    "tahun": 2012,
    "jumlahJam": 285,
    "institusiPenyelenggara": "BPSDM Provinsi Jawa Timur",
}


def _first_two(cohort):
    return [
        e.participant_id for e in cohort.enrolments.order_by("participant__name")[:2]
    ] if cohort else []  # fmt: skip


def siasn_people():
    """The stand-in's people, built from the loaded demo data."""
    people = {
        p.pk: _person(p) for p in Participant.objects.select_related("agency").order_by("nip")
    }
    latsar72 = Cohort.objects.filter(program__code="latsar", angkatan=72).first()
    promoted, moved = (_first_two(latsar72) + [None, None])[:2]
    if promoted in people:
        ranks = list(Rank.values)
        current = people[promoted]["golRuangAkhir"]
        people[promoted]["golRuangAkhir"] = ranks[min(ranks.index(current) + 1, len(ranks) - 1)]
    if moved in people:
        unit = people[moved]["unorNama"]
        others = sorted({p["unorNama"] for p in people.values()} - {unit})
        government = unit.rsplit(" ", 2)[-2:]  # "Kota Tangerang": stay in the same one
        same = [name for name in others if name.endswith(" ".join(government))]
        if same or others:
            people[moved]["unorNama"] = (same or others)[0]
    pka = Cohort.objects.filter(program__code="pka", angkatan=7, year=2019).first()
    if pka is not None:
        enrolments = pka.enrolments.select_related("certificate").order_by("participant__name")
        for index, enrolment in enumerate(enrolments):
            certificate = getattr(enrolment, "certificate", None)
            person = people[enrolment.participant_id]
            if index == 0:
                person["diklat"].append(EARLIER_PKP)
            if certificate is not None:
                person["diklat"].append(
                    _training(
                        "3", "Pelatihan Kepemimpinan Administrator (PKA)", certificate.number, pka
                    )  # fmt: skip
                )
    return list(people.values())


def _training(kind, name, number, cohort):
    return {
        "id": f"demo-{number}",
        "latihanStrukturalId": kind,
        "latihanStrukturalNama": name,
        "nomor": number,
        "tanggal": cohort.end_date.strftime("%d-%m-%Y"),
        "tahun": cohort.end_date.year,
        "jumlahJam": cohort.phases.aggregate(total=Sum("jp"))["total"] or 0,
        "institusiPenyelenggara": cohort.organiser.name,
    }


def siasn_standin_write(path=None):
    """Write the people where the SIASN stand-in reads them (SIASN_STANDIN_PEOPLE, default
    var/standins/siasn.json). Written again on each run: it follows the data."""
    path = path or people_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"people": siasn_people()}, indent=1), encoding="utf-8")
    return path
