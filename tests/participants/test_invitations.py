"""Who has activated their account, and invitations by e-mail or by a WhatsApp link, for one
person or the whole cohort; participants' and mentors' logins carry their names."""

import importlib
import re
from datetime import date
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.core import mail
from django.urls import reverse

from config.users import name_fields, user_label
from participants.accounts import invitations_to_inactive
from participants.invitations import invitations_send, whatsapp_number
from participants.models import Enrolment
from participants.services import mentor_upsert, participant_account_ensure, participant_enrol

from ..factories import (
    PASSWORD,
    AgencyFactory,
    CohortFactory,
    ParticipantFactory,
    TrainingAgencyFactory,
    enrol,
    staff_user,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db

MENTOR = {
    "nip": "19700101 199503 1 002",
    "name": "Ir. Budi Santoso, M.T.",
    "position": "Kepala Dinas Kesehatan",
    "email": "",
    "phone": "0813-1111-2222",
}


@pytest.fixture
def cohort_people():
    """A cohort with a participant who has set a password, one reachable by e-mail and
    WhatsApp, one by WhatsApp only, and a mentor reachable by WhatsApp only."""
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    active = enrol(cohort, ParticipantFactory(name="Aktif Sekali, S.E.", email="a@x.go.id"))
    participant_account_ensure(participant=active.participant, password=PASSWORD)
    both = enrol(
        cohort,
        ParticipantFactory(
            name="Dewi Lestari, S.Kom.", email="dewi@x.go.id", phone="0812 3456 7890"
        ),
    )
    phone_only = participant_enrol(
        cohort=cohort, mentor=MENTOR, nip="199605122022031142", name="Ahmad Suryani, S.H.",
        rank="III/a", position="Analis", agency=AgencyFactory(), phone="+62 857-1234-5678",
    )  # fmt: skip
    return {
        "cohort": cohort,
        "active": active.participant,
        "both": both.participant,
        "phone_only": phone_only.participant,
        "mentor": phone_only.mentor,
        "url": reverse("participants:cohort_invitations", args=[cohort.pk]),
    }


@pytest.mark.parametrize(
    "typed, number",
    [
        ("0812-3456-7890", "6281234567890"),
        ("+62 812 3456 7890", "6281234567890"),
        ("62 812 3456 7890", "6281234567890"),
        ("812 3456 7890", "6281234567890"),
        ("(0857) 1234 5678", "6285712345678"),
        ("021 123", None),
        ("", None),
        ("1234567890", None),
    ],
)
def test_phone_numbers_become_wa_me_numbers(typed, number):
    assert whatsapp_number(typed) == number


def test_accounts_carry_the_persons_name_with_titles(cohort_people):
    people = cohort_people
    for person in (people["both"], people["mentor"]):
        person.refresh_from_db()
        assert user_label(person.user) == person.name
    assert user_label(people["mentor"].user) == "Ir. Budi Santoso, M.T."


def test_a_name_longer_than_a_user_field_is_kept_whole():
    name = "Prof. Dr. " + "Nama Sangat Panjang " * 12 + "S.H., M.Si."
    first, last = name_fields(name)
    assert len(first) <= 150 and len(last) <= 150
    assert f"{first} {last}" == name


def test_existing_accounts_without_names_get_them_from_the_migration(cohort_people):
    person = cohort_people["both"]
    person.refresh_from_db()
    type(person.user).objects.filter(pk=person.user_id).update(first_name="", last_name="")
    migration = importlib.import_module("participants.migrations.0007_account_names")
    migration.names_fill(apps, None)
    person.user.refresh_from_db()
    assert person.user.get_full_name() == "Dewi Lestari, S.Kom."


def test_the_roster_shows_who_has_activated(client, cohort_people):
    client.force_login(staff_user())
    page = client.get(cohort_people["cohort"].get_absolute_url())
    rows = {e.participant.name: e.account_active for e in page.context["roster"]}
    assert rows == {
        "Aktif Sekali, S.E.": True,
        "Dewi Lestari, S.Kom.": False,
        "Ahmad Suryani, S.H.": False,
    }
    html = page.content.decode()
    assert html.count("belum aktif</span>") == 2
    assert cohort_people["url"] in html  # *Undangan akun*


def test_the_whole_cohort_is_invited_by_e_mail_and_the_rest_by_whatsapp_links(
    client, cohort_people, django_capture_on_commit_callbacks
):
    people = cohort_people
    client.force_login(staff_user())
    page = client.get(people["url"])
    assert "3 orang belum aktif" in page.content.decode()
    # One WhatsApp link for each person not active yet who has a number: two participants
    # and the mentor; none for the participant who has set a password.
    # Each a short address of ours that writes the message when clicked.
    links = re.findall(r'<li><a href="(/[^"]+/wa/)"[^>]*>([^<]+)</a>', page.content.decode())
    assert sorted(name for _url, name in links) == [
        "Ahmad Suryani, S.H.", "Dewi Lestari, S.Kom.", "Ir. Budi Santoso, M.T.",
    ]  # fmt: skip
    assert "https://wa.me/" not in page.content.decode()
    # The lists' lengths, counted in the page's one aggregate, are the lists'.
    assert page.context["waiting_links"].paginator.count == 2
    assert page.context["mentor_links"].paginator.count == 1
    assert page.context["participants"].paginator.count == 3
    url = dict((name, url) for url, name in links)["Ir. Budi Santoso, M.T."]
    clicked = client.get(url)
    assert clicked.status_code == 302
    assert clicked["Location"].startswith("https://wa.me/6281311112222?text=")
    message = parse_qs(urlsplit(clicked["Location"]).query)["text"][0]
    assert message.startswith("Yth. Ir. Budi Santoso, M.T., Anda terdaftar")
    participant_url = dict((name, url) for url, name in links)["Dewi Lestari, S.Kom."]
    assert client.get(participant_url)["Location"].startswith("https://wa.me/")

    with django_capture_on_commit_callbacks() as queued:
        response = client.post(people["url"], follow=True)
    assert len(queued) == 1  # the e-mails go through the worker, once the request commits
    assert (
        "1 undangan dikirim lewat surel. 2 orang yang belum aktif tidak memiliki surel"
        in response.content.decode()
    )
    # What the worker sends: only the one with an address who is not active yet.
    result = invitations_to_inactive(cohort=people["cohort"])
    assert result == {"emailed": 1, "without_email": 2}
    assert invitations_send(participant_ids=[people["both"].pk]) == 1
    assert mail.outbox[0].to == ["dewi@x.go.id"]


def test_the_whatsapp_link_carries_a_set_password_link_that_activates_the_account(
    client, cohort_people
):
    people = cohort_people
    staff = staff_user()
    client.force_login(staff)
    page = client.get(people["phone_only"].get_absolute_url())
    link = re.search(r'id="whatsapp-invitation" href="([^"]+)"', page.content.decode()).group(1)
    link = link.replace("&amp;", "&")
    assert link.startswith("https://wa.me/6285712345678?text=")
    message = parse_qs(urlsplit(link).query)["text"][0]
    assert message.startswith("Yth. Ahmad Suryani, S.H., Anda terdaftar sebagai peserta")
    assert "199605122022031142" in message
    set_password = re.search(r"https?://\S+/akun/atur-sandi/\S+/", message).group(0)
    path = "/" + set_password.split("://", 1)[1].split("/", 1)[1]

    client.logout()
    form_page = client.get(path, follow=True)
    client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Latsar-Banten-2022", "new_password2": "Latsar-Banten-2022"},
    )
    client.force_login(staff)
    page = client.get(people["url"])
    assert "2 orang belum aktif" in page.content.decode()
    [row] = [p for p in page.context["participants"] if p.name == "Ahmad Suryani, S.H."]
    assert row.active


