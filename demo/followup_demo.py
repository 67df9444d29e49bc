"""The demo's follow-up after the training and catalogue of innovations (issue 18).

BPSDMD Banten's Latsar Angkatan 72 (2022) graduates are years past their seminar: their 3-, 6-
and 12-month rounds are open. Most answered the 3- and 6-month rounds (their mentors confirmed
the 3-month ones, some the 6-month ones), a few the 12-month round too; the participant whose
login the demo prints has their 12-month round still to answer. Several projects on the
seed's themes (stunting, gizi buruk, kemiskinan ekstrem, pengendalian inflasi, TKDN) are
published in the public catalogue (/katalog-inovasi/).
"""

from django.db import transaction
from django.utils import timezone

from cohorts.models import Cohort
from config import roles
from participants.services import participant_account_ensure
from projects.catalogue import catalogue_publish, region_default
from projects.follow_up import (
    follow_up_answer_save,
    follow_up_confirm,
    follow_up_rounds_open,
    followed_milestones,
)
from projects.models import ChangeProject, FollowUpAnswer, State

from .loaders import DEMO_PASSWORD

SEED_THEMES = [
    "Stunting",
    "Gizi buruk",
    "Kemiskinan ekstrem",
    "Pengendalian inflasi",
    "Bangga Buatan Indonesia / TKDN",
]
# How many of Angkatan 72's graduates answered, and how many published (per theme).
ANSWERING = 16
PUBLISHED_PER_THEME = 2
STATUS_BY_ROUND = {
    3: FollowUpAnswer.Status.ONGOING,
    6: FollowUpAnswer.Status.ONGOING,
    12: FollowUpAnswer.Status.DONE,
}
NOTES = {
    3: "Sudah berjalan di unit kerja; menunggu dukungan anggaran tahun berikutnya.",
    6: "Diperluas ke dua unit lain; data capaian dicatat setiap bulan.",
    12: "Sudah menjadi layanan rutin dan masuk rencana kerja perangkat daerah.",
}


def _latsar_72():
    return Cohort.objects.filter(program__code="latsar", angkatan=72, year=2022).first()


@transaction.atomic
def followup_demo_ensure(*, today=None):
    """Rounds open, answers, confirmations and publications: once, however often it runs.
    Returns the login line of the participant with a round to answer (or None without the
    Latsar 72 cohort)."""
    cohort = _latsar_72()
    if cohort is None:
        return None
    follow_up_rounds_open(today=today or timezone.localdate())
    projects = list(
        ChangeProject.objects.filter(enrolment__cohort=cohort, state=State.FINAL)
        .select_related("theme", "enrolment__participant__agency__parent", "enrolment__mentor")
        .prefetch_related("milestones", "follow_up_rounds__answers")
        .order_by("enrolment__participant__name", "pk")
    )
    login_project = projects[0] if projects else None
    for index, project in enumerate(projects[:ANSWERING]):
        rounds = {r.months: r for r in project.follow_up_rounds.all()}
        # The login's participant answered 3 and 6 months; every fourth one answered all.
        months = [3, 6, 12] if index % 4 == 1 else [3, 6]
        for month in months:
            round_ = rounds.get(month)
            if round_ is None or round_.answered_at is not None:
                continue
            _answer(project, round_)
        mentor = project.enrolment.mentor
        if mentor is None or mentor.user_id is None:
            continue
        for month, round_ in rounds.items():
            round_.refresh_from_db()
            confirm = month == 3 or (month == 6 and index % 3 == 0) or month == 12
            if confirm and round_.answered_at and round_.confirmed_at is None:
                follow_up_confirm(round_=round_, user=mentor.user, note="Sesuai kunjungan.")
    _publish(projects)
    if login_project is None:
        return None
    user = participant_account_ensure(participant=login_project.enrolment.participant)
    if not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return (roles.PARTICIPANT, user.username, f"{cohort}, tindak lanjut 12 bulan menunggu diisi")


def _answer(project, round_):
    rows = []
    for number, milestone in enumerate(followed_milestones(project)):
        status = STATUS_BY_ROUND.get(round_.months, FollowUpAnswer.Status.ONGOING)
        if number and round_.months == 3:
            status = FollowUpAnswer.Status.NOT_STARTED
        rows.append((
            milestone,
            {
                "status": status,
                "note": NOTES.get(round_.months, ""),
                "link": f"https://dokumentasi.example.go.id/proyek/{project.pk}/{round_.months}",
                "file": None,
            },
        ))  # fmt: skip
    participant_user = project.enrolment.participant.user
    follow_up_answer_save(round_=round_, user=participant_user, rows=rows)


def _publish(projects):
    seen = {}
    for project in projects:
        theme = project.theme.name if project.theme else None
        if theme not in SEED_THEMES or seen.get(theme, 0) >= PUBLISHED_PER_THEME:
            continue
        seen[theme] = seen.get(theme, 0) + 1
        if hasattr(project, "publication"):
            continue
        participant = project.enrolment.participant
        catalogue_publish(
            project=project,
            data={
                "region": region_default(participant) or "Provinsi Banten",
                "summary": project.innovation or project.problem,
                "results": (
                    "Setahun setelah seminar, inovasi ini berjalan sebagai layanan rutin unit "
                    "kerja dan direplikasi di unit lain."
                ),
                "show_summary": True,
                "show_results": seen[theme] == 1,
                "show_name": seen[theme] == 1,
            },
        )
