"""Field visits shared by cohorts (studi lapangan, issue 18): what staff, participants and
escorts do with them (services), and what the pages read (selectors, a fixed number of
queries whatever the number of participants).

Rules (README, "Field visits"):

- A visit takes every participant of its cohorts (withdrawn ones excepted), whichever angkatan
  and organiser they belong to. Staff of the visit's organiser, and of the organisers and
  co-organisers of its cohorts, work on it; another agency's staff do not find it (404).
- Splitting deals the participants, sorted by angkatan, agency and name, round-robin into the
  groups: sizes differ by one at most, and each group mixes angkatan and agencies as evenly
  as the numbers allow. No group is larger than its bus. Splitting again starts over.
- Escorts are dealt round-robin too: widyaiswara accounts first, then committee names.
- In an activity "per kelompok", group g goes to host (g + a) mod H, a being the activity's
  rank among such activities and H the hosts that do not receive everyone together in
  another activity: over the visit each group sees the hosts in turn, and no two groups are
  at one host at once while there are no more groups than hosts.
- A participant marks their own attendance at an activity ("Saya hadir"), on its day only:
  they are there with their phone, and the escort sees the marks on the escort's page.
- A participant submits one report (text and up to five photos, JPG or PNG by content, 5 MB
  each) and may change it until the escort scores it.
"""

from collections import Counter
from math import ceil

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cohorts.scope import institution_ids_of
from config.permissions import covers_every_institution

from .models import Enrolment
from .visit_models import (
    Visit,
    VisitActivity,
    VisitAssignment,
    VisitAttendance,
    VisitGroup,
    VisitHost,
    VisitMember,
    VisitPhoto,
    VisitReport,
)

ERROR_DATES = _("Tanggal selesai tidak boleh sebelum tanggal mulai.")
ERROR_NO_COHORT = _("Pilih paling sedikit satu angkatan peserta.")
ERROR_ACTIVITY_DAY = _(
    "Tanggal kegiatan %(date)s di luar tanggal studi lapangan (%(start)s sampai %(end)s)."
)
ERROR_ACTIVITY_TIMES = _("Jam selesai kegiatan harus sesudah jam mulai.")
ERROR_NO_PARTICIPANTS = _("Angkatan studi lapangan ini belum memiliki peserta.")
ERROR_GROUPS = _("Isi jumlah kelompok atau kapasitas bus (paling sedikit 1).")
ERROR_BUS_TOO_SMALL = _(
    "%(participants)s peserta tidak muat dalam %(groups)s bus berkapasitas %(capacity)s: "
    "perlu paling sedikit %(needed)s kelompok, atau bus yang lebih besar."
)
ERROR_NOT_TODAY = _("Presensi kegiatan “%(title)s” hanya dapat diisi pada harinya (%(date)s).")
ERROR_NOT_MEMBER = _("Anda tidak terdaftar dalam studi lapangan ini.")
ERROR_REPORT_EMPTY = _("Tuliskan isi laporan studi lapangan.")
ERROR_REPORT_SCORED = _("Laporan sudah dinilai pendamping dan tidak dapat diubah lagi.")
ERROR_SCORE_RANGE = _("Nilai laporan harus antara 0 dan 100.")
ERROR_TOO_MANY_PHOTOS = _("Paling banyak %(max)s foto per laporan (sudah ada %(saved)s).")

MAX_PHOTOS = 5


# Selectors -------------------------------------------------------------------------------


def visits_within_reach(user, queryset=None):
    """The visits a staff account works on: organised by one of its agencies, or taking a
    cohort that one of its agencies organises or co-organises. One query with the page's."""
    queryset = Visit.objects.all() if queryset is None else queryset
    if covers_every_institution(user):
        return queryset
    mine = institution_ids_of(user)
    taking_ours = Visit.cohorts.through.objects.filter(visit_id=OuterRef("pk")).filter(
        Q(cohort__organiser_id__in=mine) | Q(cohort__co_organiser_id__in=mine)
    )
    return queryset.filter(Q(organiser_id__in=mine) | Exists(taking_ours))


def visit_or_404(user, pk, queryset=None):
    return get_object_or_404(visits_within_reach(user, queryset), pk=pk)


