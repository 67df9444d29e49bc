from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404, refuse, within_reach, works_for_organiser
from cohorts.selectors import cohort_with_phases, cohorts_of_widyaiswara
from config.downloads import stored_file_response
from config.pagination import PER_PAGE, page_of, page_rows
from config.permissions import (
    can_edit_programs,
    can_manage_cohorts,
    deny_unless,
    is_mentor,
    is_participant,
    is_widyaiswara,
    object_checked_in_view,
    rule_required,
)
from curriculum.models import Program
from participants.attendance import AttendanceRule, attendance_rows, attendance_warnings
from participants.models import Enrolment
from participants.selectors import participant_training, roster_filtered

from . import forms as f
from .closing import enrolment_status_set, grades_close, grades_reopen
from .documents import ERROR_TOO_LARGE, SizeLimitedUpload, document_upload, max_upload_bytes
from .filters import (
    SHOW_FINISHED,
    CohortRosterFilterForm,
    GradebookFilterForm,
    QueueFilterForm,
    gradebook_sent,
)
from .gradebook import component_scores_record
from .models import (
    Actor,
    ChangeProject,
    GradesEvent,
    ProjectDocument,
    ScoringRole,
    State,
)
from .paper import paper_links
from .scoring import (
    SCORING_STATES,
    project_score_of,
    rubrics_check,
    rubrics_of,
    rubrics_save,
    rubrics_used,
    sheet_save,
)
from .selectors import (
    PROJECT_RELATED,
    component_history,
    criterion_history,
    enrolment_final_score,
    enrolments_with_finals,
    finals_attach,
    finals_summary,
    gradebook_filtered,
    gradebook_of,
    gradebook_page_rows,
    grading_of,
    project_sheets_submitted,
    projects_of,
    queue_counts,
    queue_of,
    score_sheet_of,
    seminars_next_of,
    seminars_of_cohort,
    seminars_of_examiner,
)
from .seminars import seminar_schedule
from .services import project_edit_save, themes_save
from .workflow import (
    ACTOR_LABELS,
    approval_recorded_waiting,
    approvals_pending,
    project_roles,
    step_take,
    steps_open_to,
)

SCORER_ROLES = (ScoringRole.COACH, ScoringRole.MENTOR, ScoringRole.EXAMINER)


def supervises(user):
    return is_widyaiswara(user) or is_mentor(user)


def _allowed_or_refused(user, roles):
    """No role on the project: staff of another agency get 404 (cohorts.scope), others 403."""
    if not roles:
        refuse(user, can_manage_cohorts)


def _project(pk):
    return get_object_or_404(ChangeProject.objects.select_related(*PROJECT_RELATED), pk=pk)


# The cohort page lists the first ten who cross the attendance rules; the others are on the
# recap page.
ATTENDANCE_WARNINGS_SHOWN = 10


@rule_required(can_manage_cohorts)
def cohort_detail(request, pk):
    """The cohort's page: its phases, one page of the roster with each final score, the
    cohort's figures (enrolled, scored, passing, by status and predicate, counted in SQL) and
    the latest certificate batch. It lives here because it shows final scores."""
    # Another agency's cohort is not found, as one that does not exist.
    cohort = cohort_or_404(request.user, pk, cohort_with_phases())
    filter_form = CohortRosterFilterForm(request.GET or None, cohort=cohort)
    grading = grading_of(cohort.program)
    summary = finals_summary(Enrolment.objects.filter(cohort=cohort), grading)
    roster = _stable(filter_form.apply(roster_filtered(cohort, filter_form.filters())))
    page = page_of(request, roster)
    page.object_list = finals_attach(
        page_rows(page, enrolments_with_finals(roster, grading)), grading
    )
    phases = list(cohort.phases.all())
    # The first few who cross the attendance rules, one more to know whether the full list
    # (participants:attendance_recap) has others: one query.
    warnings = attendance_rows(attendance_warnings(cohort)[: ATTENDANCE_WARNINGS_SHOWN + 1])
    return render(
        request,
        "projects/cohort_detail.html",
        {
            "cohort": cohort,
            "phases": phases,
            "attendance_warnings": warnings[:ATTENDANCE_WARNINGS_SHOWN],
            "attendance_warnings_more": len(warnings) > ATTENDANCE_WARNINGS_SHOWN,
            "rule": AttendanceRule.of(cohort.program),
            "total_jp": sum(p.jp for p in phases),
            "roster": page,
            "filter_form": filter_form,
            "summary": summary,
            "enrolled": summary["enrolled"],
            "passing": summary["passing"],
            "statuses": [
                (label, summary["statuses"][value])
                for value, label in Enrolment.Status.choices
                if summary["statuses"][value]
            ],
            "latest_batch": cohort.certificate_batches.first(),
            "works_for_organiser": works_for_organiser(request.user, cohort),
        },
    )


