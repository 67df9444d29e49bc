"""Who may join a cohort: the program's eligibility policy, checked on every enrolment and
import with a reason a person understands. Staff may set a refused rule aside with a written
reason, which is kept (EligibilityOverride).
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db.models import Count
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from curriculum.models import EligibilityPolicy, PositionLevel

from .models import Enrolment

RULE_LEVEL = "level"
RULE_RETIREMENT = "retirement"
RULE_AGENCY = "agency"
RULE_CAPACITY = "capacity"
RULE_OVERLAP = "overlap"

ERROR_LEVEL = _("Jenjang jabatan %(level)s tidak termasuk sasaran program ini (%(allowed)s).")
ERROR_LEVEL_MISSING = _("Jenjang jabatan peserta belum diisi; program ini untuk %(allowed)s.")
ERROR_RETIREMENT = _(
    "Sisa masa kerja sebelum BUP (%(age)s tahun, %(bup)s) tinggal %(left)s tahun; "
    "minimal %(minimum)s tahun."
)
ERROR_AGENCY = _("Sudah ada %(count)s peserta dari %(agency)s di angkatan ini; batasnya %(limit)s.")
ERROR_CAPACITY = _("Angkatan sudah penuh (kapasitas %(capacity)s peserta).")
ERROR_OVERLAP = _(
    "Peserta sudah terdaftar di %(cohort)s (%(start)s – %(end)s), yang waktunya bertumpang tindih."
)

NOT_TAKING_PART = [Enrolment.Status.WITHDRAWN]


@dataclass(frozen=True)
class Refusal:
    rule: str
    message: str


def policy_for(program):
    return EligibilityPolicy.objects.filter(program=program).first() or EligibilityPolicy(
        program=program
    )


def months_after(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (day.day, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def retirement_date(birth, age):
    # The BUP is reached on the birthday of that age.
    try:
        day = birth.replace(year=birth.year + age)
    except ValueError:  # born on 29 February
        day = date(birth.year + age, 3, 1)
    return day


class CohortContext:
    """What the checks need to know about a cohort, read once for a whole import."""

    def __init__(self, cohort, exclude_participants=()):
        self.cohort = cohort
        self.policy = policy_for(cohort.program)
        taking_part = cohort.enrolments.exclude(status__in=NOT_TAKING_PART)
        self.enrolled = taking_part.count()
        self.per_agency = dict(
            taking_part.values("participant__agency")
            .annotate(n=Count("pk"))
            .values_list("participant__agency", "n")
        )
        self.enrolled_ids = set(cohort.enrolments.values_list("participant_id", flat=True))

    def overlapping(self, participant_ids):
        """Other enrolments of these participants whose cohort dates overlap this one."""
        rows = (
            Enrolment.objects.filter(participant_id__in=participant_ids)
            .exclude(cohort=self.cohort)
            .exclude(status__in=NOT_TAKING_PART)
            .filter(
                cohort__start_date__lte=self.cohort.end_date,
                cohort__end_date__gte=self.cohort.start_date,
            )
            .select_related("cohort__program")
        )
        found = {}
        for enrolment in rows:
            found.setdefault(enrolment.participant_id, enrolment.cohort)
        return found


def refusals_for(participant, context, *, overlapping=None, added_per_agency=None, added=0):
    """The rules this participant fails for the cohort (empty when eligible).

    `added_per_agency` and `added` count the rows of the same import placed before this one.
    """
    policy, cohort = context.policy, context.cohort
    refusals = []
    levels = policy.allowed_levels or []
    if levels and participant.position_level not in levels:
        allowed = ", ".join(str(PositionLevel(level).label) for level in levels)
        if participant.position_level:
            message = ERROR_LEVEL % {
                "level": PositionLevel(participant.position_level).label,
                "allowed": allowed,
            }
        else:
            message = ERROR_LEVEL_MISSING % {"allowed": allowed}
        refusals.append(Refusal(RULE_LEVEL, str(message)))
    if policy.min_years_before_retirement is not None:
        # Without a level, the general retirement age (58) applies.
        age = policy.retirement_age(participant.position_level)
        bup = retirement_date(participant.birth_date, age)
        months = int(round(policy.min_years_before_retirement * 12))
        needed = months_after(cohort.start_date, months)
        left = Decimal((bup - cohort.start_date).days) / Decimal("365.25")
        if bup < needed:
            refusals.append(
                Refusal(
                    RULE_RETIREMENT,
                    str(
                        ERROR_RETIREMENT
                        % {
                            "age": age,
                            "bup": date_format(bup, "DATE_FORMAT"),
                            "left": number_format(max(left, Decimal(0)), 1),
                            "minimum": number_format(policy.min_years_before_retirement, 1),
                        }
                    ),
                )
            )
    if participant.pk not in context.enrolled_ids:
        agency_count = context.per_agency.get(participant.agency_id, 0)
        agency_count += (added_per_agency or {}).get(participant.agency_id, 0)
        if policy.max_per_agency is not None and agency_count >= policy.max_per_agency:
            refusals.append(
                Refusal(
                    RULE_AGENCY,
                    str(
                        ERROR_AGENCY
                        % {
                            "count": agency_count,
                            "agency": participant.agency,
                            "limit": policy.max_per_agency,
                        }
                    ),
                )
            )
        if context.enrolled + added >= cohort.capacity:
            refusals.append(
                Refusal(RULE_CAPACITY, str(ERROR_CAPACITY % {"capacity": cohort.capacity}))
            )
    if policy.refuse_overlapping:
        other = (overlapping or {}).get(participant.pk)
        if other is None and overlapping is None and participant.pk:
            other = context.overlapping([participant.pk]).get(participant.pk)
        if other is not None:
            refusals.append(
                Refusal(
                    RULE_OVERLAP,
                    str(
                        ERROR_OVERLAP
                        % {
                            "cohort": other,
                            "start": date_format(other.start_date, "DATE_FORMAT"),
                            "end": date_format(other.end_date, "DATE_FORMAT"),
                        }
                    ),
                )
            )
    return refusals


def policy_save(*, program, allowed_levels, min_years_before_retirement, max_per_agency,
                refuse_overlapping, retirement_ages):  # fmt: skip
    policy = policy_for(program)
    policy.allowed_levels = list(allowed_levels)
    policy.min_years_before_retirement = min_years_before_retirement
    policy.max_per_agency = max_per_agency
    policy.refuse_overlapping = refuse_overlapping
    policy.retirement_ages = dict(retirement_ages)
    policy.full_clean()
    policy.save()
    return policy
