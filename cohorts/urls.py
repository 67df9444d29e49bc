from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("angkatan/", views.cohort_list, name="cohort_list"),
    path("angkatan/baru/", views.cohort_create_view, name="cohort_create"),
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
        views.session_delete_view,
        name="session_delete",
    ),
    path("narasumber/", views.speaker_list, name="speaker_list"),
    path("narasumber/baru/", views.speaker_create_view, name="speaker_create"),
    path("narasumber/<int:pk>/ubah/", views.speaker_edit, name="speaker_edit"),
    path("instansi/<int:pk>/hari-libur/", views.institution_days, name="institution_days"),
    path(
        "instansi/<int:pk>/hari-libur/<int:day_pk>/hapus/",
        views.institution_day_delete,
        name="institution_day_delete",
    ),
    path("kalender/angkatan/<str:token>.ics", views.cohort_feed, name="cohort_feed"),
    path("angkatan/<int:pk>/kalender/baru/", views.cohort_feed_reset, name="cohort_feed_reset"),
]
