from django.urls import path

from . import views

app_name = "participants"

urlpatterns = [
    path("angkatan/<int:cohort_pk>/peserta/tambah/", views.enrol, name="enrol"),
    path("saya/", views.my_training, name="my_training"),
]
