"""Pages of the follow-up after the training and of the public catalogue of innovations
(projects.follow_up, projects.catalogue; README, "Follow-up and the innovation catalogue")."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from cohorts.scope import refuse
from config.downloads import stored_file_response
from config.pagination import page_of
from config.permissions import (
    can_manage_cohorts,
    deny_unless,
    is_mentor,
    is_participant,
    object_checked_in_view,
    public,
    rule_required,
)

from .catalogue import (
    catalogue_entries,
    catalogue_facets,
    catalogue_publish,
    catalogue_search,
    catalogue_unpublish,
    may_publish,
    region_default,
)
from .documents import ERROR_TOO_LARGE, SizeLimitedUpload, document_check, max_upload_bytes
from .follow_up import (
    follow_up_answer_save,
    follow_up_by_cohort,
    follow_up_by_theme,
    follow_up_confirm,
    followed_milestones,
    rounds_of_mentor,
    rounds_of_participant,
)
from .models import (
    Actor,
    CataloguePublication,
    ChangeProject,
    FollowUpAnswer,
    FollowUpRound,
    Theme,
)
from .workflow import project_roles

ERROR_ROWS = gettext_lazy(
    "Tindak lanjut belum tersimpan: periksa tonggak %(rows)s. Berkas bukti perlu dipilih lagi."
)
ERROR_EVIDENCE_REQUIRED = gettext_lazy(
    "Status “Selesai” perlu bukti: unggah berkas atau tulis tautannya."
)


class AnswerForm(forms.Form):
    """One milestone's row of a round: status, a short note, evidence (file or link)."""

    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=FollowUpAnswer.Status.choices)
    note = forms.CharField(label=gettext_lazy("Catatan singkat"), max_length=500, required=False)
    link = forms.URLField(
        label=gettext_lazy("Tautan bukti"), max_length=500, required=False, assume_scheme="https"
    )
    file = forms.FileField(label=gettext_lazy("Berkas bukti"), required=False)

    def __init__(self, *args, answer=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.answer = answer
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-select" if name == "status" else "form-control"

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload:
            # By content, as every project upload (projects.documents).
            self.cleaned_data["extension"] = document_check(upload)
        return upload

    def clean(self):
        data = super().clean()
        has_evidence = data.get("link") or data.get("file") or (self.answer and self.answer.file)
        if data.get("status") == FollowUpAnswer.Status.DONE and not has_evidence:
            self.add_error("link", ERROR_EVIDENCE_REQUIRED)
        return data


def _answer_forms(round_, milestones, data=None, files=None):
    answers = {a.milestone_id: a for a in round_.answers.all()}
    rows = []
    for milestone in milestones:
        answer = answers.get(milestone.pk)
        initial = (
            {"status": answer.status, "note": answer.note, "link": answer.link} if answer else {}
        )
        form = AnswerForm(data, files, prefix=f"m{milestone.pk}", initial=initial, answer=answer)
        rows.append((milestone, form, answer))
    return rows


def _round(pk):
    return get_object_or_404(
        FollowUpRound.objects.select_related(
            "project__theme",
            "project__enrolment__participant",
            "project__enrolment__mentor",
            "project__enrolment__cohort__program",
        ),
        pk=pk,
    )


def _roles_or_refused(user, project):
    """What the user is to the project; staff of another agency get 404, others 403."""
    roles = project_roles(user, project)
    if not roles:
        refuse(user, can_manage_cohorts)
    return roles


@rule_required(is_participant)
def follow_up_mine(request):
    """*Tindak lanjut proyek*: the participant's rounds and their projects' catalogue pages."""
    participant = request.user.participant
    rounds = list(rounds_of_participant(participant))
    projects = list(
        ChangeProject.objects.filter(enrolment__participant=participant)
        .select_related("enrolment__cohort__program", "publication")
        .order_by("-enrolment__cohort__start_date")
    )
    for project in projects:
        project.publishable = may_publish(project)
    return render(request, "projects/follow_up_mine.html", {"rounds": rounds, "projects": projects})


@rule_required(object_checked_in_view)
@csrf_exempt  # checked below, once the size limit is in place (it must come first)
def follow_up_round(request, pk):
    """A round: the participant answers it (until the mentor confirms), the mentor confirms
    it, the coach and staff of the cohort read it."""
    if request.method == "POST":
        request.upload_handlers.insert(0, SizeLimitedUpload(request, max_upload_bytes()))
    return _follow_up_round(request, pk)


@csrf_protect
def _follow_up_round(request, pk):
    round_ = _round(pk)
    project = round_.project
    roles = _roles_or_refused(request.user, project)
    is_owner = Actor.PARTICIPANT in roles
    editable = is_owner and round_.confirmed_at is None
    milestones = followed_milestones(project)
    error = None
    if request.method == "POST":
        deny_unless(is_owner)
        files = request.FILES  # read the body now: the size limit is known only afterwards
        too_large = getattr(request, "upload_too_large", None)
        rows = _answer_forms(round_, milestones, request.POST, files)
        if too_large is not None:
            error = str(ERROR_TOO_LARGE) % {
                "name": too_large,
                "limit": settings.PROJECT_UPLOAD_MAX_MB,
            }
        elif not editable:
            error = _("Tindak lanjut ini sudah dikonfirmasi mentor; isiannya tidak dapat diubah.")
        elif all([form.is_valid() for _m, form, _a in rows]):
            try:
                follow_up_answer_save(
                    round_=round_,
                    user=request.user,
                    rows=[(milestone, form.cleaned_data) for milestone, form, _a in rows],
                )
            except ValidationError as invalid:
                error = " ".join(invalid.messages)
            else:
                messages.success(request, _("Tindak lanjut tersimpan."))
                return redirect("projects:follow_up_round", pk=round_.pk)
        else:
            wrong = ", ".join(f"“{m.activity}”" for m, form, _a in rows if form.errors)
            error = str(ERROR_ROWS) % {"rows": wrong}
    else:
        rows = _answer_forms(round_, milestones)
    return render(
        request,
        "projects/follow_up_round.html",
        {
            "round": round_,
            "project": project,
            "rows": rows,
            "editable": editable,
            "may_confirm": Actor.MENTOR in roles
            and round_.answered_at is not None
            and round_.confirmed_at is None,
            "error": error,
        },
        status=400 if error else 200,
    )


@rule_required(is_mentor)
def follow_up_confirm_view(request, pk):
    """The mentor confirms the round (POST), with an optional note."""
    round_ = _round(pk)
    roles = _roles_or_refused(request.user, round_.project)
    deny_unless(Actor.MENTOR in roles)
    if request.method == "POST":
        try:
            follow_up_confirm(
                round_=round_, user=request.user, note=request.POST.get("note", "")[:2000]
            )
        except ValidationError as invalid:
            messages.error(request, " ".join(invalid.messages))
        else:
            messages.success(request, _("Tindak lanjut dikonfirmasi."))
    return redirect("projects:follow_up_round", pk=round_.pk)


@rule_required(is_mentor)
def follow_up_queue(request):
    """The mentor's list: rounds to confirm first, paged."""
    page = page_of(request, rounds_of_mentor(request.user), per_page=20)
    return render(request, "projects/follow_up_queue.html", {"rounds": page})


@rule_required(object_checked_in_view)
def follow_up_evidence(request, pk):
    answer = get_object_or_404(FollowUpAnswer.objects.select_related("round"), pk=pk)
    round_ = _round(answer.round_id)
    _roles_or_refused(request.user, round_.project)
    if not answer.file:
        raise Http404
    name = f"bukti-{round_.months}bln-{answer.milestone_id}.{answer.extension}"
    try:
        return stored_file_response(answer.file, name)
    except FileNotFoundError as missing:
        raise Http404 from missing


# Staff lists show about fifty rows; cohorts and themes are paged on their own.
DASHBOARD_PER_PAGE = 25


@rule_required(can_manage_cohorts)
def follow_up_dashboard(request):
    """Staff: the follow-up per cohort and per theme, of the cohorts they work on."""
    cohorts = page_of(
        request, follow_up_by_cohort(request.user), param="hal_angkatan",
        per_page=DASHBOARD_PER_PAGE,
    )  # fmt: skip
    themes = page_of(
        request, follow_up_by_theme(request.user), param="hal_tema", per_page=DASHBOARD_PER_PAGE
    )
    return render(
        request,
        "projects/follow_up_dashboard.html",
        {"cohorts": cohorts, "themes": themes, "statuses": FollowUpAnswer.Status.choices},
    )


class PublicationForm(forms.ModelForm):
    class Meta:
        model = CataloguePublication
        fields = ["region", "summary", "show_summary", "results", "show_results", "show_name"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 4}),
            "results": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_check = isinstance(field.widget, forms.CheckboxInput)
            field.widget.attrs["class"] = "form-check-input" if is_check else "form-control"


