"""The cohort's roster as a file made by a report job (documents.reports): the roster page's
search and filters, every row, streamed to XLSX or CSV a chunk of participants at a time.

The columns are those of participants.views.roster_export (the old address, which still
answers at once): the import template's names where the column is the same, so the sheet
reads back in."""

from django.utils.translation import gettext as _

from config.users import user_label
from participants.nip import nip_format
from participants.selectors import roster_filtered
from projects.filters import CohortRosterFilterForm
from projects.selectors import group_and_agency_typed

from .final_report import made_title
from .report_tables import table_write

ROSTER_HEADER = ["NIP", "Nama Lengkap dan Gelar", "Pangkat/Golongan", "Jabatan",
                 "Jenjang Jabatan", "Instansi", "Surel", "Telepon", "Kelompok",
                 "Coach (Widyaiswara)", "NIP Mentor", "Nama Mentor", "Status Peserta",
                 "Nilai Akhir"]  # fmt: skip
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


def roster_row(e):
    participant = e.participant
    return [
        participant.nip_display,
        participant.name,
        participant.rank_display,
        participant.position,
        participant.get_position_level_display(),
        participant.agency.name,
        participant.email,
        participant.phone,
        e.group.name if e.group else "",
        user_label(e.coach) if e.coach else "",
        nip_format(e.mentor.nip) if e.mentor else "",
        e.mentor.name if e.mentor else "",
        e.get_status_display(),
        e.project.final_score if hasattr(e, "project") else "",
    ]


def roster_write(cohort, kind, params, handle, progress=None):
    """The filtered roster written as XLSX or CSV into `handle`. Returns the rows written."""
    # The cohort page's own filters: its group and agency are typed parts of names.
    filters = CohortRosterFilterForm(params or None, cohort=cohort).filters()
    roster = group_and_agency_typed(roster_filtered(cohort, filters), filters)
    total = roster.count()

    def rows():
        for done, enrolment in enumerate(roster.iterator(chunk_size=CHUNK_SIZE), start=1):
            yield roster_row(enrolment)
            if progress and (done % CHUNK_SIZE == 0 or done == total):
                progress(done, total)

    title = made_title(_("Daftar peserta"), cohort)
    return table_write(kind, handle, ROSTER_HEADER, rows(), title=title)
