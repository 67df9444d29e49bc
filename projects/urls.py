from django.urls import path

from . import views

app_name = "projects"

urlpatterns = [
    path("proyek/", views.my_projects, name="my_projects"),
    path("proyek/<int:pk>/nilai/", views.score, name="score"),
    path("angkatan/<int:cohort_pk>/nilai/", views.gradebook, name="gradebook"),
]
