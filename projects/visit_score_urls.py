"""The escort's field visit pages (projects.visit_score_views), included by projects.urls."""

from django.urls import path

from . import visit_score_views

urlpatterns = [
    path(
        "studi-lapangan/pendamping/", visit_score_views.escort_visit_list, name="visit_escort_list"
    ),  # fmt: skip
    path(
        "studi-lapangan/<int:pk>/laporan/", visit_score_views.visit_reports, name="visit_reports"
    ),  # fmt: skip
]
