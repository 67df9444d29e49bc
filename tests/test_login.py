"""Logins resist guessing (issue 13): failed logins lock a user name or an address for a while,
an administrator can unlock, and sessions end after 30 idle minutes."""

import os
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings as django_settings
from django.contrib.sessions.models import Session
from django.db.models import F
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from config import roles
from config.logins import login_client_address
from config.middleware import SessionIdleTimeoutMiddleware

from .factories import PASSWORD, UserFactory, staff_user

pytestmark = pytest.mark.django_db

HERE = "127.0.0.1"
LOCKED = "Masuk dikunci sementara"
RENEWED = SessionIdleTimeoutMiddleware.RENEWED_KEY


def login(client, username, password, address=HERE, **headers):
    return client.post(
        reverse("login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
        **headers,
    )


def signed_in(client):
    """What the visitor sees: the home address sends a signed-in user on to their page and
    anyone else to the login page."""
    return not client.get(reverse("home"))["Location"].startswith(reverse("login"))


def assert_refused(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    assert "15 menit" in page
    assert "hubungi administrator" in page


def lock(client, user, address=HERE):
    for guess in range(5):
        login(client, user.username, f"tebakan-{guess}", address)


def attempts_age(minutes):
    """As if the failed attempts had been made `minutes` earlier."""
    AccessAttempt.objects.update(attempt_time=F("attempt_time") - timedelta(minutes=minutes))


def test_the_sixth_attempt_is_refused_after_five_wrong_passwords_even_with_the_right_one(client):
    user = staff_user()
    for guess in range(4):
        response = login(client, user.username, f"tebakan-{guess}")
        assert response.status_code == 200
        assert LOCKED not in response.content.decode()
    assert_refused(login(client, user.username, "tebakan-4"))
    assert_refused(login(client, user.username, PASSWORD))
    assert not signed_in(client)


def test_four_wrong_passwords_then_the_right_one_signs_in_and_the_count_starts_again(client):
    user = staff_user()
    for guess in range(4):
        login(client, user.username, f"tebakan-{guess}")
    assert login(client, user.username, PASSWORD).status_code == 302
    assert signed_in(client)
    client.post(reverse("logout"))
    for guess in range(4):
        login(client, user.username, f"lagi-{guess}")
    assert login(client, user.username, PASSWORD).status_code == 302


def test_signing_in_as_oneself_does_not_reset_the_count_of_another_account(client):
    victim, insider = staff_user(), staff_user()
    for guess in range(4):
        login(client, victim.username, f"tebakan-{guess}")
    # Between guesses, from the same address, the guesser signs in with their own account.
    assert login(Client(), insider.username, PASSWORD).status_code == 302
    login(client, victim.username, "tebakan-4")
    assert_refused(login(Client(), victim.username, PASSWORD))


def test_the_lock_lifts_after_fifteen_minutes_and_attempts_meanwhile_do_not_extend_it(client):
    user = staff_user()
    lock(client, user)
    attempts_age(14)
    assert_refused(login(client, user.username, PASSWORD))
    attempts_age(2)
    assert login(client, user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_wrong_passwords_for_many_names_from_one_address_lock_that_address(client):
    address, elsewhere = "203.0.113.9", "198.51.100.4"
    first, second = staff_user(), staff_user()
    # Nineteen failures over five names (four at most each): the address is not locked yet.
    for n in range(19):
        login(client, f"19900101201501100{n % 5}", "salah", address)
    assert login(Client(), first.username, PASSWORD, address).status_code == 302
    login(client, "199001012015011009", "salah", address)
    # The twentieth locks the address, for every name; elsewhere the same account signs in.
    assert_refused(login(Client(), second.username, PASSWORD, address))
    assert login(Client(), second.username, PASSWORD, elsewhere).status_code == 302


def test_behind_a_proxy_the_address_is_the_one_the_proxy_passes_on(client, settings):
    settings.RATELIMIT_IP_META_KEY = "HTTP_X_REAL_IP"
    proxy = "10.0.0.2"
    for n in range(20):
        login(client, f"nip-{n}", "salah", proxy, HTTP_X_REAL_IP="203.0.113.9")
    user = staff_user()
    refused = login(Client(), user.username, PASSWORD, proxy, HTTP_X_REAL_IP="203.0.113.9")
    assert_refused(refused)
    other = login(Client(), user.username, PASSWORD, proxy, HTTP_X_REAL_IP="198.51.100.4")
    assert other.status_code == 302


def test_an_ipv6_client_counts_as_its_slash_64_network():
    request = RequestFactory().get("/", REMOTE_ADDR="2001:db8:5:7:a:b:c:d")
    assert login_client_address(request) == "2001:db8:5:7::"
    assert login_client_address(RequestFactory().get("/", REMOTE_ADDR="203.0.113.9")) == (
        "203.0.113.9"
    )


def test_an_administrator_unlocks_a_locked_account_in_the_admin_site(client):
    user = staff_user()
    lock(client, user)
    assert_refused(login(client, user.username, PASSWORD))

    administrator = Client()
    admin_user = UserFactory(role=roles.ADMINISTRATOR, is_staff=True)
    assert login(administrator, admin_user.username, PASSWORD, "198.51.100.20").status_code == 302
    attempts = reverse("admin:axes_accessattempt_changelist")
    page = administrator.get(attempts, {"q": user.username}).content.decode()
    assert user.username in page
    selected = re.findall(r'name="_selected_action" value="(\d+)"', page)
    assert selected
    form = {"action": "delete_selected", "_selected_action": selected}
    confirm = administrator.post(attempts, form)
    assert confirm.status_code == 200
    assert administrator.post(attempts, {**form, "post": "yes"}).status_code == 302

    assert login(client, user.username, PASSWORD).status_code == 302
    assert signed_in(client)


def test_staff_cannot_open_the_failed_logins_in_the_admin_site(client):
    staff = staff_user(is_staff=True)
    assert login(client, staff.username, PASSWORD).status_code == 302
    assert client.get(reverse("admin:axes_accessattempt_changelist")).status_code == 403


def session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def idle(client, minutes, *, row_too=True):
    """As if the signed-in session had last been used `minutes` ago."""
    session = client.session
    session[RENEWED] -= minutes * 60
    session.save()
    if row_too:
        Session.objects.filter(session_key=session.session_key).update(
            expire_date=F("expire_date") - timedelta(minutes=minutes)
        )


def assert_ends_in_thirty_minutes(client, response):
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    left = session_row(client).expire_date - timezone.now()
    assert timedelta(minutes=29) < left <= timedelta(minutes=30)


def test_a_session_ends_after_thirty_idle_minutes(client):
    user = staff_user()
    assert_ends_in_thirty_minutes(client, login(client, user.username, PASSWORD))
    idle(client, 31)
    response = client.get(reverse("cohorts:cohort_list"))
    assert response["Location"].startswith(reverse("login"))
    assert not signed_in(client)


def test_a_session_saved_to_live_longer_still_ends_after_thirty_idle_minutes(client):
    user = staff_user()
    login(client, user.username, PASSWORD)
    idle(client, 31, row_too=False)
    assert not signed_in(client)


def test_a_session_in_use_is_renewed_at_most_once_a_minute(client):
    user = staff_user()
    login(client, user.username, PASSWORD)
    cookie = django_settings.SESSION_COOKIE_NAME
    # Right after signing in nothing is written.
    assert cookie not in client.get(reverse("cohorts:cohort_list")).cookies
    idle(client, 29)
    response = client.get(reverse("cohorts:cohort_list"))
    assert response.status_code == 200
    assert_ends_in_thirty_minutes(client, response)
    idle(client, 29)
    assert signed_in(client)


def test_the_limits_and_the_idle_period_come_from_the_environment():
    probe = (
        "from django.conf import settings as s; print(s.AXES_FAILURE_LIMIT,"
        " s.LOGIN_ADDRESS_FAILURE_LIMIT, s.AXES_COOLOFF_TIME.total_seconds(),"
        " s.SESSION_COOKIE_AGE)"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "LOGIN_FAILURE_LIMIT": "3",
        "LOGIN_ADDRESS_FAILURE_LIMIT": "50",
        "LOGIN_COOLOFF_MINUTES": "60",
        "SESSION_IDLE_MINUTES": "45",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", probe],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[-4:] == ["3", "50", "3600.0", "2700"]
