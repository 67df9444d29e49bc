"""Kelompok: participants of a cohort coached together.

Angkatan can propose groups: k groups of balanced size (they differ by one at most) that keep
participants with the same project theme together, as coaches split cohorts by theme, and
spread each agency's participants across the groups.
"""

import copy
from collections import Counter, defaultdict

from django.db import transaction

from config.audit import audit_bulk_record

from .models import Enrolment, StudyGroup

NOT_GROUPED = [Enrolment.Status.WITHDRAWN]


def _theme(enrolment):
    project = getattr(enrolment, "project", None)
    return project.theme.name.lower() if project and project.theme else ""


def groups_plan(enrolments, count):
    """A list of `count` member lists. Pure: no database access."""
    total = len(enrolments)
    capacity = [total // count + (1 if i < total % count else 0) for i in range(count)]
    groups = [[] for _ in range(count)]
    agencies = [Counter() for _ in range(count)]
    by_theme = defaultdict(list)
    for enrolment in enrolments:
        by_theme[_theme(enrolment)].append(enrolment)
    # Largest themes first, participants without a theme last (they fill the gaps).
    order = sorted(by_theme, key=lambda theme: (theme == "", -len(by_theme[theme]), theme))
    for theme in order:
        members = sorted(by_theme[theme], key=lambda e: (e.participant.agency_id, e.pk))
        home = []
        for enrolment in members:
            agency = enrolment.participant.agency_id
            room = [i for i in range(count) if len(groups[i]) < capacity[i]]
            staying = [i for i in room if theme and i in home]
            if staying:
                chosen = staying[0]
            else:
                # Start the theme where most room is left; without a theme, where the agency
                # has the fewest members.
                chosen = min(
                    room,
                    key=lambda i: (
                        agencies[i][agency] if not theme else 0,
                        -(capacity[i] - len(groups[i])),
                        agencies[i][agency],
                        i,
                    ),
                )
                home.append(chosen)
            groups[chosen].append(enrolment)
            agencies[chosen][agency] += 1
    return groups


@transaction.atomic
def groups_propose(*, cohort, count):
    """Form `count` groups (Kelompok 1, 2, ...) from the cohort's participants and assign
    everyone; a group's coach becomes its members' coach. Each participant whose group or
    coach changed gets an audit entry (one insert for all)."""
    enrolments = list(
        cohort.enrolments.exclude(status__in=NOT_GROUPED).select_related(
            "participant", "project__theme", "group", "coach"
        )
    )
    before = {e.pk: copy.copy(e) for e in enrolments}
    plan = groups_plan(enrolments, count)
    existing = {g.name: g for g in cohort.groups.select_related("coach")}
    changed = []
    for number, members in enumerate(plan, start=1):
        name = f"Kelompok {number}"
        themes = Counter(_theme(e) for e in members if _theme(e))
        theme = themes.most_common(1)[0][0].capitalize() if themes else ""
        group = existing.get(name)
        if group is None:
            group = StudyGroup.objects.create(cohort=cohort, name=name, theme=theme)
        elif theme and group.theme != theme:
            group.theme = theme
            group.save(update_fields=["theme"])
        for enrolment in members:
            enrolment.group = group
            if group.coach_id:
                enrolment.coach = group.coach
            changed.append(enrolment)
    Enrolment.objects.bulk_update(changed, ["group", "coach"])
    audit_bulk_record([(before[e.pk], e) for e in changed])
    return plan


@transaction.atomic
def group_members_set(*, cohort, assignments):
    """Move participants: `assignments` maps enrolment ids to a group id (or None). Each one
    moved gets an audit entry with its old and new group and coach (one insert for all)."""
    groups = {g.pk: g for g in cohort.groups.select_related("coach")}
    enrolments = list(
        cohort.enrolments.filter(pk__in=assignments).select_related("participant", "group", "coach")
    )
    changed = []
    for enrolment in enrolments:
        group = groups.get(assignments[enrolment.pk])
        if enrolment.group_id != (group.pk if group else None):
            old = copy.copy(enrolment)
            enrolment.group = group
            if group and group.coach_id:
                enrolment.coach = group.coach
            changed.append((old, enrolment))
    Enrolment.objects.bulk_update([new for _old, new in changed], ["group", "coach"])
    audit_bulk_record(changed)
    return len(changed)


def group_create(*, cohort, name, theme="", coach=None):
    group = StudyGroup(cohort=cohort, name=name.strip(), theme=theme.strip(), coach=coach)
    group.full_clean()
    group.save()
    return group
