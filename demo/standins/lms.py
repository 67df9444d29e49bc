"""A Moodle site's web services, as much as Angkatan calls (config.integrations.lms).

One endpoint, /webservice/rest/server.php, takes wstoken, wsfunction and moodlewsrestformat
in the query or the POST body. Like Moodle, it answers its own errors with HTTP 200 and
{"exception", "errorcode", "message"}: a wrong token is invalidtoken, a function the token's
service does not allow is accessexception, a missing parameter invalidparameter.

The courses are plain data: {"id", "shortname", "fullname", "idnumber", "items": [grade
items], "users": [{"id", "username", "firstname", "lastname", "email", "idnumber", "grades":
{item id: grade or null}}]}. The demo writes them to var/standins/lms.json
(demo_data's lms_standin_write); tests pass their own.
"""

import json
import os
from pathlib import Path

from .base import Reply, StandIn

DEMO_TOKEN = "demo-lms-token"
DATA_FILE = Path(__file__).resolve().parents[2] / "var" / "standins" / "lms.json"
FUNCTIONS = (
    "core_webservice_get_site_info",
    "core_course_get_courses_by_field",
    "core_enrol_get_enrolled_users",
    "gradereport_user_get_grade_items",
)
# A course for when the demo data has not written one yet: the stand-in still answers.
SAMPLE_COURSE = {
    "id": 2, "shortname": "CONTOH", "fullname": "Kursus contoh", "idnumber": "",
    "items": [
        {"id": 11, "itemname": "Evaluasi MOOC", "itemtype": "mod", "itemmodule": "quiz"},
        {"id": 10, "itemname": None, "itemtype": "course", "itemmodule": None},
    ],
    "users": [
        {"id": 3, "username": "peserta", "firstname": "Peserta", "lastname": "Contoh",
         "email": "peserta@example.go.id", "idnumber": "", "grades": {"11": 80, "10": 80}},
    ],
}  # fmt: skip


def _error(exception, errorcode, message):
    return Reply(body={"exception": exception, "errorcode": errorcode, "message": message})


class MoodleStandIn(StandIn):
    name = "lms"

    def __init__(self, *, token=DEMO_TOKEN, courses=(), functions=FUNCTIONS, **kwargs):
        self.token = token
        self.courses = [dict(c) for c in courses]
        self.functions = set(functions)  # what the token's external service allows
        super().__init__(**kwargs)

    def routes(self):
        return [
            ("GET", r"/webservice/rest/server\.php", self.server),
            ("POST", r"/webservice/rest/server\.php", self.server),
        ]

    def server(self, request):
        params = {key: values[-1] for key, values in request.query.items()}
        if request.method == "POST":
            params.update(request.form())
        if params.get("moodlewsrestformat") != "json":
            # Moodle's default is XML; Angkatan always asks for JSON.
            return Reply(body="<?xml version='1.0'?><RESPONSE/>", content_type="application/xml")
        if params.get("wstoken") != self.token:
            return _error("moodle_exception", "invalidtoken", "Invalid token - token not found")
        function = params.get("wsfunction", "")
        handler = getattr(self, function, None) if function in FUNCTIONS else None
        if handler is None:
            return _error(
                "dml_missing_record_exception",
                "invalidrecord",
                "Can't find data record in database table external_functions.",
            )
        if function not in self.functions:
            return _error("webservice_access_exception", "accessexception",
                          "Access control exception")  # fmt: skip
        try:
            return Reply(body=handler(params))
        except (KeyError, ValueError):
            return _error("invalid_parameter_exception", "invalidparameter",
                          "Invalid parameter value detected")  # fmt: skip

    # -- the functions ---------------------------------------------------------------------

    def core_webservice_get_site_info(self, params):
        return {
            "sitename": "LMS Contoh (stand-in)", "username": "angkatan-ws", "firstname": "Layanan",
            "lastname": "Angkatan", "fullname": "Layanan Angkatan", "lang": "id", "userid": 2,
            "siteurl": self.url, "release": "4.3 (Build: 20231009)", "version": "2023100900",
            "functions": [{"name": n, "version": "2023100900"} for n in sorted(self.functions)],
        }  # fmt: skip

    def _course(self, courseid):
        courseid = int(courseid)
        for course in self.courses:
            if course["id"] == courseid:
                return course
        raise ValueError(courseid)

    def core_course_get_courses_by_field(self, params):
        field, value = params.get("field", ""), params.get("value", "")
        if field not in ("", "id", "shortname", "idnumber"):
            raise ValueError(field)
        found = [c for c in self.courses if not field or (value and str(c.get(field, "")) == value)]
        keys = ("id", "shortname", "fullname", "idnumber")
        return {"courses": [{k: c.get(k, "") for k in keys} for c in found], "warnings": []}

    def core_enrol_get_enrolled_users(self, params):
        course = self._course(params["courseid"])
        return [
            {
                "id": u["id"], "username": u["username"], "firstname": u["firstname"],
                "lastname": u["lastname"], "fullname": f"{u['firstname']} {u['lastname']}",
                "email": u.get("email", ""), "idnumber": u.get("idnumber", ""),
                "enrolledcourses": [{"id": course["id"], "shortname": course["shortname"]}],
            }
            for u in course["users"]
        ]  # fmt: skip

    def gradereport_user_get_grade_items(self, params):
        course = self._course(params["courseid"])
        userid = int(params.get("userid") or 0)
        usergrades = []
        for user in course["users"]:
            if userid and user["id"] != userid:
                continue
            grades = {str(k): v for k, v in user.get("grades", {}).items()}
            usergrades.append(
                {
                    "courseid": course["id"], "courseidnumber": course.get("idnumber", ""),
                    "userid": user["id"], "userfullname": f"{user['firstname']} {user['lastname']}",
                    "useridnumber": user.get("idnumber", ""), "maxdepth": 2,
                    "gradeitems": [self._grade_item(item, grades.get(str(item["id"])))
                                   for item in course["items"]],
                }
            )  # fmt: skip
        return {"usergrades": usergrades, "warnings": []}

    @staticmethod
    def _grade_item(item, grade):
        low, high = item.get("grademin", 0), item.get("grademax", 100)
        return {
            "id": item["id"], "itemname": item.get("itemname"), "itemtype": item["itemtype"],
            "itemmodule": item.get("itemmodule"), "iteminstance": item["id"], "itemnumber": 0,
            "idnumber": "", "categoryid": None, "outcomeid": None, "scaleid": None,
            "locked": False, "graderaw": grade, "grademin": low, "grademax": high,
            "gradeformatted": "-" if grade is None else f"{grade:.2f}",
            "rangeformatted": f"{low:.2f}–{high:.2f}",
        }  # fmt: skip


def build(**options):
    """For the demo: the courses written by demo_data (LMS_STANDIN_DATA or
    var/standins/lms.json), the token of LMS_TOKEN (the Makefile's demo default)."""
    path = Path(os.environ.get("LMS_STANDIN_DATA") or DATA_FILE)
    courses = [SAMPLE_COURSE]
    if path.exists():
        courses = json.loads(path.read_text(encoding="utf-8"))["courses"] or courses
    options.setdefault("token", os.environ.get("LMS_TOKEN") or DEMO_TOKEN)
    options.setdefault("courses", courses)
    return MoodleStandIn(**options)
