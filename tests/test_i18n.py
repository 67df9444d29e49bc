"""Indonesian first: Bahasa Indonesia unless the user picks English in the header."""

from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from .factories import CohortFactory, staff_user

pytestmark = pytest.mark.django_db


def test_pages_are_in_indonesian_even_for_an_english_browser(client):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert 'lang="id"' in page
    assert "Masuk ke Angkatan" in page


def test_the_language_switch_turns_the_interface_to_english_and_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/masuk/"})
    assert response.status_code == 302
    page = client.get(reverse("login")).content.decode()
    assert "Log in to Angkatan" in page
    client.post(reverse("set_language"), {"language": "id", "next": "/masuk/"})
    assert "Masuk ke Angkatan" in client.get(reverse("login")).content.decode()


def test_dates_are_written_the_indonesian_way():
    rendered = Template("{{ day|date }}").render(Context({"day": date(2022, 8, 17)}))
    assert rendered == "17 Agustus 2022"
    with translation.override("en"):
        assert Template("{{ day|date }}").render(Context({"day": date(2022, 8, 17)})) == (
            "17 August 2022"
        )


def test_the_cohort_page_shows_phase_dates_in_indonesian(client):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    client.force_login(staff_user())
    page = client.get(cohort.get_absolute_url()).content.decode()
    assert "1 Agustus 2022 – 31 Agustus 2022" in page


def test_the_time_zone_is_jakarta(settings):
    assert settings.TIME_ZONE == "Asia/Jakarta"