def _stable(enrolments):
    """The same order with the primary key last, so that rows of equal names keep their
    page from one request to the next."""
    return enrolments.order_by(*enrolments.query.order_by, "pk")


@rule_required(is_participant)
def my_training(request):
    """A participant's cohorts, each with its final score so far."""
    participant = request.user.participant
    enrolments = list(participant_training(participant))
    for enrolment in enrolments:  # a participant has a handful of enrolments at most
        enrolment.final = enrolment_final_score(enrolment)
    return render(
        request,
        "projects/my_training.html",
        {"participant": participant, "enrolments": enrolments},
    )


# The queue's lists, each paged on its own (a widyaiswara's years gather thousands of
# projects): the context name, the page parameter and the list's anchor.
QUEUE_PAGES = (
    ("designs", "hal_rancangan", "queue-designs"),
    ("reports", "hal_laporan", "queue-reports"),
    ("scores", "hal_nilai", "queue-scores"),
)
# The page shows about fifty rows in all, whatever waits: ten of each waiting list and twenty
# projects in progress; the finished ones, alone under their tab, fifty.
QUEUE_WAITING_PER_PAGE = 10
QUEUE_PROJECTS_PER_PAGE = 20


@rule_required(supervises)
def queue(request):
    """What waits for a widyaiswara or a mentor now, and the projects they supervise that
    are in progress; the finished ones under the "Selesai" tab (?tampil=selesai). Every
    list is searched, filtered and paged in SQL."""
    filter_form = QueueFilterForm(request.GET or None)
    projects = filter_form.apply(projects_of(request.user))
    lists, counts = queue_of(request.user, projects), queue_counts(projects)
    finished = filter_form.finished
    context = {"filter_form": filter_form, "counts": counts, "show_finished": finished}
    if not finished:
        for name, param, anchor in QUEUE_PAGES:
            context[name] = page_of(
                request,
                lists[name],
                param=param,
                count=counts[name],
                per_page=QUEUE_WAITING_PER_PAGE,
            )
            context[name].anchor = anchor
    shown = "finished" if finished else "supervised"
    per_page = PER_PAGE if finished else QUEUE_PROJECTS_PER_PAGE
    context["projects"] = context[shown] = page_of(
        request, lists[shown], count=counts[shown], per_page=per_page
    )
    # The widyaiswara's latest cohorts, for their schedules; older ones are in the history.
    context["cohorts"] = list(cohorts_of_widyaiswara(request.user)[:COHORT_LINKS])
    context["seminars"] = seminars_next_of(request.user)
    context["tabs"] = _queue_tabs(filter_form, counts)
    return render(request, "projects/queue.html", context)


COHORT_LINKS = 12


def _queue_tabs(filter_form, counts):
    """The two tabs, keeping the search and the stage: (label, count, query string, current)."""
    kept = {k: v for k, v in filter_form.filters().items() if v and k != "tampil"}
    return [
        (_("Sedang berjalan"), counts["supervised"], urlencode(kept), not filter_form.finished),
        (
            _("Selesai"),
            counts["finished"],
            urlencode({**kept, "tampil": SHOW_FINISHED}),
            filter_form.finished,
        ),
    ]


@rule_required(object_checked_in_view)
def detail(request, pk):
    project = _project(pk)
    roles = project_roles(request.user, project)
    _allowed_or_refused(request.user, roles)
    return render(request, "projects/project_detail.html", _project_page_context(project, roles))


def _scorer_links(project, roles):
    """The score sheets this user may fill in now: their scoring roles open at this stage."""
    return [
        (role, role.label)
        for role in SCORER_ROLES
        if role in roles and project.state in SCORING_STATES[role]
    ]


