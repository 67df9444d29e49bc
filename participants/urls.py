from django.urls import include, path

from . import attendance_views, evaluation_views, invitation_views, siasn_views, views
from .notification_views import notification_preferences, notifications_without_email_view

app_name = "participants"

urlpatterns = [
    path("", include("participants.visit_urls")),  # field visits (issue 18)
    path("", include("participants.commitment_urls")),  # komitmen bersama (issue 18)
    path("angkatan/<int:cohort_pk>/peserta/tambah/", views.enrol, name="enrol"),
    path("bimbingan/", views.my_mentees, name="my_mentees"),
    path("angkatan/<int:cohort_pk>/siasn/", siasn_views.siasn_check_page, name="siasn_check"),
    path("angkatan/<int:cohort_pk>/impor/", views.import_upload, name="import_upload"),
    path("angkatan/<int:cohort_pk>/impor/<int:pk>/", views.import_preview, name="import_preview"),
    path("impor/templat.<str:kind>", views.import_template, name="import_template"),
    path("angkatan/<int:cohort_pk>/peserta.<str:kind>", views.roster_export, name="roster_export"),
    path("angkatan/<int:cohort_pk>/kelompok/", views.groups_board, name="groups"),
    path("peserta/<int:pk>/", views.participant_detail, name="participant_detail"),
    path("peserta/<int:pk>/undangan/", views.invitation_resend, name="invitation_resend"),
    path(
        "angkatan/<int:cohort_pk>/undangan/",
        invitation_views.cohort_invitations,
        name="cohort_invitations",
    ),
    path(
        "angkatan/<int:cohort_pk>/undangan/peserta/<int:pk>/wa/",
        invitation_views.whatsapp_participant,
        name="whatsapp_participant",
    ),
    path(
        "angkatan/<int:cohort_pk>/undangan/mentor/<int:pk>/wa/",
        invitation_views.whatsapp_mentor,
        name="whatsapp_mentor",
    ),
    path(
        "angkatan/<int:cohort_pk>/mentor/<int:pk>/undangan/",
        invitation_views.mentor_invitation,
        name="mentor_invitation",
    ),
    path(
        "angkatan/<int:cohort_pk>/mentor/<int:pk>/kontak/",
        invitation_views.mentor_contact,
        name="mentor_contact",
    ),
    path(
        "pemberitahuan/",
        notification_preferences,
        name="notification_preferences",
    ),
    path(
        "angkatan/<int:cohort_pk>/pemberitahuan-tanpa-surel/",
        notifications_without_email_view,
        name="notifications_without_email",
    ),
    path("program/<slug:code>/syarat/", views.eligibility_edit, name="eligibility"),
    path("jadwal/", views.my_schedule, name="my_schedule"),
    path("jadwal/kalender/baru/", views.calendar_reset, name="calendar_reset"),
    path("kalender/peserta/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
    path(
        "angkatan/<int:pk>/tahap/<int:phase_pk>/hari/<isodate:day>/presensi/",
        views.attendance_edit,
        name="attendance",
    ),
    path(
        "angkatan/<int:cohort_pk>/presensi/rekap/",
        attendance_views.attendance_recap_page,
        name="attendance_recap",
    ),
    path(
        "angkatan/<int:cohort_pk>/presensi/rekap.xlsx",
        attendance_views.attendance_recap_export,
        name="attendance_recap_export",
    ),
    path("evaluasi/", evaluation_views.my_evaluations, name="my_evaluations"),
    path(
        "angkatan/<int:cohort_pk>/evaluasi/<slug:key>/isi/",
        evaluation_views.evaluation_form,
        name="evaluation_form",
    ),
    path(
        "angkatan/<int:cohort_pk>/evaluasi/",
        evaluation_views.evaluation_results,
        name="evaluation_results",
    ),
    path(
        "angkatan/<int:cohort_pk>/evaluasi/<slug:key>/ingatkan/",
        evaluation_views.evaluation_remind_view,
        name="evaluation_remind",
    ),
    path(
        "evaluasi-saya/", evaluation_views.my_teaching_evaluations, name="my_teaching_evaluations"
    ),
]
