"""The REST API's addresses under /api/ (config.urls): each app's endpoints (its api.py), the
public verification, the OpenAPI schema and its docs page. Namespace "api"."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from cohorts.api import CohortViewSet
from config.api import api_not_found
from config.permissions import public
from curriculum.api import ProgramViewSet
from projects.api import ComponentScoresView, EnrolmentViewSet

from .api import CertificateViewSet, VerifyLookupView, VerifyView

app_name = "api"


def api_key_reaches(user):
    """The API's rule (tests/test_url_rules.py): a live key (cohorts.api_keys), reading the
    cohorts of its own institution and writing only if it is a read-write key. Not a page's
    rule: a person's session opens nothing here."""
    return False


def keyed(view):
    view.rule = api_key_reaches
    return view


class DocsView(SpectacularSwaggerSplitView):
    """Swagger UI with its start-up script served as a file (the CSP runs no inline script)
    and without the inline <style> of drf-spectacular's own template."""

    template_name = "api/swagger_ui.html"


router = SimpleRouter()
router.register("programs", ProgramViewSet, basename="program")
router.register("cohorts", CohortViewSet, basename="cohort")
router.register("certificates", CertificateViewSet, basename="certificate")

enrolments = EnrolmentViewSet.as_view({"get": "list", "post": "create"})
enrolment = EnrolmentViewSet.as_view({"get": "retrieve"})

urlpatterns = [
    *router.urls,
    path("cohorts/<int:cohort_pk>/enrolments/", keyed(enrolments), name="enrolment-list"),
    path("cohorts/<int:cohort_pk>/enrolments/<int:pk>/", keyed(enrolment), name="enrolment-detail"),
    path(
        "cohorts/<int:cohort_pk>/scores/",
        keyed(ComponentScoresView.as_view()),
        name="component-scores",
    ),
    path(
        "verifikasi/",
        public("anyone may check a certificate by its number and check code, as on the page")(
            VerifyLookupView.as_view()
        ),
        name="verify_lookup",
    ),
    path(
        "verifikasi/<uuid:verification_id>/",
        public("anyone holding a certificate's QR code may check it, as on the page")(
            VerifyView.as_view()
        ),
        name="verify",
    ),
    path(
        "schema/",
        public("the API's description, no one's data")(SpectacularAPIView.as_view()),
        name="schema",
    ),
    path(
        "docs/",
        public("the API's documentation page, no one's data")(
            DocsView.as_view(url_name="api:schema")
        ),
        name="docs",
    ),
    re_path(r"^", api_not_found, name="not_found"),
]
for pattern in router.urls:
    keyed(pattern.callback)