@rule_required(is_participant)
def catalogue_publish_view(request, pk):
    """The participant chooses what the catalogue shows of their project, publishes it, or
    takes it out."""
    project = get_object_or_404(
        ChangeProject.objects.select_related(
            "theme", "enrolment__cohort__program", "enrolment__participant__agency__parent"
        ),
        pk=pk,
    )
    deny_unless(Actor.PARTICIPANT in project_roles(request.user, project))
    publication = CataloguePublication.objects.filter(project=project).first()
    if publication is None:
        participant = project.enrolment.participant
        publication = CataloguePublication(
            project=project,
            region=region_default(participant),
            summary=project.innovation,
        )
    error = None
    form = PublicationForm(request.POST or None, instance=publication)
    if request.method == "POST":
        if request.POST.get("action") == "unpublish":
            catalogue_unpublish(project=project)
            messages.success(request, _("Proyek tidak lagi tampil di katalog inovasi."))
            return redirect("projects:catalogue_publish", pk=project.pk)
        if form.is_valid():
            try:
                catalogue_publish(project=project, data=form.cleaned_data)
            except ValidationError as invalid:
                error = " ".join(invalid.messages)
            else:
                messages.success(request, _("Proyek tampil di katalog inovasi."))
                return redirect("projects:catalogue_publish", pk=project.pk)
        else:
            error = _("Periksa isian yang ditandai.")
    return render(
        request,
        "projects/catalogue_publish.html",
        {
            "project": project,
            "form": form,
            "publication": publication,
            "publishable": may_publish(project),
            "error": error,
        },
        status=400 if error else 200,
    )


class CatalogueSearchForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Kata kunci"), required=False, max_length=100)
    tema = forms.ModelChoiceField(
        label=gettext_lazy("Tema"), queryset=Theme.objects.all(), required=False,
        empty_label=gettext_lazy("Semua tema"),
    )  # fmt: skip
    wilayah = forms.CharField(label=gettext_lazy("Wilayah"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["class"] = "form-control"

    def filters(self):
        if not self.is_bound or not self.is_valid():
            return {}
        return self.cleaned_data


# Public pages: the same for every visitor, so shared caches may keep them a few minutes.
PUBLIC_CACHE_SECONDS = 300
CATALOGUE_PER_PAGE = 20


@public("The catalogue of innovations is public by design; it shows only what participants chose")
@cache_control(public=True, max_age=PUBLIC_CACHE_SECONDS)
def catalogue(request):
    """The public catalogue: searchable by theme, region and words, paged; each theme's and
    region's count from SQL."""
    form = CatalogueSearchForm(request.GET or None)
    filters = form.filters()
    entries = catalogue_search(
        theme=filters.get("tema"),
        region=filters.get("wilayah", ""),
        words=filters.get("q", ""),
    )
    page = page_of(request, entries, per_page=CATALOGUE_PER_PAGE)
    themes, regions = catalogue_facets()
    return render(
        request,
        "projects/catalogue.html",
        {"form": form, "entries": page, "themes": themes, "regions": regions},
    )


@public("A published innovation has a page anyone may open and share")
@cache_control(public=True, max_age=PUBLIC_CACHE_SECONDS)
def catalogue_entry(request, uid):
    entry = get_object_or_404(catalogue_entries(), uid=uid)
    return render(
        request,
        "projects/catalogue_entry.html",
        {"entry": entry, "share_url": settings.SITE_URL + request.path},
    )