def _project_page_context(project, roles):
    is_owner = Actor.PARTICIPANT in roles
    pending = approvals_pending(project) if project.state == State.DESIGN_SUBMITTED else set()
    return {
        "project": project,
        "roles": roles,
        "is_owner": is_owner,
        "steps": [
            (step, f.StepForm(initial={"action": step.action}))
            for step in steps_open_to(project, roles, pending=pending)
        ],
        "pending": [ACTOR_LABELS[r] for r in sorted(pending)],
        "approved_waiting": approval_recorded_waiting(roles, pending),
        "stakeholders": project.stakeholders.all(),
        "team": project.team.all(),
        "milestones": project.milestones.all(),
        "documents": project.documents.select_related("uploaded_by"),
        "history_steps": project.steps.select_related("actor", "entered_by", "paper"),
        "paper_links": paper_links(project, roles),
        "sheets": project_sheets_submitted(project),
        "result": project_score_of(project),
        "scorer_links": _scorer_links(project, roles),
        "document_form": f.DocumentForm() if is_owner else None,
        "score_history": criterion_history(sheet__project=project)
        if roles - {Actor.PARTICIPANT}
        else None,
        "with_values": _milestone_values(project),
    }


@rule_required(object_checked_in_view)
def step(request, pk):
    project = _project(pk)
    _allowed_or_refused(request.user, project_roles(request.user, project))
    if request.method != "POST":
        return redirect(project)
    form = f.StepForm(request.POST)
    if form.is_valid():
        try:
            project = step_take(
                project=project,
                user=request.user,
                action=form.cleaned_data["action"],
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _step_taken_message(project, form.cleaned_data["action"]))
    return redirect("projects:detail", pk=pk)


def _step_taken_message(project, action):
    """What happened and what waits next: an approval that still waits for the other
    approver says whom it waits for."""
    if action == "approve_design" and project.state == State.DESIGN_SUBMITTED:
        waiting = ", ".join(str(ACTOR_LABELS[r]) for r in sorted(approvals_pending(project)))
        return _("Persetujuan Anda tercatat; menunggu %(who)s.") % {"who": waiting}
    return _("Langkah tercatat. Tahap proyek: %(state)s.") % {"state": project.get_state_display()}


def _milestone_values(project):
    # BerAKHLAK values are asked of Latsar actualization only.
    return project.enrolment.cohort.program.project_label.lower().startswith("aktualisasi")


@rule_required(is_participant)
def edit(request, pk):
    project = _project(pk)
    deny_unless(Actor.PARTICIPANT in project_roles(request.user, project))
    if not project.participant_may_edit:
        messages.error(
            request,
            _("Proyek pada tahap “%(state)s” tidak dapat diubah oleh peserta.")
            % {"state": project.get_state_display()},
        )
        return redirect(project)
    data = request.POST if request.method == "POST" else None
    # "Tambah baris" without JavaScript: the same page with one more empty row, not saved.
    adding = data is not None and data.get("add_row") in f.PROJECT_ROWS
    if adding:
        data = f.project_rows_added(data, data["add_row"])
    form, stakeholders, team, milestones = f.project_forms(
        data, project=project, with_values=_milestone_values(project)
    )
    formsets = [stakeholders, team, milestones]
    # Every part is checked (no short cut), so that every wrong field is marked at once.
    valid = data is not None and all([part.is_valid() for part in [form, *formsets]])
    if valid and not adding:
        project_edit_save(project=project, form=form, formsets=formsets)
        messages.success(request, _("Proyek tersimpan."))
        return redirect(project)
    return render(
        request,
        "projects/project_form.html",
        {
            "project": project,
            "form": form,
            "stakeholders": stakeholders,
            "team": team,
            "milestones": milestones,
            "unsaved": data is not None,
            "refused": data is not None and not adding,
        },
    )


@rule_required(is_participant)
@csrf_exempt  # checked below, once the size limit is in place (it must come first)
def upload(request, pk):
    request.upload_handlers.insert(0, SizeLimitedUpload(request, max_upload_bytes()))
    return _upload(request, pk)


@csrf_protect
def _upload(request, pk):
    project = _project(pk)
    deny_unless(Actor.PARTICIPANT in project_roles(request.user, project))
    if request.method != "POST":
        return redirect(project)
    files = request.FILES  # read the body now: the size limit is known only afterwards
    if _upload_refused_as_too_large(request):
        return redirect(project)
    form = f.DocumentForm(request.POST, files)
    if form.is_valid():
        try:
            document = document_upload(
                project=project,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                user=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("%(document)s tersimpan.") % {"document": document},
            )
    else:
        messages.error(request, _("Pilih jenis dokumen dan berkasnya."))
    return redirect(project)


