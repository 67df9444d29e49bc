"""The demo's field visits (issue 18): the Banyuwangi visit shows 200 participants of four
angkatan in balanced groups with their hosts; a participant has a report to write; the
Kulon Progo visit of the Probolinggo PKA; a second run creates nothing."""

import time

from django.urls import reverse

from config import roles
from demo.visits_demo import visits_demo_ensure, visits_demo_logins
from participants.models import Visit, VisitMember, VisitReport
from participants.visits import group_balance

from ..factories import administrator_user


def test_the_banyuwangi_visit_of_four_angkatan_in_balanced_groups(demo, client):
    started = time.perf_counter()
    result = visits_demo_ensure()
    elapsed = time.perf_counter() - started
    visit = result.banyuwangi
    assert (visit.start_date.isoformat(), visit.end_date.isoformat()) == (
        "2018-03-27", "2018-03-29",
    )  # fmt: skip
    assert visit.cohorts.count() == 4
    assert VisitMember.objects.filter(visit=visit).count() == 200
    mix = group_balance(visit)
    sizes = [sum(counts.values()) for counts in mix.values()]
    assert max(sizes) - min(sizes) <= 1
    assert all(size <= group.bus_capacity for size, group in zip(
        sizes, visit.groups.order_by("number"), strict=True))  # fmt: skip
    assert all(len(counts) == 4 for counts in mix.values())  # every group mixes the angkatan
    assert visit.hosts.count() == 9
    assert "Mal Pelayanan Publik" in " ".join(visit.hosts.values_list("agency_name", flat=True))
    kulon_progo = result.kulon_progo
    assert kulon_progo.groups.count() == 3
    assert VisitMember.objects.filter(visit=kulon_progo).count() == 30
    # The participant printed has a report to write; the escort has reports to score.
    assert not VisitReport.objects.filter(
        visit=visit, enrolment__participant__user__username=result.participant_username
    ).exists()
    assert VisitReport.objects.filter(visit=visit, score__isnull=True).exists()
    assert [role for role, _u, _n in visits_demo_logins(result)] == [
        roles.PARTICIPANT, roles.WIDYAISWARA,
    ]  # fmt: skip
    # The groups page shows them.
    client.force_login(administrator_user())
    html = client.get(reverse("participants:visit_groups", args=[visit.pk])).content.decode()
    assert html.count("<section") == 5
    html = client.get(reverse("participants:visit_detail", args=[visit.pk])).content.decode()
    assert "Kelurahan Kepatihan" in html and "Kunjungan wisata Pulau Merah" in html
    html = client.get(reverse("participants:visit_print", args=[visit.pk])).content.decode()
    assert html.count("<tr><td>") >= 200 + 9  # every participant, every host
    # Idempotent: a second run adds nothing.
    visits_demo_ensure()
    assert Visit.objects.filter(title=visit.title).count() == 1
    assert VisitMember.objects.filter(visit=visit).count() == 200
    login = visit.members.get(enrolment__participant__user__username=result.participant_username)
    print(  # noqa: T201
        f"visits_demo_ensure: {elapsed:.2f} s; participant login {result.participant_username} "
        f"({login.enrolment.participant.name}, {login.enrolment.cohort}, {login.group})"
    )
