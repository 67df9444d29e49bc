"""Academic scores from the LMS without a file: the course's gradebook fetched through
Moodle's web services (config.integrations.lms) as the same table the export upload gives,
so the mapping, preview and all-or-nothing import of projects.lms_import serve both."""

from django.utils.translation import gettext_lazy

from config.integrations import lms
from config.integrations.base import Refused

from .lms_import import grade_columns

ERROR_NO_USERS = gettext_lazy("Kursus “%(course)s” di LMS belum berisi peserta yang dinilai.")
ERROR_NO_ITEMS = gettext_lazy("Kursus “%(course)s” di LMS tidak berisi item nilai.")


def lms_course_default(cohort):
    """The course name staff are offered: the program's code, the year and the angkatan
    (LATSAR-2026-75), the way agencies usually name a cohort's MOOC course."""
    return f"{cohort.program.code}-{cohort.year}-{cohort.angkatan}".upper()


def lms_table_fetch(course):
    """The gradebook of the LMS course with this short name or ID number, as the import's
    table. Raises config.integrations.base.IntegrationError with a message for staff."""
    table = lms.gradebook_table(course)
    if not table["rows"]:
        raise Refused(lms.SYSTEM, ERROR_NO_USERS % {"course": course})
    if not grade_columns(table["header"]):
        raise Refused(lms.SYSTEM, ERROR_NO_ITEMS % {"course": course})
    return table