def visit_enrolments(visit):
    """Everyone the visit takes: the enrolments of its cohorts, withdrawn ones excepted."""
    return Enrolment.objects.filter(
        cohort__visits=visit,
    ).exclude(status=Enrolment.Status.WITHDRAWN)


def visit_cohort_counts(visit):
    """Each cohort of the visit with `taking` (participants taken) and `grouped` (in a group),
    counted in SQL: one query."""
    return (
        visit.cohorts.select_related("program")
        .annotate(
            taking=Count(
                "enrolments",
                filter=~Q(enrolments__status=Enrolment.Status.WITHDRAWN),
                distinct=True,
            ),
            grouped=Count(
                "enrolments__visit_memberships",
                filter=Q(enrolments__visit_memberships__visit=visit),
                distinct=True,
            ),
        )
        .order_by("program__name", "year", "angkatan")
    )


def visit_groups(visit):
    """The visit's groups by number with `size` counted in SQL and their escort (one query)."""
    return (
        VisitGroup.objects.filter(visit=visit)
        .select_related("escort")
        .annotate(size=Count("members"))
        .order_by("number")
    )


def groups_with_members(groups):
    """`groups` (a page of visit_groups) with their members, agency and cohort: one query."""
    members = VisitMember.objects.select_related(
        "enrolment__participant__agency", "enrolment__cohort__program"
    ).order_by("enrolment__participant__name")
    return groups.prefetch_related(Prefetch("members", queryset=members))


def itinerary_of(visit, group=None):
    """The visit's activities by day and time, each with its host; with `group`, a by-group
    activity carries `group_host`, the host this group goes to (two queries)."""
    activities = list(visit.activities.select_related("host").order_by("date", "start_time", "pk"))
    if group is not None:
        hosts = {
            a.activity_id: a.host
            for a in VisitAssignment.objects.filter(group=group).select_related("host")
        }
        for activity in activities:
            activity.group_host = hosts.get(activity.pk)
    return activities


def itinerary_days(activities):
    """The activities grouped by date: [(date, [activities])]."""
    days = {}
    for activity in activities:
        days.setdefault(activity.date, []).append(activity)
    return list(days.items())


def assignments_table(visit):
    """For each by-group activity, which host each group goes to: {activity id: {group id:
    host}} (one query)."""
    table = {}
    for a in VisitAssignment.objects.filter(activity__visit=visit).select_related("host"):
        table.setdefault(a.activity_id, {})[a.group_id] = a.host
    return table


def memberships_of(user):
    """The signed-in participant's places in visits, latest visit first, with the group and
    its escort (one query)."""
    return (
        VisitMember.objects.filter(enrolment__participant__user=user)
        .select_related("visit", "group__escort", "enrolment__cohort__program")
        .order_by("-visit__start_date")
    )


def membership_or_404(user, visit_pk):
    return get_object_or_404(memberships_of(user), visit_id=visit_pk)


def escorted_groups(user, visit):
    return VisitGroup.objects.filter(visit=visit, escort=user).order_by("number")


def escort_visits(user):
    """The visits in which a widyaiswara escorts a group, latest first (one query)."""
    return Visit.objects.filter(groups__escort=user).distinct().order_by("-start_date")


def escort_reports(user, visit):
    """The members of the groups `user` escorts in `visit`, with their report if any and its
    photo count: one query for the members, one for the reports."""
    members = list(
        VisitMember.objects.filter(visit=visit, group__escort=user)
        .select_related("group", "enrolment__participant__agency", "enrolment__cohort__program")
        .order_by("group__number", "enrolment__participant__name")
    )
    reports = {
        r.enrolment_id: r
        for r in VisitReport.objects.filter(
            visit=visit, enrolment_id__in=[m.enrolment_id for m in members]
        )
        .annotate(photo_count=Count("photos"))
        .prefetch_related("photos")
    }
    for member in members:
        member.report = reports.get(member.enrolment_id)
    return members


# Services --------------------------------------------------------------------------------


def _dates_check(start_date, end_date):
    if end_date < start_date:
        raise ValidationError({"end_date": ERROR_DATES})


