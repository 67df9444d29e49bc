"""Factories that keep related objects consistent: cohorts get their phases from the program
through the same service staff use, enrolments get their change project."""

from datetime import date, timedelta
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from cohorts.models import Institution
from cohorts.services import cohort_create
from config import roles
from curriculum.models import DayRule, PhaseKind, PhaseMode, PhaseTemplate, Program, ProgramVersion
from participants.models import Participant
from participants.services import enrolment_create

PASSWORD = "rahasia-uji-123"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="id_ID")
    last_name = factory.Faker("last_name", locale="id_ID")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


def staff_user(institutions=None, **kwargs):
    """A staff account of the given agencies; by default of the test agency that
    CohortFactory's cohorts are organised by (staff see only their agencies' cohorts)."""
    user = UserFactory(role=roles.STAFF, **kwargs)
    for institution in home_agency_default(institutions):
        institution.staff.add(user)
    return user


def administrator_user(**kwargs):
    """Administrators cover every institution; they belong to none."""
    return UserFactory(role=roles.ADMINISTRATOR, **kwargs)


def widyaiswara_user(**kwargs):
    return UserFactory(role=roles.WIDYAISWARA, **kwargs)


class TrainingAgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"bpsdm-{n}")
    name = factory.Sequence(lambda n: f"BPSDM Provinsi Uji {n}")
    kind = Institution.Kind.TRAINING_AGENCY
    city = "Serang"
    head_name = "Dr. H. Kepala Badan, M.Si."
    head_nip = "196805121994031007"
    head_title = "Kepala BPSDM"


HOME_AGENCY_CODE = "bpsdmd-uji"


def home_agency():
    """The training agency that organises test cohorts unless a test names another."""
    return TrainingAgencyFactory(code=HOME_AGENCY_CODE, name="BPSDMD Provinsi Uji")


def home_agency_default(institutions):
    return [home_agency()] if institutions is None else list(institutions)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"opd-{n}")
    name = factory.Sequence(lambda n: f"Dinas Uji {n} Kota Tangerang")
    kind = Institution.Kind.UNIT


LATSAR_PHASES = [
    (PhaseKind.MOOC, "MOOC", 48, 16, DayRule.WORKING_DAYS),
    (PhaseKind.DISTANCE, "Pembelajaran jarak jauh", 217, 22, DayRule.WORKING_DAYS),
    (PhaseKind.ACTUALIZATION, "Aktualisasi", 320, 30, DayRule.WORKING_DAYS),
    (PhaseKind.CLASSICAL, "Klasikal", 62, 6, DayRule.SIX_DAY_WEEK),
]
MODES = {
    PhaseKind.MOOC: PhaseMode.ONLINE,
    PhaseKind.DISTANCE: PhaseMode.ONLINE,
    PhaseKind.ACTUALIZATION: PhaseMode.OFFICE,
    PhaseKind.CLASSICAL: PhaseMode.CAMPUS,
    PhaseKind.SEMINAR: PhaseMode.CAMPUS,
    PhaseKind.COMMITMENT: PhaseMode.CAMPUS,
    PhaseKind.STUDY_VISIT: PhaseMode.CAMPUS,
}


class ProgramFactory(factory.django.DjangoModelFactory):
    """Latsar CPNS as BPSDMD Banten ran it in 2022 (647 JP)."""

    class Meta:
        model = Program
        django_get_or_create = ["code"]
        skip_postgeneration_save = True

    code = "latsar"
    name = "Pelatihan Dasar CPNS"
    project_label = "aktualisasi"
    default_capacity = 40

    @factory.post_generation
    def phases(self, create, extracted, **kwargs):
        """Version 1, in force since 2018, with the given (kind, name, jp, days, rule) phases."""
        if not create or self.versions.exists():
            return
        version = ProgramVersion.objects.create(
            program=self,
            number=1,
            effective_date=date(2018, 1, 1),
            published_at=timezone.now(),
        )
        for order, (kind, name, jp, days, rule) in enumerate(extracted or LATSAR_PHASES, start=1):
            PhaseTemplate.objects.create(
                version=version,
                order=order,
                kind=kind,
                name=name,
                mode=MODES[kind],
                jp=jp,
                days=days,
                day_rule=rule,
            )


class CohortFactory(factory.Factory):
    class Meta:
        model = dict

    program = factory.SubFactory(ProgramFactory)
    organiser = factory.LazyFunction(home_agency)
    angkatan = factory.Sequence(lambda n: 70 + n)
    year = 2022
    start_date = date(2022, 7, 8)
    venue = "Kampus BPSDMD, Karang Tanjung"

    @classmethod
    def _create(cls, model_class, **kwargs):
        return cohort_create(**kwargs)

    _build = _create


def valid_nip(n):
    """A valid NIP for the n-th test participant: born 1990 onwards, CPNS since May 2015."""
    born = date(1990, 1, 1) + timedelta(days=n)
    return f"{born:%Y%m%d}201505{1 + n % 2}{n % 999 + 1:03d}"


class ParticipantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participant

    nip = factory.Sequence(valid_nip)
    name = factory.Sequence(lambda n: f"Peserta Uji {n:03d}, S.Kom.")
    rank = "III/a"
    position = "Pranata Komputer Ahli Pertama"
    agency = factory.SubFactory(AgencyFactory)


def enrol(cohort, participant=None, coach=None):
    return enrolment_create(
        cohort=cohort, participant=participant or ParticipantFactory(), coach=coach
    )


def start_running_today(program, today, days_ago=30):
    """A start date about `days_ago` days back whose schedule has a phase running `today`
    (today may fall in the weekend between two phases otherwise)."""
    from cohorts.services import phases_schedule

    templates = list(program.versions.get().phase_templates.order_by("order"))
    start = today - timedelta(days=days_ago)
    while not any(
        first <= today <= last
        for _, first, last in phases_schedule(templates=templates, start_date=start)
    ):
        start -= timedelta(days=1)
    return start


def draft_version(**kwargs):
    """Version 1 of a new program, still a draft (editable, used by no cohort)."""
    version = ProgramFactory(**kwargs).versions.get()
    ProgramVersion.objects.filter(pk=version.pk).update(published_at=None)
    version.refresh_from_db()
    return version


def coach_only_rubrics(program):
    """Rubrics where the coach's single criterion is the whole project score."""
    from projects.models import Rubric, ScoringRole
    from projects.scoring import rubrics_save

    if not Rubric.objects.filter(program=program, role=ScoringRole.COACH, weight=100).exists():
        rubrics_save(
            program=program,
            role_weights={
                ScoringRole.COACH: Decimal(100),
                ScoringRole.MENTOR: Decimal(0),
                ScoringRole.EXAMINER: Decimal(0),
            },
            criteria={ScoringRole.COACH: [("Proyek perubahan", "", Decimal(100))]},
        )


def project_scored(enrolment, score, *, reason="Koreksi nilai"):
    """Give the enrolment's project `score` as its coach, on a program whose rubric is the
    coach's alone. The report counts as submitted (set directly: the workflow has its own
    tests)."""
    from projects.models import ChangeProject, ScoreSheet, ScoringRole, State
    from projects.scoring import rubrics_of, sheet_save

    program = enrolment.cohort.program
    coach_only_rubrics(program)
    project = ChangeProject.objects.get(enrolment=enrolment)
    if project.state in (State.DRAFT, State.DESIGN_SUBMITTED, State.REVISION, State.IMPLEMENTATION):
        ChangeProject.objects.filter(pk=project.pk).update(state=State.REPORT_SUBMITTED)
    criteria = rubrics_of(program)[ScoringRole.COACH].criteria_list
    sheet = ScoreSheet.objects.filter(project=project, role=ScoringRole.COACH).first()
    return sheet_save(
        project=project,
        role=ScoringRole.COACH,
        scorer=enrolment.coach,
        values={c.pk: (Decimal(score), "") for c in criteria},
        version=sheet.version if sheet else 0,
        reason=reason,
    )


def gradebook_world():
    """A cohort whose program has two entered components (20% each) and the project (60%),
    with two participants whose projects scored 80."""
    from projects.models import ScoreComponent

    cohort = CohortFactory(start_date=date(2022, 7, 8))
    program = cohort.program
    attitude = ScoreComponent.objects.create(program=program, order=1, code="sikap",
                                             name="Sikap dan perilaku", weight=20)  # fmt: skip
    academic = ScoreComponent.objects.create(program=program, order=2, code="akademik",
                                             name="Akademik", weight=20)  # fmt: skip
    ScoreComponent.objects.create(program=program, order=3, code="aktualisasi",
                                  name="Aktualisasi", weight=60, source="project")  # fmt: skip
    coach = widyaiswara_user()
    first, second = enrol(cohort, coach=coach), enrol(cohort, coach=coach)
    for enrolment in (first, second):
        project_scored(enrolment, Decimal("80"))
    return cohort, attitude, academic, first, second


def gradebook_own_bands(cohort, attitude, academic, first, second):
    """The gradebook world's program with bands of its own (85 Sangat Baik, 75 Baik, below
    Belum Kompeten), `first` entered 80 on both components (final 80.00, Baik) and `second`
    50 (final 68.00, Belum Kompeten)."""
    from projects.gradebook import component_scores_record
    from projects.models import PredicateBand

    program = cohort.program
    PredicateBand.objects.create(program=program, floor=85, name="Sangat Baik", passes=True)
    PredicateBand.objects.create(program=program, floor=75, name="Baik", passes=True)
    PredicateBand.objects.create(program=program, floor=0, name="Belum Kompeten", passes=False)
    component_scores_record(
        cohort=cohort,
        values={(first.pk, attitude.pk): Decimal("80"), (first.pk, academic.pk): Decimal("80"),
                (second.pk, attitude.pk): Decimal("50"), (second.pk, academic.pk): Decimal("50")},
        recorded_by=None,
    )  # fmt: skip
