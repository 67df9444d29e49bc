"""A participant checked against SIASN (BKN): Angkatan's values next to SIASN's, the person's
earlier structural training, and SIASN's values staff accept into the participant.

The client (config.integrations.siasn) fetches; this module decides what differs, which of
SIASN's values Angkatan can take, and which earlier training repeats the program. The same
table of structural training kinds is used by documents.siasn_sync to write a finished
training back.
"""

from dataclasses import dataclass

from auditlog.models import LogEntry
from django.db import transaction
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from cohorts.models import Institution
from config.integrations import siasn
from curriculum.models import PositionLevel

from .models import Participant, Rank
from .nip import nip_normalize

# Angkatan's programs and SIASN's latihan struktural kind (latihanStrukturalId) they are
# recorded as. The ids are those of the stand-in's table (docs/integrations-siasn.md says to
# check them against SIASN's reference before going live); a program not listed is not a
# structural training and is not written back.
STRUCTURAL_KINDS = {
    "latsar": "1",
    "pkp": "2",
    "pka": "3",
    "pkn2": "4",
    "pkn1": "5",
}
KIND_LABELS = {"1": "Latsar", "2": "PKP", "3": "PKA", "4": "PKN II", "5": "PKN I"}
# Older records carry the former names (Diklatpim, Prajabatan): the same training.
FORMER_NAMES = (
    ("PRAJABATAN", "1"),
    ("LATSAR", "1"),
    ("TK.IV", "2"),
    ("TK. IV", "2"),
    ("PKP", "2"),
    ("TK.III", "3"),
    ("TK. III", "3"),
    ("PKA", "3"),
    ("TK.II", "4"),
    ("TK. II", "4"),
    ("PKN II", "4"),
    ("TK.I", "5"),
    ("TK. I", "5"),
    ("PKN I", "5"),
)

ACCEPTABLE = ("name", "rank", "position", "position_level", "agency", "birth_place")
ERROR_NOTHING_CHOSEN = _("Pilih sedikitnya satu data SIASN yang akan diterima.")
ERROR_NOT_ENROLLED = _("Peserta ini belum terdaftar di angkatan ini; daftarkan dulu.")
ERROR_UNIT_UNKNOWN = _("Unit %(unit)s belum ada di Angkatan; instansi tidak dapat diganti.")


def structural_kind_of(program_code):
    return STRUCTURAL_KINDS.get(program_code)


def record_kind(record):
    """The structural kind of a riwayat diklat row: by its id, else by its (former) name."""
    if record.kind_id in KIND_LABELS:
        return record.kind_id
    name = record.kind_name.upper()
    return next((kind for words, kind in FORMER_NAMES if words in name), None)


def position_level_of(person):
    """SIASN's echelon or kind of position as Angkatan's jenjang jabatan."""
    echelon = person.echelon.upper()
    for prefix, level in (
        ("III", PositionLevel.ADMINISTRATOR),
        ("IV", PositionLevel.PENGAWAS),
        ("II", PositionLevel.JPT_PRATAMA),
    ):
        if echelon.startswith(prefix):
            return level
    if "FUNGSIONAL" in person.position_kind.upper():
        return PositionLevel.FUNGSIONAL
    return PositionLevel.PELAKSANA if person.position_kind else ""


@dataclass
class FieldRow:
    key: str
    label: str
    ours: str
    theirs: str
    differs: bool
    acceptable: bool
    note: str = ""


@dataclass
class EarlierTraining:
    label: str
    name: str
    year: int | None
    number: str
    organiser: str
    repeats: bool


@dataclass
class SiasnCheck:
    person: siasn.Person
    participant: Participant | None
    rows: list
    history: list

    @property
    def differences(self):
        return [row for row in self.rows if row.differs]

    @property
    def repeats(self):
        return [training for training in self.history if training.repeats]


def unit_institution(person):
    """The institution Angkatan knows by SIASN's unit name, if any (one query)."""
    if not person.unit:
        return None
    return Institution.objects.filter(name__iexact=person.unit).first()


def _same(ours, theirs):
    return " ".join(str(ours).split()).casefold() == " ".join(str(theirs).split()).casefold()