@transaction.atomic
def visit_create(*, organiser, title, destination, start_date, end_date, cohorts):
    _dates_check(start_date, end_date)
    if not cohorts:
        raise ValidationError({"cohorts": ERROR_NO_COHORT})
    visit = Visit.objects.create(
        organiser=organiser,
        title=title.strip(),
        destination=destination.strip(),
        start_date=start_date,
        end_date=end_date,
    )
    visit.cohorts.set(cohorts)
    return visit


@transaction.atomic
def visit_update(*, visit, title, destination, start_date, end_date, cohorts):
    _dates_check(start_date, end_date)
    if not cohorts:
        raise ValidationError({"cohorts": ERROR_NO_COHORT})
    visit.title, visit.destination = title.strip(), destination.strip()
    visit.start_date, visit.end_date = start_date, end_date
    visit.save()
    visit.cohorts.set(cohorts)
    # Participants of a cohort taken off the visit leave its groups.
    visit.members.exclude(enrolment__cohort__in=list(cohorts)).delete()
    return visit


def host_add(*, visit, agency_name, contact_name="", contact_phone="", topic=""):
    return VisitHost.objects.create(
        visit=visit,
        agency_name=agency_name.strip(),
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        topic=topic.strip(),
    )


def activity_check(visit, *, date, start_time, end_time):
    errors = {}
    if not visit.start_date <= date <= visit.end_date:
        errors["date"] = ValidationError(
            ERROR_ACTIVITY_DAY,
            params={"date": date, "start": visit.start_date, "end": visit.end_date},
        )
    if end_time <= start_time:
        errors["end_time"] = ValidationError(ERROR_ACTIVITY_TIMES)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def activity_add(*, visit, date, start_time, end_time, title, place="", host=None,
                 by_group=False):  # fmt: skip
    activity_check(visit, date=date, start_time=start_time, end_time=end_time)
    activity = VisitActivity.objects.create(
        visit=visit, date=date, start_time=start_time, end_time=end_time, title=title.strip(),
        place=place.strip(), host=host, by_group=by_group,
    )  # fmt: skip
    if by_group:
        visit_assignments_rotate(visit)
    return activity


def split_sizes(total, *, group_count=None, bus_capacity):
    """How many groups for `total` participants: `group_count` if given (checked against the
    bus), or the fewest buses of `bus_capacity` that take everyone."""
    if bus_capacity < 1 or (group_count is not None and group_count < 1):
        raise ValidationError(ERROR_GROUPS)
    needed = ceil(total / bus_capacity)
    count = group_count or needed
    if count < needed:
        raise ValidationError(
            ERROR_BUS_TOO_SMALL,
            params={
                "participants": total, "groups": count, "capacity": bus_capacity,
                "needed": needed,
            },
        )  # fmt: skip
    return count


@transaction.atomic
def visit_groups_split(visit, *, bus_capacity, group_count=None, escorts=()):
    """Split every participant the visit takes into balanced groups (see the module's rules);
    `escorts` are widyaiswara accounts or committee names, dealt round-robin. Replaces the
    groups there were, and their host assignments. A fixed number of queries."""
    enrolments = list(
        visit_enrolments(visit)
        .select_related("cohort", "participant")
        .order_by(
            "cohort__year",
            "cohort__angkatan",
            "cohort_id",
            "participant__agency_id",
            "participant__name",
            "pk",
        )  # fmt: skip
    )
    if not enrolments:
        raise ValidationError(ERROR_NO_PARTICIPANTS)
    count = split_sizes(len(enrolments), group_count=group_count, bus_capacity=bus_capacity)
    visit.groups.all().delete()  # members and assignments with them
    escorts = list(escorts)
    groups = VisitGroup.objects.bulk_create(
        VisitGroup(
            visit=visit,
            number=number,
            bus_capacity=bus_capacity,
            escort=_escort_user(escorts, number),
            escort_name=_escort_name(escorts, number),
        )
        for number in range(1, count + 1)
    )
    VisitMember.objects.bulk_create(
        VisitMember(visit=visit, group=groups[index % count], enrolment=enrolment)
        for index, enrolment in enumerate(enrolments)
    )
    visit_assignments_rotate(visit, groups=groups)
    return groups


def _escort_of(escorts, number):
    return escorts[(number - 1) % len(escorts)] if escorts else None