def test_staff_correct_a_mentors_contact_and_send_the_invitation_again(client, cohort_people):
    people = cohort_people
    mentor = people["mentor"]
    cohort = people["cohort"]
    client.force_login(staff_user())
    invite = reverse("participants:mentor_invitation", args=[cohort.pk, mentor.pk])
    response = client.post(invite, follow=True)
    assert "surelnya belum diisi" in response.content.decode()
    assert mail.outbox == []

    contact = reverse("participants:mentor_contact", args=[cohort.pk, mentor.pk])
    response = client.post(
        contact, {f"m{mentor.pk}-email": "budi@dinkes.go.id", f"m{mentor.pk}-phone": "0811 22"},
        follow=True,
    )  # fmt: skip
    assert "Kontak Ir. Budi Santoso, M.T. disimpan." in response.content.decode()
    response = client.post(invite, follow=True)
    assert "Undangan dikirim ke budi@dinkes.go.id." in response.content.decode()
    [message] = mail.outbox
    assert message.to == ["budi@dinkes.go.id"]
    assert "sebagai mentor peserta pelatihan" in message.body
    assert "/akun/atur-sandi/" in message.body
    # A number too short for WhatsApp gives no link rather than a wrong one; its short
    # address, asked for anyway, goes back to the page and says why.
    page = client.get(people["url"])
    [row] = page.context["mentors"]
    assert row.whatsapp is None
    short = reverse("participants:whatsapp_mentor", args=[cohort.pk, mentor.pk])
    refused = client.get(short, follow=True)
    assert refused.redirect_chain[0][0] == people["url"]
    assert "0811 22 bukan nomor WhatsApp yang dikenali" in refused.content.decode()