def siasn_check(*, nip, program, participant=None):
    """SIASN's data on this NIP compared with `participant` (None: only SIASN's), and its
    earlier structural training, marking what repeats `program`. Raises the client's errors."""
    person = siasn.data_utama(nip_normalize(nip))
    records = siasn.training_history(person.nip)
    level = position_level_of(person)
    unit = unit_institution(person)
    rank_label = Rank(person.rank).label if person.rank in Rank.values else person.rank
    birth = date_format(person.birth_date, "j F Y") if person.birth_date else ""
    p = participant
    rows = [
        FieldRow("name", _("Nama"), p.name if p else "", person.name, False, True),
        FieldRow(
            "rank",
            _("Pangkat/golongan"),
            p.get_rank_display() if p else "",
            rank_label,
            False,
            person.rank in Rank.values,
        ),  # fmt: skip
        FieldRow("position", _("Jabatan"), p.position if p else "", person.position, False, True),
        FieldRow(
            "position_level",
            _("Jenjang jabatan"),
            p.get_position_level_display() if p else "",
            PositionLevel(level).label if level else "",
            False,
            bool(level),
        ),  # fmt: skip
        FieldRow(
            "agency",
            _("Unit kerja"),
            p.agency.name if p else "",
            person.unit,
            False,
            unit is not None,
            "" if unit or not person.unit else ERROR_UNIT_UNKNOWN % {"unit": person.unit},
        ),  # fmt: skip
        FieldRow(
            "birth_place",
            _("Tempat lahir"),
            p.birth_place if p else "",
            person.birth_place,
            False,
            bool(person.birth_place),
        ),  # fmt: skip
        FieldRow(
            "birth_date",
            _("Tanggal lahir"),
            date_format(p.birth_date, "j F Y") if p and p.birth_date else "",
            birth,
            False,
            False,
            _("Di Angkatan, tanggal lahir dibaca dari NIP."),
        ),  # fmt: skip
    ]
    if p:
        values = {"name": p.name, "rank": p.rank, "position": p.position,
                  "position_level": p.position_level, "agency": p.agency.name,
                  "birth_place": p.birth_place}  # fmt: skip
        theirs = {"name": person.name, "rank": person.rank, "position": person.position,
                  "position_level": level, "agency": person.unit,
                  "birth_place": person.birth_place}  # fmt: skip
        for row in rows:
            if row.key in values:
                row.differs = bool(theirs[row.key]) and not _same(values[row.key], theirs[row.key])
            else:
                row.differs = bool(row.theirs) and row.ours != row.theirs
            row.acceptable = row.acceptable and row.differs
    else:
        for row in rows:
            row.acceptable = False
    program_kind = structural_kind_of(program.code)
    history = []
    for record in records:
        kind = record_kind(record)
        if kind is None:
            continue
        history.append(
            EarlierTraining(
                label=KIND_LABELS[kind], name=record.kind_name, year=record.year,
                number=record.number, organiser=record.organiser,
                repeats=program_kind is not None and kind == program_kind,
            )
        )  # fmt: skip
    return SiasnCheck(person=person, participant=participant, rows=rows, history=history)


@transaction.atomic
def participant_siasn_accept(*, participant, person, fields, actor=None):
    """Take SIASN's values of `fields` into the participant, recorded in the audit log with
    each value before and after. Returns the fields that changed."""
    fields = [f for f in fields if f in ACCEPTABLE]
    if not fields:
        raise ValueError(str(ERROR_NOTHING_CHOSEN))
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    new = {"name": person.name, "rank": person.rank, "position": person.position,
           "position_level": position_level_of(person),
           "birth_place": person.birth_place}  # fmt: skip
    if "agency" in fields:
        unit = unit_institution(person)
        if unit is None:
            raise ValueError(str(ERROR_UNIT_UNKNOWN % {"unit": person.unit}))
        new["agency"] = unit
    changes = {}
    for field in fields:
        before = getattr(participant, field)
        if new[field] in ("", None) or before == new[field]:
            continue
        changes[field] = [str(before), str(new[field])]
        setattr(participant, field, new[field])
    if changes:
        participant.full_clean()
        participant.save(update_fields=list(changes))
        LogEntry.objects.log_create(
            participant, force_log=True, action=LogEntry.Action.UPDATE, changes=changes,
            actor=actor, additional_data={"event": "siasn_accept", "nip": participant.nip},
        )  # fmt: skip
    return list(changes)
