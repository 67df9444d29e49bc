"""Notifications (issue 16): each event tells whoever it leaves something waiting for, once,
by e-mail after the event commits; preferences, the daily digest and the WhatsApp fallback.

Most tests run the worker's send in this process (notifications_send, what the job calls);
the last two start a real Celery worker."""

import email
import re
from datetime import date, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.mail.backends.locmem import EmailBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from documents.batch_queue import certificate_batch_start
from documents.batches import certificates_issue
from documents.models import Certificate, CertificateBatch
from participants.accounts import mentor_account_ensure
from participants.models import (
    Enrolment,
    Notification,
    NotificationKind,
    NotificationPreference,
)
from participants.notifications import (
    ERROR_CHANNEL,
    MAX_SEND_ATTEMPTS,
    digests_send,
    notification_send,
    notifications_send,
    notifications_stuck_send,
    phases_tomorrow_notify,
    preferences_set,
)
from participants.services import mentor_upsert, participant_account_ensure
from projects.closing import grades_close
from projects.documents import document_upload
from projects.models import ChangeProject, Milestone, ScoringRole, State, Theme
from projects.reminders import scores_due_notify
from projects.scoring import rubrics_default, rubrics_of, sheet_save
from projects.seminars import seminar_schedule
from projects.workflow import step_take