def _escort_user(escorts, number):
    escort = _escort_of(escorts, number)
    return None if escort is None or isinstance(escort, str) else escort


def _escort_name(escorts, number):
    escort = _escort_of(escorts, number)
    return escort.strip() if isinstance(escort, str) else ""


@transaction.atomic
def visit_assignments_rotate(visit, groups=None):
    """Each group to a host in every by-group activity, in rotation (the module's rules)."""
    groups = list(groups if groups is not None else visit.groups.order_by("number"))
    # The host of an activity everyone attends together (the Mal Pelayanan Publik) is not in
    # the rotation.
    together = visit.activities.filter(by_group=False, host__isnull=False).values("host_id")
    hosts = list(visit.hosts.exclude(pk__in=together).order_by("pk"))
    activities = list(visit.activities.filter(by_group=True).order_by("date", "start_time", "pk"))
    VisitAssignment.objects.filter(activity__visit=visit).delete()
    if not hosts:
        return []
    return VisitAssignment.objects.bulk_create(
        VisitAssignment(activity=activity, group=group, host=hosts[(g + a) % len(hosts)])
        for a, activity in enumerate(activities)
        for g, group in enumerate(groups)
    )


def group_balance(visit):
    """Sizes of the visit's groups and how each mixes angkatan: {group number: Counter of
    cohort ids} (one query). For checks and the demo's summary."""
    mix = {}
    for number, cohort_id in VisitMember.objects.filter(visit=visit).values_list(
        "group__number", "enrolment__cohort_id"
    ):
        mix.setdefault(number, Counter())[cohort_id] += 1
    return mix


def visit_attendance_mark(*, activity, enrolment, status=VisitAttendance.Status.PRESENT,
                          recorded_by, today=None):  # fmt: skip
    """A participant's presence at an activity, marked on its day only."""
    today = today or timezone.localdate()
    if not VisitMember.objects.filter(visit_id=activity.visit_id, enrolment=enrolment).exists():
        raise ValidationError(ERROR_NOT_MEMBER)
    if activity.date != today:
        raise ValidationError(ERROR_NOT_TODAY, params={"title": activity.title,
                                                       "date": activity.date})  # fmt: skip
    record, _created = VisitAttendance.objects.update_or_create(
        activity=activity,
        enrolment=enrolment,
        defaults={"status": status, "recorded_by": recorded_by},
    )
    return record


def attendance_of(enrolment, visit):
    """{activity id: status} of one participant in one visit (one query)."""
    return dict(
        VisitAttendance.objects.filter(enrolment=enrolment, activity__visit=visit).values_list(
            "activity_id", "status"
        )
    )


@transaction.atomic
def visit_report_submit(*, visit, enrolment, text, photos=()):
    """Save the participant's report, adding `photos` (already checked by the form: images by
    content, size). Refused once scored."""
    photos = list(photos)
    if not VisitMember.objects.filter(visit=visit, enrolment=enrolment).exists():
        raise ValidationError(ERROR_NOT_MEMBER)
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": ERROR_REPORT_EMPTY})
    report = VisitReport.objects.select_for_update().filter(visit=visit, enrolment=enrolment)
    report = report.first()
    if report is not None and report.score is not None:
        raise ValidationError(ERROR_REPORT_SCORED)
    if report is None:
        report = VisitReport(visit=visit, enrolment=enrolment)
    saved = report.photos.count() if report.pk else 0
    if saved + len(photos) > MAX_PHOTOS:
        raise ValidationError(
            {"photos": ValidationError(ERROR_TOO_MANY_PHOTOS,
                                       params={"max": MAX_PHOTOS, "saved": saved})}
        )  # fmt: skip
    report.text, report.submitted_at = text, timezone.now()
    report.save()
    for photo in photos:
        VisitPhoto.objects.create(report=report, image=photo)
    return report


def visit_report_score(*, report, score, scored_by):
    """The escort's score on a report (0-100). The gradebook's component is written by
    projects.visit_scores, which calls this."""
    if score is None or not 0 <= score <= 100:
        raise ValidationError(ERROR_SCORE_RANGE)
    report.score, report.scored_by, report.scored_at = score, scored_by, timezone.now()
    report.save(update_fields=["score", "scored_by", "scored_at"])
    return report