def _upload_refused_as_too_large(request):
    """Whether SizeLimitedUpload stopped a file over the limit; if so, the participant is
    told which file and what the limit is."""
    too_large = getattr(request, "upload_too_large", None)
    if too_large is not None:
        messages.error(
            request,
            str(ERROR_TOO_LARGE) % {"name": too_large, "limit": settings.PROJECT_UPLOAD_MAX_MB},
        )
    return too_large is not None


@rule_required(object_checked_in_view)
def document(request, pk):
    document = get_object_or_404(ProjectDocument, pk=pk)
    project = _project(document.project_id)
    _allowed_or_refused(request.user, project_roles(request.user, project))
    name = f"{document.kind}-v{document.version}-{project.enrolment.participant.nip}"
    try:
        return stored_file_response(document.file, f"{name}.{document.extension}")
    except FileNotFoundError as missing:
        raise Http404 from missing


@rule_required(supervises)
def sheet(request, pk, role):
    project = _project(pk)
    if role not in ScoringRole.values:
        raise Http404
    deny_unless(role in project_roles(request.user, project))
    rubric = rubrics_of(project.enrolment.cohort.program).get(role)
    if rubric is None:
        messages.error(request, _("Program ini belum memiliki rubrik untuk penilai ini."))
        return redirect(project)
    current = score_sheet_of(project=project, role=role, scorer=request.user)
    form = f.SheetForm(
        request.POST or None,
        initial=f.sheet_initial(current),
        criteria=rubric.criteria_list,
        participant=project.enrolment.participant.name,
    )
    if request.method == "POST" and form.is_valid() and _sheet_saved(request, project, role, form):
        return redirect(project)
    context = {"form": form, "project": project, "rubric": rubric}
    context["role_label"] = ScoringRole(role).label
    context["submitted"] = current is not None and current.submitted_at is not None
    return render(request, "projects/sheet_form.html", context)


