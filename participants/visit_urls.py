"""Field visit pages (participants.visit_views), included by participants.urls."""

from django.urls import path

from . import visit_views

urlpatterns = [
    path("studi-lapangan/", visit_views.visit_list, name="visit_list"),
    path("studi-lapangan/baru/", visit_views.visit_new, name="visit_new"),
    path("studi-lapangan/<int:pk>/", visit_views.visit_detail, name="visit_detail"),
    path("studi-lapangan/<int:pk>/ubah/", visit_views.visit_edit, name="visit_edit"),
    path("studi-lapangan/<int:pk>/kelompok/", visit_views.visit_groups_page, name="visit_groups"),
    path("studi-lapangan/<int:pk>/cetak/", visit_views.visit_print, name="visit_print"),
    path("studi-lapangan/foto/<int:pk>/", visit_views.visit_photo, name="visit_photo"),
    path("kunjungan-saya/", visit_views.my_visits, name="my_visits"),
    path("kunjungan-saya/<int:pk>/", visit_views.my_visit, name="my_visit"),
]
