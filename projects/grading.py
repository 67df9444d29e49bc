"""Scores, predicates and the pass mark.

The bands are the LAN defaults (a score strictly above a band's floor reaches it: 90.01 and
up is Sangat Memuaskan). Passing needs Cukup Memuaskan or better.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

TWO_PLACES = Decimal("0.01")

# (exclusive floor, predicate), highest first.
PREDICATE_BANDS = [
    (Decimal("90.00"), _("Sangat Memuaskan")),
    (Decimal("80.00"), _("Memuaskan")),
    (Decimal("70.00"), _("Cukup Memuaskan")),
    (Decimal("60.00"), _("Kurang Memuaskan")),
]
LOWEST_PREDICATE = _("Tidak Memuaskan")
WEIGHTS_INCOMPLETE = _("bobot komponen belum berjumlah 100%")
PASS_FLOOR = Decimal("70.00")


def score_round(value):
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Band:
    floor: Decimal  # exclusive; None for the lowest band
    name: str
    passes: bool


def default_bands():
    return [Band(floor, name, floor >= PASS_FLOOR) for floor, name in PREDICATE_BANDS] + [
        Band(None, LOWEST_PREDICATE, False)
    ]


def _band(score, bands):
    score = score_round(score)
    for band in bands or default_bands():
        if band.floor is None or score > band.floor:
            return band
    return Band(None, LOWEST_PREDICATE, False)


def predicate_for(score, bands=None):
    """The predicate of a score; `bands` (highest first) are a program's own, else the
    defaults. A score on a floor stays in the band below: 70.00 is Kurang Memuaskan."""
    if score is None:
        return None
    return _band(score, bands).name


def score_passes(score, bands=None):
    return score is not None and _band(score, bands).passes


@dataclass(frozen=True)
class FinalScore:
    score: Decimal | None
    missing: tuple
    bands: tuple = ()

    @property
    def predicate(self):
        return predicate_for(self.score, self.bands)

    @property
    def passes(self):
        return score_passes(self.score, self.bands)


def final_score_of(*, components, entered, project_score, bands=()):
    """The weighted final score, exact to two places (half up).

    `components` are the program's ScoreComponents; `entered` maps a component id to its
    score; the project component takes the change project's score. A program without
    components is graded on the project alone. Any missing part leaves the final score open.
    """
    bands = tuple(bands)
    if not components:
        score = score_round(project_score) if project_score is not None else None
        return FinalScore(score, (), bands)
    if sum(Decimal(c.weight) for c in components) != 100:
        return FinalScore(None, (str(WEIGHTS_INCOMPLETE),), bands)
    total, missing = Decimal(0), []
    for component in components:
        value = project_score if component.source == "project" else entered.get(component.pk)
        if value is None:
            missing.append(component.name)
        else:
            total += Decimal(component.weight) * Decimal(value)
    if missing:
        return FinalScore(None, tuple(missing), bands)
    return FinalScore(score_round(total / 100), (), bands)
