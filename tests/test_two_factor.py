"""Two-factor login (issue 13): staff turn on an authenticator app (TOTP) and enter its code
after the password; an administrator can require it of whoever issues certificates."""

import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from config import roles

from .factories import PASSWORD, UserFactory, home_agency, staff_user

pytestmark = pytest.mark.django_db

SETUP = reverse("two_factor_setup")
VERIFY = reverse("two_factor_verify")


def code(user):
    """The authenticator's current code. The device refuses a code of a time step it already
    accepted and waits after a wrong one; the tests stand in for a later step, so both are
    cleared first."""
    device = TOTPDevice.objects.get(user=user)
    TOTPDevice.objects.filter(pk=device.pk).update(
        last_t=-1, drift=0, throttling_failure_count=0, throttling_failure_timestamp=None
    )
    return f"{totp(device.bin_key, device.step, device.t0, device.digits, 0):0{device.digits}d}"


def login(client, user):
    return client.post(reverse("login"), {"username": user.username, "password": PASSWORD})


def enable(client, user):
    page = client.get(SETUP)
    assert page.status_code == 200
    return client.post(SETUP, {"code": code(user)})


def test_set_up_then_sign_in_asks_for_the_code(client):
    user = staff_user()
    login(client, user)
    page = client.get(SETUP).content.decode()
    assert "data:image/svg+xml" in page  # the QR code, as a data URI (no inline script)
    device = TOTPDevice.objects.get(user=user)
    assert not device.confirmed
    assert "otpauth://totp/Angkatan" in device.config_url
    secret = re.search(r"<code[^>]*>([A-Z2-7 ]+)</code>", page).group(1)
    assert len(secret.replace(" ", "")) >= 32

    # A wrong first code does not turn it on.
    refused = client.post(SETUP, {"code": "000000" if code(user) != "000000" else "111111"})
    assert "Kode salah" in refused.content.decode()
    assert not TOTPDevice.objects.get(user=user).confirmed

    response = client.post(SETUP, {"code": code(user)})
    assert response.status_code == 302
    assert TOTPDevice.objects.get(user=user).confirmed
    assert client.get(reverse("cohorts:cohort_list")).status_code == 200  # this session counts

    client.post(reverse("logout"))
    response = login(client, user)
    assert response.status_code == 302
    # Every page now asks for the code first.
    cohorts = reverse("cohorts:cohort_list")
    response = client.get(cohorts)
    assert response.status_code == 302
    assert response.url.startswith(VERIFY)
    page = client.get(response.url).content.decode()
    assert "Kode verifikasi" in page
    assert client.get(SETUP).url.startswith(VERIFY)

    wrong = "000000" if code(user) != "000000" else "111111"
    refused = client.post(VERIFY, {"code": wrong, "next": cohorts})
    assert refused.status_code == 200
    assert "Kode salah" in refused.content.decode()
    assert client.get(cohorts).status_code == 302

    response = client.post(VERIFY, {"code": code(user), "next": cohorts})
    assert response.status_code == 302 and response.url == cohorts
    assert client.get(cohorts).status_code == 200


def test_the_code_step_does_not_send_elsewhere(client):
    user = staff_user()
    login(client, user)
    enable(client, user)
    client.post(reverse("logout"))
    login(client, user)
    response = client.post(VERIFY, {"code": code(user), "next": "https://example.com/"})
    assert response.url == reverse("cohorts:cohort_list")


def test_turning_it_off_needs_a_current_code(client):
    user = staff_user()
    login(client, user)
    enable(client, user)
    disable = reverse("two_factor_disable")
    assert "Matikan" in client.get(SETUP).content.decode()
    wrong = "000000" if code(user) != "000000" else "111111"
    assert client.post(disable, {"code": wrong}).status_code == 400
    assert TOTPDevice.objects.filter(user=user, confirmed=True).exists()

    assert client.post(disable, {"code": code(user)}).status_code == 302
    assert not TOTPDevice.objects.filter(user=user).exists()
    client.post(reverse("logout"))
    login(client, user)
    assert client.get(reverse("cohorts:cohort_list")).status_code == 200  # no code asked


def test_users_without_a_device_sign_in_as_before(client):
    user = staff_user()
    login(client, user)
    assert client.get(reverse("cohorts:cohort_list")).status_code == 200


def test_participants_and_widyaiswara_cannot_open_the_set_up_page(client):
    client.force_login(UserFactory(role=roles.WIDYAISWARA))
    assert client.get(SETUP).status_code == 403


@pytest.fixture
def required(settings):
    settings.TWO_FACTOR_REQUIRED_FOR_CERTIFICATES = True


def test_required_sends_a_certificate_issuer_without_a_device_to_set_up(client, required):
    user = staff_user()
    numbering = reverse("documents:numbering", args=[home_agency().pk])
    login(client, user)
    response = client.get(numbering)
    assert response.status_code == 302
    assert response.url.startswith(SETUP)
    assert client.post(numbering, {"pattern-all": "{seq}/X/{year}"}).url.startswith(SETUP)
    assert "mewajibkan login dua langkah" in client.get(response.url).content.decode()
    # Other pages still open.
    assert client.get(reverse("cohorts:cohort_list")).status_code == 200

    client.post(f"{SETUP}?next={numbering}", {"code": code(user)})
    assert client.get(numbering).status_code == 200


def test_required_does_not_force_users_who_cannot_issue(client, required):
    user = UserFactory(role=roles.WIDYAISWARA)
    login(client, user)
    assert client.get(reverse("projects:queue")).status_code == 200
    assert client.get(reverse("home")).status_code == 302
    numbering = reverse("documents:numbering", args=[home_agency().pk])
    assert client.get(numbering).status_code == 403  # refused, not sent to set up


def test_requirement_is_off_by_default(client):
    client.force_login(staff_user())
    numbering = reverse("documents:numbering", args=[home_agency().pk])
    assert client.get(numbering).status_code == 200


def test_the_admin_site_asks_for_the_code_too(client):
    user = UserFactory(role=roles.ADMINISTRATOR, is_staff=True)
    login(client, user)
    enable(client, user)
    assert client.get(reverse("admin:index")).status_code == 200
    client.post(reverse("logout"))
    login(client, user)
    response = client.get(reverse("admin:index"), follow=True)
    assert response.redirect_chain[-1][0].startswith(VERIFY)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 302
    client.post(VERIFY, {"code": code(user)})
    assert client.get(reverse("admin:index")).status_code == 200
