from django.urls import path

from . import views
from . import views_certificates as certificates

app_name = "cohorts"

urlpatterns = [
    path("angkatan/", views.cohort_list, name="cohort_list"),
    path("angkatan/baru/", views.cohort_create_view, name="cohort_create"),
    path("angkatan/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path(
        "angkatan/<int:pk>/sertifikat/terbitkan/",
        views.certificates_issue_view,
        name="certificates_issue",
    ),
    path("sertifikat/penerbitan/<int:pk>/", views.batch_detail, name="batch_detail"),
    path("sertifikat/penerbitan/<int:pk>/status/", views.batch_status, name="batch_status"),
    path(
        "sertifikat/penerbitan/<int:pk>/gabungan.pdf",
        certificates.batch_file,
        {"kind": "pdf"},
        name="batch_pdf",
    ),
    path(
        "sertifikat/penerbitan/<int:pk>/semua.zip",
        certificates.batch_file,
        {"kind": "zip"},
        name="batch_zip",
    ),
    path("sertifikat/<int:pk>/unduh/", views.certificate_download, name="certificate_download"),
    path("sertifikat/<int:pk>/", certificates.certificate_detail, name="certificate_detail"),
    path(
        "sertifikat/<int:pk>/cabut/",
        certificates.certificate_change,
        {"action": "revoke"},
        name="certificate_revoke",
    ),
    path(
        "sertifikat/<int:pk>/terbitkan-ulang/",
        certificates.certificate_change,
        {"action": "reissue"},
        name="certificate_reissue",
    ),
    path("instansi/<int:pk>/nomor-sertifikat/", certificates.numbering, name="numbering"),
    path(
        "angkatan/<int:pk>/tahap/<int:phase_pk>/laporan/",
        certificates.phase_report_request,
        name="phase_report_request",
    ),
    path("laporan/<int:pk>/", certificates.phase_report_download, name="phase_report"),
    path(
        "instansi/<int:pk>/sertifikat/",
        certificates.institution_certificate,
        name="institution_certificate",
    ),
    path("dokumen/", views.documents, name="documents"),
    path("angkatan/<int:pk>/jadwal/", views.cohort_schedule, name="cohort_schedule"),
    path("angkatan/<int:pk>/tahap/<int:phase_pk>/", views.phase_detail, name="phase_detail"),
    path("angkatan/<int:pk>/tahap/<int:phase_pk>/ubah/", views.phase_edit, name="phase_edit"),
    path(
        "angkatan/<int:pk>/tahap/<int:phase_pk>/hari/<isodate:day>/sesi/",
        views.session_add_view,
        name="session_add",
    ),
    path(
        "angkatan/<int:pk>/tahap/<int:phase_pk>/sesi/<int:session_pk>/hapus/",
        views.session_delete,
        name="session_delete",
    ),
    path(
        "angkatan/<int:pk>/tahap/<int:phase_pk>/hari/<isodate:day>/presensi/",
        views.attendance_edit,
        name="attendance",
    ),
    path("instansi/<int:pk>/hari-libur/", views.institution_days, name="institution_days"),
    path(
        "instansi/<int:pk>/hari-libur/<int:day_pk>/hapus/",
        views.institution_day_delete,
        name="institution_day_delete",
    ),
    path("kalender/angkatan/<str:token>.ics", views.cohort_feed, name="cohort_feed"),
    path("angkatan/<int:pk>/kalender/baru/", views.cohort_feed_reset, name="cohort_feed_reset"),
]
