from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("angkatan/<int:cohort_pk>/peserta/tambah/", views.enrol, name="enrol"),
    path("saya/", views.my_training, name="my_training"),
    path("jadwal/", views.my_schedule, name="my_schedule"),
    path("jadwal/kalender/baru/", views.calendar_reset, name="calendar_reset"),
    path("kalender/peserta/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
