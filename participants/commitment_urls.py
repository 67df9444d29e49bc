"""The komitmen bersama documents' pages (participants.commitment_views, issue 18)."""

from django.urls import path

from . import commitment_views

urlpatterns = [
    path(
        "angkatan/<int:cohort_pk>/komitmen/",
        commitment_views.commitments_page,
        name="commitments",
    ),
    path(
        "angkatan/<int:cohort_pk>/komitmen/<int:pk>/unggah/",
        commitment_views.commitment_upload,
        name="commitment_upload",
    ),
    path(
        "komitmen/<int:pk>/unduh/",
        commitment_views.commitment_download,
        name="commitment_download",
    ),
    path("komitmen-saya/", commitment_views.my_commitments, name="my_commitments"),
]