def _sheet_saved(request, project, role, form):
    """Saves the scorer's sheet and says so; a refusal goes onto the form, to be shown again."""
    try:
        sheet_save(
            project=project,
            role=role,
            scorer=request.user,
            values=form.values(),
            version=form.cleaned_data["version"],
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return False
    messages.success(
        request,
        _("Nilai %(role)s untuk %(name)s tersimpan.")
        % {"role": ScoringRole(role).label, "name": project.enrolment.participant.name},
    )
    return True


@rule_required(can_manage_cohorts)
def gradebook(request, cohort_pk):
    """One page of the cohort's gradebook, searched and filtered in SQL. Saving reads and
    writes only the rows the page showed (the cells it sent); a refused save comes back with
    those rows as typed."""
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    if request.GET.get("format") == "xlsx":
        # The spreadsheet is the final report's (documents); this address still answers.
        return redirect(reverse("documents:final_report_xlsx", args=[cohort.pk]))
    filter_form = GradebookFilterForm(request.GET or None, cohort=cohort)
    grading = grading_of(cohort.program)
    listed = gradebook_filtered(cohort, grading, filter_form.filters())
    page = page_of(request, listed)
    # A save: the rows whose cells the page sent, whatever the list holds by now.
    sent = gradebook_sent(request.POST) if request.method == "POST" else None
    rows = page_rows(page, listed) if sent is None else gradebook_of(cohort, grading, sent)
    rows = gradebook_page_rows(rows, grading)
    components = list(grading.components)
    form = f.GradebookForm(request.POST or None, rows=rows, components=components)
    if request.method == "POST" and form.is_valid():
        try:
            changed = component_scores_record(
                cohort=cohort,
                values=form.cleaned_data["values"],
                loaded=form.cleaned_data["loaded"],
                recorded_by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.refuse(error)  # nothing was saved; the page comes back as it was typed
        else:
            messages.success(request, _("%(count)s nilai disimpan.") % {"count": changed})
            # Back to the same page of the same search.
            return redirect(request.get_full_path())
    context = {"cohort": cohort, "components": components, "rows": form.grid(rows), "form": form}
    context.update(page=page, filter_form=filter_form)
    context.update(closed=cohort.grades_closed_at is not None, reopen_form=f.ReasonForm())
    return render(request, "projects/gradebook.html", context)


@rule_required(can_manage_cohorts)
def grades_closing(request, cohort_pk, action):
    cohort = cohort_or_404(request.user, cohort_pk)
    if request.method == "POST":
        try:
            if action == "close":
                grades_close(cohort=cohort, actor=request.user)
                messages.success(
                    request, _("Nilai ditutup; hasil kelulusan tercatat pada setiap peserta.")
                )
            else:
                form = f.ReasonForm(request.POST)
                reason = form.cleaned_data["reason"] if form.is_valid() else ""
                grades_reopen(cohort=cohort, actor=request.user, reason=reason)
                messages.success(request, _("Nilai dibuka kembali."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
    return redirect("projects:gradebook", cohort_pk=cohort.pk)


@require_POST
@rule_required(can_manage_cohorts)
def enrolment_status(request, pk):
    """Staff mark a participant withdrawn or deferred (or active again), with a reason."""
    enrolment = get_object_or_404(
        within_reach(Enrolment.objects.select_related("cohort", "participant"), request.user),
        pk=pk,
    )
    form = f.EnrolmentStatusForm(request.POST)
    form.is_valid()  # both fields optional: the service refuses what is missing, in words
    try:
        enrolment_status_set(enrolment=enrolment, actor=request.user, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Status peserta diubah."))
    return redirect(enrolment.participant)


@rule_required(can_manage_cohorts)
def grades_history(request, cohort_pk):
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    return render(
        request,
        "projects/grades_history.html",
        {
            "cohort": cohort,
            "criteria": criterion_history(sheet__project__enrolment__cohort=cohort),
            "components": component_history(enrolment__cohort=cohort),
            "events": GradesEvent.objects.filter(cohort=cohort).select_related("actor"),
        },
    )


# A seminar's card lists its participants (a group, some ten to thirty): twenty cards a page.
SEMINARS_PER_PAGE = 20


@rule_required(can_manage_cohorts)
def cohort_seminars(request, cohort_pk):
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    search = request.GET.get("peserta", "")
    form = f.SeminarForm(request.POST or None, cohort=cohort, search=search)
    if request.method == "POST" and form.is_valid():
        try:
            seminar_schedule(
                cohort=cohort,
                starts_at=form.cleaned_data["starts_at"],
                room=form.cleaned_data["room"],
                examiners=form.cleaned_data["examiners"],
                enrolments=form.cleaned_data["chosen"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Seminar dijadwalkan."))
            return redirect("projects:cohort_seminars", cohort_pk=cohort.pk)
    return render(
        request,
        "projects/cohort_seminars.html",
        {
            "cohort": cohort,
            "seminars": page_of(request, seminars_of_cohort(cohort), per_page=SEMINARS_PER_PAGE),
            "form": form,
            "search": search,
        },
    )


@rule_required(is_widyaiswara)
def my_seminars(request):
    return render(
        request,
        "projects/my_seminars.html",
        {
            "seminars": page_of(
                request, seminars_of_examiner(request.user), per_page=SEMINARS_PER_PAGE
            )
        },
    )


@rule_required(is_participant)
def my_project(request):
    """The participant's current project (of their latest cohort)."""
    project = (
        ChangeProject.objects.filter(enrolment__participant__user=request.user)
        .order_by("-enrolment__cohort__start_date")
        .first()
    )
    if project is None:
        raise Http404
    return redirect(project)


@rule_required(can_edit_programs)
def rubrics(request, code):
    program = get_object_or_404(Program, code=code)
    current = rubrics_of(program)  # a program without rubrics gets the defaults here
    used = rubrics_used(program)
    data = request.POST if request.method == "POST" and not used else None
    form = f.RubricsForm(data, rubrics=current, roles=SCORER_ROLES)
    error = None
    if data is not None and form.is_valid():
        role_weights, rows = form.role_weights(), form.criteria()
        try:
            rubrics_check(role_weights, {r: [w for *_x, w in v] for r, v in rows.items()})
            rubrics_save(program=program, role_weights=role_weights, criteria=rows)
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
        else:
            messages.success(request, _("Rubrik tersimpan."))
            return redirect("projects:rubrics", code=program.code)
    return render(
        request,
        "projects/rubrics_form.html",
        {"program": program, "sections": form.sections, "used": used, "error": error},
    )


@rule_required(can_edit_programs)
def themes(request):
    formset = f.ThemeFormSet(request.POST or None, prefix="themes")
    if request.method == "POST" and formset.is_valid():
        themes_save(formset=formset)
        messages.success(request, _("Daftar tema tersimpan."))
        return redirect("projects:themes")
    return render(request, "projects/themes_form.html", {"formset": formset})
