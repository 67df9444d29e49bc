"""Calendar feeds, read back with icalendar as a calendar app would."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from icalendar import Calendar

from cohorts.services import phase_reschedule
from participants.services import participant_account_ensure

from ..factories import CohortFactory, enrol

pytestmark = pytest.mark.django_db


def events(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


@pytest.fixture
def participant_feed():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    enrolment = enrol(cohort)
    participant = enrolment.participant
    return (
        cohort,
        participant,
        reverse("participants:calendar_feed", args=[participant.calendar_token]),
    )


def test_one_event_per_phase_with_its_dates(client, participant_feed):
    cohort, participant, url = participant_feed
    feed = events(client.get(url))
    assert len(feed) == 4
    distance = cohort.phases.get(order=2)
    event = feed[f"{distance.uid}@angkatan"]
    assert event.decoded("DTSTART") == date(2022, 8, 1)
    # All-day events end the day after their last day.
    assert event.decoded("DTEND") == date(2022, 9, 1)
    assert str(event["SUMMARY"]).startswith("Pembelajaran jarak jauh")
    assert int(event["SEQUENCE"]) == 0
    actualization = feed[f"{cohort.phases.get(order=3).uid}@angkatan"]
    assert str(actualization["LOCATION"]) == participant.agency.name


def test_a_moved_phase_keeps_its_uid_and_raises_its_sequence(client, participant_feed):
    cohort, _participant, url = participant_feed
    classical = cohort.phases.get(order=4)
    phase_reschedule(phase=classical, start_date=date(2022, 10, 17), end_date=date(2022, 10, 22))
    feed = events(client.get(url))
    assert len(feed) == 4
    event = feed[f"{classical.uid}@angkatan"]
    assert event.decoded("DTSTART") == date(2022, 10, 17)
    assert event.decoded("DTEND") == date(2022, 10, 23)
    assert int(event["SEQUENCE"]) == 1


def test_a_reset_token_retires_the_old_address(client, participant_feed):
    _cohort, participant, old_url = participant_feed
    user = participant_account_ensure(participant=participant)
    client.force_login(user)
    response = client.post(reverse("participants:calendar_reset"))
    assert response.status_code == 302
    participant.refresh_from_db()
    assert client.get(old_url).status_code == 404
    new_url = reverse("participants:calendar_feed", args=[participant.calendar_token])
    assert new_url != old_url
    assert len(events(client.get(new_url))) == 4


def test_the_cohort_feed_for_staff_and_widyaiswara(client):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    feed = events(client.get(reverse("cohorts:cohort_feed", args=[cohort.calendar_token])))
    assert sorted(e.decoded("DTSTART") for e in feed.values()) == [
        p.start_date for p in cohort.phases.order_by("order")
    ]
    assert client.get(reverse("cohorts:cohort_feed", args=["tebakan"])).status_code == 404


def test_a_participant_feed_holds_only_their_own_cohorts(client):
    mine = CohortFactory(start_date=date(2022, 7, 8))
    other = CohortFactory(start_date=date(2022, 7, 8) + timedelta(days=140))
    participant = enrol(mine).participant
    enrol(other)
    url = reverse("participants:calendar_feed", args=[participant.calendar_token])
    uids = set(events(client.get(url)))
    assert uids == {f"{p.uid}@angkatan" for p in mine.phases.all()}


def test_staff_replace_the_cohort_feed_address(client):
    from ..factories import staff_user

    cohort = CohortFactory(start_date=date(2022, 7, 8))
    old = reverse("cohorts:cohort_feed", args=[cohort.calendar_token])
    client.force_login(staff_user())
    assert client.post(reverse("cohorts:cohort_feed_reset", args=[cohort.pk])).status_code == 302
    cohort.refresh_from_db()
    assert client.get(old).status_code == 404
    assert (
        client.get(reverse("cohorts:cohort_feed", args=[cohort.calendar_token])).status_code == 200
    )
