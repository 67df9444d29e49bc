"""The public catalogue of innovations (issue 18): publishing after the seminar, choosing what
is shown, unpublishing, the search by theme, region and words, the shareable page with its
Open Graph tags, no personal data beyond the name, and the demo's published projects."""

from datetime import date

import pytest
from django.urls import reverse

from projects.models import CataloguePublication, State

from ..factories import CohortFactory
from .test_follow_up import followed_project, mentor_with_login


@pytest.fixture
def two(db):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    mentor = mentor_with_login(910, "Drs. Atasan, M.Si.")
    first = followed_project(cohort, mentor, theme="Stunting")
    second = followed_project(cohort, mentor, theme="Pengendalian inflasi")
    for project, phone in ((first, "081234567890"), (second, "081298765432")):
        participant = project.enrolment.participant
        participant.email, participant.phone = f"{participant.nip}@example.go.id", phone
        participant.save()
    return first, second


def publish(client, project, **overrides):
    client.force_login(project.enrolment.participant.user)
    data = {
        "region": "Kota Tangerang",
        "summary": "Kelas ibu hamil setiap pekan di puskesmas.",
        "show_summary": "on",
        "results": "Balita berisiko stunting turun 12%.",
        "show_results": "on",
        "show_name": "on",
        "action": "publish",
    }
    data.update(overrides)
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(reverse("projects:catalogue_publish", args=[project.pk]), data)


def test_publishing_shows_the_chosen_parts_and_no_personal_data(two, client):
    first, _second = two
    assert publish(client, first, show_results=None).status_code == 302
    publication = CataloguePublication.objects.get(project=first)
    client.logout()

    listing = client.get(reverse("projects:catalogue"))
    assert listing.status_code == 200
    assert "public" in listing["Cache-Control"]
    assert first.title in listing.content.decode()

    page = client.get(reverse("projects:catalogue_entry", args=[publication.uid]))
    assert page.status_code == 200
    text = page.content.decode()
    participant = first.enrolment.participant
    assert f'<meta property="og:title" content="{first.title}">' in text
    assert f"/katalog-inovasi/{publication.uid}/" in text
    assert "Kelas ibu hamil setiap pekan" in text
    assert "Balita berisiko stunting turun" not in text  # results not chosen
    assert participant.name in text
    for private in (participant.nip, participant.email, participant.phone, str(participant.agency)):
        assert private not in text

    # The name hidden: the page shows the project, not who made it.
    assert publish(client, first, show_name=None).status_code == 302
    client.logout()
    text = client.get(reverse("projects:catalogue_entry", args=[publication.uid])).content.decode()
    assert participant.name not in text


def test_unpublishing_removes_it_and_keeps_its_address(two, client):
    first, _second = two
    publish(client, first)
    uid = CataloguePublication.objects.get(project=first).uid
    response = client.post(
        reverse("projects:catalogue_publish", args=[first.pk]), {"action": "unpublish"}
    )
    assert response.status_code == 302
    client.logout()
    assert client.get(reverse("projects:catalogue_entry", args=[uid])).status_code == 404
    assert first.title not in client.get(reverse("projects:catalogue")).content.decode()
    publish(client, first)
    assert CataloguePublication.objects.get(project=first).uid == uid


def test_only_after_the_seminar_and_only_the_owner(two, client):
    first, second = two
    first.state = State.IMPLEMENTATION
    first.save()
    response = publish(client, first)
    assert response.status_code == 400
    assert "setelah seminarnya" in response.content.decode()
    assert not CataloguePublication.objects.exists()
    # Someone else's project: refused, nothing published.
    client.force_login(second.enrolment.participant.user)
    response = client.post(
        reverse("projects:catalogue_publish", args=[first.pk]),
        {"region": "X", "action": "publish"},
    )
    assert response.status_code == 403
    assert not CataloguePublication.objects.exists()


def test_the_region_is_required_and_the_input_kept(two, client):
    first, _second = two
    response = publish(client, first, region="", summary="Ringkasan yang tetap ada")
    assert response.status_code == 400
    assert "Ringkasan yang tetap ada" in response.content.decode()
    assert not CataloguePublication.objects.exists()


def test_the_catalogue_is_searched_by_theme_region_and_words(two, client):
    first, second = two
    publish(client, first, region="Kota Tangerang")
    publish(client, second, region="Kota Cilegon", summary="Pasar murah keliling")
    client.logout()
    url = reverse("projects:catalogue")
    stunting = first.theme

    def titles(**params):
        response = client.get(url, params)
        return {entry.title for entry in response.context["entries"]}

    assert titles() == {first.title, second.title}
    assert titles(tema=stunting.pk) == {first.title}
    assert titles(wilayah="Kota Cilegon") == {second.title}
    assert titles(q="pasar murah") == {second.title}
    assert titles(tema=stunting.pk, wilayah="Kota Cilegon") == set()
    # Each theme's and region's count, from SQL, in the filters.
    text = client.get(url).content.decode()
    assert "Stunting (1)" in text and "Kota Cilegon (1)" in text


# The public list: the themes and the regions with their counts (2), the COUNT and the page's
# rows (2); a visitor has no session to read. No query per row: the same with 2 or 12 entries.
CATALOGUE_QUERIES = 5


def test_the_catalogue_costs_the_same_with_more_entries(two, client, django_assert_num_queries):
    first, second = two
    publish(client, first)
    publish(client, second)
    client.logout()
    url = reverse("projects:catalogue")
    with django_assert_num_queries(CATALOGUE_QUERIES):
        assert client.get(url, {"tema": first.theme_id}).status_code == 200
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    mentor = mentor_with_login(911, "Dr. Atasan Kedua")
    for n in range(10):
        publish(client, followed_project(cohort, mentor, theme="Stunting"), region=f"Kota {n}")
    client.logout()
    with django_assert_num_queries(CATALOGUE_QUERIES):
        response = client.get(url, {"tema": first.theme_id})
    assert len(response.context["entries"]) == 11
