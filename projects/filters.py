"""The search and filters of the projects app's long lists (the gradebook, the widyaiswara's
queue). Each runs in SQL on a queryset, so that a page shows one page of rows whatever the
list's length."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from config.pagination import ListFilterForm
from participants.forms import RosterFilterForm
from participants.selectors import name_or_nip

from .models import State
from .selectors import group_and_agency_typed

# A gradebook cell as the page sends it (projects.forms.GradebookForm):
# score-<enrolment>-<component>.
SCORE_FIELD = re.compile(r"score-(\d+)-(\d+)")

# The queue's tabs: what waits now (the default), and the finished work.
SHOW_FINISHED = "selesai"

RESULTS = [
    ("", _("Semua")),
    ("open", _("Belum lengkap")),
    ("passing", _("Lulus")),
    ("failing", _("Tidak lulus")),
]


def gradebook_sent(data):
    """The enrolment ids whose cells a gradebook page sent back (its visible rows)."""
    return {int(match[1]) for key in data if (match := SCORE_FIELD.fullmatch(key))}


class CohortRosterFilterForm(RosterFilterForm):
    """The roster's search and filters on the cohort page, the group and the agency typed
    (part of a name) instead of chosen: a cohort of 10,000 has some 200 groups and hundreds
    of agencies, and a select listing them all cost more than the page's rows
    (docs/decisions.md). Their parameters are new names, so that a link with the old
    ?group=<id> still shows the roster, only unfiltered by group."""

    kelompok = forms.CharField(label=_("Kelompok"), required=False)
    instansi = forms.CharField(label=_("Instansi"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["agency"], self.fields["group"]
        self.order_fields(["q", "instansi", "kelompok"])

    def apply(self, enrolments):
        """The enrolments whose group and agency names contain what was typed."""
        return group_and_agency_typed(enrolments, self.filters())


class GradebookFilterForm(CohortRosterFilterForm):
    """The cohort page's search and filters but the agency (the gradebook does without),
    and the result so far: scores still missing, passing or not."""

    result = forms.ChoiceField(label=_("Hasil"), choices=RESULTS, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["instansi"]


class QueueFilterForm(ListFilterForm):
    q = forms.CharField(label=_("Cari nama atau NIP"), required=False)
    state = forms.ChoiceField(
        label=_("Tahap"), choices=[("", _("Semua")), *State.choices], required=False
    )
    tampil = forms.CharField(required=False, widget=forms.HiddenInput)

    def apply(self, projects):
        """The projects (projects_of) that match the search and the stage."""
        filters = self.filters()
        if query := (filters.get("q") or "").strip():
            projects = projects.filter(name_or_nip(query, "enrolment__participant__"))
        if filters.get("state"):
            projects = projects.filter(state=filters["state"])
        return projects

    @property
    def finished(self):
        return self.filters().get("tampil") == SHOW_FINISHED
