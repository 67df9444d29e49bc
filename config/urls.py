from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, register_converter

from documents.views import verify, verify_lookup
from projects.views import cohort_detail

from . import two_factor
from .converters import IsoDateConverter
from .integrations_views import integrations_health
from .logins import LoginForm, PasswordResetRequestView
from .views import home, no_role

register_converter(IsoDateConverter, "isodate")
# Before admin.site.urls is read: its login and permission check know the code step.
two_factor.admin_site_protect(admin.site)

urlpatterns = [
    path("", home, name="home"),
    path(
        "masuk/",
        auth_views.LoginView.as_view(
            redirect_authenticated_user=True, authentication_form=LoginForm
        ),
        name="login",
    ),
    path("keluar/", auth_views.LogoutView.as_view(), name="logout"),
    path("masuk/kode/", two_factor.verify, name="two_factor_verify"),
    path("akun/dua-langkah/", two_factor.setup, name="two_factor_setup"),
    path("akun/dua-langkah/matikan/", two_factor.disable, name="two_factor_disable"),
    path(
        "akun/atur-sandi/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="registration/password_set.html",
            success_url="/masuk/?sandi=baru",
        ),
        name="password_set",
    ),
    # "Lupa sandi?": the e-mailed link opens the same page as an invitation's.
    path("akun/lupa-sandi/", PasswordResetRequestView.as_view(), name="password_reset"),
    path(
        "akun/lupa-sandi/terkirim/",
        auth_views.PasswordResetDoneView.as_view(
            template_name="registration/password_reset_done.html"
        ),
        name="password_reset_done",
    ),
    path("tanpa-peran/", no_role, name="no_role"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("verifikasi/", verify_lookup, name="verify_lookup"),
    path("verifikasi/<uuid:verification_id>/", verify, name="verify"),
    # The cohort's page shows final scores, so projects serves it; every app links to it.
    path("angkatan/<int:pk>/", cohort_detail, name="cohort_detail"),
    path("", include("cohorts.urls")),
    path("", include("participants.urls")),
    path("", include("projects.urls")),
    path("", include("curriculum.urls")),
    path("", include("documents.urls")),
    # Before the admin site, whose last pattern catches every other address under admin/.
    path("admin/integrasi/", integrations_health, name="integrations_health"),
    path("admin/", admin.site.urls),
    # The REST API (README, "API"): keyed endpoints, the public verification, its schema.
    path("api/", include("documents.api_urls")),
]

admin.site.site_header = "Angkatan"
admin.site.site_title = "Angkatan"
