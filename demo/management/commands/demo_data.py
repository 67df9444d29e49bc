import json
import random

from django.core.management.base import BaseCommand

from cohorts.models import Cohort
from demo.bsre_demo import bsre_demo_ensure
from demo.followup_demo import followup_demo_ensure
from demo.loaders import DEMO_PASSWORD, demo_data_load
from demo.pkn_demo import pkn_demo_ensure
from demo.siasn_people import siasn_standin_write
from demo.standins import lms as lms_standin
from demo.visits_demo import visits_demo_ensure, visits_demo_logins
from demo.webhook_demo import webhook_demo_ensure
from projects.lms_fetch import lms_course_default


class Command(BaseCommand):
    help = (
        "Muat data contoh: BPSDMD Banten (Latsar 2022 Angkatan 72-74 dan angkatan berjalan) "
        "dan BPSDM Jawa Timur (PKA Probolinggo 2019, bersama BKD Kabupaten Probolinggo)."
    )

    def handle(self, *args, **options):
        result = demo_data_load()
        lms_standin_write()
        siasn_standin_write()
        bsre_login = bsre_demo_ensure()
        webhook_demo_ensure()
        pkn_login = pkn_demo_ensure()  # PKN Tingkat II on behalf of LAN (issue 18)
        followup_login = followup_demo_ensure()
        visit_logins = visits_demo_logins(visits_demo_ensure())  # field visits (issue 18)
        self.stdout.write(self.style.SUCCESS("Data contoh siap. Login demo (kata sandi sama):"))
        extra = [followup_login] if followup_login else []
        for role, username, note in [*result.logins, bsre_login, *extra]:
            line = f"  {role:<14} {username:<20} {DEMO_PASSWORD}"
            self.stdout.write(f"{line}   ({note})" if note else line)
        role, username, note = pkn_login
        self.stdout.write(f"  {role:<14} {username:<20} {DEMO_PASSWORD}   ({note})")
        for role, username, note in visit_logins:
            self.stdout.write(f"  {role:<14} {username:<20} {DEMO_PASSWORD}   ({note})")


def lms_standin_write(path=None):
    """The LMS stand-in's course for the running Latsar cohort (Angkatan 75, MOOC done): its
    participants with the NIP as ID number and user name, MOOC and e-learning grades, one
    who has not finished, and three users who are not in the cohort (another cohort's
    participant, a tester, a facilitator without a NIP). Staff fetch it on the cohort's
    Daftar nilai → Ambil nilai dari LMS. Written again on each run: it follows the data."""
    path = path or lms_standin.DATA_FILE
    cohort = Cohort.objects.select_related("program").filter(angkatan=75).order_by("-year").first()
    if cohort is None:
        return None
    rng = random.Random(3075)
    items = [
        {"id": 101, "itemname": "Evaluasi MOOC Modul 1", "itemtype": "mod", "itemmodule": "quiz"},
        {"id": 102, "itemname": "Evaluasi MOOC Modul 2", "itemtype": "mod", "itemmodule": "quiz"},
        {"id": 103, "itemname": "Tugas e-learning", "itemtype": "mod", "itemmodule": "assign",
         "grademin": 0, "grademax": 50},
        {"id": 100, "itemname": None, "itemtype": "course", "itemmodule": None},
    ]  # fmt: skip
    enrolments = list(cohort.enrolments.select_related("participant").order_by("pk"))
    other = (
        Cohort.objects.filter(program=cohort.program, angkatan=74)
        .values_list("enrolments__participant__nip", flat=True)
        .first()
    )
    people = [(e.participant.name, e.participant.nip, e.participant.email) for e in enrolments]
    people += [("Peserta Angkatan 74", other or "199501012022031001", "")]
    people += [("Uji Coba", "", "uji.coba@example.go.id"), ("Fasilitator", "fasilitator1", "")]
    users = []
    for number, (name, idnumber, email) in enumerate(people, start=10):
        first, _, last = name.partition(" ")
        quiz1, quiz2 = rng.randrange(7000, 9800) / 100, rng.randrange(7000, 9800) / 100
        task = rng.randrange(3500, 4900) / 100  # out of 50
        if number == 12:
            quiz2 = None  # has not finished the MOOC: no course total either
        total = None if quiz2 is None else round((quiz1 + quiz2 + task * 2) / 3, 2)
        users.append({
            "id": number, "username": (idnumber or f"pengguna{number}").lower(),
            "firstname": first, "lastname": last or "-", "email": email or "",
            "idnumber": idnumber,
            "grades": {"101": quiz1, "102": quiz2, "103": task, "100": total},
        })  # fmt: skip
    course = {
        "id": 75, "shortname": lms_course_default(cohort), "idnumber": f"MOOC-{cohort.pk}",
        "fullname": f"MOOC {cohort}", "items": items, "users": users,
    }  # fmt: skip
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"courses": [course]}, indent=1), encoding="utf-8")
    return path
