"""`python -m demo.standins` (the demo's stand-ins, Procfile.demo): each served on its port.
The demo's LMS course is tested with the demo's other flows (tests/demo/test_demo_flows.py)."""

import json
import os
import subprocess
import sys
import urllib.request
from importlib.util import find_spec

from django.conf import settings

from demo.standins.__main__ import NAMES

from ..conftest import free_port, wait_for


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