from ..factories import (
    PASSWORD,
    CohortFactory,
    enrol,
    project_scored,
    staff_user,
    valid_nip,
    widyaiswara_user,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
Kind = NotificationKind
Status = Notification.Status


def cast_make():
    """A participant with a login and an address, their coach (a widyaiswara), their mentor
    (with an account and an address), an examiner and staff."""
    cohort = CohortFactory(start_date=date(2022, 7, 8))
    rubrics_default(cohort.program)
    coach = widyaiswara_user(username="coach", email="coach@bpsdm.go.id")
    mentor = mentor_upsert(
        nip=valid_nip(900), name="Drs. Atasan Langsung, M.Si.", email="atasan@opd.go.id"
    )
    mentor_user = mentor_account_ensure(mentor=mentor, invite=False)
    enrolment = enrol(cohort, coach=coach)
    enrolment.mentor = mentor
    enrolment.save(update_fields=["mentor"])
    participant = enrolment.participant
    participant.email = "peserta@opd.go.id"
    participant.save(update_fields=["email"])
    return {
        "cohort": cohort,
        "project": enrolment.project,
        "enrolment": enrolment,
        "participant": participant_account_ensure(participant=participant, password=PASSWORD),
        "coach": coach,
        "mentor": mentor,
        "mentor_user": mentor_user,
        "examiner": widyaiswara_user(username="penguji", email="penguji@bpsdm.go.id"),
        "staff": staff_user(),
    }


@pytest.fixture
def cast():
    return cast_make()


def design_fill(project):
    project.title = "Antrean daring di puskesmas"
    project.theme = Theme.objects.get_or_create(name="Pelayanan publik")[0]
    project.problem = "Antrean pagi panjang."
    project.innovation = "Nomor antrean lewat WhatsApp."
    project.save()
    Milestone.objects.create(project=project, term=Milestone.Term.SHORT, activity="Rapat")


def send_pending():
    """What the worker does once the event has committed: send every pending row."""
    ids = list(
        Notification.objects.filter(status=Status.PENDING)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return notifications_send(notification_ids=ids)


def recipients():
    return sorted(address for message in mail.outbox for address in message.to)


def test_a_submitted_design_tells_the_coach_and_the_mentor_once(
    cast, django_capture_on_commit_callbacks
):
    project = cast["project"]
    design_fill(project)
    with django_capture_on_commit_callbacks() as queued:
        step_take(project=project, user=cast["participant"], action="submit_design")
    assert len(queued) == 1  # one job for both, queued when the step commits
    assert send_pending() == 2
    assert recipients() == ["atasan@opd.go.id", "coach@bpsdm.go.id"]
    message = mail.outbox[0]
    assert "menunggu persetujuan Anda" in message.subject
    link = settings.SITE_URL + reverse("projects:detail", args=[project.pk])
    assert link in message.body and "Antrean daring di puskesmas" in message.body
    # The job delivered again, or retried: nothing more.
    assert send_pending() == 0
    assert notifications_send(notification_ids=[n.pk for n in Notification.objects.all()]) == 0
    assert len(mail.outbox) == 2


def test_the_participant_hears_of_the_decision_once_both_approvers_took_it(cast):
    project, participant = cast["project"], cast["participant"]
    design_fill(project)
    step_take(project=project, user=participant, action="submit_design")
    step_take(project=project, user=cast["coach"], action="request_revision", comment="Perjelas.")
    step_take(project=project, user=participant, action="submit_design")
    step_take(project=project, user=cast["coach"], action="approve_design")
    decided = Notification.objects.filter(kind=Kind.DESIGN_DECIDED)
    assert decided.count() == 1  # the revision; the coach alone has not approved the design
    step_take(project=project, user=cast["mentor_user"], action="approve_design")
    assert decided.count() == 2
    send_pending()
    to_participant = [m for m in mail.outbox if m.to == ["peserta@opd.go.id"]]
    assert [m.subject for m in to_participant] == [
        "Rancangan proyek Anda perlu direvisi",
        "Rancangan proyek Anda disetujui",
    ]
    assert "Catatan: Perjelas." in to_participant[0].body


def test_a_submitted_report_and_a_seminar_tell_whom_they_concern(cast):
    project, participant = cast["project"], cast["participant"]
    ChangeProject.objects.filter(pk=project.pk).update(state=State.IMPLEMENTATION)
    document_upload(project=project, kind="report", upload=SimpleUploadedFile("l.pdf", PDF),
                    user=participant)  # fmt: skip
    step_take(project=project, user=participant, action="submit_report")
    assert send_pending() == 1
    assert recipients() == ["coach@bpsdm.go.id"]
    assert "Laporan proyek" in mail.outbox[0].subject
    mail.outbox.clear()

    seminar_schedule(
        cohort=cast["cohort"], starts_at=timezone.now() + timedelta(days=3), room="Ruang 2",
        examiners=[cast["examiner"]], enrolments=[cast["enrolment"]], actor=cast["staff"],
    )  # fmt: skip
    assert send_pending() == 2
    assert recipients() == ["penguji@bpsdm.go.id", "peserta@opd.go.id"]
    for message in mail.outbox:
        assert "Ruang 2" in message.body
    examiner_mail = next(m for m in mail.outbox if m.to == ["penguji@bpsdm.go.id"])
    assert settings.SITE_URL + reverse("projects:my_seminars") in examiner_mail.body
    assert participant.participant.name in examiner_mail.body


def test_the_morning_after_a_seminar_its_missing_scorers_are_told_once(cast):
    project, participant = cast["project"], cast["participant"]
    ChangeProject.objects.filter(pk=project.pk).update(state=State.REPORT_SUBMITTED)
    held = timezone.now() - timedelta(days=1)
    seminar_schedule(
        cohort=cast["cohort"], starts_at=held, room="Ruang 2", examiners=[cast["examiner"]],
        enrolments=[cast["enrolment"]], actor=cast["staff"],
    )  # fmt: skip
    Notification.objects.all().delete()
    # The coach has scored; the mentor and the examiner have not.
    criteria = rubrics_of(cast["cohort"].program)[ScoringRole.COACH].criteria_list
    sheet_save(project=project, role=ScoringRole.COACH, scorer=cast["coach"],
               values={c.pk: (Decimal("80"), "") for c in criteria}, version=0)  # fmt: skip
    today = timezone.localdate()
    assert scores_due_notify(today=held.date()) == 0  # the seminar is today, not yesterday
    assert scores_due_notify(today=today) == 2
    assert scores_due_notify(today=today) == 0  # the job ran twice: told once
    send_pending()
    assert recipients() == ["atasan@opd.go.id", "penguji@bpsdm.go.id"]
    for message in mail.outbox:
        assert participant.participant.name in message.body
        assert settings.SITE_URL + reverse("projects:queue") in message.body


def test_closing_the_grades_tells_each_participant_once():
    cohort = CohortFactory()
    coach = widyaiswara_user()
    enrolments = [enrol(cohort, coach=coach) for _ in range(2)]
    for n, enrolment in enumerate(enrolments):
        enrolment.participant.email = f"peserta{n}@opd.go.id"
        enrolment.participant.save(update_fields=["email"])
        project_scored(enrolment, Decimal("85"))
    ChangeProject.objects.filter(enrolment__cohort=cohort).update(state=State.FINAL)
    grades_close(cohort=cohort, actor=staff_user())
    assert send_pending() == 2
    assert recipients() == ["peserta0@opd.go.id", "peserta1@opd.go.id"]
    assert all("sudah ditutup" in m.subject for m in mail.outbox)


def test_a_certificate_ready_carries_its_download_link_and_is_told_once():
    cohort = CohortFactory()
    enrolment = enrol(cohort, coach=widyaiswara_user())
    enrolment.participant.email = "lulus@opd.go.id"
    enrolment.participant.save(update_fields=["email"])
    project_scored(enrolment, Decimal("85"))
    staff = staff_user()
    batch = certificate_batch_start(cohort=cohort, requested_by=staff)
    certificates_issue(batch_id=batch.pk)
    assert send_pending() == 1
    [message] = mail.outbox
    certificate = Certificate.objects.get(enrolment=enrolment)
    assert message.to == ["lulus@opd.go.id"]
    url = settings.SITE_URL + reverse("documents:certificate_download", args=[certificate.pk])
    assert url in message.body
    # A second batch (issued again) tells nobody again.
    CertificateBatch.objects.filter(pk=batch.pk).update(status=CertificateBatch.Status.FAILED)
    again = certificate_batch_start(cohort=cohort, requested_by=staff)
    certificates_issue(batch_id=again.pk)
    assert Notification.objects.filter(kind=Kind.CERTIFICATE_READY).count() == 1


def test_a_phase_starting_tomorrow_tells_its_participants_once_a_day():
    cohort = CohortFactory()
    following = enrol(cohort)
    following.participant.email = "ikut@opd.go.id"
    following.participant.save(update_fields=["email"])
    withdrawn = enrol(cohort)
    withdrawn.participant.email = "mundur@opd.go.id"
    withdrawn.participant.save(update_fields=["email"])
    Enrolment.objects.filter(pk=withdrawn.pk).update(status=Enrolment.Status.WITHDRAWN)
    phase = cohort.phases.order_by("order")[1]
    today = phase.start_date - timedelta(days=1)
    assert phases_tomorrow_notify(today=today) == 1
    assert phases_tomorrow_notify(today=today) == 0  # the beat ran twice: nobody told twice
    assert phases_tomorrow_notify(today=phase.start_date) == 0  # not tomorrow any more
    send_pending()
    [message] = mail.outbox
    assert message.to == ["ikut@opd.go.id"]
    assert phase.name in message.subject
    assert settings.SITE_URL + reverse("participants:my_schedule") in message.body


@pytest.mark.parametrize("size", [2, 8])
def test_telling_a_cohort_costs_the_same_queries_whatever_its_size(size, django_assert_num_queries):
    cohort = CohortFactory()
    for _ in range(size):
        participant_account_ensure(participant=enrol(cohort).participant, password=PASSWORD)
    phase = cohort.phases.order_by("order")[1]
    # The phases starting tomorrow, their cohorts' participants with their accounts, then
    # per phase: the participants' preferences, who was told already, one insert.
    with django_assert_num_queries(5):
        assert phases_tomorrow_notify(today=phase.start_date - timedelta(days=1)) == size


def test_a_rolled_back_event_records_and_sends_nothing(cast, django_capture_on_commit_callbacks):
    project = cast["project"]
    design_fill(project)
    with (
        django_capture_on_commit_callbacks() as queued,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        step_take(project=project, user=cast["participant"], action="submit_design")
        raise RuntimeError("something later in the request failed")
    assert queued == []
    assert not Notification.objects.exists()


def test_a_refused_mail_is_tried_again_and_never_sent_twice(cast, monkeypatch):
    project = cast["project"]
    design_fill(project)
    step_take(project=project, user=cast["participant"], action="submit_design")
    first = Notification.objects.order_by("pk").first()
    real_send = EmailBackend.send_messages

    def refused(self, messages):
        raise OSError("mail server unreachable")

    # The mail server (Django's backend, the edge) refuses: the row waits for the retry.
    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    with pytest.raises(OSError):
        notification_send(notification_id=first.pk)
    first.refresh_from_db()
    assert (first.status, first.attempts, first.sent_at) == (Status.PENDING, 1, None)
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert notification_send(notification_id=first.pk) is True
    assert notification_send(notification_id=first.pk) is False  # the retry finds it sent
    assert len(mail.outbox) == 1
    first.refresh_from_db()
    assert first.status == Status.SENT and first.sent_at is not None

    # A row refused at every try stays failed, with the reason.
    second = Notification.objects.order_by("pk").last()
    monkeypatch.setattr(EmailBackend, "send_messages", refused)
    for _ in range(MAX_SEND_ATTEMPTS):
        with pytest.raises(OSError):
            notification_send(notification_id=second.pk)
    second.refresh_from_db()
    assert second.status == Status.FAILED
    assert "mail server unreachable" in second.error
    assert notification_send(notification_id=second.pk) is False


def test_one_refused_mail_keeps_no_other_waiting_and_a_lost_job_is_caught_up(cast, monkeypatch):
    design_fill(cast["project"])
    step_take(project=cast["project"], user=cast["participant"], action="submit_design")
    ids = list(Notification.objects.order_by("pk").values_list("pk", flat=True))
    real_send = EmailBackend.send_messages

    def refuse_the_coach(self, messages):
        if messages[0].to == ["coach@bpsdm.go.id"]:
            raise OSError("mailbox full")
        return real_send(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_the_coach)
    with pytest.raises(OSError):
        notifications_send(notification_ids=ids)
    assert recipients() == ["atasan@opd.go.id"]  # the mentor's went all the same
    # The retry's message is lost. The daily run sends what has waited half an hour.
    monkeypatch.setattr(EmailBackend, "send_messages", real_send)
    assert notifications_stuck_send() == 0  # too recent: its job may still come
    Notification.objects.update(created_at=timezone.now() - timedelta(hours=1))
    assert notifications_stuck_send() == 1
    assert recipients() == ["atasan@opd.go.id", "coach@bpsdm.go.id"]


def test_nothing_means_nothing_and_the_digest_gathers_a_day_in_one_mail(cast):
    project, participant = cast["project"], cast["participant"]
    preferences_set(user=participant, channels={Kind.DESIGN_DECIDED: "none"})
    preferences_set(
        user=cast["coach"],
        channels={Kind.DESIGN_SUBMITTED: "digest", Kind.REPORT_SUBMITTED: "digest"},
    )
    design_fill(project)
    step_take(project=project, user=participant, action="submit_design")
    step_take(project=project, user=cast["coach"], action="request_revision", comment="Ulang.")
    assert not Notification.objects.filter(kind=Kind.DESIGN_DECIDED).exists()
    step_take(project=project, user=participant, action="submit_design")
    # The mentor chose nothing: two mails; the coach's two wait for the digest.
    assert send_pending() == 2
    assert recipients() == ["atasan@opd.go.id", "atasan@opd.go.id"]
    mail.outbox.clear()
    assert Notification.objects.filter(status=Status.DIGEST, recipient=cast["coach"]).count() == 2
    assert digests_send() == 1
    [digest] = mail.outbox
    assert digest.to == ["coach@bpsdm.go.id"]
    assert "2 hal" in digest.subject
    assert digest.body.count(reverse("projects:detail", args=[project.pk])) == 2
    assert digests_send() == 0  # run again: nothing left
    assert not Notification.objects.filter(status=Status.DIGEST).exists()


def test_the_preferences_page_shows_and_keeps_the_users_own_choices(client, cast):
    participant = cast["participant"]
    url = reverse("participants:notification_preferences")
    assert client.get(url).status_code == 302  # signed out: to the login page
    client.force_login(participant)
    page = client.get(url).content.decode()
    assert "Rancangan proyek diajukan" in page
    assert "Ringkasan harian" not in page  # a participant is not offered the digest
    data = {kind: "email" for kind in Kind.values}
    data[Kind.PHASE_TOMORROW] = "none"
    response = client.post(url, data, follow=True)
    assert "Pilihan pemberitahuan disimpan." in response.content.decode()
    assert list(NotificationPreference.objects.values_list("user", "kind", "channel")) == [
        (participant.pk, Kind.PHASE_TOMORROW, "none")
    ]
    # The digest is refused to a participant, and nothing changes.
    data[Kind.GRADES_CLOSED] = "digest"
    response = client.post(url, data)
    assert response.status_code == 200
    assert str(ERROR_CHANNEL) in response.content.decode()
    assert NotificationPreference.objects.count() == 1
    # Another user sees their own choices, not the participant's.
    client.force_login(cast["coach"])
    page = client.get(url)
    assert "Ringkasan harian" in page.content.decode()
    assert all(field.initial == "email" for field in page.context["form"].fields.values())


def test_staff_send_by_whatsapp_what_could_not_go_by_e_mail(
    client, cast, django_assert_num_queries
):
    # A mentor without an account or an address, reached by WhatsApp only.
    mentor = mentor_upsert(nip=valid_nip(901), name="Ir. Tanpa Surel", phone="0812 3456 7890")
    enrolment = enrol(cast["cohort"], coach=cast["coach"])
    enrolment.mentor = mentor
    enrolment.save(update_fields=["mentor"])
    design_fill(enrolment.project)
    participant = participant_account_ensure(participant=enrolment.participant, password="x" * 12)
    step_take(project=enrolment.project, user=participant, action="submit_design")
    row = Notification.objects.get(mentor=mentor)
    assert row.status == Status.NO_EMAIL and row.recipient is None
    assert send_pending() == 1  # the coach's mail; none for the mentor

    url = reverse("participants:notifications_without_email", args=[cast["cohort"].pk])
    client.force_login(cast["staff"])
    page = client.get(url).content.decode()
    link = re.search(r'href="(https://wa.me/[^"]+)"', page).group(1).replace("&amp;", "&")
    assert link.startswith("https://wa.me/6281234567890?text=")
    message = parse_qs(urlsplit(link).query)["text"][0]
    assert message.startswith("Yth. Ir. Tanpa Surel, ")
    assert settings.SITE_URL + enrolment.project.get_absolute_url() in message
    # A mail refused at every try is listed too, with the reason.
    Notification.objects.filter(recipient=cast["coach"]).update(
        status=Status.FAILED, error="Surel tidak terkirim setelah 3 kali percobaan: ditolak"
    )
    with django_assert_num_queries(8):
        # The session, its user, the user's permissions (two) and groups (the menu), the
        # cohort, the list's count and the page's rows: none per row.
        page = client.get(url).content.decode()
    assert "Surel tidak terkirim setelah 3 kali percobaan: ditolak" in page
    client.force_login(cast["coach"])
    assert client.get(url).status_code == 403
    client.force_login(staff_user(username="lain", institutions=[]))
    assert client.get(url).status_code == 404  # another institution's staff


# With a real worker -------------------------------------------------------------------------


def mails_in(folder):
    """The messages a worker's file-based mail backend wrote (one file per connection)."""
    found = []
    for path in sorted(folder.glob("*.log")):
        for part in path.read_text().split("-" * 79):
            if part.strip():
                found.append(email.message_from_string(part.strip()))
    return found


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_worker_sends_each_mail_once_after_commit_and_none_after_a_rollback(
    tmp_path, monkeypatch
):
    from ..conftest import wait_for
    from ..workers import CeleryWorker

    folder = tmp_path / "mail"
    folder.mkdir()
    monkeypatch.setenv("ANGKATAN_TEST_MAIL_DIR", str(folder))
    cast = cast_make()
    project = cast["project"]
    design_fill(project)
    worker = CeleryWorker(tmp_path / "worker.log", settings.SITE_URL)
    try:
        worker.wait_ready()
        with pytest.raises(RuntimeError), transaction.atomic():
            step_take(project=project, user=cast["participant"], action="submit_design")
            raise RuntimeError("rolled back")
        assert not Notification.objects.exists()
        step_take(project=project, user=cast["participant"], action="submit_design")

        def sent():
            return Notification.objects.filter(status=Status.SENT).count() == 2

        wait_for(sent, message=f"the mails; log:\n{worker.output()}")
        wait_for(lambda: len(mails_in(folder)) >= 2, message=f"the files; {worker.output()}")
        # The job delivered again (a retry after a lost acknowledgement) sends nothing more:
        # run here, and the worker's one job ran once.
        assert send_pending() == 0
        assert "notifications_send_job" in worker.output()
    finally:
        worker.stop()
    messages = mails_in(folder)
    assert sorted(m["To"] for m in messages) == ["atasan@opd.go.id", "coach@bpsdm.go.id"]
    assert all("menunggu persetujuan Anda" in m["Subject"] for m in messages)
