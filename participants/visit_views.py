"""Field visit pages (issue 18; rules in participants.visits).

Staff (of the visit's organiser or of an organiser of one of its cohorts; another agency's
visit is a 404, other roles get 403): the list, a new visit, its page with hosts and the
itinerary per day, the groups page and the printable itinerary with group lists.
Participants (phone first): "Kunjungan saya" with their group, escort, itinerary, attendance
on the day and their report. The escort's scoring page is projects.visit_scores."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from cohorts.scope import organisers_for
from config.downloads import stored_file_response
from config.pagination import page_of, page_rows
from config.permissions import (
    can_manage_cohorts,
    is_participant,
    object_checked_in_view,
    rule_required,
)

from .visit_forms import ActivityForm, HostForm, SplitForm, VisitForm, VisitReportForm
from .visit_models import (
    Visit,
    VisitActivity,
    VisitAttendance,
    VisitHost,
    VisitMember,
    VisitPhoto,
    VisitReport,
)
from .visits import (
    activity_add,
    assignments_table,
    attendance_of,
    groups_with_members,
    host_add,
    itinerary_days,
    itinerary_of,
    membership_or_404,
    memberships_of,
    visit_assignments_rotate,
    visit_attendance_mark,
    visit_cohort_counts,
    visit_create,
    visit_groups,
    visit_groups_split,
    visit_or_404,
    visit_report_submit,
    visit_update,
    visits_within_reach,
)

GROUPS_PER_PAGE = 10


def _posted_id(request, name):
    """A posted row id; anything else finds no row (404), not a server error."""
    value = request.POST.get(name, "")
    return int(value) if value.isdigit() else 0


def _form_errors(form, error):
    """Put a service's refusal on the form's fields (or above it)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


@rule_required(can_manage_cohorts)
def visit_list(request):
    visits = (
        visits_within_reach(request.user, Visit.objects.select_related("organiser"))
        .annotate(cohort_count=Count("cohorts", distinct=True))
        .order_by("-start_date", "pk")
    )
    page = page_of(request, visits)
    return render(request, "participants/visit_list.html", {"page": page})


@rule_required(can_manage_cohorts)
def visit_new(request):
    form = VisitForm(request.POST or None, user=request.user,
                     initial={"organiser": organisers_for(request.user).first()})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        try:
            visit = visit_create(**form.cleaned_data)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Studi lapangan dibuat. Tambahkan tuan rumah dan jadwal."))
            return redirect("participants:visit_detail", visit.pk)
    return render(request, "participants/visit_form.html", {"form": form, "visit": None})


@rule_required(can_manage_cohorts)
def visit_edit(request, pk):
    visit = visit_or_404(request.user, pk)
    initial = {
        "title": visit.title, "destination": visit.destination, "organiser": visit.organiser,
        "start_date": visit.start_date, "end_date": visit.end_date,
        "cohorts": list(visit.cohorts.all()),
    }  # fmt: skip
    form = VisitForm(request.POST or None, user=request.user, visit=visit, initial=initial)
    # The organiser stays: staff of a participating cohort may not hand the visit over.
    form.fields["organiser"].disabled = True
    form.fields["organiser"].queryset = form.fields["organiser"].queryset.model.objects.filter(
        pk=visit.organiser_id
    )
    if request.method == "POST" and form.is_valid():
        fields = {k: v for k, v in form.cleaned_data.items() if k != "organiser"}
        try:
            visit_update(visit=visit, **fields)
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Studi lapangan disimpan."))
            return redirect("participants:visit_detail", visit.pk)
    return render(request, "participants/visit_form.html", {"form": form, "visit": visit})


@rule_required(can_manage_cohorts)
def visit_detail(request, pk):
    """The visit, its hosts and its itinerary per day; adds or removes a host or an activity."""
    visit = visit_or_404(request.user, pk, Visit.objects.select_related("organiser"))
    action = request.POST.get("action") if request.method == "POST" else None
    host_form = HostForm(request.POST if action == "host" else None, prefix="host")
    activity_form = ActivityForm(
        request.POST if action == "activity" else None, visit=visit, prefix="activity",
        initial={"date": visit.start_date},
    )  # fmt: skip
    if action == "host" and host_form.is_valid():
        host_add(visit=visit, **host_form.cleaned_data)
        visit_assignments_rotate(visit)
        messages.success(request, _("Tuan rumah ditambahkan."))
        return redirect("participants:visit_detail", visit.pk)
    if action == "activity" and activity_form.is_valid():
        try:
            activity_add(visit=visit, **activity_form.cleaned_data)
        except ValidationError as error:
            _form_errors(activity_form, error)
        else:
            messages.success(request, _("Kegiatan ditambahkan ke jadwal."))
            return redirect("participants:visit_detail", visit.pk)
    if action == "host_delete":
        get_object_or_404(VisitHost, visit=visit, pk=_posted_id(request, "host")).delete()
        visit_assignments_rotate(visit)
        messages.success(request, _("Tuan rumah dihapus."))
        return redirect("participants:visit_detail", visit.pk)
    if action == "activity_delete":
        get_object_or_404(VisitActivity, visit=visit, pk=_posted_id(request, "activity")).delete()
        messages.success(request, _("Kegiatan dihapus dari jadwal."))
        return redirect("participants:visit_detail", visit.pk)
    return render(
        request,
        "participants/visit_detail.html",
        {
            "visit": visit,
            "cohorts": visit_cohort_counts(visit),
            "hosts": visit.hosts.order_by("pk"),
            "days": itinerary_days(itinerary_of(visit)),
            "host_form": host_form,
            "activity_form": activity_form,
        },
    )


