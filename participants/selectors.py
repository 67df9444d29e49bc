from collections import defaultdict

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404

from cohorts.models import CohortPhase
from cohorts.scope import within_reach
from config.permissions import covers_every_institution

from .invitations import account_active
from .models import Attendance, Enrolment, Participant
from .nip import nip_normalize


def participant_training(participant):
    """The participant's own enrolments with their phases, project and certificate."""
    return (
        Enrolment.objects.filter(participant=participant)
        .select_related("cohort__program", "cohort__organiser", "project", "certificate", "coach")
        .prefetch_related(
            Prefetch("cohort__phases", queryset=CohortPhase.objects.order_by("order"))
        )
        .order_by("-cohort__start_date")
    )


def enrolment_current(participant, today):
    """The enrolment to show on "Jadwal saya": the cohort running today, else the next one to
    start, else the latest."""
    enrolments = list(
        Enrolment.objects.filter(participant=participant)
        .select_related("cohort__program", "cohort__organiser")
        .order_by("cohort__start_date")
    )
    for enrolment in enrolments:
        if enrolment.cohort.start_date <= today <= enrolment.cohort.end_date:
            return enrolment, enrolments
    upcoming = [e for e in enrolments if e.cohort.start_date > today]
    if upcoming:
        return upcoming[0], enrolments
    return (enrolments[-1] if enrolments else None), enrolments


def attendance_of(enrolment):
    return list(
        Attendance.objects.filter(enrolment=enrolment).select_related("phase").order_by("date")
    )


def participant_calendar_phases(participant):
    return CohortPhase.objects.filter(cohort__enrolments__participant=participant).select_related(
        "cohort__program", "cohort__organiser"
    )


ROSTER_ORDER = {
    "name": ["participant__name"],
    "nip": ["participant__nip"],
    "agency": ["participant__agency__name", "participant__name"],
    "group": ["group__name", "participant__name"],
    "-score": [F("project__final_score").desc(nulls_last=True), "participant__name"],
}


def account_active_of(user_lookup):
    """invitations.account_active as an expression over the login that `user_lookup` names:
    a password set. Read in the page's own query."""
    return Exists(
        get_user_model()
        .objects.filter(pk=OuterRef(user_lookup))
        .exclude(password__startswith=UNUSABLE_PASSWORD_PREFIX)
    )


def roster_filtered(cohort, filters):
    """The cohort's roster with search, filters and sorting, each participant's `account_active`
    with it: one query whatever its size."""
    roster = (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("participant__agency", "coach", "project", "certificate", "group", "mentor")
        .annotate(account_active=account_active_of("participant__user_id"))
    )
    query = (filters.get("q") or "").strip()
    if query:
        digits = nip_normalize(query)
        roster = roster.filter(
            Q(participant__name__icontains=query)
            | (Q(participant__nip__contains=digits) if digits.isdigit() else Q(pk__in=[]))
        )
    if filters.get("agency"):
        roster = roster.filter(participant__agency=filters["agency"])
    if filters.get("group"):
        roster = roster.filter(group=filters["group"])
    if filters.get("status"):
        roster = roster.filter(status=filters["status"])
    return roster.order_by(*ROSTER_ORDER.get(filters.get("sort") or "name"))


def participant_within_reach_or_404(user, pk, queryset=None):
    """A participant enrolled in a cohort the staff account works on (cohorts.scope); 404
    otherwise, as if there were no such participant."""
    queryset = Participant.objects.all() if queryset is None else queryset
    if not covers_every_institution(user):
        queryset = queryset.filter(
            Exists(within_reach(Enrolment.objects.filter(participant=OuterRef("pk")), user))
        )
    return get_object_or_404(queryset, pk=pk)


def participant_history(participant):
    return (
        Enrolment.objects.filter(participant=participant)
        .select_related(
            "cohort__program", "cohort__organiser", "project", "certificate", "group", "coach",
            "mentor",
        )
        .prefetch_related("overrides")
        .order_by("-cohort__start_date")
    )  # fmt: skip


def groups_overview(cohort):
    """Groups with their members, and the participants in none: three queries."""
    groups = list(cohort.groups.select_related("coach"))
    members = defaultdict(list)
    ungrouped = []
    for enrolment in (
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("participant__agency", "project__theme")
        .order_by("participant__name")
    ):
        (members[enrolment.group_id] if enrolment.group_id else ungrouped).append(enrolment)
    for group in groups:
        group.members = members.get(group.pk, [])
        group.agency_count = len({e.participant.agency_id for e in group.members})
    return {"groups": groups, "ungrouped": ungrouped}


def mentees_of(mentor):
    return (
        Enrolment.objects.filter(mentor=mentor)
        .select_related("participant__agency", "cohort__program", "project", "coach")
        .order_by("-cohort__start_date", "participant__name")
    )


def attendance_sheet(phase, day):
    """The roster with each participant's status on that day: two queries."""
    statuses = dict(
        Attendance.objects.filter(phase=phase, date=day).values_list("enrolment_id", "status")
    )
    roster = list(
        Enrolment.objects.filter(cohort_id=phase.cohort_id)
        .select_related("participant")
        .order_by("participant__name")
    )
    for enrolment in roster:
        enrolment.day_status = statuses.get(enrolment.pk)
    return roster


def cohort_accounts(cohort):
    """The cohort's participants (withdrawn ones aside) and their mentors, each with its
    login joined and `active` (invitations.account_active): two queries."""
    enrolments = list(
        Enrolment.objects.filter(cohort=cohort)
        .exclude(status=Enrolment.Status.WITHDRAWN)
        .select_related("participant__user", "mentor__user")
        .order_by("participant__name")
    )
    participants = [e.participant for e in enrolments]
    mentors = {}
    for enrolment in enrolments:
        if enrolment.mentor_id:
            mentor = mentors.setdefault(enrolment.mentor_id, enrolment.mentor)
            mentor.mentees = [*getattr(mentor, "mentees", []), enrolment.participant]
    mentors = sorted(mentors.values(), key=lambda m: m.name)
    for person in [*participants, *mentors]:
        person.active = account_active(person.user)
    return {"participants": participants, "mentors": mentors}
