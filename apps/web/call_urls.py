"""The calls' pages (征集): list, detail, publish, edit, close. Views in apps/web/calls.py."""

from django.urls import path

from . import calls

urlpatterns: list = [
    path("calls/", calls.call_list, name="call-list"),
    path("calls/new/", calls.call_create, name="call-create"),
    path("calls/<int:pk>/", calls.call_detail, name="call-detail"),
    path("calls/<int:pk>/edit/", calls.call_edit, name="call-edit"),
    path("calls/<int:pk>/close/", calls.call_close, name="call-close"),
]
