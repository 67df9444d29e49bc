"""The login page in plain words, and "Lupa sandi?" (issue 14): a link by e-mail that never
tells whether an address has an account, limited per address and per e-mail, recorded."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.hashers import make_password
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from config.logins import PASSWORD_RESET_RATE_EMAIL

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

NIP = "198609262015051001"


@pytest.fixture(autouse=True)
def fresh_limits():
    # The rate limit counts in the cache, which outlives a test's transaction.
    cache.clear()
    yield
    cache.clear()


def ask(client, email, address="127.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_the_login_page_asks_for_the_nip_and_says_plainly_what_was_wrong(client):
    page = client.get(reverse("login")).content.decode()
    assert "NIP atau nama pengguna" in page
    assert "Lupa sandi?" in page and reverse("password_reset") in page

    UserFactory(username=NIP)
    wrong = client.post(reverse("login"), {"username": NIP, "password": "salah"})
    text = wrong.content.decode()
    assert "NIP/nama pengguna atau kata sandi salah" in text
    assert "nama pengguna nama pengguna" not in text


def test_a_nip_typed_as_printed_signs_in(client):
    UserFactory(username=NIP)
    response = client.post(
        reverse("login"), {"username": "19860926 201505 1 001", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert not client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_forgotten_password_sends_a_link_that_sets_a_new_one(client):
    user = UserFactory(username=NIP, email="hary@example.go.id")
    response = ask(client, "HARY@example.go.id")
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["hary@example.go.id"]
    assert NIP in message.body
    link = re.search(r"https?://\S+/akun/atur-sandi/\S+/", message.body).group(0)

    form = client.get(link, follow=True)
    assert "Simpan kata sandi" in form.content.decode()
    saved = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Sandi-baru-2026", "new_password2": "Sandi-baru-2026"},
        follow=True,
    )
    assert "Kata sandi tersimpan" in saved.content.decode()
    user.refresh_from_db()
    assert user.check_password("Sandi-baru-2026")
    # Used once: the same link no longer works.
    assert "tidak berlaku lagi" in client.get(link, follow=True).content.decode()


def test_an_account_never_activated_gets_the_link_too(client):
    UserFactory(username=NIP, email="baru@example.go.id", password=make_password(None))
    ask(client, "baru@example.go.id")
    assert len(mail.outbox) == 1


def test_the_answer_never_reveals_whether_an_address_has_an_account(client):
    UserFactory(username=NIP, email="ada@example.go.id")
    known = ask(client, "ada@example.go.id")
    unknown = ask(client, "tidak-ada@example.go.id")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    done = client.get(known["Location"]).content.decode()
    assert "Bila alamat itu terdaftar" in done
    assert len(mail.outbox) == 1  # only the real account was written to


def test_requests_are_limited_and_recorded(client):
    UserFactory(username=NIP, email="ada@example.go.id")
    per_email = int(PASSWORD_RESET_RATE_EMAIL.split("/")[0])
    statuses = [ask(client, "ada@example.go.id").status_code for _ in range(per_email + 1)]
    assert statuses == [302] * per_email + [429]
    assert "Terlalu banyak permintaan" in ask(client, "ada@example.go.id").content.decode()
    assert len(mail.outbox) == per_email
    # Another address may still ask from here.
    assert ask(client, "lain@example.go.id").status_code == 302
    entries = LogEntry.objects.filter(additional_data__event="password_reset")
    assert entries.count() == per_email + 1
    assert entries.first().remote_addr == "127.0.0.1"
