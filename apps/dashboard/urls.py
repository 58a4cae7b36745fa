from django.urls import path

from . import gap_map, views

app_name = "dashboard"

urlpatterns = [
    path("", views.dashboard, name="index"),
    path("export/", views.export, name="export"),
    path("gaps/", gap_map.gap_map_page, name="gap-map"),
    path("gaps/<int:domain_pk>/call/", gap_map.gap_call, name="gap-call"),
]