def test_a_mentor_sharing_a_participants_login_gets_no_link_at_the_spreadsheets_number(
    client, cohort_people
):
    people = cohort_people
    person = people["both"]
    person.refresh_from_db()
    # A spreadsheet names the participant as someone's mentor, with another number.
    participant_enrol(
        cohort=people["cohort"],
        mentor={"nip": person.nip, "name": "Penyusup", "email": "x@evil.example",
                "phone": "0899 9999 9999"},
        nip="199605122022031143", name="Siti", rank="III/a", position="Analis",
        agency=AgencyFactory(),
    )  # fmt: skip
    client.force_login(staff_user())
    page = client.get(people["url"])
    html = page.content.decode()
    assert "6289999999999" not in html
    assert "Akun yang sama dengan akun pesertanya" in html
    result = invitations_to_inactive(cohort=people["cohort"])
    assert result["emailed"] == 1  # Dewi herself, at her own address


def test_only_staff_of_the_cohorts_agency_reach_the_invitation_pages(client, cohort_people):
    people = cohort_people
    cohort, mentor = people["cohort"], people["mentor"]
    urls = [
        ("get", people["url"]),
        ("post", people["url"]),
        ("post", reverse("participants:mentor_invitation", args=[cohort.pk, mentor.pk])),
        ("post", reverse("participants:mentor_contact", args=[cohort.pk, mentor.pk])),
    ]
    other_agency = staff_user(institutions=[TrainingAgencyFactory(code="bpsdm-lain")])
    participant = participant_account_ensure(participant=people["active"], password=PASSWORD)
    for user, status in [
        (other_agency, 404),
        (participant, 403),
        (widyaiswara_user(), 403),
        (mentor.user, 403),
    ]:
        client.force_login(user)
        assert [getattr(client, m)(url).status_code for m, url in urls] == [status] * 4
    assert mail.outbox == []
    # A mentor of another cohort is not found through this one.
    other = CohortFactory(start_date=date(2022, 7, 8))
    client.force_login(staff_user())
    url = reverse("participants:mentor_invitation", args=[other.pk, mentor.pk])
    assert client.post(url).status_code == 404
    assert Enrolment.objects.filter(cohort=other).count() == 0


def test_a_corrected_name_follows_to_the_login(cohort_people):
    from participants.services import participant_upsert

    person = cohort_people["both"]
    participant_upsert(
        nip=person.nip, name="Dr. Dewi Lestari, S.Kom., M.T.", rank=person.rank,
        position=person.position, agency=person.agency, email=person.email,
    )  # fmt: skip
    person.refresh_from_db()
    assert user_label(person.user) == "Dr. Dewi Lestari, S.Kom., M.T."
    mentor = mentor_upsert(nip=MENTOR["nip"], name="Ir. Budi Santoso, M.T., IPU")
    mentor.refresh_from_db()
    assert user_label(mentor.user) == "Ir. Budi Santoso, M.T., IPU"


def test_a_mistyped_mentor_address_is_refused_with_a_message(client, cohort_people):
    mentor, cohort = cohort_people["mentor"], cohort_people["cohort"]
    client.force_login(staff_user())
    response = client.post(
        reverse("participants:mentor_contact", args=[cohort.pk, mentor.pk]),
        {f"m{mentor.pk}-email": "budi@", f"m{mentor.pk}-phone": "0812 0000 1111"},
        follow=True,
    )
    # Django's message in Indonesian, as Django REST framework's catalogue words it (an app's
    # catalogue comes before Django's own).
    assert "Masukkan alamat email dengan format yang benar." in response.content.decode()
    mentor.refresh_from_db()
    assert (mentor.email, mentor.phone) == ("", "0813-1111-2222")


def test_an_imported_list_brings_the_mentors_whatsapp_number():
    from participants.importing import import_apply, import_check
    from participants.models import Mentor

    from .test_import import HEADER, xlsx

    cohort = CohortFactory(start_date=date(2022, 7, 8))
    AgencyFactory(name="Dinas Kesehatan Kota Tangerang")
    header = [*HEADER, "NIP Mentor", "Nama Mentor", "No HP Mentor"]
    row = ["199605122022031142", "Ahmad Suryani, S.H.", "III/a", "Analis", "",
           "Dinas Kesehatan Kota Tangerang", "", ""]  # fmt: skip
    staff = staff_user()
    mentor_cells = ["19700101 199503 1 002", "Ir. Budi Santoso, M.T."]
    batch = import_check(
        cohort=cohort, uploaded=xlsx([[*row, *mentor_cells, "0813 1111 2222"]], header=header),
        uploaded_by=staff,
    )  # fmt: skip
    assert batch.errors == []
    import_apply(batch=batch)
    mentor = Mentor.objects.get()
    assert mentor.phone == "0813 1111 2222"
    assert user_label(mentor.user) == "Ir. Budi Santoso, M.T."
    # A later list without the number keeps the one already known.
    second = ["199605122022031143", "Siti Aminah, S.E.", *row[2:]]
    batch = import_check(
        cohort=cohort, uploaded=xlsx([[*second, *mentor_cells, ""]], header=header),
        uploaded_by=staff,
    )  # fmt: skip
    assert batch.errors == []
    import_apply(batch=batch)
    mentor.refresh_from_db()
    assert mentor.phone == "0813 1111 2222"