@rule_required(can_manage_cohorts)
def visit_groups_page(request, pk):
    """The split button and the groups, ten by page, with their members, escort and bus.
    Counts come from SQL; the page's queries do not grow with the groups or the members."""
    visit = visit_or_404(request.user, pk)
    form = SplitForm(request.POST or None, initial={"bus_capacity": 45})
    if request.method == "POST" and form.is_valid():
        try:
            groups = visit_groups_split(
                visit,
                bus_capacity=form.cleaned_data["bus_capacity"],
                group_count=form.cleaned_data["group_count"],
                escorts=form.escorts(),
            )
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(
                request, _("Peserta dibagi ke dalam %(count)s kelompok.") % {"count": len(groups)}
            )
            return redirect("participants:visit_groups", visit.pk)
    page = page_of(request, visit_groups(visit), per_page=GROUPS_PER_PAGE)
    page.object_list = list(page_rows(page, groups_with_members(visit_groups(visit))))
    activities = [a for a in itinerary_of(visit) if a.by_group]
    table = assignments_table(visit)
    for group in page.object_list:
        group.hosts = [(a, table.get(a.pk, {}).get(group.pk)) for a in activities]
    return render(
        request,
        "participants/visit_groups.html",
        {"visit": visit, "form": form, "page": page, "cohorts": visit_cohort_counts(visit)},
    )


@rule_required(can_manage_cohorts)
def visit_print(request, pk):
    """The itinerary and every group's list, for printing (the print stylesheet hides the
    menu and the buttons)."""
    visit = visit_or_404(request.user, pk, Visit.objects.select_related("organiser"))
    activities = itinerary_of(visit)
    table = assignments_table(visit)
    groups = list(groups_with_members(visit_groups(visit)))
    names = {g.pk: g for g in groups}
    for activity in activities:
        activity.rotation = [
            (names[group_id], host) for group_id, host in table.get(activity.pk, {}).items()
        ]
        activity.rotation.sort(key=lambda pair: pair[0].number)
    return render(
        request,
        "participants/visit_print.html",
        {
            "visit": visit,
            "days": itinerary_days(activities),
            "groups": groups,
            "cohorts": visit_cohort_counts(visit),
            "hosts": visit.hosts.order_by("pk"),
        },
    )


@rule_required(is_participant)
def my_visits(request):
    memberships = list(memberships_of(request.user))
    if len(memberships) == 1:
        return redirect("participants:my_visit", memberships[0].visit_id)
    return render(request, "participants/my_visits.html", {"memberships": memberships})


@rule_required(is_participant)
def my_visit(request, pk):
    """The participant's group, escort and itinerary; "Saya hadir" on the day of an activity;
    their report (text and photos). A refused report keeps the text typed."""
    member = membership_or_404(request.user, pk)
    visit, enrolment = member.visit, member.enrolment
    report = VisitReport.objects.filter(visit=visit, enrolment=enrolment).first()
    action = request.POST.get("action") if request.method == "POST" else None
    form = VisitReportForm(
        request.POST if action == "report" else None,
        request.FILES if action == "report" else None,
        initial={"text": report.text if report else ""},
    )
    if action == "attend":
        activity = get_object_or_404(VisitActivity, visit=visit, pk=_posted_id(request, "activity"))
        try:
            visit_attendance_mark(activity=activity, enrolment=enrolment, recorded_by=request.user)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Kehadiran Anda tercatat."))
        return redirect("participants:my_visit", visit.pk)
    if action == "report" and form.is_valid():
        try:
            visit_report_submit(
                visit=visit, enrolment=enrolment, text=form.cleaned_data["text"],
                photos=form.cleaned_data["photos"],
            )  # fmt: skip
        except ValidationError as error:
            _form_errors(form, error)
        else:
            messages.success(request, _("Laporan studi lapangan Anda terkirim."))
            return redirect("participants:my_visit", visit.pk)
    photos = list(report.photos.all()) if report else []
    days = itinerary_days(itinerary_of(visit, group=member.group))
    attended = attendance_of(enrolment, visit)
    labels = dict(VisitAttendance.Status.choices)
    for _day, activities in days:
        for activity in activities:
            status = attended.get(activity.pk)
            activity.attendance = labels[status] if status else ""
    return render(
        request,
        "participants/my_visit.html",
        {
            "member": member,
            "visit": visit,
            "group": member.group,
            "days": days,
            "today": timezone.localdate(),
            "report": report,
            "photos": photos,
            "form": form,
        },
    )


@rule_required(object_checked_in_view)
def visit_photo(request, pk):
    """A report's photo, for its author, the escort of their group and staff of the visit."""
    photo = get_object_or_404(
        VisitPhoto.objects.select_related("report__enrolment__participant"), pk=pk
    )
    report = photo.report
    user = request.user
    allowed = (
        report.enrolment.participant.user_id == user.pk
        or VisitMember.objects.filter(
            visit_id=report.visit_id, enrolment_id=report.enrolment_id, group__escort=user
        ).exists()
    )
    if not allowed:
        if can_manage_cohorts(user):
            visit_or_404(user, report.visit_id)  # another agency's: 404
        else:
            raise PermissionDenied
    try:
        return stored_file_response(photo.image, photo.image.name.rsplit("/", 1)[-1])
    except FileNotFoundError as error:
        raise Http404 from error
