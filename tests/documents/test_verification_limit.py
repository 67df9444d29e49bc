"""The public lookup's rate limit counts per client across every web process, not per
process: gunicorn's workers share one count through the cache (the database when there is no
Redis), or three workers would each allow the limit."""

import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse

# Another web process: Django's test client in a separate Python process on the same test
# database, sending `count` lookups from one address.
OTHER_PROCESS = """
import sys, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(REMOTE_ADDR="10.1.2.3")
for _ in range(int(sys.argv[1])):
    print(client.get("/verifikasi/", {"nomor": "1/X", "kode": "ABC234"}).status_code)
"""


@pytest.mark.django_db(transaction=True)
def test_the_lookup_limit_is_shared_by_every_web_process(client, settings):
    # A limit per day, so that both processes count in the same window whatever the time.
    settings.VERIFY_RATE = "5/d"
    cache.clear()
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.test",
        ANGKATAN_USE_TEST_DATABASE="1",
        VERIFY_RATE="5/d",
    )
    other = subprocess.run(
        [sys.executable, "-c", OTHER_PROCESS, "3"],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    assert other.stdout.split() == ["404", "404", "404"]
    url = reverse("verify_lookup")
    lookup = {"nomor": "1/X", "kode": "ABC234"}
    here = [client.get(url, lookup, REMOTE_ADDR="10.1.2.3").status_code for _ in range(3)]
    # Three there and two here make the five allowed; the sixth is refused.
    assert here == [404, 404, 429]
    cache.clear()
