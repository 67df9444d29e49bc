"""Staff pages importing academic scores from a Moodle gradebook export (projects.lms_import):
upload, choose the columns and the match rule, preview, confirm. The file read is kept in
the session between the steps, for this cohort only. The gradebook can also be fetched from
the LMS's web services (projects.lms_fetch) instead of uploaded; the steps after are the same."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cohorts.models import Cohort
from cohorts.scope import cohort_or_404
from config.integrations import lms
from config.integrations.base import IntegrationError
from config.permissions import can_manage_cohorts, rule_required
from participants.forms import SpreadsheetUploadForm

from .lms_fetch import lms_course_default, lms_table_fetch
from .lms_import import (
    ERROR_HAS_ERRORS,
    MATCH_RULES,
    grade_columns,
    importable_components,
    lms_preview,
    lms_scores_import,
    lms_table_read,
    mapping_default,
    rule_default,
)


class LmsUploadForm(SpreadsheetUploadForm):
    file = forms.FileField(
        label=gettext_lazy("Berkas nilai dari LMS (XLSX atau CSV)"),
        help_text=gettext_lazy(
            "Di kursus Moodle: Nilai › Ekspor › Lembar kerja Excel atau Berkas teks. Paling "
            "besar 5 MB."
        ),
    )


class LmsMappingForm(forms.Form):
    rule = forms.ChoiceField(label=gettext_lazy("Cocokkan peserta dengan"), choices=MATCH_RULES)

    def __init__(self, *args, components, header, **kwargs):
        super().__init__(*args, **kwargs)
        self.components = components
        choices = [("", _("(tidak diimpor)"))] + [
            (str(i), title) for i, title in grade_columns(header)
        ]
        for component in components:
            self.fields[f"c{component.pk}"] = forms.TypedChoiceField(
                label=component.name, choices=choices, required=False, coerce=int, empty_value=None
            )

    def component_fields(self):
        return [self[f"c{c.pk}"] for c in self.components]

    def mapping(self):
        return {
            c.pk: self.cleaned_data[f"c{c.pk}"]
            for c in self.components
            if self.cleaned_data.get(f"c{c.pk}") is not None
        }


class LmsFetchForm(forms.Form):
    course = forms.CharField(
        label=gettext_lazy("Kursus di LMS"),
        max_length=100,
        help_text=gettext_lazy(
            "Nama singkat (short name) atau ID number kursus MOOC/e-learning angkatan ini di "
            "Moodle."
        ),
    )


def _session_key(cohort):
    return f"lms_import_{cohort.pk}"


@rule_required(can_manage_cohorts)
def lms_upload(request, cohort_pk):
    cohort = cohort_or_404(request.user, cohort_pk)
    form = LmsUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            table = lms_table_read(form.cleaned_data["file"])
        except ValidationError as error:
            form.add_error("file", error)
        else:
            request.session[_session_key(cohort)] = table
            return redirect("projects:lms_preview", cohort_pk=cohort.pk)
    return render(request, "projects/lms_import.html", {"cohort": cohort, "form": form})


@rule_required(can_manage_cohorts)
def lms_fetch(request, cohort_pk):
    """The course's gradebook from the LMS's web services, then the same preview as a file."""
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    form = LmsFetchForm(request.POST or None, initial={"course": lms_course_default(cohort)})
    if request.method == "POST" and lms.configured() and form.is_valid():
        try:
            table = lms_table_fetch(form.cleaned_data["course"])
        except IntegrationError as error:
            # Not answering, refused, course unknown: said on the page, nothing kept or saved.
            form.add_error(None, str(error))
        else:
            request.session[_session_key(cohort)] = table
            return redirect("projects:lms_preview", cohort_pk=cohort.pk)
    context = {"cohort": cohort, "form": form, "configured": lms.configured()}
    if not context["configured"]:
        context["not_configured"] = lms.health().detail
    return render(request, "projects/lms_fetch.html", context)


@rule_required(can_manage_cohorts)
def lms_preview_page(request, cohort_pk):
    cohort = cohort_or_404(request.user, cohort_pk, Cohort.objects.select_related("program"))
    table = request.session.get(_session_key(cohort))
    if not table:
        return redirect("projects:lms_upload", cohort_pk=cohort.pk)
    components = importable_components(cohort.program)
    data = request.POST if request.method == "POST" else request.GET
    if "rule" not in data:
        initial = {
            f"c{pk}": str(i) for pk, i in mapping_default(components, table["header"]).items()
        }
        data = {"rule": rule_default(table["header"]), **initial}
    form = LmsMappingForm(data, components=components, header=table["header"])
    preview, mapped = None, []
    if form.is_valid():
        mapping = form.mapping()
        mapped = [c for c in components if c.pk in mapping]
        arguments = {"cohort": cohort, "table": table, "mapping": mapping}
        arguments["rule"] = form.cleaned_data["rule"]
        try:
            preview = lms_preview(**arguments)
            if request.method == "POST" and not preview.errors:
                changed = lms_scores_import(**arguments, recorded_by=request.user)
                del request.session[_session_key(cohort)]
                message = _("%(count)s nilai dari LMS disimpan.") % {"count": changed}
                messages.success(request, message)
                return redirect("projects:gradebook", cohort_pk=cohort.pk)
        except ValidationError as error:
            # Nothing was saved: no column of the rule, grades closed, a certificate issued.
            form.add_error(None, error)
    context = {"cohort": cohort, "form": form, "table": table, "preview": preview}
    context.update(mapped=mapped, error_heading=ERROR_HAS_ERRORS)
    return render(request, "projects/lms_import_preview.html", context)
