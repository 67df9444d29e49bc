"""Every enrolled participant gets a login (their NIP) and an invitation to set a password."""

import re
from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from participants.invitations import invitations_send

from ..factories import CohortFactory, ParticipantFactory, enrol

pytestmark = pytest.mark.django_db


def test_the_invitation_link_sets_a_password_that_logs_in(client):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    person = ParticipantFactory(email="dewi@example.go.id")
    enrol(cohort, person)
    person.refresh_from_db()
    assert person.user.username == person.nip

    assert invitations_send(participant_ids=[person.pk]) == 1
    [message] = mail.outbox
    assert message.to == ["dewi@example.go.id"]
    assert person.nip in message.body
    url = re.search(r"https?://\S+/akun/atur-sandi/\S+/", message.body).group(0)
    path = url.split("://", 1)[1].split("/", 1)[1]

    form_page = client.get("/" + path, follow=True)
    assert "Buat kata sandi" in form_page.content.decode()
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Latsar-Banten-2022", "new_password2": "Latsar-Banten-2022"},
    )
    assert response.status_code == 302
    signed_in = client.post(
        reverse("login"), {"username": person.nip, "password": "Latsar-Banten-2022"}
    )
    assert signed_in.status_code == 302 and "_auth_user_id" in client.session
    # The link works once.
    again = client.get("/" + path, follow=True)
    assert "tidak berlaku lagi" in again.content.decode()


def test_a_participant_without_email_gets_no_invitation():
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    person = enrol(cohort, ParticipantFactory(email="")).participant
    assert invitations_send(participant_ids=[person.pk]) == 0
    assert mail.outbox == []


def test_a_participant_sees_their_own_page_and_no_one_elses(client):
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    mine, other = enrol(cohort).participant, enrol(cohort).participant
    mine.refresh_from_db()
    client.force_login(mine.user)
    assert client.get(mine.get_absolute_url()).status_code == 200
    assert client.get(other.get_absolute_url()).status_code == 403
    assert (
        client.get(reverse("participants:roster_export", args=[cohort.pk, "csv"])).status_code
        == 403
    )


def test_a_mentor_gets_a_login_and_sees_only_their_mentees(client):
    from participants.services import participant_enrol

    from ..factories import AgencyFactory

    cohort = CohortFactory(start_date=date(2022, 7, 8))
    agency = AgencyFactory()
    mentor_data = {"nip": "19700101 199503 1 002", "name": "Ir. Budi Santoso, M.T.",
                   "position": "Kepala Dinas", "email": "budi@example.go.id"}  # fmt: skip
    mine = participant_enrol(
        cohort=cohort, mentor=mentor_data, nip="199605122022031142", name="Ahmad Suryani, S.H.",
        rank="III/a", position="Analis", agency=agency,
    )  # fmt: skip
    enrol(cohort)  # someone else's mentee
    mentor = mine.mentor
    assert mentor.user.username == "197001011995031002"
    client.force_login(mentor.user)
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0] == reverse("participants:my_mentees")
    page = response.content.decode()
    assert "Ahmad Suryani, S.H." in page
    assert page.count("<tr>") == 2  # the header and one mentee
    assert client.get(reverse("cohorts:cohort_list")).status_code == 403


def test_a_mentor_with_a_participants_nip_gets_no_invitation_for_that_account(
    django_capture_on_commit_callbacks,
):
    from participants.models import Mentor
    from participants.services import participant_enrol

    from ..factories import AgencyFactory

    cohort = CohortFactory(start_date=date(2022, 7, 8))
    person = enrol(cohort, ParticipantFactory(email="asli@example.go.id")).participant
    person.refresh_from_db()
    # A spreadsheet names the participant as someone's mentor, with another address.
    with django_capture_on_commit_callbacks() as queued:
        participant_enrol(
            cohort=cohort,
            mentor={"nip": person.nip, "name": "Penyusup", "position": "",
                    "email": "x@evil.example"},
            nip="199605122022031142", name="Ahmad", rank="III/a", position="Analis",
            agency=AgencyFactory(),
        )  # fmt: skip
    mentor = Mentor.objects.get(nip=person.nip)
    assert mentor.user_id == person.user_id  # the same person, the same login
    assert queued == []  # and no set-password link for it goes anywhere
