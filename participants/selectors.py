from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Prefetch,
    Q,
    When,
)
from django.shortcuts import get_object_or_404

from cohorts.models import CohortPhase
from cohorts.scope import within_reach
from config.permissions import covers_every_institution

from .models import Attendance, Enrolment, Mentor, Participant, StudyGroup
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
        roster = roster.filter(name_or_nip(query))
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


GROUPED = ~Q(status=Enrolment.Status.WITHDRAWN)
UNGROUPED = "none"  # the board's filter value for the participants in no group


SUMMARY_SHOWN = 12  # the groups the board's summary lists before "lihat semua"


def groups_summary(cohort, *, every=False):
    """The cohort's groups (all of them, by name: the move picker offers each), the first
    SUMMARY_SHOWN (or `every` one) as `shown`, each with its `size`; how many participants are
    in none and in all. Two queries whatever the cohort's size: the groups, and one GROUP BY
    over the cohort's enrolments that gives every size, the ungrouped and the total at once.
    Withdrawn participants are in no group (groups.NOT_GROUPED)."""
    groups = list(cohort.groups.select_related("coach").order_by("name", "pk"))
    sizes = dict(
        Enrolment.objects.filter(GROUPED, cohort=cohort)
        .values_list("group_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for group in groups:
        group.size = sizes.get(group.pk, 0)
    return {
        "groups": groups,
        "shown": groups if every else groups[:SUMMARY_SHOWN],
        "total": sum(sizes.values()),
        "ungrouped": sizes.get(None, 0),
    }


def name_or_nip(query, participant="participant__"):
    """A search by name (any part) or by NIP (any run of its digits, spaces ignored), of the
    participant that the lookup prefix `participant` names ("" on Participant itself)."""
    digits = nip_normalize(query)
    return Q(**{f"{participant}name__icontains": query}) | (
        Q(**{f"{participant}nip__contains": digits}) if digits.isdigit() else Q(pk__in=[])
    )


def group_name_matches(text):
    """Groups named like `text`: any part of the name, or, for a number, the group of that
    number ("3" finds "Kelompok 3", not "Kelompok 13")."""
    text = text.strip()
    if text.isdigit():
        return Q(name__iexact=text) | Q(name__iendswith=f" {text}")
    return Q(name__icontains=text)


def group_board_members(cohort, *, query="", group=None, group_name=""):
    """The participants the groups board lists, by name, searched and filtered in SQL;
    `group` a group id, UNGROUPED, or None for everyone; `group_name` typed text that the
    group's name must match (group_name_matches)."""
    members = (
        Enrolment.objects.filter(GROUPED, cohort=cohort)
        .select_related("participant__agency", "project__theme", "group")
        .order_by("participant__name", "pk")
    )
    if query:
        members = members.filter(name_or_nip(query))
    if group == UNGROUPED:
        members = members.filter(group__isnull=True)
    elif group:
        members = members.filter(group_id=group)
    if group_name:
        members = members.filter(
            group__in=StudyGroup.objects.filter(group_name_matches(group_name), cohort=cohort)
        )
    return members


# What a mentor does on a project, as projects.models spells it; participants sits below
# projects, so it reads them through the enrolment's reverse relations and never imports them.
DESIGN_SUBMITTED = "design_submitted"
MENTOR_SCORING_STATES = ("report_submitted", "seminar_scheduled", "examined")
FINAL = "final"
MENTOR_ROLE = "mentor"


FINISHED_PROJECT = Q(project__state=FINAL)


def _mentor_enrolments(mentor, query=""):
    mentees = Enrolment.objects.filter(mentor=mentor)
    return mentees.filter(name_or_nip(query)) if query else mentees


def mentee_counts(mentor, *, query=""):
    """How many of a mentor's mentees (searched) are still `running` and how many are
    `finished` (their project final): one aggregate, the tabs' figures and the pages' counts."""
    return _mentor_enrolments(mentor, query).aggregate(
        running=Count("pk", filter=~FINISHED_PROJECT | Q(project__isnull=True)),
        finished=Count("pk", filter=FINISHED_PROJECT),
    )


def mentees_of(mentor, *, query="", finished=False):
    """A mentor's mentees whose project is still running, what waits for the mentor first
    (`waiting`: a design to approve since its last submission, or a score not sent yet while
    scoring is open), then newest cohort first; or, `finished`, those whose project is final,
    newest cohort first. The finished ones are most of a long-serving mentor's mentees and
    nothing of theirs waits: they are neither annotated nor sorted with the running ones. One
    query for the rows; the aggregates read only the running projects' steps and sheets."""
    user = mentor.user_id
    steps = "project__steps"
    mentees = _mentor_enrolments(mentor, query).select_related(
        "participant__agency", "cohort__program", "project", "coach"
    )
    if finished:
        return mentees.filter(FINISHED_PROJECT).order_by(
            "-cohort__start_date", "participant__name", "pk"
        )
    mentees = (
        mentees.exclude(FINISHED_PROJECT & Q(project__isnull=False))
        .annotate(
            last_submit=Max(f"{steps}__pk", filter=Q(**{f"{steps}__action": "submit_design"})),
            my_approval=Max(
                f"{steps}__pk",
                filter=Q(**{f"{steps}__action": "approve_design", f"{steps}__actor": user}),
            ),
            my_sheet=Count(
                "project__sheets",
                filter=Q(
                    project__sheets__role=MENTOR_ROLE,
                    project__sheets__scorer=user,
                    project__sheets__submitted_at__isnull=False,
                ),
                distinct=True,
            ),
        )
        .annotate(
            waiting=Case(
                When(
                    Q(project__state=DESIGN_SUBMITTED)
                    & (Q(my_approval__isnull=True) | Q(my_approval__lt=F("last_submit"))),
                    then=True,
                ),
                When(Q(project__state__in=MENTOR_SCORING_STATES, my_sheet=0), then=True),
                default=False,
                output_field=BooleanField(),
            ),
        )
    )
    return mentees.order_by(F("waiting").desc(), "-cohort__start_date", "participant__name", "pk")


def attendance_page_statuses(phase, day, enrolments):
    """Each enrolment of one page of the attendance form with `day_status`, its status on
    that day (None if not recorded yet): one query for the page."""
    statuses = dict(
        Attendance.objects.filter(
            phase=phase, date=day, enrolment_id__in=[e.pk for e in enrolments]
        ).values_list("enrolment_id", "status")
    )
    for enrolment in enrolments:
        enrolment.day_status = statuses.get(enrolment.pk)
    return enrolments


def attendance_roster(cohort, *, query=""):
    """The rows of the attendance form, by name, searched in SQL."""
    roster = (
        Enrolment.objects.filter(cohort=cohort)
        .select_related("participant")
        .order_by("participant__name", "pk")
    )
    return roster.filter(name_or_nip(query)) if query else roster


def attendance_counts(phase, day):
    """How many are recorded on that day under each status, and how many are not recorded
    yet, counted in SQL: two queries whatever the cohort's size."""
    counts = dict(
        Attendance.objects.filter(phase=phase, date=day)
        .values_list("status")
        .annotate(n=Count("pk"))
        .order_by()
    )
    enrolled = Enrolment.objects.filter(cohort_id=phase.cohort_id).count()
    return {
        "statuses": [
            (value, label, counts.get(value, 0)) for value, label in Attendance.Status.choices
        ],
        "unrecorded": max(enrolled - sum(counts.values()), 0),
        "enrolled": enrolled,
    }


def _cohort_enrolments(cohort):
    """The cohort's enrolments, withdrawn ones aside: whose accounts the invitations page
    shows (accounts.invitations_to_inactive invites the same people)."""
    return Enrolment.objects.filter(cohort=cohort).exclude(status=Enrolment.Status.WITHDRAWN)


ACCOUNT_WAITING = "belum"
ACCOUNT_ACTIVE = "aktif"


def invitation_participants(cohort, *, query="", account=""):
    """The cohort's participants (withdrawn ones aside), each with `active`
    (invitations.account_active) read in the same query, by name; searched by name or NIP and
    filtered by ACCOUNT_WAITING or ACCOUNT_ACTIVE in SQL."""
    people = (
        # A subquery rather than a join: one semi-join however many enrolments a person has.
        Participant.objects.filter(pk__in=_cohort_enrolments(cohort).values("participant_id"))
        .select_related("user")
        .annotate(active=account_active_of("user_id"))
        .order_by("name", "pk")
    )
    if query:
        people = people.filter(name_or_nip(query, participant=""))
    if account == ACCOUNT_WAITING:
        people = people.filter(active=False)
    elif account == ACCOUNT_ACTIVE:
        people = people.filter(active=True)
    return people


def invitation_mentors(cohort):
    """The mentors of the cohort's participants (withdrawn ones aside), by name, each with
    `active`, `shares_login` (their login is a participant's: invitations go only through the
    participant) and `cohort_mentees`, the cohort's participants they mentor (one more query
    for a page of mentors)."""
    mentees = _cohort_enrolments(cohort).select_related("participant").order_by("participant__name")
    return (
        Mentor.objects.filter(pk__in=_cohort_enrolments(cohort).values("mentor_id"))
        .select_related("user")
        .annotate(
            active=account_active_of("user_id"),
            shares_login=Exists(Participant.objects.filter(user_id=OuterRef("user_id"))),
        )
        .prefetch_related(Prefetch("enrolments", queryset=mentees, to_attr="cohort_mentees"))
        .order_by("name", "pk")
    )


def invitation_counts(cohort):
    """The invitations page's figures in one aggregate over the cohort's enrolments, instead
    of a COUNT per list: `participants` and `mentors` (the lists' lengths unsearched),
    `participant_links` and `mentor_links` (invitation_links_waiting's lengths), and
    `waiting`, how many participants and mentors have not activated their account (a mentor
    of several participants counted once). An enrolment is once per participant and cohort,
    so participants are counted by row; mentors are counted distinct."""
    participant_waiting = ~account_active_of("participant__user_id")
    mentor_waiting = Q(mentor__isnull=False) & ~account_active_of("mentor__user_id")
    counts = _cohort_enrolments(cohort).aggregate(
        participants=Count("pk"),
        participants_waiting=Count("pk", filter=participant_waiting),
        participant_links=Count(
            "pk",
            filter=participant_waiting
            & Q(participant__user__isnull=False)
            & ~Q(participant__phone=""),
        ),
        mentors=Count("mentor_id", distinct=True),
        mentors_waiting=Count("mentor_id", filter=mentor_waiting, distinct=True),
        mentor_links=Count(
            "mentor_id",
            filter=mentor_waiting
            & Q(mentor__user__isnull=False)
            & ~Q(mentor__phone="")
            & ~Exists(Participant.objects.filter(user_id=OuterRef("mentor__user_id"))),
            distinct=True,
        ),
    )
    counts["waiting"] = counts.pop("participants_waiting") + counts.pop("mentors_waiting")
    return counts


REACHABLE = Q(user__isnull=False) & ~Q(phone="")


def invitation_links_waiting(cohort):
    """Who can be sent a WhatsApp invitation now, participants and mentors apart: those with
    a login not activated yet and a phone number, and whose login is their own (a mentor
    sharing a participant's login is reached as that participant)."""
    return {
        "participants": invitation_participants(cohort, account=ACCOUNT_WAITING).filter(REACHABLE),
        "mentors": invitation_mentors(cohort)
        .filter(REACHABLE, active=False, shares_login=False)
        .prefetch_related(None),  # a link needs no list of mentees
    }
