"""Cohorts: creating an angkatan from a program and scheduling its phases."""

from datetime import timedelta

from django.db import transaction

from .models import Cohort, CohortPhase
from .scheduling import phase_dates


def phases_schedule(*, templates, start_date):
    """Dates for each phase template in order: each starts the first countable day after the
    previous one ends. Returns a list of (template, first_day, last_day)."""
    schedule, day = [], start_date
    for template in templates:
        first, last = phase_dates(day, template.days, template.day_rule)
        schedule.append((template, first, last))
        day = last + timedelta(days=1)
    return schedule


@transaction.atomic
def cohort_create(*, program, organiser, angkatan, year, start_date, venue="", capacity=None):
    templates = list(program.phase_templates.order_by("order"))
    schedule = phases_schedule(templates=templates, start_date=start_date)
    cohort = Cohort(
        program=program,
        organiser=organiser,
        angkatan=angkatan,
        year=year,
        start_date=schedule[0][1] if schedule else start_date,
        end_date=schedule[-1][2] if schedule else start_date,
        venue=venue,
        capacity=capacity or program.default_capacity,
    )
    cohort.full_clean()
    cohort.save()
    CohortPhase.objects.bulk_create(
        CohortPhase(
            cohort=cohort,
            order=template.order,
            kind=template.kind,
            name=template.name,
            jp=template.jp,
            days=template.days,
            day_rule=template.day_rule,
            start_date=first,
            end_date=last,
        )
        for template, first, last in schedule
    )
    return cohort


def cohort_total_jp(cohort):
    return sum(phase.jp for phase in cohort.phases.all())
