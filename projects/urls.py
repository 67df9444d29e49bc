from django.urls import include, path

from . import follow_up_views, lms_views, paper_views, views

app_name = "projects"

urlpatterns = [
    path("", include("projects.visit_score_urls")),  # field visit reports (issue 18)
    path("saya/", views.my_training, name="my_training"),
    path("proyek/", views.queue, name="queue"),
    path("proyek/saya/", views.my_project, name="my_project"),
    path("proyek/tema/", views.themes, name="themes"),
    path("proyek/<int:pk>/", views.detail, name="detail"),
    path("proyek/<int:pk>/ubah/", views.edit, name="edit"),
    path("proyek/<int:pk>/langkah/", views.step, name="step"),
    path("proyek/<int:pk>/dokumen/", views.upload, name="upload"),
    path("proyek/<int:pk>/nilai/<slug:role>/", views.sheet, name="sheet"),
    path("proyek/dokumen/<int:pk>/", views.document, name="document"),
    path("proyek/<int:pk>/mentor/persetujuan/", paper_views.paper_approval, name="paper_approval"),
    path("proyek/<int:pk>/mentor/nilai/", paper_views.paper_sheet, name="paper_sheet"),
    path("proyek/formulir/<int:pk>/", paper_views.paper_scan, name="paper_scan"),
    path("seminar/", views.my_seminars, name="my_seminars"),
    path("peserta-angkatan/<int:pk>/status/", views.enrolment_status, name="enrolment_status"),
    path("angkatan/<int:cohort_pk>/nilai/", views.gradebook, name="gradebook"),
    path("angkatan/<int:cohort_pk>/nilai/riwayat/", views.grades_history, name="grades_history"),
    path(
        "angkatan/<int:cohort_pk>/nilai/tutup/",
        views.grades_closing,
        {"action": "close"},
        name="grades_close",
    ),
    path(
        "angkatan/<int:cohort_pk>/nilai/buka/",
        views.grades_closing,
        {"action": "reopen"},
        name="grades_reopen",
    ),
    path("angkatan/<int:cohort_pk>/nilai/lms/", lms_views.lms_upload, name="lms_upload"),
    path("angkatan/<int:cohort_pk>/nilai/lms/ambil/", lms_views.lms_fetch, name="lms_fetch"),
    path(
        "angkatan/<int:cohort_pk>/nilai/lms/pratinjau/",
        lms_views.lms_preview_page,
        name="lms_preview",
    ),
    path("angkatan/<int:cohort_pk>/seminar/", views.cohort_seminars, name="cohort_seminars"),
    path("program/<slug:code>/rubrik/", views.rubrics, name="rubrics"),
    # Follow-up after the training and the public catalogue of innovations (issue 18).
    path("proyek/saya/tindak-lanjut/", follow_up_views.follow_up_mine, name="follow_up_mine"),
    path("tindak-lanjut/", follow_up_views.follow_up_queue, name="follow_up_queue"),
    path("tindak-lanjut/<int:pk>/", follow_up_views.follow_up_round, name="follow_up_round"),
    path(
        "tindak-lanjut/<int:pk>/konfirmasi/",
        follow_up_views.follow_up_confirm_view,
        name="follow_up_confirm",
    ),
    path(
        "tindak-lanjut/bukti/<int:pk>/",
        follow_up_views.follow_up_evidence,
        name="follow_up_evidence",
    ),
    path(
        "angkatan/tindak-lanjut/", follow_up_views.follow_up_dashboard, name="follow_up_dashboard"
    ),
    path(
        "proyek/<int:pk>/katalog/",
        follow_up_views.catalogue_publish_view,
        name="catalogue_publish",
    ),
    path("katalog-inovasi/", follow_up_views.catalogue, name="catalogue"),
    path("katalog-inovasi/<uuid:uid>/", follow_up_views.catalogue_entry, name="catalogue_entry"),
]
