"""`python -m demo.standins` (the demo's stand-ins, Procfile.demo), and the demo's LMS course
filling the academic scores of the running Latsar cohort through the fetch page."""

import json
import os
import subprocess
import sys
import urllib.request
from importlib.util import find_spec

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from cohorts.models import Cohort
from demo.management.commands.demo_data import lms_standin_write
from demo.standins import lms as lms_standin
from demo.standins.__main__ import NAMES
from projects.lms_fetch import lms_course_default
from projects.models import ComponentScore

from ..conftest import free_port, wait_for
from ..standins import running


def answers(url, data=None):
    """The stand-in's answer (any HTTP status counts), or None while nothing listens."""
    try:
        with urllib.request.urlopen(url, data=data, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except OSError:
        return None


def test_every_stand_in_is_served_on_its_port(tmp_path):
    present = [name for name in NAMES if find_spec(f"demo.standins.{name}")]
    assert "lms" in present
    ports = {name: free_port() for name in NAMES}
    env = {**os.environ, **{f"{n.upper()}_STANDIN_PORT": str(p) for n, p in ports.items()}}
    env.update(LMS_STANDIN_DATA=str(tmp_path / "none.json"), LMS_TOKEN="token-demo-uji")
    process = subprocess.Popen(
        [sys.executable, "-m", "demo.standins"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        for name in present:
            url = f"http://127.0.0.1:{ports[name]}/"
            wait_for(lambda url=url: answers(url), timeout=120, message=f"{name} stand-in")
        body = b"wstoken=token-demo-uji&wsfunction=core_webservice_get_site_info"
        status, reply = answers(
            f"http://127.0.0.1:{ports['lms']}/webservice/rest/server.php?moodlewsrestformat=json",
            data=body,
        )
        assert status == 200 and json.loads(reply)["sitename"] == "LMS Contoh (stand-in)"
    finally:
        process.terminate()
        output, _ = process.communicate(timeout=60)
    assert process.returncode == 0, output
    assert "[lms] POST /webservice/rest/server.php core_webservice_get_site_info -> 200" in output
    for name in present:
        assert f"[{name}] stand-in berjalan di http://127.0.0.1:{ports[name]}" in output


@pytest.mark.django_db
def test_the_demo_lms_course_fills_the_running_cohorts_academic_scores(
    demo, client, tmp_path, monkeypatch
):
    path = lms_standin_write(tmp_path / "lms.json")
    monkeypatch.setenv("LMS_STANDIN_DATA", str(path))
    monkeypatch.setenv("LMS_TOKEN", "token-demo-uji")
    cohort = Cohort.objects.get(program__code="latsar", angkatan=75)
    academic = cohort.program.score_components.get(code="akademik")
    with running(lms_standin.build()) as stand_in:
        settings.LMS_BASE_URL, settings.LMS_TOKEN = stand_in.url, "token-demo-uji"
        client.force_login(get_user_model().objects.get(username="staf"))
        response = client.post(
            reverse("projects:lms_fetch", args=[cohort.pk]), {"course": lms_course_default(cohort)}
        )
        assert response.status_code == 302
    preview = client.get(response.url).content.decode()
    header = client.session[f"lms_import_{cohort.pk}"]["header"]
    total = header.index("Course total (Real)")
    assert f'<option value="{total}" selected>Course total (Real)</option>' in preview
    unmatched = preview.split('id="lms-unmatched"')[1].split("</ul>")[0]
    assert unmatched.count("<li>") == 3  # another cohort's participant, a tester, a facilitator
    flags = preview.split('id="lms-not-completed"')[1].split("</div>")[0]
    assert "1 peserta belum menyelesaikan MOOC/e-learning" in flags
    confirm = client.post(response.url, {"rule": "idnumber", f"c{academic.pk}": total})
    assert confirm.status_code == 302
    enrolled = cohort.enrolments.count()
    filled = ComponentScore.objects.filter(enrolment__cohort=cohort, component=academic)
    assert filled.count() == enrolled - 1
