"""The training classes' pages (班次): list, form, timetable, print and .xlsx.

The views are in apps/web/classes.py.
"""

from django.urls import path

from . import classes

urlpatterns: list = [
    path("classes/", classes.class_list, name="class-list"),
    path("classes/new/", classes.class_create, name="class-create"),
    path("classes/<int:pk>/", classes.class_detail, name="class-detail"),
    path("classes/<int:pk>/edit/", classes.class_edit, name="class-edit"),
    path("classes/<int:pk>/move/", classes.class_move, name="class-move"),
    path("classes/<int:pk>/print/", classes.class_print, name="class-print"),
    path("classes/<int:pk>/timetable.xlsx", classes.class_xlsx, name="class-xlsx"),
    path("classes/<int:pk>/sessions/new/", classes.session_add, name="class-session-add"),
    path(
        "classes/<int:pk>/sessions/<int:sid>/edit/",
        classes.session_edit,
        name="class-session-edit",
    ),
    path(
        "classes/<int:pk>/sessions/<int:sid>/remove/",
        classes.session_remove,
        name="class-session-remove",
    ),
]
