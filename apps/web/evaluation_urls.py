"""Evaluations and teaching records: code sheets, the trainees' pages (no account), site
visit requests and calendars, a lecturer's teaching record (apps/web/evaluations.py)."""

from django.urls import path

from . import evaluations

urlpatterns: list = [
    path("classes/<int:pk>/codes/", evaluations.class_codes, name="class-codes"),
    path("evaluate/", evaluations.evaluate, name="evaluate"),
    path("evaluate/<str:code>/", evaluations.evaluate_code, name="evaluate-code"),
    path("faculty/<int:pk>/record/", evaluations.lecturer_record, name="lecturer-record"),
    path(
        "faculty/<int:pk>/record.xlsx",
        evaluations.lecturer_record_xlsx,
        name="lecturer-record-xlsx",
    ),
    path("visits/", evaluations.visits, name="visits"),
    path("sites/<int:pk>/calendar/", evaluations.site_calendar, name="site-calendar"),
]
