from django.urls import path

from . import views

app_name = "curriculum"

urlpatterns = [
    path("program/", views.program_list, name="program_list"),
    path("program/baru/", views.program_create, name="program_create"),
    path("program/<slug:code>/", views.program_detail, name="program_detail"),
    path("program/<slug:code>/ubah/", views.program_edit, name="program_edit"),
    path(
        "program/<slug:code>/kriteria-evaluasi/",
        views.evaluation_setup,
        name="evaluation_setup",
    ),
    path("program/<slug:code>/versi/baru/", views.version_new, name="version_new"),
    path("program/<slug:code>/versi/<int:number>/ubah/", views.version_edit, name="version_edit"),
    path(
        "program/<slug:code>/versi/<int:number>/terbitkan/",
        views.version_publish,
        name="version_publish",
    ),
    path(
        "program/<slug:code>/versi/<int:number>/tarik/",
        views.version_unpublish,
        name="version_unpublish",
    ),
    path(
        "program/<slug:code>/versi/<int:number>/tahap/<int:order>/mata-pelatihan/",
        views.subjects_edit,
        name="subjects_edit",
    ),
]
