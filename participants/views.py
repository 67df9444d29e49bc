from collections import Counter

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cohorts.calendar import calendar_response, phase_location, phases_calendar
from cohorts.models import Cohort
from cohorts.scope import cohort_or_404, within_reach
from cohorts.selectors import campus_phase_or_404, cohort_schedule
from cohorts.services import phase_days
from config.audit import export_record
from config.pagination import page_of
from config.permissions import (
    can_edit_eligibility,
    can_manage_cohorts,
    can_view_participant,
    deny_unless,
    is_mentor,
    is_participant,
    object_checked_in_view,
    public,
    rule_required,
)
from curriculum.models import PositionLevel, Program

from .attendance import attendance_standing
from .eligibility import policy_for, policy_save
from .forms import (
    AttendanceForm,
    EligibilityPolicyForm,
    EnrolForm,
    GroupBoardFilterForm,
    GroupMovesForm,
    GroupProposeForm,
    ImportUploadForm,
    RosterFilterForm,
    SearchForm,
    StudyGroupForm,
)
from .groups import group_create, group_members_set, groups_propose
from .importing import COLUMNS, import_apply, import_check, import_template_table
from .invitations import account_active, invitation_send, invitation_whatsapp_link
from .models import ImportBatch, Participant
from .selectors import (
    UNGROUPED,
    attendance_counts,
    attendance_of,
    attendance_page_statuses,
    attendance_roster,
    enrolment_current,
    group_board_members,
    groups_summary,
    mentee_counts,
    mentees_of,
    participant_calendar_phases,
    participant_history,
    participant_within_reach_or_404,
    roster_filtered,
)
from .services import (
    ERROR_FUTURE_DAY,
    EligibilityRefused,
    attendance_record,
    participant_account_ensure,
    participant_calendar_reset,
    participant_enrol,
)
from .tables import ROSTER_HEADER, export_title, roster_row, table_response


@rule_required(can_manage_cohorts)
def enrol(request, cohort_pk):
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    # Cek SIASN links here with SIASN's values in the query, to fill the form.
    form = EnrolForm(request.POST or None, initial=request.GET.dict() or None)
    refusals = []
    if request.method == "POST" and form.is_valid():
        try:
            enrolment = participant_enrol(
                cohort=cohort, overridden_by=request.user, **form.service_arguments()
            )
        except EligibilityRefused as error:
            refusals = error.refusals
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s terdaftar di angkatan ini.") % {"name": enrolment.participant.name},
            )
            if "again" in request.POST:
                return redirect("participants:enrol", cohort_pk=cohort.pk)
            return redirect(cohort)
    return render(
        request,
        "participants/enrol_form.html",
        {"form": form, "cohort": cohort, "refusals": refusals},
    )


@rule_required(is_participant)
def my_schedule(request):
    participant = request.user.participant
    today = timezone.localdate()
    enrolment, enrolments = enrolment_current(participant, today)
    chosen = request.GET.get("angkatan")
    if chosen:
        enrolment = next((e for e in enrolments if str(e.cohort_id) == chosen), enrolment)
    context = {"participant": participant, "enrolment": enrolment, "enrolments": enrolments}
    if enrolment:
        cohort = enrolment.cohort
        schedule = cohort_schedule(cohort, today)
        attendance = attendance_of(enrolment)
        context.update(
            cohort=cohort,
            schedule=schedule,
            attendance=attendance,
            attendance_summary=Counter(a.status for a in attendance),
            attendance_standing=attendance_standing(enrolment, attendance),
            venues={
                row.phase.pk: phase_location(row.phase, cohort, participant)
                for row in schedule.rows
            },
            days_to_end=(cohort.end_date - today).days if cohort.end_date >= today else None,
        )
    context["feed_url"] = request.build_absolute_uri(
        reverse("participants:calendar_feed", args=[participant.calendar_token])
    )
    return render(request, "participants/my_schedule.html", context)


