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
PASS_FLOOR = Decimal("70.00")


def score_round(value):
    return Decimal(value).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def predicate_for(score):
    if score is None:
        return None
    score = score_round(score)
    for floor, predicate in PREDICATE_BANDS:
        if score > floor:
            return predicate
    return LOWEST_PREDICATE


def score_passes(score):
    return score is not None and score_round(score) > PASS_FLOOR


@dataclass(frozen=True)
class FinalScore:
    score: Decimal | None
    missing: tuple

    @property
    def predicate(self):
        return predicate_for(self.score)

    @property
    def passes(self):
        return score_passes(self.score)


def final_score_of(*, components, entered, project_score):
    """The weighted final score, exact to two places (half up).

    `components` are the program's ScoreComponents; `entered` maps a component id to its
    score; the project component takes the change project's score. A program without
    components is graded on the project alone. Any missing part leaves the final score open.
    """
    if not components:
        return FinalScore(score_round(project_score) if project_score is not None else None, ())
    total, missing = Decimal(0), []
    for component in components:
        value = project_score if component.source == "project" else entered.get(component.pk)
        if value is None:
            missing.append(component.name)
        else:
            total += Decimal(component.weight) * Decimal(value)
    if missing:
        return FinalScore(None, tuple(missing))
    return FinalScore(score_round(total / 100), ())
