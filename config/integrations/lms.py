"""Client of a Moodle-based LMS (LMS LAN RI, a province's own) through Moodle's web services.

It fetches a course's gradebook and returns it as the same table the gradebook export upload
gives (projects.lms_import.lms_table_read): a header of Moodle's export column names and one
row per graded user, so the import's matching, mapping, preview and all-or-nothing recording
serve both. The contract and its sources are in docs/integrations-lms.md.

Moodle's REST protocol: POST to <site>/webservice/rest/server.php with wstoken, wsfunction
and moodlewsrestformat=json. Moodle answers its own errors (bad token, function not allowed,
bad parameter) with HTTP 200 and {"exception", "errorcode", "message"}: those are refusals.
The token goes in the body, never in the address, so it stays out of proxy and server logs.
"""

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.utils.translation import gettext as _

from .base import BadAnswer, Health, IntegrationError, NotConfigured, Refused, http, json_of

SYSTEM = "LMS"
ENDPOINT = "/webservice/rest/server.php"

# The functions the token's service must allow (docs/integrations-lms.md, "The token").
SITE_INFO = "core_webservice_get_site_info"
COURSES_BY_FIELD = "core_course_get_courses_by_field"
ENROLLED_USERS = "core_enrol_get_enrolled_users"
GRADE_ITEMS = "gradereport_user_get_grade_items"
FUNCTIONS = (SITE_INFO, COURSES_BY_FIELD, ENROLLED_USERS, GRADE_ITEMS)

# The user columns of the table, as Moodle's export names them (grade_export_userprofilefields).
USER_HEADER = ["First name", "Surname", "ID number", "Username", "Email address"]
# The module names Moodle's export puts before an activity's grade item ("Quiz: Modul 1").
MODULE_NAMES = {"quiz": "Quiz", "assign": "Assignment", "lesson": "Lesson",
                "scorm": "SCORM package", "h5pactivity": "H5P", "workshop": "Workshop",
                "forum": "Forum"}  # fmt: skip


def configured():
    return bool(settings.LMS_BASE_URL and settings.LMS_TOKEN)


def _address():
    return settings.LMS_BASE_URL.rstrip("/")


def call(function, **params):
    """One web-service function: its decoded JSON answer, or an IntegrationError."""
    if not settings.LMS_BASE_URL:
        raise NotConfigured(SYSTEM, "LMS_BASE_URL")
    if not settings.LMS_TOKEN:
        raise NotConfigured(SYSTEM, "LMS_TOKEN")
    data = {"wstoken": settings.LMS_TOKEN, "wsfunction": function, "moodlewsrestformat": "json"}
    response = http(
        SYSTEM,
        "POST",
        _address() + ENDPOINT,
        timeout=settings.LMS_TIMEOUT,
        data={**data, **params},
    )
    body = json_of(SYSTEM, response)
    if isinstance(body, dict) and "exception" in body:
        raise _refusal(function, body)
    return body


def _refusal(function, body):
    code = str(body.get("errorcode") or "")
    reason = str(body.get("message") or body.get("exception"))[:200]
    if code == "invalidtoken":
        message = _("Token LMS ditolak (%(reason)s). Buat token baru di Moodle dan isi LMS_TOKEN.")
    elif code == "accessexception":
        message = _(
            "Token LMS tidak diizinkan memanggil %(function)s. Tambahkan fungsi itu ke layanan "
            "web token ini di Moodle."
        )
    else:
        message = _("LMS menolak %(function)s: %(reason)s")
    return Refused(SYSTEM, message % {"function": function, "reason": reason})


def _bad(function):
    return BadAnswer(
        SYSTEM,
        _("Jawaban LMS untuk %(function)s tidak sesuai format Moodle.") % {"function": function},
    )


def health():
    """The site's name and release, and whether the token may call every function we need."""
    if not configured():
        variable = "LMS_TOKEN" if settings.LMS_BASE_URL else "LMS_BASE_URL"
        return Health(SYSTEM, False, False, str(NotConfigured(SYSTEM, variable)), _address())
    try:
        info = call(SITE_INFO)
        if not isinstance(info, dict) or "sitename" not in info:
            raise _bad(SITE_INFO)
    except IntegrationError as error:
        return Health(SYSTEM, True, False, str(error), _address())
    allowed = {f.get("name") for f in info.get("functions") or [] if isinstance(f, dict)}
    missing = [name for name in FUNCTIONS if name not in allowed]
    site = _("%(site)s (Moodle %(release)s), pengguna %(user)s") % {
        "site": info["sitename"],
        "release": info.get("release") or "?",
        "user": info.get("username") or "?",
    }
    if missing:
        detail = _("%(site)s; fungsi belum diizinkan untuk token ini: %(functions)s") % {
            "site": site,
            "functions": ", ".join(missing),
        }
        return Health(SYSTEM, True, False, detail, _address())
    return Health(SYSTEM, True, True, site, _address())


