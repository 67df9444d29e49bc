from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from config.permissions import can_edit_programs, rule_required

from . import selectors, services
from .forms import (
    ProgramCreateForm,
    ProgramForm,
    SubjectFormSet,
    VersionNewForm,
    evaluation_forms,
    formset_rows,
    version_forms,
)
from .models import EvaluationCriterion, PhaseTemplate, Program, ProgramVersion


def _version(code, number):
    return get_object_or_404(
        ProgramVersion.objects.select_related("program"), program__code=code, number=number
    )


@rule_required(can_edit_programs)
def program_list(request):
    return render(
        request, "curriculum/program_list.html", {"programs": selectors.program_catalogue()}
    )


@rule_required(can_edit_programs)
def program_create(request):
    form = ProgramCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_create(created_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request, _("Program dibuat. Tambahkan tahap-tahapnya, lalu terbitkan versinya.")
            )
            return redirect(program.versions.get().get_edit_url())
    return render(request, "curriculum/program_form.html", {"form": form, "program": None})


@rule_required(can_edit_programs)
def program_edit(request, code):
    program = get_object_or_404(Program, code=code)
    form = ProgramForm(request.POST or None, instance=program)
    if request.method == "POST" and form.is_valid():
        try:
            program = services.program_update(
                program=Program.objects.get(pk=program.pk),
                **{name: form.cleaned_data[name] for name in form.changed_data},
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Program disimpan."))
            return redirect(program)
    return render(request, "curriculum/program_form.html", {"form": form, "program": program})


@rule_required(can_edit_programs)
def program_detail(request, code):
    program = get_object_or_404(Program, code=code)
    versions = list(selectors.program_versions(program))
    if not versions:
        raise Http404
    number = request.GET.get("versi")
    chosen = next((v for v in versions if str(v.number) == number), versions[-1])
    return render(
        request,
        "curriculum/program_detail.html",
        {
            "program": program,
            "versions": versions,
            "version": selectors.version_with_phases(chosen),
            "version_info": chosen,
            "latest": versions[-1],
        },
    )


@rule_required(can_edit_programs)
def evaluation_setup(request, code):
    program = get_object_or_404(Program, code=code)
    criteria = services.evaluation_criteria_ensure(program=program)
    form, formsets = evaluation_forms(request.POST or None, program=program, criteria=criteria)
    error = None
    if (
        request.method == "POST"
        and form.is_valid()
        and all(formset.is_valid() for formset in formsets.values())
    ):
        try:
            services.evaluation_setup_save(
                program=program,
                scale=form.cleaned_data["scale"],
                criteria=[
                    {**row, "target": target}
                    for target, formset in formsets.items()
                    for row in formset_rows(formset)
                ],
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Kriteria evaluasi disimpan."))
            return redirect(program)
    return render(
        request,
        "curriculum/evaluation_setup.html",
        {
            "program": program,
            "form": form,
            "sections": [
                (label, formsets[target]) for target, label in EvaluationCriterion.Target.choices
            ],
            "answered": services.evaluation_answered(program=program),
            "error": error,
        },
    )


@rule_required(can_edit_programs)
def version_edit(request, code, number):
    version = _version(code, number)
    if not version.is_draft:
        messages.error(request, services.ERROR_VERSION_PUBLISHED % {"number": version.number})
        return redirect(version.program)
    form, formset = version_forms(request.POST or None, version=version)
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            services.version_save(
                version=version, phases=formset_rows(formset), **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Versi %(number)s disimpan.") % {"number": number})
            return redirect(f"{version.program.get_absolute_url()}?versi={number}")
    return render(
        request,
        "curriculum/version_form.html",
        {"version": version, "form": form, "formset": formset},
    )


@rule_required(can_edit_programs)
def version_new(request, code):
    program = get_object_or_404(Program, code=code)
    form = VersionNewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            draft = services.version_draft_create(
                program=program, created_by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Versi %(number)s dibuat dari versi sebelumnya. Angkatan yang sudah ada "
                    "tetap memakai versinya."
                )
                % {"number": draft.number},
            )
            return redirect(draft.get_edit_url())
    return render(request, "curriculum/version_new.html", {"program": program, "form": form})


@rule_required(can_edit_programs)
def subjects_edit(request, code, number, order):
    version = _version(code, number)
    phase = get_object_or_404(PhaseTemplate, version=version, order=order)
    if not version.is_draft:
        messages.error(request, services.ERROR_VERSION_PUBLISHED % {"number": version.number})
        return redirect(version.program)
    formset = SubjectFormSet(
        request.POST or None,
        prefix="subject",
        initial=[
            {"order": s.order, "name": s.name, "jp": s.jp, "agenda": s.agenda}
            for s in phase.subjects.all()
        ],
    )
    error = None
    if request.method == "POST" and formset.is_valid():
        try:
            services.subjects_save(phase_template=phase, subjects=formset_rows(formset))
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Mata pelatihan %(phase)s disimpan.") % {"phase": phase})
            return redirect(f"{version.program.get_absolute_url()}?versi={number}")
    return render(
        request,
        "curriculum/subjects_form.html",
        {"version": version, "phase": phase, "formset": formset, "error": error},
    )


@require_POST
@rule_required(can_edit_programs)
def version_publish(request, code, number):
    version = _version(code, number)
    try:
        services.version_publish(version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _("Versi %(number)s diterbitkan; angkatan yang mulai sejak %(date)s memakainya.")
            % {"number": number, "date": date_format(version.effective_date, "DATE_FORMAT")},
        )
    return redirect(f"{version.program.get_absolute_url()}?versi={number}")


@require_POST
@rule_required(can_edit_programs)
def version_unpublish(request, code, number):
    version = _version(code, number)
    try:
        services.version_unpublish(version=version)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Versi %(number)s kembali menjadi draf.") % {"number": number})
    return redirect(f"{version.program.get_absolute_url()}?versi={number}")
