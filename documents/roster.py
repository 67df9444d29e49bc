"""The cohort's roster as a file made by a report job (documents.reports): the roster page's
search and filters, every row, streamed to XLSX or CSV a chunk of participants at a time.

The columns are participants.tables' ROSTER_HEADER, as at the old address
(participants.views.roster_export), which still answers at once."""

from django.utils.translation import gettext as _

from participants.selectors import roster_filtered
from participants.tables import ROSTER_HEADER, roster_row
from projects.filters import CohortRosterFilterForm

from .final_report import made_title
from .report_tables import table_write

CHUNK_SIZE = 1000


def roster_filters_clean(cohort, params):
    """The roster page's filters (its query string) as the job stores them: valid ones only,
    objects by their id."""
    form = CohortRosterFilterForm(params or None, cohort=cohort)
    return {
        key: getattr(value, "pk", value)
        for key, value in form.filters().items()
        if value not in (None, "")
    }


def roster_write(cohort, kind, params, handle, progress=None):
    """The filtered roster written as XLSX or CSV into `handle`. Returns the rows written."""
    # The cohort page's own filters: its group and agency are typed parts of names.
    form = CohortRosterFilterForm(params or None, cohort=cohort)
    roster = form.apply(roster_filtered(cohort, form.filters()))
    total = roster.count()

    def rows():
        for done, enrolment in enumerate(roster.iterator(chunk_size=CHUNK_SIZE), start=1):
            yield roster_row(enrolment)
            if progress and (done % CHUNK_SIZE == 0 or done == total):
                progress(done, total)

    title = made_title(_("Daftar peserta"), cohort)
    return table_write(kind, handle, ROSTER_HEADER, rows(), title=title)
