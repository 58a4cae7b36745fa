"""The consultation reports' pages (咨政报告): list, report, form, decision, file.

The views are in apps/web/consultations.py.
"""

from django.urls import path

from . import consultations

urlpatterns: list = [
    path("reports/", consultations.report_list, name="report-list"),
    path("reports/new/", consultations.report_create, name="report-create"),
    path("reports/<int:pk>/", consultations.report_detail, name="report-detail"),
    path("reports/<int:pk>/edit/", consultations.report_edit, name="report-edit"),
    path("reports/<int:pk>/decide/", consultations.report_decide, name="report-decide"),
    path("reports/<int:pk>/file/", consultations.report_download, name="report-file"),
]
