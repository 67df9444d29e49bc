"""The public catalogue of innovations (issue 18): a participant publishes their change
project after the seminar, and anyone may find it by theme, region or words, without signing
in.

Always shown: the title, the theme, the region, the program and the year. The summary and
the results are shown when the participant chose so, and so is their name (shown unless they
hide it). Nothing else about the participant leaves Angkatan: no NIP, agency, e-mail or
phone. The public reads select only what is shown (`catalogue_entries`), so a template
cannot reach the rest.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Count, F, Q, TextField, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import CataloguePublication, State

PUBLISHABLE_STATES = (State.EXAMINED, State.FINAL)

ERROR_NOT_YET = _("Proyek dapat diterbitkan di katalog setelah seminarnya.")
ERROR_NO_TITLE = _("Isi judul dan tema proyek terlebih dahulu.")


def region_default(participant):
    """The participant's region as their agency names it: its city, or the local government
    it belongs to (Pemerintah Kota Tangerang → Kota Tangerang)."""
    agency = participant.agency
    for institution in (agency, agency.parent if agency else None):
        if institution is None:
            continue
        if institution.city:
            return institution.city
    if agency and agency.parent:
        return agency.parent.name.removeprefix("Pemerintah ").strip()
    return ""


def may_publish(project):
    return project.state in PUBLISHABLE_STATES


@transaction.atomic
def catalogue_publish(*, project, data):
    """Publish (or update) the project's catalogue page with the participant's choices."""
    if not may_publish(project):
        raise ValidationError(ERROR_NOT_YET)
    if not project.title or project.theme_id is None:
        raise ValidationError(ERROR_NO_TITLE)
    publication, _created = CataloguePublication.objects.select_for_update().get_or_create(
        project=project, defaults={"region": data["region"]}
    )
    for field in ("region", "summary", "results", "show_summary", "show_results", "show_name"):
        setattr(publication, field, data[field])
    if not publication.published:
        publication.published, publication.published_at = True, timezone.now()
    publication.save()
    return publication


@transaction.atomic
def catalogue_unpublish(*, project):
    """Take the project out of the catalogue; its address is kept for a later publication."""
    CataloguePublication.objects.filter(project=project).update(published=False)


def catalogue_entries():
    """The published projects, each with only what the catalogue shows: title, theme,
    program, year, region, the summary and results when shown, the name when shown. One
    query."""
    empty = Value("")
    return (
        CataloguePublication.objects.filter(published=True)
        .only("uid", "region", "published_at")
        .annotate(
            title=F("project__title"),
            theme_name=F("project__theme__name"),
            program_name=F("project__enrolment__cohort__program__name"),
            year=F("project__enrolment__cohort__year"),
            shown_summary=Case(
                When(show_summary=True, then=F("summary")), default=empty, output_field=TextField()
            ),
            shown_results=Case(
                When(show_results=True, then=F("results")), default=empty, output_field=TextField()
            ),
            participant_name=Case(
                When(show_name=True, then=F("project__enrolment__participant__name")),
                default=empty,
                output_field=CharField(),
            ),
        )
        .order_by("-published_at", "pk")
    )


def catalogue_search(*, theme=None, region="", words=""):
    """The published projects of a theme and region whose shown words contain `words`."""
    entries = catalogue_entries()
    if theme is not None:
        entries = entries.filter(project__theme=theme)
    if region:
        entries = entries.filter(region__iexact=region)
    if words:
        entries = entries.filter(
            Q(project__title__icontains=words)
            | Q(show_summary=True, summary__icontains=words)
            | Q(show_results=True, results__icontains=words)
        )
    return entries


def catalogue_facets():
    """How many published projects each theme and each region has (two queries)."""
    published = CataloguePublication.objects.filter(published=True)
    themes = list(
        published.values("project__theme", "project__theme__name")
        .annotate(count=Count("pk"))
        .order_by("project__theme__name")
    )
    regions = list(published.values("region").annotate(count=Count("pk")).order_by("region"))
    return themes, regions
