"""Attendance rules: each participant's days present, on leave and absent without leave, their
attendance percentage, and who crosses their program's thresholds. Read, counted in SQL.

How days count (docs/decisions.md, "Attendance that warns"):

- Only recorded days count. A day nobody recorded yet is neither present nor absent: the
  figures follow what staff have entered, and a cohort's first morning warns nobody.
- *Hadir* is present. *Izin* and *sakit* are leave: they are **not** absences without leave,
  but they are days not attended, so they lower the percentage. *Alpa* is an absence without
  leave, and lowers the percentage too.
- Percentage = days present / days recorded × 100 (none while nothing is recorded).
- A participant crosses the rules when their absences without leave are **more than** the
  program's `max_unexcused_absences` (3 by default: a third alpa is still allowed, a fourth
  crosses), or when their percentage is **below** `min_attendance_percent` (90 by default:
  exactly 90 % is enough). The comparison is made in integers (present × 100 < minimum ×
  recorded), so no rounding decides it.

Withdrawn participants are counted in the recap but never warned about.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, F, Q
from django.db.models.lookups import GreaterThan, LessThan

from .models import Attendance, Enrolment

PRESENT = Attendance.Status.PRESENT
LEAVE = (Attendance.Status.EXCUSED, Attendance.Status.SICK)
ABSENT = Attendance.Status.ABSENT


@dataclass(frozen=True)
class AttendanceRule:
    """A program's thresholds."""

    max_unexcused_absences: int
    min_percent: int

    @classmethod
    def of(cls, program):
        return cls(program.max_unexcused_absences, program.min_attendance_percent)

    def too_many_absences(self, absent):
        return absent > self.max_unexcused_absences

    def too_low(self, present, recorded):
        return recorded > 0 and present * 100 < self.min_percent * recorded


def attendance_percent(present, recorded):
    """Days present over days recorded, in percent with one decimal (None if none recorded)."""
    if not recorded:
        return None
    return (Decimal(100 * present) / recorded).quantize(Decimal("0.1"), ROUND_HALF_UP)


def attendance_recap(cohort, *, phase=None):
    """The cohort's enrolments by name, each with `present`, `leave`, `absent` (without leave)
    and `recorded` days (of one phase if given), `too_many_absences` and `too_low` by the
    program's rule (`cohort.program` is read): one query whatever the cohort's size.
    `attendance_rows` adds the percentage and the rules crossed."""
    rule = AttendanceRule.of(cohort.program)
    scope = Q(attendances__phase=phase) if phase is not None else Q()
    recap = (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("participant__agency")
        .annotate(
            present=Count("attendances", filter=scope & Q(attendances__status=PRESENT)),
            leave=Count("attendances", filter=scope & Q(attendances__status__in=LEAVE)),
            absent=Count("attendances", filter=scope & Q(attendances__status=ABSENT)),
            recorded=Count("attendances", filter=scope),
        )
        .annotate(
            too_many_absences=GreaterThan(F("absent"), rule.max_unexcused_absences),
            # present × 100 < minimum × recorded: exact, in integers.
            too_low=LessThan(F("present") * 100, F("recorded") * rule.min_percent),
        )
        .order_by("participant__name", "pk")
    )
    return recap


def attendance_warnings(cohort, *, phase=None):
    """Those of attendance_recap who cross a rule, withdrawn participants aside: one query."""
    return (
        attendance_recap(cohort, phase=phase)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .filter(Q(too_many_absences=True) | Q(too_low=True))
    )


def attendance_rows(enrolments):
    """attendance_recap's enrolments (a list or a page) with `percent` and `crossed`, the
    names of the rules crossed, added in Python: no query."""
    enrolments = list(enrolments)
    for enrolment in enrolments:
        enrolment.percent = attendance_percent(enrolment.present, enrolment.recorded)
        enrolment.crossed = [
            name
            for name, crossed in (
                ("absences", enrolment.too_many_absences),
                ("percent", enrolment.too_low),
            )
            if crossed
        ]
    return enrolments


@dataclass(frozen=True)
class Standing:
    """One participant's attendance against their program's rule (their own page)."""

    present: int
    leave: int
    absent: int
    recorded: int
    rule: AttendanceRule

    @property
    def percent(self):
        return attendance_percent(self.present, self.recorded)

    @property
    def too_many_absences(self):
        return self.rule.too_many_absences(self.absent)

    @property
    def too_low(self):
        return self.rule.too_low(self.present, self.recorded)

    @property
    def absences_left(self):
        return max(self.rule.max_unexcused_absences - self.absent, 0)


def attendance_standing(enrolment, records):
    """A participant's standing from their attendance records (attendance_of's, already
    read for the page: no query). `enrolment.cohort.program` is read."""
    statuses = [record.status for record in records]
    return Standing(
        present=statuses.count(PRESENT),
        leave=sum(statuses.count(status) for status in LEAVE),
        absent=statuses.count(ABSENT),
        recorded=len(statuses),
        rule=AttendanceRule.of(enrolment.cohort.program),
    )
