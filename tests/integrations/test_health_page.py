"""The administrators' page of the outside systems: one line per system, its state now."""

import pytest
from django.urls import reverse

from demo.standins.lms import MoodleStandIn

from ..factories import administrator_user, staff_user
from ..standins import running

pytestmark = pytest.mark.django_db


def lines(page):
    body = page.split('id="integrations-health"')[1].split("</table>")[0]
    return body.split("<tbody>")[1].count("<tr")


def test_administrators_see_each_system_and_an_lms_that_stopped_answering(client, settings):
    admin = administrator_user(is_staff=True)
    client.force_login(admin)
    stand_in = MoodleStandIn(token="geheim-token-uji")
    with running(stand_in):
        settings.LMS_BASE_URL, settings.LMS_TOKEN, settings.LMS_TIMEOUT = (
            stand_in.url,
            "geheim-token-uji",
            1,
        )
        page = client.get(reverse("integrations_health")).content.decode()
        assert lines(page) == 3
        lms = page.split('class="integration-lms"')[1].split("</tr>")[0]
        assert "baik" in lms and "LMS Contoh (stand-in)" in lms and stand_in.url in lms
        assert "SIASN" in page and "BSrE" in page
    page = client.get(reverse("integrations_health")).content.decode()
    lms = page.split('class="integration-lms"')[1].split("</tr>")[0]
    assert "bermasalah" in lms
    assert "LMS tidak dapat dihubungi (ConnectionError). Coba lagi nanti." in lms
    assert "geheim-token-uji" not in page  # the address is shown, never the token
    # The admin site's index links to it.
    assert reverse("integrations_health") in client.get(reverse("admin:index")).content.decode()


def test_not_configured_is_said(client, settings):
    settings.LMS_BASE_URL = settings.LMS_TOKEN = ""
    client.force_login(administrator_user(is_staff=True))
    page = client.get(reverse("integrations_health")).content.decode()
    lms = page.split('class="integration-lms"')[1].split("</tr>")[0]
    assert "LMS belum diatur: isi LMS_BASE_URL di lingkungan server." in lms


def test_staff_are_refused(client):
    client.force_login(staff_user(is_staff=True))
    assert client.get(reverse("integrations_health")).status_code == 403
    client.logout()
    assert client.get(reverse("integrations_health")).status_code == 302  # to the login
