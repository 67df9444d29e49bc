"""Passwords are stored with Argon2id at OWASP's minimum cost (config/passwords.py); a hash
made before (PBKDF2, Django's default until then) is upgraded when its owner logs in."""

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher, identify_hasher, make_password
from django.urls import reverse

from config.settings.base import PASSWORD_HASHERS

from .factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def production_hashers(settings):
    # The tests store passwords with MD5 for speed (config/settings/test.py); these tests
    # need the list production uses.
    settings.PASSWORD_HASHERS = PASSWORD_HASHERS


def test_a_new_password_is_stored_with_argon2id_at_owasps_minimum(production_hashers):
    algorithm, variety, version, parameters, *_ = make_password("Kata-Sandi-Baru-9").split("$")
    assert (algorithm, variety) == ("argon2", "argon2id")
    # OWASP: m=19 MiB (19,456 KiB), t=2, p=1 at least.
    assert parameters == "m=19456,t=2,p=1"


def test_a_pbkdf2_password_becomes_argon2id_at_the_next_login(client, production_hashers):
    user = UserFactory(username="lama")
    user.password = make_password(PASSWORD, hasher=PBKDF2PasswordHasher())
    user.save(update_fields=["password"])
    assert identify_hasher(user.password).algorithm == "pbkdf2_sha256"

    response = client.post(reverse("login"), {"username": "lama", "password": PASSWORD})

    assert response.status_code == 302
    assert response.url != reverse("login")
    user.refresh_from_db()
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert user.check_password(PASSWORD)


def test_an_argon2_hash_with_other_parameters_is_stored_again_with_ours(client, production_hashers):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    user = UserFactory(username="argon-lain")
    user.password = make_password(PASSWORD, hasher=Argon2PasswordHasher())  # Django's own cost
    user.save(update_fields=["password"])

    client.post(reverse("login"), {"username": "argon-lain", "password": PASSWORD})

    user.refresh_from_db()
    assert "$m=19456,t=2,p=1$" in user.password