def course_find(course):
    """The course whose short name, else ID number, is `course`: Moodle's course dict."""
    course = course.strip()
    for field in ("shortname", "idnumber"):
        body = call(COURSES_BY_FIELD, field=field, value=course)
        if not isinstance(body, dict) or not isinstance(body.get("courses"), list):
            raise _bad(COURSES_BY_FIELD)
        found = [c for c in body["courses"] if isinstance(c, dict) and "id" in c]
        if found:
            return found[0]
    raise Refused(
        SYSTEM,
        _("Kursus “%(course)s” tidak ditemukan di LMS (dicari menurut nama singkat dan ID number).")
        % {"course": course},
    )


def _item_title(item):
    """The column name Moodle's export gives a grade item: "Quiz: Modul 1 (Real)"."""
    kind = item.get("itemtype")
    if kind == "course":
        name = "Course total"
    elif kind == "category":
        name = f"Category total: {item.get('itemname') or item.get('categoryid') or item['id']}"
    elif kind == "mod":
        module = item.get("itemmodule") or ""
        name = f"{MODULE_NAMES.get(module, module.title())}: {item.get('itemname') or item['id']}"
    else:
        name = str(item.get("itemname") or item["id"])
    return f"{name} ({'Real' if _scale(item) is None else 'Percentage'})"


def _scale(item):
    """(min, max) when the item is not graded out of 0-100, so its grades are shown as a
    percentage of the range, as the export's Percentage display does; None otherwise."""
    low, high = _number(item.get("grademin"), 0), _number(item.get("grademax"), 100)
    return None if (low, high) == (0, 100) or high <= low else (low, high)


def _number(value, default):
    try:
        return Decimal(str(value)) if value is not None else Decimal(default)
    except InvalidOperation:
        return Decimal(default)


def _grade_text(item, scale):
    """The cell: "-" when not graded (as the export writes it), else two decimals."""
    raw = item.get("graderaw")
    if raw is None or raw == "":
        return "-"
    value = _number(raw, 0)
    if scale:
        value = (value - scale[0]) / (scale[1] - scale[0]) * 100
    return f"{value:.2f}"


def gradebook_table(course):
    """The course's gradebook as the upload's table: {"file_name", "header", "rows", "source"}.

    `course` is the course's short name or ID number. Rows are numbered from 2, as in the
    export file of the same course (its header is row 1)."""
    found = course_find(course)
    users = call(ENROLLED_USERS, courseid=found["id"])
    report = call(GRADE_ITEMS, courseid=found["id"], userid=0, groupid=0)
    if not isinstance(users, list):
        raise _bad(ENROLLED_USERS)
    if not isinstance(report, dict) or not isinstance(report.get("usergrades"), list):
        raise _bad(GRADE_ITEMS)
    people = {u.get("id"): u for u in users if isinstance(u, dict)}
    try:
        graded = [g for g in report["usergrades"] if g.get("gradeitems") is not None]
        items = {}  # grade item id: (title, scale), in the report's order
        for usergrade in graded:
            for item in usergrade["gradeitems"]:
                items.setdefault(item["id"], (_item_title(item), _scale(item)))
        rows = []
        for number, usergrade in enumerate(graded, start=2):
            person = people.get(usergrade["userid"], {})
            mine = {item["id"]: item for item in usergrade["gradeitems"]}
            cells = [
                person.get("firstname") or usergrade.get("userfullname") or "",
                person.get("lastname") or "",
                person.get("idnumber") or usergrade.get("useridnumber") or "",
                person.get("username") or "",
                person.get("email") or "",
            ]
            cells += [
                _grade_text(mine[pk], scale) if pk in mine else "-"
                for pk, (_title, scale) in items.items()
            ]
            rows.append([number, [str(cell) for cell in cells]])
    except (KeyError, TypeError, AttributeError) as error:
        raise _bad(GRADE_ITEMS) from error
    header = USER_HEADER + [title for title, _scale_ in items.values()]
    name = found.get("shortname") or str(found["id"])
    return {"file_name": f"LMS: {name}"[:255], "header": header, "rows": rows, "source": "lms"}