@require_POST
@rule_required(is_participant)
def calendar_reset(request):
    participant_calendar_reset(participant=request.user.participant)
    messages.success(
        request,
        _("Alamat kalender baru dibuat. Alamat lama tidak berlaku lagi; perbarui langganan Anda."),
    )
    return redirect("participants:my_schedule")


@public("the secret token in the URL is the key; calendar apps cannot log in")
def calendar_feed(request, token):
    """The participant's private calendar: the token in the URL is the only key."""
    participant = get_object_or_404(Participant, calendar_token=token)
    return calendar_response(
        phases_calendar(
            name=_("Jadwal pelatihan %(name)s") % {"name": participant.name},
            phases=participant_calendar_phases(participant),
            participant=participant,
        ),
        participant.pk,
    )


@rule_required(can_manage_cohorts)
def import_upload(request, cohort_pk):
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            batch = import_check(
                cohort=cohort, uploaded=form.cleaned_data["file"], uploaded_by=request.user
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("participants:import_preview", cohort_pk=cohort.pk, pk=batch.pk)
    return render(request, "participants/import_upload.html", {"cohort": cohort, "form": form})


@rule_required(can_manage_cohorts)
def import_preview(request, cohort_pk, pk):
    batch = get_object_or_404(
        within_reach(ImportBatch.objects.select_related("cohort__program"), request.user),
        pk=pk,
        cohort_id=cohort_pk,
    )
    if request.method == "POST":
        try:
            result = import_apply(batch=batch)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("participants:import_preview", cohort_pk=cohort_pk, pk=pk)
        messages.success(
            request,
            _("%(count)s peserta baru didaftarkan; data yang berubah diperbarui.")
            % {"count": result["enrolled"]},
        )
        return redirect(batch.cohort)
    # Up to 5,000 rows (importing.MAX_ROWS): the rows, or the problems, one page at a time.
    return render(
        request,
        "participants/import_preview.html",
        {
            "batch": batch,
            "cohort": batch.cohort,
            "columns": [label for _k, label in COLUMNS],
            "rows": page_of(request, batch.rows or []),
            "errors": page_of(request, batch.errors or []),
        },
    )


@rule_required(can_manage_cohorts)
def import_template(request, kind):
    """The import template: what to do, the headers, and one example row marked as one
    (the importer never imports it)."""
    title, header, rows = import_template_table()
    return table_response(
        "templat-impor-peserta", kind, header, rows, title=title, example_rows=len(rows)
    )


@rule_required(can_manage_cohorts)
def roster_export(request, cohort_pk, kind):
    cohort = cohort_or_404(
        request.user,
        cohort_pk,
        Cohort.objects.select_related("program", "organiser", "co_organiser"),
    )
    form = RosterFilterForm(request.GET or None, cohort=cohort)
    roster = roster_filtered(cohort, form.filters())
    rows = [roster_row(e) for e in roster]
    title = export_title(_("Daftar peserta"), cohort)
    response = table_response(
        f"peserta-{cohort.program.code}-{cohort.angkatan}", kind, ROSTER_HEADER, rows, title=title
    )
    export_record(request, cohort, f"Daftar peserta ({kind.upper()}, {len(rows)} baris)")
    return response


@rule_required(object_checked_in_view)
def participant_detail(request, pk):
    is_staff_view = can_manage_cohorts(request.user)
    if is_staff_view:
        # Staff see the participants enrolled in their agencies' cohorts, and of their
        # history only those cohorts.
        participant = participant_within_reach_or_404(
            request.user, pk, Participant.objects.select_related("agency", "user")
        )
    else:
        participant = get_object_or_404(Participant.objects.select_related("agency", "user"), pk=pk)
        deny_unless(can_view_participant(request.user, participant))
    history = participant_history(participant)
    if is_staff_view:
        history = within_reach(history, request.user)
    return render(
        request,
        "participants/participant_detail.html",
        {
            "participant": participant,
            "history": history,
            "is_staff_view": is_staff_view,
            "account_active": account_active(participant.user),
            "whatsapp_link": invitation_whatsapp_link(person=participant)
            if is_staff_view
            else None,
        },
    )


@require_POST
@rule_required(can_manage_cohorts)
def invitation_resend(request, pk):
    participant = participant_within_reach_or_404(
        request.user, pk, Participant.objects.select_related("user")
    )
    participant_account_ensure(participant=participant)
    if invitation_send(participant=participant):
        messages.success(
            request, _("Undangan dikirim ke %(email)s.") % {"email": participant.email}
        )
    else:
        messages.error(request, _("Peserta ini belum memiliki alamat surel."))
    return redirect(participant)


def _groups_create(request, cohort, forms):
    try:
        group_create(cohort=cohort, **forms["create"].cleaned_data)
    except ValidationError as error:
        forms["create"].add_error(None, error)
        return False
    messages.success(request, _("Kelompok dibuat."))
    return True


def _groups_propose(request, cohort, forms):
    count = forms["propose"].cleaned_data["count"]
    groups_propose(cohort=cohort, count=count)
    messages.success(
        request,
        _("Peserta dibagi ke %(count)s kelompok menurut tema, dengan instansi disebar.")
        % {"count": count},
    )
    return True


def _groups_move(request, cohort, forms):
    moved = group_members_set(cohort=cohort, assignments=forms["move"].cleaned_data["assignments"])
    messages.success(request, _("%(count)s peserta dipindahkan.") % {"count": moved})
    return True


MENTEES_FINISHED = "selesai"  # ?tampil= of the mentor list's finished tab


# The board's three forms, by the name of the button that sends each.
GROUP_ACTIONS = {
    "create": (StudyGroupForm, _groups_create),
    "propose": (GroupProposeForm, _groups_propose),
    "move": (GroupMovesForm, _groups_move),
}


@rule_required(can_manage_cohorts)
def groups_board(request, cohort_pk):
    """The groups with their sizes, and one page of the participants (searched, filtered by
    group) with a tick box each and one picker that moves the ticked ones: the page costs the
    same for 40 participants as for 10,000."""
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    sent = next((name for name in GROUP_ACTIONS if name in request.POST), None)
    forms = {
        name: form_class(request.POST if name == sent else None)
        for name, (form_class, _handle) in GROUP_ACTIONS.items()
    }
    if sent and forms[sent].is_valid() and GROUP_ACTIONS[sent][1](request, cohort, forms):
        # Back to the same page of the same search, where the move was made.
        return redirect(request.get_full_path())
    summary = groups_summary(cohort, every=request.GET.get("kelompok_semua") == "1")
    search = GroupBoardFilterForm(request.GET or None)
    filters = search.filters()
    everyone = not filters["q"] and not filters.get("group") and not filters["kelompok"]
    page = page_of(
        request,
        group_board_members(
            cohort,
            query=filters["q"],
            group=filters.get("group"),
            group_name=filters["kelompok"],
        ),
        # Unsearched, the list is everyone in a group or none: counted with the summary.
        count=summary["total"] if everyone else None,
    )
    return render(
        request,
        "participants/groups_board.html",
        {
            "cohort": cohort,
            "summary": summary,
            "search": search,
            "page": page,
            "query": page.query,
            "create_form": forms["create"],
            "propose_form": forms["propose"],
            "move_form": forms["move"],
            # A refused move shows the same members ticked and the same group chosen.
            "chosen": set(forms["move"].chosen()) if sent == "move" else set(),
            "target": request.POST.get("target", "") if sent == "move" else "",
            "ungrouped_value": UNGROUPED,
        },
    )


@rule_required(can_edit_eligibility)
def eligibility_edit(request, code):
    program = get_object_or_404(Program, code=code)
    policy = policy_for(program)
    form = EligibilityPolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        policy_save(
            program=program,
            allowed_levels=data["allowed_levels"],
            min_years_before_retirement=data["min_years_before_retirement"],
            max_per_agency=data["max_per_agency"],
            refuse_overlapping=data["refuse_overlapping"],
            retirement_ages={
                level: data[f"bup_{level}"] for level, _label in PositionLevel.choices
            },
        )
        messages.success(request, _("Syarat peserta %(program)s disimpan.") % {"program": program})
        return redirect(program)
    return render(request, "participants/eligibility_form.html", {"program": program, "form": form})


@rule_required(is_mentor)
def my_mentees(request):
    """A mentor's mentees whose project is running, what waits for the mentor first, one page
    at a time; the finished ones under the "Selesai" tab (?tampil=selesai), as on the
    widyaiswara's queue. The mentor scores them once grading opens."""
    search = SearchForm(request.GET or None)
    query = search.filters()["q"]
    finished = request.GET.get("tampil") == MENTEES_FINISHED
    mentor = request.user.mentor
    counts = mentee_counts(mentor, query=query)
    page = page_of(
        request,
        mentees_of(mentor, query=query, finished=finished),
        count=counts["finished" if finished else "running"],
    )
    kept = {"q": query} if query else {}
    tabs = [
        (_("Sedang berjalan"), counts["running"], urlencode(kept), not finished),
        (
            _("Selesai"),
            counts["finished"],
            urlencode({**kept, "tampil": MENTEES_FINISHED}),
            finished,
        ),
    ]
    return render(
        request,
        "participants/my_mentees.html",
        {
            "enrolments": page,
            "page": page,
            "query": page.query,
            "search": search,
            "tabs": tabs,
            "show_finished": finished,
            "counts": counts,
        },
    )


@rule_required(can_manage_cohorts)
def attendance_edit(request, pk, phase_pk, day):
    """One page of the day's attendance (about 50 rows, searched by name or NIP): a save
    records the rows shown and leaves the other pages as they are."""
    cohort, phase = campus_phase_or_404(request.user, pk, phase_pk)
    if day not in phase_days(phase):
        raise Http404
    if day > timezone.localdate():
        messages.error(request, ERROR_FUTURE_DAY % {"date": date_format(day, "DATE_FORMAT")})
        return redirect("cohorts:phase_detail", pk=cohort.pk, phase_pk=phase.pk)
    search = SearchForm(request.GET or None)
    query = search.filters()["q"]
    counts = attendance_counts(phase, day)
    # Without a search the list is the whole cohort, already counted with the statuses.
    page = page_of(
        request,
        attendance_roster(cohort, query=query),
        count=None if query else counts["enrolled"],
    )
    roster = attendance_page_statuses(phase, day, list(page))
    form = AttendanceForm(request.POST or None, roster=roster)
    if request.method == "POST" and form.is_valid():
        try:
            attendance_record(
                phase=phase, date=day, statuses=form.statuses(), recorded_by=request.user
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            saved = _("Presensi %(date)s disimpan.") % {"date": date_format(day, "DATE_FORMAT")}
            if not page.has_next():
                messages.success(request, saved)
                return redirect("cohorts:phase_detail", pk=cohort.pk, phase_pk=phase.pk)
            # Straight on to the next page of the same search: a large cohort is taken page
            # by page.
            messages.success(
                request,
                _("%(saved)s Halaman %(number)s dari %(total)s tersimpan; lanjutkan di sini.")
                % {"saved": saved, "number": page.number, "total": page.paginator.num_pages},
            )
            following = f"page={page.next_page_number()}"
            return redirect(f"{request.path}?{'&'.join(filter(None, [page.query, following]))}")
    return render(
        request,
        "participants/attendance_form.html",
        {
            "cohort": cohort,
            "phase": phase,
            "day": day,
            "form": form,
            "search": search,
            "page": page,
            "query": page.query,
            "counts": counts,
        },
    )
