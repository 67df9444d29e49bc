from django.urls import path

from . import views

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
    path("sertifikat/<int:pk>/unduh/", views.certificate_download, name="certificate_download"),
    path("dokumen/", views.documents, name="documents"),
]
